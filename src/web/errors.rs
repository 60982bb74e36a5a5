//! Errors on pages are pages: a 404 page for what the visitor may not know exists, a 403
//! page for a form without its CSRF token, a sign-in for a member page opened signed out,
//! each in the visitor's language. The API keeps its problem documents.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse};
use askama::Template;

use super::layout::Frame;
use super::visitor::{NewCsrfSeed, cookie_lang};
use super::{cookies, is_page_path};
use crate::error::AppError;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "web/error.html")]
struct ErrorPage<'a> {
    frame: Frame<'a>,
    detail: String,
    request_id: Option<String>,
}

/// Renders error answers of page routes as pages, and gives every browser its CSRF seed.
pub async fn html_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if !is_page_path(req.path()) {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    let lang = cookie_lang(req.request()).unwrap_or_default();
    let secure = req
        .app_data::<actix_web::web::Data<crate::app::AppState>>()
        .is_some_and(|state| cookies::secure(&state.settings.server.public_url));
    let new_seed = if req.cookie(cookies::CSRF).is_none() {
        let (seed, cookie) = cookies::new_csrf_seed(secure);
        req.extensions_mut().insert(NewCsrfSeed(seed));
        Some(cookie)
    } else {
        None
    };
    let method = req.method().clone();
    let here = match req.uri().query() {
        Some(query) => format!("{}?{query}", req.path()),
        None => req.path().to_owned(),
    };
    let request_id = req.extensions().get::<tracing_actix_web::RequestId>().map(ToString::to_string);
    let mut response = match next.call(req).await {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) => return Err(error),
    };
    let status = response.status();
    if status.is_client_error() || status.is_server_error() {
        let is_html = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if !is_html {
            let own =
                response.response().error().and_then(|e| e.as_error::<AppError>()).map(|e| (e.status(), e.clone()));
            let answer = page_for(status, own, lang, &method, &here, request_id);
            response = response.into_response(answer);
        }
    }
    if let Some(cookie) = new_seed {
        // A header that cannot be written leaves the browser without a seed until the next
        // page; its forms then fail their CSRF check with a 403 page, never silently.
        let _ = response.response_mut().add_cookie(&cookie);
    }
    Ok(response)
}

fn page_for(
    status: StatusCode,
    own: Option<(StatusCode, AppError)>,
    lang: Lang,
    method: &Method,
    here: &str,
    request_id: Option<String>,
) -> HttpResponse {
    if let Some((_, AppError::Unauthorized(_))) = own {
        // A member page opened signed out (or a session that ended): sign in, then back.
        let back = if method == Method::GET { here.to_owned() } else { "/".to_owned() };
        let location =
            format!("/sign-in?next={}", form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>());
        return HttpResponse::SeeOther().insert_header(("location", location)).finish();
    }
    let (status, detail, retry_after) = match &own {
        Some((status, AppError::NotFound)) => (*status, not_found(lang), None),
        Some((status, AppError::Internal(_))) => (*status, AppError::Internal(String::new()).detail(lang), None),
        Some((status, error @ AppError::RateLimited { retry_after_secs })) => {
            (*status, error.detail(lang), Some(*retry_after_secs))
        }
        Some((status, error)) => (*status, error.detail(lang), None),
        None if status == StatusCode::NOT_FOUND => (status, not_found(lang), None),
        None => (status, generic(status, lang), None),
    };
    let title = match status.as_u16() {
        404 => lang.pick("Không tìm thấy trang", "Page not found"),
        403 => lang.pick("Không được phép", "Not allowed"),
        409 => lang.pick("Đã có thay đổi", "Something changed"),
        429 => lang.pick("Quá nhiều yêu cầu", "Too many requests"),
        400 | 413 | 415 | 422 => lang.pick("Yêu cầu không hợp lệ", "Invalid request"),
        503 => lang.pick("Tạm thời không phục vụ được", "Temporarily unavailable"),
        _ => lang.pick("Đã có lỗi", "Something went wrong"),
    };
    let page = ErrorPage {
        frame: Frame::bare(lang, title, here),
        detail,
        request_id: request_id.filter(|_| status.is_server_error()),
    };
    let body = page.render().unwrap_or_else(|_| title.to_owned());
    let mut answer = HttpResponse::build(status);
    answer.content_type("text/html; charset=utf-8");
    if let Some(seconds) = retry_after {
        answer.insert_header(("retry-after", seconds.to_string()));
    }
    answer.body(body)
}

fn not_found(lang: Lang) -> String {
    lang.pick("Trang này không có, hoặc bạn không có quyền xem nó.", "This page does not exist, or you may not see it.")
        .to_owned()
}

fn generic(status: StatusCode, lang: Lang) -> String {
    if status.is_server_error() {
        AppError::Internal(String::new()).detail(lang)
    } else {
        lang.pick("Không thực hiện được yêu cầu này.", "This request could not be carried out.").to_owned()
    }
}
