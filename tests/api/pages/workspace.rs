//! The province's workspace and the platform's pages, as their officers use them without
//! JavaScript: the review of a registration from request to approval, two officers on one
//! item, the dashboard against the API's figures, the 404 for everyone else, a dead job
//! retried from `/admin`.

use std::time::Duration;

use serde_json::Value;

use super::journeys::{market, registered_org};
use super::{main_of, signed_up};
use crate::helpers::browser::{Browser, WebPage, html_unescape};
use crate::helpers::orgs::tax_code;
use crate::helpers::{SmtpSink, TestApp, TestOptions, spawn_app, spawn_app_with};

const BAC_NINH: &str = "24";
const MODERATOR: &str = "duyet@sokhcn.bacninh.gov.vn";
const SECOND_MODERATOR: &str = "kiemtra@sokhcn.bacninh.gov.vn";
const OWNER: &str = "giamdoc@kinhbac-tech.example.vn";
const ORG_NAME: &str = "Công ty Công nghệ Kinh Bắc";

/// A signed-in moderator of Bắc Ninh in a browser of their own.
async fn moderator_browser(app: &TestApp, email: &str) -> Browser {
    app.staff(email, BAC_NINH, "moderator").await;
    let mut browser = Browser::new(app);
    browser.sign_in(email, "/").await.ok();
    browser
}

/// The part of a form page that belongs to the field `name`: from its input to the next
/// field's wrapper.
fn field_block<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html.find(&format!("name=\"{name}\"")).unwrap_or_else(|| panic!("no field {name}"));
    let rest = &html[at..];
    let end = rest[1..].find("class=\"field").map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

/// Posts the organization's form again with `tax` as its tax code.
async fn corrected(browser: &mut Browser, id: &str, tax: &str) -> WebPage {
    let edit = browser.get(&format!("/orgs/{id}/edit")).await;
    edit.ok();
    let version = edit.value_of("version").expect("the version on the form");
    browser
        .post(
            &format!("/orgs/{id}/edit"),
            &[
                ("version", version.as_str()),
                ("kind", "enterprise"),
                ("legal_name", ORG_NAME),
                ("tax_code", tax),
                ("province", BAC_NINH),
                ("address", "Số 1 đường Công Nghệ"),
                ("st_fields", "207"),
                ("st_fields", "405"),
                ("description_vi", "Giải pháp xử lý nước thải chăn nuôi."),
                ("contact_name", "Người Liên Hệ"),
                ("contact_email", "lienhe@kinhbac-tech.example.vn"),
                ("contact_phone", "0222 3777 888"),
                ("contact_consent", "yes"),
            ],
        )
        .await
}

#[tokio::test]
async fn a_registration_is_sent_back_corrected_and_approved_through_the_workspace() {
    let app = spawn_app().await;
    let mut moderator = moderator_browser(&app, MODERATOR).await;
    let mut owner = signed_up(&app, OWNER, "Nguyễn Kinh Bắc").await;
    let wrong_tax = tax_code(811);
    let id = registered_org(
        &mut owner,
        "enterprise",
        ORG_NAME,
        BAC_NINH,
        &wrong_tax,
        "0222 3777 888",
        "lienhe@kinhbac-tech.example.vn",
    )
    .await;

    // The queue lists it, with its count in the navigation.
    let queue = moderator.get(&format!("/province/{BAC_NINH}")).await;
    let html = queue.ok();
    assert!(html.contains(ORG_NAME), "{}", crate::helpers::browser::excerpt(main_of(&queue)));
    assert!(html.contains(&format!("href=\"/province/{BAC_NINH}/orgs/{id}\"")));
    assert!(html.contains("(1 tổ chức"), "the count in the navigation");

    // Changes asked for, with a comment on the tax code.
    let item = moderator.get(&format!("/province/{BAC_NINH}/orgs/{id}")).await;
    let version = item.value_of("version").expect("the version the officer saw");
    assert!(item.ok().contains(&wrong_tax));
    let comment = "Mã số thuế không khớp với giấy chứng nhận đăng ký doanh nghiệp";
    // Without a reason the form comes back with the message beside it and the comment kept.
    let refused = moderator
        .post(
            &format!("/province/{BAC_NINH}/orgs/{id}/decide"),
            &[("version", version.as_str()), ("action", "request_changes"), ("comment.tax_code", comment)],
        )
        .await;
    assert_eq!(refused.path, format!("/province/{BAC_NINH}/orgs/{id}/decide"), "the form again, not a redirect");
    assert!(refused.html.contains("id=\"reason-error\""), "the reason's message beside it");
    assert!(refused.html.contains(comment), "the comment typed is kept");
    let sent_back = moderator
        .post(
            &format!("/province/{BAC_NINH}/orgs/{id}/decide"),
            &[
                ("version", version.as_str()),
                ("action", "request_changes"),
                ("reason", "Cần sửa mã số thuế"),
                ("comment.tax_code", comment),
            ],
        )
        .await;
    assert!(sent_back.ok().contains("Hàng chờ duyệt"), "back to the queue: {}", sent_back.path);
    assert!(!main_of(&sent_back).contains(ORG_NAME), "no longer waiting");

    // The owner sees the comment beside the tax code, corrects it and sends it again.
    let edit = owner.get(&format!("/orgs/{id}/edit")).await;
    let block = field_block(edit.ok(), "tax_code");
    assert!(block.contains(comment), "the comment beside the field:\n{block}");
    let right_tax = tax_code(812);
    let saved = corrected(&mut owner, &id, &right_tax).await;
    saved.ok();
    let version = saved.value_of("version").expect("the draft's version");
    let resubmitted = owner.post(&format!("/orgs/{id}/submit"), &[("version", &version)]).await;
    assert!(resubmitted.ok().contains("state-submitted"), "{}", resubmitted.path);

    // The moderator sees what changed since sending it back, and approves.
    let item = moderator.get(&format!("/province/{BAC_NINH}/orgs/{id}")).await;
    let html = item.ok();
    let diff_start = html.find("class=\"diff\"").expect("a table of changes");
    let diff = &html[diff_start..html[diff_start..].find("</table>").unwrap() + diff_start];
    assert!(diff.contains(&format!("<del>{wrong_tax}</del>")), "{diff}");
    assert!(diff.contains(&format!("<ins>{right_tax}</ins>")), "{diff}");
    assert!(!diff.contains("Người Liên Hệ"), "contact details are not compared");
    assert!(html.contains("Góp ý lần trước"), "the earlier comment is shown");
    // The API says the same.
    let officer = app.login(MODERATOR).await;
    let changes = app.get_as(&officer.access_token, &format!("/api/v1/orgs/{id}/changes")).await;
    let changes = changes.ok();
    assert_eq!(changes["reviewed_decision"], "request_changes");
    let fields: Vec<&str> =
        changes["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["tax_code"], "{changes}");

    let version = item.value_of("version").unwrap();
    moderator
        .post(
            &format!("/province/{BAC_NINH}/orgs/{id}/decide"),
            &[("version", version.as_str()), ("action", "approve")],
        )
        .await
        .ok();

    let decisions = app.mails_to(OWNER, "org-decision").await;
    assert_eq!(decisions.len(), 2, "asked for changes, then approved");
    let directory = Browser::new(&app).get("/orgs?q=Kinh%20B%E1%BA%AFc").await;
    assert!(directory.ok().contains(&format!("/orgs/{id}")), "in the directory once approved");
}

#[tokio::test]
async fn when_two_officers_decide_one_item_the_first_decision_stands_and_the_other_page_says_who() {
    let app = spawn_app().await;
    let mut first = moderator_browser(&app, MODERATOR).await;
    let mut second = moderator_browser(&app, SECOND_MODERATOR).await;
    let mut owner = signed_up(&app, OWNER, "Nguyễn Kinh Bắc").await;
    let id = registered_org(
        &mut owner,
        "enterprise",
        ORG_NAME,
        BAC_NINH,
        &tax_code(813),
        "0222 3777 888",
        "lienhe@kinhbac-tech.example.vn",
    )
    .await;
    let path = format!("/province/{BAC_NINH}/orgs/{id}");
    let seen_by_first = first.get(&path).await.value_of("version").unwrap();
    let seen_by_second = second.get(&path).await.value_of("version").unwrap();
    assert_eq!(seen_by_first, seen_by_second);

    first.post(&format!("{path}/decide"), &[("version", &seen_by_first), ("action", "approve")]).await.ok();
    let late = second
        .post(
            &format!("{path}/decide"),
            &[("version", &seen_by_second), ("action", "reject"), ("reason", "Hồ sơ không đủ điều kiện")],
        )
        .await;
    assert!(late.location.is_none(), "the item again, not the queue: {:?}", late.location);
    let alert_at = late.html.find("role=\"alert\"").unwrap();
    let alert = html_unescape(&late.html[alert_at..late.html[alert_at..].find("</div>").unwrap() + alert_at]);
    assert!(alert.contains(MODERATOR), "names who decided: {alert}");
    assert!(alert.contains("phê duyệt"), "says what: {alert}");

    let officer = app.login(MODERATOR).await;
    let org = app.get_as(&officer.access_token, &format!("/api/v1/orgs/{id}")).await;
    assert_eq!(org.ok()["status"], "approved", "the first decision stands");
}

/// The table behind each chart of a page: figure → row key → its cells.
pub(super) fn tables(html: &str) -> std::collections::BTreeMap<String, std::collections::BTreeMap<String, Vec<f64>>> {
    let mut out = std::collections::BTreeMap::new();
    for part in html.split("<table data-figure=\"").skip(1) {
        let figure = part[..part.find('"').unwrap()].to_owned();
        let body = &part[..part.find("</table>").unwrap()];
        let mut rows = std::collections::BTreeMap::new();
        for row in body.split("<tr data-key=\"").skip(1) {
            let key = html_unescape(&row[..row.find('"').unwrap()]);
            let cells: Vec<f64> = row
                .split("<td>")
                .skip(1)
                .map(|cell| cell[..cell.find("</td>").unwrap()].parse::<f64>().expect("a number"))
                .collect();
            rows.insert(key, cells);
        }
        out.insert(figure, rows);
    }
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.006
}

#[tokio::test]
async fn the_dashboard_draws_the_apis_figures_and_the_public_page_keeps_the_internals_out() {
    let app = spawn_app().await;
    let _market = market(&app).await;
    let danang = "48";
    // Something waiting, so that the queue's age has a figure.
    let mut waiting = signed_up(&app, "cho@example.vn", "Người Chờ").await;
    registered_org(
        &mut waiting,
        "enterprise",
        "Công ty Nghiên cứu Sông Hàn",
        danang,
        &tax_code(820),
        "0236 3111 222",
        "lienhe@songhan.example.vn",
    )
    .await;
    let officer = app.login("canbo@sokhcn.danang.gov.vn").await;
    let period = "from=2026-01-01&to=2026-12-31";
    let stats = app.get_as(&officer.access_token, &format!("/api/v1/tenants/{danang}/stats?{period}")).await;
    let stats: Value = stats.ok().clone();

    let mut browser = Browser::new(&app);
    browser.sign_in("canbo@sokhcn.danang.gov.vn", "/").await.ok();
    let dashboard = browser.get(&format!("/province/{danang}/figures?{period}")).await;
    let drawn = tables(dashboard.ok());
    for figure in [
        "registrations_per_month",
        "st_enterprises",
        "organizations_by_kind",
        "listings_by_field",
        "match_funnel",
        "review_time",
        "queue_age",
    ] {
        assert!(drawn.contains_key(figure), "{figure} drawn on the dashboard");
    }
    assert!(dashboard.html.contains("<svg class=\"chart\""), "charts are drawn on the server");

    let per_month = stats["organizations"]["registrations_per_month"].as_array().unwrap();
    assert!(!per_month.is_empty());
    assert_eq!(drawn["registrations_per_month"].len(), per_month.len());
    for month in per_month {
        let key = month["month"].as_str().unwrap();
        assert_eq!(drawn["registrations_per_month"][key], vec![month["count"].as_f64().unwrap()], "{key}");
    }
    assert_eq!(drawn["st_enterprises"]["st_enterprises"][0], stats["st_enterprises"]["actual"].as_f64().unwrap());
    for kind in stats["organizations"]["approved_by_kind"].as_array().unwrap() {
        assert_eq!(
            drawn["organizations_by_kind"][kind["kind"].as_str().unwrap()],
            vec![kind["count"].as_f64().unwrap()]
        );
    }
    let by_field = stats["listings"]["by_st_field"].as_array().unwrap();
    assert!(!by_field.is_empty());
    for field in by_field {
        assert_eq!(
            drawn["listings_by_field"][field["code"].as_str().unwrap()],
            vec![field["offers"].as_f64().unwrap(), field["needs"].as_f64().unwrap()]
        );
    }
    let funnel = &drawn["match_funnel"];
    assert_eq!(funnel["suggested"], vec![stats["matches"]["total"].as_f64().unwrap()]);
    assert!(funnel["suggested"][0] >= 1.0, "the market's suggestion is counted");
    assert_eq!(funnel["connected"], vec![stats["matches"]["connections"].as_f64().unwrap()]);
    assert_eq!(funnel["deal"], vec![stats["matches"]["deals"].as_f64().unwrap()]);
    for month in stats["review"]["per_month"].as_array().unwrap() {
        let cells = &drawn["review_time"][month["month"].as_str().unwrap()];
        assert_eq!(cells[0], month["decisions"].as_f64().unwrap());
        assert!(close(cells[1], month["median_hours"].as_f64().unwrap()), "{cells:?} {month}");
        assert!(close(cells[2], month["p90_hours"].as_f64().unwrap()), "{cells:?} {month}");
    }
    let ages = stats["review"]["queue"]["by_age"].as_array().unwrap();
    assert_eq!(ages.iter().map(|a| a["count"].as_i64().unwrap()).sum::<i64>(), 1, "one item waits");
    for age in ages {
        assert_eq!(drawn["queue_age"][age["age"].as_str().unwrap()], vec![age["count"].as_f64().unwrap()]);
    }

    // The CSV download carries the same rows.
    let csv = browser.get_once(&format!("/province/{danang}/figures.csv?chart=listings_by_field&{period}")).await;
    assert_eq!(csv.status, 200);
    assert!(csv.content_type.starts_with("text/csv"), "{}", csv.content_type);
    for field in by_field {
        assert!(csv.html.contains(field["code"].as_str().unwrap()), "{}", csv.html);
    }

    // The public page: the same kind of charts, none of the review's internals.
    let public = Browser::new(&app).get(&format!("/provinces/{danang}?{period}")).await;
    let public_tables = tables(public.ok());
    assert!(public_tables.contains_key("listings_by_field"));
    for internal in ["registrations_per_month", "review_time", "queue_age"] {
        assert!(!public_tables.contains_key(internal), "{internal} on the public page");
    }
    assert!(!public_tables["match_funnel"].contains_key("suggested"), "suggestions are internal");
    assert!(!public.html.contains("Công ty Nghiên cứu Sông Hàn"), "nothing waiting is named");
}

#[tokio::test]
async fn the_workspace_and_admin_pages_do_not_exist_for_anyone_else() {
    let app = spawn_app().await;
    let market = market(&app).await;
    let danang = "48";
    let org = {
        let owner = app.login(super::journeys::STARTUP).await;
        let orgs = app.get_as(&owner.access_token, "/api/v1/me/organizations").await;
        orgs.ok().as_array().unwrap()[0]["id"].as_str().unwrap().to_owned()
    };
    let workspace_pages = [
        format!("/province/{danang}"),
        format!("/province/{danang}?type=listing"),
        format!("/province/{danang}/orgs/{org}"),
        format!("/province/{danang}/listings/{}", market.offer),
        format!("/province/{danang}/figures"),
        format!("/province/{danang}/figures.csv"),
        format!("/province/{danang}/figures.json"),
        format!("/province/{danang}/matches"),
        format!("/province/{danang}/staff"),
        format!("/province/{danang}/settings"),
        format!("/province/{danang}/targets"),
    ];
    let admin_pages = ["/admin", "/admin/jobs", "/admin/figures", "/admin/figures.csv"].map(String::from);
    let posts = [
        format!("/province/{danang}/orgs/{org}/decide"),
        format!("/province/{danang}/matches/propose"),
        format!("/province/{danang}/staff/grant"),
        format!("/province/{danang}/settings"),
        format!("/province/{danang}/targets"),
        "/admin/provinces".to_owned(),
        "/admin/tenant-admins".to_owned(),
    ];
    // What only the province's staff may read.
    let private = ["canbo@sokhcn.danang.gov.vn", super::journeys::STARTUP_CONTACT, "Bản vẽ thiết kế bể UASB"];
    app.staff("canbo@sokhcn.hanoi.gov.vn", "01", "moderator").await;
    app.staff("quantri@sokhcn.hanoi.gov.vn", "01", "tenant_admin").await;
    app.staff("kiemduyet@sokhcn.danang.gov.vn", danang, "moderator").await;

    for who in ["anonymous", "owner", "another province's officer", "another province's admin", "moderator"] {
        let mut browser = Browser::new(&app);
        let email = match who {
            "owner" => Some(super::journeys::STARTUP),
            "another province's officer" => Some("canbo@sokhcn.hanoi.gov.vn"),
            "another province's admin" => Some("quantri@sokhcn.hanoi.gov.vn"),
            "moderator" => Some("kiemduyet@sokhcn.danang.gov.vn"),
            _ => None,
        };
        if let Some(email) = email {
            browser.sign_in(email, "/").await.ok();
        } else {
            browser.get("/").await.ok();
        }
        // A moderator of the province works in its workspace but does not administer it.
        let closed: Vec<&String> = if who == "moderator" {
            workspace_pages
                .iter()
                .filter(|p| p.ends_with("/staff") || p.ends_with("/settings") || p.ends_with("/targets"))
                .chain(&admin_pages)
                .collect()
        } else {
            workspace_pages.iter().chain(&admin_pages).collect()
        };
        for path in closed {
            let page = browser.get_once(path).await;
            assert_eq!(page.status, 404, "{who} opened {path}: {:?}", page.location);
            assert!(page.content_type.starts_with("text/html"), "{who} {path}: a 404 page, not {}", page.content_type);
            for secret in private {
                assert!(!page.html.contains(secret), "{who} saw {secret:?} on {path}");
            }
        }
        for path in posts.iter().filter(|p| {
            who != "moderator"
                || p.contains("/staff")
                || p.contains("/settings")
                || p.contains("/targets")
                || p.starts_with("/admin")
        }) {
            let answer = browser
                .post_once(path, &[("email", "ai@example.vn"), ("role", "tenant_admin"), ("action", "approve")])
                .await;
            assert_eq!(answer.status, 404, "{who} posted to {path}");
        }
        if who == "moderator" {
            let own = browser.get_once(&format!("/province/{danang}")).await;
            assert_eq!(own.status, 200, "the moderator's own workspace opens");
        }
    }
    // Nothing was granted by all those posts.
    let admin = app.platform_admin("goc@platform.test").await;
    let roles = app.get_as(&admin.access_token, &format!("/api/v1/tenants/{danang}/roles")).await;
    assert!(!roles.text.contains("ai@example.vn"), "{}", roles.text);
}

#[tokio::test]
async fn a_dead_job_is_seen_in_admin_retried_from_there_runs_and_the_retry_is_audited() {
    let mut sink = SmtpSink::start().await;
    let app = spawn_app_with(TestOptions {
        smtp: Some(sink.connection()),
        tweak: Some(Box::new(|settings| settings.jobs.max_attempts = 1)),
        ..Default::default()
    })
    .await;
    let admin = app.platform_admin("quantri@platform.test").await;
    let mut browser = Browser::new(&app);
    browser.sign_in("quantri@platform.test", "/admin").await.ok();
    // Drain the admin's own verification mail before the server goes away.
    app.drain_jobs().await;
    sink.stop();
    app.register("thu-loi@example.vn", "Lỗi Gửi Thư").await.ok();
    let dead_job = {
        let until = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let listed = app.get_as(&admin.access_token, "/api/v1/admin/jobs?status=dead").await;
            if let Some(job) = listed.ok()["items"].as_array().and_then(|jobs| jobs.first().cloned()) {
                break job;
            }
            assert!(tokio::time::Instant::now() < until, "the job never died: {}", listed.text);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let id = dead_job["id"].as_i64().unwrap().to_string();

    let page = browser.get("/admin/jobs?status=dead").await;
    let html = page.ok();
    assert!(html.contains(&format!("/admin/jobs/{id}/retry")), "the dead job is listed with its retry");
    let error = dead_job["last_error"].as_str().unwrap();
    assert!(!error.is_empty());
    assert!(html_unescape(html).contains(error), "with its last error");

    let before = sink.messages().len();
    sink.restart().await;
    let retried = browser.post(&format!("/admin/jobs/{id}/retry"), &[]).await;
    retried.ok();
    let mails = sink.wait_for(before + 1, Duration::from_secs(20)).await;
    assert!(
        mails.iter().any(|m| m.envelope_to.iter().any(|t| t == "thu-loi@example.vn")),
        "the retried job ran: {dead_job} {:?}",
        mails.iter().map(|m| m.envelope_to.clone()).collect::<Vec<_>>()
    );
    app.drain_jobs().await;
    let done = app.get_as(&admin.access_token, "/api/v1/admin/jobs?status=done").await;
    assert!(
        done.ok()["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["id"].as_i64().map(|n| n.to_string()) == Some(id.clone())),
        "done: {}",
        done.text
    );

    let audited = id.clone();
    let retries: Vec<(String, Option<String>)> = app
        .state
        .db
        .run(move |conn| {
            use diesel::prelude::*;
            use techbridge::db::schema::audit_log;
            Ok(audit_log::table
                .filter(audit_log::entity_type.eq("job"))
                .filter(audit_log::entity_id.eq(audited))
                .select((audit_log::action, audit_log::actor_id))
                .load(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(retries.len(), 1, "{retries:?}");
    assert_eq!(retries[0].0, "retry");
    assert_eq!(retries[0].1.as_deref(), Some(admin.user_id.as_str()), "who retried it");
}
