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

/// Whether a path is a page (answered in HTML, its errors as HTML pages) rather than the
/// API or an operations endpoint (problem documents). The one-click unsubscribe address is
/// documented with the API: mail clients post to it, and its refusals are problems.
pub fn is_page_path(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/unsubscribe/")
        || path == "/api"
        || path.starts_with("/health/")
        || path == "/metrics"
        || path == "/docs"
        || path.starts_with("/docs/"))
}

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

#[cfg(test)]
mod page_path_tests {
    use super::is_page_path;

    #[test]
    fn pages_and_the_api_are_told_apart() {
        for page in ["/", "/listings", "/listings/abc", "/sign-in", "/apis"] {
            assert!(is_page_path(page), "{page}");
        }
        for api in ["/api/v1/listings", "/health/ready", "/metrics", "/docs", "/docs/index.html", "/unsubscribe/x"] {
            assert!(!is_page_path(api), "{api}");
        }
    }
}
