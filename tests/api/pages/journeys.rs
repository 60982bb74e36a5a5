//! The members' journeys through the pages alone, and every link their mail carried
//! opened as its recipient would.

use serde_json::json;

use super::{links_in, mailed_link, main_of, signed_up};
use crate::helpers::browser::Browser;
use crate::helpers::orgs::tax_code;
use crate::helpers::{TestApp, spawn_app};

pub const STARTUP: &str = "sangtao@startup-danang.example.vn";
pub const BUYER: &str = "kythuat@cantho-food.example.vn";
pub const STARTUP_CONTACT: &str = "0236 3555 777";
pub const BUYER_CONTACT: &str = "0292 3888 999";

/// Registers an organization through its form and sends it for review; returns its id.
pub async fn registered_org(
    browser: &mut Browser,
    kind: &str,
    name: &str,
    province: &str,
    tax: &str,
    phone: &str,
    email: &str,
) -> String {
    browser.get(&format!("/orgs/new?kind={kind}")).await.ok();
    let page = browser
        .post(
            "/orgs/new",
            &[
                ("kind", kind),
                ("legal_name", name),
                ("tax_code", tax),
                ("province", province),
                ("address", "Số 1 đường Công Nghệ"),
                ("st_fields", "207"),
                ("st_fields", "405"),
                ("description_vi", "Giải pháp xử lý nước thải chăn nuôi."),
                ("contact_name", "Người Liên Hệ"),
                ("contact_email", email),
                ("contact_phone", phone),
                ("contact_consent", "yes"),
            ],
        )
        .await;
    let html = page.ok();
    assert!(html.contains(name), "{}", page.path);
    assert!(
        !page.path.starts_with("/orgs/new"),
        "the form came back:\n{}",
        crate::helpers::browser::excerpt(main_of(&page))
    );
    let id = page.path.trim_start_matches("/orgs/").split('?').next().unwrap().to_owned();
    let version = page.value_of("version").expect("the draft's version");
    let submitted = browser.post(&format!("/orgs/{id}/submit"), &[("version", &version)]).await;
    assert!(submitted.ok().contains("state-submitted"), "{}", submitted.path);
    id
}

/// Posts a listing through its form and sends it for review; returns its id.
pub async fn posted_listing(browser: &mut Browser, org: &str, kind: &str, fields: &[(&str, &str)]) -> String {
    browser.get(&format!("/orgs/{org}/listings/new?kind={kind}")).await.ok();
    let mut form = vec![("kind", kind)];
    form.extend_from_slice(fields);
    let page = browser.post(&format!("/orgs/{org}/listings/new"), &form).await;
    page.ok();
    assert!(
        page.path.starts_with("/listings/"),
        "the draft's page, not {}:\n{}",
        page.path,
        crate::helpers::browser::excerpt(main_of(&page))
    );
    let id = page.path.trim_start_matches("/listings/").split('?').next().unwrap().to_owned();
    let version = page.value_of("version").expect("the draft's version");
    browser.post(&format!("/listings/{id}/submit"), &[("version", &version)]).await.ok();
    id
}

pub struct Market {
    pub startup: Browser,
    pub buyer: Browser,
    pub offer: String,
    pub need: String,
    pub match_id: String,
}

/// (a) a startup in Đà Nẵng and (b) an enterprise in Cần Thơ, through the pages; their
/// provinces approve through the API. Ends with the engine's suggestion between them.
pub async fn market(app: &TestApp) -> Market {
    let danang = app.staff("canbo@sokhcn.danang.gov.vn", "48", "moderator").await;
    let cantho = app.staff("canbo@sokhcn.cantho.gov.vn", "92", "moderator").await;

    let mut startup = signed_up(app, STARTUP, "Trần Sáng Tạo").await;
    let startup_org = registered_org(
        &mut startup,
        "startup",
        "Công ty Khởi nghiệp Nước Sạch Đà Nẵng",
        "48",
        &tax_code(901),
        STARTUP_CONTACT,
        "lienhe@nuocsach-danang.example.vn",
    )
    .await;
    assert_eq!(app.decide_org(&danang, &startup_org, "approve", None).await.status, 200);
    let offer = posted_listing(
        &mut startup,
        &startup_org,
        "offer",
        &[
            ("title_vi", "Công nghệ xử lý nước thải chăn nuôi bằng vi sinh"),
            ("summary", "Hệ thống xử lý nước thải trang trại heo đạt QCVN 62, giảm mùi, tái sử dụng nước."),
            ("keywords", "nước thải, chăn nuôi, vi sinh"),
            ("st_fields", "405"),
            ("transfer_modes", "licence"),
            ("transfer_modes", "training"),
            ("trl", "7"),
            ("price_vnd", "850.000.000"),
            ("ip_status", "patent_pending"),
            ("location", "48"),
            ("confidential_details", "Bản vẽ thiết kế bể UASB, gửi sau khi ký NDA"),
        ],
    )
    .await;
    let version = app.listing_version(&danang.access_token, &offer).await;
    let approved = app
        .post_as(
            &danang.access_token,
            &format!("/api/v1/listings/{offer}/decisions"),
            &json!({ "action": "approve", "version": version }),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.text);

    let mut buyer = signed_up(app, BUYER, "Lê Kỹ Thuật").await;
    let buyer_org = registered_org(
        &mut buyer,
        "enterprise",
        "Công ty Thực phẩm Cần Thơ",
        "92",
        &tax_code(902),
        BUYER_CONTACT,
        "lienhe@cantho-food.example.vn",
    )
    .await;
    assert_eq!(app.decide_org(&cantho, &buyer_org, "approve", None).await.status, 200);
    let need = posted_listing(
        &mut buyer,
        &buyer_org,
        "need",
        &[
            ("title_vi", "Cần công nghệ xử lý nước thải chăn nuôi"),
            ("summary", "Trang trại 5.000 heo cần hệ thống xử lý nước thải đạt QCVN 62."),
            ("keywords", "nước thải, chăn nuôi, biogas"),
            ("st_fields", "405"),
            ("transfer_modes", "licence"),
            ("vsic_section", "A"),
            ("trl", "6"),
            ("budget_min_vnd", "500.000.000"),
            ("budget_max_vnd", "2.000.000.000"),
            ("location", "92"),
            ("confidential_details", "Mặt bằng trạm xử lý 400 m², gọi ông Bảy"),
        ],
    )
    .await;
    let version = app.listing_version(&cantho.access_token, &need).await;
    let approved = app
        .post_as(
            &cantho.access_token,
            &format!("/api/v1/listings/{need}/decisions"),
            &json!({ "action": "approve", "version": version }),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    app.drain_jobs().await;

    // The buyer finds the offer by typing without diacritics.
    let found = buyer.get("/listings?q=xu+ly+nuoc+thai").await;
    assert!(found.ok().contains(&format!("/listings/{offer}")), "the marketplace page lists the offer");

    let matches = buyer.get("/matches").await;
    let html = matches.ok();
    let at = html.find("href=\"/matches/").expect("a suggested match on the buyer's page") + "href=\"/matches/".len();
    let match_id: String = html[at..].chars().take_while(|c| *c != '"').collect();
    Market { startup, buyer, offer, need, match_id }
}

#[tokio::test]
async fn a_startup_and_an_enterprise_meet_through_the_pages_alone() {
    let app = spawn_app().await;
    let Market { mut startup, mut buyer, offer, need, match_id } = market(&app).await;

    // Before they connect, neither side's contact nor confidential details show anywhere.
    for (as_buyer, path) in [
        (true, format!("/listings/{offer}")),
        (true, format!("/matches/{match_id}")),
        (false, format!("/listings/{need}")),
        (false, format!("/matches/{match_id}")),
    ] {
        let browser = if as_buyer { &mut buyer } else { &mut startup };
        let page = browser.get(&path).await;
        let html = page.ok();
        for secret in [STARTUP_CONTACT, BUYER_CONTACT, "gửi sau khi ký NDA", "gọi ông Bảy"] {
            assert!(!html.contains(secret), "{secret} on {path} before the connection");
        }
    }

    // Both say they are interested: connected; the contacts show on the match page.
    let page = buyer.get(&format!("/matches/{match_id}")).await;
    let version = page.value_of("version").unwrap();
    let answered =
        buyer.post(&format!("/matches/{match_id}/answer"), &[("response", "interested"), ("version", &version)]).await;
    assert!(
        answered.ok().contains("Đã ghi nhận câu trả lời"),
        "{}",
        crate::helpers::browser::excerpt(main_of(&answered))
    );
    let page = startup.get(&format!("/matches/{match_id}")).await;
    let version = page.value_of("version").unwrap();
    let connected = startup
        .post(&format!("/matches/{match_id}/answer"), &[("response", "interested"), ("version", &version)])
        .await;
    let html = connected.ok();
    assert!(html.contains("state-connected"), "{}", crate::helpers::browser::excerpt(main_of(&connected)));
    assert!(html.contains(BUYER_CONTACT) && html.contains(STARTUP_CONTACT), "both contacts once connected");
    assert!(html.contains("gọi ông Bảy"), "the other side's confidential details once connected");
    // The connected partner reads the other listing's confidential details on its page.
    let partner_view = startup.get(&format!("/listings/{need}")).await;
    assert!(partner_view.ok().contains("gọi ông Bảy"));

    // A deal, recorded by the buyer.
    let page = buyer.get(&format!("/matches/{match_id}")).await;
    let version = page.value_of("version").unwrap();
    let deal = buyer
        .post(
            &format!("/matches/{match_id}/deal"),
            &[("value_vnd", "800.000.000"), ("date", "2026-11-20"), ("version", &version)],
        )
        .await;
    assert!(deal.ok().contains("state-deal"), "{}", crate::helpers::browser::excerpt(main_of(&deal)));

    // Reads of private contact details from outside the organizations were logged.
    let reads: i64 = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            use techbridge::db::schema::private_reads;
            Ok(private_reads::table.count().get_result(conn)?)
        })
        .await
        .unwrap();
    assert!(reads >= 2, "reads logged: {reads}");
}

#[tokio::test]
async fn every_link_in_every_email_lands_on_a_page() {
    let app = spawn_app().await;
    let market = market(&app).await;
    // More mail: a password reset, an invitation, a saved search, a digest.
    let mut startup = market.startup;
    let reset = Browser::new(&app);
    let mut reset = reset;
    reset.get("/forgot-password").await.ok();
    reset.post("/forgot-password", &[("email", STARTUP)]).await.ok();
    let owner = app.login(STARTUP).await;
    let mine = app.get_as(&owner.access_token, "/api/v1/me/organizations").await;
    let org = mine.ok()[0]["id"].as_str().unwrap().to_owned();
    startup.get(&format!("/orgs/{org}/members")).await.ok();
    startup
        .post(&format!("/orgs/{org}/invitations"), &[("email", "dongnghiep@example.vn"), ("role", "editor")])
        .await
        .ok();
    app.drain_jobs().await;
    let _ = mailed_link(&app, "dongnghiep@example.vn", "org-invitation", "/invitations/accept").await;

    // Every email written so far, and every link on this site in each.
    let mails = app.mail_files();
    assert!(mails.len() >= 8, "{} emails", mails.len());
    let mut opened = 0;
    for (name, content) in &mails {
        let recipient = content
            .lines()
            .find(|l| l.starts_with("To:"))
            .and_then(|l| l.split(['<', '>', ' ']).find(|p| p.contains('@')))
            .unwrap_or_default()
            .trim()
            .to_owned();
        for link in links_in(content) {
            let mut browser = Browser::new(&app);
            let first = browser.get_once(&link).await;
            assert_ne!(first.status, 404, "{name}: {link} answered 404");
            let landed = if first.location.as_deref().is_some_and(|l| l.starts_with("/sign-in")) {
                // A member page: sign in as the recipient (registering them if the link
                // was an invitation to someone new), then back to it.
                if app
                    .state
                    .db
                    .run({
                        let r = recipient.clone();
                        move |conn| techbridge::auth::store::find_user_by_email(conn, &r)
                    })
                    .await
                    .unwrap()
                    .is_none()
                {
                    app.signed_in(&recipient).await;
                }
                browser.sign_in(&recipient, &link).await
            } else {
                browser.get(&link).await
            };
            assert_eq!(landed.status, 200, "{name}: {link} ended on {} with {}", landed.path, landed.status);
            assert!(landed.content_type.starts_with("text/html"), "{name}: {link} is {}", landed.content_type);
            opened += 1;
        }
    }
    assert!(opened >= 10, "opened {opened} links");
}
