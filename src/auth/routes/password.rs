use actix_web::{HttpResponse, post, web};
use chrono::Duration;
use serde::Deserialize;

use super::registration::{Accepted, EmailRequest};
use crate::app::AppState;
use crate::auth::emails::{self, AccountEmail};
use crate::auth::principal::Principal;
use crate::auth::rules::{Email, Password};
use crate::auth::{store, tokens};
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::{ApiJson, RequestLang};
use crate::i18n::Lang;
use crate::{audit, email};

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
    let raw = body.email.ok_or_else(|| AppError::Validation(vec![FieldError::required("email")]))?;
    let email = Email::parse("email", &raw).map_err(|e| AppError::Validation(vec![e]))?;
    state
        .mailbox_limits
        .check(email.as_str())
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
    let now = state.clock.now();
    let app = state.clone();
    state
        .db
        .write(move |conn| {
            let Some(user) = store::find_user_by_email(conn, email.as_str())? else {
                return Ok(());
            };
            let minutes = app.settings.auth.password_reset_ttl_minutes.max(5);
            // Only the id and the hash are stored; the email job rebuilds the token.
            let token_id = uuid::Uuid::now_v7().to_string();
            let token = app.keys.link_token(&token_id);
            store::insert_email_token(
                conn,
                &token_id,
                &user.id,
                store::PURPOSE_PASSWORD_RESET,
                &tokens::digest(&token),
                now + Duration::minutes(minutes),
                now,
            )?;
            let language = Lang::parse(&user.language).unwrap_or_default();
            let valid_for = match language {
                Lang::Vi => format!("{minutes} phút"),
                Lang::En => format!("{minutes} minutes"),
            };
            let message = emails::password_reset(&AccountEmail {
                lang: language,
                to: &user.email,
                full_name: &user.full_name,
                token_id: &token_id,
                public_url: &app.settings.server.public_url,
                valid_for: &valid_for,
            });
            email::enqueue(conn, &app.jobs, &message)?;
            Ok(())
        })
        .await?;
    state.jobs.wake();
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
    let mut violations = Violations::new();
    let token = violations.require("token", body.token, Ok);
    let password = violations.require("new_password", body.new_password, |raw| Password::parse("new_password", raw));
    let (token, password) = violations.finish(token.zip(password))?;
    let password_hash = state.passwords.hash_off_thread(password.into_string()).await?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            let user_id =
                store::consume_email_token(conn, store::PURPOSE_PASSWORD_RESET, &tokens::digest(&token), now)?
                    .ok_or_else(|| {
                        AppError::Validation(vec![FieldError::new(
                            "token",
                            "invalid_token",
                            Text::new(
                                "Mã không hợp lệ, đã được dùng hoặc đã hết hạn.",
                                "The code is invalid, already used or expired.",
                            ),
                        )])
                    })?;
            store::set_password(conn, &user_id, &password_hash, now)?;
            // Following the emailed link proves the address, too.
            store::mark_email_verified(conn, &user_id, now)?;
            store::revoke_sessions(conn, &user_id, None, now)?;
            audit::record(
                conn,
                audit::AuditEntry {
                    actor_id: Some(&user_id),
                    entity_type: "user",
                    entity_id: &user_id,
                    action: "password_reset",
                    ..Default::default()
                },
                now,
            )
        })
        .await?;
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
    let mut violations = Violations::new();
    let current = violations.require("current_password", body.current_password, Ok);
    let new = violations.require("new_password", body.new_password, |raw| Password::parse("new_password", raw));
    let (current, new) = violations.finish(current.zip(new))?;

    let user_id = principal.user_id.clone();
    let user = state.db.run(move |conn| store::find_user(conn, &user_id)).await?.ok_or(AppError::NotFound)?;
    if !state.passwords.verify_off_thread(Some(user.password_hash), current).await? {
        return Err(AppError::Validation(vec![FieldError::new(
            "current_password",
            "wrong_password",
            Text::new("Mật khẩu hiện tại không đúng.", "The current password is wrong."),
        )]));
    }
    let password_hash = state.passwords.hash_off_thread(new.into_string()).await?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            store::set_password(conn, &principal.user_id, &password_hash, now)?;
            store::revoke_sessions(conn, &principal.user_id, Some(&principal.session_id), now)?;
            audit::record(
                conn,
                audit::AuditEntry {
                    actor_id: Some(&principal.user_id),
                    entity_type: "user",
                    entity_id: &principal.user_id,
                    action: "password_change",
                    ..Default::default()
                },
                now,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
