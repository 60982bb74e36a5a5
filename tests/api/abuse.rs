//! Limits on what one caller can make the server do to others: emails to one mailbox,
//! invitations from one organization, attempts from one client however it disguises its
//! address.

use reqwest::Method;
use serde_json::json;

use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::{TestApp, TestOptions, spawn_app, spawn_app_with};

fn retry_after(reply: &crate::helpers::Reply) -> u64 {
    reply.headers.get("retry-after").expect("Retry-After").to_str().unwrap().parse().unwrap()
}

async fn invite(app: &TestApp, token: &str, org: &str, email: &str) -> crate::helpers::Reply {
    app.post_as(token, &format!("/api/v1/orgs/{org}/invitations"), &json!({ "email": email })).await
}

#[tokio::test]
async fn one_pending_invitation_per_address_and_a_daily_budget_per_organization() {
    let app = spawn_app_with(TestOptions {
        tweak: Some(Box::new(|s| s.rate_limit.invitations_per_org_per_day = 3)),
        ..Default::default()
    })
    .await;
    let owner = app.signed_in("owner@example.vn").await;
    let org = app.create_org(&owner, &enterprise("Công ty Mời", "01", &tax_code(81), json!({}))).await;

    assert_eq!(invite(&app, &owner.access_token, &org, "a@example.vn").await.status, 201);
    // The same address again, however it is written, while the first is waiting: 409.
    let again = invite(&app, &owner.access_token, &org, "A@Example.VN").await;
    let problem = again.problem(409);
    assert!(problem["detail"].as_str().unwrap().contains("đang chờ"), "{problem}");
    assert_eq!(app.mails_to("a@example.vn", "org-invitation").await.len(), 1);

    assert_eq!(invite(&app, &owner.access_token, &org, "b@example.vn").await.status, 201);
    assert_eq!(invite(&app, &owner.access_token, &org, "c@example.vn").await.status, 201);
    // The fourth of the day: 429, with the time until the first leaves the 24 hours.
    let fourth = invite(&app, &owner.access_token, &org, "d@example.vn").await;
    fourth.problem(429);
    let wait = retry_after(&fourth);
    assert!((23 * 3600..=24 * 3600).contains(&wait), "Retry-After {wait}");
    assert!(app.mails_to("d@example.vn", "org-invitation").await.is_empty());

    // A day later the budget is back; once the first invitation has expired (7 days), the
    // address can be invited again.
    app.clock.advance(chrono::Duration::days(1) + chrono::Duration::minutes(1));
    let owner = app.login("owner@example.vn").await;
    assert_eq!(invite(&app, &owner.access_token, &org, "d@example.vn").await.status, 201);
    invite(&app, &owner.access_token, &org, "a@example.vn").await.problem(409);
    app.clock.advance(chrono::Duration::days(7));
    let owner = app.login("owner@example.vn").await;
    assert_eq!(invite(&app, &owner.access_token, &org, "a@example.vn").await.status, 201);
}

#[tokio::test]
async fn verification_and_reset_emails_are_limited_per_mailbox_whoever_asks() {
    let app = spawn_app_with(TestOptions {
        rate_limit: Some((600, 100)),
        tweak: Some(Box::new(|s| s.rate_limit.emails_per_address_per_hour = 2)),
        ..Default::default()
    })
    .await;
    assert_eq!(app.register("slow@example.vn", "Chậm").await.status, 201);
    let app = &app;
    let resend = |email: &'static str| async move {
        app.post("/api/v1/auth/resend-verification", &json!({ "email": email })).await
    };
    assert_eq!(resend("slow@example.vn").await.status, 202);
    assert_eq!(resend("SLOW@example.vn").await.status, 202);
    let third = resend("slow@example.vn").await;
    third.problem(429);
    assert!(retry_after(&third) >= 60, "the allowance refills over the hour");
    // Registration's own email plus the two resends, nothing more.
    assert_eq!(app.mails_to("slow@example.vn", "verify-email").await.len(), 3);
    // The same for an address with no account, so the answer tells nothing about accounts.
    assert_eq!(resend("nobody@example.vn").await.status, 202);
    assert_eq!(resend("nobody@example.vn").await.status, 202);
    resend("nobody@example.vn").await.problem(429);
    // Password reset emails share the mailbox's allowance.
    let reset = app.post("/api/v1/auth/password-reset", &json!({ "email": "slow@example.vn" })).await;
    reset.problem(429);
    // Another mailbox is not affected.
    assert_eq!(resend("other@example.vn").await.status, 202);
}

#[tokio::test]
async fn resend_verification_is_limited_per_client_address() {
    let app = spawn_app_with(TestOptions { rate_limit: Some((1, 3)), ..Default::default() }).await;
    let mut statuses = Vec::new();
    for n in 0..4 {
        let reply = app.post("/api/v1/auth/resend-verification", &json!({ "email": format!("u{n}@example.vn") })).await;
        statuses.push(reply.status.as_u16());
    }
    assert_eq!(statuses, vec![202, 202, 202, 429]);
}

/// Behind one proxy of ours, the client is the address that proxy appended: whatever a
/// client writes to the left of it changes nothing.
#[tokio::test]
async fn a_forged_forwarded_for_does_not_change_the_rate_limit_key() {
    let app = spawn_app_with(TestOptions {
        rate_limit: Some((1, 2)),
        tweak: Some(Box::new(|s| s.server.trusted_proxies = 1)),
        ..Default::default()
    })
    .await;
    let login = |forwarded: String| {
        let request = app
            .client
            .request(Method::POST, app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({ "email": "who@example.vn", "password": "wrong password" }));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let mut statuses = Vec::new();
    for n in 0..3 {
        statuses.push(login(format!("198.51.100.{n}, 203.0.113.9")).await);
    }
    assert_eq!(statuses, vec![401, 401, 429], "a new forged left-most entry each time is still one client");
    // Another client behind the same proxy has its own budget.
    assert_eq!(login("198.51.100.1, 203.0.113.10".to_owned()).await, 401);
    // Without the header (not through the proxy), the peer itself is the client.
    let direct = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": "who@example.vn", "password": "wrong password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), 401);
}

#[tokio::test]
async fn an_invitation_cannot_be_sent_twice_to_a_member() {
    let app = spawn_app().await;
    let owner = app.signed_in("boss@example.vn").await;
    let org = app.create_org(&owner, &enterprise("Công ty Một Lần", "01", &tax_code(82), json!({}))).await;
    invite(&app, &owner.access_token, &org, "boss@example.vn").await.problem(409);
}
