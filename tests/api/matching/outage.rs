use std::collections::HashMap;
use std::time::Duration;

use serde_json::json;

use super::wastewater_offer;
use crate::helpers::listings::wastewater_need;
use crate::helpers::{SmtpSink, TestOptions, spawn_app_with};

/// The SMTP server goes away while events keep coming; when it is back every email
/// arrives, once, and each recipient's in the order they were written.
#[tokio::test]
async fn mail_written_while_smtp_is_down_arrives_once_and_in_order() {
    let mut sink = SmtpSink::start().await;
    let app = spawn_app_with(TestOptions {
        smtp: Some(sink.connection()),
        // Time is moved on below to skip backoff; a long lease keeps those jumps from
        // handing a job that is being sent to a second worker.
        tweak: Some(Box::new(|s| s.jobs.lease_secs = 86_400)),
        ..Default::default()
    })
    .await;
    let seller = app.signed_in("seller@example.vn").await;
    let buyer = app.signed_in("buyer@example.vn").await;
    let moderator = app.staff("mod@cantho.gov.vn", "92", "moderator").await;
    let seller_org = app.approved_org_in(&seller, &moderator, "92", "Công ty Bán", 140).await;
    let buyer_org = app.approved_org_in(&buyer, &moderator, "92", "Hợp tác xã Mua", 141).await;
    app.drain_jobs().await;
    let before: usize = sink.messages().len();

    sink.stop();
    // Publication, a match, two answers, a connection: a dozen emails, none deliverable.
    let offer_id = app.published_listing(&seller, &moderator, &seller_org, &wastewater_offer(json!({}))).await;
    app.published_listing(&buyer, &moderator, &buyer_org, &wastewater_need(json!({}))).await;
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    let match_id = loop {
        let listed = app.get_as(&seller.access_token, &format!("/api/v1/matches?listing_id={offer_id}")).await;
        if let Some(id) = listed.body["items"][0]["id"].as_str() {
            break id.to_owned();
        }
        assert!(tokio::time::Instant::now() < until, "no match");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for who in [&buyer, &seller] {
        app.post_as(
            &who.access_token,
            &format!("/api/v1/matches/{match_id}/responses"),
            &json!({ "response": "interested" }),
        )
        .await
        .ok();
    }
    let expected: i64 = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            use techbridge::db::schema::jobs;
            Ok(jobs::table
                .filter(jobs::kind.eq("send_email"))
                .filter(jobs::status.ne("done"))
                .count()
                .get_result(conn)?)
        })
        .await
        .unwrap();
    assert!(expected >= 8, "{expected} emails waiting");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.messages().len(), before, "nothing got through while down");

    sink.restart().await;
    let until = tokio::time::Instant::now() + Duration::from_secs(40);
    while sink.messages().len() < before + expected as usize && tokio::time::Instant::now() < until {
        app.clock.advance(chrono::Duration::minutes(1));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.drain_jobs().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let delivered = &sink.messages()[before..];
    assert_eq!(delivered.len(), expected as usize, "every email, once");
    let mut ids = HashMap::new();
    for message in delivered {
        *ids.entry(message.header("Message-ID").unwrap()).or_insert(0) += 1;
    }
    assert!(ids.values().all(|n| *n == 1), "no email twice");

    // Per recipient, in the order they were written: the suggestion before the
    // introduction.
    for to in ["seller@example.vn", "buyer@example.vn"] {
        let subjects: Vec<String> = delivered.iter().filter(|m| m.envelope_to[0] == to).map(|m| m.subject()).collect();
        let suggestion = subjects.iter().position(|s| s.starts_with("Gợi ý kết nối mới")).unwrap();
        let introduction = subjects.iter().position(|s| s.starts_with("Kết nối thành công")).unwrap();
        assert!(suggestion < introduction, "{to}: {subjects:?}");
    }
    let dead: i64 = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            use techbridge::db::schema::jobs;
            Ok(jobs::table.filter(jobs::status.eq("dead")).count().get_result(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(dead, 0);
}
