//! Two instances on one PostgreSQL database, each with its own data directory and search
//! index, started at the same moment: they migrate safely, each finds what was published
//! through the other, and timed work is done once between them.

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::listings::wastewater_need;
use crate::helpers::server::{self, free_port, wait_until_ready};
use crate::helpers::{TestDatabase, TestOptions, spawn_app_with};
use crate::matching::wastewater_offer;

/// `.eml` files under a mail folder whose name starts with `kind`, addressed to `to`.
fn mails(dir: &Path, kind: &str, to: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(kind))
        .filter(|e| {
            std::fs::read_to_string(e.path())
                .unwrap_or_default()
                .lines()
                .any(|line| line.starts_with("To:") && line.contains(to))
        })
        .count()
}

async fn until<F: Fn() -> bool>(what: &str, condition: F) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !condition() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn two_instances_share_the_market_and_do_timed_work_once() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(dir.path());
    if !database.is_postgres() {
        // Several instances share a PostgreSQL database only; this runs in the PostgreSQL
        // suite (`.ci/run` sets TECHBRIDGE_TEST_POSTGRES_URL).
        eprintln!("two_instances_share_the_market_and_do_timed_work_once: runs on PostgreSQL only");
        return;
    }
    let timed_work = [
        ("TECHBRIDGE__JOBS__SCHEDULE_ENABLED", "true".to_owned()),
        ("TECHBRIDGE__JOBS__SCHEDULE_INTERVAL_SECS", "1".to_owned()),
        ("TECHBRIDGE__NOTIFICATIONS__DIGEST_HOUR", "0".to_owned()),
        ("TECHBRIDGE__SEARCH__FOLLOW_INTERVAL_MS", "500".to_owned()),
    ];
    // Both at once: a child process, and this process's own instance. Either may send any
    // email (the job queue is shared), so both write mail files to one folder.
    let mail = dir.path().join("mail");
    let second_dir = dir.path().join("second");
    let port = free_port();
    let mut second_env = timed_work.to_vec();
    second_env.push(("TECHBRIDGE__EMAIL__MAIL_DIR", mail.to_string_lossy().into_owned()));
    // Instances behind one address share the secret: a link's token minted by one is
    // checked by the other.
    second_env.push(("TECHBRIDGE__AUTH__SECRET", "integration-test-secret-that-is-long-enough".to_owned()));
    let mut second = server::start(&second_dir, database.url(), port, &second_env);
    let url = database.url().to_owned();
    let shared_mail = mail.to_string_lossy().into_owned();
    let first = spawn_app_with(TestOptions {
        tweak: Some(Box::new(move |s| {
            s.database.url = url;
            s.email.mail_dir = shared_mail;
            s.jobs.schedule_enabled = true;
            s.jobs.schedule_interval_secs = 1;
            s.notifications.digest_hour = 0;
            s.search.follow_interval_ms = 500;
        })),
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    wait_until_ready(&client, port).await;
    let both = |kind: &str, to: &str| mails(&mail, kind, to);

    // Through the first: a buyer with a saved search and a daily digest, a seller.
    let moderator = first.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let seller = first.signed_in("seller@example.vn").await;
    let buyer = first.signed_in("buyer@example.vn").await;
    let prefs = json!({ "new_match": "daily" });
    let reply = first
        .request(
            reqwest::Method::PUT,
            "/api/v1/me/notification-preferences",
            Some(&buyer.access_token),
            Some(&prefs),
            None,
        )
        .await;
    assert_eq!(reply.ok()["new_match"], "daily");
    let saved = json!({ "name": "Nước thải", "query": { "q": "nuoc thai", "kind": "offer" }, "frequency": "instant" });
    assert_eq!(first.post_as(&buyer.access_token, "/api/v1/me/saved-searches", &saved).await.status, 201);
    let seller_org = first.approved_org_in(&seller, &moderator, "92", "Công ty Bán", 160).await;
    let buyer_org = first.approved_org_in(&buyer, &moderator, "92", "Hợp tác xã Mua", 161).await;
    first.published_listing(&buyer, &moderator, &buyer_org, &wastewater_need(json!({}))).await;

    // An offer published through the first is found through the second.
    let published = tokio::time::Instant::now();
    let offer = first.published_listing(&seller, &moderator, &seller_org, &wastewater_offer(json!({}))).await;
    let search = format!("http://127.0.0.1:{port}/api/v1/listings?q=nuoc%20thai&kind=offer");
    loop {
        let found: Value = client.get(&search).send().await.unwrap().json().await.unwrap();
        if found["items"].as_array().unwrap().iter().any(|item| item["id"] == offer.as_str()) {
            break;
        }
        assert!(published.elapsed() < Duration::from_secs(30), "the second instance never found the offer");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!("found through the second instance {} ms after publication", published.elapsed().as_millis());

    // Timed work, with both instances ticking every second: the saved search tells the
    // buyer once, the daily digest goes out once.
    until("the saved search email", || both("saved-search", "buyer@example.vn") > 0).await;
    until("the daily digest", || both("digest", "buyer@example.vn") > 0).await;
    // The expiry of a listing is done once.
    let listing = offer.clone();
    first
        .state
        .db
        .run(move |conn| {
            use diesel::prelude::*;
            use techbridge::db::schema::listings;
            diesel::update(listings::table.find(&listing))
                .set(listings::expires_at.eq(Some(chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1))))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    until("the expiry email", || both("listing-expired", "seller@example.vn") > 0).await;
    // Several more ticks of each instance.
    tokio::time::sleep(Duration::from_secs(4)).await;
    first.drain_jobs().await;
    assert_eq!(both("saved-search", "buyer@example.vn"), 1, "saved search told once");
    assert_eq!(both("digest", "buyer@example.vn"), 1, "one digest");
    assert_eq!(both("listing-expired", "seller@example.vn"), 1, "expired once");
    let offer_id = offer.clone();
    let expiries: i64 = first
        .state
        .db
        .run(move |conn| {
            use diesel::prelude::*;
            use techbridge::db::schema::audit_log;
            Ok(audit_log::table
                .filter(audit_log::entity_id.eq(&offer_id))
                .filter(audit_log::action.eq("expire"))
                .count()
                .get_result(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(expiries, 1);
    // And the second instance's index no longer has it.
    let until_gone = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let found: Value = client.get(&search).send().await.unwrap().json().await.unwrap();
        if !found["items"].as_array().unwrap().iter().any(|item| item["id"] == offer.as_str()) {
            break;
        }
        assert!(tokio::time::Instant::now() < until_gone, "the expired offer stayed in the second index");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    second.kill().await.unwrap();
    first.shutdown().await;
}
