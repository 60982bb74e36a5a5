//! Province and national figures equal the known data set, number for number.

use chrono::Duration;
use serde_json::{Value, json};

use super::{Known, at, known_data, t0};

fn counts(rows: &Value, key: &str) -> Vec<(String, String, i64)> {
    let mut out: Vec<(String, String, i64)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (r["kind"].as_str().unwrap().to_owned(), r[key].as_str().unwrap().to_owned(), r["count"].as_i64().unwrap())
        })
        .collect();
    out.sort();
    out
}

fn owned(rows: &[(&str, &str, i64)]) -> Vec<(String, String, i64)> {
    let mut out: Vec<(String, String, i64)> = rows.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), *c)).collect();
    out.sort();
    out
}

#[tokio::test]
async fn province_figures_equal_the_known_data() {
    let Known { app, hanoi_mod, hcmc_mod, .. } = known_data().await;
    let now = app.clock.now();
    let figures = app.get_as(&hanoi_mod.access_token, "/api/v1/tenants/01/stats").await.ok().clone();
    assert_eq!(figures["view"], "full");
    assert_eq!(figures["province"], json!({ "code": "01", "name_vi": "Hà Nội" }));
    assert_eq!(figures["period"], json!({ "from": null, "to": null }));

    let orgs = &figures["organizations"];
    assert_eq!(orgs["approved"], 3);
    assert_eq!(orgs["registered"], 6);
    assert_eq!(
        counts(&orgs["by_kind_status"], "status"),
        owned(&[
            ("st_enterprise", "approved", 1),
            ("st_enterprise", "submitted", 1),
            ("startup", "approved", 1),
            ("enterprise", "rejected", 1),
            ("enterprise", "draft", 1),
            ("institute", "approved", 1),
        ])
    );
    assert_eq!(
        orgs["approved_by_kind"],
        json!([{ "kind": "institute", "count": 1 }, { "kind": "st_enterprise", "count": 1 }, { "kind": "startup", "count": 1 }])
    );
    assert_eq!(
        orgs["registrations_per_month"],
        json!([{ "month": "2026-03", "count": 5 }, { "month": "2026-04", "count": 1 }])
    );
    assert_eq!(
        figures["st_enterprises"],
        json!({ "indicator": "st_enterprises", "actual": 1, "target": null, "target_year": null })
    );

    let listings = &figures["listings"];
    assert_eq!((listings["published_offers"].as_i64(), listings["published_needs"].as_i64()), (Some(1), Some(1)));
    assert_eq!(
        counts(&listings["by_kind_status"], "status"),
        owned(&[("offer", "published", 1), ("offer", "pending_review", 1), ("need", "published", 1)])
    );
    let fields = listings["by_st_field"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{fields:?}");
    assert_eq!(
        (fields[0]["code"].as_str(), fields[0]["offers"].as_i64(), fields[0]["needs"].as_i64()),
        (Some("405"), Some(1), Some(1))
    );
    assert!(!fields[0]["name_vi"].as_str().unwrap().is_empty());
    assert_eq!(listings["by_strategic_tag"], json!([]));

    let matches = &figures["matches"];
    assert_eq!(
        counts(
            &matches["by_state"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| json!({ "kind": "match", "state": r["state"], "count": r["count"] }))
                .collect::<Value>(),
            "state"
        ),
        owned(&[("match", "deal", 1), ("match", "declined", 1)])
    );
    assert_eq!(matches["total"], 2);
    assert_eq!(matches["connections"], 1);
    assert_eq!(matches["deals"], 1);
    assert_eq!(matches["deal_value_vnd"], 900_000_000);

    // Decisions: 2 h, 10 h, 6 h (organizations, March), 4 h and 4 h (listings, March),
    // 30 h (the institute, April). Nearest-rank median and 90th percentile.
    let review = &figures["review"];
    assert_eq!(review["decisions"], 6);
    assert_eq!(tenths(&review["median_hours"]), 4.0);
    assert_eq!(tenths(&review["p90_hours"]), 30.0);
    let per_month: Vec<(String, i64, f64, f64)> = review["per_month"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let month = m["month"].as_str().unwrap().to_owned();
            (month, m["decisions"].as_i64().unwrap(), tenths(&m["median_hours"]), tenths(&m["p90_hours"]))
        })
        .collect();
    assert_eq!(per_month, vec![("2026-03".to_owned(), 5, 4.0, 10.0), ("2026-04".to_owned(), 1, 30.0, 30.0)]);
    let oldest = t0() + Duration::hours(10);
    let queue = &review["queue"];
    assert_eq!(queue["organizations"], 1);
    assert_eq!(queue["listings"], 1);
    assert_eq!(queue["total"], 2);
    // The clock runs on from each point it is set to, by the time the requests take (more
    // than a second on a busy machine).
    let submitted = queue["oldest_submitted_at"].as_str().unwrap();
    let submitted = chrono::DateTime::parse_from_rfc3339(submitted).unwrap().naive_utc();
    assert!(submitted >= oldest && submitted - oldest < Duration::seconds(60), "{submitted}");
    let waited = queue["oldest_waiting_hours"].as_f64().unwrap();
    assert!((waited - (now - oldest).num_seconds() as f64 / 3600.0).abs() < 0.02, "{waited}");

    // Hồ Chí Minh City: its own organization and need, and the cross-province deal.
    let hcmc = app.get_as(&hcmc_mod.access_token, "/api/v1/tenants/79/stats").await.ok().clone();
    assert_eq!(hcmc["organizations"]["approved"], 1);
    assert_eq!(hcmc["organizations"]["registered"], 1);
    assert_eq!(hcmc["listings"]["published_needs"], 1);
    assert_eq!(hcmc["listings"]["published_offers"], 0);
    assert_eq!(hcmc["matches"]["by_state"], json!([{ "state": "deal", "count": 1 }]));
    assert_eq!(hcmc["matches"]["connections"], 1);
    assert_eq!(hcmc["matches"]["deal_value_vnd"], 900_000_000);
    assert_eq!(hcmc["review"]["decisions"], 2);
    assert_eq!(hcmc["review"]["median_hours"], 1.0);
    assert_eq!(hcmc["review"]["queue"]["total"], 0);
    assert_eq!(hcmc["review"]["queue"]["oldest_submitted_at"], Value::Null);
}

#[tokio::test]
async fn periods_count_what_happened_within_them() {
    let Known { app, hanoi_mod, .. } = known_data().await;
    let token = &hanoi_mod.access_token;
    let march = app.get_as(token, "/api/v1/tenants/01/stats?from=2026-03-01&to=2026-03-31").await.ok().clone();
    assert_eq!(march["period"], json!({ "from": "2026-03-01", "to": "2026-03-31" }));
    assert_eq!(march["organizations"]["registered"], 5);
    assert_eq!(march["organizations"]["approved"], 2);
    assert_eq!(march["organizations"]["registrations_per_month"], json!([{ "month": "2026-03", "count": 5 }]));
    assert_eq!(march["listings"]["published_offers"], 1);
    assert_eq!(march["matches"]["total"], 2);
    assert_eq!(march["matches"]["deals"], 1);
    assert_eq!(march["review"]["decisions"], 5);
    assert_eq!(tenths(&march["review"]["median_hours"]), 4.0);
    assert_eq!(march["review"]["p90_hours"], 10.0);
    // Targets and the queue stand as they are now, whatever the period.
    assert_eq!(march["review"]["queue"]["total"], 2);

    let april = app.get_as(token, "/api/v1/tenants/01/stats?from=2026-04-01").await.ok().clone();
    assert_eq!(april["organizations"]["registered"], 1);
    assert_eq!(april["organizations"]["approved_by_kind"], json!([{ "kind": "institute", "count": 1 }]));
    assert_eq!(april["listings"]["published_offers"], 0);
    assert_eq!(april["listings"]["by_st_field"], json!([]));
    assert_eq!(april["matches"]["total"], 0);
    assert_eq!(april["matches"]["connections"], 0);
    assert_eq!(april["matches"]["deals"], 0);
    assert_eq!(april["matches"]["deal_value_vnd"], 0);
    assert_eq!(april["review"]["decisions"], 1);
    assert_eq!(april["review"]["median_hours"], 30.0);
    assert_eq!(april["st_enterprises"]["actual"], 1);

    // One local day: 2 March in Vietnam is 17:00 UTC on 1 March to 17:00 UTC on 2 March.
    let day = app.get_as(token, "/api/v1/tenants/01/stats?from=2026-03-02&to=2026-03-02").await.ok().clone();
    assert_eq!(day["organizations"]["registered"], 5);
    assert_eq!(day["review"]["decisions"], 3);
    let deal_day = app.get_as(token, "/api/v1/tenants/01/stats?from=2026-03-04&to=2026-03-04").await.ok().clone();
    assert_eq!((deal_day["matches"]["deals"].as_i64(), deal_day["matches"]["total"].as_i64()), (Some(1), Some(0)));
}

#[tokio::test]
async fn the_public_sees_a_subset_without_private_data() {
    let Known { app, hcmc_mod, .. } = known_data().await;
    for (caller, reply) in [
        ("anonymous", app.get("/api/v1/tenants/01/stats").await),
        ("another province's moderator", app.get_as(&hcmc_mod.access_token, "/api/v1/tenants/01/stats").await),
        (
            "a moderator asking for the public view",
            app.get_as(&hcmc_mod.access_token, "/api/v1/tenants/79/stats?view=public").await,
        ),
    ] {
        let figures = reply.ok().clone();
        assert_eq!(figures["view"], "public", "{caller}");
        assert!(figures.get("review").is_none(), "{caller}");
        for private in ["registered", "by_kind_status", "registrations_per_month"] {
            assert!(figures["organizations"].get(private).is_none(), "{caller}: {private}");
        }
        assert!(figures["listings"].get("by_kind_status").is_none(), "{caller}");
        for private in ["by_state", "total", "deal_value_vnd"] {
            assert!(figures["matches"].get(private).is_none(), "{caller}: {private}");
        }
        for word in ["draft", "pending_review", "rejected", "submitted", "declined", "900000000", "@"] {
            assert!(!reply.text.contains(word), "{caller}: the public figures mention {word}: {}", reply.text);
        }
    }
    let public = app.get("/api/v1/tenants/01/stats").await.ok().clone();
    assert_eq!(public["organizations"]["approved"], 3);
    assert_eq!(public["listings"]["published_offers"], 1);
    assert_eq!(public["matches"], json!({ "connections": 1, "deals": 1 }));
}

#[tokio::test]
async fn review_figures_are_404_outside_the_province() {
    let Known { app, hanoi_mod, hcmc_mod, owner, .. } = known_data().await;
    for (who, token) in [("HCMC moderator", &hcmc_mod.access_token), ("an owner", &owner.access_token)] {
        let reply = app.get_as(token, "/api/v1/tenants/01/stats?view=full").await;
        assert_eq!(reply.problem(404)["status"], 404, "{who}");
    }
    app.get("/api/v1/tenants/01/stats?view=full").await.problem(404);
    app.get_as(&hanoi_mod.access_token, "/api/v1/tenants/79/stats?view=full").await.problem(404);
    app.get_as(&hanoi_mod.access_token, "/api/v1/stats?view=full").await.problem(404);
    let admin = app.platform_admin("root@techbridge.vn").await;
    let full = app.get_as(&admin.access_token, "/api/v1/tenants/01/stats").await;
    assert_eq!(full.ok()["view"], "full");
    assert_eq!(full.body["review"]["decisions"], 6);
}

#[tokio::test]
async fn national_figures_put_provinces_side_by_side() {
    let Known { app, .. } = known_data().await;
    let admin = app.platform_admin("root@techbridge.vn").await;
    let national = app.get_as(&admin.access_token, "/api/v1/stats").await.ok().clone();
    assert_eq!(national["view"], "full");
    let provinces = national["provinces"].as_array().unwrap();
    assert_eq!(provinces.len(), 34);
    let row = |code: &str| provinces.iter().find(|p| p["code"] == code).unwrap().clone();
    let hanoi = row("01");
    assert_eq!(
        (hanoi["organizations_approved"].as_i64(), hanoi["st_enterprises"].as_i64(), hanoi["registered"].as_i64()),
        (Some(3), Some(1), Some(6))
    );
    assert_eq!((hanoi["published_offers"].as_i64(), hanoi["published_needs"].as_i64()), (Some(1), Some(1)));
    assert_eq!(
        (hanoi["matches"].as_i64(), hanoi["connections"].as_i64(), hanoi["deals"].as_i64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(hanoi["deal_value_vnd"], 900_000_000);
    assert_eq!((hanoi["review_decisions"].as_i64(), hanoi["review_median_hours"].as_f64()), (Some(6), Some(4.0)));
    assert_eq!(hanoi["queue_length"], 2);
    let hcmc = row("79");
    assert_eq!((hcmc["matches"].as_i64(), hcmc["deals"].as_i64()), (Some(1), Some(1)));
    assert_eq!(hcmc["review_decisions"], 2);
    let hue = row("46");
    assert_eq!((hue["organizations_approved"].as_i64(), hue["matches"].as_i64()), (Some(0), Some(0)));
    assert_eq!(hue["review_median_hours"], Value::Null);

    // The cross-province deal counts in both provinces and once for the country.
    let totals = &national["totals"];
    assert_eq!(totals["code"], "VN");
    assert_eq!(totals["organizations_approved"], 4);
    assert_eq!(totals["registered"], 7);
    assert_eq!(totals["matches"], 2);
    assert_eq!(totals["connections"], 1);
    assert_eq!(totals["deals"], 1);
    assert_eq!(totals["deal_value_vnd"], 900_000_000);
    assert_eq!(totals["published_needs"], 2);
    assert_eq!(totals["review_decisions"], 8);
    assert_eq!(totals["queue_length"], 2);

    let public = app.get("/api/v1/stats?from=2026-03-01&to=2026-03-31").await;
    let public_body = public.ok();
    assert_eq!(public_body["view"], "public");
    assert_eq!(public_body["totals"]["organizations_approved"], 3);
    for private in ["registered", "matches", "deal_value_vnd", "review_decisions", "queue_length"] {
        assert!(public_body["totals"].get(private).is_none(), "{private}");
    }
    assert!(!public.text.contains("900000000"));
}

#[tokio::test]
async fn a_suspended_organization_leaves_the_public_counts_but_not_the_review_counts() {
    let Known { app, hanoi_mod, hanoi_org, .. } = known_data().await;
    let reply = app.decide_org(&hanoi_mod, &hanoi_org, "suspend", Some("Hồ sơ đang được xác minh lại")).await;
    assert_eq!(reply.status, 200, "{}", reply.text);

    // Its offer stays published (nothing is deleted) but the marketplace hides it.
    let public = app.get("/api/v1/tenants/01/stats").await.ok().clone();
    assert_eq!(
        (public["listings"]["published_offers"].as_i64(), public["listings"]["published_needs"].as_i64()),
        (Some(0), Some(1))
    );
    let fields = public["listings"]["by_st_field"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{fields:?}");
    assert_eq!(
        (fields[0]["code"].as_str(), fields[0]["offers"].as_i64(), fields[0]["needs"].as_i64()),
        (Some("405"), Some(0), Some(1))
    );
    assert_eq!(public["organizations"]["approved"], 2);
    assert_eq!(public["st_enterprises"]["actual"], 0);

    let full = app.get_as(&hanoi_mod.access_token, "/api/v1/tenants/01/stats").await.ok().clone();
    assert_eq!(
        counts(&full["listings"]["by_kind_status"], "status"),
        owned(&[("offer", "published", 1), ("offer", "pending_review", 1), ("need", "published", 1)])
    );
    assert_eq!(
        counts(&full["organizations"]["by_kind_status"], "status"),
        owned(&[
            ("st_enterprise", "suspended", 1),
            ("st_enterprise", "submitted", 1),
            ("startup", "approved", 1),
            ("enterprise", "rejected", 1),
            ("enterprise", "draft", 1),
            ("institute", "approved", 1),
        ])
    );

    let national = app.get("/api/v1/stats").await.ok().clone();
    let hanoi = national["provinces"].as_array().unwrap().iter().find(|p| p["code"] == "01").unwrap().clone();
    assert_eq!((hanoi["published_offers"].as_i64(), hanoi["published_needs"].as_i64()), (Some(0), Some(1)));
    assert_eq!(
        (national["totals"]["published_offers"].as_i64(), national["totals"]["published_needs"].as_i64()),
        (Some(0), Some(2))
    );
}

#[tokio::test]
async fn bad_periods_and_unknown_provinces_are_refused() {
    let app = crate::helpers::spawn_app().await;
    app.clock.travel_to(at(2026, 3, 2, 2));
    let malformed = app.get("/api/v1/tenants/01/stats?from=2026-13-01&to=31/03/2026").await;
    malformed.problem(422);
    assert_eq!(malformed.invalid_fields(), vec!["from", "to"]);
    let inverted = app.get("/api/v1/tenants/01/stats?from=2026-04-01&to=2026-03-01").await;
    inverted.problem(422);
    assert_eq!(inverted.invalid_fields(), vec!["to"]);
    assert_eq!(inverted.body["errors"][0]["code"], "inverted_range");
    app.get("/api/v1/stats?to=yesterday").await.problem(422);
    app.get("/api/v1/stats?from=1850-01-01").await.problem(422);
    app.get("/api/v1/tenants/01/stats?view=everything").await.problem(422);
    app.get("/api/v1/tenants/99/stats").await.problem(404);
    app.get("/api/v1/tenants/xx%27;--/stats").await.problem(404);
    // Vietnamese by default, English on request.
    let english = app.request(reqwest::Method::GET, "/api/v1/tenants/01/stats?from=x", None, None, Some("en")).await;
    assert!(english.problem(422)["errors"][0]["message"].as_str().unwrap().contains("YYYY-MM-DD"));
}

/// Hours rounded to a tenth: the clock runs on by the seconds each request takes.
fn tenths(hours: &Value) -> f64 {
    (hours.as_f64().unwrap() * 10.0).round() / 10.0
}
