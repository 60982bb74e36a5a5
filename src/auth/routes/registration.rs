use actix_web::{HttpResponse, post, web};
use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::me::AccountView;
use crate::app::AppState;
use crate::auth::emails::{self, AccountEmail};
use crate::auth::rules::{self, Email};
use crate::auth::{store, tokens};
use crate::error::{AppError, FieldError, Text};
use crate::http::{ApiJson, ClientIp};
use crate::i18n::Lang;
use crate::{audit, email};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RegisterRequest {
    #[schema(required = true, example = "an.nguyen@example.vn")]
    pub email: Option<String>,
    /// 10 to 128 characters.
    #[schema(required = true)]
    pub password: Option<String>,
    #[schema(required = true, example = "Nguyễn Văn An")]
    pub full_name: Option<String>,
    /// `vi` (default) or `en`: the language of the emails this account receives.
    pub language: Option<String>,
}

/// Creates an account and emails a verification link; the account cannot sign in until
/// the email is verified.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created; verification email queued", body = AccountView),
        (status = 409, description = "The email is already registered", body = crate::error::ProblemBody),
        (status = 422, description = "Invalid fields", body = crate::error::ProblemBody),
    )
)]
#[post("/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    ip: ClientIp,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> Result<HttpResponse, AppError> {
    let registration = rules::validate_registration(body.email, body.password, body.full_name, body.language)?;
    let password_hash = state.passwords.hash_off_thread(registration.password.into_string()).await?;
    let now = state.clock.now();
    let user_id = uuid::Uuid::now_v7().to_string();
    let app = state.clone();
    let account = state
        .db
        .write(move |conn| {
            let email = registration.email.as_str();
            if store::find_user_by_email(conn, email)?.is_some() {
                return Err(email_taken());
            }
            store::insert_user(
                conn,
                store::NewUser {
                    id: &user_id,
                    email,
                    password_hash: &password_hash,
                    full_name: &registration.full_name,
                    language: registration.language.code(),
                    verified_at: None,
                    is_platform_admin: false,
                },
                now,
            )
            .map_err(|e| match e {
                AppError::Conflict { .. } => email_taken(),
                other => other,
            })?;
            send_verification(conn, &app, &user_id, email, &registration.full_name, registration.language, now)?;
            audit::record(
                conn,
                audit::AuditEntry {
                    actor_id: Some(&user_id),
                    entity_type: "user",
                    entity_id: &user_id,
                    action: "register",
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            let user = store::find_user(conn, &user_id)?.ok_or(AppError::NotFound)?;
            Ok(AccountView::new(user, Vec::new()))
        })
        .await?;
    state.jobs.wake();
    Ok(HttpResponse::Created().json(account))
}

fn email_taken() -> AppError {
    AppError::conflict(Text::new(
        "Email này đã được đăng ký. Hãy đăng nhập hoặc đặt lại mật khẩu.",
        "This email is already registered. Sign in or reset the password.",
    ))
}

/// Stores a fresh verification token and queues its email, in the caller's transaction.
#[allow(clippy::too_many_arguments)]
fn send_verification(
    conn: &mut crate::db::DbConnection,
    state: &AppState,
    user_id: &str,
    to: &str,
    full_name: &str,
    lang: Lang,
    now: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let hours = state.settings.auth.email_verification_ttl_hours.max(1);
    // Only the id and the hash are stored; the email job rebuilds the token from the id.
    let token_id = uuid::Uuid::now_v7().to_string();
    let token = state.keys.link_token(&token_id);
    store::insert_email_token(
        conn,
        &token_id,
        user_id,
        store::PURPOSE_VERIFY_EMAIL,
        &tokens::digest(&token),
        now + Duration::hours(hours),
        now,
    )?;
    let valid_for = match lang {
        Lang::Vi => format!("{hours} giờ"),
        Lang::En => format!("{hours} hours"),
    };
    let message = emails::verification(&AccountEmail {
        lang,
        to,
        full_name,
        token_id: &token_id,
        public_url: &state.settings.server.public_url,
        valid_for: &valid_for,
    });
    email::enqueue(conn, &state.jobs, &message)?;
    Ok(())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    /// The code from the email.
    #[schema(required = true)]
    pub token: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Verified {
    pub verified: bool,
}

fn invalid_token() -> AppError {
    AppError::Validation(vec![FieldError::new(
        "token",
        "invalid_token",
        Text::new("Mã không hợp lệ, đã được dùng hoặc đã hết hạn.", "The code is invalid, already used or expired."),
    )])
}

/// Confirms an email address with the single-use code sent by email.
#[utoipa::path(
    tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "Email verified", body = Verified),
        (status = 422, description = "Missing, unknown, used or expired code", body = crate::error::ProblemBody),
    )
)]
#[post("/auth/verify-email")]
pub async fn verify_email(
    state: web::Data<AppState>,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<HttpResponse, AppError> {
    let token = body.token.ok_or_else(|| AppError::Validation(vec![FieldError::required("token")]))?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            let user_id = store::consume_email_token(conn, store::PURPOSE_VERIFY_EMAIL, &tokens::digest(&token), now)?
                .ok_or_else(invalid_token)?;
            store::mark_email_verified(conn, &user_id, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Verified { verified: true }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EmailRequest {
    #[schema(required = true)]
    pub email: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Accepted {
    pub message: String,
}

/// Sends a new verification email. Answers the same whether or not the account exists.
#[utoipa::path(
    tag = "auth",
    request_body = EmailRequest,
    responses(
        (status = 202, description = "If the account exists and is unverified, an email is on its way", body = Accepted),
        (status = 422, description = "Missing or invalid email", body = crate::error::ProblemBody),
        (status = 429, description = "Too many emails to this address or from this client; see Retry-After", body = crate::error::ProblemBody),
    )
)]
#[post("/auth/resend-verification")]
pub async fn resend_verification(
    state: web::Data<AppState>,
    lang: crate::http::RequestLang,
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
            if let Some(user) = store::find_user_by_email(conn, email.as_str())?
                && user.email_verified_at.is_none()
            {
                let language = Lang::parse(&user.language).unwrap_or_default();
                send_verification(conn, &app, &user.id, &user.email, &user.full_name, language, now)?;
            }
            Ok(())
        })
        .await?;
    state.jobs.wake();
    Ok(HttpResponse::Accepted().json(Accepted {
        message: lang
            .0
            .pick(
                "Nếu tài khoản tồn tại và chưa xác nhận, email xác nhận đã được gửi.",
                "If the account exists and is not yet verified, a verification email is on its way.",
            )
            .to_owned(),
    }))
}
