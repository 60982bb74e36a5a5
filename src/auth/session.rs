//! Sign-ins: an access token plus a refresh token family that rotates on every use.

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

use super::{store, tokens};
use crate::app::AppState;
use crate::db::DbConnection;
use crate::error::{AppError, Text};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    pub refresh_expires_in: i64,
}

/// A new refresh token in a family; the caller turns it into a [`TokenPair`].
pub struct IssuedRefresh {
    pub user_id: String,
    pub family_id: String,
    pub token: String,
}

/// Starts a new sign-in (a new family).
pub fn start(
    conn: &mut DbConnection,
    state: &AppState,
    user_id: &str,
    now: NaiveDateTime,
) -> Result<IssuedRefresh, AppError> {
    let family_id = uuid::Uuid::now_v7().to_string();
    extend(conn, state, user_id, &family_id, now)
}

fn extend(
    conn: &mut DbConnection,
    state: &AppState,
    user_id: &str,
    family_id: &str,
    now: NaiveDateTime,
) -> Result<IssuedRefresh, AppError> {
    let token = tokens::generate();
    let expires_at = now + Duration::days(state.settings.auth.refresh_token_ttl_days.max(1));
    store::insert_refresh_token(conn, user_id, family_id, &tokens::digest(&token), expires_at, now)?;
    Ok(IssuedRefresh { user_id: user_id.to_owned(), family_id: family_id.to_owned(), token })
}

pub enum Rotation {
    Rotated(IssuedRefresh),
    /// The token was unknown, expired or revoked.
    Rejected,
    /// A token that was already rotated came back: the whole family has been revoked.
    ReuseDetected,
}

/// Exchanges a refresh token for a new one in the same family. Reuse of a rotated token
/// (a sign that it was stolen) revokes the family, the newest token included.
pub fn rotate(
    conn: &mut DbConnection,
    state: &AppState,
    presented: &str,
    now: NaiveDateTime,
) -> Result<Rotation, AppError> {
    let Some(row) = store::find_refresh_token(conn, &tokens::digest(presented))? else {
        return Ok(Rotation::Rejected);
    };
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Ok(Rotation::Rejected);
    }
    if row.rotated_at.is_some() || !store::mark_rotated(conn, &row.id, now)? {
        store::revoke_family(conn, &row.family_id, now)?;
        return Ok(Rotation::ReuseDetected);
    }
    extend(conn, state, &row.user_id, &row.family_id, now).map(Rotation::Rotated)
}

pub fn token_pair(state: &AppState, issued: IssuedRefresh, now: NaiveDateTime) -> Result<TokenPair, AppError> {
    Ok(TokenPair {
        access_token: state.jwt.issue(&issued.user_id, &issued.family_id, now)?,
        token_type: "Bearer",
        expires_in: state.jwt.ttl_secs(),
        refresh_token: issued.token,
        refresh_expires_in: state.settings.auth.refresh_token_ttl_days.max(1) * 86_400,
    })
}

pub fn invalid_refresh_token() -> AppError {
    AppError::Unauthorized(Text::new(
        "Refresh token không hợp lệ, đã hết hạn hoặc đã bị thu hồi. Hãy đăng nhập lại.",
        "The refresh token is invalid, expired or revoked. Sign in again.",
    ))
}
