use std::collections::HashSet;

use serde_json::json;

use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::spawn_app;

#[tokio::test]
async fn the_directory_filters_by_kind_province_field_tag_and_name() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let hanoi = app.staff("mod@hanoi.gov.vn", "01", "moderator").await;
    let hcm = app.staff("mod@hcm.gov.vn", "79", "moderator").await;

    let biotech = app
        .approved_org(
            &owner,
            &hanoi,
            &enterprise(
                "Công ty Sinh học Đông Á",
                "01",
                &tax_code(40),
                json!({ "st_fields": ["406"], "strategic_tags": [] }),
            ),
        )
        .await;
    let electrical = app
        .approved_org(
            &owner,
            &hcm,
            &enterprise(
                "Công ty Điện tử Sài Gòn",
                "79",
                &tax_code(41),
                json!({ "st_fields": ["202"], "strategic_tags": ["g01"] }),
            ),
        )
        .await;
    let startup = app
        .approved_org(
            &owner,
            &hcm,
            &enterprise(
                "Startup Đậu Xanh",
                "79",
                &tax_code(42),
                json!({ "kind": "startup", "st_fields": ["406"], "strategic_tags": [], "certificate_number": null, "certificate_date": null, "certificate_issuer": null }),
            ),
        )
        .await;
    // Draft and submitted organizations never show.
    app.create_org(&owner, &enterprise("Công ty Nháp", "01", &tax_code(43), json!({}))).await;
    let pending = app.create_org(&owner, &enterprise("Công ty Chờ Duyệt", "01", &tax_code(44), json!({}))).await;
    app.submit_org(&owner, &pending).await;

    let ids = |reply: &crate::helpers::Reply| -> Vec<String> {
        reply.body["items"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect()
    };
    let all = app.get("/api/v1/orgs").await;
    assert_eq!(all.ok()["total"], 3);
    assert!(
        all.body["items"].as_array().unwrap().iter().all(|o| o["status"] == "approved" && o.get("private").is_none())
    );
    assert!(!all.text.contains("lienhe@example.vn") && !all.text.contains("Nguyễn Thị Hoa"));

    assert_eq!(ids(&app.get("/api/v1/orgs?kind=startup").await), vec![startup.clone()]);
    assert_eq!(app.get("/api/v1/orgs?province=79").await.body["total"], 2);
    // A parent field matches its children: 4 (agriculture) finds 406.
    let agriculture = app.get("/api/v1/orgs?st_field=4").await;
    let agriculture: HashSet<String> = ids(&agriculture).into_iter().collect();
    assert_eq!(agriculture, HashSet::from([biotech.clone(), startup.clone()]));
    assert_eq!(ids(&app.get("/api/v1/orgs?st_field=202").await), vec![electrical.clone()]);
    assert_eq!(ids(&app.get("/api/v1/orgs?tag=g01").await), vec![electrical.clone()]);
    // Names with or without diacritics, any case, words in any order.
    assert_eq!(ids(&app.get("/api/v1/orgs?q=dien tu sai gon").await), vec![electrical.clone()]);
    assert_eq!(ids(&app.get("/api/v1/orgs?q=SÀI GÒN điện").await), vec![electrical.clone()]);
    assert_eq!(ids(&app.get("/api/v1/orgs?q=dau xanh").await), vec![startup.clone()]);
    assert_eq!(app.get("/api/v1/orgs?q=100%25_").await.ok()["total"], 0);
    assert_eq!(app.get("/api/v1/orgs?kind=startup&province=01").await.ok()["total"], 0);

    app.get("/api/v1/orgs?kind=spaceship").await.problem(422);
    app.get("/api/v1/orgs?per_page=101").await.problem(422);
    app.get("/api/v1/orgs?page=0").await.problem(422);
    app.get("/api/v1/orgs?page=abc").await.problem(422);
}

#[tokio::test]
async fn directory_pages_are_stable_and_complete() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let mut expected = HashSet::new();
    for n in 0..7 {
        // Same name for several: the id breaks the tie.
        let name = if n % 2 == 0 { "Công ty Trùng Tên".to_owned() } else { format!("Công ty Số {n}") };
        expected
            .insert(app.approved_org(&owner, &moderator, &enterprise(&name, "48", &tax_code(50 + n), json!({}))).await);
    }
    let mut seen = Vec::new();
    for page in 1..=4 {
        let reply = app.get(&format!("/api/v1/orgs?per_page=2&page={page}")).await;
        assert_eq!(reply.ok()["total"], 7);
        assert_eq!(reply.body["per_page"], 2);
        for item in reply.body["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(seen.len(), 7);
    assert_eq!(seen.iter().cloned().collect::<HashSet<_>>(), expected);
    let again: Vec<String> = app.get("/api/v1/orgs?per_page=2&page=2").await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(again, seen[2..4].to_vec());
}

#[tokio::test]
async fn the_review_queue_lists_the_oldest_submission_first() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@hanoi.gov.vn", "01", "moderator").await;
    let mut submitted = Vec::new();
    for n in 0..3 {
        let kind = if n == 1 {
            json!({ "kind": "enterprise", "certificate_number": null, "certificate_date": null, "certificate_issuer": null })
        } else {
            json!({})
        };
        let id =
            app.create_org(&owner, &enterprise(&format!("Công ty Hàng Đợi {n}"), "01", &tax_code(60 + n), kind)).await;
        app.clock.advance(chrono::Duration::minutes(1));
        app.submit_org(&owner, &id).await;
        submitted.push(id);
    }
    app.create_org(&owner, &enterprise("Công ty Chưa Gửi", "01", &tax_code(69), json!({}))).await;

    let queue = app.get_as(&moderator.access_token, "/api/v1/tenants/01/review-queue").await;
    let ids: Vec<&str> = queue.ok()["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, submitted.iter().map(String::as_str).collect::<Vec<_>>());
    let enterprises =
        app.get_as(&moderator.access_token, "/api/v1/tenants/01/review-queue?type=org&kind=enterprise").await;
    assert_eq!(enterprises.ok()["total"], 1);
    let named = app.get_as(&moderator.access_token, "/api/v1/tenants/01/review-queue?q=hang doi 2").await;
    assert_eq!(named.ok()["items"][0]["id"], submitted[2].as_str());
    let paged = app.get_as(&moderator.access_token, "/api/v1/tenants/01/review-queue?per_page=1&page=2").await;
    assert_eq!(paged.ok()["items"][0]["id"], submitted[1].as_str());
    app.get_as(&moderator.access_token, "/api/v1/tenants/01/review-queue?type=thing").await.problem(422);
}
