//! Targets: set by a province's admins, shown beside the figure they aim at.

use serde_json::json;

use super::{Known, known_data};

#[tokio::test]
async fn admins_set_targets_that_the_figures_show() {
    let Known { app, hanoi_admin, hanoi_mod, hcmc_mod, .. } = known_data().await;
    let set = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/tenants/01/targets/st_enterprises",
            Some(&hanoi_admin.access_token),
            Some(&json!({ "value": 30, "year": 2030 })),
            None,
        )
        .await;
    assert_eq!(
        set.ok().clone(),
        json!({ "indicator": "st_enterprises", "actual": 1, "target": 30, "target_year": 2030 })
    );
    app.request(
        reqwest::Method::PUT,
        "/api/v1/tenants/01/targets/deal_value_vnd",
        Some(&hanoi_admin.access_token),
        Some(&json!({ "value": 50_000_000_000_i64, "year": 2028 })),
        None,
    )
    .await
    .ok();

    // Beside the figures, for officers and the public alike.
    let figures = app.get("/api/v1/tenants/01/stats?from=2026-04-01").await.ok().clone();
    assert_eq!(
        figures["st_enterprises"],
        json!({ "indicator": "st_enterprises", "actual": 1, "target": 30, "target_year": 2030 })
    );
    let targets = figures["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2);
    assert!(targets.contains(&json!({ "indicator": "deal_value_vnd", "actual": 900_000_000, "target": 50_000_000_000_i64, "target_year": 2028 })));

    // Every indicator, with or without a target.
    let all = app.get("/api/v1/tenants/01/targets").await.ok().clone();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 13);
    let line = |indicator: &str| all.iter().find(|t| t["indicator"] == indicator).unwrap().clone();
    assert_eq!(line("startups"), json!({ "indicator": "startups", "actual": 1, "target": null, "target_year": null }));
    assert_eq!(line("organizations")["actual"], 3);
    assert_eq!(line("published_offers")["actual"], 1);
    assert_eq!(line("connections")["actual"], 1);
    assert_eq!(line("deals")["actual"], 1);

    // Changing and removing.
    app.request(
        reqwest::Method::PUT,
        "/api/v1/tenants/01/targets/st_enterprises",
        Some(&hanoi_admin.access_token),
        Some(&json!({ "value": 45, "year": 2030 })),
        None,
    )
    .await
    .ok();
    assert_eq!(app.get("/api/v1/tenants/01/stats").await.ok()["st_enterprises"]["target"], 45);
    let removed = app.delete_as(&hanoi_admin.access_token, "/api/v1/tenants/01/targets/st_enterprises").await;
    assert_eq!(removed.status, 204);
    assert_eq!(app.get("/api/v1/tenants/01/stats").await.ok()["st_enterprises"]["target"], serde_json::Value::Null);
    app.delete_as(&hanoi_admin.access_token, "/api/v1/tenants/01/targets/st_enterprises").await.problem(404);

    // Moderators and other provinces' officers may not; nor may anyone unknown.
    let body = json!({ "value": 1, "year": 2030 });
    for token in [&hanoi_mod.access_token, &hcmc_mod.access_token] {
        app.request(reqwest::Method::PUT, "/api/v1/tenants/01/targets/startups", Some(token), Some(&body), None)
            .await
            .problem(404);
    }
    app.request(reqwest::Method::PUT, "/api/v1/tenants/01/targets/startups", None, Some(&body), None)
        .await
        .problem(401);
    assert_eq!(app.get("/api/v1/tenants/01/targets").await.ok()[1]["target"], serde_json::Value::Null);
}

#[tokio::test]
async fn bad_targets_are_refused() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.staff("admin@hue.gov.vn", "46", "tenant_admin").await;
    let put = |path: &str, body: serde_json::Value| {
        let app = &app;
        let token = admin.access_token.clone();
        let path = path.to_owned();
        async move { app.request(reqwest::Method::PUT, &path, Some(&token), Some(&body), None).await }
    };
    let unknown = put("/api/v1/tenants/46/targets/happiness", json!({ "value": 1, "year": 2030 })).await;
    assert_eq!(unknown.invalid_fields(), vec!["indicator"]);
    let bad = put("/api/v1/tenants/46/targets/startups", json!({ "value": -5, "year": 1990 })).await;
    assert_eq!(bad.invalid_fields(), vec!["value", "year"]);
    let missing = put("/api/v1/tenants/46/targets/startups", json!({})).await;
    assert_eq!(missing.invalid_fields(), vec!["value", "year"]);
    let wrong_type = put("/api/v1/tenants/46/targets/startups", json!({ "value": "thirty", "year": 2030 })).await;
    wrong_type.problem(422);
    put("/api/v1/tenants/99/targets/startups", json!({ "value": 1, "year": 2030 })).await.problem(404);
    app.get("/api/v1/tenants/99/targets").await.problem(404);
    // Nothing was stored by the refusals.
    let targets = app.get("/api/v1/tenants/46/targets").await.ok().clone();
    assert!(targets.as_array().unwrap().iter().all(|t| t["target"].is_null()));
}
