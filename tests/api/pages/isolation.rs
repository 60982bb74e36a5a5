//! The private pages keep the API's isolation: a 404 page for whoever may not know the
//! thing exists (a sign-in for a member page opened signed out, whatever the id), and no
//! private value in any HTML they receive.

use super::journeys::{BUYER_CONTACT, STARTUP_CONTACT, market};
use crate::helpers::browser::Browser;
use crate::helpers::spawn_app;

#[tokio::test]
async fn private_pages_are_404_pages_for_the_anonymous_strangers_and_other_provinces() {
    let app = spawn_app().await;
    let market = market(&app).await;
    // A draft organization and a draft listing of the startup, with private values.
    let owner = app.login(super::journeys::STARTUP).await;
    let org = app
        .create_org(
            &owner,
            &crate::helpers::orgs::enterprise(
                "Bản Nháp Bí Mật",
                "48",
                &crate::helpers::orgs::tax_code(950),
                serde_json::json!({ "kind": "startup", "certificate_number": null, "certificate_date": null, "certificate_issuer": null, "contact_phone": "0999 111 222", "contact_email": "bimat@example.vn" }),
            ),
        )
        .await;
    let approved_org = {
        let orgs = app.get_as(&owner.access_token, "/api/v1/me/organizations").await;
        orgs.ok().as_array().unwrap().iter().find(|o| o["status"] == "approved").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let draft = app
        .create_listing(
            &owner,
            &approved_org,
            &crate::matching::wastewater_offer(
                serde_json::json!({ "title_vi": "Tin nháp riêng", "confidential_details": "Mật khẩu kho 4321" }),
            ),
        )
        .await;
    let secrets = [
        "0999 111 222",
        "bimat@example.vn",
        "Mật khẩu kho 4321",
        STARTUP_CONTACT,
        BUYER_CONTACT,
        "gửi sau khi ký NDA",
        "gọi ông Bảy",
    ];

    let pages = [
        format!("/orgs/{org}"),
        format!("/orgs/{org}/edit"),
        format!("/orgs/{org}/members"),
        format!("/orgs/{approved_org}/members"),
        format!("/orgs/{approved_org}/edit"),
        format!("/orgs/{approved_org}/listings/new?kind=offer"),
        format!("/listings/{draft}"),
        format!("/listings/{draft}/edit"),
        format!("/listings/{}/edit", market.offer),
        format!("/matches/{}", market.match_id),
    ];
    let stranger = app.signed_in("nguoila@example.vn").await;
    let _ = stranger;
    let _officer = app.staff("canbo@sokhcn.hanoi.gov.vn", "01", "moderator").await;
    for who in ["anonymous", "stranger", "another province's officer"] {
        let mut browser = Browser::new(&app);
        match who {
            "stranger" => {
                browser.sign_in("nguoila@example.vn", "/").await.ok();
            }
            "another province's officer" => {
                browser.sign_in("canbo@sokhcn.hanoi.gov.vn", "/").await.ok();
            }
            _ => {}
        }
        for path in &pages {
            let page = browser.get_once(path).await;
            let signed_out_member_page =
                who == "anonymous" && page.location.as_deref().is_some_and(|l| l.starts_with("/sign-in"));
            assert!(
                page.status == 404 || signed_out_member_page,
                "{who} opened {path}: {} {:?}",
                page.status,
                page.location
            );
            if page.status == 404 {
                assert!(
                    page.content_type.starts_with("text/html"),
                    "{who} {path}: a 404 page, not {}",
                    page.content_type
                );
            }
            for secret in secrets {
                assert!(!page.html.contains(secret), "{who} saw {secret:?} on {path}");
            }
        }
        // A made-up id answers exactly as a real one for the signed out.
        if who == "anonymous" {
            let made_up = browser.get_once("/matches/01900000-0000-7000-8000-000000000000").await;
            assert!(made_up.location.as_deref().is_some_and(|l| l.starts_with("/sign-in")));
        }
    }
}

/// A match with its deal: the page (deal form, deal, consent form) is for the two sides
/// and their provinces' officers; anyone else gets the 404 page and never the value.
#[tokio::test]
async fn a_match_with_its_deal_is_a_404_page_for_everyone_else() {
    let crate::outcomes::Connected { app, seller, buyer, match_id, .. } = crate::outcomes::connected().await;
    let deal = format!("/api/v1/matches/{match_id}/deal");
    app.post_as(&buyer.access_token, &deal, &crate::outcomes::record()).await.ok();
    app.post_as(&seller.access_token, &format!("{deal}/confirm"), &serde_json::json!({})).await.ok();
    let path = format!("/matches/{match_id}");
    let mut side = Browser::new(&app);
    side.sign_in("seller@sonhan.vn", &path).await.ok();
    let own = side.get(&path).await;
    assert!(own.ok().contains(&format!("action=\"{path}/deal/consent\"")), "the side's consent form");

    app.signed_in("nguoila@example.vn").await;
    app.staff("canbo@sokhcn.hanoi.gov.vn", "01", "moderator").await;
    for who in [None, Some("nguoila@example.vn"), Some("canbo@sokhcn.hanoi.gov.vn")] {
        let mut browser = Browser::new(&app);
        if let Some(email) = who {
            browser.sign_in(email, "/").await.ok();
        }
        let page = browser.get_once(&path).await;
        match who {
            None => assert!(page.location.as_deref().is_some_and(|l| l.starts_with("/sign-in"))),
            Some(_) => assert_eq!(page.status, 404, "{who:?}"),
        }
        browser.get("/").await.ok();
        for post in [format!("{path}/deal/consent"), format!("{path}/deal"), format!("{path}/deal/confirm")] {
            let answer = browser.post_once(&post, &[("publish_value", "yes"), ("value_vnd", "1")]).await;
            assert!(matches!(answer.status.as_u16(), 404 | 303), "{who:?} {post}: {}", answer.status);
            if answer.status == 303 {
                assert!(who.is_none() && answer.location.as_deref().is_some_and(|l| l.starts_with("/sign-in")));
            }
        }
        for page in [page.html.as_str()] {
            for secret in ["987654321", "987.654.321", "987,65", "1-0034567", "15/GCN-SKHCN"] {
                assert!(!page.contains(secret), "{who:?} saw {secret}");
            }
        }
    }
    let reader = app.login("seller@sonhan.vn").await;
    let unchanged = app.get_as(&reader.access_token, &deal).await;
    assert_eq!(
        (&unchanged.ok()["offer_publishes_value"], &unchanged.body["value_vnd"]),
        (&serde_json::json!(false), &serde_json::json!(987_654_321))
    );
}
