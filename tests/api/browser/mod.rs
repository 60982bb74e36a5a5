//! The members' journeys in real headless Chromium: typing, clicking, following mailed
//! links; form errors, CSRF, the way back after signing in; accessibility (axe-core) and
//! screenshots at 1280 and 390 px under `target/screenshots/`.

pub mod harness;
mod outcomes;
mod province;

use fantoccini::key::Key;
use serde_json::json;

use crate::helpers::orgs::tax_code;
use crate::helpers::{PASSWORD, TestApp, spawn_app};
use crate::pages::mailed_link;
use harness::{Chrome, key};

/// Signs up through the page and opens the mailed confirmation link: signed in.
async fn sign_up(app: &TestApp, chrome: &Chrome, name: &str, email: &str) {
    chrome.goto("/sign-up").await;
    chrome.type_into("#full_name", name).await;
    chrome.type_into("#email", email).await;
    chrome.type_into("#password", PASSWORD).await;
    chrome.click("#accept_privacy_notice").await;
    chrome.click("form.stack button[type=submit]").await;
    chrome.wait_for_text(email).await;
    let link = mailed_link(app, email, "verify-email", "/verify-email").await;
    chrome.goto(&link).await;
    chrome.wait_for_path("/account").await;
    chrome.wait_for_text(name).await;
}

/// Registers an organization through its form and sends it for review; returns its id.
async fn register_org(chrome: &Chrome, kind: &str, name: &str, province: &str, tax: &str, phone: &str) -> String {
    chrome.goto(&format!("/orgs/new?kind={kind}")).await;
    chrome.type_into("#legal_name", name).await;
    chrome.type_into("#tax_code", tax).await;
    chrome.select("#province", province).await;
    // The picker narrows as one types; the field stays ticked.
    chrome.filter_picker("st_fields", "môi trường", 12).await;
    chrome.click("#st_fields-options input[value='207']").await;
    chrome.type_into("#contact_name", "Người Liên Hệ").await;
    chrome.type_into("#contact_email", &format!("lienhe.{province}@example.vn")).await;
    chrome.type_into("#contact_phone", phone).await;
    chrome.click("#contact_consent").await;
    chrome.click("form.stack > button[type=submit]").await;
    let path = chrome.wait_for_path("/orgs/0").await;
    let id = path.trim_start_matches("/orgs/").split('?').next().unwrap().to_owned();
    chrome.click(&format!("form[action='/orgs/{id}/submit'] button")).await;
    chrome.wait_for_text("state-submitted").await;
    id
}

/// Posts a listing through its form (a few fields) and sends it for review.
async fn post_listing(
    chrome: &Chrome,
    org: &str,
    kind: &str,
    title: &str,
    summary: &str,
    trl: &str,
    money: &[(&str, &str)],
) -> String {
    chrome.goto(&format!("/orgs/{org}/listings/new?kind={kind}")).await;
    chrome.type_into("#title_vi", title).await;
    chrome.type_into("#summary", summary).await;
    chrome.type_into("#keywords", "nước thải, chăn nuôi").await;
    chrome.click("#st_fields-options input[value='405']").await;
    chrome.click("#transfer_modes-options input[value='licence']").await;
    chrome.type_into("#trl", trl).await;
    for (field, value) in money {
        chrome.type_into(field, value).await;
    }
    if kind == "need" {
        chrome.select("#vsic_section", "A").await;
    }
    chrome.type_into("#confidential_details", &format!("Bí mật của {title}")).await;
    chrome.click("form.stack > button[type=submit]").await;
    let path = chrome.wait_for_path("/listings/0").await;
    let id = path.trim_start_matches("/listings/").split('?').next().unwrap().to_owned();
    chrome.click(&format!("form[action='/listings/{id}/submit'] button")).await;
    chrome.wait_for_text("state-pending_review").await;
    id
}

async fn approve_listing(app: &TestApp, moderator: &crate::helpers::Session, id: &str) {
    let version = app.listing_version(&moderator.access_token, id).await;
    let reply = app
        .post_as(
            &moderator.access_token,
            &format!("/api/v1/listings/{id}/decisions"),
            &json!({ "action": "approve", "version": version }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[tokio::test]
async fn a_startup_and_an_enterprise_find_each_other_connect_and_close_a_deal() {
    let app = spawn_app().await;
    let danang = app.staff("canbo@sokhcn.danang.gov.vn", "48", "moderator").await;
    let cantho = app.staff("canbo@sokhcn.cantho.gov.vn", "92", "moderator").await;

    // (a) A startup in Đà Nẵng signs up, registers, submits; the province approves; it
    // lists an offer.
    let (startup, buyer) = Chrome::open_two(&app.address).await;
    sign_up(&app, &startup, "Trần Sáng Tạo", "sangtao@danang.example.vn").await;
    startup.screenshots("account").await;
    let startup_org =
        register_org(&startup, "startup", "Công ty Khởi nghiệp Nước Sạch", "48", &tax_code(1901), "0236 3555 777")
            .await;
    assert_eq!(app.decide_org(&danang, &startup_org, "approve", None).await.status, 200);
    let offer = post_listing(
        &startup,
        &startup_org,
        "offer",
        "Công nghệ xử lý nước thải chăn nuôi bằng vi sinh",
        "Hệ thống xử lý nước thải trang trại heo đạt QCVN 62, tái sử dụng nước.",
        "7",
        &[("#price_vnd", "850000000")],
    )
    .await;
    approve_listing(&app, &danang, &offer).await;

    // (b) An enterprise in Cần Thơ signs up, registers, posts a need, finds the offer by
    // typing without diacritics, opens the match and says it is interested.
    sign_up(&app, &buyer, "Lê Kỹ Thuật", "kythuat@cantho.example.vn").await;
    let buyer_org =
        register_org(&buyer, "enterprise", "Công ty Thực phẩm Cần Thơ", "92", &tax_code(1902), "0292 3888 999").await;
    assert_eq!(app.decide_org(&cantho, &buyer_org, "approve", None).await.status, 200);
    let need = post_listing(
        &buyer,
        &buyer_org,
        "need",
        "Cần công nghệ xử lý nước thải chăn nuôi",
        "Trang trại 5.000 heo cần hệ thống xử lý nước thải đạt QCVN 62.",
        "6",
        &[("#budget_min_vnd", "500000000"), ("#budget_max_vnd", "2000000000")],
    )
    .await;
    approve_listing(&app, &cantho, &need).await;
    app.drain_jobs().await;

    buyer.goto("/listings").await;
    buyer.type_into("#market-q", "xu ly nuoc thai").await;
    buyer.keys(&key(Key::Enter)).await;
    buyer.wait_for_text(&format!("/listings/{offer}")).await;
    buyer.screenshots("marketplace").await;
    let weight = buyer
        .execute(
            "const entries = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')];
             return { bytes: entries.reduce((sum, e) => sum + (e.transferSize || 0), 0),
                      foreign: entries.map(e => e.name).filter(n => !n.startsWith(location.origin)) };",
        )
        .await;
    assert!(weight["foreign"].as_array().unwrap().is_empty(), "requests to another host: {weight}");
    assert!(weight["bytes"].as_u64().unwrap() <= 100_000, "the marketplace page weighs {weight}");
    buyer.goto(&format!("/listings/{offer}")).await;
    buyer.screenshots("listing").await;
    let listing_page = buyer.html().await;
    for secret in ["0236 3555 777", "Bí mật của Công nghệ"] {
        assert!(!listing_page.contains(secret), "{secret} before any connection");
    }
    buyer.goto("/matches").await;
    buyer.click("table a[href^='/matches/']").await;
    let match_path = buyer.wait_for_path("/matches/0").await;
    buyer.wait_for_text("Vì sao phù hợp").await;
    assert!(!buyer.html().await.contains("0236 3555 777"), "no contact before the connection");
    buyer.click("form[action$='/answer'] input[value='interested'] ~ button").await;
    buyer.wait_for_text("Đã ghi nhận câu trả lời").await;

    // (c) The startup says it is interested too: both now see each other's contacts.
    startup.goto(&match_path).await;
    startup.click("form[action$='/answer'] input[value='interested'] ~ button").await;
    startup.wait_for_text("state-connected").await;
    let connected = startup.html().await;
    assert!(
        connected.contains("0292 3888 999") && connected.contains("Bí mật của Cần công nghệ"),
        "the buyer's contact and details"
    );
    startup.screenshots("match").await;
    buyer.goto(&match_path).await;
    buyer.wait_for_text("0236 3555 777").await;
    buyer.type_into("#value_vnd", "800000000").await;
    buyer.click("form[action$='/deal'] button").await;
    buyer.wait_for_text("state-deal").await;

    for chrome in [startup, buyer] {
        chrome.close().await;
    }
}

#[tokio::test]
async fn errors_show_beside_their_fields_csrf_is_checked_and_sign_in_comes_back() {
    let app = spawn_app().await;
    let chrome = Chrome::open(&app.address).await;
    // A member page opened signed out: sign in, then back to it.
    app.signed_in("quay.lai@example.vn").await;
    chrome.goto("/account/notifications").await;
    chrome.wait_for_path("/sign-in").await;
    chrome.type_into("#email", "quay.lai@example.vn").await;
    chrome.type_into("#password", PASSWORD).await;
    chrome.click("form.stack button[type=submit]").await;
    assert_eq!(chrome.wait_for_path("/account/notifications").await, "/account/notifications");
    chrome.click("form[action='/sign-out'] button").await;
    chrome.wait_for_path("/").await;

    // A form sent with errors, in Vietnamese, then in English: beside each field, what was
    // typed kept.
    for (lang, required) in [("vi", "Trường này là bắt buộc."), ("en", "This field is required.")] {
        chrome.goto(&format!("/lang/{lang}?next=/sign-up")).await;
        chrome.type_into("#email", "khong-phai-email").await;
        chrome.type_into("#password", "ngắn").await;
        chrome.click("form.stack button[type=submit]").await;
        chrome.wait_for_text("full_name-error").await;
        let required_text = chrome.find("#full_name-error").await.text().await.unwrap();
        assert_eq!(required_text, required, "{lang}");
        assert!(!chrome.find("#email-error").await.text().await.unwrap().is_empty());
        let kept = chrome.find("#email").await.prop("value").await.unwrap();
        assert_eq!(kept.as_deref(), Some("khong-phai-email"), "{lang}");
        if lang == "vi" {
            chrome.screenshots("sign-up-errors").await;
        }
    }
    chrome.goto("/lang/vi?next=/").await;

    // A form posted without its CSRF token gets a 403 page.
    chrome.goto("/sign-in").await;
    chrome.execute("document.querySelector('form.stack input[name=csrf]').remove()").await;
    chrome.type_into("#email", "quay.lai@example.vn").await;
    chrome.type_into("#password", PASSWORD).await;
    chrome.click("form.stack button[type=submit]").await;
    chrome.wait_for_text("Không được phép").await;
    assert!(chrome.html().await.contains("Biểu mẫu này đã hết hạn"));
    chrome.close().await;
}

#[tokio::test]
async fn the_main_pages_pass_axe_and_the_listing_form_works_with_the_keyboard_alone() {
    let app = spawn_app().await;
    let moderator = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let owner = app.signed_in("ban.phim@example.vn").await;
    let org = app.approved_org_in(&owner, &moderator, "48", "Công ty Bàn Phím", 1950).await;
    let offer = app.published_listing(&owner, &moderator, &org, &crate::matching::wastewater_offer(json!({}))).await;
    let need_owner = app.signed_in("can.mua@example.vn").await;
    let need_org = app.approved_org_in(&need_owner, &moderator, "48", "Hợp tác xã Cần Mua", 1951).await;
    app.published_listing(&need_owner, &moderator, &need_org, &crate::helpers::listings::wastewater_need(json!({})))
        .await;
    app.drain_jobs().await;
    let matches = app.get_as(&owner.access_token, "/api/v1/matches").await;
    let match_id = matches.ok()["items"][0]["id"].as_str().expect("a suggested match").to_owned();

    let chrome = Chrome::open(&app.address).await;
    let mut problems = Vec::new();
    for (name, path) in [
        ("home", "/".to_owned()),
        ("marketplace-results", "/listings?q=nuoc+thai".to_owned()),
        ("listing-page", format!("/listings/{offer}")),
        ("sign-up", "/sign-up".to_owned()),
    ] {
        chrome.goto(&path).await;
        for problem in chrome.accessibility_problems().await {
            problems.push(format!("{name}: {problem}"));
        }
        chrome.screenshots(name).await;
    }
    // Signed in: the organization form, the listing form, the match page.
    chrome.goto("/sign-in").await;
    chrome.type_into("#email", "ban.phim@example.vn").await;
    chrome.type_into("#password", PASSWORD).await;
    chrome.click("form.stack button[type=submit]").await;
    chrome.wait_for_path("/").await;
    for (name, path) in [
        ("organization-form", "/orgs/new?kind=st_enterprise".to_owned()),
        ("listing-form", format!("/orgs/{org}/listings/new?kind=offer")),
        ("match-page", format!("/matches/{match_id}")),
    ] {
        chrome.goto(&path).await;
        for problem in chrome.accessibility_problems().await {
            problems.push(format!("{name}: {problem}"));
        }
        chrome.screenshots(name).await;
    }
    assert!(problems.is_empty(), "axe-core found serious or critical problems:\n{}", problems.join("\n"));

    // The listing form, filled and sent with the keyboard alone.
    chrome.goto(&format!("/orgs/{org}/listings/new?kind=offer")).await;
    chrome.tab_to("#title_vi", 60).await;
    chrome.keys("Máy sấy cà phê bằng năng lượng mặt trời").await;
    chrome.tab_to("#summary", 5).await;
    chrome.keys("Sấy cà phê nhân đạt độ ẩm 12%").await;
    chrome.tab_to("#st_fields-filter", 10).await;
    chrome.keys("trồng trọt").await;
    chrome
        .wait_until("return document.querySelectorAll('#st_fields-options input').length <= 12", "narrowing the fields")
        .await;
    chrome.tab_to("#st_fields-options input[value='401']", 10).await;
    chrome.keys(" ").await;
    chrome.tab_to("#transfer_modes-options input[value='licence']", 120).await;
    chrome.keys(" ").await;
    chrome.tab_to("#trl", 40).await;
    chrome.keys("6").await;
    chrome.tab_to("form.stack > button[type=submit]", 40).await;
    chrome.keys(&key(Key::Enter)).await;
    chrome.wait_for_path("/listings/0").await;
    chrome.wait_for_text("Máy sấy cà phê bằng năng lượng mặt trời").await;
    chrome.close().await;
}
