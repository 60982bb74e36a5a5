//! The account's pages: signing up (with the consent to the personal-data notice),
//! confirming the address from its emailed link, signing in and out, resetting the
//! password, and the account itself (profile, password, sign-ins).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::service::{self, Registration, SessionView};
use crate::app::AppState;
use crate::error::AppError;
use crate::http::ClientIp;
use crate::web::cookies;
use crate::web::layout::Section;
use crate::web::{FieldErrors, Frame, PageForm, SignedIn, Visitor, render, safe_next, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sign-up", web::get().to(sign_up_form))
        .route("/sign-up", web::post().to(sign_up))
        .route("/verify-email", web::get().to(verify_email))
        .route("/resend-verification", web::post().to(resend_verification))
        .route("/sign-in", web::get().to(sign_in_form))
        .route("/sign-in", web::post().to(sign_in))
        .route("/sign-out", web::post().to(sign_out))
        .route("/forgot-password", web::get().to(forgot_form))
        .route("/forgot-password", web::post().to(forgot))
        .route("/reset-password", web::get().to(reset_form))
        .route("/reset-password", web::post().to(reset))
        .route("/account", web::get().to(account))
        .route("/account/profile", web::post().to(update_profile))
        .route("/account/password", web::post().to(change_password))
        .route("/account/sign-out-everywhere", web::post().to(sign_out_everywhere));
}

fn secure(state: &AppState) -> bool {
    cookies::secure(&state.settings.server.public_url)
}

/// Signed in: the session cookie, and a new CSRF seed (tokens from before do not carry
/// over the change of who is signed in).
fn signed_in_answer(state: &AppState, user_id: &str, session_id: &str, next: &str) -> HttpResponse {
    let key = state.keys.cookies.expose_secret();
    let days = state.settings.auth.refresh_token_ttl_days.max(1);
    let (_, seed) = cookies::new_csrf_seed(secure(state));
    HttpResponse::SeeOther()
        .insert_header(("location", next))
        .cookie(cookies::session(key, user_id, session_id, days, secure(state)))
        .cookie(seed)
        .finish()
}

// --- sign up -----------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    language: String,
    accept_privacy_notice: Option<String>,
    digests: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/sign_up.html")]
struct SignUpPage<'a> {
    frame: Frame<'a>,
    form: SignUpForm,
    errors: FieldErrors,
    notice_version: &'static str,
}

async fn sign_up_form(visitor: Visitor) -> Result<HttpResponse, AppError> {
    render(&SignUpPage {
        frame: Frame::new(&visitor, visitor.t("Đăng ký tài khoản", "Create an account"), Section::Account),
        form: SignUpForm { language: visitor.lang.code().to_owned(), ..Default::default() },
        errors: FieldErrors::default(),
        notice_version: crate::privacy::consent::NOTICE_VERSION,
    })
}

#[derive(Template)]
#[template(path = "auth/message.html")]
struct MessagePage<'a> {
    frame: Frame<'a>,
    paragraphs: Vec<String>,
    link: Option<(String, &'static str)>,
}

async fn sign_up(
    state: web::Data<AppState>,
    visitor: Visitor,
    ip: ClientIp,
    PageForm(form): PageForm<SignUpForm>,
) -> Result<HttpResponse, AppError> {
    let registration = Registration {
        email: Some(form.email.clone()),
        password: Some(form.password.clone()),
        full_name: Some(form.full_name.clone()),
        language: Some(form.language.clone()).filter(|l| !l.is_empty()),
        accept_privacy_notice: Some(form.accept_privacy_notice.is_some()),
        digests: Some(form.digests.is_some()),
    };
    match service::register(&state, registration, ip.0).await {
        Ok(user) => render(&MessagePage {
            frame: Frame::new(&visitor, visitor.t("Kiểm tra hộp thư của bạn", "Check your mailbox"), Section::Account),
            paragraphs: vec![match visitor.lang {
                crate::i18n::Lang::Vi => format!(
                    "Chúng tôi đã gửi một liên kết xác nhận tới {}. Hãy mở email đó để kích hoạt tài khoản.",
                    user.email
                ),
                crate::i18n::Lang::En => {
                    format!("We sent a confirmation link to {}. Open that email to activate your account.", user.email)
                }
            }],
            link: Some(("/sign-in".into(), visitor.t("Đến trang đăng nhập", "Go to sign in"))),
        }),
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let errors = FieldErrors::from_error(&error, visitor.lang);
            let form = SignUpForm { password: String::new(), ..form };
            render(&SignUpPage {
                frame: Frame::new(&visitor, visitor.t("Đăng ký tài khoản", "Create an account"), Section::Account),
                form,
                errors,
                notice_version: crate::privacy::consent::NOTICE_VERSION,
            })
        }
        Err(other) => Err(other),
    }
}

// --- the emailed links ------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// `/verify-email?token=…`: confirms the address and signs its holder in.
async fn verify_email(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    match service::verify_email(&state, query.into_inner().token).await {
        Ok(user_id) => {
            let now = state.clock.now();
            let app = state.clone();
            let owner = user_id.clone();
            let issued = state.db.write(move |conn| super::session::start(conn, &app, &owner, now)).await?;
            Ok(signed_in_answer(&state, &user_id, &issued.family_id, "/account?welcome=1"))
        }
        Err(AppError::Validation(_)) => render(&MessagePage {
            frame: Frame::new(&visitor, visitor.t("Liên kết không dùng được", "This link cannot be used"), Section::Account),
            paragraphs: vec![visitor
                .t(
                    "Liên kết xác nhận không hợp lệ, đã được dùng hoặc đã hết hạn. Nếu bạn đã xác nhận rồi, hãy đăng nhập; nếu chưa, hãy yêu cầu gửi lại từ trang đăng nhập.",
                    "This confirmation link is invalid, already used or expired. If you confirmed already, sign in; if not, ask for a new one from the sign-in page.",
                )
                .to_owned()],
            link: Some(("/sign-in".into(), visitor.t("Đăng nhập", "Sign in"))),
        }),
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

async fn resend_verification(
    state: web::Data<AppState>,
    visitor: Visitor,
    PageForm(form): PageForm<EmailForm>,
) -> Result<HttpResponse, AppError> {
    match service::resend_verification(&state, Some(form.email.clone())).await {
        Ok(()) => render(&MessagePage {
            frame: Frame::new(&visitor, visitor.t("Kiểm tra hộp thư của bạn", "Check your mailbox"), Section::Account),
            paragraphs: vec![
                visitor
                    .t(
                        "Nếu tài khoản tồn tại và chưa xác nhận, email xác nhận đã được gửi.",
                        "If the account exists and is not yet verified, a verification email is on its way.",
                    )
                    .to_owned(),
            ],
            link: Some(("/sign-in".into(), visitor.t("Đăng nhập", "Sign in"))),
        }),
        Err(error @ AppError::Validation(_)) => sign_in_page(
            &visitor,
            SignInForm { email: form.email, ..Default::default() },
            FieldErrors::from_error(&error, visitor.lang),
            false,
        ),
        Err(other) => Err(other),
    }
}

// --- sign in and out ---------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Template)]
#[template(path = "auth/sign_in.html")]
struct SignInPage<'a> {
    frame: Frame<'a>,
    form: SignInForm,
    errors: FieldErrors,
    /// The address is not verified: offer to send the email again.
    unverified: bool,
}

fn sign_in_page(
    visitor: &Visitor,
    form: SignInForm,
    errors: FieldErrors,
    unverified: bool,
) -> Result<HttpResponse, AppError> {
    render(&SignInPage {
        frame: Frame::new(visitor, visitor.t("Đăng nhập", "Sign in"), Section::Account),
        form,
        errors,
        unverified,
    })
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

async fn sign_in_form(visitor: Visitor, query: web::Query<NextQuery>) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref());
    if visitor.is_signed_in() {
        return Ok(see_other(&next));
    }
    sign_in_page(&visitor, SignInForm { next, ..Default::default() }, FieldErrors::default(), false)
}

async fn sign_in(
    state: web::Data<AppState>,
    visitor: Visitor,
    PageForm(form): PageForm<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(Some(&form.next));
    match service::sign_in(&state, Some(form.email.clone()), Some(form.password.clone())).await {
        Ok((user, issued)) => Ok(signed_in_answer(&state, &user.id, &issued.family_id, &next)),
        Err(error @ (AppError::Validation(_) | AppError::Unauthorized(_) | AppError::Forbidden(_))) => {
            let unverified = matches!(error, AppError::Forbidden(_));
            let errors = FieldErrors::from_error(&error, visitor.lang);
            sign_in_page(&visitor, SignInForm { password: String::new(), next, ..form }, errors, unverified)
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

async fn sign_out(
    state: web::Data<AppState>,
    visitor: Visitor,
    _form: PageForm<Empty>,
) -> Result<HttpResponse, AppError> {
    if let Some(principal) = &visitor.principal {
        service::sign_out(&state, &principal.session_id).await?;
    }
    let (_, seed) = cookies::new_csrf_seed(secure(&state));
    Ok(HttpResponse::SeeOther()
        .insert_header(("location", "/"))
        .cookie(cookies::session_removed(secure(&state)))
        .cookie(seed)
        .finish())
}

// --- password reset ----------------------------------------------------------------

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct ForgotPage<'a> {
    frame: Frame<'a>,
    form: EmailForm,
    errors: FieldErrors,
}

async fn forgot_form(visitor: Visitor) -> Result<HttpResponse, AppError> {
    render(&ForgotPage {
        frame: Frame::new(&visitor, visitor.t("Quên mật khẩu", "Forgot password"), Section::Account),
        form: EmailForm::default(),
        errors: FieldErrors::default(),
    })
}

async fn forgot(
    state: web::Data<AppState>,
    visitor: Visitor,
    PageForm(form): PageForm<EmailForm>,
) -> Result<HttpResponse, AppError> {
    match service::request_reset(&state, Some(form.email.clone())).await {
        Ok(()) => render(&MessagePage {
            frame: Frame::new(&visitor, visitor.t("Kiểm tra hộp thư của bạn", "Check your mailbox"), Section::Account),
            paragraphs: vec![
                visitor
                    .t(
                        "Nếu email này có tài khoản, hướng dẫn đặt lại mật khẩu đã được gửi.",
                        "If this email has an account, password reset instructions are on their way.",
                    )
                    .to_owned(),
            ],
            link: None,
        }),
        Err(error @ AppError::Validation(_)) => render(&ForgotPage {
            frame: Frame::new(&visitor, visitor.t("Quên mật khẩu", "Forgot password"), Section::Account),
            errors: FieldErrors::from_error(&error, visitor.lang),
            form,
        }),
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    new_password: String,
}

#[derive(Template)]
#[template(path = "auth/reset.html")]
struct ResetPage<'a> {
    frame: Frame<'a>,
    token: String,
    errors: FieldErrors,
}

/// `/reset-password?token=…`: the form for a new password.
async fn reset_form(visitor: Visitor, query: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    render(&ResetPage {
        frame: Frame::new(&visitor, visitor.t("Đặt mật khẩu mới", "Choose a new password"), Section::Account),
        token: query.into_inner().token.unwrap_or_default(),
        errors: FieldErrors::default(),
    })
}

async fn reset(
    state: web::Data<AppState>,
    visitor: Visitor,
    PageForm(form): PageForm<ResetForm>,
) -> Result<HttpResponse, AppError> {
    match service::confirm_reset(&state, Some(form.token.clone()), Some(form.new_password)).await {
        Ok(_) => render(&MessagePage {
            frame: Frame::new(&visitor, visitor.t("Đã đổi mật khẩu", "Password changed"), Section::Account),
            paragraphs: vec![
                visitor
                    .t(
                        "Mật khẩu mới đã được lưu và mọi phiên đăng nhập cũ đã kết thúc. Hãy đăng nhập lại.",
                        "The new password is saved and every earlier sign-in has ended. Sign in again.",
                    )
                    .to_owned(),
            ],
            link: Some(("/sign-in".into(), visitor.t("Đăng nhập", "Sign in"))),
        }),
        Err(error @ AppError::Validation(_)) => render(&ResetPage {
            frame: Frame::new(&visitor, visitor.t("Đặt mật khẩu mới", "Choose a new password"), Section::Account),
            token: form.token,
            errors: FieldErrors::from_error(&error, visitor.lang),
        }),
        Err(other) => Err(other),
    }
}

// --- the account -------------------------------------------------------------------

#[derive(Template)]
#[template(path = "auth/account.html")]
struct AccountPage<'a> {
    frame: Frame<'a>,
    full_name: String,
    email: String,
    language: String,
    sessions: Vec<(SessionView, String, String)>,
    profile_errors: FieldErrors,
    password_errors: FieldErrors,
    welcome: bool,
}

#[derive(Debug, Deserialize)]
pub struct AccountQuery {
    welcome: Option<String>,
    done: Option<String>,
}

async fn account_page(
    state: &web::Data<AppState>,
    signed: &SignedIn,
    profile_errors: FieldErrors,
    password_errors: FieldErrors,
    flash: Option<String>,
    welcome: bool,
) -> Result<HttpResponse, AppError> {
    let visitor = &signed.visitor;
    let member = visitor.member.as_ref().ok_or(AppError::NotFound)?;
    let user_id = signed.principal.user_id.clone();
    let user = state.db.run(move |conn| super::store::find_user(conn, &user_id)).await?.ok_or(AppError::NotFound)?;
    let lang = visitor.lang;
    let sessions = service::sessions(state, &signed.principal.user_id, &signed.principal.session_id)
        .await?
        .into_iter()
        .map(|s| {
            let started = crate::web::display::moment(s.started_at, lang);
            let expires = crate::web::display::moment(s.expires_at, lang);
            (s, started, expires)
        })
        .collect();
    render(&AccountPage {
        frame: Frame::new(visitor, visitor.t("Tài khoản của tôi", "My account"), Section::Account).with_flash(flash),
        full_name: member.full_name.clone(),
        email: member.email.clone(),
        language: user.language,
        sessions,
        profile_errors,
        password_errors,
        welcome,
    })
}

async fn account(
    state: web::Data<AppState>,
    signed: SignedIn,
    query: web::Query<AccountQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = signed.visitor.lang;
    let flash = match query.done.as_deref() {
        Some("profile") => Some(lang.pick("Đã lưu hồ sơ.", "Profile saved.").to_owned()),
        Some("password") => Some(lang.pick("Đã đổi mật khẩu.", "Password changed.").to_owned()),
        _ => None,
    };
    account_page(&state, &signed, FieldErrors::default(), FieldErrors::default(), flash, query.welcome.is_some()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    language: String,
}

async fn update_profile(
    state: web::Data<AppState>,
    signed: SignedIn,
    PageForm(form): PageForm<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let language = form.language.clone();
    match service::update_profile(&state, &signed.principal.user_id, Some(form.full_name), Some(form.language)).await {
        Ok(()) => {
            // The page's language follows the account's when it changes here.
            let mut answer = see_other("/account?done=profile");
            if let Some(lang) = crate::i18n::Lang::parse(&language) {
                let _ = answer.add_cookie(&cookies::language(lang, secure(&state)));
            }
            Ok(answer)
        }
        Err(error @ AppError::Validation(_)) => {
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            account_page(&state, &signed, errors, FieldErrors::default(), None, false).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

async fn change_password(
    state: web::Data<AppState>,
    signed: SignedIn,
    PageForm(form): PageForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let principal = &signed.principal;
    let changed = service::change_password(
        &state,
        &principal.user_id,
        &principal.session_id,
        Some(form.current_password),
        Some(form.new_password),
    )
    .await;
    match changed {
        Ok(()) => Ok(see_other("/account?done=password")),
        Err(error @ AppError::Validation(_)) => {
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            account_page(&state, &signed, FieldErrors::default(), errors, None, false).await
        }
        Err(other) => Err(other),
    }
}

/// Ends every sign-in of the account, this browser's too.
async fn sign_out_everywhere(
    state: web::Data<AppState>,
    signed: SignedIn,
    _form: PageForm<Empty>,
    _req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    service::sign_out_everywhere(&state, &signed.principal.user_id).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header(("location", "/sign-in"))
        .cookie(cookies::session_removed(secure(&state)))
        .finish())
}
