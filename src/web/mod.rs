//! What every page shares, whichever feature draws it: the layout and its words, the
//! browser session (a signed cookie tied to the API's sign-in families), CSRF tokens, the
//! language switch, the assets, and error pages. Pages themselves live in each feature's
//! `pages` module, with their templates under `templates/<feature>/`; they call the same
//! services as the API.

pub mod assets;
pub mod charts;
pub mod cookies;
pub mod display;
pub mod errors;
pub mod form;
pub mod labels;
pub mod layout;
pub mod page;
pub mod picker;
pub mod visitor;

use actix_web::{HttpResponse, web};
use serde::Deserialize;

pub use errors::html_errors;
pub use form::{FieldErrors, PageForm};
pub use layout::Frame;
pub use visitor::{SignedIn, StaffSignedIn, Visitor};

pub use crate::http::is_page_path;

use crate::error::AppError;
use crate::i18n::Lang;

/// The shared routes: assets and the language switch.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{name}", web::get().to(assets::serve))
        .route("/favicon.ico", web::get().to(favicon))
        .route("/lang/{code}", web::get().to(switch_language))
        .route("/pickers/{scheme}", web::get().to(picker::filtered));
}

async fn favicon() -> HttpResponse {
    HttpResponse::MovedPermanently().insert_header(("location", assets::paths().icon.as_str())).finish()
}

#[derive(Debug, Deserialize)]
struct Next {
    next: Option<String>,
}

/// `GET /lang/{vi|en}?next=/…`: remembers the language in a cookie and goes back.
async fn switch_language(
    code: web::Path<String>,
    next: web::Query<Next>,
    settings: web::Data<crate::app::AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::parse(&code).ok_or(AppError::NotFound)?;
    let target = safe_next(next.next.as_deref());
    Ok(HttpResponse::SeeOther()
        .insert_header(("location", target))
        .cookie(cookies::language(lang, cookies::secure(&settings.settings.server.public_url)))
        .finish())
}

/// A `next` address that stays on this site: a path, not `//host` nor `https://…`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path.to_owned(),
        _ => "/".to_owned(),
    }
}

/// 303 to `location` (after a form is handled, so that reloading does not send it again).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("location", location)).finish()
}

/// An HTML page.
pub fn html(body: String) -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(body)
}

/// Renders a page template, or the error page if it cannot be rendered.
pub fn render(template: &impl askama::Template) -> Result<HttpResponse, AppError> {
    template.render().map(html).map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/listings?q=a")), "/listings?q=a");
        for outside in ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", ""] {
            assert_eq!(safe_next(Some(outside)), "/", "{outside}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
