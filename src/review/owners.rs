//! Telling the owners of a reviewed thing what was decided, each in their language, by the
//! notification they chose (at once, in the digest, or in the app only).

use chrono::NaiveDateTime;

use crate::app::AppState;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::notify::{self, Kind, Notice};

/// One owner of an organization: (user id, email, name, language).
pub type Owner = (String, String, String, String);

/// What every owner's notice shares.
pub struct OwnerNotice<'a> {
    pub kind: Kind,
    /// The audit entity and its id, which the notice points at.
    pub entity: &'static str,
    pub id: &'a str,
    pub tenant_id: &'a str,
    pub province_name: &'a str,
    /// The page under the public address, e.g. `orgs/{id}`.
    pub path: String,
    /// The event's key; each owner's notice is keyed by it and their id, so a retried
    /// step tells nobody twice.
    pub event: String,
}

/// Publishes one notice per owner, in the caller's transaction; `message` words it in the
/// owner's language (title, paragraphs).
pub fn tell_owners(
    conn: &mut DbConnection,
    state: &AppState,
    owners: Vec<Owner>,
    notice: &OwnerNotice<'_>,
    message: impl Fn(Lang) -> (String, Vec<String>),
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let link = format!("{}/{}", state.settings.server.public_url.trim_end_matches('/'), notice.path);
    for (user_id, email, name, language) in owners {
        let lang = Lang::parse(&language).unwrap_or_default();
        let (title, paragraphs) = message(lang);
        notify::publish(
            conn,
            state,
            Notice {
                user_id: &user_id,
                kind: notice.kind,
                event_key: format!("{}:{user_id}", notice.event),
                lang,
                to: &email,
                to_name: &name,
                province_name: Some(notice.province_name),
                tenant_id: Some(notice.tenant_id),
                title,
                paragraphs,
                link: Some(link.clone()),
                entity: Some((notice.entity, notice.id)),
            },
            now,
        )?;
    }
    Ok(())
}
