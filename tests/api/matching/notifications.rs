use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use super::wastewater_offer;
use crate::helpers::listings::wastewater_need;
use crate::helpers::spawn_app;

fn header<'a>(mail: &'a str, name: &str) -> Option<&'a str> {
    mail.lines().take_while(|l| !l.is_empty()).find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

#[tokio::test]
async fn notifications_are_listed_counted_and_marked_read() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner@example.vn").await;
    let moderator = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let org = app.approved_org_in(&owner, &moderator, "92", "Hợp tác xã Thông Báo", 160).await;
    app.published_listing(&owner, &moderator, &org, &wastewater_need(json!({}))).await;

    // The organization's approval and the listing's publication.
    let listed = app.get_as(&owner.access_token, "/api/v1/notifications").await;
    assert_eq!(listed.ok()["total"], 2);
    assert_eq!(listed.body["unread"], 2);
    let kinds: Vec<&str> =
        listed.body["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["review_decision", "review_decision"]);
    let newest = listed.body["items"][0]["id"].as_str().unwrap().to_owned();

    assert_eq!(app.get_as(&owner.access_token, "/api/v1/notifications/unread-count").await.ok()["unread"], 2);
    assert_eq!(
        app.post_as(&owner.access_token, &format!("/api/v1/notifications/{newest}/read"), &json!({})).await.status,
        204
    );
    assert_eq!(app.get_as(&owner.access_token, "/api/v1/notifications/unread-count").await.ok()["unread"], 1);
    let unread = app.get_as(&owner.access_token, "/api/v1/notifications?unread=true").await;
    assert_eq!(unread.ok()["total"], 1);
    // Someone else's notification is not found.
    app.post_as(&moderator.access_token, &format!("/api/v1/notifications/{newest}/read"), &json!({}))
        .await
        .problem(404);
    assert_eq!(app.post_as(&owner.access_token, "/api/v1/notifications/read-all", &json!({})).await.ok()["marked"], 1);
    assert_eq!(app.get_as(&owner.access_token, "/api/v1/notifications/unread-count").await.ok()["unread"], 0);

    let prefs = app.get_as(&owner.access_token, "/api/v1/me/notification-preferences").await;
    assert_eq!(prefs.ok()["new_match"], "instant");
    let bad = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/me/notification-preferences",
            Some(&owner.access_token),
            Some(&json!({ "new_match": "hourly", "saved_search": "sometimes" })),
            None,
        )
        .await;
    assert_eq!(bad.invalid_fields(), vec!["new_match", "saved_search"]);
}

/// The link in every notification email turns off that kind, for that user, without
/// signing in; anything else presented as a token is refused.
#[tokio::test]
async fn one_click_unsubscribe_for_its_own_user_and_kind_only() {
    let app = spawn_app().await;
    let seller = app.signed_in("seller@example.vn").await;
    let buyer = app.signed_in("buyer@example.vn").await;
    let moderator = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let seller_org = app.approved_org_in(&seller, &moderator, "92", "Công ty Bán", 170).await;
    let buyer_org = app.approved_org_in(&buyer, &moderator, "92", "Hợp tác xã Mua", 171).await;
    app.published_listing(&seller, &moderator, &seller_org, &wastewater_offer(json!({}))).await;
    app.published_listing(&buyer, &moderator, &buyer_org, &wastewater_need(json!({}))).await;
    app.drain_jobs().await;

    let mail = app.mails_to("buyer@example.vn", "match").await.remove(0);
    let list_header = header(&mail, "List-Unsubscribe").unwrap();
    assert_eq!(header(&mail, "List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
    let url = list_header.trim_start_matches('<').trim_end_matches('>');
    let token = url.rsplit('/').next().unwrap().to_owned();
    assert!(mail.contains(url), "the link is in the body too");

    // Opening the link changes nothing; pressing its button (or a one-click POST) does.
    let page = app.client.get(app.url(&format!("/unsubscribe/{token}"))).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<form method=\"post\""));
    assert_eq!(
        app.get_as(&buyer.access_token, "/api/v1/me/notification-preferences").await.ok()["new_match"],
        "instant"
    );
    let done = app
        .client
        .post(app.url(&format!("/unsubscribe/{token}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let prefs = app.get_as(&buyer.access_token, "/api/v1/me/notification-preferences").await;
    assert_eq!(prefs.ok()["new_match"], "off");
    assert_eq!(prefs.body["review_decision"], "instant", "only that kind");
    assert_eq!(
        app.get_as(&seller.access_token, "/api/v1/me/notification-preferences").await.ok()["new_match"],
        "instant",
        "only that user"
    );

    // Altered: the same signature over another user or kind.
    let (payload, signature) = token.split_once('.').unwrap();
    let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    let (user, kind) = decoded.rsplit_once(':').unwrap();
    assert_eq!(kind, "new_match");
    for forged in [
        format!("{}.{signature}", URL_SAFE_NO_PAD.encode(format!("{}:new_match", seller.user_id))),
        format!("{}.{signature}", URL_SAFE_NO_PAD.encode(format!("{user}:review_decision"))),
        format!("{payload}.{}", URL_SAFE_NO_PAD.encode([0_u8; 32])),
    ] {
        let reply = app.request(reqwest::Method::POST, &format!("/unsubscribe/{forged}"), None, None, None).await;
        reply.problem(404);
    }
    for garbage in ["nonsense", "a.b", "%%%.%%%"] {
        let reply = app.request(reqwest::Method::POST, &format!("/unsubscribe/{garbage}"), None, None, None).await;
        assert!(reply.status == 400 || reply.status == 404, "{garbage}: {}", reply.status);
        reply.problem(reply.status.as_u16());
    }
    assert_eq!(
        app.get_as(&seller.access_token, "/api/v1/me/notification-preferences").await.ok()["review_decision"],
        "instant"
    );
    assert_eq!(
        app.get_as(&buyer.access_token, "/api/v1/me/notification-preferences").await.ok()["review_decision"],
        "instant"
    );
}

#[tokio::test]
async fn saved_searches_tell_each_new_listing_once() {
    let app = spawn_app().await;
    let watcher = app.signed_in("watcher@example.vn").await;
    let seller = app.signed_in("seller@example.vn").await;
    let moderator = app.staff("mod@danang.gov.vn", "48", "moderator").await;
    let org = app.approved_org_in(&seller, &moderator, "48", "Công ty Nước", 180).await;
    // Published before the search was saved: not told.
    app.published_listing(
        &seller,
        &moderator,
        &org,
        &wastewater_offer(json!({ "title_vi": "Xử lý nước thải cũ đã đăng" })),
    )
    .await;

    let bad = app
        .post_as(
            &watcher.access_token,
            "/api/v1/me/saved-searches",
            &json!({ "name": "", "query": { "kind": "gift" }, "frequency": "hourly" }),
        )
        .await;
    assert_eq!(bad.invalid_fields(), vec!["name", "query.kind", "frequency"]);
    let saved = app
        .post_as(
            &watcher.access_token,
            "/api/v1/me/saved-searches",
            &json!({ "name": "Nước thải", "query": { "q": "nuoc thai", "kind": "offer" }, "frequency": "instant" }),
        )
        .await;
    assert_eq!(saved.status, 201, "{}", saved.text);
    let saved_id = saved.body["id"].as_str().unwrap().to_owned();
    app.clock.advance(chrono::Duration::minutes(1));

    let first = app.published_listing(&seller, &moderator, &org, &wastewater_offer(json!({}))).await;
    // A need does not match a search for offers.
    app.published_listing(&seller, &moderator, &org, &wastewater_need(json!({}))).await;
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    while app.mails_to("watcher@example.vn", "saved-search").await.is_empty() && tokio::time::Instant::now() < until {
        app.run_timers().await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mails = app.mails_to("watcher@example.vn", "saved-search").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains(&first) && !mails[0].contains("cũ đã đăng"));

    // Later runs do not tell the same listing again; a new one is told.
    app.run_timers().await;
    app.run_timers().await;
    assert_eq!(app.mails_to("watcher@example.vn", "saved-search").await.len(), 1);
    let moderator = app.login(&moderator.email).await;
    let second = app
        .published_listing(
            &seller,
            &moderator,
            &org,
            &wastewater_offer(json!({ "title_vi": "Xử lý nước thải bằng màng lọc sinh học" })),
        )
        .await;
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    while app.mails_to("watcher@example.vn", "saved-search").await.len() < 2 && tokio::time::Instant::now() < until {
        app.run_timers().await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mails = app.mails_to("watcher@example.vn", "saved-search").await;
    assert_eq!(mails.len(), 2);
    assert!(mails.iter().any(|m| m.contains(&second) && !m.contains(&first)));

    let listed = app.get_as(&watcher.access_token, "/api/v1/me/saved-searches").await;
    assert_eq!(listed.ok().as_array().unwrap().len(), 1);
    assert_eq!(app.delete_as(&seller.access_token, &format!("/api/v1/me/saved-searches/{saved_id}")).await.status, 404);
    assert_eq!(
        app.delete_as(&watcher.access_token, &format!("/api/v1/me/saved-searches/{saved_id}")).await.status,
        204
    );
}
