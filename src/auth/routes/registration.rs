use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};

use super::me::AccountView;
use crate::app::AppState;
use crate::auth::service;
use crate::error::AppError;
use crate::http::{ApiJson, ClientIp};

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
    /// Must be true: the holder agreed to the personal-data notice (`/privacy`); the
    /// consent is kept with the notice's version and the time.
    #[schema(required = true)]
    pub accept_privacy_notice: Option<bool>,
    /// Optional consent to daily digests and saved-search alerts by email.
    pub digests: Option<bool>,
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
    let registration = service::Registration {
        email: body.email,
        password: body.password,
        full_name: body.full_name,
        language: body.language,
        accept_privacy_notice: body.accept_privacy_notice,
        digests: body.digests,
    };
    let user = service::register(&state, registration, ip.0).await?;
    Ok(HttpResponse::Created().json(AccountView::new(user, Vec::new())))
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
    service::verify_email(&state, body.token).await?;
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
    service::resend_verification(&state, body.email).await?;
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
