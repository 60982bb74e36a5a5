//! Crash safety, with the real binary: work enqueued before a `SIGKILL` is done after the
//! restart, exactly once.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde_json::json;
use techbridge::db::Db;
use techbridge::jobs::{self, JobCounts};
use tokio::net::TcpListener;
use tokio::process::Child;

use crate::helpers::server::{self, free_port, wait_until_ready};
use crate::helpers::{PASSWORD, SmtpSink, TestDatabase};

fn start_server(data_dir: &Path, database_url: &str, port: u16, smtp_port: u16) -> Child {
    server::start(
        data_dir,
        database_url,
        port,
        &[
            ("TECHBRIDGE__EMAIL__TRANSPORT", "smtp".into()),
            ("TECHBRIDGE__EMAIL__SMTP__PORT", smtp_port.to_string()),
            ("TECHBRIDGE__EMAIL__SMTP__TIMEOUT_SECS", "300".into()),
            ("TECHBRIDGE__JOBS__CONCURRENCY", "4".into()),
            ("TECHBRIDGE__JOBS__LEASE_SECS", "3".into()),
        ],
    )
}

async fn job_counts(db: &Db) -> JobCounts {
    db.run(jobs::counts).await.unwrap()
}

#[tokio::test]
async fn verification_emails_survive_a_worker_killed_before_sending() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(dir.path());
    let client = reqwest::Client::new();

    // A mail server that accepts connections and never says hello: every worker that
    // tries to send is stuck before the message leaves.
    let stalling = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let stalling_port = stalling.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = stalling.accept().await {
            held.push(socket);
        }
    });

    let port = free_port();
    let mut server = start_server(dir.path(), database.url(), port, stalling_port);
    wait_until_ready(&client, port).await;
    let db = Db::connect(database.url(), 2, Duration::from_secs(5)).unwrap();

    for batch in 0..10 {
        let registrations = (0..10).map(|n| {
            let email = format!("user{}@example.vn", batch * 10 + n);
            client
                .post(format!("http://127.0.0.1:{port}/api/v1/auth/register"))
                .json(&json!({ "email": email, "password": PASSWORD, "full_name": "Người Dùng", "accept_privacy_notice": true }))
                .send()
        });
        for response in futures_util::future::join_all(registrations).await {
            assert_eq!(response.unwrap().status(), 201);
        }
    }
    let until = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let counts = job_counts(&db).await;
        assert_eq!(counts.queued + counts.running, 100, "{counts:?}");
        if counts.running > 0 {
            break;
        }
        assert!(tokio::time::Instant::now() < until, "no worker picked up a job");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    server.start_kill().unwrap();
    server.wait().await.unwrap();
    held.abort();
    let counts = job_counts(&db).await;
    assert_eq!((counts.done, counts.queued + counts.running), (0, 100), "nothing was sent before the kill");

    let sink = SmtpSink::start().await;
    let mut server = start_server(dir.path(), database.url(), port, sink.port);
    wait_until_ready(&client, port).await;
    let messages = sink.wait_for(100, Duration::from_secs(60)).await;
    let until = tokio::time::Instant::now() + Duration::from_secs(30);
    while job_counts(&db).await.done < 100 && tokio::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Give a duplicate every chance to show up before counting.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let messages = if sink.messages().len() > messages.len() { sink.messages() } else { messages };

    let mut per_recipient: HashMap<String, usize> = HashMap::new();
    for message in &messages {
        *per_recipient.entry(message.envelope_to[0].clone()).or_default() += 1;
        assert!(message.link_param("token").is_some_and(|t| t.len() == 43));
    }
    assert_eq!(messages.len(), 100, "exactly 100 emails delivered");
    assert_eq!(per_recipient.len(), 100, "one per account");
    assert!(per_recipient.values().all(|n| *n == 1), "none twice");
    let counts = job_counts(&db).await;
    assert_eq!((counts.done, counts.dead, counts.queued, counts.running), (100, 0, 0, 0));

    server.start_kill().unwrap();
    let _ = server.wait().await;
}
