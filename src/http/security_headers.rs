//! Headers that tell browsers how to treat every answer, whatever produced it: a handler, a
//! problem document, the router's 404, the metrics or the API documentation.

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;

/// Pages load only their own scripts, styles and images; nothing may frame them.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The Swagger UI under `/docs` runs no inline script, but draws its logo with one inline
/// `<style>` element (in `swagger-ui-standalone-preset.js`).
pub const SWAGGER_LOGO_STYLE: &str = ".logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}";

/// The same policy, admitting that one element by its SHA-256 and no other inline style.
pub const DOCS_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; img-src 'self' data:; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The policy for a path.
pub fn content_security_policy(path: &str) -> &'static str {
    if path == "/docs" || path.starts_with("/docs/") { DOCS_CONTENT_SECURITY_POLICY } else { CONTENT_SECURITY_POLICY }
}

/// Adds the security headers to every answer, also to an error that a middleware raised
/// before any handler ran (the request is gone then, so the answer travels in the error).
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let policy = content_security_policy(req.path());
    match next.call(req).await {
        Ok(response) => {
            let mut response = response.map_into_boxed_body();
            insert(response.headers_mut(), policy);
            Ok(response)
        }
        Err(error) => {
            let mut answer = error.error_response();
            insert(answer.headers_mut(), policy);
            Err(InternalError::from_response(error.to_string(), answer).into())
        }
    }
}

fn insert(headers: &mut HeaderMap, policy: &'static str) {
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documentation_relaxes_styles() {
        assert_eq!(content_security_policy("/docs"), DOCS_CONTENT_SECURITY_POLICY);
        assert_eq!(content_security_policy("/docs/swagger-ui.css"), DOCS_CONTENT_SECURITY_POLICY);
        for path in ["/", "/docsx", "/api/v1/docs/", "/metrics", "/api/v1/openapi.json"] {
            assert_eq!(content_security_policy(path), CONTENT_SECURITY_POLICY, "{path}");
        }
        for policy in [CONTENT_SECURITY_POLICY, DOCS_CONTENT_SECURITY_POLICY] {
            assert!(HeaderValue::from_str(policy).is_ok());
            assert!(policy.contains("script-src 'self';") && !policy.contains("unsafe-eval"));
            assert!(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"));
        }
    }

    #[test]
    fn the_docs_admit_the_logo_style_by_its_hash() {
        use base64::Engine as _;
        use sha2::Digest as _;
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(SWAGGER_LOGO_STYLE));
        assert!(DOCS_CONTENT_SECURITY_POLICY.contains(&format!("style-src 'self' 'sha256-{hash}';")));
    }
}
