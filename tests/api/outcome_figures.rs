//! The outcome figures (Programme 1158/QĐ-TTg) equal a known data set, number for number,
//! per year with growth, over periods that cross a year boundary; officer-recorded deals
//! counted apart; the public view holds totals and published values only.

use chrono::{NaiveDate, NaiveDateTime};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::listings::{offer, wastewater_need};
use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::{Session, TestApp, TestOptions, spawn_app_with};
use crate::matching::wastewater_offer;

fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(2, 0, 0).unwrap()
}

/// The cast of the known data set.
pub struct Known {
    pub app: TestApp,
    pub mod48: Session,
    pub mod92: Session,
    pub admin: Session,
}

fn kind(kind: &str, subtype: Option<&str>) -> Value {
    json!({ "kind": kind, "intermediary_type": subtype, "certificate_number": null,
        "certificate_date": null, "certificate_issuer": null })
}

async fn connect(app: &TestApp, officer: &Session, offer: &str, need: &str, sides: [&Session; 2]) -> String {
    let reply =
        app.post_as(&officer.access_token, "/api/v1/matches", &json!({ "offer_id": offer, "need_id": need })).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = reply.body["id"].as_str().unwrap().to_owned();
    for side in sides {
        let path = format!("/api/v1/matches/{id}/responses");
        app.post_as(&side.access_token, &path, &json!({ "response": "interested" })).await.ok();
    }
    id
}

/// Mail of one kind to someone, once `count` of them arrived or a deadline passed: on a
/// busy machine a send that met a locked database is retried a second or two later, and
/// `drain_jobs` does not wait for retries.
pub async fn mails_awaited(app: &TestApp, email: &str, kind: &str, count: usize) -> Vec<String> {
    let until = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let mails = app.mails_to(email, kind).await;
        if mails.len() >= count || tokio::time::Instant::now() > until {
            return mails;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The signed link of one answer in a follow-up email (its plain-text line).
pub fn answer_link(mail: &str, label: &str) -> String {
    let line =
        mail.lines().find(|l| l.starts_with(&format!("- {label}: "))).unwrap_or_else(|| panic!("{label}: {mail}"));
    line[line.find("/follow-ups/").expect("a link")..].trim().to_owned()
}

/// Đà Nẵng (48), Cần Thơ (92), Hà Nội (01), built on fixed days from 20 December 2024 to
/// "today", 15 March 2026 (09:00 in Vietnam):
///
/// - M1, a Đà Nẵng offer × a Cần Thơ need, connected 10 Jan 2025; followed up on 9 Feb
///   2025 (the Đà Nẵng side answers, the Cần Thơ side does not); a deal signed 10 Feb 2025
///   for 1 000 000 000 VND (a patent, from an institute), recorded by the need's side and
///   confirmed by the offer's, both letting the value be published.
/// - M2, a Hà Nội offer × a Đà Nẵng need, connected 1 Nov 2025; recorded by a Đà Nẵng
///   officer from a paper contract signed 31 Dec 2025, 400 000 000 VND, from Japan.
/// - M3, the Đà Nẵng offer × the Đà Nẵng need, connected and signed 1 Jan 2026,
///   700 000 000 VND from China, the need's side keeping the value private.
/// - M4, recorded by one side only (never confirmed): counted nowhere.
/// - M5, a Hà Nội offer × a Cần Thơ need, declined by Cần Thơ as "TRL too low", 10 Feb 2026.
/// - Intermediaries approved: a Đà Nẵng technology exchange (5 Mar 2025), a Cần Thơ IP
///   service (20 Jan 2026), a Đà Nẵng incubator (2 Feb 2026); one more never approved.
pub async fn known() -> Known {
    let app = spawn_app_with(TestOptions {
        tweak: Some(Box::new(|s| {
            s.matching.floor = 2.0;
            s.listings.validity_days = 1000;
            crate::reports::long_sessions(s);
        })),
        ..Default::default()
    })
    .await;
    app.clock.travel_to(at(2024, 12, 20));
    let mut mod48 = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let mut mod92 = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let mut mod01 = app.staff("mod@hanoi.gov.vn", "01", "moderator").await;
    let mut admin = app.platform_admin("admin@platform.vn").await;
    let mut seller48 = app.signed_in("seller@sonhan.vn").await;
    let mut buyer92 = app.signed_in("buyer@phongdien.vn").await;
    let mut buyer48 = app.signed_in("buyer@hoavang.vn").await;
    let mut seller01 = app.signed_in("seller@bachkhoa.vn").await;
    let mut xowner = app.signed_in("owner@trunggian.vn").await;
    macro_rules! travel {
        ($to:expr) => {
            app.travel(
                $to,
                &mut [
                    &mut mod48,
                    &mut mod92,
                    &mut mod01,
                    &mut admin,
                    &mut seller48,
                    &mut buyer92,
                    &mut buyer48,
                    &mut seller01,
                    &mut xowner,
                ],
            )
            .await
        };
    }

    let s48 = app.approved_org_in(&seller48, &mod48, "48", "Công ty Môi trường Sông Hàn", 701).await;
    let b92 = app.approved_org_in(&buyer92, &mod92, "92", "Hợp tác xã Chăn nuôi Phong Điền", 702).await;
    let b48 = app
        .approved_org(
            &buyer48,
            &mod48,
            &enterprise("Trang trại Hòa Vang", "48", &tax_code(703), kind("enterprise", None)),
        )
        .await;
    let s01 = app
        .approved_org(
            &seller01,
            &mod01,
            &enterprise("Viện Cơ khí Bách Khoa", "01", &tax_code(704), kind("institute", None)),
        )
        .await;
    let o1 = app.published_listing(&seller48, &mod48, &s48, &wastewater_offer(json!({}))).await;
    let n1 = app.published_listing(&buyer92, &mod92, &b92, &wastewater_need(json!({}))).await;
    let n2 = app
        .published_listing(
            &buyer48,
            &mod48,
            &b48,
            &wastewater_need(json!({ "title_vi": "Cần xử lý nước thải trại heo Hòa Vang" })),
        )
        .await;
    let o2 =
        app.published_listing(&seller01, &mod01, &s01, &offer("Máy sấy nông sản năng lượng mặt trời", json!({}))).await;
    let n3 = app
        .published_listing(
            &buyer92,
            &mod92,
            &b92,
            &wastewater_need(json!({ "title_vi": "Cần xử lý nước thải lò mổ Phong Điền" })),
        )
        .await;
    let mut intermediaries = Vec::new();
    for (n, province, body) in [
        (711, "48", kind("intermediary", Some("technology_exchange"))),
        (712, "92", kind("intermediary", Some("ip_services"))),
        (713, "48", kind("incubator", None)),
        (714, "48", kind("intermediary", Some("brokerage"))),
    ] {
        let id = app
            .create_org(&xowner, &enterprise(&format!("Tổ chức trung gian {n}"), province, &tax_code(n), body))
            .await;
        app.submit_org(&xowner, &id).await;
        intermediaries.push(id);
    }

    // M1: connected, followed up at 30 days, a deal the next day.
    travel!(at(2025, 1, 10));
    let m1 = connect(&app, &mod48, &o1, &n1, [&seller48, &buyer92]).await;
    travel!(at(2025, 2, 9) + chrono::Duration::hours(1));
    app.run_timers().await;
    let to_seller = mails_awaited(&app, "seller@sonhan.vn", "follow_up", 1).await;
    assert_eq!((to_seller.len(), mails_awaited(&app, "buyer@phongdien.vn", "follow_up", 1).await.len()), (1, 1));
    let still = answer_link(&to_seller[0], "Vẫn đang trao đổi");
    assert_eq!(app.request(Method::POST, &still, None, None, None).await.status, 200);
    travel!(at(2025, 2, 10));
    let m1_terms = json!({ "objects": ["process"], "rights": ["licence_exclusive"], "value_vnd": 1_000_000_000_i64,
        "date": "2025-02-10", "origin": "domestic_institute", "publish_value": true,
        "ip_assets": [{ "kind": "patent", "number": "1-0034567" }] });
    app.post_as(&buyer92.access_token, &format!("/api/v1/matches/{m1}/deal"), &m1_terms).await.ok();
    let confirmed = app
        .post_as(
            &seller48.access_token,
            &format!("/api/v1/matches/{m1}/deal/confirm"),
            &json!({ "publish_value": true }),
        )
        .await;
    assert_eq!(confirmed.ok()["value_public"], true);

    travel!(at(2025, 3, 5));
    assert_eq!(app.decide_org(&mod48, &intermediaries[0], "approve", None).await.status, 200);

    // M2: recorded by a Đà Nẵng officer from a paper contract, on New Year's Eve.
    travel!(at(2025, 11, 1));
    let m2 = connect(&app, &mod48, &o2, &n2, [&seller01, &buyer48]).await;
    travel!(at(2025, 12, 31));
    let m2_terms = json!({ "objects": ["machinery_with_technology"], "value_vnd": 400_000_000,
        "date": "2025-12-31", "origin": "foreign", "origin_country": "JP" });
    app.post_as(&mod48.access_token, &format!("/api/v1/matches/{m2}/deal"), &m2_terms).await.ok();

    // M3: the day after, the value kept private by the need's side.
    travel!(at(2026, 1, 1));
    let m3 = connect(&app, &mod48, &o1, &n2, [&seller48, &buyer48]).await;
    let m3_terms = json!({ "value_vnd": 700_000_000, "date": "2026-01-01", "origin": "foreign",
        "origin_country": "CN", "publish_value": true });
    app.post_as(&seller48.access_token, &format!("/api/v1/matches/{m3}/deal"), &m3_terms).await.ok();
    app.post_as(
        &buyer48.access_token,
        &format!("/api/v1/matches/{m3}/deal/confirm"),
        &json!({ "publish_value": false }),
    )
    .await
    .ok();

    // M4: recorded, never confirmed.
    travel!(at(2026, 1, 5));
    let m4 = connect(&app, &mod01, &o2, &n1, [&seller01, &buyer92]).await;
    let m4_terms = json!({ "value_vnd": 5_555_555_555_i64, "date": "2026-01-05", "publish_value": true });
    app.post_as(&seller01.access_token, &format!("/api/v1/matches/{m4}/deal"), &m4_terms).await.ok();

    travel!(at(2026, 1, 20));
    assert_eq!(app.decide_org(&mod92, &intermediaries[1], "approve", None).await.status, 200);
    travel!(at(2026, 2, 2));
    assert_eq!(app.decide_org(&mod48, &intermediaries[2], "approve", None).await.status, 200);

    // M5: declined by Cần Thơ.
    travel!(at(2026, 2, 10));
    let reply = app.post_as(&mod92.access_token, "/api/v1/matches", &json!({ "offer_id": o2, "need_id": n3 })).await;
    let m5 = reply.body["id"].as_str().unwrap().to_owned();
    let declined = app
        .post_as(
            &buyer92.access_token,
            &format!("/api/v1/matches/{m5}/responses"),
            &json!({ "response": "declined", "reason_code": "trl_too_low" }),
        )
        .await;
    assert_eq!(declined.ok()["state"], "declined");

    travel!(at(2026, 3, 15));
    app.drain_jobs().await;
    Known { app, mod48, mod92, admin }
}

fn year(figures: &Value, y: i64) -> &Value {
    figures["by_year"].as_array().unwrap().iter().find(|r| r["year"] == y).unwrap_or_else(|| panic!("{y}: {figures}"))
}

#[tokio::test]
async fn outcome_figures_equal_the_known_data_per_year_with_growth() {
    let Known { app, mod48, mod92, .. } = known().await;

    // Đà Nẵng, all time, the officers' view.
    let reply = app.get_as(&mod48.access_token, "/api/v1/tenants/48/stats").await;
    let deals = &reply.ok()["deals"];
    assert_eq!(
        (&deals["verified_deals"], &deals["confirmed_deals"], &deals["officer_recorded_deals"]),
        (&json!(3), &json!(2), &json!(1)),
        "{deals}"
    );
    assert_eq!((&deals["value_vnd"], &deals["published_value_deals"]), (&json!(2_100_000_000_i64), &json!(1)));
    assert_eq!(
        (
            &deals["share_with_ip_assets"],
            &deals["share_from_institutes"],
            &deals["share_from_abroad"],
            &deals["share_from_developed_countries"]
        ),
        (&json!(0.3333), &json!(0.3333), &json!(0.6667), &json!(0.3333))
    );
    assert_eq!(deals["median_days_to_deal"], 31.0, "31, 60 and 0 days");
    assert_eq!(deals["follow_ups"], json!({ "sent": 1, "answered": 1, "response_rate": 1.0 }));
    assert_eq!(
        deals["intermediaries"],
        json!({ "total": 2, "by_subtype": [{ "subtype": "incubator", "count": 1 }, { "subtype": "technology_exchange", "count": 1 }] })
    );
    let years: Vec<i64> = deals["by_year"].as_array().unwrap().iter().map(|y| y["year"].as_i64().unwrap()).collect();
    assert_eq!(years, vec![2025, 2026], "from the first follow-up to today");
    let y2025 = year(deals, 2025);
    assert_eq!((&y2025["from"], &y2025["to"]), (&json!("2025-02-09"), &json!("2025-12-31")));
    assert_eq!(
        (&y2025["verified_deals"], &y2025["officer_recorded_deals"], &y2025["value_vnd"]),
        (&json!(2), &json!(1), &json!(1_400_000_000))
    );
    assert_eq!(
        y2025["year_before"],
        json!({ "from": "2024-02-09", "to": "2024-12-31", "verified_deals": 0,
        "officer_recorded_deals": 0, "value_vnd": 0, "intermediaries": 0 })
    );
    assert_eq!(
        y2025["growth"],
        json!({ "verified_deals": null, "officer_recorded_deals": null, "value_vnd": null, "intermediaries": null })
    );
    assert_eq!(y2025["intermediaries"]["total"], 1);
    assert_eq!(y2025["median_days_to_deal"], 45.5, "31 and 60 days");
    let y2026 = year(deals, 2026);
    assert_eq!((&y2026["from"], &y2026["to"]), (&json!("2026-01-01"), &json!("2026-03-15")));
    assert_eq!(
        (&y2026["verified_deals"], &y2026["officer_recorded_deals"], &y2026["value_vnd"]),
        (&json!(1), &json!(0), &json!(700_000_000))
    );
    assert_eq!(
        y2026["year_before"],
        json!({ "from": "2025-01-01", "to": "2025-03-15", "verified_deals": 1,
        "officer_recorded_deals": 0, "value_vnd": 1_000_000_000_i64, "intermediaries": 1 })
    );
    assert_eq!(
        y2026["growth"],
        json!({ "verified_deals": 0.0, "officer_recorded_deals": null, "value_vnd": -0.3, "intermediaries": 1.0 })
    );
    assert_eq!(deals["declines"], json!({ "total": 0, "by_field": [], "by_province": [] }));

    // A period across New Year: December 2025 to February 2026.
    let reply = app.get_as(&mod48.access_token, "/api/v1/tenants/48/stats?from=2025-12-01&to=2026-02-28").await;
    let deals = &reply.ok()["deals"];
    assert_eq!(
        (&deals["verified_deals"], &deals["officer_recorded_deals"], &deals["value_vnd"]),
        (&json!(2), &json!(1), &json!(1_100_000_000))
    );
    assert_eq!(deals["median_days_to_deal"], 30.0);
    assert_eq!(deals["intermediaries"]["total"], 2);
    let (december, winter) = (year(deals, 2025), year(deals, 2026));
    assert_eq!(
        (&december["from"], &december["to"], &december["verified_deals"]),
        (&json!("2025-12-01"), &json!("2025-12-31"), &json!(1))
    );
    assert_eq!((&december["officer_recorded_deals"], &december["growth"]["verified_deals"]), (&json!(1), &Value::Null));
    assert_eq!(
        (&winter["from"], &winter["to"], &winter["verified_deals"]),
        (&json!("2026-01-01"), &json!("2026-02-28"), &json!(1))
    );
    assert_eq!(
        (&winter["year_before"]["from"], &winter["year_before"]["to"]),
        (&json!("2025-01-01"), &json!("2025-02-28"))
    );
    assert_eq!((&winter["growth"]["verified_deals"], &winter["growth"]["value_vnd"]), (&json!(0.0), &json!(-0.3)));
    assert_eq!(
        (&winter["intermediaries"]["total"], &winter["growth"]["intermediaries"]),
        (&json!(2), &Value::Null),
        "none by 28 Feb 2025"
    );

    // Cần Thơ: one deal; its side did not answer the follow-up; the decline, by field and province.
    let reply = app.get_as(&mod92.access_token, "/api/v1/tenants/92/stats").await;
    let deals = &reply.ok()["deals"];
    assert_eq!((&deals["verified_deals"], &deals["value_vnd"]), (&json!(1), &json!(1_000_000_000)));
    assert_eq!(deals["follow_ups"], json!({ "sent": 1, "answered": 0, "response_rate": 0.0 }));
    assert_eq!(deals["intermediaries"]["by_subtype"], json!([{ "subtype": "ip_services", "count": 1 }]));
    assert_eq!(
        deals["declines"],
        json!({ "total": 1,
            "by_field": [
                { "year": 2026, "reason": "trl_too_low", "field": { "code": "202", "version": "2008" }, "count": 1 },
                { "year": 2026, "reason": "trl_too_low", "field": { "code": "405", "version": "2008" }, "count": 1 }],
            "by_province": [{ "year": 2026, "reason": "trl_too_low", "province": "92", "count": 1 }] })
    );
}

#[tokio::test]
async fn officer_recorded_deals_count_apart_and_in_the_total_and_the_public_sees_totals_only() {
    let Known { app, admin, .. } = known().await;

    // The country, a platform admin's view: each deal once.
    let reply = app.get_as(&admin.access_token, "/api/v1/stats").await;
    let national = reply.ok();
    let totals = &national["totals"]["deal_records"];
    assert_eq!(
        (
            &totals["verified_deals"],
            &totals["confirmed_deals"],
            &totals["officer_recorded_deals"],
            &totals["value_vnd"]
        ),
        (&json!(3), &json!(2), &json!(1), &json!(2_100_000_000_i64)),
        "M4 is not confirmed: {totals}"
    );
    assert_eq!(totals["follow_ups"], json!({ "sent": 2, "answered": 1, "response_rate": 0.5 }));
    assert_eq!(totals["intermediaries"]["total"], 3);
    assert_eq!(
        totals["declines"]["by_province"],
        json!([{ "year": 2026, "reason": "trl_too_low", "province": "92", "count": 1 }])
    );
    let row = |code: &str| {
        national["provinces"].as_array().unwrap().iter().find(|p| p["code"] == code).unwrap()["deal_records"].clone()
    };
    let hanoi = row("01");
    assert_eq!(
        (&hanoi["verified_deals"], &hanoi["officer_recorded_deals"], &hanoi["value_vnd"]),
        (&json!(1), &json!(1), &json!(400_000_000))
    );
    assert_eq!(hanoi["by_year"][0]["from"], "2025-12-31", "a province's years start with its own first deal");
    assert_eq!(row("48")["verified_deals"], 3);
    assert_eq!(row("92")["verified_deals"], 1);
    let y2025 = year(totals, 2025);
    assert_eq!((&y2025["verified_deals"], &y2025["officer_recorded_deals"]), (&json!(2), &json!(1)));
    assert_eq!(year(totals, 2026)["growth"]["officer_recorded_deals"], Value::Null);

    // The public: totals, and only the value both sides let be published.
    let public = app.get("/api/v1/stats").await;
    let totals = &public.ok()["totals"]["deal_records"];
    assert_eq!(
        (&totals["verified_deals"], &totals["officer_recorded_deals"], &totals["value_vnd"]),
        (&json!(3), &json!(1), &json!(1_000_000_000))
    );
    for key in [
        "share_with_ip_assets",
        "share_from_abroad",
        "share_from_developed_countries",
        "median_days_to_deal",
        "follow_ups",
        "declines",
    ] {
        assert!(totals.get(key).is_none(), "{key} is for officers: {totals}");
    }
    let hanoi =
        &public.body["provinces"].as_array().unwrap().iter().find(|p| p["code"] == "01").unwrap()["deal_records"];
    assert_eq!(
        (&hanoi["verified_deals"], &hanoi["value_vnd"]),
        (&json!(1), &json!(0)),
        "one unpublished deal: no value at all"
    );
    assert!(
        hanoi["by_year"].as_array().unwrap().iter().all(|y| y["value_vnd"] == 0 && y["year_before"]["value_vnd"] == 0)
    );
    let da_nang = app.get("/api/v1/tenants/48/stats").await;
    let deals = &da_nang.ok()["deals"];
    assert_eq!(
        (&deals["verified_deals"], &deals["value_vnd"], &deals["published_value_deals"]),
        (&json!(3), &json!(1_000_000_000), &json!(1))
    );
    assert_eq!(year(deals, 2026)["value_vnd"], 0, "M3's value stays private");
    assert_eq!(year(deals, 2026)["growth"]["value_vnd"], -1.0);
    let text = &da_nang.text;
    for private in ["400000000", "700000000", "2100000000", "1400000000", "5555555555"] {
        assert!(!text.contains(private), "{private} in {text}");
    }
}

#[tokio::test]
async fn deals_in_the_open_data_carry_no_unpublished_value_and_no_party() {
    let Known { app, .. } = known().await;
    let json = app.get("/api/v1/exports/deals.json").await;
    let deals = json.ok().as_array().unwrap().clone();
    assert_eq!(deals.len(), 3, "verified and officer-recorded deals only: {}", json.text);
    let mut seen: Vec<(String, String, String, Value)> = deals
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap().to_owned();
            (
                s("signed_month"),
                s("status"),
                format!("{}-{}", s("offer_province"), s("need_province")),
                d["value_vnd"].clone(),
            )
        })
        .collect();
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        seen,
        vec![
            ("2025-02".into(), "verified".into(), "48-92".into(), json!(1_000_000_000)),
            ("2025-12".into(), "officer_recorded".into(), "01-48".into(), Value::Null),
            ("2026-01".into(), "verified".into(), "48-48".into(), Value::Null),
        ]
    );
    let japan = deals.iter().find(|d| d["origin_country"] == "JP").unwrap();
    assert_eq!((&japan["from_developed_country"], &japan["origin"]), (&json!(true), &json!("foreign")));
    let m1 = deals.iter().find(|d| d["signed_month"] == "2025-02").unwrap();
    assert_eq!((&m1["ip_asset_kinds"], &m1["objects"][0]["code"]), (&json!(["patent"]), &json!("process")));

    let csv_reply = app.get("/api/v1/exports/deals.csv?province=48").await;
    assert_eq!(csv_reply.status, 200);
    assert!(csv_reply.content_type.starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(csv_reply.text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let value_at = headers.iter().position(|h| h == "value_vnd").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let mut values: Vec<&str> = rows.iter().map(|r| &r[value_at]).collect();
    values.sort();
    assert_eq!(values, vec!["", "", "1000000000"]);
    let hanoi = app.get("/api/v1/exports/deals.json?province=01").await;
    assert_eq!(hanoi.ok().as_array().unwrap().len(), 1);
    for reply in [&json, &csv_reply, &hanoi] {
        for private in ["400000000", "700000000", "5555555555", "Sông Hàn", "Phong Điền", "1-0034567"] {
            assert!(!reply.text.contains(private), "{private} in {}", reply.text);
        }
    }
    app.get("/api/v1/exports/deals.csv?province=99").await.problem(404);
    app.get("/api/v1/exports/deals.xml").await.problem(404);
}
