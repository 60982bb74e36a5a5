//! Every registry endpoint against every kind of caller: the expected status, and no
//! private field in any 200 body that should not carry it.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::{Session, TestApp, spawn_app};

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

/// Values that only private views may contain.
const SECRETS: [&str; 3] = ["bi.mat@rieng.vn", "0999 888 777", "Người Liên Hệ Bí Mật"];

/// What is called, how, and the status each role in `ROLES` should get.
type Case = (&'static str, Method, String, Option<Value>, [u16; 8]);

struct Callers {
    sessions: Vec<Option<Session>>,
}

impl Callers {
    fn token(&self, role: usize) -> Option<&str> {
        self.sessions[role].as_ref().map(|s| s.access_token.as_str())
    }

    /// Roles that may see private details of a Bắc Ninh organization they belong to or review.
    fn private_viewer(role: usize) -> bool {
        matches!(role, 2 | 3 | 4 | 7)
    }
}

async fn add_editor(app: &TestApp, owner: &Session, editor: &Session, org: &str) {
    app.post_as(&owner.access_token, &format!("/api/v1/orgs/{org}/invitations"), &json!({ "email": editor.email }))
        .await
        .ok();
    let token = app.emailed_token(&editor.email, "org-invitation").await;
    let tokens = app.mails_to(&editor.email, "org-invitation").await;
    assert!(!tokens.is_empty());
    app.post_as(&editor.access_token, &format!("/api/v1/invitations/{token}/accept"), &json!({})).await.ok();
}

#[tokio::test]
async fn registry_isolation_matrix() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let editor = app.signed_in("editor@example.vn").await;
    let unrelated = app.signed_in("unrelated@example.vn").await;
    let home_moderator = app.staff("mod@bacninh.gov.vn", "24", "moderator").await;
    let other_moderator = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let other_admin = app.staff("admin@danang.gov.vn", "48", "tenant_admin").await;
    let platform = app.platform_admin("root@platform.vn").await;

    let secret = json!({ "contact_email": SECRETS[0], "contact_phone": SECRETS[1], "contact_name": SECRETS[2] });
    let draft = app.create_org(&owner, &enterprise("Công ty Nháp Riêng", "24", &tax_code(80), secret.clone())).await;
    let submitted =
        app.create_org(&owner, &enterprise("Công ty Đang Duyệt", "24", &tax_code(81), secret.clone())).await;
    app.submit_org(&owner, &submitted).await;
    let approved =
        app.approved_org(&owner, &home_moderator, &enterprise("Công ty Công Khai", "24", &tax_code(82), secret)).await;
    for org in [&draft, &submitted, &approved] {
        add_editor(&app, &owner, &editor, org).await;
    }

    let callers = Callers {
        sessions: vec![
            None,
            Some(unrelated),
            Some(editor),
            Some(owner),
            Some(home_moderator),
            Some(other_moderator),
            Some(other_admin),
            Some(platform),
        ],
    };
    let owner_id = callers.sessions[3].as_ref().unwrap().user_id.clone();
    let editor_id = callers.sessions[2].as_ref().unwrap().user_id.clone();

    // (what, method, path, body, expected status per role in ROLES order)
    let cases: Vec<Case> = vec![
        ("read a draft", Method::GET, format!("/api/v1/orgs/{draft}"), None, [404, 404, 200, 200, 200, 404, 404, 200]),
        (
            "read a submitted one",
            Method::GET,
            format!("/api/v1/orgs/{submitted}"),
            None,
            [404, 404, 200, 200, 200, 404, 404, 200],
        ),
        ("read an approved one", Method::GET, format!("/api/v1/orgs/{approved}"), None, [200; 8]),
        (
            "edit a draft",
            Method::PATCH,
            format!("/api/v1/orgs/{draft}"),
            Some(json!({})),
            [401, 404, 200, 200, 403, 404, 404, 403],
        ),
        (
            "edit an approved one",
            Method::PATCH,
            format!("/api/v1/orgs/{approved}"),
            Some(json!({})),
            [401, 404, 200, 200, 403, 404, 404, 403],
        ),
        (
            "submit an approved one",
            Method::POST,
            format!("/api/v1/orgs/{approved}/submit"),
            Some(json!({})),
            [401, 404, 409, 409, 403, 404, 404, 403],
        ),
        (
            "submit a draft (stale version)",
            Method::POST,
            format!("/api/v1/orgs/{draft}/submit"),
            Some(json!({ "version": 0 })),
            [401, 404, 409, 409, 403, 404, 404, 403],
        ),
        (
            "decide on a submitted one (stale version)",
            Method::POST,
            format!("/api/v1/orgs/{submitted}/decisions"),
            Some(json!({ "action": "approve", "version": 0 })),
            [401, 404, 403, 403, 409, 404, 404, 403],
        ),
        (
            "decide on an approved one (stale version)",
            Method::POST,
            format!("/api/v1/orgs/{approved}/decisions"),
            Some(json!({ "action": "suspend", "reason": "x", "version": 0 })),
            [401, 404, 403, 403, 409, 404, 404, 403],
        ),
        (
            "history of a draft",
            Method::GET,
            format!("/api/v1/orgs/{draft}/history"),
            None,
            [404, 404, 403, 200, 200, 404, 404, 200],
        ),
        (
            "history of an approved one",
            Method::GET,
            format!("/api/v1/orgs/{approved}/history"),
            None,
            [404, 404, 403, 200, 200, 404, 404, 200],
        ),
        (
            "members of a draft",
            Method::GET,
            format!("/api/v1/orgs/{draft}/members"),
            None,
            [401, 404, 200, 200, 200, 404, 404, 200],
        ),
        (
            "members of an approved one",
            Method::GET,
            format!("/api/v1/orgs/{approved}/members"),
            None,
            [401, 404, 200, 200, 200, 404, 404, 200],
        ),
        (
            "invite (invalid body)",
            Method::POST,
            format!("/api/v1/orgs/{draft}/invitations"),
            Some(json!({})),
            [401, 404, 403, 422, 403, 404, 404, 403],
        ),
        (
            "change a member's role (to the same)",
            Method::PATCH,
            format!("/api/v1/orgs/{draft}/members/{editor_id}"),
            Some(json!({ "role": "editor" })),
            [401, 404, 403, 200, 403, 404, 404, 403],
        ),
        (
            "remove the last owner",
            Method::DELETE,
            format!("/api/v1/orgs/{draft}/members/{owner_id}"),
            None,
            [401, 404, 403, 409, 403, 404, 404, 403],
        ),
        (
            "the home province's review queue",
            Method::GET,
            "/api/v1/tenants/24/review-queue?type=org".into(),
            None,
            [401, 404, 404, 404, 200, 404, 404, 200],
        ),
        (
            "the home province's settings",
            Method::GET,
            "/api/v1/tenants/24/settings".into(),
            None,
            [401, 404, 404, 404, 200, 404, 404, 200],
        ),
        (
            "change the home province's settings",
            Method::PATCH,
            "/api/v1/tenants/24/settings".into(),
            Some(json!({ "org_review_fields": ["legal_name"] })),
            [401, 404, 404, 404, 403, 404, 404, 200],
        ),
        ("the directory", Method::GET, "/api/v1/orgs".into(), None, [200; 8]),
        (
            "accept an unknown invitation",
            Method::POST,
            "/api/v1/invitations/not-a-token/accept".into(),
            Some(json!({})),
            [401, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "register (invalid body)",
            Method::POST,
            "/api/v1/orgs".into(),
            Some(json!({})),
            [401, 422, 422, 422, 422, 422, 422, 422],
        ),
    ];

    let mut failures = Vec::new();
    for (what, method, path, body, expected) in &cases {
        for (role, name) in ROLES.iter().enumerate() {
            let reply = app.request(method.clone(), path, callers.token(role), body.as_ref(), None).await;
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
            let org_body = path.starts_with("/api/v1/orgs/")
                && method == Method::GET
                && !path.ends_with("/history")
                && !path.ends_with("/members");
            if !Callers::private_viewer(role) || path == "/api/v1/orgs" {
                for secret in SECRETS {
                    if reply.text.contains(secret) {
                        failures.push(format!("{what} as {name}: private value {secret} leaked"));
                    }
                }
                if org_body && reply.body.get("private").is_some() {
                    failures.push(format!("{what} as {name}: private section shown"));
                }
            } else if org_body && reply.body.get("private").is_none() {
                failures.push(format!("{what} as {name}: private section missing"));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}
