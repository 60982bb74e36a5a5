use crate::helpers::spawn_app;

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
