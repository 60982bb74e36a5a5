use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use super::registration::{Accepted, EmailRequest};
use crate::app::AppState;
use crate::auth::principal::Principal;
use crate::auth::service;
use crate::error::AppError;
use crate::http::{ApiJson, RequestLang};

/// Emails a password reset code. Answers the same whether or not the account exists.
#[utoipa::path(
    tag = "auth",
    request_body = EmailRequest,
    responses(
        (status = 202, description = "If the account exists, an email is on its way", body = Accepted),
        (status = 429, description = "Too many emails to this address or from this client; see Retry-After", body = crate::error::ProblemBody),
        (status = 422, description = "Not an email address", body = crate::error::ProblemBody),
    )
)]
#[post("/auth/password-reset")]
pub async fn request_reset(
    state: web::Data<AppState>,
    lang: RequestLang,
    ApiJson(body): ApiJson<EmailRequest>,
) -> Result<HttpResponse, AppError> {
    service::request_reset(&state, body.email).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        message: lang
            .0
            .pick(
                "Nếu email này có tài khoản, hướng dẫn đặt lại mật khẩu đã được gửi.",
                "If this email has an account, password reset instructions are on their way.",
            )
            .to_owned(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResetConfirmation {
    #[schema(required = true)]
    pub token: Option<String>,
    /// 10 to 128 characters.
    #[schema(required = true)]
    pub new_password: Option<String>,
}

/// Sets a new password with the emailed code; every sign-in of the account ends.
#[utoipa::path(
    tag = "auth",
    request_body = ResetConfirmation,
    responses(
        (status = 204, description = "Password changed"),
        (status = 422, description = "Invalid code or password", body = crate::error::ProblemBody),
    )
)]
#[post("/auth/password-reset/confirm")]
pub async fn confirm_reset(
    state: web::Data<AppState>,
    ApiJson(body): ApiJson<ResetConfirmation>,
) -> Result<HttpResponse, AppError> {
    service::confirm_reset(&state, body.token, body.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChangePassword {
    #[schema(required = true)]
    pub current_password: Option<String>,
    /// 10 to 128 characters.
    #[schema(required = true)]
    pub new_password: Option<String>,
}

/// Changes the password; every other sign-in of the account ends.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePassword,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Password changed"),
        (status = 401, description = "Not signed in", body = crate::error::ProblemBody),
        (status = 422, description = "Wrong current password or invalid new one", body = crate::error::ProblemBody),
    )
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<ChangePassword>,
) -> Result<HttpResponse, AppError> {
    service::change_password(
        &state,
        &principal.user_id,
        &principal.session_id,
        body.current_password,
        body.new_password,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
