use serde_json::json;

use crate::helpers::{PASSWORD, spawn_app};

#[tokio::test]
async fn registration_sends_a_verification_email_and_verified_accounts_sign_in() {
    let app = spawn_app().await;
    let reply = app
        .post(
            "/api/v1/auth/register",
            &json!({ "email": " An.Nguyen@Example.VN ", "password": PASSWORD, "full_name": "Nguyễn Văn An", "language": "en", "accept_privacy_notice": true }),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["email"], "an.nguyen@example.vn");
    assert_eq!(reply.body["language"], "en");
    assert_eq!(reply.body["email_verified"], false);
    assert!(reply.body.get("password_hash").is_none());

    // Not verified yet: a clear refusal, not "wrong password".
    let refused =
        app.post("/api/v1/auth/login", &json!({ "email": "an.nguyen@example.vn", "password": PASSWORD })).await;
    assert!(refused.problem(403)["detail"].as_str().unwrap().contains("Email"));

    let mails = app.mails_to("an.nguyen@example.vn", "verify-email").await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(mail.contains("Content-Type: text/plain; charset=utf-8"));
    assert!(mail.contains("Content-Type: text/html; charset=utf-8"));
    assert!(mail.contains("Confirm your TechBridge email address") || mail.contains("Subject: Confirm"));
    assert!(mail.contains("Hello Nguyễn Văn An"), "English template for an English-speaking account");

    let token = app.emailed_token("an.nguyen@example.vn", "verify-email").await;
    let verified = app.post("/api/v1/auth/verify-email", &json!({ "token": token })).await;
    assert_eq!(verified.ok()["verified"], true);
    // Single use.
    let again = app.post("/api/v1/auth/verify-email", &json!({ "token": token })).await;
    assert_eq!(again.invalid_fields(), vec!["token"]);

    let session = app.login("an.nguyen@example.vn").await;
    let me = app.get_as(&session.access_token, "/api/v1/me").await;
    assert_eq!(me.ok()["email_verified"], true);
    assert_eq!(me.body["full_name"], "Nguyễn Văn An");
    assert_eq!(me.body["roles"], json!([]));
}

#[tokio::test]
async fn vietnamese_is_the_default_email_language() {
    let app = spawn_app().await;
    app.register("binh@example.vn", "Trần Thị Bình").await.ok();
    let mails = app.mails_to("binh@example.vn", "verify-email").await;
    assert!(mails[0].contains("Xin chào Trần Thị Bình"));
    assert!(mails[0].contains("Hoặc dùng mã xác nhận"));
}

#[tokio::test]
async fn verification_codes_expire_after_a_day() {
    let app = spawn_app().await;
    app.register("late@example.vn", "Người Đến Muộn").await.ok();
    let token = app.emailed_token("late@example.vn", "verify-email").await;
    app.clock.advance(chrono::Duration::hours(25));
    let expired = app.post("/api/v1/auth/verify-email", &json!({ "token": token })).await;
    assert_eq!(expired.invalid_fields(), vec!["token"]);

    // A new code can be requested; the answer never says whether the account exists.
    let resent = app.post("/api/v1/auth/resend-verification", &json!({ "email": "late@example.vn" })).await;
    let unknown = app.post("/api/v1/auth/resend-verification", &json!({ "email": "nobody@example.vn" })).await;
    assert_eq!(resent.status, 202);
    assert_eq!(unknown.status, 202);
    assert_eq!(resent.body, unknown.body);
    let fresh = app.emailed_token("late@example.vn", "verify-email").await;
    assert_ne!(fresh, token);
    app.post("/api/v1/auth/verify-email", &json!({ "token": fresh })).await.ok();
}

#[tokio::test]
async fn registering_twice_with_one_email_is_a_conflict_and_creates_no_second_account() {
    let app = spawn_app().await;
    app.register("twice@example.vn", "Lần Một").await.ok();
    for lang in ["vi", "en"] {
        let second = app
            .request(
                reqwest::Method::POST,
                "/api/v1/auth/register",
                None,
                Some(&json!({ "email": "TWICE@example.vn", "password": PASSWORD, "full_name": "Lần Hai", "accept_privacy_notice": true })),
                Some(lang),
            )
            .await;
        let problem = second.problem(409);
        let expected = if lang == "vi" { "đã được đăng ký" } else { "already registered" };
        assert!(problem["detail"].as_str().unwrap().contains(expected), "{lang}: {}", second.text);
    }
    let accounts: i64 = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            use techbridge::db::schema::users;
            Ok(users::table.filter(users::email.eq("twice@example.vn")).count().get_result(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(accounts, 1);
}

#[tokio::test]
async fn concurrent_registrations_with_one_email_create_one_account() {
    let app = spawn_app().await;
    let body = json!({ "email": "race@example.vn", "password": PASSWORD, "full_name": "Chạy Đua", "accept_privacy_notice": true });
    let replies = futures_util::future::join_all((0..8).map(|_| app.post("/api/v1/auth/register", &body))).await;
    let created = replies.iter().filter(|r| r.status == 201).count();
    let conflicts = replies.iter().filter(|r| r.status == 409).count();
    assert_eq!((created, conflicts), (1, 7), "{:?}", replies.iter().map(|r| &r.text).collect::<Vec<_>>());
    assert_eq!(app.mails_to("race@example.vn", "verify-email").await.len(), 1);
}

#[tokio::test]
async fn password_reset_answers_alike_for_unknown_emails_and_ends_every_session() {
    let app = spawn_app().await;
    let session = app.signed_in("reset@example.vn").await;

    let known = app.post("/api/v1/auth/password-reset", &json!({ "email": "reset@example.vn" })).await;
    let unknown = app.post("/api/v1/auth/password-reset", &json!({ "email": "ghost@example.vn" })).await;
    assert_eq!(known.status, 202);
    assert_eq!(unknown.status, 202);
    assert_eq!(known.body, unknown.body);
    assert!(app.mails_to("ghost@example.vn", "password-reset").await.is_empty());

    let token = app.emailed_token("reset@example.vn", "password-reset").await;
    let short =
        app.post("/api/v1/auth/password-reset/confirm", &json!({ "token": token, "new_password": "short" })).await;
    assert_eq!(short.invalid_fields(), vec!["new_password"]);
    let done = app
        .post("/api/v1/auth/password-reset/confirm", &json!({ "token": token, "new_password": "một mật khẩu mới dài" }))
        .await;
    assert_eq!(done.status, 204, "{}", done.text);
    let reused = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            &json!({ "token": token, "new_password": "lại một mật khẩu khác" }),
        )
        .await;
    assert_eq!(reused.invalid_fields(), vec!["token"]);

    // The old sign-in is over, and only the new password works.
    app.get_as(&session.access_token, "/api/v1/me").await.problem(401);
    app.post("/api/v1/auth/refresh", &json!({ "refresh_token": session.refresh_token })).await.problem(401);
    app.post("/api/v1/auth/login", &json!({ "email": "reset@example.vn", "password": PASSWORD })).await.problem(401);
    app.post("/api/v1/auth/login", &json!({ "email": "reset@example.vn", "password": "một mật khẩu mới dài" }))
        .await
        .ok();
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_but_keeps_this_one() {
    let app = spawn_app().await;
    let here = app.signed_in("change@example.vn").await;
    let elsewhere = app.login("change@example.vn").await;

    let wrong = app
        .post_as(
            &here.access_token,
            "/api/v1/me/password",
            &json!({ "current_password": "not the password", "new_password": "mật khẩu mới đủ dài" }),
        )
        .await;
    assert_eq!(wrong.invalid_fields(), vec!["current_password"]);

    let changed = app
        .post_as(
            &here.access_token,
            "/api/v1/me/password",
            &json!({ "current_password": PASSWORD, "new_password": "mật khẩu mới đủ dài" }),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.text);
    app.get_as(&here.access_token, "/api/v1/me").await.ok();
    app.get_as(&elsewhere.access_token, "/api/v1/me").await.problem(401);
    app.post("/api/v1/auth/refresh", &json!({ "refresh_token": elsewhere.refresh_token })).await.problem(401);
    app.post("/api/v1/auth/refresh", &json!({ "refresh_token": here.refresh_token })).await.ok();
}

#[tokio::test]
async fn profile_changes_are_validated() {
    let app = spawn_app().await;
    let session = app.signed_in("profile@example.vn").await;
    let updated = app
        .patch_as(&session.access_token, "/api/v1/me", &json!({ "full_name": "Lê Văn Cường", "language": "en" }))
        .await;
    assert_eq!(updated.ok()["language"], "en");
    assert_eq!(updated.body["full_name"], "Lê Văn Cường");
    let bad = app.patch_as(&session.access_token, "/api/v1/me", &json!({ "full_name": " ", "language": "fr" })).await;
    assert_eq!(bad.invalid_fields(), vec!["full_name", "language"]);
}
