//! Open-data exports: public fields only, Vietnamese intact through a CSV parser, and the
//! moderators' own queue.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::{Known, known_data};
use crate::helpers::listings::offer;

/// Fetches a CSV export and parses it: (headers, rows as maps).
pub(super) async fn csv_export(
    app: &crate::helpers::TestApp,
    token: Option<&str>,
    path: &str,
) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut request = app.client.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment;") && disposition.contains(".csv"), "{disposition}");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with a byte order mark, for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader
        .records()
        .map(|r| {
            let record = r.unwrap();
            headers.iter().cloned().zip(record.iter().map(str::to_owned)).collect::<HashMap<_, _>>()
        })
        .collect();
    (headers, rows)
}

#[tokio::test]
async fn listings_export_round_trips_vietnamese_and_keeps_private_fields_out() {
    let Known { app, hanoi_mod, owner, hanoi_org: org, hanoi_offer, hanoi_need, hcmc_need, .. } = known_data().await;
    // A title and summary that CSV must quote: commas, quotes, a line break.
    let tricky_title = "Máy ép viên nén \"sinh khối\", công suất 2 tấn/giờ";
    let tricky_summary = "Dòng 1: trấu, mùn cưa;\nDòng 2: rơm rạ — đạt chuẩn ISO 17225";
    let tricky = app
        .published_listing(&owner, &hanoi_mod, &org, &offer(tricky_title, json!({ "summary": tricky_summary, "strategic_tags": ["g01"], "confidential_details": "Giá sàn 800 triệu" })))
        .await;

    let (headers, rows) = csv_export(&app, None, "/api/v1/exports/listings.csv").await;
    assert_eq!(headers[..4], ["id", "kind", "title_vi", "title_en"]);
    let mut ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    ids.sort();
    let mut expected = vec![hanoi_offer.as_str(), hanoi_need.as_str(), hcmc_need.as_str(), tricky.as_str()];
    expected.sort();
    assert_eq!(ids, expected, "published listings only: the pending offer stays out");
    let row = rows.iter().find(|r| r["id"] == tricky).unwrap();
    assert_eq!(row["title_vi"], tricky_title);
    assert_eq!(row["summary"], tricky_summary);
    assert_eq!(row["organization"], "Công ty Cổ phần Sinh học Hà Nội");
    assert_eq!(row["province"], "01");
    assert_eq!(row["province_name"], "Hà Nội");
    assert_eq!(row["kind"], "offer");
    assert_eq!(row["price_vnd"], "1000000000");
    assert_eq!(row["strategic_tags"], "g01");
    assert!(!row["strategic_tag_names"].is_empty() && row["strategic_tag_names"] != "g01");
    assert_eq!(row["st_fields"], "202");
    assert!(row["published_at"].ends_with('Z'));
    for private in ["confidential_details", "contact_email", "decision_reason", "version"] {
        assert!(!headers.iter().any(|h| h == private), "{private}");
    }
    let raw = app.get("/api/v1/exports/listings.csv").await.text;
    for secret in ["Giá sàn 800 triệu", "NDA", "0909 000 111", "lienhe@example.vn"] {
        assert!(!raw.contains(secret), "the export leaks {secret}");
    }

    // One province, one kind.
    let (_, hcmc) = csv_export(&app, None, "/api/v1/exports/listings.csv?province=79").await;
    assert_eq!(hcmc.iter().map(|r| r["id"].as_str()).collect::<Vec<_>>(), vec![hcmc_need.as_str()]);
    let (_, offers) = csv_export(&app, None, "/api/v1/exports/listings.csv?province=01&kind=offer").await;
    assert_eq!(offers.len(), 2);

    // JSON: the marketplace's own public view of each listing.
    let json_export = app.get("/api/v1/exports/listings.json?province=01").await;
    assert_eq!(json_export.status, 200);
    assert_eq!(json_export.content_type, "application/json");
    let items = json_export.body.as_array().unwrap();
    assert_eq!(items.len(), 3);
    let exported = items.iter().find(|i| i["id"] == tricky).unwrap();
    let public = app.get(&format!("/api/v1/listings/{tricky}")).await.ok().clone();
    assert_eq!(exported, &public);
    assert!(exported.get("private").is_none());
    let empty = app.get("/api/v1/exports/listings.json?province=46").await;
    assert_eq!(empty.body, json!([]));
}

#[tokio::test]
async fn organizations_export_has_approved_organizations_without_contacts() {
    let Known { app, .. } = known_data().await;
    let (headers, rows) = csv_export(&app, None, "/api/v1/exports/orgs.csv?province=01").await;
    let mut names: Vec<&str> = rows.iter().map(|r| r["legal_name"].as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        vec!["Công ty Cổ phần Sinh học Hà Nội", "Công ty Khởi nghiệp Sen Vàng", "Viện Công nghệ Môi trường"]
    );
    for private in ["contact_name", "contact_email", "contact_phone", "status"] {
        assert!(!headers.iter().any(|h| h == private), "{private}");
    }
    let st = rows.iter().find(|r| r["kind"] == "st_enterprise").unwrap();
    assert_eq!(st["certificate_number"], "12/DNKHCN");
    assert_eq!(st["st_fields"], "202; 406");
    assert_eq!(st["province_name"], "Hà Nội");
    let raw = app.get("/api/v1/exports/orgs.csv").await.text;
    assert!(!raw.contains("lienhe@example.vn") && !raw.contains("0222 3812 345"));
    assert!(!raw.contains("Công ty Đang Chờ") && !raw.contains("Công ty Nháp") && !raw.contains("Thử Nghiệm"));
    let national = app.get("/api/v1/exports/orgs.json").await;
    let items = national.body.as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert!(items.iter().all(|o| o["status"] == "approved" && o.get("private").is_none()));
    let (_, startups) = csv_export(&app, None, "/api/v1/exports/orgs.csv?kind=startup").await;
    assert_eq!(startups.len(), 1);
}

#[tokio::test]
async fn exports_refuse_bad_input() {
    let app = crate::helpers::spawn_app().await;
    app.get("/api/v1/exports/listings.csv?province=99").await.problem(404);
    app.get("/api/v1/exports/orgs.json?province=nowhere").await.problem(404);
    app.get("/api/v1/exports/listings.xml").await.problem(404);
    let kind = app.get("/api/v1/exports/listings.csv?kind=service").await;
    assert_eq!(kind.invalid_fields(), vec!["kind"]);
    assert_eq!(app.get("/api/v1/exports/orgs.csv?kind=bank").await.invalid_fields(), vec!["kind"]);
    // An empty export is still a well-formed file.
    let (headers, rows) = csv_export(&app, None, "/api/v1/exports/orgs.csv").await;
    assert!(headers.contains(&"legal_name".to_owned()));
    assert!(rows.is_empty());
}

#[tokio::test]
async fn moderators_export_their_own_queue() {
    let Known { app, hanoi_mod, hcmc_mod, owner, queued_org, queued_listing, .. } = known_data().await;
    let (headers, rows) = csv_export(&app, Some(&hanoi_mod.access_token), "/api/v1/tenants/01/review-queue.csv").await;
    assert_eq!(headers, ["type", "id", "kind", "name", "organization", "version", "submitted_at", "waiting_hours"]);
    let lines: Vec<(&str, &str, &str)> =
        rows.iter().map(|r| (r["type"].as_str(), r["id"].as_str(), r["name"].as_str())).collect();
    assert_eq!(
        lines,
        vec![
            ("org", queued_org.as_str(), "Công ty Đang Chờ"),
            ("listing", queued_listing.as_str(), "Máy sấy nông sản năng lượng mặt trời"),
        ]
    );
    assert_eq!(rows[1]["organization"], "Công ty Cổ phần Sinh học Hà Nội");
    assert!(rows[0]["waiting_hours"].parse::<f64>().unwrap() > rows[1]["waiting_hours"].parse::<f64>().unwrap());
    let (_, only_listings) =
        csv_export(&app, Some(&hanoi_mod.access_token), "/api/v1/tenants/01/review-queue.csv?type=listing").await;
    assert_eq!(only_listings.len(), 1);
    let json_queue = app.get_as(&hanoi_mod.access_token, "/api/v1/tenants/01/review-queue.json?type=org").await;
    assert_eq!(json_queue.ok().as_array().unwrap().len(), 1);
    assert_eq!(json_queue.body[0]["type"], "org");

    app.get_as(&hcmc_mod.access_token, "/api/v1/tenants/01/review-queue.csv").await.problem(404);
    app.get_as(&owner.access_token, "/api/v1/tenants/01/review-queue.csv").await.problem(404);
    app.get("/api/v1/tenants/01/review-queue.csv").await.problem(401);
    let bad_type = app.get_as(&hanoi_mod.access_token, "/api/v1/tenants/01/review-queue.csv?type=match").await;
    assert_eq!(bad_type.invalid_fields(), vec!["type"]);
    let (_, empty) = csv_export(&app, Some(&hcmc_mod.access_token), "/api/v1/tenants/79/review-queue.csv").await;
    assert!(empty.is_empty());
}

/// Paging: more rows than one page, in order, none twice.
#[tokio::test]
async fn exports_page_through_more_than_one_page() {
    let app = crate::helpers::spawn_app().await;
    let seeded = app.seed_demo_market(1_200, 1_300, 11).await;
    let (_, rows) = csv_export(&app, None, "/api/v1/exports/listings.csv").await;
    assert_eq!(rows.len(), seeded);
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, ids, "ordered by id, none twice");
    let orgs = app.get("/api/v1/exports/orgs.json").await;
    assert_eq!(orgs.body.as_array().map(Vec::len), Some(1_200));
    let value: &Value = &orgs.body[0];
    assert!(value["legal_name"].as_str().is_some());
}
