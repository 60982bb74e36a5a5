use std::time::Duration;

use chrono::NaiveDate;
use serde_json::json;

use super::wastewater_offer;
use crate::helpers::listings::wastewater_need;
use crate::helpers::{Session, TestApp, spawn_app};

fn local(day: u32, hour: u32, minute: u32) -> chrono::NaiveDateTime {
    // Vietnam is UTC+7: local 06:00 on the 10th is 23:00 UTC on the 9th.
    NaiveDate::from_ymd_opt(2027, 3, day).unwrap().and_hms_opt(hour, minute, 0).unwrap() - chrono::Duration::hours(7)
}

fn count(app: &TestApp, to: &str, prefix: &str) -> usize {
    app.mail_files()
        .into_iter()
        .filter(|(name, content)| {
            name.starts_with(prefix) && content.lines().any(|l| l.starts_with("To:") && l.contains(to))
        })
        .count()
}

async fn wait_for(app: &TestApp, to: &str, prefix: &str, n: usize) {
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    while count(app, to, prefix) < n && tokio::time::Instant::now() < until {
        app.run_timers().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.drain_jobs().await;
}

async fn prefer(app: &TestApp, who: &Session, mode: &str) {
    let reply = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/me/notification-preferences",
            Some(&who.access_token),
            Some(&json!({ "new_match": mode })),
            None,
        )
        .await;
    assert_eq!(reply.ok()["new_match"], mode);
}

/// Three buyers told of the same matches, by email at once, in a daily digest, or not at
/// all, over two days of simulated time.
#[tokio::test]
async fn instant_daily_and_off_over_two_days() {
    let app = spawn_app().await;
    app.clock.travel_to(local(10, 6, 0));
    let moderator = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let seller = app.signed_in("seller@example.vn").await;
    let seller_org = app.approved_org_in(&seller, &moderator, "92", "Công ty Bán", 150).await;
    let mut buyers = Vec::new();
    for (n, mode) in ["instant", "daily", "off"].into_iter().enumerate() {
        let buyer = app.signed_in(&format!("{mode}@example.vn")).await;
        prefer(&app, &buyer, mode).await;
        let org = app.approved_org_in(&buyer, &moderator, "92", &format!("Hợp tác xã {mode}"), 151 + n as u32).await;
        app.published_listing(&buyer, &moderator, &org, &wastewater_need(json!({}))).await;
        buyers.push(buyer);
    }

    // Day one, 06:00: an offer that fits all three needs.
    app.published_listing(&seller, &moderator, &seller_org, &wastewater_offer(json!({}))).await;
    app.drain_jobs().await;
    wait_for(&app, "instant@example.vn", "match", 1).await;
    assert_eq!(count(&app, "instant@example.vn", "match"), 1);
    assert_eq!(count(&app, "daily@example.vn", "match"), 0);
    assert_eq!(count(&app, "off@example.vn", "match"), 0);
    app.run_timers().await;
    assert_eq!(count(&app, "daily@example.vn", "digest"), 0, "not before 08:00");

    // 08:30: the daily digest goes out, with the one match.
    app.clock.travel_to(local(10, 8, 30));
    wait_for(&app, "daily@example.vn", "digest", 1).await;
    app.run_timers().await;
    assert_eq!(count(&app, "daily@example.vn", "digest"), 1, "one digest a day");
    let first_digest = app.mails_to("daily@example.vn", "digest").await.remove(0);
    assert!(first_digest.contains("1 thông báo mới"));
    assert!(first_digest.contains("List-Unsubscribe"));

    // Later that day, a second offer: instant at once, daily waits for tomorrow.
    app.clock.travel_to(local(10, 15, 0));
    let seller = app.login(&seller.email).await;
    let moderator = app.login(&moderator.email).await;
    app.published_listing(
        &seller,
        &moderator,
        &seller_org,
        &wastewater_offer(json!({ "title_vi": "Hệ thống xử lý nước thải chăn nuôi bằng màng lọc" })),
    )
    .await;
    wait_for(&app, "instant@example.vn", "match", 2).await;
    assert_eq!(count(&app, "instant@example.vn", "match"), 2);
    app.run_timers().await;
    assert_eq!(count(&app, "daily@example.vn", "digest"), 1);

    // Day two, 08:30: a second digest with only the new match.
    app.clock.travel_to(local(11, 8, 30));
    wait_for(&app, "daily@example.vn", "digest", 2).await;
    assert_eq!(count(&app, "daily@example.vn", "digest"), 2);
    let digests = app.mails_to("daily@example.vn", "digest").await;
    let second = digests.iter().find(|d| d != &&first_digest).unwrap();
    assert!(second.contains("1 thông báo mới"), "{second}");
    assert!(second.contains("màng lọc") || second.contains("Gợi ý kết nối mới"));
    assert_eq!(count(&app, "daily@example.vn", "match"), 0);
    assert_eq!(count(&app, "off@example.vn", "match") + count(&app, "off@example.vn", "digest"), 0);

    // Everyone has both notifications in the app.
    for buyer in &buyers {
        let buyer = app.login(&buyer.email).await;
        let listed = app.get_as(&buyer.access_token, "/api/v1/notifications").await;
        let kinds: Vec<&str> =
            listed.ok()["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds.iter().filter(|k| **k == "new_match").count(), 2, "{}: {kinds:?}", buyer.email);
    }
}
