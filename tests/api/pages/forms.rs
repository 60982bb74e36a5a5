//! A form sent with errors shows each beside its field, in the page's language, and keeps
//! what was typed.

use super::{main_of, signed_up};
use crate::helpers::browser::Browser;
use crate::helpers::spawn_app;

#[tokio::test]
async fn sign_up_errors_show_beside_their_fields_in_both_languages() {
    let app = spawn_app().await;
    for (lang, required, invalid) in
        [("vi", "Trường này là bắt buộc.", "Cần đồng ý"), ("en", "This field is required.", "needs your agreement")]
    {
        let mut browser = Browser::new(&app);
        browser.switch_language(lang).await;
        browser.get("/sign-up").await.ok();
        let page = browser
            .post("/sign-up", &[("full_name", ""), ("email", "an@"), ("password", "ngắn"), ("language", lang)])
            .await;
        page.ok();
        assert_eq!(page.text_of("full_name-error").as_deref(), Some(required), "{lang}");
        assert!(page.text_of("email-error").is_some_and(|e| !e.is_empty()), "{lang}: email");
        assert!(page.text_of("password-error").is_some(), "{lang}: password");
        assert!(page.text_of("accept_privacy_notice-error").is_some_and(|e| e.contains(invalid)), "{lang}: consent");
        assert_eq!(page.value_of("email").as_deref(), Some("an@"), "{lang}: what was typed stays");
        assert!(main_of(&page).contains("aria-invalid=\"true\""));
    }
}

#[tokio::test]
async fn a_listing_form_with_errors_keeps_every_value_typed() {
    let app = spawn_app().await;
    let moderator = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let mut browser = signed_up(&app, "dang.tin@example.vn", "Người Đăng Tin").await;
    let owner = app.login("dang.tin@example.vn").await;
    let org = app.approved_org_in(&owner, &moderator, "48", "Công ty Đăng Tin", 975).await;
    for (lang, number) in [("vi", "Hãy nhập một số nguyên."), ("en", "Enter a whole number.")] {
        browser.switch_language(lang).await;
        browser.get(&format!("/orgs/{org}/listings/new?kind=offer")).await.ok();
        let page = browser
            .post(
                &format!("/orgs/{org}/listings/new"),
                &[
                    ("kind", "offer"),
                    ("title_vi", "Máy sấy nông sản năng lượng mặt trời"),
                    ("summary", "Sấy cà phê"),
                    ("trl", "bảy"),
                    ("price_vnd", "-5"),
                    ("st_fields", "999"),
                ],
            )
            .await;
        page.ok();
        assert_eq!(page.text_of("trl-error").as_deref(), Some(number), "{lang}");
        assert_eq!(page.value_of("title_vi").as_deref(), Some("Máy sấy nông sản năng lượng mặt trời"));
        assert_eq!(page.value_of("trl").as_deref(), Some("bảy"));
        assert_eq!(page.value_of("price_vnd").as_deref(), Some("-5"));
        // Sent again with the number fixed, the service's own refusals are named.
        let page = browser
            .post(
                &format!("/orgs/{org}/listings/new"),
                &[
                    ("kind", "offer"),
                    ("title_vi", "Máy sấy nông sản năng lượng mặt trời"),
                    ("trl", "12"),
                    ("price_vnd", "-5"),
                    ("st_fields", "999"),
                ],
            )
            .await;
        page.ok();
        assert!(page.text_of("trl-error").is_some(), "{lang}: TRL out of range");
        assert!(page.text_of("price_vnd-error").is_some(), "{lang}: negative price");
        assert!(page.text_of("st_fields-error").is_some(), "{lang}: unknown field");
    }
}
