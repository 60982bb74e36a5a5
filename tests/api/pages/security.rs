//! Browser sessions and forms: cookies, CSRF, signing out everywhere, coming back after
//! signing in, assets and compression.

use serde_json::json;

use super::signed_up;
use crate::helpers::browser::Browser;
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_post_without_its_csrf_token_gets_a_403_page() {
    let app = spawn_app().await;
    app.signed_in("csrf@example.vn").await;
    let mut browser = Browser::new(&app);
    browser.get("/sign-in").await.ok();
    // Signed in (a member form), then every form sent without its token.
    browser.sign_in("csrf@example.vn", "/").await.ok();
    for (path, fields) in [
        ("/sign-in", vec![("email", "a@example.vn"), ("password", "x")]),
        ("/sign-up", vec![("email", "a@example.vn")]),
        ("/orgs/new", vec![("legal_name", "X")]),
    ] {
        let page = browser.post_without_token(path, &fields).await;
        assert_eq!(page.status, 403, "{path}");
        assert!(page.content_type.starts_with("text/html"), "{path}: {}", page.content_type);
        let page = browser.post_without_token(path, &[("csrf", "forged"), ("email", "a@example.vn")]).await;
        assert_eq!(page.status, 403, "{path} with a forged token");
    }
}

#[tokio::test]
async fn a_member_page_opened_signed_out_goes_to_sign_in_and_comes_back() {
    let app = spawn_app().await;
    app.signed_in("quaylai@example.vn").await;
    let mut browser = Browser::new(&app);
    let first = browser.get_once("/account/notifications").await;
    assert_eq!(first.status, 303);
    assert_eq!(first.location.as_deref(), Some("/sign-in?next=%2Faccount%2Fnotifications"));
    let page = browser.sign_in("quaylai@example.vn", "/account/notifications").await;
    assert_eq!(page.path, "/account/notifications");
    page.ok();
    // A next address off this site is not followed.
    let mut other = Browser::new(&app);
    let page = other.sign_in("quaylai@example.vn", "https://evil.example/").await;
    assert_eq!(page.path, "/");
}

#[tokio::test]
async fn the_session_cookie_is_httponly_lax_and_ends_with_sign_out_everywhere() {
    let app = spawn_app().await;
    let mut browser = signed_up(&app, "phien@example.vn", "Người Dùng Phiên").await;
    let api = app.login("phien@example.vn").await;
    let mut login = Browser::new(&app);
    login.get("/sign-in").await.ok();
    let answer =
        login.post_once("/sign-in", &[("email", "phien@example.vn"), ("password", crate::helpers::PASSWORD)]).await;
    let session = answer.set_cookies.iter().find(|c| c.starts_with("tb_session=")).expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"),
        "{session}"
    );
    assert!(!session.contains("Secure"), "plain http in tests: {session}");

    let account = browser.get("/account").await;
    assert!(account.ok().contains("Người Dùng Phiên"));
    browser.post("/account/sign-out-everywhere", &[]).await;
    // The browser is signed out, the other browser too, and so is the API's token.
    assert_eq!(browser.get_once("/account").await.status, 303);
    assert_eq!(login.get_once("/account").await.status, 303);
    assert_eq!(app.get_as(&api.access_token, "/api/v1/me").await.status, 401);
    // And through the API the other way round: a browser's session is one of /me/sessions.
    let mut again = Browser::new(&app);
    again.sign_in("phien@example.vn", "/account").await.ok();
    let api = app.login("phien@example.vn").await;
    let sessions = app.get_as(&api.access_token, "/api/v1/me/sessions").await;
    assert_eq!(sessions.ok().as_array().unwrap().len(), 2, "{}", sessions.text);
    let ended = app.post_as(&api.access_token, "/api/v1/me/sessions/sign-out-everywhere", &json!({})).await;
    assert_eq!(ended.ok()["ended"], 2);
    assert_eq!(again.get_once("/account").await.status, 303);
}

#[tokio::test]
async fn assets_are_hashed_cached_and_pages_compressed() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    let home = browser.get("/").await;
    let html = home.ok();
    let css_at = html.find("/static/app.").expect("the stylesheet");
    let css: String = html[css_at..].chars().take_while(|c| *c != '"').collect();
    let client = reqwest::Client::new();
    let response = client.get(format!("{}{css}", app.address)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    assert_eq!(client.get(format!("{}/static/app.000000000000.css", app.address)).send().await.unwrap().status(), 404);
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let compressed =
        raw.get(format!("{}/listings", app.address)).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "gzip");
    // No address of another host in the page.
    for needle in ["src=\"http", "href=\"http", "url(http"] {
        assert!(!html.contains(needle), "{needle} in the home page");
    }
}

#[tokio::test]
async fn the_language_switch_is_remembered() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    assert!(browser.get("/").await.ok().contains("lang=\"vi\""));
    let switched = browser.get_once("/lang/en?next=/listings").await;
    assert_eq!(switched.location.as_deref(), Some("/listings"));
    assert!(switched.set_cookies.iter().any(|c| c.starts_with("tb_lang=en")));
    assert!(browser.get("/listings").await.ok().contains("lang=\"en\""));
    assert!(browser.get("/").await.ok().contains("Marketplace"));
}
