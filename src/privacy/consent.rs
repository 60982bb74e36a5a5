//! Consent to the personal-data notice, per purpose, with the notice's version and time.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::consents;
use crate::error::AppError;

/// The version of the notice at `/privacy`; a new text gets a new version.
pub const NOTICE_VERSION: &str = "2026-12-01";

/// Having an account: the data needed to run it (required to register).
pub const ACCOUNT: &str = "account";
/// Daily digests and saved-search alerts by email (optional; withdrawable).
pub const DIGESTS: &str = "digests";

/// Records a consent given now to the current notice.
pub fn grant(conn: &mut DbConnection, user_id: &str, purpose: &str, now: NaiveDateTime) -> Result<(), AppError> {
    diesel::insert_into(consents::table)
        .values((
            consents::id.eq(uuid::Uuid::now_v7().to_string()),
            consents::user_id.eq(user_id),
            consents::purpose.eq(purpose),
            consents::notice_version.eq(NOTICE_VERSION),
            consents::granted_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
