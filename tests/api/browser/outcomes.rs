//! The outcome pages in real headless Chromium: the deal form typed with mistakes, its
//! refusals beside the fields in vi and en, then recorded; the dashboard's outcome charts,
//! the public province page and a profile with its trust; axe-core on each, no sideways
//! scroll at 390 px, and screenshots at 1280 and 390 px.

use super::harness::Chrome;
use crate::helpers::PASSWORD;
use crate::outcome_figures::{Known, known};
use crate::outcomes::{Connected, connected};

async fn sign_in(chrome: &Chrome, email: &str, next: &str) {
    chrome.goto(&format!("/sign-in?next={}", crate::helpers::browser::encode(next))).await;
    chrome.type_into("#email", email).await;
    chrome.type_into("#password", PASSWORD).await;
    chrome.click("form.stack button[type=submit]").await;
    chrome.wait_for_path(next).await;
}

/// axe-core's serious and critical problems on the page shown, and whether it scrolls
/// sideways at 390 px.
async fn checked(chrome: &Chrome, name: &str, problems: &mut Vec<String>) {
    problems.extend(chrome.accessibility_problems().await.into_iter().map(|p| format!("{name}: {p}")));
    chrome.client.set_window_size(390, 900).await.unwrap();
    let overflow = chrome.execute("return document.documentElement.scrollWidth - window.innerWidth").await;
    if overflow.as_i64().unwrap_or(0) > 0 {
        problems.push(format!("{name}: {overflow} px too wide at 390 px"));
    }
    chrome.client.set_window_size(1280, 900).await.unwrap();
    chrome.screenshots(name).await;
}

#[tokio::test]
async fn the_deal_form_is_typed_refused_beside_its_fields_in_both_languages_and_recorded() {
    let Connected { app, seller, match_id, .. } = connected().await;
    let chrome = Chrome::open(&app.address).await;
    let path = format!("/matches/{match_id}");
    sign_in(&chrome, "buyer@phongdien.vn", &path).await;
    chrome.wait_for_text("deal-heading").await;
    let mut problems = Vec::new();
    checked(&chrome, "outcomes-deal-form", &mut problems).await;

    chrome.click("#objects input[value='process']").await;
    chrome.click("#rights input[value='licence_exclusive']").await;
    chrome.select("#ip_kind_0", "patent").await;
    chrome.type_into("#ip_title_0", "Bể phản ứng sinh học").await;
    chrome.type_into("#value_vnd", "987.654.321").await;
    chrome.select("#origin", "foreign").await;
    chrome.type_into("#origin_country", "ZZ").await;
    chrome.click("form[action$='/deal'] > button[type=submit]").await;
    chrome.wait_for_text("origin_country-error").await;
    let html = chrome.html().await;
    assert!(
        html.contains("id=\"ip_number_0-error\"") && html.contains("Không có quốc gia mã"),
        "beside the fields, in Vietnamese"
    );
    checked(&chrome, "outcomes-deal-form-errors", &mut problems).await;

    chrome.goto(&format!("/lang/en?next={path}")).await;
    chrome.wait_for_text("Record the deal").await;
    chrome.select("#ip_kind_0", "patent").await;
    chrome.select("#origin", "foreign").await;
    chrome.type_into("#ip_number_0", "1-0034567").await;
    chrome.type_into("#origin_country", "JP").await;
    chrome.type_into("#foreign_currency", "XYZ").await;
    chrome.type_into("#foreign_amount", "12500").await;
    chrome.click("form[action$='/deal'] > button[type=submit]").await;
    chrome.wait_for_text("foreign_currency-error").await;
    let html = chrome.html().await;
    assert!(html.contains("No currency has the code"), "in English");
    assert!(html.contains("value=\"1-0034567\"") && html.contains("value=\"JP\""), "typed values kept");
    checked(&chrome, "outcomes-deal-form-errors-en", &mut problems).await;

    chrome.type_into("#foreign_currency", "USD").await;
    chrome.click("form[action$='/deal'] > button[type=submit]").await;
    chrome.wait_for_text("state-deal").await;
    checked(&chrome, "outcomes-deal-recorded", &mut problems).await;
    let reader = app.login(&seller.email).await;
    let deal = app.get_as(&reader.access_token, &format!("/api/v1/matches/{match_id}/deal")).await;
    assert_eq!(
        (&deal.ok()["origin_country"], &deal.body["foreign_currency"]),
        (&serde_json::json!("JP"), &serde_json::json!("USD"))
    );
    assert_eq!(deal.body["ip_assets"][0]["number"], "1-0034567");
    assert!(problems.is_empty(), "axe-core and the 390 px check found:\n{}", problems.join("\n"));
    chrome.close().await;
}

#[tokio::test]
async fn the_outcome_figures_and_a_profile_read_well_in_a_browser() {
    let Known { app, mod48, .. } = known().await;
    let mut problems = Vec::new();
    let officer = Chrome::open(&app.address).await;
    sign_in(&officer, &mod48.email, "/province/48/figures").await;
    officer.wait_for_text("deals_by_year").await;
    checked(&officer, "outcomes-dashboard", &mut problems).await;
    officer.close().await;

    let visitor = Chrome::open(&app.address).await;
    visitor.goto("/provinces/48").await;
    visitor.wait_for_text("deals_by_year").await;
    checked(&visitor, "outcomes-province-public", &mut problems).await;
    let org =
        app.get("/api/v1/orgs?province=48&kind=intermediary").await.ok()["items"][0]["id"].as_str().unwrap().to_owned();
    let seller_org =
        app.get("/api/v1/orgs?q=S%C3%B4ng%20H%C3%A0n").await.ok()["items"][0]["id"].as_str().unwrap().to_owned();
    visitor.goto(&format!("/orgs/{seller_org}")).await;
    visitor.wait_for_text("Giao dịch đã xác minh").await;
    checked(&visitor, "outcomes-profile", &mut problems).await;
    visitor.goto(&format!("/lang/en?next=/orgs/{org}")).await;
    visitor.wait_for_text("Approved since").await;
    checked(&visitor, "outcomes-profile-en", &mut problems).await;
    visitor.close().await;
    assert!(problems.is_empty(), "axe-core and the 390 px check found:\n{}", problems.join("\n"));
}
