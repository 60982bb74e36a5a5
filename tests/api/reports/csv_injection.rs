//! CSV exports open in a spreadsheet as text: a name or title typed like a formula comes
//! out behind a single quote, while the numbers the server writes stay numbers.

use serde_json::json;

use super::exports::csv_export;
use crate::helpers::listings::offer;
use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::spawn_app;

const FORMULA: &str = r#"=HYPERLINK("http://evil.example","x")"#;

fn quoted(text: &str) -> String {
    format!("'{text}")
}

#[tokio::test]
async fn formulas_typed_by_users_come_out_of_csv_exports_as_text() {
    let app = spawn_app().await;
    let moderator = app.staff("mod@hanoi.gov.vn", "01", "moderator").await;
    let owner = app.signed_in("owner@example.vn").await;
    let org = app
        .approved_org(
            &owner,
            &moderator,
            &enterprise(
                FORMULA,
                "01",
                &tax_code(1),
                json!({ "short_name": "@cmd", "description_vi": "-2+3+cmd|' /C calc'!A0" }),
            ),
        )
        .await;
    let listing = app
        .published_listing(
            &owner,
            &moderator,
            &org,
            &offer("+Máy ép viên nén sinh khối", json!({ "summary": FORMULA, "keywords": ["=1+1", "trấu"] })),
        )
        .await;
    let queued = app.create_org(&owner, &enterprise("@SUM(A1:A9) Công ty", "01", &tax_code(2), json!({}))).await;
    app.submit_org(&owner, &queued).await;

    let (_, orgs) = csv_export(&app, None, "/api/v1/exports/orgs.csv").await;
    let row = orgs.iter().find(|r| r["id"] == org).unwrap();
    assert_eq!(row["legal_name"], quoted(FORMULA));
    assert_eq!(row["short_name"], "'@cmd");
    assert_eq!(row["description_vi"], "'-2+3+cmd|' /C calc'!A0");
    assert_eq!(row["year_founded"], "2016", "a number the server wrote stays a number");

    let (_, listings) = csv_export(&app, None, "/api/v1/exports/listings.csv").await;
    let row = listings.iter().find(|r| r["id"] == listing).unwrap();
    assert_eq!(row["title_vi"], "'+Máy ép viên nén sinh khối");
    assert_eq!(row["summary"], quoted(FORMULA));
    assert_eq!(row["organization"], quoted(FORMULA));
    assert_eq!(row["keywords"], "'=1+1; trấu");
    assert_eq!(row["price_vnd"], "1000000000");
    assert_eq!(row["trl"], "7");

    let (_, queue) = csv_export(&app, Some(&moderator.access_token), "/api/v1/tenants/01/review-queue.csv").await;
    assert_eq!(queue.iter().map(|r| r["name"].as_str()).collect::<Vec<_>>(), vec!["'@SUM(A1:A9) Công ty"]);
    assert_eq!(queue[0]["version"], app.org_version(&moderator.access_token, &queued).await.to_string());

    // JSON is not opened by spreadsheets: it keeps the text exactly as typed.
    let json_orgs = app.get("/api/v1/exports/orgs.json").await;
    let exported = json_orgs.ok().as_array().unwrap().iter().find(|o| o["id"] == org).unwrap().clone();
    assert_eq!(exported["legal_name"], FORMULA);
}
