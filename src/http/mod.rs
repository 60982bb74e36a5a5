//! Request plumbing shared by every feature: body and query extractors that answer with
//! problem documents, the reader's language, the client address and pagination.

mod json;
mod pagination;
mod query;
pub mod time;

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, http::header};

pub use json::{ApiJson, OptionalJson};
pub use pagination::{Page, PageParams};
pub use query::ApiQuery;

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

/// The caller's IP address, for audit records and rate limits.
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<String>);

impl FromRequest for ClientIp {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust_forwarded = req
            .app_data::<actix_web::web::Data<crate::startup::AppState>>()
            .is_some_and(|state| state.settings.server.trust_forwarded_for);
        let ip = if trust_forwarded {
            req.connection_info().realip_remote_addr().map(str::to_owned)
        } else {
            req.peer_addr().map(|addr| addr.ip().to_string())
        };
        ready(Ok(ClientIp(ip)))
    }
}
