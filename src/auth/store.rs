//! Accounts, email tokens, refresh tokens and tenant roles in the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{refresh_tokens, tenant_roles, user_tokens, users};
use crate::error::AppError;

pub const PURPOSE_VERIFY_EMAIL: &str = "verify_email";
pub const PURPOSE_PASSWORD_RESET: &str = "password_reset";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub full_name: String,
    pub language: String,
    pub email_verified_at: Option<NaiveDateTime>,
    pub is_platform_admin: bool,
    pub created_at: NaiveDateTime,
    /// Set when the holder deleted the account: the row stays, emptied.
    pub deleted_at: Option<NaiveDateTime>,
}

pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub full_name: &'a str,
    pub language: &'a str,
    pub verified_at: Option<NaiveDateTime>,
    pub is_platform_admin: bool,
}

pub fn find_user(conn: &mut DbConnection, user_id: &str) -> Result<Option<UserRow>, AppError> {
    Ok(users::table.find(user_id).select(UserRow::as_select()).first(conn).optional()?)
}

pub fn find_user_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<UserRow>, AppError> {
    Ok(users::table.filter(users::email.eq(email)).select(UserRow::as_select()).first(conn).optional()?)
}

pub fn insert_user(conn: &mut DbConnection, user: NewUser<'_>, now: NaiveDateTime) -> Result<(), AppError> {
    diesel::insert_into(users::table)
        .values((
            users::id.eq(user.id),
            users::email.eq(user.email),
            users::password_hash.eq(user.password_hash),
            users::full_name.eq(user.full_name),
            users::language.eq(user.language),
            users::email_verified_at.eq(user.verified_at),
            users::is_platform_admin.eq(user.is_platform_admin),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn mark_email_verified(conn: &mut DbConnection, user_id: &str, now: NaiveDateTime) -> Result<(), AppError> {
    diesel::update(users::table.find(user_id).filter(users::email_verified_at.is_null()))
        .set((users::email_verified_at.eq(Some(now)), users::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

pub fn set_password(
    conn: &mut DbConnection,
    user_id: &str,
    password_hash: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(users::table.find(user_id))
        .set((users::password_hash.eq(password_hash), users::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

pub fn update_profile(
    conn: &mut DbConnection,
    user_id: &str,
    full_name: Option<&str>,
    language: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if let Some(name) = full_name {
        diesel::update(users::table.find(user_id))
            .set((users::full_name.eq(name), users::updated_at.eq(now)))
            .execute(conn)?;
    }
    if let Some(language) = language {
        diesel::update(users::table.find(user_id))
            .set((users::language.eq(language), users::updated_at.eq(now)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn set_platform_admin(conn: &mut DbConnection, user_id: &str, now: NaiveDateTime) -> Result<(), AppError> {
    diesel::update(users::table.find(user_id))
        .set((users::is_platform_admin.eq(true), users::email_verified_at.eq(Some(now)), users::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Stores the hash of an emailed token under its id (the id it is rebuilt from).
pub fn insert_email_token(
    conn: &mut DbConnection,
    id: &str,
    user_id: &str,
    purpose: &str,
    token_hash: &str,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(user_tokens::table)
        .values((
            user_tokens::id.eq(id),
            user_tokens::user_id.eq(user_id),
            user_tokens::purpose.eq(purpose),
            user_tokens::token_hash.eq(token_hash),
            user_tokens::expires_at.eq(expires_at),
            user_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Uses up a single-use email token. Returns its user when the token existed, had this
/// purpose, was unused and had not expired; a token can be consumed only once even when
/// two requests race for it.
pub fn consume_email_token(
    conn: &mut DbConnection,
    purpose: &str,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<String>, AppError> {
    let consumed = diesel::update(
        user_tokens::table
            .filter(user_tokens::token_hash.eq(token_hash))
            .filter(user_tokens::purpose.eq(purpose))
            .filter(user_tokens::used_at.is_null())
            .filter(user_tokens::expires_at.gt(now)),
    )
    .set(user_tokens::used_at.eq(Some(now)))
    .execute(conn)?;
    if consumed == 0 {
        return Ok(None);
    }
    Ok(Some(
        user_tokens::table.filter(user_tokens::token_hash.eq(token_hash)).select(user_tokens::user_id).first(conn)?,
    ))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: String,
    pub user_id: String,
    pub family_id: String,
    pub expires_at: NaiveDateTime,
    pub rotated_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert_refresh_token(
    conn: &mut DbConnection,
    user_id: &str,
    family_id: &str,
    token_hash: &str,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(uuid::Uuid::now_v7().to_string()),
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family_id.eq(family_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::expires_at.eq(expires_at),
            refresh_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_refresh_token(conn: &mut DbConnection, token_hash: &str) -> Result<Option<RefreshTokenRow>, AppError> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a token as used; false when another request rotated it first.
pub fn mark_rotated(conn: &mut DbConnection, token_id: &str, now: NaiveDateTime) -> Result<bool, AppError> {
    let rows = diesel::update(
        refresh_tokens::table
            .find(token_id)
            .filter(refresh_tokens::rotated_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::rotated_at.eq(Some(now)))
    .execute(conn)?;
    Ok(rows == 1)
}

pub fn revoke_family(conn: &mut DbConnection, family_id: &str, now: NaiveDateTime) -> Result<usize, AppError> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now)))
    .execute(conn)?)
}

/// Ends every sign-in of a user, except `keep_family` (the session asking for it).
pub fn revoke_sessions(
    conn: &mut DbConnection,
    user_id: &str,
    keep_family: Option<&str>,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let query =
        refresh_tokens::table.filter(refresh_tokens::user_id.eq(user_id)).filter(refresh_tokens::revoked_at.is_null());
    let rows = match keep_family {
        Some(family) => diesel::update(query.filter(refresh_tokens::family_id.ne(family)))
            .set(refresh_tokens::revoked_at.eq(Some(now)))
            .execute(conn)?,
        None => diesel::update(query).set(refresh_tokens::revoked_at.eq(Some(now))).execute(conn)?,
    };
    Ok(rows)
}

/// Whether a sign-in of this user is still alive (not revoked as a whole). A sign-in of
/// another user never counts, whatever a token claims.
pub fn session_is_active(conn: &mut DbConnection, user_id: &str, family_id: &str) -> Result<bool, AppError> {
    let alive: i64 = refresh_tokens::table
        .filter(refresh_tokens::family_id.eq(family_id))
        .filter(refresh_tokens::user_id.eq(user_id))
        .filter(refresh_tokens::revoked_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(alive > 0)
}

#[derive(Debug, Clone, Queryable)]
pub struct RoleGrant {
    pub tenant_id: String,
    pub role: String,
}

pub fn roles_of(conn: &mut DbConnection, user_id: &str) -> Result<Vec<RoleGrant>, AppError> {
    Ok(tenant_roles::table
        .filter(tenant_roles::user_id.eq(user_id))
        .order((tenant_roles::tenant_id.asc(), tenant_roles::role.asc()))
        .select((tenant_roles::tenant_id, tenant_roles::role))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(tenant_id, role)| RoleGrant { tenant_id, role })
        .collect())
}

/// One sign-in family that has not ended.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub family_id: String,
    pub started_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// The user's sign-ins that are neither revoked nor expired, newest first.
pub fn active_sessions(
    conn: &mut DbConnection,
    user_id: &str,
    now: NaiveDateTime,
) -> Result<Vec<ActiveSession>, AppError> {
    let rows: Vec<(String, NaiveDateTime, NaiveDateTime)> = refresh_tokens::table
        .filter(refresh_tokens::user_id.eq(user_id))
        .filter(refresh_tokens::revoked_at.is_null())
        .select((refresh_tokens::family_id, refresh_tokens::created_at, refresh_tokens::expires_at))
        .load(conn)?;
    let mut families: std::collections::BTreeMap<String, ActiveSession> = std::collections::BTreeMap::new();
    for (family_id, created_at, expires_at) in rows {
        families
            .entry(family_id.clone())
            .and_modify(|s| {
                s.started_at = s.started_at.min(created_at);
                s.last_used_at = s.last_used_at.max(created_at);
                s.expires_at = s.expires_at.max(expires_at);
            })
            .or_insert(ActiveSession { family_id, started_at: created_at, last_used_at: created_at, expires_at });
    }
    let mut sessions: Vec<ActiveSession> = families.into_values().filter(|s| s.expires_at > now).collect();
    sessions.sort_by_key(|s| std::cmp::Reverse(s.last_used_at));
    Ok(sessions)
}
