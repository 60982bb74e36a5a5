use serde_json::json;

use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::spawn_app;

#[tokio::test]
async fn owners_invite_members_who_accept_with_the_emailed_code() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let id = app.create_org(&owner, &enterprise("Công ty Đội Ngũ", "24", &tax_code(70), json!({}))).await;

    let invited = app
        .post_as(
            &owner.access_token,
            &format!("/api/v1/orgs/{id}/invitations"),
            &json!({ "email": "Editor@Example.vn" }),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.text);
    assert_eq!(invited.body["role"], "editor");
    let token = app.emailed_token("editor@example.vn", "org-invitation").await;
    // The link works only for the invited address, and only once.
    let stranger = app.signed_in("stranger@example.vn").await;
    app.post_as(&stranger.access_token, &format!("/api/v1/invitations/{token}/accept"), &json!({})).await.problem(403);
    let editor = app.signed_in("editor@example.vn").await;
    let joined = app.post_as(&editor.access_token, &format!("/api/v1/invitations/{token}/accept"), &json!({})).await;
    assert_eq!(joined.ok()["role"], "editor");
    app.post_as(&editor.access_token, &format!("/api/v1/invitations/{token}/accept"), &json!({})).await.problem(404);

    // Editors edit and see private details, but do not manage members or read the history.
    let view = app.get_as(&editor.access_token, &format!("/api/v1/orgs/{id}")).await;
    assert_eq!(view.ok()["private"]["my_role"], "editor");
    app.patch_as(&editor.access_token, &format!("/api/v1/orgs/{id}"), &json!({ "short_name": "ĐN" })).await.ok();
    app.post_as(&editor.access_token, &format!("/api/v1/orgs/{id}/invitations"), &json!({ "email": "x@example.vn" }))
        .await
        .problem(403);
    app.get_as(&editor.access_token, &format!("/api/v1/orgs/{id}/history")).await.problem(403);

    let members = app.get_as(&owner.access_token, &format!("/api/v1/orgs/{id}/members")).await;
    let roles: Vec<(&str, &str)> = members
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["email"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(roles, vec![("owner@example.vn", "owner"), ("editor@example.vn", "editor")]);

    // A member cannot be invited twice; a user may belong to several organizations.
    app.post_as(
        &owner.access_token,
        &format!("/api/v1/orgs/{id}/invitations"),
        &json!({ "email": "editor@example.vn" }),
    )
    .await
    .problem(409);
    let second = app.create_org(&editor, &enterprise("Công ty Thứ Hai", "24", &tax_code(71), json!({}))).await;
    let mine = app.get_as(&editor.access_token, "/api/v1/me/organizations").await;
    let mine: Vec<(&str, &str)> = mine
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["id"].as_str().unwrap(), o["role"].as_str().unwrap()))
        .collect();
    assert_eq!(mine, vec![(second.as_str(), "owner"), (id.as_str(), "editor")]);
}

#[tokio::test]
async fn an_organization_always_keeps_an_owner() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let id = app.create_org(&owner, &enterprise("Công ty Chủ", "24", &tax_code(72), json!({}))).await;
    let me = format!("/api/v1/orgs/{id}/members/{}", owner.user_id);
    app.delete_as(&owner.access_token, &me).await.problem(409);
    app.patch_as(&owner.access_token, &me, &json!({ "role": "editor" })).await.problem(409);

    app.post_as(
        &owner.access_token,
        &format!("/api/v1/orgs/{id}/invitations"),
        &json!({ "email": "co@example.vn", "role": "owner" }),
    )
    .await
    .ok();
    let token = app.emailed_token("co@example.vn", "org-invitation").await;
    let co_owner = app.signed_in("co@example.vn").await;
    assert_eq!(
        app.post_as(&co_owner.access_token, &format!("/api/v1/invitations/{token}/accept"), &json!({})).await.ok()["role"],
        "owner"
    );
    // Two owners demoting each other at once: one of them stays an owner.
    let co = format!("/api/v1/orgs/{id}/members/{}", co_owner.user_id);
    let demote = json!({ "role": "editor" });
    let (a, b) = futures_util::join!(
        app.patch_as(&owner.access_token, &co, &demote),
        app.patch_as(&co_owner.access_token, &me, &demote),
    );
    let statuses = [a.status.as_u16(), b.status.as_u16()];
    assert!(statuses.contains(&200), "{statuses:?}");
    let members = app.get_as(&owner.access_token, &format!("/api/v1/orgs/{id}/members")).await;
    let owners = members.body.as_array().map(|m| m.iter().filter(|m| m["role"] == "owner").count()).unwrap_or(0);
    assert!(owners >= 1, "{}", members.text);
}

#[tokio::test]
async fn invitations_expire_after_seven_days() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let id = app.create_org(&owner, &enterprise("Công ty Hẹn", "24", &tax_code(73), json!({}))).await;
    app.post_as(&owner.access_token, &format!("/api/v1/orgs/{id}/invitations"), &json!({ "email": "late@example.vn" }))
        .await
        .ok();
    let token = app.emailed_token("late@example.vn", "org-invitation").await;
    let late = app.signed_in("late@example.vn").await;
    app.clock.advance(chrono::Duration::days(8));
    let late = app.login(&late.email).await;
    app.post_as(&late.access_token, &format!("/api/v1/invitations/{token}/accept"), &json!({})).await.problem(404);
    let owner = app.login(&owner.email).await;
    let bad = app
        .post_as(
            &owner.access_token,
            &format!("/api/v1/orgs/{id}/invitations"),
            &json!({ "email": "nope", "role": "boss" }),
        )
        .await;
    assert_eq!(bad.invalid_fields(), vec!["email", "role"]);
}
