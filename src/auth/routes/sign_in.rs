use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::service;
use crate::auth::session::{self, Rotation, TokenPair};
use crate::auth::{store, tokens};
use crate::error::{AppError, FieldError};
use crate::http::ApiJson;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    #[schema(required = true)]
    pub email: Option<String>,
    #[schema(required = true)]
    pub password: Option<String>,
}

/// Signs in with email and password.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, description = "Wrong email or password", body = crate::error::ProblemBody),
        (status = 403, description = "The email address is not verified yet", body = crate::error::ProblemBody),
        (status = 429, description = "Too many attempts from this address", body = crate::error::ProblemBody),
    )
)]
#[post("/auth/login")]
pub async fn login(state: web::Data<AppState>, ApiJson(body): ApiJson<LoginRequest>) -> Result<HttpResponse, AppError> {
    let (_, issued) = service::sign_in(&state, body.email, body.password).await?;
    let now = state.clock.now();
    Ok(HttpResponse::Ok().json(session::token_pair(&state, issued, now)?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RefreshRequest {
    #[schema(required = true)]
    pub refresh_token: Option<String>,
}

fn required_refresh_token(token: Option<String>) -> Result<String, AppError> {
    token
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| AppError::Validation(vec![FieldError::required("refresh_token")]))
}

/// Exchanges a refresh token for a new pair. Each refresh token works once; presenting a
/// used one again revokes the whole sign-in.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New token pair", body = TokenPair),
        (status = 401, description = "Invalid, expired, revoked or reused refresh token", body = crate::error::ProblemBody),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<HttpResponse, AppError> {
    let presented = required_refresh_token(body.refresh_token)?;
    let now = state.clock.now();
    let app = state.clone();
    let rotation = state.db.write(move |conn| session::rotate(conn, &app, &presented, now)).await?;
    match rotation {
        Rotation::Rotated(issued) => Ok(HttpResponse::Ok().json(session::token_pair(&state, issued, now)?)),
        Rotation::Rejected => Err(session::invalid_refresh_token()),
        Rotation::ReuseDetected => {
            tracing::warn!("refresh token reuse detected; the sign-in was revoked");
            Err(session::invalid_refresh_token())
        }
    }
}

/// Ends the sign-in the refresh token belongs to.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Signed out (also when the token was already invalid)"))
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<HttpResponse, AppError> {
    let presented = required_refresh_token(body.refresh_token)?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            if let Some(row) = store::find_refresh_token(conn, &tokens::digest(&presented))? {
                store::revoke_family(conn, &row.family_id, now)?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
