//! The weekly summary to each province's admins: the week's figures and the longest waits,
//! once per week, by each admin's preference.

use std::time::Duration;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;
use techbridge::db::schema::weekly_summaries;

use super::at;
use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::{TestApp, TestOptions, spawn_app_with};

async fn summarised(app: &TestApp, tenant: &'static str, week: NaiveDate) -> Option<i32> {
    app.state
        .db
        .run(move |conn| {
            Ok(weekly_summaries::table
                .filter(weekly_summaries::tenant_id.eq(tenant))
                .filter(weekly_summaries::week_start.eq(week))
                .select(weekly_summaries::recipients)
                .first::<i32>(conn)
                .optional()?)
        })
        .await
        .unwrap()
}

async fn wait_until_summarised(app: &TestApp, tenant: &'static str, week: NaiveDate) -> i32 {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        app.run_timers().await;
        if let Some(recipients) = summarised(app, tenant, week).await {
            return recipients;
        }
        assert!(tokio::time::Instant::now() < deadline, "no summary of {week} for {tenant}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn admins_get_the_weeks_figures_once() {
    let app = spawn_app_with(TestOptions {
        tweak: Some(Box::new(|s| {
            s.notifications.weekly_summary = true;
            super::long_sessions(s);
        })),
        ..Default::default()
    })
    .await;
    // Wednesday 4 March 2026, 10:00 in Vietnam: the latest week due is that of 23 February,
    // and it is empty. Let the scheduler record it before anything happens.
    app.clock.travel_to(at(2026, 3, 4, 3));
    let monday_before = NaiveDate::from_ymd_opt(2026, 2, 23).unwrap();
    wait_until_summarised(&app, "01", monday_before).await;

    let mut admin = app.staff("admin@hanoi.gov.vn", "01", "tenant_admin").await;
    let mut quiet_admin = app.staff("quiet@hanoi.gov.vn", "01", "tenant_admin").await;
    let english_admin = app.staff("english@hanoi.gov.vn", "01", "tenant_admin").await;
    let mut moderator = app.staff("mod@hanoi.gov.vn", "01", "moderator").await;
    app.staff("admin@hue.gov.vn", "46", "tenant_admin").await;
    let off = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/me/notification-preferences",
            Some(&quiet_admin.access_token),
            Some(&json!({ "weekly_summary": "off" })),
            None,
        )
        .await;
    assert_eq!(off.ok()["weekly_summary"], "off");
    let english = app.patch_as(&english_admin.access_token, "/api/v1/me", &json!({ "language": "en" })).await;
    assert!(english.status.is_success(), "{}", english.text);

    // The week of 2 March: two registrations, one approved after 3 hours, one waiting.
    let owner = app.signed_in("owner@example.vn").await;
    let waiting = app.create_org(&owner, &enterprise("Công ty Chờ Duyệt", "01", &tax_code(41), json!({}))).await;
    app.submit_org(&owner, &waiting).await;
    let approved = app.create_org(&owner, &enterprise("Công ty Đã Duyệt", "01", &tax_code(42), json!({}))).await;
    app.submit_org(&owner, &approved).await;
    app.travel(at(2026, 3, 4, 6), &mut [&mut moderator]).await;
    assert_eq!(app.decide_org(&moderator, &approved, "approve", None).await.status, 200);

    // Monday 9 March, 11:00 in Vietnam: the week of 2 March is due.
    app.travel(at(2026, 3, 9, 4), &mut [&mut admin, &mut quiet_admin]).await;
    let week = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    assert_eq!(wait_until_summarised(&app, "01", week).await, 3);
    let mails = app.mails_to("admin@hanoi.gov.vn", "weekly").await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(mail.contains("Subject: =?utf-8?") || mail.contains("Subject:"), "{mail}");
    for line in [
        "Tóm tắt tuần 02/03 – 08/03/2026 của Hà Nội:",
        "Tổ chức đăng ký mới: 2.",
        "Quyết định thẩm định: 1, thời gian xử lý trung vị 3 giờ.",
        "Đang chờ thẩm định: 1.",
        "• Công ty Chờ Duyệt (tổ chức), chờ 5 ngày",
        "/provinces/01?from=2026-03-02&to=2026-03-08",
        "/unsubscribe/",
    ] {
        assert!(mail.contains(line), "missing {line:?} in\n{mail}");
    }
    let english_mail = app.mails_to("english@hanoi.gov.vn", "weekly").await;
    assert_eq!(english_mail.len(), 1);
    assert!(english_mail[0].contains("Review decisions: 1, median 3 hours."), "{}", english_mail[0]);
    // Off means no email, but the notification is there in the app.
    assert!(app.mails_to("quiet@hanoi.gov.vn", "weekly").await.is_empty());
    let inbox = app.get_as(&quiet_admin.access_token, "/api/v1/notifications").await;
    let kinds: Vec<&str> =
        inbox.ok()["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["weekly_summary"]);
    let admin_inbox = app.get_as(&admin.access_token, "/api/v1/notifications").await;
    assert_eq!(admin_inbox.ok()["items"][0]["title"], "Tóm tắt tuần 2026-W10: Hà Nội");
    // Moderators are not admins; a quiet province is recorded but not written to.
    assert!(app.mails_to("mod@hanoi.gov.vn", "weekly").await.is_empty());
    assert_eq!(wait_until_summarised(&app, "46", week).await, 1);
    assert!(app.mails_to("admin@hue.gov.vn", "weekly").await.is_empty());

    // Later ticks in the same week send nothing more.
    app.run_timers().await;
    app.clock.travel_to(at(2026, 3, 12, 3));
    app.run_timers().await;
    assert_eq!(app.mails_to("admin@hanoi.gov.vn", "weekly").await.len(), 1);
}
