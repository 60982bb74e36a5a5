use serde_json::json;

use super::q;
use crate::helpers::listings::{offer, wastewater_need};
use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::spawn_app;

/// A need from Cần Thơ, reviewed by Cần Thơ, found with and without diacritics and with a typo.
#[tokio::test]
async fn a_need_is_reviewed_published_and_found_however_it_is_typed() {
    let app = spawn_app().await;
    let owner = app.signed_in("farm@example.vn").await;
    let can_tho = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let org = app.create_org(&owner, &enterprise("Hợp tác xã Chăn nuôi Phong Điền", "92", &tax_code(600), json!({ "kind": "enterprise", "certificate_number": null, "certificate_date": null, "certificate_issuer": null }))).await;

    let id = app.create_listing(&owner, &org, &wastewater_need(json!({}))).await;
    // The organization is not approved yet.
    let early = app.post_as(&owner.access_token, &format!("/api/v1/listings/{id}/submit"), &json!({})).await;
    assert_eq!(early.problem(409)["organization_status"], "draft");

    app.submit_org(&owner, &org).await;
    app.decide_org(&can_tho, &org, "approve", None).await.ok();
    let submitted = app.post_as(&owner.access_token, &format!("/api/v1/listings/{id}/submit"), &json!({})).await;
    assert_eq!(submitted.ok()["status"], "pending_review");
    app.get(&format!("/api/v1/listings/{id}")).await.problem(404);

    let queue = app.get_as(&can_tho.access_token, "/api/v1/tenants/92/review-queue?type=listing").await;
    assert_eq!(queue.ok()["total"], 1);
    assert_eq!(queue.body["items"][0]["id"], id.as_str());
    // The moderator finds it in the queue however the title is typed.
    for (q, found) in [("nước thải", 1), ("nuoc THAI", 1), ("chan nuoi", 1), ("nước sạch", 0)] {
        let path = format!("/api/v1/tenants/92/review-queue?type=listing&q={}", q.replace(' ', "%20"));
        let searched = app.get_as(&can_tho.access_token, &path).await;
        assert_eq!(searched.ok()["total"], found, "{q}");
        assert_eq!(searched.body["items"].as_array().unwrap().len(), found as usize, "{q}");
    }
    let version = queue.body["items"][0]["version"].as_i64().unwrap();
    let approved = app
        .post_as(
            &can_tho.access_token,
            &format!("/api/v1/listings/{id}/decisions"),
            &json!({ "action": "approve", "version": version }),
        )
        .await;
    assert_eq!(approved.ok()["status"], "published");
    assert!(approved.body["expires_at"].is_string());
    app.drain_jobs().await;

    let public = app.get(&format!("/api/v1/listings/{id}")).await;
    assert_eq!(public.ok()["title_vi"], "Cần công nghệ xử lý nước thải chăn nuôi");
    assert!(public.body.get("private").is_none());
    assert!(!public.text.contains("0909 000 111"), "confidential details stay private");

    for typed in
        ["xu ly nuoc thai", "nươc thai", "nuoc thia", "XỬ LÝ NƯỚC THẢI", "Cần công nghệ xử lý nước thải chăn nuôi"]
    {
        let found = app.search_ids(&format!("q={}", q(typed))).await;
        assert_eq!(found, vec![id.clone()], "{typed}");
    }
    let reply = app.get(&format!("/api/v1/listings?q={}", q("nuoc thai"))).await;
    assert!(reply.ok()["items"][0]["highlights"]["title"].as_str().unwrap().contains("<b>nước</b>"));

    let mails = app.mails_to("farm@example.vn", "listing-decision").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("đã được duyệt"));
}

#[tokio::test]
async fn provinces_may_publish_listings_of_approved_organizations_automatically() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let admin = app.staff("admin@danang.gov.vn", "48", "tenant_admin").await;
    let org = app.approved_org_in(&owner, &moderator, "48", "Công ty Robot Sông Hàn", 1).await;
    let settings = app
        .patch_as(&admin.access_token, "/api/v1/tenants/48/settings", &json!({ "auto_publish_listings": true }))
        .await;
    assert_eq!(settings.ok()["auto_publish_listings"], true);

    let id = app.create_listing(&owner, &org, &offer("Robot hàn tự động cho nhà máy cơ khí", json!({}))).await;
    let submitted = app.post_as(&owner.access_token, &format!("/api/v1/listings/{id}/submit"), &json!({})).await;
    assert_eq!(submitted.ok()["status"], "published");
    app.drain_jobs().await;
    assert_eq!(app.search_ids(&format!("q={}", q("robot han"))).await, vec![id.clone()]);

    // Edits stay published (and are re-indexed) under automatic publication.
    let edited = app
        .patch_as(
            &owner.access_token,
            &format!("/api/v1/listings/{id}"),
            &json!({ "title_vi": "Robot hàn khung thép tự động" }),
        )
        .await;
    assert_eq!(edited.ok()["status"], "published");
    app.drain_jobs().await;
    assert_eq!(app.search_ids(&format!("q={}", q("khung thep"))).await, vec![id.clone()]);

    let history = app.get_as(&owner.access_token, &format!("/api/v1/listings/{id}/history")).await;
    let steps: Vec<(&str, Option<&str>)> = history
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["action"].as_str().unwrap(), h["actor_id"].as_str()))
        .collect();
    assert_eq!(
        steps[..3],
        [("create", Some(owner.user_id.as_str())), ("submit", Some(owner.user_id.as_str())), ("approve", None)]
    );
}

#[tokio::test]
async fn editing_a_published_listing_sends_it_back_to_review() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@hanoi.gov.vn", "01", "moderator").await;
    let org = app.approved_org_in(&owner, &moderator, "01", "Công ty Vật liệu Nano Thăng Long", 2).await;
    let id = app
        .published_listing(&owner, &moderator, &org, &offer("Vật liệu nano phủ chống thấm cho công trình", json!({})))
        .await;
    assert_eq!(app.search_ids("q=nano").await, vec![id.clone()]);

    let edited = app
        .patch_as(&owner.access_token, &format!("/api/v1/listings/{id}"), &json!({ "price_vnd": 900_000_000 }))
        .await;
    assert_eq!(edited.ok()["status"], "pending_review");
    app.drain_jobs().await;
    assert!(app.search_ids("q=nano").await.is_empty(), "out of the marketplace while under review");

    let version = app.listing_version(&moderator.access_token, &id).await;
    let changes = app
        .post_as(
            &moderator.access_token,
            &format!("/api/v1/listings/{id}/decisions"),
            &json!({ "action": "request_changes", "reason": "Ghi rõ giá", "version": version, "field_comments": { "price_vnd": "Giá đã gồm VAT?" } }),
        )
        .await;
    assert_eq!(changes.ok()["status"], "changes_requested");
    assert_eq!(changes.body["private"]["field_comments"]["price_vnd"], "Giá đã gồm VAT?");
    app.post_as(&owner.access_token, &format!("/api/v1/listings/{id}/submit"), &json!({})).await.ok();
    let version = app.listing_version(&moderator.access_token, &id).await;
    app.post_as(
        &moderator.access_token,
        &format!("/api/v1/listings/{id}/decisions"),
        &json!({ "action": "approve", "version": version }),
    )
    .await
    .ok();
    app.drain_jobs().await;
    assert_eq!(app.search_ids("q=nano").await, vec![id.clone()]);

    // Closing takes it out for good.
    let closed = app.post_as(&owner.access_token, &format!("/api/v1/listings/{id}/close"), &json!({})).await;
    assert_eq!(closed.ok()["status"], "closed");
    app.drain_jobs().await;
    assert!(app.search_ids("q=nano").await.is_empty());
    let reopen = app.post_as(&owner.access_token, &format!("/api/v1/listings/{id}/renew"), &json!({})).await;
    assert_eq!(reopen.problem(409)["current_state"], "closed");
}

#[tokio::test]
async fn listings_expire_after_a_reminder_and_can_be_renewed() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@hanoi.gov.vn", "01", "moderator").await;
    let org = app.approved_org_in(&owner, &moderator, "01", "Công ty Máy Sấy", 3).await;
    let id = app
        .published_listing(&owner, &moderator, &org, &offer("Máy sấy nông sản bằng năng lượng mặt trời", json!({})))
        .await;

    // Fifteen days before the end: not yet reminded.
    app.clock.advance(chrono::Duration::days(350));
    app.run_timers().await;
    app.drain_jobs().await;
    assert!(app.mails_to("owner@example.vn", "listing-expiry-reminder").await.is_empty());

    // Within fourteen days: one reminder, however often the sweep runs.
    app.clock.advance(chrono::Duration::days(2));
    let until = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.mails_to("owner@example.vn", "listing-expiry-reminder").await.is_empty()
        && tokio::time::Instant::now() < until
    {
        app.run_timers().await;
    }
    app.run_timers().await;
    let reminders = app.mails_to("owner@example.vn", "listing-expiry-reminder").await;
    assert_eq!(reminders.len(), 1);
    assert!(reminders[0].contains("sắp hết hạn"));
    assert_eq!(app.search_ids("q=may say").await, vec![id.clone()]);

    // After the year: expired, out of the marketplace, owners told.
    app.clock.advance(chrono::Duration::days(14));
    let owner = app.login(&owner.email).await;
    let until = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let status = app.get_as(&owner.access_token, &format!("/api/v1/listings/{id}")).await.body["status"].clone();
        if status == "expired" || tokio::time::Instant::now() > until {
            assert_eq!(status, "expired");
            break;
        }
        app.run_timers().await;
    }
    app.drain_jobs().await;
    assert!(app.search_ids("q=may say").await.is_empty());
    app.get(&format!("/api/v1/listings/{id}")).await.problem(404);
    assert_eq!(app.mails_to("owner@example.vn", "listing-expired").await.len(), 1);

    let renewed = app.post_as(&owner.access_token, &format!("/api/v1/listings/{id}/renew"), &json!({})).await;
    assert_eq!(renewed.ok()["status"], "published");
    app.drain_jobs().await;
    assert_eq!(app.search_ids("q=may say").await, vec![id.clone()]);
}

#[tokio::test]
async fn suspending_an_organization_withdraws_its_listings_without_deleting_them() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@hcm.gov.vn", "79", "moderator").await;
    let org = app.approved_org_in(&owner, &moderator, "79", "Công ty Chip Sài Gòn", 4).await;
    let id = app
        .published_listing(&owner, &moderator, &org, &offer("Thiết kế vi mạch cảm biến công suất thấp", json!({})))
        .await;
    assert_eq!(app.search_ids("q=vi mach").await, vec![id.clone()]);

    app.decide_org(&moderator, &org, "suspend", Some("Vi phạm quy chế")).await.ok();
    app.drain_jobs().await;
    assert!(app.search_ids("q=vi mach").await.is_empty());
    app.get(&format!("/api/v1/listings/{id}")).await.problem(404);
    let own = app.get_as(&owner.access_token, &format!("/api/v1/listings/{id}")).await;
    assert_eq!(own.ok()["status"], "published", "kept, not deleted");

    app.decide_org(&moderator, &org, "reinstate", Some("Đã khắc phục")).await.ok();
    app.drain_jobs().await;
    assert_eq!(app.search_ids("q=vi mach").await, vec![id.clone()]);
}

#[tokio::test]
async fn bad_listings_are_refused_per_field_and_change_nothing() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let org = app.approved_org_in(&owner, &moderator, "92", "Công ty Nước Sạch", 5).await;
    let id = app.create_listing(&owner, &org, &wastewater_need(json!({}))).await;
    let stored = app.get_as(&owner.access_token, &format!("/api/v1/listings/{id}")).await.body;

    let cases = [
        (json!({ "st_fields": ["405", "999"] }), "st_fields"),
        (json!({ "trl": 0 }), "trl"),
        (json!({ "trl": 10 }), "trl"),
        (json!({ "budget_min_vnd": 3_000_000_000_i64 }), "budget_min_vnd"),
        (json!({ "transfer_modes": ["teleportation"] }), "transfer_modes"),
        (json!({ "title_vi": "x".repeat(201) }), "title_vi"),
        (json!({ "price_vnd": 1 }), "price_vnd"),
        (json!({ "budget_max_vnd": -5 }), "budget_max_vnd"),
        (json!({ "deadline": "2020-01-01" }), "deadline"),
        (json!({ "vsic_section": "Z" }), "vsic_section"),
        (json!({ "description": "x".repeat(10_001) }), "description"),
        (json!({ "trl": "sáu" }), "trl"),
    ];
    for (lang, _) in [("vi", ()), ("en", ())] {
        for (patch, field) in &cases {
            let reply = app
                .request(
                    reqwest::Method::PATCH,
                    &format!("/api/v1/listings/{id}"),
                    Some(&owner.access_token),
                    Some(patch),
                    Some(lang),
                )
                .await;
            assert_eq!(reply.invalid_fields(), vec![*field], "{patch} ({lang})");
        }
    }
    let negative_price = app
        .post_as(
            &owner.access_token,
            &format!("/api/v1/orgs/{org}/listings"),
            &offer("Một công nghệ bất kỳ", json!({ "price_vnd": -1 })),
        )
        .await;
    assert_eq!(negative_price.invalid_fields(), vec!["price_vnd"]);
    assert_eq!(negative_price.body["errors"][0]["code"], "negative");
    let after = app.get_as(&owner.access_token, &format!("/api/v1/listings/{id}")).await.body;
    assert_eq!(after, stored);
    let listings = app.get_as(&owner.access_token, &format!("/api/v1/orgs/{org}/listings")).await;
    assert_eq!(listings.ok().as_array().unwrap().len(), 1);
}
