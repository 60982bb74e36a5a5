//! Personal data (Law 91/2025): a person's copy holds every personal value kept about
//! them; deleting the account leaves none of them in any table and the rest intact.

use serde_json::{Value, json};

use crate::helpers::dump::all_rows;
use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::spawn_app;

const EMAIL: &str = "ca.nhan@example.vn";
const NAME: &str = "Phạm Thị Riêng Tư";

#[tokio::test]
async fn the_copy_holds_everything_and_deletion_leaves_nothing() {
    let app = spawn_app().await;
    let moderator = app.staff("mod@hue.gov.vn", "46", "moderator").await;
    // The person signs up (with the digests consent), owns an organization whose contact
    // they are, saves a search, gets notified, and is invited to a second organization.
    let mut browser = crate::helpers::browser::Browser::new(&app);
    browser.get("/sign-up").await.ok();
    browser
        .post(
            "/sign-up",
            &[
                ("full_name", NAME),
                ("email", EMAIL),
                ("password", crate::helpers::PASSWORD),
                ("accept_privacy_notice", "yes"),
                ("digests", "yes"),
            ],
        )
        .await
        .ok();
    let link = super::mailed_link(&app, EMAIL, "verify-email", "/verify-email").await;
    browser.get(&link).await.ok();
    let me = app.login(EMAIL).await;
    let org = app
        .approved_org(
            &me,
            &moderator,
            &enterprise(
                "Công ty Riêng Tư",
                "46",
                &tax_code(980),
                json!({ "contact_name": NAME, "contact_email": EMAIL, "contact_phone": "0234 3777 000" }),
            ),
        )
        .await;
    let saved = app
        .post_as(
            &me.access_token,
            "/api/v1/me/saved-searches",
            &json!({ "name": "Tìm chè xanh", "query": { "q": "chè xanh" } }),
        )
        .await;
    assert_eq!(saved.status, 201, "{}", saved.text);
    let other_owner = app.signed_in("chu.khac@example.vn").await;
    let other = app.approved_org_in(&other_owner, &moderator, "46", "Hợp tác xã Khác", 981).await;
    let invited = app
        .post_as(
            &other_owner.access_token,
            &format!("/api/v1/orgs/{other}/invitations"),
            &json!({ "email": EMAIL, "role": "editor" }),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.text);
    app.drain_jobs().await;

    // The copy, through the page and the API alike.
    let file = browser.get("/account/my-data.json").await;
    assert_eq!(file.status, 200);
    let copy: Value = serde_json::from_str(&file.html).unwrap();
    let api_copy = app.get_as(&me.access_token, "/api/v1/me/data").await;
    assert_eq!(api_copy.ok()["account"], copy["account"]);
    assert_eq!(copy["account"]["email"], EMAIL);
    assert_eq!(copy["account"]["full_name"], NAME);
    let purposes: Vec<&str> =
        copy["consents"].as_array().unwrap().iter().map(|c| c["purpose"].as_str().unwrap()).collect();
    assert_eq!(purposes, vec!["account", "digests"]);
    assert!(copy["consents"][0]["notice_version"].as_str().is_some_and(|v| !v.is_empty()));
    assert_eq!(copy["memberships"][0]["organization"], org.as_str());
    assert_eq!(copy["contact_of"][0]["contact_phone"], "0234 3777 000");
    assert_eq!(copy["invitations"][0]["organization"], other.as_str());
    assert_eq!(copy["saved_searches"][0]["name"], "Tìm chè xanh");
    assert!(!copy["notifications"].as_array().unwrap().is_empty(), "the decision on the organization");
    assert!(!copy["emails_sent"].as_array().unwrap().is_empty());
    assert!(!copy["actions"].as_array().unwrap().is_empty());
    assert!(!copy["sign_ins"].as_array().unwrap().is_empty());
    // Every personal value the database holds about the person is in the copy.
    let database = all_rows(&app.state.settings.database_url());
    let copy_text = copy.to_string();
    for value in [EMAIL, NAME, "0234 3777 000", "Tìm chè xanh"] {
        assert!(database.contains(value), "the database holds {value}");
        assert!(copy_text.contains(value), "the copy lacks {value}");
    }

    // Withdrawing the optional consent: digests stop.
    browser.get("/account/my-data").await.ok();
    let page = browser.post("/account/consents/digests/withdraw", &[]).await;
    assert!(page.ok().contains("state") || page.html.contains("Đã rút lại"));
    let refused = app.post_as(&me.access_token, "/api/v1/me/consents/account/withdraw", &json!({})).await;
    refused.problem(409);

    // The last owner of an organization cannot leave it ownerless.
    browser.get("/account/my-data").await.ok();
    let page = browser.post("/account/delete", &[("password", crate::helpers::PASSWORD)]).await;
    assert!(page.ok().contains("Công ty Riêng Tư"), "the refusal names the organization");
    let wrong = app.post_as(&me.access_token, "/api/v1/me/delete", &json!({ "password": "wrong password" })).await;
    assert_eq!(wrong.invalid_fields(), vec!["password"]);

    // Another owner first; then the account goes.
    let successor = app.signed_in("ke.nhiem@example.vn").await;
    let invitation = app
        .post_as(
            &me.access_token,
            &format!("/api/v1/orgs/{org}/invitations"),
            &json!({ "email": "ke.nhiem@example.vn", "role": "owner" }),
        )
        .await;
    assert_eq!(invitation.status, 201, "{}", invitation.text);
    let token = app.emailed_token("ke.nhiem@example.vn", "org-invitation").await;
    let joined = app.post_as(&successor.access_token, &format!("/api/v1/invitations/{token}/accept"), &json!({})).await;
    assert_eq!(joined.status, 200, "{}", joined.text);
    browser.get("/account/my-data").await.ok();
    let gone = browser.post("/account/delete", &[("password", crate::helpers::PASSWORD)]).await;
    assert_eq!(gone.path, "/?deleted=1");
    app.drain_jobs().await;

    let database = all_rows(&app.state.settings.database_url());
    for value in [EMAIL, NAME, "0234 3777 000", "Tìm chè xanh"] {
        let lines: Vec<&str> = database.lines().filter(|l| l.contains(value)).take(3).collect();
        assert!(lines.is_empty(), "{value} is still kept: {lines:?}");
    }
    // The rest is intact: the organization, its new owner, the audit of what was done.
    let organization = app.get_as(&successor.access_token, &format!("/api/v1/orgs/{org}")).await;
    assert_eq!(organization.ok()["legal_name"], "Công ty Riêng Tư");
    assert!(database.contains("account_deleted"));
    assert!(database.contains("ke.nhiem@example.vn"));
    // Signed out everywhere, and the address cannot sign in.
    assert_eq!(app.get_as(&me.access_token, "/api/v1/me").await.status, 401);
    let login = app.post("/api/v1/auth/login", &json!({ "email": EMAIL, "password": crate::helpers::PASSWORD })).await;
    assert_eq!(login.status, 401);
}
