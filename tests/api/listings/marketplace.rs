use std::collections::HashSet;

use serde_json::json;

use super::q;
use crate::helpers::listings::{offer, wastewater_need};
use crate::helpers::{Session, TestApp, spawn_app};

struct Market {
    app: TestApp,
    need: String,
    biogas: String,
    robot: String,
    drone: String,
}

/// Four published listings across three provinces, published in this order.
async fn market() -> Market {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let can_tho = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let da_nang = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let farm = app.approved_org_in(&owner, &can_tho, "92", "Hợp tác xã Phong Điền", 10).await;
    let factory = app.approved_org_in(&owner, &da_nang, "48", "Công ty Cơ khí Sông Hàn", 11).await;
    let publish = |org: String, moderator: Session, body: serde_json::Value| {
        let app = &app;
        let owner = &owner;
        async move {
            let id = app.published_listing(owner, &moderator, &org, &body).await;
            app.clock.advance(chrono::Duration::minutes(1));
            id
        }
    };
    let need = publish(farm.clone(), can_tho.clone(), wastewater_need(json!({}))).await;
    let biogas = publish(
        farm.clone(),
        can_tho.clone(),
        offer(
            "Hầm biogas composite cho trang trại",
            json!({ "st_fields": ["405"], "strategic_tags": [], "trl": 8, "price_vnd": 300_000_000, "summary": "Khí sinh học từ chất thải chăn nuôi", "keywords": ["biogas"] }),
        ),
    )
    .await;
    let robot = publish(
        factory.clone(),
        da_nang.clone(),
        offer(
            "Robot hàn tự động cho nhà máy cơ khí",
            json!({ "st_fields": ["202"], "strategic_tags": ["g01"], "trl": 7, "price_vnd": 2_500_000_000_i64, "transfer_modes": ["licence", "training"] }),
        ),
    )
    .await;
    let drone = publish(
        factory,
        da_nang,
        offer(
            "Thiết bị bay không người lái phun thuốc cho lúa",
            json!({ "st_fields": ["401"], "trl": 5, "price_vnd": null, "price_negotiable": true, "location": "92" }),
        ),
    )
    .await;
    Market { app, need, biogas, robot, drone }
}

fn set(ids: &[&String]) -> HashSet<String> {
    ids.iter().map(|s| (*s).clone()).collect()
}

#[tokio::test]
async fn filters_facets_sorting_and_paging() {
    let Market { app, need, biogas, robot, drone } = market().await;
    let ids = |v: Vec<String>| v.into_iter().collect::<HashSet<_>>();

    // No query: everything, newest first.
    assert_eq!(app.search_ids("").await, vec![drone.clone(), robot.clone(), biogas.clone(), need.clone()]);
    assert_eq!(ids(app.search_ids("kind=need").await), set(&[&need]));
    assert_eq!(ids(app.search_ids("kind=offer&province=92").await), set(&[&biogas, &drone]));
    // A parent field matches children: 4 (agriculture) → 405 and 401.
    assert_eq!(ids(app.search_ids("st_field=4").await), set(&[&need, &biogas, &drone]));
    assert_eq!(ids(app.search_ids("st_field=202").await), set(&[&robot]));
    assert_eq!(ids(app.search_ids("tag=g01").await), set(&[&robot]));
    assert_eq!(ids(app.search_ids("transfer_mode=training").await), set(&[&need, &robot]));
    assert_eq!(ids(app.search_ids("trl_min=7&trl_max=8").await), set(&[&biogas, &robot]));
    // Offers priced in range, needs whose budget overlaps it.
    assert_eq!(ids(app.search_ids("price_min=200000000&price_max=600000000").await), set(&[&need, &biogas]));
    assert_eq!(ids(app.search_ids("price_min=2000000000").await), set(&[&need, &robot]));
    assert_eq!(ids(app.search_ids(&format!("q={}&kind=offer", q("chăn nuôi"))).await), set(&[&biogas]));

    let faceted = app.get("/api/v1/listings?facets=kind,province,st_field,trl").await;
    let facets = &faceted.ok()["facets"];
    let count = |facet: &str, value: &str| -> u64 {
        facets[facet]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["value"] == value)
            .map(|f| f["count"].as_u64().unwrap())
            .unwrap_or(0)
    };
    assert_eq!((count("kind", "offer"), count("kind", "need")), (3, 1));
    assert_eq!((count("province", "92"), count("province", "48")), (3, 1));
    assert_eq!((count("st_field", "4"), count("st_field", "405"), count("st_field", "202")), (3, 2, 1));
    assert_eq!(count("trl", "7"), 1);
    let all = app.get("/api/v1/listings?facets=all&kind=offer").await;
    assert_eq!(all.ok()["facets"].as_object().unwrap().len(), 6);
    assert_eq!(all.body["total"], 3);

    let first = app.get("/api/v1/listings?per_page=3&page=1&sort=newest").await;
    assert_eq!(first.ok()["total"], 4);
    let second = app.get("/api/v1/listings?per_page=3&page=2&sort=newest").await;
    let seen: Vec<&str> = first.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second.body["items"].as_array().unwrap())
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(seen, vec![drone.as_str(), robot.as_str(), biogas.as_str(), need.as_str()]);

    // Public fields only.
    let listed = app.get("/api/v1/listings").await;
    assert!(listed.ok()["items"].as_array().unwrap().iter().all(|i| i.get("private").is_none()));
    assert!(!listed.text.contains("0909 000 111"));
}

#[tokio::test]
async fn any_text_is_taken_as_text() {
    let Market { app, need, .. } = market().await;
    for hostile in [
        "\"nước thải\"",
        "nước AND thải OR (chăn:nuôi*)",
        "title_vi:nước",
        "*",
        "((((",
        "nước thải\u{0}",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
    ] {
        let reply = app.get(&format!("/api/v1/listings?q={}", q(hostile))).await;
        assert_eq!(reply.status, 200, "{hostile}: {}", reply.text);
    }
    assert_eq!(app.search_ids(&format!("q={}", q("\"nước thải\" (chăn:nuôi*)"))).await, vec![need.clone()]);
    let long = "nước thải ".repeat(1000);
    assert!(long.len() > 10_000);
    let reply = app.get(&format!("/api/v1/listings?q={}", q(&long[..10_000]))).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["items"][0]["id"], need.as_str());
}

#[tokio::test]
async fn bad_search_parameters_are_named() {
    let Market { app, .. } = market().await;
    for (query, field) in [
        ("kind=gift", "kind"),
        ("st_field=999", "st_field"),
        ("tag=g99", "tag"),
        ("transfer_mode=teleport", "transfer_mode"),
        ("trl_min=0", "trl_min"),
        ("trl_max=10", "trl_max"),
        ("trl_min=8&trl_max=3", "trl_min"),
        ("price_min=-1", "price_min"),
        ("price_min=5&price_max=1", "price_min"),
        ("sort=random", "sort"),
        ("facets=color", "facets"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("page=101&per_page=100", "page"),
        ("province=abc", "province"),
        ("trl_min=seven", "trl_min"),
    ] {
        let reply = app.get(&format!("/api/v1/listings?{query}")).await;
        assert_eq!(reply.invalid_fields(), vec![field], "{query}");
    }
    assert_eq!(app.search_ids("province=99").await, Vec::<String>::new(), "a well-formed unknown code finds nothing");
}

/// Past 10 000 matches a search says "at least" (API and page), its facets say they
/// cover the first 10 000, a narrow search stays exact, and a results page carries every
/// field the listing's own view has.
#[tokio::test]
async fn a_search_past_ten_thousand_matches_says_at_least_and_the_page_says_so() {
    let app = spawn_app().await;
    let seeded = app.seed_demo_market(300, 10_050, 17).await;
    assert_eq!(seeded, 10_050);
    app.state.search.rebuild().await.unwrap();

    // Every demo listing's summary says "Phù hợp …".
    let broad = app.get("/api/v1/listings?q=phu%20hop&facets=kind,province").await;
    let body = broad.ok();
    // Meilisearch counts facets over every match; the embedded engine over those counted.
    let all_facets = app.state.search.engine.name() == "meilisearch";
    assert_eq!(
        (&body["total"], &body["total_exact"], &body["facets_exact"]),
        (&json!(10_000), &json!(false), &json!(all_facets))
    );
    let counted: u64 = body["facets"]["kind"].as_array().unwrap().iter().map(|f| f["count"].as_u64().unwrap()).sum();
    assert_eq!(counted, if all_facets { 10_050 } else { 10_000 }, "the facets count the matches counted");
    assert_eq!(body["items"].as_array().unwrap().len(), 20);

    // A card is the listing's public view, field for field, with its highlights.
    let first = &body["items"][0];
    let id = first["id"].as_str().unwrap();
    let view = app.get(&format!("/api/v1/listings/{id}")).await.ok().clone();
    let mut card = first.as_object().unwrap().clone();
    assert!(card.remove("highlights").is_some(), "a search hit carries its highlights");
    assert_eq!(serde_json::Value::Object(card), view);

    // A reference number in one description: a few matches (Meilisearch also takes the
    // last word as a prefix), counted exactly, facets and all.
    let narrow = app.get("/api/v1/listings?q=TB-000042&facets=kind").await;
    let body = narrow.ok();
    let total = body["total"].as_u64().unwrap();
    assert!((1..100).contains(&total), "{total}");
    assert_eq!((&body["total_exact"], &body["facets_exact"]), (&json!(true), &json!(true)));
    let counted: u64 = body["facets"]["kind"].as_array().unwrap().iter().map(|f| f["count"].as_u64().unwrap()).sum();
    assert_eq!(counted, total);

    let page = app.client.get(app.url("/listings?q=phu+hop")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("10000+ kết quả"), "the page says at least");
    assert_eq!(page.contains(r#"data-facets="partial""#), !all_facets, "the page says when facets are partial");
    assert_eq!(page.contains("10 000 kết quả đầu tiên"), !all_facets);
    let page = app.client.get(app.url("/listings?q=TB-000042")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!(">{total} kết quả")) && !page.contains(r#"data-facets="partial""#));
}

/// Cards come from the index, so a new name that stands without review reaches them.
#[tokio::test]
async fn a_new_name_that_needs_no_review_reaches_the_marketplace_cards() {
    let Market { app, robot, .. } = market().await;
    let admin = app.staff("admin@danang.gov.vn", "48", "tenant_admin").await;
    app.patch_as(&admin.access_token, "/api/v1/tenants/48/settings", &json!({ "org_review_fields": [] })).await.ok();
    let org =
        app.get(&format!("/api/v1/listings/{robot}")).await.ok()["organization"]["id"].as_str().unwrap().to_owned();
    let owner = app.login("owner@example.vn").await;
    let renamed = app
        .patch_as(
            &owner.access_token,
            &format!("/api/v1/orgs/{org}"),
            &json!({ "legal_name": "Công ty Robot Hàn Việt" }),
        )
        .await;
    assert_eq!(renamed.ok()["status"], "approved", "the name stands without review here");
    app.drain_jobs().await;
    let found = app.get("/api/v1/listings?q=robot").await;
    let card = &found.ok()["items"][0];
    assert_eq!((&card["id"], &card["organization"]["legal_name"]), (&json!(robot), &json!("Công ty Robot Hàn Việt")));
}
