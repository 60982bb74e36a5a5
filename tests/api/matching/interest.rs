//! "We are interested" from any listing, end to end on a real SMTP listener: an
//! enterprise in Cần Thơ asks about an offer from Đà Nẵng, the offer's owners get one
//! email, accept, and only then are the contacts shown to both.

use serde_json::json;

use super::wastewater_offer;
use crate::helpers::listings::offer;
use crate::helpers::{SmtpSink, TestOptions, spawn_app, spawn_app_with};

fn answers() -> serde_json::Value {
    json!({
        "purpose": "Xử lý nước thải cho trại 3.000 heo",
        "timing": "Trước mùa mưa 2027",
        "terms": "Khoảng 1,5 tỷ đồng, trả theo tiến độ",
    })
}

#[tokio::test]
async fn an_enterprise_in_can_tho_asks_about_an_offer_from_da_nang() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(TestOptions {
        smtp: Some(sink.connection()),
        tweak: Some(Box::new(|s| s.matching.interest.requests_per_org_per_day = 2)),
        ..Default::default()
    })
    .await;
    let seller = app.signed_in("seller@sonhan.vn").await;
    let buyer = app.signed_in("buyer@phongdien.vn").await;
    let da_nang = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let can_tho = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let hanoi = app.staff("mod@hanoi.gov.vn", "01", "moderator").await;
    let seller_org = app.approved_org_in(&seller, &da_nang, "48", "Công ty Môi trường Sông Hàn", 401).await;
    let buyer_org = app.approved_org_in(&buyer, &can_tho, "92", "Công ty TNHH Chăn nuôi Phong Điền", 402).await;
    app.patch_as(
        &seller.access_token,
        &format!("/api/v1/orgs/{seller_org}"),
        &json!({ "contact_name": "Lê Văn Hàn", "contact_email": "lienhe@sonhan.vn", "contact_phone": "0236 3888 999", "contact_consent": true }),
    )
    .await
    .ok();
    // Far from anything the buyer posted: the engine would never propose it.
    let offer_id = app
        .published_listing(
            &seller,
            &da_nang,
            &seller_org,
            &wastewater_offer(json!({ "title_vi": "Hệ thống xử lý nước thải chăn nuôi bằng màng MBR" })),
        )
        .await;
    app.drain_jobs().await;
    let path = format!("/api/v1/listings/{offer_id}/interest");
    let before = sink.messages().len();

    // Bad answers: each field named, in Vietnamese and English; nothing stored.
    let bad = json!({ "purpose": "", "timing": "x", "terms": "y".repeat(501) });
    for lang in ["vi", "en"] {
        let reply = app.request(reqwest::Method::POST, &path, Some(&buyer.access_token), Some(&bad), Some(lang)).await;
        assert_eq!(reply.invalid_fields(), vec!["purpose", "timing", "terms"]);
        let message = reply.body["errors"][1]["message"].as_str().unwrap();
        assert_eq!(message.contains("characters"), lang == "en", "{message}");
    }
    let missing = app.post_as(&buyer.access_token, &path, &json!({})).await;
    assert_eq!(missing.invalid_fields(), vec!["purpose", "timing", "terms"]);
    assert_eq!(app.get_as(&buyer.access_token, "/api/v1/matches").await.ok()["total"], 0);

    // Who may ask: not anonymous, not someone without an organization, not the owners.
    app.post(&path, &answers()).await.problem(401);
    let loner = app.signed_in("loner@example.vn").await;
    app.post_as(&loner.access_token, &path, &answers()).await.problem(403);
    app.post_as(&seller.access_token, &path, &answers()).await.problem(422);
    app.post_as(&buyer.access_token, "/api/v1/listings/no-such-listing/interest", &answers()).await.problem(404);

    // The request: a match in state requested, origin interest, the buyer's side interested.
    let asked = app.post_as(&buyer.access_token, &path, &answers()).await;
    assert_eq!(asked.status, 201, "{}", asked.text);
    let m = asked.body.clone();
    assert_eq!(m["state"], "requested");
    assert_eq!(m["origin"], "interest");
    assert_eq!(m["offer"]["id"], offer_id.as_str());
    assert!(m["need"]["id"].is_null(), "the buyer has no listing of its own");
    assert_eq!(m["need"]["organization_id"], buyer_org.as_str());
    assert_eq!(m["need_answer"]["response"], "interested");
    assert_eq!(m["request"]["purpose"], "Xử lý nước thải cho trại 3.000 heo");
    assert!(m.get("contacts").is_none(), "no contacts before the owners accept");
    let match_id = m["id"].as_str().unwrap().to_owned();

    // The offer's owners get one email, with the three answers; the buyer gets none.
    app.drain_jobs().await;
    let new_mail: Vec<_> = sink.messages().into_iter().skip(before).collect();
    let to_seller: Vec<_> = new_mail.iter().filter(|m| m.envelope_to.iter().any(|t| t == "seller@sonhan.vn")).collect();
    assert_eq!(to_seller.len(), 1, "{new_mail:?}");
    // (The test listener's header decoder drops the spaces between encoded words.)
    let subject = to_seller[0].subject().replace(' ', "");
    assert!(subject.contains("CôngtyTNHHChănnuôiPhongĐiền") && subject.contains("MBR"), "{subject}");
    assert!(
        to_seller[0].raw.contains("Tr=C6=B0=E1=BB=9Bc m=C3=B9a m=C6=B0a 2027")
            || to_seller[0].raw.contains("Trước mùa mưa 2027")
    );
    assert!(to_seller[0].header("From").unwrap().contains("Đà Nẵng"), "the sender shows the reader's province");
    assert!(!new_mail.iter().any(|m| m.envelope_to.iter().any(|t| t == "buyer@phongdien.vn")));

    // Both provinces' moderators see it; another province's do not.
    for (officer, province) in [(&can_tho, "92"), (&da_nang, "48")] {
        let listed =
            app.get_as(&officer.access_token, &format!("/api/v1/matches?province={province}&state=requested")).await;
        assert_eq!(listed.ok()["total"], 1, "{province}");
    }
    app.get_as(&hanoi.access_token, &format!("/api/v1/matches/{match_id}")).await.problem(404);
    // The seller sees the request, and no contact yet.
    let seen = app.get_as(&seller.access_token, &format!("/api/v1/matches/{match_id}")).await;
    assert!(seen.ok().get("contacts").is_none());

    // A second request from the same organization on the same listing: 409.
    let again = app.post_as(&buyer.access_token, &path, &answers()).await;
    assert_eq!(again.problem(409)["existing_match"], match_id.as_str());
    // The asking side cannot answer its own request again.
    app.post_as(
        &buyer.access_token,
        &format!("/api/v1/matches/{match_id}/responses"),
        &json!({ "response": "interested" }),
    )
    .await
    .problem(409);

    // The owners accept: connected, contacts for both sides, an introduction to each.
    let accepted = app
        .post_as(
            &seller.access_token,
            &format!("/api/v1/matches/{match_id}/responses"),
            &json!({ "response": "interested" }),
        )
        .await;
    assert_eq!(accepted.ok()["state"], "connected");
    assert_eq!(accepted.body["contacts"]["offer"]["email"], "lienhe@sonhan.vn");
    let buyer_view = app.get_as(&buyer.access_token, &format!("/api/v1/matches/{match_id}")).await;
    assert_eq!(buyer_view.ok()["contacts"]["offer"]["phone"], "0236 3888 999");
    assert_eq!(buyer_view.body["contacts"]["need"]["email"], "lienhe@example.vn");
    app.drain_jobs().await;
    let introductions = |to: &str| {
        sink.messages_to(to).into_iter().filter(|m| m.subject().starts_with("Kết nối thành công")).collect::<Vec<_>>()
    };
    let to_buyer = introductions("buyer@phongdien.vn");
    assert_eq!(to_buyer.len(), 1);
    assert!(to_buyer[0].raw.contains("lienhe@sonhan.vn"));
    assert_eq!(introductions("seller@sonhan.vn").len(), 1);
    let history = app.get_as(&buyer.access_token, &format!("/api/v1/matches/{match_id}/history")).await;
    let actions: Vec<&str> = history.ok().as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["request", "interested"]);

    // The daily limit (2 here): a second request is fine, a third is refused with Retry-After.
    let robot = app.published_listing(&seller, &da_nang, &seller_org, &offer("Robot hàn tự động", json!({}))).await;
    let dryer =
        app.published_listing(&seller, &da_nang, &seller_org, &offer("Máy sấy lạnh dược liệu", json!({}))).await;
    app.post_as(&buyer.access_token, &format!("/api/v1/listings/{robot}/interest"), &answers()).await.ok();
    let limited = app.post_as(&buyer.access_token, &format!("/api/v1/listings/{dryer}/interest"), &answers()).await;
    limited.problem(429);
    let retry_after: u64 = limited.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry_after > 0 && retry_after <= 24 * 3600, "{retry_after}");
    // A day later the oldest request has aged out.
    app.clock.advance(chrono::Duration::seconds(retry_after as i64 + 1));
    let buyer = app.login("buyer@phongdien.vn").await;
    app.post_as(&buyer.access_token, &format!("/api/v1/listings/{dryer}/interest"), &answers()).await.ok();
}

/// The owners may decline with a reason; an organization not yet approved may not ask.
#[tokio::test]
async fn a_request_can_be_declined_and_needs_an_approved_organization() {
    let app = spawn_app().await;
    let seller = app.signed_in("seller@example.vn").await;
    let buyer = app.signed_in("buyer@example.vn").await;
    let moderator = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let seller_org = app.approved_org_in(&seller, &moderator, "92", "Công ty Bán", 410).await;
    let offer_id = app.published_listing(&seller, &moderator, &seller_org, &wastewater_offer(json!({}))).await;
    let draft_owner = app.signed_in("draft@example.vn").await;
    let draft_body =
        crate::helpers::orgs::enterprise("Công ty Chưa Duyệt", "92", &crate::helpers::orgs::tax_code(411), json!({}));
    app.create_org(&draft_owner, &draft_body).await;
    let path = format!("/api/v1/listings/{offer_id}/interest");
    app.post_as(&draft_owner.access_token, &path, &answers()).await.problem(403);

    app.approved_org_in(&buyer, &moderator, "92", "Hợp tác xã Mua", 412).await;
    let asked = app.post_as(&buyer.access_token, &path, &answers()).await;
    let match_id = asked.ok()["id"].as_str().unwrap().to_owned();
    let responses = format!("/api/v1/matches/{match_id}/responses");
    app.post_as(&seller.access_token, &responses, &json!({ "response": "declined" })).await.invalid_fields();
    let declined = app
        .post_as(&seller.access_token, &responses, &json!({ "response": "declined", "reason_code": "timing" }))
        .await;
    assert_eq!(declined.ok()["state"], "declined");
    assert!(declined.body.get("contacts").is_none());
    // Once declined, the organization may ask again later.
    app.post_as(&buyer.access_token, &path, &answers()).await.ok();
}
