//! Who is looking at a page: signed in through the session cookie or not, in which
//! language, with the CSRF token their forms must carry.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use secrecy::ExposeSecret;

use super::cookies;
use crate::app::AppState;
use crate::auth::Principal;
use crate::auth::principal::signed_in;
use crate::error::AppError;
use crate::i18n::Lang;

/// The signed-in person, as the header shows them.
#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: String,
    pub full_name: String,
    pub email: String,
    pub unread: i64,
    pub is_platform_admin: bool,
    /// Provinces whose review this person works on.
    pub reviews: Vec<String>,
}

/// This browser's CSRF seed, when the cookie middleware had to make a new one for this
/// request (the cookie is set on the answer).
#[derive(Debug, Clone)]
pub struct NewCsrfSeed(pub String);

#[derive(Debug, Clone)]
pub struct Visitor {
    pub principal: Option<Principal>,
    pub member: Option<Member>,
    pub lang: Lang,
    /// The token every state-changing form of this page carries.
    pub csrf: String,
    /// The path and query of this page (where to come back after signing in).
    pub here: String,
}

impl Visitor {
    pub fn is_signed_in(&self) -> bool {
        self.principal.is_some()
    }

    pub fn t(&self, vi: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(vi, en)
    }
}

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>().cloned().ok_or_else(|| AppError::Internal("application state missing".into()))
}

/// The CSRF seed of this browser: its cookie, or the one made for this request.
pub fn csrf_seed(req: &HttpRequest) -> String {
    req.extensions()
        .get::<NewCsrfSeed>()
        .map(|seed| seed.0.clone())
        .or_else(|| req.cookie(cookies::CSRF).map(|c| c.value().to_owned()))
        .unwrap_or_default()
}

/// The language of the page: the switch's cookie, else the account's, else Vietnamese.
pub fn cookie_lang(req: &HttpRequest) -> Option<Lang> {
    req.cookie(cookies::LANGUAGE).and_then(|c| Lang::parse(c.value()))
}

impl FromRequest for Visitor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state_of(req);
        let session = req.cookie(cookies::SESSION).map(|c| c.value().to_owned());
        let seed = csrf_seed(req);
        let chosen = cookie_lang(req);
        let here = match req.uri().query() {
            Some(query) => format!("{}?{query}", req.path()),
            None => req.path().to_owned(),
        };
        Box::pin(async move {
            let state = state?;
            let key = state.keys.cookies.expose_secret();
            let identity = session.as_deref().and_then(|value| cookies::read_session(key, value));
            let signed = match identity {
                Some((user_id, session_id)) => {
                    state
                        .db
                        .run(move |conn| {
                            // An ended session (signed out everywhere, expired) is simply anonymous.
                            match signed_in(conn, &user_id, &session_id) {
                                Ok((principal, user)) => {
                                    let unread = crate::notify::store::unread_count(conn, &user.id)?;
                                    Ok(Some((principal, user, unread)))
                                }
                                Err(AppError::Unauthorized(_)) => Ok(None),
                                Err(other) => Err(other),
                            }
                        })
                        .await?
                }
                None => None,
            };
            let (principal, member, account_lang) = match signed {
                Some((principal, user, unread)) => {
                    let member = Member {
                        user_id: user.id.clone(),
                        full_name: user.full_name.clone(),
                        email: user.email.clone(),
                        unread,
                        is_platform_admin: user.is_platform_admin,
                        reviews: principal.reviewed_tenants().into_iter().map(str::to_owned).collect(),
                    };
                    (Some(principal), Some(member), Lang::parse(&user.language))
                }
                None => (None, None, None),
            };
            let csrf = cookies::csrf_token(key, &seed);
            Ok(Visitor { lang: chosen.or(account_lang).unwrap_or_default(), principal, member, csrf, here })
        })
    }
}

/// A page only for the signed in: the anonymous are sent to sign in and brought back.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub visitor: Visitor,
    pub principal: Principal,
}

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let visitor = Visitor::from_request(req, payload);
        Box::pin(async move {
            let visitor = visitor.await?;
            match visitor.principal.clone() {
                Some(principal) => Ok(SignedIn { visitor, principal }),
                None => Err(AppError::Unauthorized(crate::error::Text::new(
                    "Hãy đăng nhập để xem trang này.",
                    "Sign in to see this page.",
                ))),
            }
        })
    }
}

/// A page of the province's or the platform's staff: for the anonymous it does not exist
/// (a 404 page, as for a signed-in member who is not staff), so that the addresses of the
/// workspace say nothing to someone who found them. Officers sign in first.
#[derive(Debug, Clone)]
pub struct StaffSignedIn(pub SignedIn);

impl FromRequest for StaffSignedIn {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let visitor = Visitor::from_request(req, payload);
        Box::pin(async move {
            let visitor = visitor.await?;
            match visitor.principal.clone() {
                Some(principal) => Ok(StaffSignedIn(SignedIn { visitor, principal })),
                None => Err(AppError::NotFound),
            }
        })
    }
}
