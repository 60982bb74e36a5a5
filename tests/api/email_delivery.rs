use std::time::Duration;

use crate::helpers::{SmtpSink, TestOptions, spawn_app_with};

#[tokio::test]
async fn verification_email_reaches_a_real_smtp_server() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(TestOptions { smtp: Some(sink.connection()), ..Default::default() }).await;
    app.register("smtp@example.vn", "Phạm Thư").await.ok();
    let messages = sink.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(messages.len(), 1);
    let mail = &messages[0];
    assert_eq!(mail.envelope_to, vec!["smtp@example.vn"]);
    assert_eq!(mail.subject(), "Xác nhận địa chỉ email TechBridge");
    assert!(mail.header("Message-ID").unwrap().ends_with("@techbridge.local>"));
    assert!(mail.header("Content-Type").unwrap().starts_with("multipart/alternative"));
    assert!(mail.raw.contains("text/plain") && mail.raw.contains("text/html"));
    let token = mail.link_param("token").unwrap();
    assert_eq!(token.len(), 43);
    app.drain_jobs().await;
    assert_eq!(sink.messages().len(), 1, "sent once");
}

#[tokio::test]
async fn mail_queued_while_the_smtp_server_is_down_arrives_once_it_is_back() {
    let mut sink = SmtpSink::start().await;
    // Time is moved on below to skip backoff delays; a long lease keeps those jumps from
    // handing a job that is being sent to a second worker.
    let app = spawn_app_with(TestOptions {
        smtp: Some(sink.connection()),
        tweak: Some(Box::new(|settings| settings.jobs.lease_secs = 86_400)),
        ..Default::default()
    })
    .await;
    sink.stop();
    for n in 0..5 {
        app.register(&format!("down{n}@example.vn"), "Chờ Thư").await.ok();
    }
    // The jobs fail and back off; nothing is lost.
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let failed: i64 = app
            .state
            .db
            .run(|conn| {
                use diesel::prelude::*;
                use techbridge::db::schema::jobs;
                Ok(jobs::table
                    .filter(jobs::attempts.ge(1))
                    .filter(jobs::status.eq("queued"))
                    .count()
                    .get_result(conn)?)
            })
            .await
            .unwrap();
        if failed >= 1 || tokio::time::Instant::now() > until {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(sink.messages().is_empty());

    sink.restart().await;
    // Retries are due after their backoff; move time on instead of waiting for it.
    let until = tokio::time::Instant::now() + Duration::from_secs(30);
    while sink.messages().len() < 5 && tokio::time::Instant::now() < until {
        app.clock.advance(chrono::Duration::minutes(1));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.drain_jobs().await;
    let messages = sink.messages();
    let mut recipients: Vec<&str> = messages.iter().map(|m| m.envelope_to[0].as_str()).collect();
    recipients.sort_unstable();
    let jobs: Vec<(String, i32, Option<String>)> = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            use techbridge::db::schema::jobs;
            Ok(jobs::table.select((jobs::status, jobs::attempts, jobs::last_error)).load(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(
        recipients,
        vec!["down0@example.vn", "down1@example.vn", "down2@example.vn", "down3@example.vn", "down4@example.vn"],
        "{jobs:?}"
    );
}
