//! Every kind of bad input gets a problem document with the right status, in Vietnamese
//! and in English, and never a 500.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, Reply, TestApp, TestOptions, spawn_app, spawn_app_with};

async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
    lang: &str,
) -> Reply {
    let mut request = app.client.request(method, app.url(path)).header("accept-language", lang).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    Reply::read(request.send().await.unwrap()).await
}

fn titles(lang: &str) -> [(u16, &'static str); 6] {
    if lang == "vi" {
        [
            (400, "JSON không hợp lệ"),
            (404, "Không tìm thấy"),
            (413, "Nội dung quá lớn"),
            (415, "Kiểu nội dung không được hỗ trợ"),
            (422, "Dữ liệu không hợp lệ"),
            (405, "Phương thức không được hỗ trợ"),
        ]
    } else {
        [
            (400, "Malformed JSON"),
            (404, "Not found"),
            (413, "Payload too large"),
            (415, "Unsupported media type"),
            (422, "Invalid input"),
            (405, "Method not allowed"),
        ]
    }
}

fn title_for(lang: &str, status: u16) -> &'static str {
    titles(lang).iter().find(|(s, _)| *s == status).map(|(_, t)| *t).unwrap()
}

#[tokio::test]
async fn bad_requests_answer_problem_documents_in_both_languages() {
    let app = spawn_app().await;
    let register = "/api/v1/auth/register";
    let huge = json!({ "email": "big@example.vn", "password": PASSWORD, "full_name": "x".repeat(300 * 1024) });
    for lang in ["vi", "en"] {
        // Malformed JSON, naming the problem.
        let reply = raw(&app, Method::POST, register, Some("application/json"), b"{\"email\": ".to_vec(), lang).await;
        let problem = reply.problem(400);
        assert_eq!(problem["title"], title_for(lang, 400));
        assert!(problem["detail"].as_str().unwrap().contains("EOF"), "{}", reply.text);

        // Trailing garbage after a valid document.
        let reply = raw(&app, Method::POST, register, Some("application/json"), b"{} {}".to_vec(), lang).await;
        reply.problem(400);

        // Missing fields: every one named.
        let reply = app.request(Method::POST, register, None, Some(&json!({})), Some(lang)).await;
        assert_eq!(reply.invalid_fields(), vec!["email", "password", "full_name", "accept_privacy_notice"]);
        assert_eq!(reply.body["title"], title_for(lang, 422));
        let message = reply.body["errors"][0]["message"].as_str().unwrap();
        assert_eq!(message, if lang == "vi" { "Trường này là bắt buộc." } else { "This field is required." });

        // Invalid email and short password.
        let reply = app
            .request(
                Method::POST,
                register,
                None,
                Some(&json!({ "email": "an@", "password": "ngắn", "full_name": "An", "accept_privacy_notice": true })),
                Some(lang),
            )
            .await;
        assert_eq!(reply.invalid_fields(), vec!["email", "password"]);
        assert_eq!(reply.body["errors"][0]["code"], "invalid_email");
        assert_eq!(reply.body["errors"][1]["code"], "length");

        // A value of the wrong type names its field.
        let reply = app
            .request(
                Method::POST,
                register,
                None,
                Some(&json!({ "email": 42, "password": PASSWORD, "accept_privacy_notice": true })),
                Some(lang),
            )
            .await;
        assert_eq!(reply.invalid_fields(), vec!["email"]);

        // An array where the object belongs, which serde alone would read field by field.
        let array = serde_json::to_vec(&json!(["mang@example.vn", PASSWORD, "Mảng"])).unwrap();
        let reply = raw(&app, Method::POST, register, Some("application/json"), array, lang).await;
        assert_eq!(reply.invalid_fields(), vec!["body"]);

        // Body over 256 KiB.
        let reply = app.request(Method::POST, register, None, Some(&huge), Some(lang)).await;
        assert_eq!(reply.problem(413)["title"], title_for(lang, 413));

        // Wrong or missing content type.
        let body = serde_json::to_vec(&json!({ "email": "a@b.vn" })).unwrap();
        for content_type in [Some("text/plain"), Some("application/x-www-form-urlencoded"), None] {
            let reply = raw(&app, Method::POST, register, content_type, body.clone(), lang).await;
            assert_eq!(reply.problem(415)["title"], title_for(lang, 415), "{content_type:?}");
        }

        // Unknown route and unknown tenant.
        let reply = app.request(Method::GET, "/api/v1/no-such-thing", None, None, Some(lang)).await;
        assert_eq!(reply.problem(404)["title"], title_for(lang, 404));
        let reply = app.request(Method::GET, "/api/v1/tenants/00", None, None, Some(lang)).await;
        assert_eq!(reply.problem(404)["title"], title_for(lang, 404));
        // Outside the API an unknown address is a page, not a problem document.
        let reply = app.request(Method::GET, "/nowhere", None, None, Some(lang)).await;
        assert_eq!(reply.status, 404);
        assert!(reply.content_type.starts_with("text/html"), "{}", reply.content_type);

        // A known path with the wrong method.
        let reply = app.request(Method::DELETE, "/api/v1/auth/login", None, None, Some(lang)).await;
        assert!(reply.status == 404 || reply.status == 405, "{}", reply.status);
        reply.problem(reply.status.as_u16());
    }
    // Nothing was stored by any of it.
    let users: i64 = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            Ok(techbridge::db::schema::users::table.count().get_result(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(users, 0);
}

#[tokio::test]
async fn hostile_text_is_data_not_a_crash() {
    let app = spawn_app().await;
    let inputs: Vec<Value> = vec![
        json!({ "email": "<script>@x.vn", "password": PASSWORD, "full_name": "a" }),
        json!({ "email": "a@b.vn", "password": PASSWORD, "full_name": "\u{0000}null byte" }),
        json!({ "email": "a@b.vn", "password": PASSWORD, "full_name": "x".repeat(201) }),
        json!({ "email": "a@b.vn", "password": "x".repeat(129), "full_name": "An" }),
        json!({ "email": ["a@b.vn"], "password": {}, "full_name": null }),
        json!([1, 2, 3]),
        json!("just a string"),
        json!(null),
    ];
    for input in inputs {
        let reply = app.post("/api/v1/auth/register", &input).await;
        assert_eq!(reply.status, 422, "{input}: {}", reply.text);
        reply.problem(422);
    }
    // Stored as text, returned as JSON text, never interpreted.
    let reply = app
        .post(
            "/api/v1/auth/register",
            &json!({ "email": "xss@example.vn", "password": PASSWORD, "full_name": "<img src=x onerror=alert(1)>", "accept_privacy_notice": true }),
        )
        .await;
    assert_eq!(reply.ok()["full_name"], "<img src=x onerror=alert(1)>");
    let mails = app.mails_to("xss@example.vn", "verify-email").await;
    assert!(mails[0].contains("&lt;img src=x onerror=alert(1)&gt;"), "escaped in the HTML part");
}

#[tokio::test]
async fn sign_in_registration_and_reset_are_rate_limited_per_address() {
    let app = spawn_app_with(TestOptions { rate_limit: Some((2, 3)), ..Default::default() }).await;
    let body = json!({ "email": "someone@example.vn", "password": "wrong password" });
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(app.post("/api/v1/auth/login", &body).await);
    }
    assert_eq!(statuses.iter().filter(|r| r.status == 401).count(), 3);
    let limited = statuses.last().unwrap();
    let problem = limited.problem(429);
    assert_eq!(problem["title"], "Quá nhiều yêu cầu");
    let retry_after: u64 = limited.headers.get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!(retry_after >= 1);

    // English too.
    let reply = app.request(Method::POST, "/api/v1/auth/login", None, Some(&body), Some("en")).await;
    assert_eq!(reply.problem(429)["title"], "Too many requests");

    // Other endpoints are not limited.
    for _ in 0..10 {
        app.get("/api/v1/tenants").await.ok();
    }
    // Registration has its own budget, which it also enforces.
    let mut last = None;
    for n in 0..5 {
        last = Some(
            app.post(
                "/api/v1/auth/register",
                &json!({ "email": format!("r{n}@example.vn"), "password": PASSWORD, "full_name": "R", "accept_privacy_notice": true }),
            )
            .await,
        );
    }
    last.unwrap().problem(429);
}
