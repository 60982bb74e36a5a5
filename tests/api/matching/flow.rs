use std::time::Duration;

use serde_json::json;

use super::wastewater_offer;
use crate::helpers::listings::{offer, wastewater_need};
use crate::helpers::{SmtpSink, TestApp, TestOptions, spawn_app, spawn_app_with};

async fn matches_of(app: &TestApp, token: &str, listing: &str) -> serde_json::Value {
    app.get_as(token, &format!("/api/v1/matches?listing_id={listing}")).await.ok().clone()
}

/// From publication to deal, on a real SMTP listener: an offer from Đà Nẵng meets a need
/// from Cần Thơ.
#[tokio::test]
async fn an_offer_from_da_nang_meets_a_need_from_can_tho() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(TestOptions { smtp: Some(sink.connection()), ..Default::default() }).await;
    let seller = app.signed_in("seller@sonhan.vn").await;
    let buyer = app.signed_in("buyer@phongdien.vn").await;
    let da_nang = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let can_tho = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let seller_org = app.approved_org_in(&seller, &da_nang, "48", "Công ty Môi trường Sông Hàn", 101).await;
    let buyer_org = app.approved_org_in(&buyer, &can_tho, "92", "Hợp tác xã Chăn nuôi Phong Điền", 102).await;
    app.patch_as(&seller.access_token, &format!("/api/v1/orgs/{seller_org}"), &json!({ "contact_name": "Lê Văn Hàn", "contact_email": "lienhe@sonhan.vn", "contact_phone": "0236 3888 999", "contact_consent": true }))
        .await
        .ok();
    // Contact changes send nothing back to review by default.
    let offer_id = app.published_listing(&seller, &da_nang, &seller_org, &wastewater_offer(json!({}))).await;
    let need_id = app.published_listing(&buyer, &can_tho, &buyer_org, &wastewater_need(json!({}))).await;
    app.drain_jobs().await;

    // One match, with every part of its score.
    let listed = matches_of(&app, &buyer.access_token, &need_id).await;
    assert_eq!(listed["total"], 1, "{listed}");
    let found = &listed["items"][0];
    assert_eq!(found["offer"]["id"], offer_id.as_str());
    assert_eq!(found["need"]["id"], need_id.as_str());
    assert_eq!(found["state"], "suggested");
    let parts: Vec<&str> =
        found["score_parts"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(parts, vec!["topic", "trl", "price", "transfer_mode", "field", "province", "strategic_tag"]);
    assert_eq!(found["score_parts"][0]["role"], "gate");
    assert!(found["score"].as_f64().unwrap() >= 0.27);
    assert!(found.get("contacts").is_none(), "no contacts before both are interested");
    let match_id = found["id"].as_str().unwrap().to_owned();

    // Exactly one match email to each side.
    let messages = sink.wait_for(1, Duration::from_secs(5)).await;
    let _ = messages;
    app.drain_jobs().await;
    let suggestion_mails =
        |to: &str| sink.messages_to(to).into_iter().filter(|m| m.subject().starts_with("Gợi ý kết nối mới")).count();
    assert_eq!(suggestion_mails("seller@sonhan.vn"), 1);
    assert_eq!(suggestion_mails("buyer@phongdien.vn"), 1);
    let mail = sink.messages_to("buyer@phongdien.vn").into_iter().find(|m| m.subject().starts_with("Gợi ý")).unwrap();
    assert!(mail.header("From").unwrap().contains("Cần Thơ"), "the sender shows the reader's province");
    assert!(mail.header("List-Unsubscribe").unwrap().contains("/unsubscribe/"));
    assert_eq!(mail.header("List-Unsubscribe-Post").unwrap(), "List-Unsubscribe=One-Click");

    // The buyer is interested first; nothing is revealed yet.
    let first = app
        .post_as(
            &buyer.access_token,
            &format!("/api/v1/matches/{match_id}/responses"),
            &json!({ "response": "interested" }),
        )
        .await;
    assert_eq!(first.ok()["state"], "suggested");
    assert!(first.body.get("contacts").is_none());
    app.post_as(
        &buyer.access_token,
        &format!("/api/v1/matches/{match_id}/responses"),
        &json!({ "response": "declined", "reason_code": "timing" }),
    )
    .await
    .problem(409);

    // The seller too: connected, contacts and confidential details for both.
    let connected = app
        .post_as(
            &seller.access_token,
            &format!("/api/v1/matches/{match_id}/responses"),
            &json!({ "response": "interested" }),
        )
        .await;
    assert_eq!(connected.ok()["state"], "connected");
    let contacts = &connected.body["contacts"];
    assert_eq!(contacts["offer"]["email"], "lienhe@sonhan.vn");
    assert_eq!(contacts["need"]["confidential_details"], "Liên hệ ông Bảy, 0909 000 111");
    let buyer_view = app.get_as(&buyer.access_token, &format!("/api/v1/matches/{match_id}")).await;
    assert_eq!(
        buyer_view.ok()["contacts"]["offer"]["confidential_details"],
        "Bản vẽ thiết kế chi tiết gửi sau khi ký NDA"
    );
    // Officers see the match, not the contacts.
    let officer_view = app.get_as(&da_nang.access_token, &format!("/api/v1/matches/{match_id}")).await;
    assert!(officer_view.ok().get("contacts").is_none());
    // The public listing still hides its confidential details.
    assert!(!app.get(&format!("/api/v1/listings/{offer_id}")).await.text.contains("NDA"));

    app.drain_jobs().await;
    let introductions = |to: &str| {
        sink.messages_to(to).into_iter().filter(|m| m.subject().starts_with("Kết nối thành công")).collect::<Vec<_>>()
    };
    let to_buyer = introductions("buyer@phongdien.vn");
    assert_eq!(to_buyer.len(), 1);
    assert!(to_buyer[0].raw.contains("lienhe@sonhan.vn") && to_buyer[0].raw.contains("0236 3888 999"));
    assert_eq!(introductions("seller@sonhan.vn").len(), 1);

    // A deal, with its value.
    let deal = app
        .post_as(
            &buyer.access_token,
            &format!("/api/v1/matches/{match_id}/deal"),
            &json!({ "value_vnd": 900_000_000, "date": "2026-12-01" }),
        )
        .await;
    assert_eq!(deal.ok()["state"], "deal");
    assert_eq!(deal.body["deal_value_vnd"], 900_000_000);
    let history = app.get_as(&seller.access_token, &format!("/api/v1/matches/{match_id}/history")).await;
    let actions: Vec<&str> = history.ok().as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["suggest", "interested", "interested", "deal"]);
}

#[tokio::test]
async fn matching_is_idempotent_and_never_pairs_an_organization_with_itself() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let other = app.signed_in("other@example.vn").await;
    let moderator = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let own_org = app.approved_org_in(&owner, &moderator, "92", "Hợp tác xã Một Mình", 110).await;
    let other_org = app.approved_org_in(&other, &moderator, "92", "Công ty Xử Lý Môi Trường", 111).await;
    let need = app.published_listing(&owner, &moderator, &own_org, &wastewater_need(json!({}))).await;
    // The same organization's offer is not a match for its own need.
    app.published_listing(&owner, &moderator, &own_org, &wastewater_offer(json!({}))).await;
    let offer_id = app.published_listing(&other, &moderator, &other_org, &wastewater_offer(json!({}))).await;
    // An unrelated offer scores under the threshold.
    app.published_listing(&other, &moderator, &other_org, &offer("Robot hàn tự động cho nhà máy cơ khí", json!({})))
        .await;
    app.drain_jobs().await;

    let listed = matches_of(&app, &owner.access_token, &need).await;
    assert_eq!(listed["total"], 1, "{listed}");
    assert_eq!(listed["items"][0]["offer"]["id"], offer_id.as_str());

    // Running it again, by hand, adds nothing.
    for _ in 0..2 {
        let run = app.post_as(&moderator.access_token, &format!("/api/v1/listings/{need}/match"), &json!({})).await;
        assert_eq!(run.ok()["created"], 0);
        assert_eq!(run.body["matches"].as_array().unwrap().len(), 1);
    }
    app.drain_jobs().await;
    assert_eq!(matches_of(&app, &owner.access_token, &need).await["total"], 1);
    let suggestions = app.mails_to("owner@example.vn", "match").await;
    assert_eq!(suggestions.iter().filter(|m| m.contains("Gợi ý kết nối mới")).count(), 1);

    // A closed listing drops out: its open suggestion closes.
    app.post_as(&other.access_token, &format!("/api/v1/listings/{offer_id}/close"), &json!({})).await.ok();
    app.drain_jobs().await;
    let listed = matches_of(&app, &owner.access_token, &need).await;
    assert_eq!(listed["items"][0]["state"], "closed");
}

#[tokio::test]
async fn a_decline_carries_its_reason_to_the_other_side_in_aggregate() {
    let app = spawn_app().await;
    let seller = app.signed_in("seller@example.vn").await;
    let buyer = app.signed_in("buyer@example.vn").await;
    let moderator = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let seller_org = app.approved_org_in(&seller, &moderator, "92", "Công ty Bán", 120).await;
    let buyer_org = app.approved_org_in(&buyer, &moderator, "92", "Hợp tác xã Mua", 121).await;
    let offer_id = app.published_listing(&seller, &moderator, &seller_org, &wastewater_offer(json!({}))).await;
    app.published_listing(&buyer, &moderator, &buyer_org, &wastewater_need(json!({}))).await;
    app.drain_jobs().await;
    let match_id =
        matches_of(&app, &seller.access_token, &offer_id).await["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/matches/{match_id}/responses");

    let missing = app.post_as(&buyer.access_token, &path, &json!({ "response": "declined" })).await;
    assert_eq!(missing.invalid_fields(), vec!["reason_code"]);
    let other_without_text =
        app.post_as(&buyer.access_token, &path, &json!({ "response": "declined", "reason_code": "other" })).await;
    assert_eq!(other_without_text.invalid_fields(), vec!["reason_text"]);
    let bad = app.post_as(&buyer.access_token, &path, &json!({ "response": "maybe", "reason_code": "mood" })).await;
    assert_eq!(bad.invalid_fields(), vec!["response", "reason_code"]);
    // Someone not on either side cannot answer.
    let stranger = app.signed_in("stranger@example.vn").await;
    app.post_as(&stranger.access_token, &path, &json!({ "response": "interested" })).await.problem(404);

    let declined = app
        .post_as(&buyer.access_token, &path, &json!({ "response": "declined", "reason_code": "price_or_budget", "reason_text": "Vượt ngân sách năm nay" }))
        .await;
    assert_eq!(declined.ok()["state"], "declined");

    // The seller sees the reason's code (not the buyer's free text) and the aggregate.
    let seller_view = matches_of(&app, &seller.access_token, &offer_id).await;
    let answer = &seller_view["items"][0]["need_answer"];
    assert_eq!(answer["response"], "declined");
    assert_eq!(answer["reason_code"], "price_or_budget");
    assert!(answer["reason_text"].is_null());
    assert_eq!(seller_view["decline_reasons"], json!([{ "reason": "price_or_budget", "count": 1 }]));
    app.drain_jobs().await;
    assert!(app.mails_to("seller@example.vn", "match").await.iter().any(|m| m.contains("giá hoặc ngân sách")));
    // No more answers on a declined match.
    app.post_as(&seller.access_token, &path, &json!({ "response": "interested" })).await.problem(409);
}

#[tokio::test]
async fn officers_see_their_provinces_matches_and_facilitate_new_ones() {
    let app = spawn_app().await;
    let seller = app.signed_in("seller@example.vn").await;
    let buyer = app.signed_in("buyer@example.vn").await;
    let da_nang = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let can_tho = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let hanoi = app.staff("mod@hanoi.gov.vn", "01", "moderator").await;
    let seller_org = app.approved_org_in(&seller, &da_nang, "48", "Công ty Robot", 130).await;
    let buyer_org = app.approved_org_in(&buyer, &can_tho, "92", "Hợp tác xã Lúa", 131).await;
    // Too different to be matched automatically.
    let offer_id = app.published_listing(&seller, &da_nang, &seller_org, &offer("Robot hàn tự động", json!({}))).await;
    let need_id = app.published_listing(&buyer, &can_tho, &buyer_org, &wastewater_need(json!({}))).await;
    app.drain_jobs().await;
    assert_eq!(matches_of(&app, &buyer.access_token, &need_id).await["total"], 0);

    let body = json!({ "offer_id": offer_id, "need_id": need_id, "note": "Hai bên nên gặp nhau tại Techfest" });
    app.post_as(&hanoi.access_token, "/api/v1/matches", &body).await.problem(404);
    app.post_as(&buyer.access_token, "/api/v1/matches", &body).await.problem(404);
    let proposed = app.post_as(&can_tho.access_token, "/api/v1/matches", &body).await;
    assert_eq!(proposed.status, 201, "{}", proposed.text);
    assert_eq!(proposed.body["origin"], "facilitated");
    assert_eq!(proposed.body["note"], "Hai bên nên gặp nhau tại Techfest");
    assert!(proposed.body["score_parts"].as_array().unwrap().len() == 7);
    app.post_as(&can_tho.access_token, "/api/v1/matches", &body).await.problem(409);
    let id = proposed.body["id"].as_str().unwrap();

    // Each side's province sees it; another province does not.
    for officer in [&da_nang, &can_tho] {
        let province = if officer.email.contains("danang") { "48" } else { "92" };
        let listed = app.get_as(&officer.access_token, &format!("/api/v1/matches?province={province}")).await;
        assert_eq!(listed.ok()["total"], 1);
        app.get_as(&officer.access_token, &format!("/api/v1/matches/{id}/history")).await.ok();
    }
    app.get_as(&hanoi.access_token, &format!("/api/v1/matches/{id}")).await.problem(404);
    app.get_as(&hanoi.access_token, "/api/v1/matches?province=92").await.problem(404);
    assert_eq!(app.get_as(&hanoi.access_token, "/api/v1/matches?province=01").await.ok()["total"], 0);
    app.get(&format!("/api/v1/matches/{id}")).await.problem(401);

    // Both sides were told.
    app.drain_jobs().await;
    assert_eq!(app.mails_to("seller@example.vn", "match").await.len(), 1);
    assert_eq!(app.mails_to("buyer@example.vn", "match").await.len(), 1);
}
