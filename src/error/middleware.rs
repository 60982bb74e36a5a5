use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse};
use tracing_actix_web::RequestId;

use super::{AppError, PROBLEM_CONTENT_TYPE, Text};
use crate::i18n::Lang;

const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Turns every error answer — ours, the framework's, or a middleware's — into a problem
/// document in the reader's language, carrying the request id that the log also carries.
pub async fn problem_responses(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if crate::http::is_page_path(req.path()) {
        // Pages answer their errors as pages (the web layer's own middleware).
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    let lang = Lang::from_accept_language(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());

    let mut response = match next.call(req).await {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) => {
            // A middleware failed before any handler ran; the request is gone, so the
            // problem document travels inside the error instead.
            let status = error.as_response_error().status_code();
            let cause = error.to_string();
            let original = error.error_response();
            let mut rendered = reshape(status, original.headers(), None, Some(&cause), lang, request_id.as_deref());
            attach_request_id(rendered.headers_mut(), request_id.as_deref());
            return Err(InternalError::from_response(cause, rendered).into());
        }
    };
    if response.status().is_client_error() || response.status().is_server_error() {
        let own = response.response().error().and_then(|e| e.as_error::<AppError>());
        let cause = response.response().error().map(ToString::to_string);
        let already_problem = own.is_none()
            && response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with(PROBLEM_CONTENT_TYPE));
        if !already_problem {
            let rendered =
                reshape(response.status(), response.headers(), own, cause.as_deref(), lang, request_id.as_deref());
            response = response.into_response(rendered);
        }
    }
    attach_request_id(response.headers_mut(), request_id.as_deref());
    Ok(response)
}

fn attach_request_id(headers: &mut actix_web::http::header::HeaderMap, request_id: Option<&str>) {
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(id).ok()) {
        headers.insert(REQUEST_ID_HEADER, id);
    }
}

/// The problem document for an error answer: ours rendered in the reader's language,
/// anyone else's judged by its status. Server errors are logged with their cause.
fn reshape(
    status: StatusCode,
    headers: &actix_web::http::header::HeaderMap,
    own: Option<&AppError>,
    cause: Option<&str>,
    lang: Lang,
    request_id: Option<&str>,
) -> HttpResponse {
    if let Some(error) = own {
        if let AppError::Internal(cause) | AppError::Unavailable(cause) = error {
            tracing::error!(request_id, status = status.as_u16(), cause = %cause, "request failed");
        }
        return error.render(lang, request_id);
    }
    if status.is_server_error() {
        tracing::error!(
            request_id,
            status = status.as_u16(),
            cause = cause.unwrap_or("no error attached"),
            "request failed"
        );
    }
    let error = framework_error(status, headers.get(header::RETRY_AFTER));
    let mut rendered = error.render(lang, request_id);
    if let Some(allow) = headers.get(header::ALLOW) {
        rendered.headers_mut().insert(header::ALLOW, allow.clone());
    }
    rendered
}

/// What an error answer from outside our handlers means, judged by its status.
fn framework_error(status: StatusCode, retry_after: Option<&HeaderValue>) -> AppError {
    match status {
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge { limit: crate::http::BODY_LIMIT_BYTES },
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType,
        StatusCode::TOO_MANY_REQUESTS => AppError::RateLimited {
            retry_after_secs: retry_after
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(1)
                .max(1),
        },
        StatusCode::UNAUTHORIZED => AppError::Unauthorized(Text::new(
            "Cần đăng nhập để thực hiện thao tác này.",
            "You must be signed in to do this.",
        )),
        StatusCode::FORBIDDEN => AppError::Forbidden(Text::new(
            "Bạn không có quyền thực hiện thao tác này.",
            "You are not allowed to do this.",
        )),
        StatusCode::SERVICE_UNAVAILABLE => AppError::Unavailable(status.to_string()),
        s if s.is_client_error() => {
            AppError::BadRequest(Text::new("Yêu cầu không hợp lệ.", "The request is not valid."))
        }
        s => AppError::Internal(format!("framework answered {s}")),
    }
}
