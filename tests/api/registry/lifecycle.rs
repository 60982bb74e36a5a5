use serde_json::json;

use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::spawn_app;

/// The README walk-through: an S&T enterprise in Bắc Ninh registers, submits, is approved
/// by the Bắc Ninh moderator, and is found in the directory by its name typed without
/// diacritics.
#[tokio::test]
async fn an_st_enterprise_in_bac_ninh_is_registered_reviewed_and_listed() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@kinhbac.vn").await;
    let moderator = app.staff("canbo@sokhcn.bacninh.gov.vn", "24", "moderator").await;

    let created = app
        .post_as(
            &owner.access_token,
            "/api/v1/orgs",
            &enterprise("Công ty Cổ phần Công nghệ Sinh học Kinh Bắc", "24", "0100109106", json!({})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["status"], "draft");
    assert_eq!(created.body["private"]["my_role"], "owner");
    assert_eq!(created.body["warnings"], json!([]));
    let id = created.body["id"].as_str().unwrap().to_owned();

    // Not public yet.
    app.get(&format!("/api/v1/orgs/{id}")).await.problem(404);
    assert_eq!(app.get("/api/v1/orgs?q=kinh bac").await.ok()["total"], 0);

    app.submit_org(&owner, &id).await;
    let queue = app.get_as(&moderator.access_token, "/api/v1/tenants/24/review-queue?type=org").await;
    assert_eq!(queue.ok()["total"], 1);
    assert_eq!(queue.body["items"][0]["id"], id.as_str());
    let version = queue.body["items"][0]["version"].as_i64().unwrap();

    let approved = app
        .post_as(
            &moderator.access_token,
            &format!("/api/v1/orgs/{id}/decisions"),
            &json!({ "action": "approve", "version": version }),
        )
        .await;
    assert_eq!(approved.ok()["status"], "approved");

    let found = app.get("/api/v1/orgs?q=cong nghe sinh hoc kinh bac").await;
    assert_eq!(found.ok()["total"], 1);
    let listed = &found.body["items"][0];
    assert_eq!(listed["legal_name"], "Công ty Cổ phần Công nghệ Sinh học Kinh Bắc");
    assert_eq!(listed["province"], "24");
    assert!(listed.get("private").is_none(), "no private fields in the directory");
    assert!(!found.text.contains("lienhe@example.vn"));

    // The owner was told, in Vietnamese, under the province's name.
    let mails = app.mails_to("owner@kinhbac.vn", "org-decision").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("đã được phê duyệt"));
    assert!(mails[0].contains("Bắc Ninh"));

    // The history says who moved it, from where to where, when and from which address.
    let history = app.get_as(&owner.access_token, &format!("/api/v1/orgs/{id}/history")).await;
    let steps: Vec<(String, String, String)> = history
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["action"].as_str().unwrap().to_owned(),
                h["from_state"].as_str().unwrap_or("").to_owned(),
                h["to_state"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            ("create".into(), "".into(), "draft".into()),
            ("submit".into(), "draft".into(), "submitted".into()),
            ("approve".into(), "submitted".into(), "approved".into()),
        ]
    );
    let approval = &history.body[2];
    assert_eq!(approval["actor_id"], moderator.user_id.as_str());
    assert_eq!(approval["client_ip"], "127.0.0.1");
}

#[tokio::test]
async fn requested_changes_are_corrected_and_resubmitted() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let id = app.create_org(&owner, &enterprise("Công ty TNHH Robot Sông Hàn", "48", &tax_code(1), json!({}))).await;
    app.submit_org(&owner, &id).await;

    let version = app.org_version(&moderator.access_token, &id).await;
    let missing_reason = app
        .post_as(
            &moderator.access_token,
            &format!("/api/v1/orgs/{id}/decisions"),
            &json!({ "action": "request_changes", "version": version }),
        )
        .await;
    assert_eq!(missing_reason.invalid_fields(), vec!["reason"]);

    let requested = app
        .post_as(
            &moderator.access_token,
            &format!("/api/v1/orgs/{id}/decisions"),
            &json!({
                "action": "request_changes",
                "reason": "Thiếu thông tin",
                "version": version,
                "field_comments": { "description_vi": "Mô tả sản phẩm chính", "certificate": "Đính kèm số giấy chứng nhận mới" }
            }),
        )
        .await;
    assert_eq!(requested.ok()["status"], "changes_requested");
    assert_eq!(requested.body["private"]["field_comments"]["description_vi"], "Mô tả sản phẩm chính");

    let mail = app.mails_to("owner@example.vn", "org-decision").await;
    assert!(mail[0].contains("Thiếu thông tin") && mail[0].contains("Mô tả sản phẩm chính"));

    let edited = app
        .patch_as(
            &owner.access_token,
            &format!("/api/v1/orgs/{id}"),
            &json!({ "description_vi": "Robot hàn tự động." }),
        )
        .await;
    assert_eq!(edited.ok()["description_vi"], "Robot hàn tự động.");
    app.submit_org(&owner, &id).await;
    let approved = app.decide_org(&moderator, &id, "approve", None).await;
    assert_eq!(approved.ok()["status"], "approved");
    assert!(approved.body["private"]["field_comments"].is_null());
}

#[tokio::test]
async fn disallowed_transitions_and_stale_versions_answer_409_with_the_current_state() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@bacninh.gov.vn", "24", "moderator").await;
    let id = app.create_org(&owner, &enterprise("Công ty A", "24", &tax_code(2), json!({}))).await;

    // A draft cannot be approved.
    let early = app.decide_org(&moderator, &id, "approve", None).await;
    assert_eq!(early.problem(409)["current_state"], "draft");

    app.submit_org(&owner, &id).await;
    let again = app.post_as(&owner.access_token, &format!("/api/v1/orgs/{id}/submit"), &json!({})).await;
    assert_eq!(again.problem(409)["current_state"], "submitted");

    // Under review, members cannot edit.
    let edit = app.patch_as(&owner.access_token, &format!("/api/v1/orgs/{id}"), &json!({ "short_name": "A" })).await;
    assert_eq!(edit.problem(409)["current_state"], "submitted");

    // A decision on a version the moderator did not see.
    let stale = app
        .post_as(
            &moderator.access_token,
            &format!("/api/v1/orgs/{id}/decisions"),
            &json!({ "action": "approve", "version": 1 }),
        )
        .await;
    let problem = stale.problem(409);
    assert_eq!(problem["current_state"], "submitted");
    assert_eq!(problem["current_version"], 2);

    let rejected = app.decide_org(&moderator, &id, "reject", Some("Không phải doanh nghiệp KH&CN")).await;
    assert_eq!(rejected.ok()["status"], "rejected");
    for action in ["approve", "suspend", "reinstate", "request_changes"] {
        let reply = app.decide_org(&moderator, &id, action, Some("x")).await;
        assert_eq!(reply.problem(409)["current_state"], "rejected", "{action}");
    }
    let unknown = app.decide_org(&moderator, &id, "delete", None).await;
    assert_eq!(unknown.invalid_fields(), vec!["action"]);
}

#[tokio::test]
async fn suspension_hides_an_organization_until_it_is_reinstated() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@bacninh.gov.vn", "24", "moderator").await;
    let id = app.approved_org(&owner, &moderator, &enterprise("Công ty B", "24", &tax_code(3), json!({}))).await;
    app.get(&format!("/api/v1/orgs/{id}")).await.ok();

    let no_reason = app.decide_org(&moderator, &id, "suspend", None).await;
    assert_eq!(no_reason.invalid_fields(), vec!["reason"]);
    assert_eq!(app.decide_org(&moderator, &id, "suspend", Some("Vi phạm")).await.ok()["status"], "suspended");
    app.get(&format!("/api/v1/orgs/{id}")).await.problem(404);
    assert_eq!(app.get("/api/v1/orgs").await.ok()["total"], 0);
    // The owner still sees it, with the reason.
    let own = app.get_as(&owner.access_token, &format!("/api/v1/orgs/{id}")).await;
    assert_eq!(own.ok()["private"]["decision_reason"], "Vi phạm");

    assert_eq!(app.decide_org(&moderator, &id, "reinstate", Some("Đã khắc phục")).await.ok()["status"], "approved");
    app.get(&format!("/api/v1/orgs/{id}")).await.ok();
    assert_eq!(app.mails_to("owner@example.vn", "org-decision").await.len(), 3);
}

#[tokio::test]
async fn editing_an_approved_organization_goes_back_to_review_only_for_reviewed_fields() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@bacninh.gov.vn", "24", "moderator").await;
    let id = app.approved_org(&owner, &moderator, &enterprise("Công ty C", "24", &tax_code(4), json!({}))).await;

    let description = app
        .patch_as(&owner.access_token, &format!("/api/v1/orgs/{id}"), &json!({ "description_vi": "Mô tả mới" }))
        .await;
    assert_eq!(description.ok()["status"], "approved");

    let renamed = app
        .patch_as(&owner.access_token, &format!("/api/v1/orgs/{id}"), &json!({ "legal_name": "Công ty C Mới" }))
        .await;
    assert_eq!(renamed.ok()["status"], "submitted");
    app.decide_org(&moderator, &id, "approve", None).await.ok();

    // The province now reviews descriptions too.
    let admin = app.staff("admin@bacninh.gov.vn", "24", "tenant_admin").await;
    let settings = app
        .patch_as(
            &admin.access_token,
            "/api/v1/tenants/24/settings",
            &json!({ "org_review_fields": ["description_vi"] }),
        )
        .await;
    assert_eq!(settings.ok()["org_review_fields"], json!(["description_vi"]));
    app.patch_as(&moderator.access_token, "/api/v1/tenants/24/settings", &json!({ "org_review_fields": [] }))
        .await
        .problem(403);
    let bad = app
        .patch_as(&admin.access_token, "/api/v1/tenants/24/settings", &json!({ "org_review_fields": ["password"] }))
        .await;
    assert_eq!(bad.invalid_fields(), vec!["org_review_fields"]);

    let description = app
        .patch_as(&owner.access_token, &format!("/api/v1/orgs/{id}"), &json!({ "description_vi": "Mô tả khác" }))
        .await;
    assert_eq!(description.ok()["status"], "submitted");
    let renamed = app.get_as(&owner.access_token, &format!("/api/v1/orgs/{id}")).await;
    assert_eq!(renamed.ok()["legal_name"], "Công ty C Mới");

    let history = app.get_as(&owner.access_token, &format!("/api/v1/orgs/{id}/history")).await;
    let actions: Vec<&str> = history.ok().as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        vec!["create", "submit", "approve", "update", "update", "resubmit", "approve", "update", "resubmit"]
    );
}

/// Twenty moderators press "approve" at once: one wins, the rest are told it changed.
#[tokio::test]
async fn concurrent_approvals_let_exactly_one_through() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@bacninh.gov.vn", "24", "moderator").await;
    let id = app.create_org(&owner, &enterprise("Công ty Đua", "24", &tax_code(5), json!({}))).await;
    app.submit_org(&owner, &id).await;
    let version = app.org_version(&moderator.access_token, &id).await;

    let path = format!("/api/v1/orgs/{id}/decisions");
    let body = json!({ "action": "approve", "version": version });
    let replies =
        futures_util::future::join_all((0..20).map(|_| app.post_as(&moderator.access_token, &path, &body))).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 19, "{statuses:?}");

    let history = app.get_as(&owner.access_token, &format!("/api/v1/orgs/{id}/history")).await;
    let approvals = history.ok().as_array().unwrap().iter().filter(|h| h["action"] == "approve").count();
    assert_eq!(approvals, 1);
    assert_eq!(app.mails_to("owner@example.vn", "org-decision").await.len(), 1);
}
