//! The province's officers in real headless Chromium: a moderator sends a registration back
//! with a comment on its tax code, the owner corrects it, the moderator sees the change and
//! approves; two officers deciding one item from two sessions; axe-core and screenshots on
//! the queue, the item page, the dashboard and `/admin`.

use super::harness::Chrome;
use super::{register_org, sign_up};
use crate::helpers::orgs::tax_code;
use crate::helpers::{PASSWORD, spawn_app};

const BAC_NINH: &str = "24";

async fn sign_in(chrome: &Chrome, email: &str) {
    chrome.goto("/sign-in").await;
    chrome.type_into("#email", email).await;
    chrome.type_into("#password", PASSWORD).await;
    chrome.click("form.stack button[type=submit]").await;
    chrome.wait_for_path("/").await;
}

async fn decide(chrome: &Chrome, action: &str, reason: Option<&str>) {
    chrome.click(&format!("input[name=action][value={action}]")).await;
    if let Some(reason) = reason {
        chrome.type_into("#reason", reason).await;
    }
    chrome.click("#decision-heading ~ button[type=submit]").await;
}

#[tokio::test]
async fn a_moderator_sends_a_registration_back_and_approves_it_corrected() {
    let app = spawn_app().await;
    let mut problems = Vec::new();
    let (owner, moderator) = Chrome::open_two(&app.address).await;
    sign_up(&app, &owner, "Nguyễn Kinh Bắc", "giamdoc@kinhbac.example.vn").await;
    let wrong = tax_code(1981);
    let name = "Công ty Công nghệ Kinh Bắc";
    let org = register_org(&owner, "enterprise", name, BAC_NINH, &wrong, "0222 3777 888").await;

    app.staff("duyet@sokhcn.bacninh.gov.vn", BAC_NINH, "moderator").await;
    sign_in(&moderator, "duyet@sokhcn.bacninh.gov.vn").await;
    moderator.goto(&format!("/province/{BAC_NINH}")).await;
    moderator.wait_for_text(name).await;
    problems.extend(moderator.accessibility_problems().await.into_iter().map(|p| format!("queue: {p}")));
    moderator.screenshots("province-queue").await;
    moderator.click(&format!("a[href='/province/{BAC_NINH}/orgs/{org}']")).await;
    moderator.wait_for_path(&format!("/province/{BAC_NINH}/orgs/{org}")).await;
    problems.extend(moderator.accessibility_problems().await.into_iter().map(|p| format!("item: {p}")));
    moderator.screenshots("province-item").await;
    let comment = "Mã số thuế không khớp với giấy chứng nhận đăng ký doanh nghiệp";
    moderator.type_into("#comment-tax_code", comment).await;
    decide(&moderator, "request_changes", Some("Cần sửa mã số thuế")).await;
    moderator.wait_for_path(&format!("/province/{BAC_NINH}?done=")).await;

    // The owner reads the comment beside the field, corrects it and sends it again.
    owner.goto(&format!("/orgs/{org}/edit")).await;
    owner.wait_for_text(comment).await;
    let right = tax_code(1982);
    owner.type_into("#tax_code", &right).await;
    owner.click("#contact_consent").await;
    owner.click("form.stack > button[type=submit]").await;
    owner.wait_for_path(&format!("/orgs/{org}?done=saved")).await;
    owner.click(&format!("form[action='/orgs/{org}/submit'] button")).await;
    owner.wait_for_text("state-submitted").await;

    // The moderator sees what changed, and approves.
    moderator.goto(&format!("/province/{BAC_NINH}/orgs/{org}")).await;
    moderator.wait_for_text(&format!("<del>{wrong}</del>")).await;
    moderator.wait_for_text(&format!("<ins>{right}</ins>")).await;
    moderator.screenshots("province-item-changes").await;
    decide(&moderator, "approve", None).await;
    moderator.wait_for_path(&format!("/province/{BAC_NINH}?done=")).await;

    assert_eq!(app.mails_to("giamdoc@kinhbac.example.vn", "org-decision").await.len(), 2);
    owner.goto("/orgs?q=kinh+bac").await;
    owner.wait_for_text(&format!("/orgs/{org}")).await;
    owner.close().await;

    // The dashboard.
    moderator.goto(&format!("/province/{BAC_NINH}/figures")).await;
    moderator.wait_for_text("data-figure=\"queue_age\"").await;
    problems.extend(moderator.accessibility_problems().await.into_iter().map(|p| format!("dashboard: {p}")));
    moderator.screenshots("province-dashboard").await;
    moderator.close().await;

    // The platform's pages.
    app.platform_admin("goc@platform.example.vn").await;
    let admin = Chrome::open(&app.address).await;
    sign_in(&admin, "goc@platform.example.vn").await;
    for (shot, path) in [("admin", "/admin"), ("admin-jobs", "/admin/jobs"), ("admin-figures", "/admin/figures")] {
        admin.goto(path).await;
        admin.wait_for_text("<h1").await;
        problems.extend(admin.accessibility_problems().await.into_iter().map(|p| format!("{path}: {p}")));
        admin.screenshots(shot).await;
    }
    admin.close().await;
    assert!(problems.is_empty(), "axe-core found serious or critical problems:\n{}", problems.join("\n"));
}

#[tokio::test]
async fn two_officers_in_two_sessions_decide_one_item_and_the_second_page_names_the_first() {
    let app = spawn_app().await;
    let owner = app.signed_in("chu@kinhbac.example.vn").await;
    let body =
        crate::helpers::orgs::enterprise("Công ty Hai Quyết Định", BAC_NINH, &tax_code(1983), serde_json::json!({}));
    let org = app.create_org(&owner, &body).await;
    app.submit_org(&owner, &org).await;

    app.staff("mot@sokhcn.bacninh.gov.vn", BAC_NINH, "moderator").await;
    app.staff("hai@sokhcn.bacninh.gov.vn", BAC_NINH, "tenant_admin").await;
    let (first, second) = Chrome::open_two(&app.address).await;
    sign_in(&first, "mot@sokhcn.bacninh.gov.vn").await;
    sign_in(&second, "hai@sokhcn.bacninh.gov.vn").await;
    let item = format!("/province/{BAC_NINH}/orgs/{org}");
    first.goto(&item).await;
    second.goto(&item).await;
    first.wait_for_text("Công ty Hai Quyết Định").await;
    second.wait_for_text("Công ty Hai Quyết Định").await;

    decide(&first, "approve", None).await;
    first.wait_for_path(&format!("/province/{BAC_NINH}?done=")).await;
    decide(&second, "reject", Some("Không đủ điều kiện")).await;
    second.wait_for_text("Đã có quyết định khác trước bạn").await;
    second.wait_for_text("mot@sokhcn.bacninh.gov.vn").await;
    second.screenshots("province-conflict").await;
    first.close().await;
    second.close().await;

    let status = app.get_as(&owner.access_token, &format!("/api/v1/orgs/{org}")).await;
    assert_eq!(status.ok()["status"], "approved", "the first decision stands");
}
