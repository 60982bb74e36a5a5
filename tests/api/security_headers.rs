//! Every answer carries the browser security headers: JSON, problem documents (ours, the
//! router's, the rate limiter's), the metrics and the API documentation.

use reqwest::header::HeaderMap;
use serde_json::json;
use techbridge::http::{SWAGGER_LOGO_STYLE, content_security_policy};

use crate::helpers::{TestOptions, spawn_app, spawn_app_with};

#[track_caller]
fn assert_secured(headers: &HeaderMap, what: &str, policy: &str) {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header("content-security-policy"), policy, "{what}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
    assert_eq!(header("referrer-policy"), "strict-origin-when-cross-origin", "{what}");
}

#[tokio::test]
async fn json_problems_metrics_and_docs_carry_the_security_headers() {
    let app = spawn_app().await;
    let strict = content_security_policy("/api/v1/tenants");
    assert!(strict.starts_with("default-src 'self'; script-src 'self'; style-src 'self';"));
    assert!(strict.contains("frame-ancestors 'none'") && !strict.contains("unsafe"));

    let tenants = app.get("/api/v1/tenants").await;
    tenants.ok();
    assert_secured(&tenants.headers, "a JSON 200", strict);
    let missing_tenant = app.get("/api/v1/tenants/00").await;
    missing_tenant.problem(404);
    assert_secured(&missing_tenant.headers, "a handler's problem 404", strict);
    let unrouted = app.get("/api/v1/no/such/thing").await;
    unrouted.problem(404);
    assert_secured(&unrouted.headers, "the router's 404", strict);
    let unrouted_page = app.get("/no/such/page").await;
    assert_eq!(unrouted_page.status, 404);
    assert_secured(&unrouted_page.headers, "the 404 page", strict);
    let anonymous = app.get("/api/v1/me").await;
    anonymous.problem(401);
    assert_secured(&anonymous.headers, "a 401", strict);
    let malformed = app.post("/api/v1/auth/login", &json!("not an object")).await;
    assert_secured(&malformed.headers, "a 4xx from an extractor", strict);

    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, 200);
    assert_secured(&metrics.headers, "/metrics", strict);
    let document = app.get("/api/v1/openapi.json").await;
    assert_secured(&document.headers, "the OpenAPI document", strict);

    // The documentation: scripts and styles from the app itself, and the one inline style
    // element of the bundled UI admitted by its hash.
    let docs_policy = content_security_policy("/docs/");
    assert_ne!(docs_policy, strict);
    for path in ["/docs", "/docs/", "/docs/swagger-ui-bundle.js", "/docs/swagger-initializer.js"] {
        let reply = app.get(path).await;
        assert!(reply.status.is_success() || reply.status.is_redirection(), "{path}: {}", reply.status);
        assert_secured(&reply.headers, path, docs_policy);
    }
    let page = app.get("/docs/").await.text;
    assert!(!page.contains("<script>") && !page.contains("style="), "no inline script or style in the page");
    let preset = app.get("/docs/swagger-ui-standalone-preset.js").await.text;
    assert!(
        preset.contains(&format!("\"style\",null,\"{SWAGGER_LOGO_STYLE}\"")),
        "the bundled UI changed its inline style: update the hash in the docs policy"
    );
    let initializer = app.get("/docs/swagger-initializer.js").await.text;
    assert!(initializer.contains(r#""validatorUrl": "none""#), "{initializer}");
}

#[tokio::test]
async fn an_answer_from_the_rate_limiter_carries_them_too() {
    let app = spawn_app_with(TestOptions { rate_limit: Some((1, 1)), ..Default::default() }).await;
    let body = json!({ "email": "someone@example.vn", "password": "wrong password" });
    app.post("/api/v1/auth/login", &body).await;
    let limited = app.post("/api/v1/auth/login", &body).await;
    limited.problem(429);
    assert_secured(&limited.headers, "a 429", content_security_policy("/api/v1/auth/login"));
    assert!(limited.headers.get("x-request-id").is_some());
}
