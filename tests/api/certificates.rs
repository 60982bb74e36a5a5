//! The certificate calendar (Decree 268/2025/NĐ-CP) over the real API, pages and timers:
//! reminders once each at 30 and 7 days, none once the obligation is met; revocation with
//! its reason; the secret iCalendar feed; startup recognitions; and the province's
//! isolation.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use crate::helpers::browser::Browser;
use crate::helpers::orgs::{enterprise, tax_code};
use crate::helpers::{Session, TestApp, spawn_app};

const PROVINCE: &str = "24";

/// 10:00 in Vietnam on `day`.
fn morning(day: &str) -> NaiveDateTime {
    NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap().and_hms_opt(3, 0, 0).unwrap()
}

/// Moves the clock and signs the officer in again (sessions do not last a year).
async fn at(app: &TestApp, day: &str, officer: &mut Session) {
    app.travel(morning(day), &mut []).await;
    *officer = app.login(&officer.email).await;
}

/// Two runs of the timers at the same moment, as a second tick or a second instance.
async fn twice(app: &TestApp) {
    app.run_timers().await;
    app.run_timers().await;
}

/// The owner's in-app reminders: one per reminder sent, so a reminder sent twice shows
/// here even when its email (keyed by its event) could not be told apart.
async fn notices(app: &TestApp, email: &str) -> usize {
    let owner = app.login(email).await;
    let reply = app.get_as(&owner.access_token, "/api/v1/notifications?per_page=100").await;
    reply.ok()["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "expiry_reminder").count()
}

async fn calendar(app: &TestApp, officer: &Session, list: &str) -> Vec<Value> {
    let reply =
        app.get_as(&officer.access_token, &format!("/api/v1/tenants/{PROVINCE}/certificates?list={list}")).await;
    reply.ok()["items"].as_array().unwrap().clone()
}

/// The due date of `obligation` for `org` in a list, if it is there.
fn due_in(items: &[Value], org: &str, obligation: &str) -> Option<String> {
    items
        .iter()
        .find(|i| i["org_id"] == org)?
        .get("due_dates")?
        .as_array()?
        .iter()
        .find(|d| d["obligation"] == obligation)
        .map(|d| d["due_on"].as_str().unwrap().to_owned())
}

async fn st_enterprise(app: &TestApp, owner: &Session, officer: &Session, name: &str, n: u32, issued: &str) -> String {
    app.approved_org(
        owner,
        officer,
        &enterprise(
            name,
            PROVINCE,
            &tax_code(n),
            json!({ "certificate_number": format!("{n}/DNKHCN"), "certificate_date": issued }),
        ),
    )
    .await
}

#[tokio::test]
async fn annual_report_reminders_go_once_at_30_and_7_days_and_stop_once_the_report_is_received() {
    let app = spawn_app().await;
    app.travel(morning("2027-01-10"), &mut []).await;
    let owner = app.signed_in("chu@kinhbac-tech.example.vn").await;
    let mut officer = app.staff("canbo@sokhcn.bacninh.gov.vn", PROVINCE, "moderator").await;
    let org = st_enterprise(&app, &owner, &officer, "Công ty Công nghệ Kinh Bắc", 701, "2025-06-01").await;
    let kind = "certificate-reminder-annual_report";

    let all = calendar(&app, &officer, "all").await;
    assert_eq!(due_in(&all, &org, "annual_report").as_deref(), Some("2027-12-15"));
    assert_eq!(due_in(&all, &org, "review").as_deref(), Some("2028-06-01"));

    // 31 days before: nothing yet.
    at(&app, "2027-11-14", &mut officer).await;
    twice(&app).await;
    assert_eq!(app.mails_to(&owner.email, kind).await.len(), 0);
    assert_eq!(notices(&app, &owner.email).await, 0);
    assert!(due_in(&calendar(&app, &officer, "due").await, &org, "annual_report").is_none());

    // 30 days before: one reminder, however often the timers run; the report is due.
    at(&app, "2027-11-15", &mut officer).await;
    twice(&app).await;
    let mails = app.mails_to(&owner.email, kind).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(notices(&app, &owner.email).await, 1);
    assert!(mails[0].contains("báo cáo tình hình hoạt động năm 2027"), "{}", mails[0]);
    assert!(mails[0].contains("còn 30 ngày"));
    assert_eq!(due_in(&calendar(&app, &officer, "due").await, &org, "annual_report").as_deref(), Some("2027-12-15"));

    // 7 days before: the second, once.
    at(&app, "2027-12-08", &mut officer).await;
    twice(&app).await;
    let mails = app.mails_to(&owner.email, kind).await;
    assert_eq!(mails.len(), 2);
    assert_eq!(notices(&app, &owner.email).await, 2);
    assert!(mails.iter().any(|m| m.contains("còn 7 ngày")));

    // Past the date, not received: overdue, and no more reminders.
    at(&app, "2027-12-16", &mut officer).await;
    twice(&app).await;
    assert_eq!(app.mails_to(&owner.email, kind).await.len(), 2);
    assert_eq!(notices(&app, &owner.email).await, 2);
    let overdue = calendar(&app, &officer, "overdue").await;
    assert_eq!(due_in(&overdue, &org, "annual_report").as_deref(), Some("2027-12-15"));
    assert!(calendar(&app, &officer, "due").await.iter().all(|i| i["org_id"] != org));

    // Received: no longer overdue, next year's is owed.
    let received = app
        .post_as(
            &officer.access_token,
            &format!("/api/v1/orgs/{org}/certificate/events"),
            &json!({ "obligation": "annual_report", "year": 2027 }),
        )
        .await;
    assert_eq!(due_in(std::slice::from_ref(received.ok()), &org, "annual_report").as_deref(), Some("2028-12-15"));
    assert!(due_in(&calendar(&app, &officer, "overdue").await, &org, "annual_report").is_none());

    // Next year: reminded at 30 days; received early, the 7-day reminder never goes.
    at(&app, "2028-11-15", &mut officer).await;
    twice(&app).await;
    assert_eq!(app.mails_to(&owner.email, kind).await.len(), 3);
    at(&app, "2028-11-20", &mut officer).await;
    let received = app
        .post_as(
            &officer.access_token,
            &format!("/api/v1/orgs/{org}/certificate/events"),
            &json!({ "obligation": "annual_report" }),
        )
        .await;
    assert_eq!(received.status, 200, "{}", received.text);
    at(&app, "2028-12-08", &mut officer).await;
    twice(&app).await;
    at(&app, "2028-12-20", &mut officer).await;
    twice(&app).await;
    assert_eq!(app.mails_to(&owner.email, kind).await.len(), 3);
    assert_eq!(notices(&app, &owner.email).await, 3);
    assert!(due_in(&calendar(&app, &officer, "overdue").await, &org, "annual_report").is_none());

    // A report of a year to come is refused with the field named; a platform admin only looks.
    let refused = app
        .post_as(
            &officer.access_token,
            &format!("/api/v1/orgs/{org}/certificate/events"),
            &json!({ "obligation": "annual_report", "year": 2031 }),
        )
        .await;
    refused.problem(422);
    assert_eq!(refused.invalid_fields(), vec!["year"]);
    let admin = app.platform_admin("root@platform.example.vn").await;
    let looked = app
        .post_as(
            &admin.access_token,
            &format!("/api/v1/orgs/{org}/certificate/events"),
            &json!({ "obligation": "review" }),
        )
        .await;
    looked.problem(403);
}

#[tokio::test]
async fn review_reminders_go_once_each_stop_when_the_review_is_done_and_overdue_is_listed() {
    let app = spawn_app().await;
    app.travel(morning("2027-01-10"), &mut []).await;
    let done_owner = app.signed_in("chu@danhgia-xong.example.vn").await;
    let late_owner = app.signed_in("chu@danhgia-tre.example.vn").await;
    let mut officer = app.staff("canbo@sokhcn.bacninh.gov.vn", PROVINCE, "moderator").await;
    let done = st_enterprise(&app, &done_owner, &officer, "Công ty Vật liệu Mới Yên Phong", 702, "2025-06-01").await;
    let late = st_enterprise(&app, &late_owner, &officer, "Công ty Tự động hóa Tiên Du", 703, "2025-06-01").await;
    let kind = "certificate-reminder-review";

    at(&app, "2028-05-01", &mut officer).await;
    twice(&app).await;
    assert_eq!(app.mails_to(&done_owner.email, kind).await.len(), 0);
    at(&app, "2028-05-02", &mut officer).await;
    twice(&app).await;
    assert_eq!(app.mails_to(&done_owner.email, kind).await.len(), 1);
    assert_eq!(app.mails_to(&late_owner.email, kind).await.len(), 1);
    assert_eq!(notices(&app, &late_owner.email).await, 1);
    assert!(app.mails_to(&late_owner.email, kind).await[0].contains("01/06/2028"));

    // One enterprise's review is done: the next is three years on.
    at(&app, "2028-05-10", &mut officer).await;
    let reviewed = app
        .post_as(
            &officer.access_token,
            &format!("/api/v1/orgs/{done}/certificate/events"),
            &json!({ "obligation": "review", "done_on": "2028-05-09" }),
        )
        .await;
    assert_eq!(due_in(std::slice::from_ref(reviewed.ok()), &done, "review").as_deref(), Some("2031-06-01"));

    at(&app, "2028-05-25", &mut officer).await;
    twice(&app).await;
    assert_eq!(app.mails_to(&done_owner.email, kind).await.len(), 1);
    assert_eq!(app.mails_to(&late_owner.email, kind).await.len(), 2);

    at(&app, "2028-06-02", &mut officer).await;
    twice(&app).await;
    assert_eq!(app.mails_to(&late_owner.email, kind).await.len(), 2);
    assert_eq!((notices(&app, &done_owner.email).await, notices(&app, &late_owner.email).await), (1, 2));
    let overdue = calendar(&app, &officer, "overdue").await;
    assert_eq!(due_in(&overdue, &late, "review").as_deref(), Some("2028-06-01"));
    assert!(due_in(&overdue, &done, "review").is_none());

    // The page lists it under "overdue" too.
    let mut browser = Browser::new(&app);
    browser.sign_in(&officer.email, &format!("/province/{PROVINCE}/certificates")).await.ok();
    let page = browser.get(&format!("/province/{PROVINCE}/certificates")).await;
    let html = page.ok();
    let overdue_table = &html[html.find("id=\"overdue\"").expect("an overdue table")..];
    let overdue_table = &overdue_table[..overdue_table.find("</table>").unwrap()];
    // Both owe the 2027 report, which nobody marked received; only one owes its review.
    let review_rows = |name: &str| {
        overdue_table.split("<tr>").filter(|row| row.contains(name) && row.contains("Đánh giá lại điều kiện")).count()
    };
    assert_eq!(review_rows("Công ty Tự động hóa Tiên Du"), 1);
    assert_eq!(review_rows("Công ty Vật liệu Mới Yên Phong"), 0);
    assert!(overdue_table.contains("Báo cáo hằng năm 2027"));
}

#[tokio::test]
async fn a_revocation_needs_a_reason_is_audited_and_shown_on_the_profile_while_the_org_stays_listed() {
    let app = spawn_app().await;
    let owner = app.signed_in("chu@thuhoi.example.vn").await;
    let officer = app.staff("canbo@sokhcn.bacninh.gov.vn", PROVINCE, "moderator").await;
    let org = st_enterprise(&app, &owner, &officer, "Công ty Sinh học Thuận Thành", 710, "2024-02-20").await;
    let revoke = format!("/api/v1/orgs/{org}/certificate/revoke");

    // The API: no reason, or a blank one, is a 422 naming `reason`.
    for body in [json!({ "status": "revoked" }), json!({ "status": "cancelled", "reason": "   " })] {
        let refused = app.post_as(&officer.access_token, &revoke, &body).await;
        refused.problem(422);
        assert_eq!(refused.invalid_fields(), vec!["reason"]);
    }

    let (st_before, approved_before) = stats(&app, PROVINCE).await;
    assert!(st_before >= 1);

    // The page: the message beside the field, what was typed kept.
    let mut browser = Browser::new(&app);
    browser.sign_in(&officer.email, &format!("/province/{PROVINCE}/certificates")).await.ok();
    browser.get(&format!("/province/{PROVINCE}/certificates")).await.ok();
    let today = (app.clock.now() + chrono::Duration::hours(7)).date();
    let typed_day = (today - chrono::Duration::days(3)).format("%Y-%m-%d").to_string();
    let page = browser
        .post_once(
            &format!("/province/{PROVINCE}/certificates/revoke"),
            &[
                ("revoke_org", org.as_str()),
                ("status", "cancelled"),
                ("reason", "  "),
                ("decided_on", typed_day.as_str()),
            ],
        )
        .await;
    assert_eq!(page.status, 422, "{}", crate::helpers::browser::excerpt(&page.html));
    assert_eq!(page.text_of("reason-error").as_deref(), Some("Trường này là bắt buộc."));
    assert!(page.html.contains("id=\"reason\" name=\"reason\" aria-required=\"true\" aria-invalid=\"true\""));
    assert_eq!(page.value_of("decided_on").as_deref(), Some(typed_day.as_str()));
    assert!(page.html.contains(&format!("<option value=\"{org}\" selected>")));
    assert!(page.html.contains("<option value=\"cancelled\" selected>"));
    assert!(calendar(&app, &officer, "ended").await.is_empty());

    // With a reason: recorded, audited with it, the owners told.
    let reason = "Không nộp báo cáo hai năm liên tiếp (Điều 55)";
    let page = browser
        .post(
            &format!("/province/{PROVINCE}/certificates/revoke"),
            &[("revoke_org", org.as_str()), ("status", "revoked"), ("reason", reason), ("decided_on", "")],
        )
        .await;
    assert!(page.ok().contains(reason));
    let history = app.get_as(&officer.access_token, &format!("/api/v1/orgs/{org}/history")).await;
    let audited: Vec<&Value> =
        history.ok().as_array().unwrap().iter().filter(|r| r["action"] == "certificate_revoked").collect();
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0]["reason"], reason);
    assert_eq!(audited[0]["to_state"], "revoked");
    assert_eq!(audited[0]["actor_id"], officer.user_id.as_str());
    assert_eq!(app.mails_to(&owner.email, "certificate-ended").await.len(), 1);

    // Out of the calendar, in the ended list; a second revocation is a conflict.
    assert!(calendar(&app, &officer, "all").await.iter().all(|i| i["org_id"] != org));
    assert_eq!(calendar(&app, &officer, "ended").await[0]["standing"]["reason"], reason);
    app.post_as(&officer.access_token, &revoke, &json!({ "status": "cancelled", "reason": "lần nữa" }))
        .await
        .problem(409);

    // No longer counted as an S&T enterprise, still as an approved organization.
    assert_eq!(stats(&app, PROVINCE).await, (st_before - 1, approved_before));

    // Still approved and in the directory; the profile and the API say the certificate ended.
    let view = app.get(&format!("/api/v1/orgs/{org}")).await;
    assert_eq!(view.ok()["status"], "approved");
    assert_eq!(view.body["certificate_standing"]["status"], "revoked");
    assert_eq!(view.body["certificate_standing"]["decided_on"], today.format("%Y-%m-%d").to_string());
    let directory = app.get(&format!("/api/v1/orgs?province={PROVINCE}")).await;
    assert!(directory.ok()["items"].as_array().unwrap().iter().any(|o| o["id"] == org));
    let mut visitor = Browser::new(&app);
    let profile = visitor.get(&format!("/orgs/{org}")).await;
    let sentence = format!("Giấy chứng nhận DN KH&amp;CN đã bị thu hồi ngày {}", today.format("%d/%m/%Y"));
    assert!(profile.ok().contains(&sentence), "{}", crate::helpers::browser::excerpt(&profile.html));
    visitor.switch_language("en").await;
    let profile = visitor.get(&format!("/orgs/{org}")).await;
    assert!(
        profile
            .ok()
            .contains(&format!("The S&amp;T enterprise certificate was revoked on {}", today.format("%Y-%m-%d")))
    );
}

/// The province's S&T enterprises and approved organizations, as its figures count them.
async fn stats(app: &TestApp, province: &str) -> (i64, i64) {
    let reply = app.get(&format!("/api/v1/tenants/{province}/stats")).await;
    let body = reply.ok();
    (body["st_enterprises"]["actual"].as_i64().unwrap(), body["organizations"]["approved"].as_i64().unwrap())
}

/// The feed's address from the page shown after renewal.
fn feed_path(app: &TestApp, page: &crate::helpers::browser::WebPage) -> String {
    let url = page.value_of("feed_url").expect("the new address on the page");
    let path = url.split_once("/calendar/").map(|(_, rest)| format!("/calendar/{rest}")).expect("a calendar address");
    assert!(url.ends_with(".ics"));
    let _ = app;
    path
}

struct FeedEvent {
    uid: String,
    start: String,
    summary: String,
}

fn parse_feed(text: &str) -> Vec<FeedEvent> {
    assert!(text.contains("\r\n"), "lines end with CRLF");
    for physical in text.split("\r\n") {
        assert!(physical.len() <= 75, "an unfolded line of {} octets", physical.len());
    }
    let calendar: icalendar::Calendar = text.parse().expect("an RFC 5545 calendar");
    calendar
        .components
        .iter()
        .filter_map(|c| match c {
            icalendar::CalendarComponent::Event(event) => {
                use icalendar::Component;
                Some(FeedEvent {
                    uid: event.get_uid().unwrap_or_default().to_owned(),
                    start: event.property_value("DTSTART").unwrap_or_default().to_owned(),
                    summary: event.get_summary().unwrap_or_default().to_owned(),
                })
            }
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn the_ics_feed_holds_the_calendar_behind_a_secret_that_renewal_replaces() {
    let app = spawn_app().await;
    app.travel(morning("2027-01-10"), &mut []).await;
    let owner = app.signed_in("chu@lich.example.vn").await;
    let admin = app.staff("quantri@sokhcn.bacninh.gov.vn", PROVINCE, "tenant_admin").await;
    let org = st_enterprise(&app, &owner, &admin, "Công ty Điện tử Quế Võ, Bắc Ninh", 720, "2025-06-01").await;
    let ended = st_enterprise(&app, &owner, &admin, "Công ty Đã Thu Hồi", 721, "2025-06-01").await;
    app.post_as(
        &admin.access_token,
        &format!("/api/v1/orgs/{ended}/certificate/revoke"),
        &json!({ "status": "revoked", "reason": "Vi phạm điều kiện" }),
    )
    .await
    .ok();

    // No feed before an admin makes one; a made-up secret is a 404.
    assert_eq!(
        app.client.get(app.url(&format!("/calendar/{PROVINCE}/made-up.ics"))).send().await.unwrap().status(),
        404
    );

    let mut browser = Browser::new(&app);
    browser.sign_in(&admin.email, &format!("/province/{PROVINCE}/certificates")).await.ok();
    browser.get(&format!("/province/{PROVINCE}/certificates")).await.ok();
    let page = browser.post(&format!("/province/{PROVINCE}/certificates/feed"), &[]).await;
    page.ok();
    let first = feed_path(&app, &page);

    let reply = app.client.get(app.url(&first)).send().await.unwrap();
    assert_eq!(reply.status(), 200);
    assert!(reply.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let events = parse_feed(&reply.text().await.unwrap());
    assert_eq!(events.len(), 2, "the report and the review; nothing of the revoked certificate");
    let report = events.iter().find(|e| e.uid.contains("annual_report")).expect("the report");
    assert_eq!(report.start, "20271215");
    assert!(report.uid.starts_with(&org));
    assert!(report.summary.contains("Công ty Điện tử Quế Võ, Bắc Ninh"));
    let review = events.iter().find(|e| e.uid.contains("review")).expect("the review");
    assert_eq!(review.start, "20280601");
    assert!(events.iter().all(|e| !e.uid.contains(&ended)));

    // A wrong secret is a 404; after renewal the old one is too, and the new one works.
    let wrong = first.replace(".ics", "x.ics");
    assert_eq!(app.client.get(app.url(&wrong)).send().await.unwrap().status(), 404);
    let page = browser.post(&format!("/province/{PROVINCE}/certificates/feed"), &[]).await;
    let second = feed_path(&app, &page);
    assert_ne!(first, second);
    assert_eq!(app.client.get(app.url(&first)).send().await.unwrap().status(), 404);
    let reply = app.client.get(app.url(&second)).send().await.unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(parse_feed(&reply.text().await.unwrap()).len(), 2);
    // Another province's code with this secret finds nothing.
    let elsewhere = second.replace(&format!("/calendar/{PROVINCE}/"), "/calendar/01/");
    assert_eq!(app.client.get(app.url(&elsewhere)).send().await.unwrap().status(), 404);

    // Both renewals are audited; a moderator may not renew.
    let renewals = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            use techbridge::db::schema::audit_log;
            Ok(audit_log::table
                .filter(audit_log::entity_id.eq(PROVINCE))
                .filter(audit_log::action.like("certificate_feed_%"))
                .select(audit_log::action)
                .order(audit_log::created_at.asc())
                .load::<String>(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(renewals, vec!["certificate_feed_created", "certificate_feed_renewed"]);
    let moderator = app.staff("canbo@sokhcn.bacninh.gov.vn", PROVINCE, "moderator").await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&moderator.email, &format!("/province/{PROVINCE}/certificates")).await.ok();
    let page = browser.get(&format!("/province/{PROVINCE}/certificates")).await;
    assert!(!page.ok().contains("/certificates/feed"));
    assert_eq!(browser.post_once(&format!("/province/{PROVINCE}/certificates/feed"), &[]).await.status, 404);
    assert_eq!(app.client.get(app.url(&second)).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_startup_recognition_warns_its_owners_once_60_days_before_its_five_years_end() {
    let app = spawn_app().await;
    app.travel(morning("2027-01-10"), &mut []).await;
    let owner = app.signed_in("sangtao@knst.example.vn").await;
    let mut officer = app.staff("canbo@sokhcn.bacninh.gov.vn", PROVINCE, "moderator").await;
    let startup = app
        .approved_org(
            &owner,
            &officer,
            &enterprise(
                "Công ty Khởi nghiệp Sáng tạo Từ Sơn",
                PROVINCE,
                &tax_code(730),
                json!({ "kind": "startup", "certificate_number": null, "certificate_date": null, "certificate_issuer": null }),
            ),
        )
        .await;
    let path = format!("/api/v1/orgs/{startup}/recognition");
    let refused = app.post_as(&officer.access_token, &path, &json!({ "number": " ", "date": "2022-03-20" })).await;
    refused.problem(422);
    assert_eq!(refused.invalid_fields(), vec!["number"]);
    let recorded =
        app.post_as(&officer.access_token, &path, &json!({ "number": "7/DN-KNST", "date": "2022-03-20" })).await;
    assert_eq!(recorded.ok()["recognition_end"], "2027-03-20");
    let kind = "recognition-reminder";

    // 61 days before the end: nothing; 60 days: one warning, once; later: no other.
    at(&app, "2027-01-18", &mut officer).await;
    twice(&app).await;
    assert_eq!(app.mails_to(&owner.email, kind).await.len(), 0);
    assert!(due_in(&calendar(&app, &officer, "expiring").await, &startup, "recognition_end").is_none());
    at(&app, "2027-01-19", &mut officer).await;
    twice(&app).await;
    let warnings = app.mails_to(&owner.email, kind).await;
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("20/03/2027"));
    assert_eq!(
        due_in(&calendar(&app, &officer, "expiring").await, &startup, "recognition_end").as_deref(),
        Some("2027-03-20")
    );
    at(&app, "2027-03-13", &mut officer).await;
    twice(&app).await;
    assert_eq!(app.mails_to(&owner.email, kind).await.len(), 1);
    assert_eq!(notices(&app, &owner.email).await, 1);

    // The officers' page shows it as expiring.
    let mut browser = Browser::new(&app);
    browser.sign_in(&officer.email, &format!("/province/{PROVINCE}/certificates")).await.ok();
    let html = browser.get(&format!("/province/{PROVINCE}/certificates")).await.ok().to_owned();
    let expiring = &html[html.find("id=\"expiring\"").expect("an expiring table")..];
    assert!(expiring[..expiring.find("</table>").unwrap()].contains("Công ty Khởi nghiệp Sáng tạo Từ Sơn"));
}

#[tokio::test]
async fn the_certificates_page_and_csv_are_404_for_other_provinces_owners_and_the_signed_out() {
    let app = spawn_app().await;
    let owner = app.signed_in("chu@rieng.example.vn").await;
    let officer = app.staff("canbo@sokhcn.bacninh.gov.vn", PROVINCE, "moderator").await;
    let org = st_enterprise(&app, &owner, &officer, "Công ty Riêng Tư Gia Bình", 740, "2025-06-01").await;
    let _other = app.staff("canbo@sokhcn.hanoi.gov.vn", "01", "moderator").await;
    let paths = [format!("/province/{PROVINCE}/certificates"), format!("/province/{PROVINCE}/certificates.csv")];

    for who in ["anonymous", "an owner", "another province's officer"] {
        let mut browser = Browser::new(&app);
        match who {
            "an owner" => {
                browser.sign_in(&owner.email, "/").await.ok();
            }
            "another province's officer" => {
                browser.sign_in("canbo@sokhcn.hanoi.gov.vn", "/").await.ok();
            }
            _ => {}
        }
        for path in &paths {
            let page = browser.get_once(path).await;
            assert_eq!(page.status, 404, "{who} opened {path}");
            assert!(!page.html.contains("Công ty Riêng Tư Gia Bình"), "{who} saw the calendar at {path}");
        }
    }
    let other = app.login("canbo@sokhcn.hanoi.gov.vn").await;
    app.get_as(&other.access_token, &format!("/api/v1/tenants/{PROVINCE}/certificates")).await.problem(404);
    app.get_as(&owner.access_token, &format!("/api/v1/tenants/{PROVINCE}/certificates")).await.problem(404);
    app.post_as(
        &other.access_token,
        &format!("/api/v1/orgs/{org}/certificate/revoke"),
        &json!({ "status": "revoked", "reason": "x" }),
    )
    .await
    .problem(404);

    // The province's officer has both; the CSV holds the enterprise's due dates.
    let mut browser = Browser::new(&app);
    browser.sign_in(&officer.email, "/").await.ok();
    assert!(browser.get(&paths[0]).await.ok().contains("Công ty Riêng Tư Gia Bình"));
    let reply = app.client.get(app.url(&paths[1])).send().await.unwrap();
    assert_eq!(reply.status(), 404, "the CSV is not served to a client without the officer's session");
    let csv = browser.get_once(&paths[1]).await;
    assert_eq!(csv.status, 200);
    assert!(csv.content_type.starts_with("text/csv"));
    let lines: Vec<&str> = csv.html.lines().collect();
    assert!(lines[0].starts_with("org_id,legal_name,kind,number,issued_on,obligation,due_on"));
    assert_eq!(lines.iter().filter(|l| l.starts_with(&org)).count(), 2);
    assert!(lines.iter().any(|l| l.starts_with(&org) && l.contains("annual_report")));
}

#[tokio::test]
async fn the_certificates_page_passes_axe_and_fits_a_390_px_screen() {
    use crate::browser::harness::Chrome;

    let app = spawn_app().await;
    app.travel(morning("2027-01-10"), &mut []).await;
    let owner = app.signed_in("chu@trinhduyet.example.vn").await;
    let mut admin = app.staff("quantri@sokhcn.bacninh.gov.vn", PROVINCE, "tenant_admin").await;
    let received = st_enterprise(&app, &owner, &admin, "Công ty Báo Cáo Đúng Hạn", 750, "2025-06-01").await;
    st_enterprise(&app, &owner, &admin, "Công ty Đánh Giá Sắp Tới", 751, "2025-01-05").await;
    let revoked = st_enterprise(&app, &owner, &admin, "Công ty Đã Bị Thu Hồi", 752, "2025-06-01").await;
    let startup = app
        .approved_org(
            &owner,
            &admin,
            &enterprise(
                "Công ty Khởi Nghiệp Sắp Hết Hạn",
                PROVINCE,
                &tax_code(753),
                json!({ "kind": "startup", "certificate_number": null, "certificate_date": null, "certificate_issuer": null }),
            ),
        )
        .await;
    let post = |path: String, body: Value| {
        let token = admin.access_token.clone();
        let app = &app;
        async move { app.post_as(&token, &path, &body).await.ok().clone() }
    };
    post(format!("/api/v1/orgs/{startup}/recognition"), json!({ "number": "2/DN-KNST", "date": "2023-01-15" })).await;
    post(
        format!("/api/v1/orgs/{revoked}/certificate/revoke"),
        json!({ "status": "cancelled", "reason": "Tự đề nghị" }),
    )
    .await;
    at(&app, "2027-12-20", &mut admin).await;
    app.post_as(
        &admin.access_token,
        &format!("/api/v1/orgs/{received}/certificate/events"),
        &json!({ "obligation": "annual_report", "year": 2027 }),
    )
    .await
    .ok();
    // Every list has a row: overdue (a 2027 report), due (a review on 5 January), expiring
    // (a recognition ending 15 January), ended.
    for list in ["overdue", "due", "expiring", "ended"] {
        assert!(!calendar(&app, &admin, list).await.is_empty(), "{list} is empty");
    }

    let chrome = Chrome::open(&app.address).await;
    chrome.goto("/sign-in").await;
    chrome.type_into("#email", &admin.email).await;
    chrome.type_into("#password", crate::helpers::PASSWORD).await;
    chrome.click("form.stack button[type=submit]").await;
    chrome.wait_for_path("/").await;
    chrome.goto(&format!("/province/{PROVINCE}/certificates")).await;
    chrome.click(&format!("form[action='/province/{PROVINCE}/certificates/feed'] button")).await;
    chrome.wait_for_text("feed-url").await;
    // A refused revocation, so that the page carries a field error too.
    chrome.select("#revoke_org", &received).await;
    chrome.click(&format!("form[action='/province/{PROVINCE}/certificates/revoke'] button")).await;
    chrome.wait_for_text("reason-error").await;
    let mut problems = chrome.accessibility_problems().await;
    chrome.goto(&format!("/lang/en?next=/province/{PROVINCE}/certificates")).await;
    chrome.wait_for_text("Due within 30 days").await;
    problems.extend(chrome.accessibility_problems().await);
    assert!(problems.is_empty(), "axe-core found serious or critical problems:\n{}", problems.join("\n"));

    // At 390 px the page does not scroll sideways: wide tables scroll within their frame.
    chrome.client.set_window_size(390, 900).await.unwrap();
    let overflow = chrome.execute("return document.documentElement.scrollWidth - window.innerWidth").await;
    assert!(overflow.as_i64().unwrap() <= 0, "the page is {overflow} px too wide at 390 px");
    chrome.screenshots("certificates").await;
    chrome.close().await;
}
