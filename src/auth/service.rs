//! The accounts' actions, as the API and the pages both call them: registering (with the
//! consents given), verifying the address, signing in, resetting and changing the
//! password, the profile, and the sign-ins of an account.

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

use super::emails::{self, AccountEmail};
use super::rules::{self, Email, Password};
use super::session::{self, IssuedRefresh};
use super::store::{self, UserRow};
use super::tokens;
use crate::app::{AppState, SharedState};
use crate::db::DbConnection;
use crate::error::{AppError, FieldError, Text, Violations};
use crate::i18n::Lang;
use crate::privacy::consent;
use crate::{audit, email};

/// What someone registering sends.
#[derive(Debug, Default)]
pub struct Registration {
    pub email: Option<String>,
    pub password: Option<String>,
    pub full_name: Option<String>,
    pub language: Option<String>,
    /// Agreed to the personal-data notice (required).
    pub accept_privacy_notice: Option<bool>,
    /// Wants daily digests and saved-search alerts by email (optional).
    pub digests: Option<bool>,
}

fn email_taken() -> AppError {
    AppError::conflict(Text::new(
        "Email này đã được đăng ký. Hãy đăng nhập hoặc đặt lại mật khẩu.",
        "This email is already registered. Sign in or reset the password.",
    ))
}

fn consent_required() -> FieldError {
    FieldError::new(
        "accept_privacy_notice",
        "consent_required",
        Text::new(
            "Cần đồng ý với thông báo về xử lý dữ liệu cá nhân để có tài khoản.",
            "An account needs your agreement to the personal-data notice.",
        ),
    )
}

/// Creates an account (unverified) and queues its verification email; records the
/// consents with the notice's version.
pub async fn register(
    state: &SharedState,
    input: Registration,
    client_ip: Option<String>,
) -> Result<UserRow, AppError> {
    let consented = input.accept_privacy_notice == Some(true);
    let checked = rules::validate_registration(input.email, input.password, input.full_name, input.language);
    let registration = match (checked, consented) {
        (Ok(registration), true) => registration,
        (Ok(_), false) => return Err(AppError::Validation(vec![consent_required()])),
        (Err(AppError::Validation(mut errors)), consented) => {
            if !consented {
                errors.push(consent_required());
            }
            return Err(AppError::Validation(errors));
        }
        (Err(other), _) => return Err(other),
    };
    let password_hash = state.passwords.hash_off_thread(registration.password.into_string()).await?;
    let now = state.clock.now();
    let user_id = uuid::Uuid::now_v7().to_string();
    let digests = input.digests == Some(true);
    let app = state.clone();
    let user = state
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
            consent::grant(conn, &user_id, consent::ACCOUNT, now)?;
            if digests {
                consent::grant(conn, &user_id, consent::DIGESTS, now)?;
            }
            send_verification(conn, &app, &user_id, email, &registration.full_name, registration.language, now)?;
            audit::record(
                conn,
                audit::AuditEntry {
                    actor_id: Some(&user_id),
                    entity_type: "user",
                    entity_id: &user_id,
                    action: "register",
                    client_ip: client_ip.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            store::find_user(conn, &user_id)?.ok_or(AppError::NotFound)
        })
        .await?;
    state.jobs.wake();
    Ok(user)
}

/// Stores a fresh verification token and queues its email, in the caller's transaction.
fn send_verification(
    conn: &mut DbConnection,
    state: &AppState,
    user_id: &str,
    to: &str,
    full_name: &str,
    lang: Lang,
    now: NaiveDateTime,
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

fn invalid_token() -> AppError {
    AppError::Validation(vec![FieldError::new(
        "token",
        "invalid_token",
        Text::new("Mã không hợp lệ, đã được dùng hoặc đã hết hạn.", "The code is invalid, already used or expired."),
    )])
}

/// Confirms an address with its emailed code; returns whose it was.
pub async fn verify_email(state: &SharedState, token: Option<String>) -> Result<String, AppError> {
    let token = token
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| AppError::Validation(vec![FieldError::required("token")]))?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            let user_id = store::consume_email_token(conn, store::PURPOSE_VERIFY_EMAIL, &tokens::digest(&token), now)?
                .ok_or_else(invalid_token)?;
            store::mark_email_verified(conn, &user_id, now)?;
            Ok(user_id)
        })
        .await
}

/// Checks an address typed in a form or request: required and well formed.
pub fn parse_email(raw: Option<String>) -> Result<Email, AppError> {
    let raw = raw
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| AppError::Validation(vec![FieldError::required("email")]))?;
    Email::parse("email", &raw).map_err(|e| AppError::Validation(vec![e]))
}

/// Queues a new verification email if the account exists and is unverified. Limited per
/// address whoever asks.
pub async fn resend_verification(state: &SharedState, raw: Option<String>) -> Result<(), AppError> {
    let email = parse_email(raw)?;
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
                && user.deleted_at.is_none()
            {
                let language = Lang::parse(&user.language).unwrap_or_default();
                send_verification(conn, &app, &user.id, &user.email, &user.full_name, language, now)?;
            }
            Ok(())
        })
        .await?;
    state.jobs.wake();
    Ok(())
}

pub fn wrong_credentials() -> AppError {
    AppError::Unauthorized(Text::new("Email hoặc mật khẩu không đúng.", "The email or password is incorrect."))
}

pub fn not_verified() -> AppError {
    AppError::Forbidden(Text::new(
        "Email chưa được xác nhận. Hãy mở email xác nhận (hoặc yêu cầu gửi lại) trước khi đăng nhập.",
        "This email address is not verified yet. Open the verification email (or ask for a new one) before signing in.",
    ))
}

/// Signs in with email and password: a new sign-in family.
pub async fn sign_in(
    state: &SharedState,
    email: Option<String>,
    password: Option<String>,
) -> Result<(UserRow, IssuedRefresh), AppError> {
    let mut violations = Violations::new();
    let email = violations.require("email", email, |raw| Email::parse("email", &raw));
    let password = violations.require("password", password, |raw| {
        if raw.is_empty() { Err(FieldError::required("password")) } else { Ok(raw) }
    });
    let (email, password) = violations.finish(email.zip(password))?;
    let user = state.db.run(move |conn| store::find_user_by_email(conn, email.as_str())).await?;
    let matches = state.passwords.verify_off_thread(user.as_ref().map(|u| u.password_hash.clone()), password).await?;
    let user = match user {
        Some(user) if matches && user.deleted_at.is_none() => user,
        _ => return Err(wrong_credentials()),
    };
    if user.email_verified_at.is_none() {
        return Err(not_verified());
    }
    let now = state.clock.now();
    let user_id = user.id.clone();
    let app = state.clone();
    let issued = state.db.write(move |conn| session::start(conn, &app, &user_id, now)).await?;
    Ok((user, issued))
}

/// Emails a password reset code if the address has an account. Limited per address.
pub async fn request_reset(state: &SharedState, raw: Option<String>) -> Result<(), AppError> {
    let email = parse_email(raw)?;
    state
        .mailbox_limits
        .check(email.as_str())
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
    let now = state.clock.now();
    let app = state.clone();
    state
        .db
        .write(move |conn| {
            let Some(user) = store::find_user_by_email(conn, email.as_str())?.filter(|u| u.deleted_at.is_none()) else {
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
    Ok(())
}

/// Sets a new password with the emailed code; every sign-in of the account ends. Returns
/// whose it was.
pub async fn confirm_reset(
    state: &SharedState,
    token: Option<String>,
    new_password: Option<String>,
) -> Result<String, AppError> {
    let mut violations = Violations::new();
    let token = violations.require("token", token.filter(|t| !t.trim().is_empty()), Ok);
    let password = violations.require("new_password", new_password, |raw| Password::parse("new_password", raw));
    let (token, password) = violations.finish(token.zip(password))?;
    let password_hash = state.passwords.hash_off_thread(password.into_string()).await?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            let user_id =
                store::consume_email_token(conn, store::PURPOSE_PASSWORD_RESET, &tokens::digest(&token), now)?
                    .ok_or_else(invalid_token)?;
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
            )?;
            Ok(user_id)
        })
        .await
}

/// Changes the password; every other sign-in of the account ends.
pub async fn change_password(
    state: &SharedState,
    user_id: &str,
    session_id: &str,
    current: Option<String>,
    new: Option<String>,
) -> Result<(), AppError> {
    let mut violations = Violations::new();
    let current = violations.require("current_password", current.filter(|c| !c.is_empty()), Ok);
    let new = violations.require("new_password", new, |raw| Password::parse("new_password", raw));
    let (current, new) = violations.finish(current.zip(new))?;
    let lookup = user_id.to_owned();
    let user = state.db.run(move |conn| store::find_user(conn, &lookup)).await?.ok_or(AppError::NotFound)?;
    if !state.passwords.verify_off_thread(Some(user.password_hash), current).await? {
        return Err(AppError::Validation(vec![FieldError::new(
            "current_password",
            "wrong_password",
            Text::new("Mật khẩu hiện tại không đúng.", "The current password is wrong."),
        )]));
    }
    let password_hash = state.passwords.hash_off_thread(new.into_string()).await?;
    let now = state.clock.now();
    let (user_id, session_id) = (user_id.to_owned(), session_id.to_owned());
    state
        .db
        .write(move |conn| {
            store::set_password(conn, &user_id, &password_hash, now)?;
            store::revoke_sessions(conn, &user_id, Some(&session_id), now)?;
            audit::record(
                conn,
                audit::AuditEntry {
                    actor_id: Some(&user_id),
                    entity_type: "user",
                    entity_id: &user_id,
                    action: "password_change",
                    ..Default::default()
                },
                now,
            )
        })
        .await
}

/// Changes the name or the language of an account.
pub async fn update_profile(
    state: &SharedState,
    user_id: &str,
    full_name: Option<String>,
    language: Option<String>,
) -> Result<(), AppError> {
    let mut violations = Violations::new();
    let full_name = full_name.and_then(|raw| violations.check(rules::parse_full_name(&raw)));
    let language = language.and_then(|raw| violations.check(rules::parse_language(&raw)));
    violations.into_result()?;
    let now = state.clock.now();
    let user_id = user_id.to_owned();
    state
        .db
        .write(move |conn| store::update_profile(conn, &user_id, full_name.as_deref(), language.map(Lang::code), now))
        .await
}

/// One sign-in of an account, as its holder sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub id: String,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub started_at: NaiveDateTime,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub last_used_at: NaiveDateTime,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub expires_at: NaiveDateTime,
    /// The sign-in this request was made with.
    pub current: bool,
}

/// The account's sign-ins that have not ended, newest first.
pub async fn sessions(state: &SharedState, user_id: &str, current: &str) -> Result<Vec<SessionView>, AppError> {
    let (user_id, current) = (user_id.to_owned(), current.to_owned());
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            Ok(store::active_sessions(conn, &user_id, now)?
                .into_iter()
                .map(|s| SessionView {
                    current: s.family_id == current,
                    id: s.family_id,
                    started_at: s.started_at,
                    last_used_at: s.last_used_at,
                    expires_at: s.expires_at,
                })
                .collect())
        })
        .await
}

/// Ends every sign-in of the account, in browsers and API clients alike.
pub async fn sign_out_everywhere(state: &SharedState, user_id: &str) -> Result<usize, AppError> {
    let now = state.clock.now();
    let user_id = user_id.to_owned();
    state
        .db
        .write(move |conn| {
            let ended = store::revoke_sessions(conn, &user_id, None, now)?;
            audit::record(
                conn,
                audit::AuditEntry {
                    actor_id: Some(&user_id),
                    entity_type: "user",
                    entity_id: &user_id,
                    action: "sign_out_everywhere",
                    ..Default::default()
                },
                now,
            )?;
            Ok(ended)
        })
        .await
}

/// Ends one sign-in (a browser's "sign out").
pub async fn sign_out(state: &SharedState, session_id: &str) -> Result<(), AppError> {
    let now = state.clock.now();
    let session_id = session_id.to_owned();
    state.db.write(move |conn| store::revoke_family(conn, &session_id, now).map(|_| ())).await
}
