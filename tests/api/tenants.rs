use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_34_provinces_are_public() {
    let app = spawn_app().await;
    let reply = app.get("/api/v1/tenants").await;
    let items = reply.ok()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 34);
    assert_eq!(reply.body["total"], 34);
    let hcm = items.iter().find(|t| t["code"] == "79").unwrap();
    assert_eq!(hcm["full_name_vi"], "Thành phố Hồ Chí Minh");
    assert_eq!(hcm["kind"], "city");
    let bac_ninh = app.get("/api/v1/tenants/24").await;
    assert_eq!(bac_ninh.ok()["name_vi"], "Bắc Ninh");
    assert!(bac_ninh.body["merged_from"].as_str().unwrap().contains("Bắc Giang"));
    app.get("/api/v1/tenants/99").await.problem(404);
}

#[tokio::test]
async fn platform_admins_add_rename_and_deactivate_provinces() {
    let app = spawn_app().await;
    let admin = app.platform_admin("root@platform.test").await;
    let user = app.signed_in("user@example.vn").await;
    let new = json!({ "code": "100", "name_vi": "Tỉnh Thử", "full_name_vi": "Tỉnh Thử Nghiệm", "kind": "province" });

    app.post_as(&user.access_token, "/api/v1/tenants", &new).await.problem(403);
    app.post("/api/v1/tenants", &new).await.problem(401);

    let created = app.post_as(&admin.access_token, "/api/v1/tenants", &new).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["slug"], "tinh-thu");
    app.post_as(&admin.access_token, "/api/v1/tenants", &new).await.problem(409);
    let bad = app
        .post_as(&admin.access_token, "/api/v1/tenants", &json!({ "code": "x", "name_vi": "", "kind": "state" }))
        .await;
    assert_eq!(bad.invalid_fields(), vec!["code", "name_vi", "full_name_vi", "kind"]);

    let renamed = app.patch_as(&admin.access_token, "/api/v1/tenants/100", &json!({ "name_vi": "Tỉnh Đổi Tên" })).await;
    assert_eq!(renamed.ok()["name_vi"], "Tỉnh Đổi Tên");
    app.patch_as(&user.access_token, "/api/v1/tenants/100", &json!({ "name_vi": "X" })).await.problem(403);

    app.patch_as(&admin.access_token, "/api/v1/tenants/100", &json!({ "active": false })).await.ok();
    let public = app.get("/api/v1/tenants").await;
    assert_eq!(public.ok()["total"], 34);
    app.get("/api/v1/tenants/100").await.problem(404);
    let with_inactive = app.get_as(&admin.access_token, "/api/v1/tenants?include_inactive=true").await;
    assert_eq!(with_inactive.ok()["total"], 35);
    app.patch_as(&admin.access_token, "/api/v1/tenants/999", &json!({ "active": true })).await.problem(404);
}

#[tokio::test]
async fn tenant_admins_manage_moderators_of_their_own_province_only() {
    let app = spawn_app().await;
    let platform = app.platform_admin("root@platform.test").await;
    let da_nang_admin = app.signed_in("admin@danang.gov.vn").await;
    let officer = app.signed_in("officer@danang.gov.vn").await;
    let outsider = app.signed_in("someone@example.vn").await;

    // Only platform admins appoint tenant admins.
    let grant = app
        .post_as(
            &platform.access_token,
            "/api/v1/tenants/48/roles",
            &json!({ "email": "admin@danang.gov.vn", "role": "tenant_admin" }),
        )
        .await;
    assert_eq!(grant.status, 201, "{}", grant.text);
    assert_eq!(grant.body["role"], "tenant_admin");

    // The Đà Nẵng admin appoints a moderator in Đà Nẵng...
    let moderator = app
        .post_as(
            &da_nang_admin.access_token,
            "/api/v1/tenants/48/roles",
            &json!({ "email": "officer@danang.gov.vn", "role": "moderator" }),
        )
        .await;
    assert_eq!(moderator.status, 201, "{}", moderator.text);
    let again = app
        .post_as(
            &da_nang_admin.access_token,
            "/api/v1/tenants/48/roles",
            &json!({ "email": "officer@danang.gov.vn", "role": "moderator" }),
        )
        .await;
    assert_eq!(again.status, 200);
    let me = app.get_as(&officer.access_token, "/api/v1/me").await;
    assert_eq!(me.ok()["roles"], json!([{ "tenant_id": "48", "role": "moderator" }]));

    // ...but may not appoint admins, nor touch Cần Thơ, which it cannot even see.
    app.post_as(
        &da_nang_admin.access_token,
        "/api/v1/tenants/48/roles",
        &json!({ "email": "someone@example.vn", "role": "tenant_admin" }),
    )
    .await
    .problem(403);
    app.post_as(
        &da_nang_admin.access_token,
        "/api/v1/tenants/92/roles",
        &json!({ "email": "someone@example.vn", "role": "moderator" }),
    )
    .await
    .problem(404);
    app.get_as(&da_nang_admin.access_token, "/api/v1/tenants/92/roles").await.problem(404);

    // A moderator cannot appoint anyone; an outsider cannot see the staff list.
    app.post_as(
        &officer.access_token,
        "/api/v1/tenants/48/roles",
        &json!({ "email": "someone@example.vn", "role": "moderator" }),
    )
    .await
    .problem(403);
    app.get_as(&outsider.access_token, "/api/v1/tenants/48/roles").await.problem(404);

    let staff = app.get_as(&da_nang_admin.access_token, "/api/v1/tenants/48/roles").await;
    let emails: Vec<&str> = staff.ok().as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap()).collect();
    assert_eq!(emails.len(), 2);
    assert!(emails.contains(&"officer@danang.gov.vn") && emails.contains(&"admin@danang.gov.vn"));

    // Unknown accounts and roles are named.
    let unknown = app
        .post_as(
            &da_nang_admin.access_token,
            "/api/v1/tenants/48/roles",
            &json!({ "email": "ghost@example.vn", "role": "overlord" }),
        )
        .await;
    assert_eq!(unknown.invalid_fields(), vec!["role"]);
    let unknown = app
        .post_as(
            &da_nang_admin.access_token,
            "/api/v1/tenants/48/roles",
            &json!({ "email": "ghost@example.vn", "role": "moderator" }),
        )
        .await;
    assert_eq!(unknown.invalid_fields(), vec!["email"]);

    // Revoking: the moderator's role is gone at once.
    let path = format!("/api/v1/tenants/48/roles/{}/moderator", officer.user_id);
    app.delete_as(&officer.access_token, &path).await.problem(403);
    assert_eq!(app.delete_as(&da_nang_admin.access_token, &path).await.status, 204);
    app.delete_as(&da_nang_admin.access_token, &path).await.problem(404);
    let me = app.get_as(&officer.access_token, "/api/v1/me").await;
    assert_eq!(me.ok()["roles"], json!([]));

    // Every grant and revocation is audited.
    let audited: Vec<(String, Option<String>)> = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            use techbridge::db::schema::audit_log;
            Ok(audit_log::table
                .filter(audit_log::entity_type.eq("tenant_role"))
                .order(audit_log::created_at.asc())
                .select((audit_log::action, audit_log::tenant_id))
                .load(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(
        audited,
        vec![
            ("grant".to_owned(), Some("48".to_owned())),
            ("grant".to_owned(), Some("48".to_owned())),
            ("revoke".to_owned(), Some("48".to_owned())),
        ]
    );
}
