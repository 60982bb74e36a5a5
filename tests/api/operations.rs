use secrecy::SecretString;

use crate::helpers::{Reply, TestOptions, spawn_app, spawn_app_with};

#[tokio::test]
async fn health_checks_report_the_database() {
    let app = spawn_app().await;
    assert_eq!(app.get("/health/live").await.ok()["status"], "ok");
    let ready = app.get("/health/ready").await;
    assert_eq!(ready.ok()["status"], "ok");
    let expected = if app.state.db.backend() == techbridge::db::Backend::Postgres { "postgres" } else { "sqlite" };
    assert_eq!(ready.body["database"], expected);
    assert!(ready.headers.get("x-request-id").is_some());
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_show_the_job_queue() {
    let app = spawn_app().await;
    app.get("/api/v1/tenants").await.ok();
    app.get("/api/v1/tenants/00").await.problem(404);
    app.register("metrics@example.vn", "Đo Đếm").await.ok();
    app.drain_jobs().await;
    let reply = app.get("/metrics").await;
    assert_eq!(reply.status, 200);
    assert!(reply.content_type.starts_with("text/plain"));
    let text = &reply.text;
    assert!(
        text.contains(r#"techbridge_http_requests_total{endpoint="/api/v1/tenants",method="GET",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"endpoint="/api/v1/tenants/{code}",method="GET",status="404"} 1"#), "{text}");
    assert!(text.contains("techbridge_http_requests_duration_seconds_bucket"));
    assert!(text.contains(r#"techbridge_jobs{state="done"} 1"#), "{text}");
    assert!(text.contains(r#"techbridge_jobs{state="dead"} 0"#), "{text}");
}

const SCRAPER_TOKEN: &str = "scraper-token-0123456789abcdef";

async fn scrape(app: &crate::helpers::TestApp, base: &str, token: Option<&str>) -> Reply {
    let mut request = app.client.get(format!("{base}/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    Reply::read(request.send().await.unwrap()).await
}

#[tokio::test]
async fn a_metrics_token_keeps_out_whoever_does_not_show_it() {
    let app = spawn_app_with(TestOptions {
        tweak: Some(Box::new(|s| s.ops.metrics_token = Some(SecretString::from(SCRAPER_TOKEN)))),
        ..Default::default()
    })
    .await;
    let anonymous = scrape(&app, &app.address, None).await;
    anonymous.problem(401);
    assert_eq!(anonymous.headers["www-authenticate"], "Bearer");
    assert!(!anonymous.text.contains("techbridge_jobs"));
    scrape(&app, &app.address, Some("scraper-token-0123456789abcdeF")).await.problem(401);
    // A user's access token is no metrics token.
    let user = app.signed_in("nguoi.dung@example.vn").await;
    scrape(&app, &app.address, Some(&user.access_token)).await.problem(401);

    let scraped = scrape(&app, &app.address, Some(SCRAPER_TOKEN)).await;
    assert_eq!(scraped.status, 200);
    assert!(scraped.text.contains("techbridge_jobs{state=\"dead\"} 0"), "{}", scraped.text);
    // Everything else stays as open as before.
    app.get("/health/ready").await.ok();
    app.get("/api/v1/tenants").await.ok();
}

#[tokio::test]
async fn metrics_on_their_own_address_leave_the_main_port() {
    let app = spawn_app_with(TestOptions {
        tweak: Some(Box::new(|s| {
            s.ops.metrics_address = "127.0.0.1:0".into();
            s.ops.metrics_token = Some(SecretString::from(SCRAPER_TOKEN));
        })),
        ..Default::default()
    })
    .await;
    let metrics = app.metrics_address.clone().expect("a metrics listener");
    assert_ne!(metrics, app.address);
    app.get("/api/v1/tenants").await.ok();

    scrape(&app, &app.address, Some(SCRAPER_TOKEN)).await.problem(404);
    scrape(&app, &metrics, None).await.problem(401);
    let scraped = scrape(&app, &metrics, Some(SCRAPER_TOKEN)).await;
    assert_eq!(scraped.status, 200);
    assert!(scraped.content_type.starts_with("text/plain"));
    assert!(
        scraped
            .text
            .contains(r#"techbridge_http_requests_total{endpoint="/api/v1/tenants",method="GET",status="200"} 1"#),
        "the main port's requests are counted: {}",
        scraped.text
    );
    assert_eq!(scraped.headers["x-content-type-options"], "nosniff");
    // Only the metrics live there.
    let health = Reply::read(app.client.get(format!("{metrics}/health/live")).send().await.unwrap()).await;
    health.problem(404);
    // The API documentation still describes them.
    assert!(app.get("/api/v1/openapi.json").await.ok()["paths"]["/metrics"].is_object());
}

#[tokio::test]
async fn the_openapi_document_covers_the_api_and_the_docs_work_offline() {
    let app = spawn_app().await;
    let document = app.get("/api/v1/openapi.json").await;
    let paths = document.ok()["paths"].as_object().unwrap().clone();
    for required in [
        "/api/v1/auth/register",
        "/api/v1/auth/verify-email",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/password-reset",
        "/api/v1/auth/password-reset/confirm",
        "/api/v1/me",
        "/api/v1/tenants",
        "/api/v1/tenants/{code}",
        "/api/v1/tenants/{code}/roles",
        "/api/v1/tenants/{code}/roles/{user_id}/{role}",
        "/health/live",
        "/health/ready",
        "/metrics",
    ] {
        assert!(paths.contains_key(required), "{required} is not documented");
    }
    // Every documented operation exists: none of them answers the router's bare 404.
    for (path, item) in &paths {
        let concrete =
            path.replace("{code}", "48").replace("{user_id}", "x").replace("{role}", "moderator").replace("{id}", "x");
        for method in item.as_object().unwrap().keys() {
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            let reply = app.request(method.clone(), &concrete, None, None, None).await;
            assert_ne!(reply.status, 405, "{method} {path}");
            if reply.status == 404 {
                assert!(path.contains('{'), "{method} {path} is documented but not routed");
            }
        }
    }

    let docs = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    let html = docs.text().await.unwrap();
    assert!(html.contains("swagger-ui"));
    let bundle = app.client.get(app.url("/docs/swagger-ui-bundle.js")).send().await.unwrap();
    assert_eq!(bundle.status(), 200, "the UI's script is served by the app itself");
    let initializer = app.client.get(app.url("/docs/swagger-initializer.js")).send().await.unwrap();
    assert!(initializer.text().await.unwrap().contains("/api/v1/openapi.json"));
    let redirect = app.client.get(app.url("/docs")).send().await.unwrap();
    assert!(redirect.status().is_redirection());
}
