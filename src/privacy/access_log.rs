//! Who read an organization's private contact details from outside it, and when.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::private_reads;
use crate::error::AppError;

/// Records that `reader` read `what` of the organization's private details.
pub fn record(
    conn: &mut DbConnection,
    reader_id: &str,
    org_id: &str,
    what: &'static str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(private_reads::table)
        .values((
            private_reads::id.eq(uuid::Uuid::now_v7().to_string()),
            private_reads::reader_id.eq(reader_id),
            private_reads::org_id.eq(org_id),
            private_reads::what.eq(what),
            private_reads::read_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
