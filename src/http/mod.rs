//! Request plumbing shared by every feature: body and query extractors that answer with
//! problem documents, the reader's language, the client address, pagination and the
//! security headers of every answer.

mod client_ip;
mod json;
mod pagination;
mod query;
mod security_headers;
pub mod time;

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, http::header};

pub use client_ip::client_ip;
pub use json::{ApiJson, OptionalJson};
pub use pagination::{Page, PageParams};
pub use query::ApiQuery;
pub use security_headers::{SWAGGER_LOGO_STYLE, content_security_policy, security_headers};

use crate::error::AppError;
use crate::i18n::Lang;

/// Largest accepted request body.
pub const BODY_LIMIT_BYTES: usize = 256 * 1024;

/// The language the reader asked for with `Accept-Language`.
#[derive(Debug, Clone, Copy)]
pub struct RequestLang(pub Lang);

impl FromRequest for RequestLang {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let header = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        ready(Ok(RequestLang(Lang::from_accept_language(header))))
    }
}

/// How many proxies of our own stand in front of the server (`server.trusted_proxies`):
/// the client address is the one the outermost of them saw.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrustedProxies(pub usize);

/// The caller's IP address, for audit records and rate limits.
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<String>);

impl FromRequest for ClientIp {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trusted_proxies = req.app_data::<actix_web::web::Data<TrustedProxies>>().map_or(0, |proxies| proxies.0);
        let ip = client_ip(req.peer_addr().map(|addr| addr.ip()), req.headers(), trusted_proxies);
        ready(Ok(ClientIp(ip.map(|ip| ip.to_string()))))
    }
}
