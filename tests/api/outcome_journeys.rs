//! Outcomes as their users meet them: a value the sides keep private appears in no public
//! route; a profile tells its verified deals and how long it has been approved; bad input
//! is named field by field in both languages; and, on a real SMTP listener, a followed-up
//! match that pilots and ends in a verified deal counts once in each province and once
//! nationally.

use std::time::Duration as StdDuration;

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::listings::wastewater_need;
use crate::helpers::{SmtpSink, TestApp, TestOptions, spawn_app_with};
use crate::matching::wastewater_offer;
use crate::outcomes::{Connected, connected, record};

/// Every way a value of 987 654 321 VND could be written on a public page or file.
const WRITTEN: [&str; 6] = ["987654321", "987.654.321", "987,654,321", "987,65", "987.65", "987 654 321"];

struct Parties {
    offer: String,
    need: String,
    offer_org: String,
    need_org: String,
}

async fn parties(app: &TestApp, token: &str, match_id: &str) -> Parties {
    let view = app.get_as(token, &format!("/api/v1/matches/{match_id}")).await;
    let s = |side: &str, key: &str| view.body[side][key].as_str().unwrap().to_owned();
    Parties {
        offer: s("offer", "id"),
        need: s("need", "id"),
        offer_org: s("offer", "organization_id"),
        need_org: s("need", "organization_id"),
    }
}

/// Every public route: the API's lists, profiles, listings, figures and exports, and the
/// pages that show them.
fn public_routes(p: &Parties) -> Vec<String> {
    let mut routes: Vec<String> = [
        "/api/v1/orgs",
        "/api/v1/orgs?province=48",
        "/api/v1/listings",
        "/api/v1/tenants/48/stats",
        "/api/v1/tenants/92/stats",
        "/api/v1/tenants/92/stats?from=2026-01-01",
        "/api/v1/stats",
        "/",
        "/listings",
        "/orgs",
        "/provinces/48",
        "/provinces/92",
    ]
    .map(String::from)
    .to_vec();
    for org in [&p.offer_org, &p.need_org] {
        routes.push(format!("/api/v1/orgs/{org}"));
        routes.push(format!("/orgs/{org}"));
    }
    for listing in [&p.offer, &p.need] {
        routes.push(format!("/api/v1/listings/{listing}"));
        routes.push(format!("/listings/{listing}"));
    }
    for what in ["listings", "orgs", "deals"] {
        for format in ["csv", "json"] {
            for province in ["", "?province=48", "?province=92"] {
                routes.push(format!("/api/v1/exports/{what}.{format}{province}"));
            }
        }
    }
    for province in ["48", "92"] {
        for format in ["csv", "json"] {
            routes.push(format!("/provinces/{province}/figures.{format}"));
        }
    }
    routes
}

#[tokio::test]
async fn a_value_the_sides_keep_private_appears_in_no_public_route() {
    let Connected { app, seller, buyer, match_id, .. } = connected().await;
    let deal = format!("/api/v1/matches/{match_id}/deal");
    // The buyer records it without letting the value be published; the seller confirms.
    app.post_as(&buyer.access_token, &deal, &record()).await.ok();
    app.post_as(&seller.access_token, &format!("{deal}/confirm"), &json!({ "publish_value": true })).await.ok();
    let parties = parties(&app, &seller.access_token, &match_id).await;
    let stranger = app.signed_in("stranger@example.vn").await;

    for route in public_routes(&parties) {
        for token in [None, Some(stranger.access_token.as_str())] {
            let reply = app.request(Method::GET, &route, token, None, None).await;
            assert_eq!(reply.status, 200, "{route}: {}", reply.text);
            for written in WRITTEN {
                assert!(!reply.text.contains(written), "{route} shows {written}");
            }
        }
    }
    // The deal itself is there, without its value.
    let exported = app.get("/api/v1/exports/deals.json").await;
    assert_eq!(exported.ok().as_array().unwrap().len(), 1);
    assert_eq!(exported.body[0]["value_vnd"], Value::Null);
    let public = app.get("/api/v1/tenants/92/stats").await;
    assert_eq!((&public.ok()["deals"]["verified_deals"], &public.body["deals"]["value_vnd"]), (&json!(1), &json!(0)));

    // A third party cannot read it, nor say anything about publishing it.
    let hanoi = app.staff("mod@hanoi.gov.vn", "01", "moderator").await;
    for token in [&stranger.access_token, &hanoi.access_token] {
        app.get_as(token, &deal).await.problem(404);
        app.post_as(token, &format!("{deal}/consent"), &json!({ "publish_value": true })).await.problem(404);
        app.post_as(token, &format!("{deal}/confirm"), &json!({})).await.problem(404);
    }
    app.get(&deal).await.problem(401);
    app.post(&format!("{deal}/consent"), &json!({ "publish_value": true })).await.problem(401);

    // Once the buyer lets it be published, the same routes show it: the checks above look
    // where a leak would be.
    let consent = app.post_as(&buyer.access_token, &format!("{deal}/consent"), &json!({ "publish_value": true })).await;
    assert_eq!(consent.ok()["value_public"], true);
    assert_eq!(app.get("/api/v1/tenants/92/stats").await.ok()["deals"]["value_vnd"], 987_654_321);
    assert!(app.get("/api/v1/exports/deals.csv").await.text.contains("987654321"));
    assert!(app.get("/provinces/92").await.text.contains("987,65 triệu"));
    // And withdrawn again, it is gone again.
    app.post_as(&seller.access_token, &format!("{deal}/consent"), &json!({ "publish_value": false })).await.ok();
    assert_eq!(app.get("/api/v1/exports/deals.json").await.body[0]["value_vnd"], Value::Null);
}

#[tokio::test]
async fn an_officer_recorded_deal_takes_each_sides_consent() {
    let Connected { app, seller, buyer, da_nang, match_id } = connected().await;
    let deal = format!("/api/v1/matches/{match_id}/deal");
    app.post_as(&da_nang.access_token, &deal, &record()).await.ok();
    assert_eq!(app.get_as(&seller.access_token, &deal).await.ok()["status"], "officer_recorded");
    // The officer speaks for no side.
    app.post_as(&da_nang.access_token, &format!("{deal}/consent"), &json!({ "publish_value": true }))
        .await
        .problem(403);
    let one = app.post_as(&seller.access_token, &format!("{deal}/consent"), &json!({ "publish_value": true })).await;
    assert_eq!((&one.ok()["offer_publishes_value"], &one.body["value_public"]), (&json!(true), &json!(false)));
    assert_eq!(app.get("/api/v1/tenants/48/stats").await.ok()["deals"]["value_vnd"], 0);
    let both = app.post_as(&buyer.access_token, &format!("{deal}/consent"), &json!({ "publish_value": true })).await;
    assert_eq!((&both.ok()["status"], &both.body["value_public"]), (&json!("officer_recorded"), &json!(true)));
    let public = app.get("/api/v1/tenants/48/stats").await;
    assert_eq!(
        (&public.ok()["deals"]["value_vnd"], &public.body["deals"]["officer_recorded_deals"]),
        (&json!(987_654_321), &json!(1))
    );
    let history = app.get_as(&seller.access_token, &format!("/api/v1/matches/{match_id}/history")).await;
    let consents = history.ok().as_array().unwrap().iter().filter(|h| h["action"] == "deal_consent").count();
    assert_eq!(consents, 2, "each consent is audited");
}

#[tokio::test]
async fn a_profile_tells_its_verified_deals_and_how_long_it_has_been_approved() {
    let Connected { app, seller, buyer, da_nang, match_id } = connected().await;
    let parties = parties(&app, &seller.access_token, &match_id).await;
    let profile = format!("/api/v1/orgs/{}", parties.offer_org);
    let today = techbridge::notify::digest::local_time(app.clock.now()).date();
    let before = app.get(&profile).await;
    assert_eq!(
        before.ok()["trust"],
        json!({ "verified_deals": 0, "approved_since": today.to_string(), "approved_days": 0 })
    );
    let deal = format!("/api/v1/matches/{match_id}/deal");
    app.post_as(&buyer.access_token, &deal, &record()).await.ok();
    assert_eq!(app.get(&profile).await.ok()["trust"]["verified_deals"], 0, "not until the other side confirms");
    app.post_as(&seller.access_token, &format!("{deal}/confirm"), &json!({})).await.ok();
    assert_eq!(app.get(&profile).await.ok()["trust"]["verified_deals"], 1);
    assert_eq!(app.get(&format!("/api/v1/orgs/{}", parties.need_org)).await.ok()["trust"]["verified_deals"], 1);
    assert!(app.get("/api/v1/orgs").await.ok()["items"][0].get("trust").is_none(), "the profile only");

    // 400 days later, after a suspension and a reinstatement: still counted from the first approval.
    app.travel(app.clock.now() + Duration::days(400), &mut []).await;
    let da_nang = app.login(&da_nang.email).await;
    for action in ["suspend", "reinstate"] {
        let reply = app.decide_org(&da_nang, &parties.offer_org, action, Some("Kiểm tra định kỳ")).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    let trust = app.get(&profile).await.ok()["trust"].clone();
    assert_eq!((&trust["approved_since"], &trust["approved_days"]), (&json!(today.to_string()), &json!(400)));

    let mut visitor = crate::helpers::browser::Browser::new(&app);
    let page = visitor.get(&format!("/orgs/{}", parties.offer_org)).await;
    let html = page.ok();
    assert!(
        html.contains("Giao dịch đã xác minh") && html.contains("1 năm 1 tháng"),
        "{}",
        crate::helpers::browser::excerpt(html)
    );
    visitor.switch_language("en").await;
    let page = visitor.get(&format!("/orgs/{}", parties.offer_org)).await;
    assert!(page.ok().contains("Verified deals") && page.ok().contains("1 year 1 month"));
}

#[tokio::test]
async fn new_inputs_are_refused_field_by_field_in_vi_and_en() {
    let Connected { app, buyer, match_id, .. } = connected().await;
    let deal = format!("/api/v1/matches/{match_id}/deal");
    let with = |changes: Value| {
        let mut body = record();
        for (key, value) in changes.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    let cases = [
        (json!({ "origin": "foreign", "origin_country": "ZZ" }), "origin_country", "ISO 3166-1"),
        (json!({ "origin": "foreign", "origin_country": "VN" }), "origin_country", "Viet"),
        (json!({ "origin": "foreign", "origin_country": "JPN" }), "origin_country", "ISO 3166-1"),
        (json!({ "foreign_currency": "ABC", "foreign_amount": "100" }), "foreign_currency", "ISO 4217"),
        (json!({ "foreign_currency": "VND", "foreign_amount": "100" }), "foreign_currency", "VND"),
        (json!({ "foreign_currency": "XTS", "foreign_amount": "100" }), "foreign_currency", "ISO 4217"),
    ];
    for (changes, field, said) in cases {
        let mut messages = Vec::new();
        for lang in ["vi", "en"] {
            let reply = app
                .request(Method::POST, &deal, Some(&buyer.access_token), Some(&with(changes.clone())), Some(lang))
                .await;
            assert_eq!(reply.invalid_fields(), vec![field], "{changes} in {lang}");
            messages.push(reply.body["errors"][0]["message"].as_str().unwrap().to_owned());
        }
        assert_ne!(messages[0], messages[1], "{changes}: said in each language");
        assert!(messages[1].contains(said) || messages[0].contains(said), "{changes}: {messages:?}");
    }
    assert_eq!(
        app.get_as(&buyer.access_token, &format!("/api/v1/matches/{match_id}")).await.ok()["state"],
        "connected"
    );

    app.post_as(&buyer.access_token, &deal, &record()).await.ok();
    for lang in ["vi", "en"] {
        let consent = format!("{deal}/consent");
        let missing =
            app.request(Method::POST, &consent, Some(&buyer.access_token), Some(&json!({})), Some(lang)).await;
        assert_eq!(missing.invalid_fields(), vec!["publish_value"]);
        let side = json!({ "publish_value": true, "side": "both" });
        let wrong = app.request(Method::POST, &consent, Some(&buyer.access_token), Some(&side), Some(lang)).await;
        assert_eq!(wrong.invalid_fields(), vec!["side"]);
        let malformed = app.request(Method::POST, &consent, Some(&buyer.access_token), None, Some(lang)).await;
        assert!(matches!(malformed.status.as_u16(), 400 | 415), "{}", malformed.status);
    }
    let bad_export = app.get("/api/v1/exports/deals.json?province=00").await;
    bad_export.problem(404);
    assert_eq!(app.get("/api/v1/taxonomy/countries").await.ok()["items"].as_array().unwrap().len(), 249);
}

/// The raw message with quoted-printable soft breaks and escapes undone.
fn decoded(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let mut bytes = Vec::with_capacity(joined.len());
    let mut rest = joined.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'=' && tail.len() >= 2 && tail[0].is_ascii_hexdigit() && tail[1].is_ascii_hexdigit() {
            bytes.push(u8::from_str_radix(std::str::from_utf8(&tail[..2]).unwrap(), 16).unwrap());
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test]
async fn a_followed_up_match_that_pilots_and_closes_a_deal_counts_once_in_each_province_and_nationally() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(TestOptions { smtp: Some(sink.connection()), ..Default::default() }).await;
    let seller = app.signed_in("seller@sonhan.vn").await;
    let buyer = app.signed_in("buyer@phongdien.vn").await;
    let da_nang = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let can_tho = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let seller_org = app.approved_org_in(&seller, &da_nang, "48", "Công ty Môi trường Sông Hàn", 801).await;
    let buyer_org = app.approved_org_in(&buyer, &can_tho, "92", "Hợp tác xã Chăn nuôi Phong Điền", 802).await;
    app.published_listing(&seller, &da_nang, &seller_org, &wastewater_offer(json!({}))).await;
    let need = app.published_listing(&buyer, &can_tho, &buyer_org, &wastewater_need(json!({}))).await;
    app.drain_jobs().await;
    let listed = app.get_as(&buyer.access_token, &format!("/api/v1/matches?listing_id={need}")).await;
    let match_id = listed.ok()["items"][0]["id"].as_str().expect("the engine's match").to_owned();
    for side in [&buyer, &seller] {
        let path = format!("/api/v1/matches/{match_id}/responses");
        app.post_as(&side.access_token, &path, &json!({ "response": "interested" })).await.ok();
    }
    let connected_at = app.clock.now();

    // 30 days on: one follow-up to each side, through the SMTP listener.
    app.travel(connected_at + Duration::days(30) + Duration::hours(1), &mut []).await;
    app.run_timers().await;
    let follow_ups = |to: &str| {
        sink.messages_to(to)
            .into_iter()
            .map(|m| decoded(&m.raw))
            .filter(|m| m.contains("/follow-ups/"))
            .collect::<Vec<_>>()
    };
    // A send retried after a busy moment arrives a little later: wait for both, with a deadline.
    let until = tokio::time::Instant::now() + StdDuration::from_secs(30);
    while (follow_ups("buyer@phongdien.vn").is_empty() || follow_ups("seller@sonhan.vn").is_empty())
        && tokio::time::Instant::now() < until
    {
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    let (to_buyer, to_seller) = (follow_ups("buyer@phongdien.vn"), follow_ups("seller@sonhan.vn"));
    assert_eq!((to_buyer.len(), to_seller.len()), (1, 1));
    let piloting = crate::outcome_figures::answer_link(&to_buyer[0], "Đang thử nghiệm");
    assert_eq!(app.request(Method::POST, &piloting, None, None, None).await.status, 200);
    let buyer = app.login("buyer@phongdien.vn").await;
    let seller = app.login("seller@sonhan.vn").await;
    let base = format!("/api/v1/matches/{match_id}");
    assert_eq!(app.get_as(&buyer.access_token, &base).await.ok()["state"], "piloting");

    // The need's side records the deal; the offer's side confirms it.
    let today = techbridge::notify::digest::local_time(app.clock.now()).date().to_string();
    let terms = json!({ "objects": ["process"], "rights": ["licence_non_exclusive"], "value_vnd": 1_200_000_000_i64,
        "date": today, "origin": "domestic_enterprise", "publish_value": true });
    assert_eq!(app.post_as(&buyer.access_token, &format!("{base}/deal"), &terms).await.ok()["state"], "deal");
    let confirmed =
        app.post_as(&seller.access_token, &format!("{base}/deal/confirm"), &json!({ "publish_value": true })).await;
    assert_eq!(confirmed.ok()["status"], "verified");

    let in_province = |code: &'static str| {
        let app = &app;
        async move { app.get(&format!("/api/v1/tenants/{code}/stats")).await.ok()["deals"].clone() }
    };
    for code in ["48", "92"] {
        let deals = in_province(code).await;
        assert_eq!(
            (&deals["verified_deals"], &deals["value_vnd"]),
            (&json!(1), &json!(1_200_000_000_i64)),
            "{code}: {deals}"
        );
    }
    let national = app.get("/api/v1/stats").await;
    let body = national.ok();
    assert_eq!(body["totals"]["deal_records"]["verified_deals"], 1, "once for the country");
    let per_province: i64 = body["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["deal_records"]["verified_deals"].as_i64().unwrap())
        .sum();
    assert_eq!(per_province, 2, "once in each of the two provinces");
    // The follow-ups in the officers' figures: Cần Thơ's side answered, Đà Nẵng's did not.
    let can_tho = app.login("mod@cantho.gov.vn").await;
    let officer = app.get_as(&can_tho.access_token, "/api/v1/tenants/92/stats").await;
    assert_eq!(officer.ok()["deals"]["follow_ups"], json!({ "sent": 1, "answered": 1, "response_rate": 1.0 }));
    // Nothing more is asked of an ended match.
    app.travel(connected_at + Duration::days(91), &mut []).await;
    app.run_timers().await;
    assert_eq!((follow_ups("buyer@phongdien.vn").len(), follow_ups("seller@sonhan.vn").len()), (1, 1));
}
