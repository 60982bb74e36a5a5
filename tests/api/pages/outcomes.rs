//! The outcome pages without JavaScript: the dashboard's outcome charts equal the API, the
//! public province page keeps to totals and published values, the deal form takes every
//! term with its refusals beside the fields in vi and en, and a "deal signed" follow-up
//! leads to that form.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use super::workspace::tables;
use crate::helpers::browser::{Browser, excerpt};
use crate::outcome_figures::{Known, answer_link, known};
use crate::outcomes::{Connected, connected};

fn numbers(values: &[&Value]) -> Vec<f64> {
    values.iter().map(|v| v.as_f64().unwrap()).collect()
}

#[tokio::test]
async fn the_dashboard_draws_the_outcome_figures_and_the_public_page_only_their_totals() {
    let Known { app, mod48, .. } = known().await;
    let stats = app.get_as(&mod48.access_token, "/api/v1/tenants/48/stats").await.ok()["deals"].clone();
    let mut officer = Browser::new(&app);
    officer.sign_in("mod@danang.gov.vn", "/province/48/figures").await.ok();
    let dashboard = officer.get("/province/48/figures").await;
    let drawn = tables(dashboard.ok());
    for year in stats["by_year"].as_array().unwrap() {
        let key = year["year"].to_string();
        assert_eq!(
            drawn["deals_by_year"][&key],
            numbers(&[
                &year["verified_deals"],
                &year["confirmed_deals"],
                &year["officer_recorded_deals"],
                &year["year_before"]["verified_deals"]
            ]),
            "{key}"
        );
        assert_eq!(
            drawn["deal_value_by_year"][&key],
            numbers(&[&year["value_vnd"], &year["year_before"]["value_vnd"]])
        );
        for (measure, growth) in year["growth"].as_object().unwrap() {
            let row = drawn["growth"].get(&format!("{key}.{measure}"));
            match growth.as_f64() {
                Some(growth) => assert_eq!(row, Some(&vec![(growth * 10_000.0).round() / 100.0]), "{key}.{measure}"),
                None => assert_eq!(row, None, "no growth from nothing: {key}.{measure}"),
            }
        }
        let asked = &year["follow_ups"];
        if asked["sent"].as_i64().unwrap() > 0 {
            let rate = (asked["response_rate"].as_f64().unwrap() * 10_000.0).round() / 100.0;
            assert_eq!(
                drawn["follow_up_response"][&key],
                vec![asked["sent"].as_f64().unwrap(), asked["answered"].as_f64().unwrap(), rate]
            );
        }
        if let Some(days) = year["median_days_to_deal"].as_f64() {
            assert_eq!(drawn["days_to_deal"][&key], vec![days]);
        }
    }
    assert_eq!(drawn["deals_by_year"].len(), 2);
    assert_eq!(drawn["growth"]["2026.value_vnd"], vec![-30.0]);
    for subtype in stats["intermediaries"]["by_subtype"].as_array().unwrap() {
        assert_eq!(
            drawn["intermediaries_by_subtype"][subtype["subtype"].as_str().unwrap()],
            vec![subtype["count"].as_f64().unwrap()]
        );
    }
    assert_eq!(drawn["deal_shares"]["from_developed_countries"], vec![33.33]);
    assert_eq!(drawn["deal_shares"]["with_ip_assets"], vec![33.33]);
    assert!(dashboard.html.contains("giao dịch đã xác minh"), "the period's totals in the cards");
    let csv = officer.get("/province/48/figures.csv?chart=deals_by_year").await;
    assert_eq!(csv.status, 200);
    assert!(csv.html.contains("deals_by_year,2025,"), "{}", csv.html);

    // The public page: totals and published values only.
    let mut visitor = Browser::new(&app);
    let public = visitor.get("/provinces/48").await;
    let shown = tables(public.ok());
    assert_eq!(shown["deals_by_year"]["2025"], vec![2.0, 1.0, 1.0, 0.0]);
    assert_eq!(shown["deal_value_by_year"]["2025"], vec![1_000_000_000.0, 0.0], "M2 stays private");
    assert_eq!(shown["deal_value_by_year"]["2026"], vec![0.0, 1_000_000_000.0], "M3 stays private");
    assert_eq!(shown["intermediaries_by_subtype"]["technology_exchange"], vec![1.0]);
    for internal in ["deal_shares", "days_to_deal", "follow_up_response", "declines_by_field", "declines_by_province"] {
        assert!(!shown.contains_key(internal), "{internal} is for officers");
    }
    for path in [
        "/provinces/48",
        "/provinces/48/figures.csv",
        "/provinces/48/figures.json",
        "/provinces/01",
        "/provinces/01/figures.csv",
    ] {
        let page = visitor.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        for private in ["400000000", "700000000", "1400000000", "2100000000", "400 triệu", "700 triệu"] {
            assert!(!page.html.contains(private), "{path} shows {private}");
        }
    }
}

#[tokio::test]
async fn the_deal_form_takes_every_term_and_names_each_refusal_beside_its_field_in_vi_and_en() {
    let Connected { app, match_id, .. } = connected().await;
    let path = format!("/matches/{match_id}");
    let mut buyer = Browser::new(&app);
    buyer.sign_in("buyer@phongdien.vn", &path).await.ok();
    let page = buyer.get(&path).await;
    for field in [
        "objects",
        "rights",
        "modes",
        "ip_kind_0",
        "ip_number_2",
        "foreign_currency",
        "origin_country",
        "registration_number",
        "duration_months",
    ] {
        assert!(page.ok().contains(&format!("name=\"{field}\"")), "{field} on the form");
    }
    let version = page.value_of("version").unwrap();
    let bad: Vec<(&str, &str)> = vec![
        ("objects", "process"),
        ("objects", "know_how"),
        ("ip_kind_0", "patent"),
        ("ip_title_0", "Bể phản ứng sinh học"),
        ("value_vnd", "987.654.321"),
        ("foreign_currency", "ABC"),
        ("foreign_amount", "100"),
        ("date", "2099-01-01"),
        ("origin", "foreign"),
        ("origin_country", "ZZ"),
        ("version", &version),
    ];
    let refused = buyer.post(&format!("{path}/deal"), &bad).await;
    let html = refused.ok().to_owned();
    for field in ["ip_number_0", "foreign_currency", "date", "origin_country"] {
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{field} refused beside it: {}", excerpt(&html));
    }
    assert!(html.contains("Không có quốc gia mã"), "in Vietnamese");
    assert!(
        html.contains("value=\"ZZ\"")
            && html.contains("value=\"Bể phản ứng sinh học\"")
            && html.contains("value=\"987.654.321\""),
        "typed values kept"
    );
    assert!(html.contains("value=\"process\" checked") && html.contains("value=\"know_how\" checked"));
    assert!(!html.contains("value=\"training\" checked"));

    buyer.switch_language("en").await;
    buyer.get(&path).await.ok();
    let refused = buyer.post(&format!("{path}/deal"), &bad).await;
    let html = refused.ok().to_owned();
    assert!(
        html.contains("No country has the code") && html.contains("id=\"ip_number_0-error\""),
        "{}",
        excerpt(&html)
    );
    let words = buyer.post(&format!("{path}/deal"), &[("value_vnd", "five hundred"), ("version", &version)]).await;
    assert!(words.ok().contains("id=\"value_vnd-error\"") && words.html.contains("Enter a whole number."));
    let api = app.login("buyer@phongdien.vn").await;
    assert_eq!(
        app.get_as(&api.access_token, &format!("/api/v1/matches/{match_id}")).await.ok()["state"],
        "connected",
        "nothing recorded"
    );

    let good: Vec<(&str, &str)> = vec![
        ("objects", "process"),
        ("rights", "licence_exclusive"),
        ("modes", "training"),
        ("ip_kind_0", "patent"),
        ("ip_number_0", "1-0034567"),
        ("ip_kind_1", "know_how"),
        ("ip_title_1", "Chủng vi sinh"),
        ("value_vnd", "987.654.321"),
        ("foreign_currency", "JPY"),
        ("foreign_amount", "9500000"),
        ("date", "2026-11-20"),
        ("duration_months", "24"),
        ("origin", "foreign"),
        ("origin_country", "jp"),
        ("registration_number", "15/GCN-SKHCN"),
        ("registration_date", "2026-11-25"),
        ("version", &version),
    ];
    let recorded = buyer.post(&format!("{path}/deal"), &good).await;
    assert!(recorded.ok().contains("state-deal"), "{}", excerpt(&recorded.html));
    let deal = app.get_as(&api.access_token, &format!("/api/v1/matches/{match_id}/deal")).await;
    let body = deal.ok();
    assert_eq!(
        (&body["origin_country"], &body["foreign_currency"], &body["duration_months"]),
        (&json!("JP"), &json!("JPY"), &json!(24))
    );
    assert_eq!(body["ip_assets"].as_array().unwrap().len(), 2);
    assert_eq!((&body["value_vnd"], &body["need_publishes_value"]), (&json!(987_654_321), &json!(false)));
    assert_eq!(body["modes"][0]["code"], "training");

    // The other side confirms, then lets the value be published from the same page.
    let mut seller = Browser::new(&app);
    seller.sign_in("seller@sonhan.vn", &path).await.ok();
    seller.get(&path).await.ok();
    let confirmed = seller.post(&format!("{path}/deal/confirm"), &[]).await;
    assert!(confirmed.ok().contains(&format!("action=\"{path}/deal/consent\"")), "a consent form once confirmed");
    seller.post(&format!("{path}/deal/consent"), &[("publish_value", "yes")]).await.ok();
    let deal = app.get_as(&api.access_token, &format!("/api/v1/matches/{match_id}/deal")).await;
    assert_eq!((&deal.ok()["offer_publishes_value"], &deal.body["value_public"]), (&json!(true), &json!(false)));
}

#[tokio::test]
async fn a_deal_signed_answer_leads_to_the_deal_form() {
    let Connected { app, match_id, .. } = connected().await;
    app.travel(app.clock.now() + Duration::days(30) + Duration::hours(1), &mut []).await;
    app.run_timers().await;
    let mail = crate::outcome_figures::mails_awaited(&app, "buyer@phongdien.vn", "follow_up", 1).await;
    let signed = answer_link(&mail[0], "Đã ký hợp đồng");
    let answered = app.request(Method::POST, &signed, None, None, None).await;
    let form = format!("/matches/{match_id}#deal-heading");
    assert!(answered.text.contains(&format!("href=\"{form}\"")), "{}", answered.text);
    let mut buyer = Browser::new(&app);
    let away = buyer.get_once(&format!("/matches/{match_id}")).await;
    assert!(away.location.as_deref().is_some_and(|l| l.starts_with("/sign-in")), "signed out: to sign in first");
    let back = buyer.sign_in("buyer@phongdien.vn", &format!("/matches/{match_id}")).await;
    assert!(back.ok().contains("id=\"deal-heading\""), "lands on the deal form");
}
