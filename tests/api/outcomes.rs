//! What became of a match: the deal record, verified when the other side confirms it or
//! entered by an officer; a trial and a stop; who may see the deal and its value.

use serde_json::{Value, json};

use crate::helpers::listings::wastewater_need;
use crate::helpers::{Session, TestApp, spawn_app};
use crate::matching::wastewater_offer;

struct Connected {
    app: TestApp,
    seller: Session,
    buyer: Session,
    da_nang: Session,
    match_id: String,
}

/// An offer from Đà Nẵng and a need from Cần Thơ, both sides interested.
async fn connected() -> Connected {
    let app = spawn_app().await;
    let seller = app.signed_in("seller@sonhan.vn").await;
    let buyer = app.signed_in("buyer@phongdien.vn").await;
    let da_nang = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let can_tho = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let seller_org = app.approved_org_in(&seller, &da_nang, "48", "Công ty Môi trường Sông Hàn", 601).await;
    let buyer_org = app.approved_org_in(&buyer, &can_tho, "92", "Hợp tác xã Chăn nuôi Phong Điền", 602).await;
    app.published_listing(&seller, &da_nang, &seller_org, &wastewater_offer(json!({}))).await;
    let need = app.published_listing(&buyer, &can_tho, &buyer_org, &wastewater_need(json!({}))).await;
    app.drain_jobs().await;
    let listed = app.get_as(&buyer.access_token, &format!("/api/v1/matches?listing_id={need}")).await;
    let match_id = listed.ok()["items"][0]["id"].as_str().expect("a match").to_owned();
    for side in [&buyer, &seller] {
        let path = format!("/api/v1/matches/{match_id}/responses");
        app.post_as(&side.access_token, &path, &json!({ "response": "interested" })).await.ok();
    }
    Connected { app, seller, buyer, da_nang, match_id }
}

fn record() -> Value {
    json!({
        "objects": ["process", "know_how"],
        "rights": ["licence_exclusive"],
        "modes": ["documents", "training"],
        "ip_assets": [
            { "kind": "patent", "number": "1-0034567", "title": "Bể phản ứng sinh học" },
            { "kind": "know_how", "title": "Chủng vi sinh bản địa" },
        ],
        "value_vnd": 987_654_321,
        "date": "2026-11-20",
        "duration_months": 36,
        "origin": "domestic_institute",
        "registration_number": "15/GCN-SKHCN",
        "registration_date": "2026-11-25",
    })
}

#[tokio::test]
async fn a_deal_is_verified_only_once_the_other_side_confirms_it() {
    let Connected { app, seller, buyer, match_id, .. } = connected().await;
    let deal = format!("/api/v1/matches/{match_id}/deal");
    let recorded = app.post_as(&buyer.access_token, &deal, &record()).await;
    assert_eq!(recorded.ok()["state"], "deal");

    let read = app.get_as(&seller.access_token, &deal).await;
    let body = read.ok();
    assert_eq!(body["status"], "recorded");
    assert_eq!(body["recorded_side"], "need");
    let objects: Vec<&str> = body["objects"].as_array().unwrap().iter().map(|o| o["code"].as_str().unwrap()).collect();
    assert_eq!(objects, vec!["know_how", "process"]);
    assert_eq!(body["objects"][0]["version"], "2017");
    assert_eq!(body["ip_assets"][0]["number"], "1-0034567");
    assert_eq!(body["value_vnd"], 987_654_321);
    assert_eq!(body["registration_number"], "15/GCN-SKHCN");

    // The side that recorded it cannot confirm it itself.
    app.post_as(&buyer.access_token, &format!("{deal}/confirm"), &json!({})).await.problem(403);
    assert_eq!(app.get_as(&buyer.access_token, &deal).await.ok()["status"], "recorded");

    let confirmed =
        app.post_as(&seller.access_token, &format!("{deal}/confirm"), &json!({ "publish_value": true })).await;
    assert_eq!(confirmed.ok()["status"], "verified");
    assert_eq!(confirmed.body["offer_publishes_value"], true);
    // The buyer did not say it may be published: it stays private.
    assert_eq!(confirmed.body["value_public"], false);
    app.post_as(&seller.access_token, &format!("{deal}/confirm"), &json!({})).await.problem(409);
    // No second deal on the same match.
    app.post_as(&seller.access_token, &deal, &record()).await.problem(409);
}

#[tokio::test]
async fn an_officer_records_a_deal_from_a_paper_contract() {
    let Connected { app, seller, da_nang, match_id, .. } = connected().await;
    let deal = format!("/api/v1/matches/{match_id}/deal");
    let recorded = app.post_as(&da_nang.access_token, &deal, &record()).await;
    assert_eq!(recorded.ok()["state"], "deal");
    let read = app.get_as(&seller.access_token, &deal).await;
    assert_eq!(read.ok()["status"], "officer_recorded");
    assert!(read.body["recorded_side"].is_null());
    // Nothing for a side to confirm.
    app.post_as(&seller.access_token, &format!("{deal}/confirm"), &json!({})).await.problem(403);
    // An officer of an unrelated province sees nothing.
    let hanoi = app.staff("mod@hanoi.gov.vn", "01", "moderator").await;
    app.get_as(&hanoi.access_token, &deal).await.problem(404);
}

#[tokio::test]
async fn bad_terms_are_refused_field_by_field() {
    let Connected { app, buyer, match_id, .. } = connected().await;
    let deal = format!("/api/v1/matches/{match_id}/deal");
    let tomorrow = (app.clock.now() + chrono::Duration::days(2)).date().format("%Y-%m-%d").to_string();
    let cases = [
        (json!({ "value_vnd": -1 }), "value_vnd"),
        (json!({ "objects": ["recipe"] }), "objects"),
        (json!({ "rights": ["licence"] }), "rights"),
        (json!({ "date": tomorrow }), "date"),
        (json!({ "ip_assets": [{ "kind": "patent" }] }), "ip_assets[0].number"),
        (json!({ "origin": "foreign" }), "origin_country"),
    ];
    for (bad, field) in cases {
        let mut body = record();
        for (key, value) in bad.as_object().unwrap() {
            body[key] = value.clone();
        }
        let reply = app.post_as(&buyer.access_token, &deal, &body).await;
        reply.problem(422);
        assert_eq!(reply.invalid_fields(), vec![field], "{bad}");
    }
    // All at once: each named.
    let all = json!({ "value_vnd": -5, "objects": ["x"], "rights": ["y"], "date": tomorrow,
        "ip_assets": [{ "kind": "utility_solution", "number": "" }], "origin": "foreign" });
    let reply = app.post_as(&buyer.access_token, &deal, &all).await;
    assert_eq!(
        reply.invalid_fields(),
        vec!["objects", "rights", "ip_assets[0].number", "value_vnd", "date", "origin_country"]
    );
    // Nothing was recorded meanwhile; a foreign origin with its country is fine.
    assert_eq!(
        app.get_as(&buyer.access_token, &format!("/api/v1/matches/{match_id}")).await.ok()["state"],
        "connected"
    );
    let foreign =
        json!({ "origin": "foreign", "origin_country": "KR", "foreign_currency": "USD", "foreign_amount": "40000" });
    let mut body = record();
    for (key, value) in foreign.as_object().unwrap() {
        body[key] = value.clone();
    }
    assert_eq!(app.post_as(&buyer.access_token, &deal, &body).await.ok()["state"], "deal");
    let read = app.get_as(&buyer.access_token, &deal).await;
    assert_eq!(
        (read.ok()["origin_country"].as_str(), read.body["foreign_currency"].as_str()),
        (Some("KR"), Some("USD"))
    );
}

#[tokio::test]
async fn a_third_party_never_sees_the_deal_nor_a_value_the_sides_keep_private() {
    let Connected { app, seller, buyer, match_id, .. } = connected().await;
    let deal = format!("/api/v1/matches/{match_id}/deal");
    app.post_as(&buyer.access_token, &deal, &record()).await.ok();
    app.post_as(&seller.access_token, &format!("{deal}/confirm"), &json!({ "publish_value": true })).await.ok();

    let stranger = app.signed_in("stranger@example.vn").await;
    app.get_as(&stranger.access_token, &deal).await.problem(404);
    app.post_as(&stranger.access_token, &format!("{deal}/confirm"), &json!({})).await.problem(404);
    app.get(&deal).await.problem(401);

    // The owners see the value; the public bodies never do.
    assert!(app.get_as(&seller.access_token, &deal).await.text.contains("987654321"));
    for path in ["/api/v1/stats", "/api/v1/tenants/48/stats", "/api/v1/tenants/92/stats"] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        assert!(!reply.text.contains("987654321"), "{path}: {}", reply.text);
    }
}

#[tokio::test]
async fn a_connected_match_may_be_piloted_then_stopped_with_a_reason() {
    let Connected { app, seller, buyer, match_id, .. } = connected().await;
    let base = format!("/api/v1/matches/{match_id}");
    let piloting = app.post_as(&buyer.access_token, &format!("{base}/piloting"), &json!({})).await;
    assert_eq!(piloting.ok()["state"], "piloting");
    assert!(piloting.body.get("contacts").is_some(), "the two sides still see each other");
    app.post_as(&seller.access_token, &format!("{base}/piloting"), &json!({})).await.problem(409);

    let missing = app.post_as(&seller.access_token, &format!("{base}/stop"), &json!({})).await;
    assert_eq!(missing.invalid_fields(), vec!["reason_code"]);
    let other = app.post_as(&seller.access_token, &format!("{base}/stop"), &json!({ "reason_code": "other" })).await;
    assert_eq!(other.invalid_fields(), vec!["reason_text"]);
    let unknown = app.post_as(&seller.access_token, &format!("{base}/stop"), &json!({ "reason_code": "bored" })).await;
    assert_eq!(unknown.invalid_fields(), vec!["reason_code"]);

    let stopped =
        app.post_as(&seller.access_token, &format!("{base}/stop"), &json!({ "reason_code": "no_budget" })).await;
    assert_eq!(stopped.ok()["state"], "stopped");
    assert_eq!(stopped.body["stop_reason_code"], "no_budget");
    // Ended: no deal, no trial.
    app.post_as(&buyer.access_token, &format!("{base}/deal"), &record()).await.problem(409);
    app.post_as(&buyer.access_token, &format!("{base}/piloting"), &json!({})).await.problem(409);
    let history = app.get_as(&seller.access_token, &format!("{base}/history")).await;
    let actions: Vec<&str> = history.ok().as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["suggest", "interested", "interested", "pilot", "stop"]);
}

#[tokio::test]
async fn a_deal_may_follow_a_trial() {
    let Connected { app, seller, buyer, match_id, .. } = connected().await;
    let base = format!("/api/v1/matches/{match_id}");
    app.post_as(&buyer.access_token, &format!("{base}/piloting"), &json!({})).await.ok();
    assert_eq!(app.post_as(&seller.access_token, &format!("{base}/deal"), &record()).await.ok()["state"], "deal");
    assert_eq!(app.get_as(&buyer.access_token, &format!("{base}/deal")).await.ok()["recorded_side"], "offer");
}
