//! What became of a match: the deal record, verified when the other side confirms it or
//! entered by an officer; a trial and a stop; who may see the deal and its value.

use serde_json::{Value, json};

use crate::helpers::listings::wastewater_need;
use crate::helpers::{Session, TestApp, spawn_app};
use crate::matching::wastewater_offer;

pub(crate) struct Connected {
    pub app: TestApp,
    pub seller: Session,
    pub buyer: Session,
    pub da_nang: Session,
    pub match_id: String,
}

/// An offer from Đà Nẵng and a need from Cần Thơ, both sides interested.
pub(crate) async fn connected() -> Connected {
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

pub(crate) fn record() -> Value {
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
async fn figures_count_verified_deals_and_show_the_public_totals_only() {
    let Connected { app, seller, buyer, da_nang, match_id } = connected().await;
    let deal = format!("/api/v1/matches/{match_id}/deal");
    let foreign = json!({ "origin": "foreign", "origin_country": "JP" });
    let mut body = record();
    for (key, value) in foreign.as_object().unwrap() {
        body[key] = value.clone();
    }
    app.post_as(&buyer.access_token, &deal, &body).await.ok();
    // Recorded by one side only: not counted yet.
    let before = app.get("/api/v1/tenants/92/stats").await;
    assert_eq!(before.ok()["deals"]["verified_deals"], 0, "{}", before.text);
    app.post_as(&seller.access_token, &format!("{deal}/confirm"), &json!({ "publish_value": true })).await.ok();

    for path in ["/api/v1/tenants/48/stats", "/api/v1/tenants/92/stats"] {
        let public = app.get(path).await;
        let figures = &public.ok()["deals"];
        assert_eq!(figures["verified_deals"], 1, "{path}");
        assert_eq!(figures["value_vnd"], 0, "the buyer did not agree to publish: {path}");
        assert!(figures.get("share_from_abroad").is_none(), "shares are for officers: {path}");
    }
    let national = app.get("/api/v1/stats").await;
    assert_eq!(national.ok()["totals"]["deal_records"]["verified_deals"], 1);
    assert_eq!(national.body["totals"]["deal_records"]["value_vnd"], 0);

    let officer = app.get_as(&da_nang.access_token, "/api/v1/tenants/48/stats").await;
    let figures = &officer.ok()["deals"];
    assert_eq!(figures["value_vnd"], 987_654_321, "{}", officer.text);
    assert_eq!(figures["share_with_ip_assets"], 1.0);
    assert_eq!(figures["share_from_abroad"], 1.0);
    assert_eq!(figures["share_from_institutes"], 0.0);
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

#[tokio::test]
async fn the_match_page_pilots_records_and_confirms_the_deal() {
    let Connected { app, match_id, .. } = connected().await;
    let path = format!("/matches/{match_id}");
    let mut buyer = crate::helpers::browser::Browser::new(&app);
    buyer.sign_in("buyer@phongdien.vn", &path).await.ok();
    let page = buyer.get(&path).await;
    let html = page.ok().to_owned();
    assert!(html.contains(&format!("action=\"{path}/piloting\"")) && html.contains(&format!("action=\"{path}/stop\"")));
    let version = page.value_of("version").unwrap();
    let piloting = buyer.post(&format!("{path}/piloting"), &[("version", &version)]).await;
    assert!(piloting.ok().contains("state-piloting"));

    // A stop without a reason of its own words is refused beside its field.
    let version = piloting.value_of("version").unwrap();
    let refused = buyer.post(&format!("{path}/stop"), &[("reason_code", "other"), ("version", &version)]).await;
    assert!(refused.ok().contains("reason_text-error"), "{}", crate::helpers::browser::excerpt(refused.ok()));

    let page = buyer.get(&path).await;
    let version = page.value_of("version").unwrap();
    let recorded = buyer
        .post(&format!("{path}/deal"), &[("value_vnd", "500000000"), ("date", "2026-11-20"), ("version", &version)])
        .await;
    let html = recorded.ok().to_owned();
    assert!(html.contains("state-deal"));
    assert!(!html.contains("/deal/confirm"), "the side that recorded it does not confirm it");

    let mut seller = crate::helpers::browser::Browser::new(&app);
    seller.sign_in("seller@sonhan.vn", &path).await.ok();
    let page = seller.get(&path).await;
    assert!(page.ok().contains(&format!("action=\"{path}/deal/confirm\"")));
    let confirmed = seller.post(&format!("{path}/deal/confirm"), &[("publish_value", "yes")]).await;
    assert!(!confirmed.ok().contains("/deal/confirm"), "confirmed once");
    let reader = app.login("seller@sonhan.vn").await;
    let deal = app.get_as(&reader.access_token, &format!("/api/v1/matches/{match_id}/deal")).await;
    assert_eq!(
        (deal.ok()["status"].as_str(), deal.body["offer_publishes_value"].as_bool()),
        (Some("verified"), Some(true))
    );
    assert_eq!(deal.body["need_publishes_value"], false);
}

mod follow_ups {
    use chrono::{Duration, NaiveDateTime};
    use reqwest::Method;
    use serde_json::json;

    use super::{Connected, connected, record};
    use crate::helpers::TestApp;

    const SELLER: &str = "seller@sonhan.vn";
    const BUYER: &str = "buyer@phongdien.vn";

    async fn follow_ups_to(app: &TestApp, email: &str) -> Vec<String> {
        app.mails_to(email, "follow_up").await
    }

    async fn counts(app: &TestApp) -> (usize, usize) {
        (follow_ups_to(app, SELLER).await.len(), follow_ups_to(app, BUYER).await.len())
    }

    /// Moves the clock to `days` (and an hour) after `start` and runs one tick of timed work.
    async fn on_day(app: &TestApp, start: NaiveDateTime, days: i64) {
        app.travel(start + Duration::days(days) + Duration::hours(1), &mut []).await;
        app.run_timers().await;
    }

    /// The signed link of one answer in a follow-up email (its plain-text line).
    fn link(mail: &str, label: &str) -> String {
        let line = mail.lines().find(|l| l.starts_with(&format!("- {label}: "))).unwrap_or_else(|| {
            panic!("no answer {label:?} in\n{mail}");
        });
        let start = line.find("/follow-ups/").expect("a follow-up link");
        line[start..].trim().to_owned()
    }

    async fn post_page(app: &TestApp, path: &str) -> crate::helpers::Reply {
        app.request(Method::POST, path, None, None, None).await
    }

    async fn state_of(app: &TestApp, email: &str, match_id: &str) -> serde_json::Value {
        let session = app.login(email).await;
        app.get_as(&session.access_token, &format!("/api/v1/matches/{match_id}")).await.ok().clone()
    }

    #[tokio::test]
    async fn each_side_is_asked_once_at_30_90_and_180_days() {
        let Connected { app, .. } = connected().await;
        let start = app.clock.now();
        on_day(&app, start, 29).await;
        assert_eq!(counts(&app).await, (0, 0), "not before 30 days");
        for (day, expected) in [(30, 1), (31, 1), (90, 2), (100, 2), (180, 3), (400, 3)] {
            on_day(&app, start, day).await;
            app.run_timers().await;
            assert_eq!(counts(&app).await, (expected, expected), "on day {day}");
        }
        let mail = &follow_ups_to(&app, BUYER).await[0];
        assert!(mail.contains("Công ty Môi trường Sông Hàn"), "names the other side:\n{mail}");
        assert!(mail.contains("/unsubscribe/"));
    }

    #[tokio::test]
    async fn off_is_honoured_and_an_ended_match_is_not_asked() {
        let Connected { app, buyer, seller, match_id, .. } = connected().await;
        let off = app
            .request(
                Method::PUT,
                "/api/v1/me/notification-preferences",
                Some(&buyer.access_token),
                Some(&json!({ "follow_up": "off" })),
                None,
            )
            .await;
        assert_eq!(off.ok()["follow_up"], "off");
        let start = app.clock.now();
        on_day(&app, start, 30).await;
        assert_eq!(counts(&app).await, (1, 0));
        // Stopped: no more questions.
        let _ = seller;
        let stopper = app.login(SELLER).await;
        app.post_as(
            &stopper.access_token,
            &format!("/api/v1/matches/{match_id}/stop"),
            &json!({ "reason_code": "found_elsewhere" }),
        )
        .await
        .ok();
        on_day(&app, start, 90).await;
        on_day(&app, start, 180).await;
        assert_eq!(counts(&app).await, (1, 0));
    }

    #[tokio::test]
    async fn a_deal_before_the_first_milestone_means_no_follow_up() {
        let Connected { app, buyer, match_id, .. } = connected().await;
        app.post_as(&buyer.access_token, &format!("/api/v1/matches/{match_id}/deal"), &record()).await.ok();
        let start = app.clock.now();
        on_day(&app, start, 30).await;
        on_day(&app, start, 90).await;
        assert_eq!(counts(&app).await, (0, 0));
    }

    #[tokio::test]
    async fn a_one_click_answer_is_recorded_once_and_moves_the_match() {
        let Connected { app, match_id, .. } = connected().await;
        let start = app.clock.now();
        on_day(&app, start, 30).await;
        let to_buyer = follow_ups_to(&app, BUYER).await;
        let piloting = link(&to_buyer[0], "Đang thử nghiệm");
        let no_budget = link(&to_buyer[0], "Đã dừng: không có kinh phí");

        // Opening the link changes nothing; its button records the answer.
        let opened = app.get(&piloting).await;
        assert_eq!(opened.status, 200);
        assert!(opened.text.contains(&format!("action=\"{piloting}\"")), "{}", opened.text);
        assert_eq!(state_of(&app, BUYER, &match_id).await["state"], "connected");

        let first = post_page(&app, &piloting).await;
        assert_eq!(first.status, 200, "{}", first.text);
        assert!(!first.text.contains("already-answered"));
        assert_eq!(state_of(&app, BUYER, &match_id).await["state"], "piloting");

        // A second click, or another answer to the same question, changes nothing and says so.
        for again in [&piloting, &no_budget] {
            let reply = post_page(&app, again).await;
            assert_eq!(reply.status, 200);
            assert!(reply.text.contains("already-answered"), "{}", reply.text);
        }
        assert!(app.get(&no_budget).await.text.contains("already-answered"));
        assert_eq!(state_of(&app, SELLER, &match_id).await["state"], "piloting");

        // The other side's own question is still open: its answer stops the match.
        let to_seller = follow_ups_to(&app, SELLER).await;
        let stop = link(&to_seller[0], "Đã dừng: không có kinh phí");
        assert_eq!(post_page(&app, &stop).await.status, 200);
        let stopped = state_of(&app, SELLER, &match_id).await;
        assert_eq!(
            (stopped["state"].as_str(), stopped["stop_reason_code"].as_str()),
            (Some("stopped"), Some("no_budget"))
        );

        // Forged or altered links.
        // One signature character changed, not the last: that one carries unused bits, and
        // a change there may make the text no longer decode at all (400, not 404).
        let mut altered: Vec<char> = piloting.chars().collect();
        let at = altered.len() - 2;
        altered[at] = if altered[at] == 'A' { 'B' } else { 'A' };
        let altered: String = altered.into_iter().collect();
        assert_eq!(post_page(&app, &altered).await.status, 404);
        assert_eq!(app.get(&altered).await.status, 404);
        assert_eq!(post_page(&app, "/follow-ups/not-a-token").await.status, 400);
        assert_eq!(app.get("/follow-ups/%%%.%%%").await.status, 400);
    }
}
