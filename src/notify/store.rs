use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Serialize;

use super::model::{Kind, Mode, email_state};
use crate::db::schema::{notification_preferences, notifications, users};
use crate::db::{DbConnection, insert_ignoring_duplicates};
use crate::error::AppError;

pub struct NewNotification<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub kind: Kind,
    pub title: &'a str,
    pub body: &'a str,
    pub link: Option<&'a str>,
    pub entity: Option<(&'a str, &'a str)>,
    pub tenant_id: Option<&'a str>,
    pub email_state: &'a str,
}

pub fn insert(conn: &mut DbConnection, n: &NewNotification<'_>, now: NaiveDateTime) -> Result<(), AppError> {
    diesel::insert_into(notifications::table)
        .values((
            notifications::id.eq(n.id),
            notifications::user_id.eq(n.user_id),
            notifications::kind.eq(n.kind.as_str()),
            notifications::title.eq(n.title),
            notifications::body.eq(n.body),
            notifications::link.eq(n.link),
            notifications::entity_type.eq(n.entity.map(|e| e.0)),
            notifications::entity_id.eq(n.entity.map(|e| e.1)),
            notifications::tenant_id.eq(n.tenant_id),
            notifications::email_state.eq(n.email_state),
            notifications::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub read_at: Option<NaiveDateTime>,
}

pub fn list(
    conn: &mut DbConnection,
    user_id: &str,
    unread_only: bool,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Notification>, i64), AppError> {
    macro_rules! filtered {
        () => {{
            let mut query = notifications::table.filter(notifications::user_id.eq(user_id.to_owned())).into_boxed();
            if unread_only {
                query = query.filter(notifications::read_at.is_null());
            }
            query
        }};
    }
    let total = filtered!().select(count_star()).first(conn)?;
    let items = filtered!()
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)?;
    Ok((items, total))
}

pub fn unread_count(conn: &mut DbConnection, user_id: &str) -> Result<i64, AppError> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Marks one of the user's notifications read; false when it is not theirs (or unknown).
pub fn mark_read(conn: &mut DbConnection, user_id: &str, id: &str, now: NaiveDateTime) -> Result<bool, AppError> {
    let mine: i64 = notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    if mine == 0 {
        return Ok(false);
    }
    diesel::update(notifications::table.find(id).filter(notifications::read_at.is_null()))
        .set(notifications::read_at.eq(Some(now)))
        .execute(conn)?;
    Ok(true)
}

pub fn mark_all_read(conn: &mut DbConnection, user_id: &str, now: NaiveDateTime) -> Result<usize, AppError> {
    Ok(diesel::update(
        notifications::table.filter(notifications::user_id.eq(user_id)).filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(now)))
    .execute(conn)?)
}

pub fn preference(conn: &mut DbConnection, user_id: &str, kind: Kind) -> Result<Mode, AppError> {
    let mode: Option<String> = notification_preferences::table
        .find((user_id, kind.as_str()))
        .select(notification_preferences::mode)
        .first(conn)
        .optional()?;
    Ok(mode.as_deref().and_then(Mode::parse).unwrap_or(Mode::DEFAULT))
}

pub fn preferences(conn: &mut DbConnection, user_id: &str) -> Result<Vec<(Kind, Mode)>, AppError> {
    let stored: Vec<(String, String)> = notification_preferences::table
        .filter(notification_preferences::user_id.eq(user_id))
        .select((notification_preferences::kind, notification_preferences::mode))
        .load(conn)?;
    Ok(Kind::ALL
        .iter()
        .map(|kind| {
            let mode = stored
                .iter()
                .find(|(k, _)| k == kind.as_str())
                .and_then(|(_, m)| Mode::parse(m))
                .unwrap_or(Mode::DEFAULT);
            (*kind, mode)
        })
        .collect())
}

pub fn set_preference(
    conn: &mut DbConnection,
    user_id: &str,
    kind: Kind,
    mode: Mode,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let updated = diesel::update(notification_preferences::table.find((user_id, kind.as_str())))
        .set((notification_preferences::mode.eq(mode.as_str()), notification_preferences::updated_at.eq(now)))
        .execute(conn)?;
    if updated == 0 {
        insert_ignoring_duplicates(conn, |conn| {
            diesel::insert_into(notification_preferences::table)
                .values((
                    notification_preferences::user_id.eq(user_id),
                    notification_preferences::kind.eq(kind.as_str()),
                    notification_preferences::mode.eq(mode.as_str()),
                    notification_preferences::updated_at.eq(now),
                ))
                .execute(conn)
        })?;
    }
    Ok(())
}

/// Users with notifications waiting for a digest.
pub fn users_with_pending_digest(conn: &mut DbConnection, limit: i64) -> Result<Vec<String>, AppError> {
    Ok(notifications::table
        .filter(notifications::email_state.eq(email_state::DIGEST))
        .select(notifications::user_id)
        .distinct()
        .order(notifications::user_id)
        .limit(limit)
        .load(conn)?)
}

/// A user's notifications waiting for the digest, created up to `until`, oldest first.
pub fn pending_digest(
    conn: &mut DbConnection,
    user_id: &str,
    until: NaiveDateTime,
) -> Result<Vec<Notification>, AppError> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::email_state.eq(email_state::DIGEST))
        .filter(notifications::created_at.le(until))
        .order((notifications::created_at.asc(), notifications::id.asc()))
        .select(Notification::as_select())
        .load(conn)?)
}

/// Marks notifications as sent in a digest; only those still waiting, so none is sent twice.
pub fn mark_digested(conn: &mut DbConnection, ids: &[String], now: NaiveDateTime) -> Result<usize, AppError> {
    Ok(diesel::update(
        notifications::table
            .filter(notifications::id.eq_any(ids))
            .filter(notifications::email_state.eq(email_state::DIGEST)),
    )
    .set((notifications::email_state.eq(email_state::DIGESTED), notifications::digested_at.eq(Some(now))))
    .execute(conn)?)
}

/// A recipient's address, name and language.
pub fn recipient(conn: &mut DbConnection, user_id: &str) -> Result<Option<(String, String, String)>, AppError> {
    Ok(users::table.find(user_id).select((users::email, users::full_name, users::language)).first(conn).optional()?)
}
