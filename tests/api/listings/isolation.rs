//! Every listing endpoint against every kind of caller. Unpublished listings are invisible
//! (404) to the public and to other provinces' officers.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::listings::wastewater_need;
use crate::helpers::spawn_app;

const ROLES: [&str; 8] = [
    "anonymous",
    "unrelated user",
    "member editor",
    "owner",
    "moderator of the home province",
    "moderator of another province",
    "tenant admin of another province",
    "platform admin",
];
const SECRET: &str = "Bí mật chỉ bên kết nối mới thấy";

type Case = (&'static str, Method, String, Option<Value>, [u16; 8]);

#[tokio::test]
async fn listing_isolation_matrix() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let editor = app.signed_in("editor@example.vn").await;
    let unrelated = app.signed_in("unrelated@example.vn").await;
    let home = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let other = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let other_admin = app.staff("admin@danang.gov.vn", "48", "tenant_admin").await;
    let platform = app.platform_admin("root@platform.vn").await;
    let org = app.approved_org_in(&owner, &home, "92", "Hợp tác xã Bí Mật", 20).await;
    app.post_as(&owner.access_token, &format!("/api/v1/orgs/{org}/invitations"), &json!({ "email": editor.email }))
        .await
        .ok();
    let token = app.emailed_token(&editor.email, "org-invitation").await;
    app.post_as(&editor.access_token, &format!("/api/v1/invitations/{token}/accept"), &json!({})).await.ok();

    let body = wastewater_need(json!({ "confidential_details": SECRET }));
    let draft = app.create_listing(&owner, &org, &body).await;
    let pending = app.create_listing(&owner, &org, &body).await;
    app.post_as(&owner.access_token, &format!("/api/v1/listings/{pending}/submit"), &json!({})).await.ok();
    let published = app.published_listing(&owner, &home, &org, &body).await;

    let tokens: Vec<Option<String>> = vec![
        None,
        Some(unrelated.access_token),
        Some(editor.access_token),
        Some(owner.access_token),
        Some(home.access_token),
        Some(other.access_token),
        Some(other_admin.access_token),
        Some(platform.access_token),
    ];
    let private_viewer = |role: usize| matches!(role, 2 | 3 | 4 | 7);

    let cases: Vec<Case> = vec![
        (
            "read a draft",
            Method::GET,
            format!("/api/v1/listings/{draft}"),
            None,
            [404, 404, 200, 200, 200, 404, 404, 200],
        ),
        (
            "read a pending one",
            Method::GET,
            format!("/api/v1/listings/{pending}"),
            None,
            [404, 404, 200, 200, 200, 404, 404, 200],
        ),
        ("read a published one", Method::GET, format!("/api/v1/listings/{published}"), None, [200; 8]),
        (
            "edit a draft",
            Method::PATCH,
            format!("/api/v1/listings/{draft}"),
            Some(json!({})),
            [401, 404, 200, 200, 403, 404, 404, 403],
        ),
        (
            "edit a pending one",
            Method::PATCH,
            format!("/api/v1/listings/{pending}"),
            Some(json!({})),
            [401, 404, 409, 409, 403, 404, 404, 403],
        ),
        (
            "submit (stale version)",
            Method::POST,
            format!("/api/v1/listings/{draft}/submit"),
            Some(json!({ "version": 0 })),
            [401, 404, 409, 409, 403, 404, 404, 403],
        ),
        (
            "close a draft",
            Method::POST,
            format!("/api/v1/listings/{draft}/close"),
            Some(json!({})),
            [401, 404, 409, 409, 403, 404, 404, 403],
        ),
        (
            "renew a pending one",
            Method::POST,
            format!("/api/v1/listings/{pending}/renew"),
            Some(json!({})),
            [401, 404, 409, 409, 403, 404, 404, 403],
        ),
        (
            "decide on a pending one (stale version)",
            Method::POST,
            format!("/api/v1/listings/{pending}/decisions"),
            Some(json!({ "action": "approve", "version": 0 })),
            [401, 404, 403, 403, 409, 404, 404, 403],
        ),
        (
            "decide on a published one",
            Method::POST,
            format!("/api/v1/listings/{published}/decisions"),
            Some(json!({ "action": "approve", "version": 0 })),
            [401, 404, 403, 403, 409, 404, 404, 403],
        ),
        (
            "history of a draft",
            Method::GET,
            format!("/api/v1/listings/{draft}/history"),
            None,
            [404, 404, 403, 200, 200, 404, 404, 200],
        ),
        (
            "history of a published one",
            Method::GET,
            format!("/api/v1/listings/{published}/history"),
            None,
            [404, 404, 403, 200, 200, 404, 404, 200],
        ),
        ("the organization's listings", Method::GET, format!("/api/v1/orgs/{org}/listings"), None, [200; 8]),
        (
            "post a listing (invalid body)",
            Method::POST,
            format!("/api/v1/orgs/{org}/listings"),
            Some(json!({})),
            [401, 404, 422, 422, 403, 404, 404, 403],
        ),
        (
            "the listing review queue",
            Method::GET,
            "/api/v1/tenants/92/review-queue?type=listing".into(),
            None,
            [401, 404, 404, 404, 200, 404, 404, 200],
        ),
        ("the marketplace", Method::GET, "/api/v1/listings".into(), None, [200; 8]),
    ];

    let mut failures = Vec::new();
    for (what, method, path, body, expected) in &cases {
        for (role, name) in ROLES.iter().enumerate() {
            let reply = app.request(method.clone(), path, tokens[role].as_deref(), body.as_ref(), None).await;
            if reply.status.as_u16() != expected[role] {
                failures.push(format!(
                    "{what} as {name}: expected {}, got {} {}",
                    expected[role], reply.status, reply.text
                ));
                continue;
            }
            if !reply.status.is_success() {
                reply.problem(expected[role]);
                continue;
            }
            let public_only = !private_viewer(role) || path == "/api/v1/listings";
            if public_only && reply.text.contains(SECRET) {
                failures.push(format!("{what} as {name}: confidential details leaked"));
            }
            if path.ends_with("/listings") && path.starts_with("/api/v1/orgs/") {
                let count = reply.body.as_array().map(Vec::len).unwrap_or(0);
                let expected_count = if private_viewer(role) { 3 } else { 1 };
                if count != expected_count {
                    failures.push(format!("{what} as {name}: {count} listings shown, expected {expected_count}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}
