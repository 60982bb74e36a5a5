//! `/province/{code}/certificates`: the calendar in the province's workspace, its forms,
//! its CSV, and the secret iCalendar feed. A 404 page for anyone who is not the province's
//! officer (signed out too: the page does not exist for them).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::calendar::{Entry, List};
use super::rules::{Obligation, Timing};
use super::service::{self, EndingRequest, EventRequest, RecognitionRequest};
use super::{emails, ics};
use crate::app::AppState;
use crate::error::{AppError, FieldError, Text};
use crate::http::ClientIp;
use crate::i18n::Lang;
use crate::review::ReviewQueues;
use crate::web::display::date;
use crate::web::layout::Section;
use crate::web::{FieldErrors, Frame, PageForm, SignedIn, StaffSignedIn, render, see_other};
use crate::workspace::{Part, Workspace, open};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/province/{code}/certificates", web::get().to(page))
        .route("/province/{code}/certificates.csv", web::get().to(csv))
        .route("/province/{code}/certificates/events", web::post().to(record_event))
        .route("/province/{code}/certificates/revoke", web::post().to(revoke))
        .route("/province/{code}/certificates/recognition", web::post().to(recognition))
        .route("/province/{code}/certificates/feed", web::post().to(renew_feed))
        .route("/calendar/{code}/{secret}.ics", web::get().to(feed));
}

fn obligation_label(obligation: Obligation, lang: Lang) -> &'static str {
    match obligation {
        Obligation::AnnualReport => lang.pick("Báo cáo hằng năm", "Annual report"),
        Obligation::Review => lang.pick("Đánh giá lại điều kiện (3 năm)", "Three-yearly review"),
        Obligation::RecognitionEnd => lang.pick("Hết hạn công nhận KNST", "Startup recognition ends"),
    }
}

fn when(due: &super::calendar::DueDate, today: chrono::NaiveDate, lang: Lang) -> String {
    let days = (due.due_on - today).num_days();
    match (due.timing, lang) {
        (Timing::Overdue, Lang::Vi) => format!("quá hạn {} ngày", -days),
        (Timing::Overdue, Lang::En) => format!("{} days overdue", -days),
        (_, Lang::Vi) => format!("còn {days} ngày"),
        (_, Lang::En) => format!("in {days} days"),
    }
}

/// One due date as a table row shows it.
pub struct DueRow {
    pub sort_on: chrono::NaiveDate,
    pub org_id: String,
    pub name: String,
    pub number: String,
    pub what: String,
    pub due_on: String,
    pub when: String,
}

/// One organization of the "all" table.
pub struct AllRow {
    pub org_id: String,
    pub name: String,
    pub kind: String,
    pub number: String,
    pub issued: String,
    pub report: String,
    pub review: String,
    pub recognition_end: String,
}

pub struct DueSection {
    pub id: &'static str,
    pub caption: &'static str,
    pub empty: &'static str,
    pub rows: Vec<DueRow>,
}

pub struct EndedRow {
    pub org_id: String,
    pub name: String,
    pub number: String,
    pub sentence: String,
    pub reason: String,
}

/// What was typed in the page's forms, sent back with their errors.
#[derive(Debug, Default, Deserialize)]
pub struct Typed {
    #[serde(default)]
    event_org: String,
    #[serde(default)]
    obligation: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    done_on: String,
    #[serde(default)]
    revoke_org: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    recognition_org: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    date: String,
}

#[derive(Template)]
#[template(path = "certificates/page.html")]
struct CalendarPage<'a> {
    frame: Frame<'a>,
    ws: Workspace,
    today: String,
    /// Overdue, due, expiring: each a table of due dates.
    sections: Vec<DueSection>,
    all: Vec<AllRow>,
    ended: Vec<EndedRow>,
    /// (id, name) of the enterprises whose certificate stands, and of the startups.
    enterprises: Vec<(String, String)>,
    startups: Vec<(String, String)>,
    obligations: Vec<(String, String)>,
    endings: Vec<(String, String)>,
    typed: Typed,
    errors: FieldErrors,
    /// The feed's new address, shown once after renewal (only its hash is kept).
    new_feed: Option<String>,
}

fn due_rows(entries: &[Entry], list: List, today: chrono::NaiveDate, lang: Lang) -> Vec<DueRow> {
    let mut rows: Vec<DueRow> = service::listed(entries, list)
        .into_iter()
        .flat_map(|e| {
            e.due_dates
                .iter()
                .map(|d| DueRow {
                    sort_on: d.due_on,
                    org_id: e.org_id.clone(),
                    name: e.legal_name.clone(),
                    number: e.certificate_number.clone().or_else(|| e.recognition_number.clone()).unwrap_or_default(),
                    what: match d.year {
                        Some(year) => format!("{} {year}", obligation_label(d.obligation, lang)),
                        None => obligation_label(d.obligation, lang).to_owned(),
                    },
                    due_on: date(d.due_on, lang),
                    when: when(d, today, lang),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    rows.sort_by_key(|r| r.sort_on);
    rows
}

fn all_rows(entries: &[Entry], lang: Lang) -> Vec<AllRow> {
    let day = |d: Option<&super::calendar::DueDate>| d.map(|d| date(d.due_on, lang)).unwrap_or_default();
    service::listed(entries, List::All)
        .into_iter()
        .map(|e| AllRow {
            kind: crate::web::labels::code(&e.kind, lang),
            number: e.certificate_number.clone().or_else(|| e.recognition_number.clone()).unwrap_or_default(),
            issued: e.certificate_date.or(e.recognition_date).map(|d| date(d, lang)).unwrap_or_default(),
            report: day(e.due(Obligation::AnnualReport)),
            review: day(e.due(Obligation::Review)),
            recognition_end: e.recognition_end.map(|d| date(d, lang)).unwrap_or_default(),
            org_id: e.org_id,
            name: e.legal_name,
        })
        .collect()
}

struct Shown {
    typed: Typed,
    errors: FieldErrors,
    new_feed: Option<String>,
}

async fn show(
    state: &web::Data<AppState>,
    queues: &web::Data<ReviewQueues>,
    signed: &SignedIn,
    code: &str,
    shown: Shown,
    flash: Option<String>,
) -> Result<HttpResponse, AppError> {
    let ws = open(state, queues, signed, code, Part::Certificates).await?;
    let lang = signed.visitor.lang;
    let (entries, today) = service::province_entries(state, &ws.scope).await?;
    let pick = |kind: &str| -> Vec<(String, String)> {
        entries
            .iter()
            .filter(|e| e.kind == kind && e.standing.is_none())
            .map(|e| (e.org_id.clone(), e.legal_name.clone()))
            .collect()
    };
    let enterprises = pick("st_enterprise");
    // Startups appear here once they hold a recognition; those without one can be picked too.
    let startups = startups_to_pick(state, &ws).await?;
    let ended = entries
        .iter()
        .filter_map(|e| {
            let standing = e.standing.as_ref()?;
            let ending = super::rules::Ending::parse(&standing.status)?;
            Some(EndedRow {
                org_id: e.org_id.clone(),
                name: e.legal_name.clone(),
                number: e.certificate_number.clone().unwrap_or_default(),
                sentence: emails::ended_sentence(ending, standing.decided_on, lang),
                reason: standing.reason.clone(),
            })
        })
        .collect();
    let options = |items: &[(&str, &str, &str)]| -> Vec<(String, String)> {
        items.iter().map(|(code, vi, en)| ((*code).to_owned(), lang.pick(vi, en).to_owned())).collect()
    };
    render(&CalendarPage {
        frame: Frame::new(&signed.visitor, lang.pick("Giấy chứng nhận", "Certificates"), Section::Review)
            .with_flash(flash),
        today: date(today, lang),
        sections: vec![
            DueSection {
                id: "overdue",
                caption: lang.pick("Quá hạn", "Overdue"),
                empty: lang.pick("Không có nghĩa vụ nào quá hạn.", "Nothing is overdue."),
                rows: due_rows(&entries, List::Overdue, today, lang),
            },
            DueSection {
                id: "due",
                caption: lang.pick("Đến hạn trong 30 ngày", "Due within 30 days"),
                empty: lang
                    .pick("Không có nghĩa vụ nào đến hạn trong 30 ngày tới.", "Nothing is due in the next 30 days."),
                rows: due_rows(&entries, List::Due, today, lang),
            },
            DueSection {
                id: "expiring",
                caption: lang.pick("Công nhận khởi nghiệp sáng tạo sắp hết hạn", "Startup recognitions expiring"),
                empty: lang.pick("Không có công nhận nào sắp hết hạn.", "No recognition is about to end."),
                rows: due_rows(&entries, List::Expiring, today, lang),
            },
        ],
        all: all_rows(&entries, lang),
        ended,
        enterprises,
        startups,
        obligations: options(&[
            ("annual_report", "Báo cáo hằng năm (đã nhận)", "Annual report (received)"),
            ("review", "Đánh giá lại 3 năm (đã xong)", "Three-yearly review (done)"),
        ]),
        endings: options(&[("revoked", "Thu hồi", "Revoked"), ("cancelled", "Hủy bỏ", "Cancelled")]),
        typed: shown.typed,
        errors: shown.errors,
        new_feed: shown.new_feed,
        ws,
    })
}

async fn startups_to_pick(state: &web::Data<AppState>, ws: &Workspace) -> Result<Vec<(String, String)>, AppError> {
    let tenant = ws.scope.tenant_id().to_owned();
    state
        .db
        .run(move |conn| {
            Ok(super::store::tracked(conn, Some(&tenant))?
                .into_iter()
                .filter(|o| o.kind == crate::registry::model::OrgKind::Startup.as_str())
                .map(|o| (o.id, o.legal_name))
                .collect())
        })
        .await
}

#[derive(Debug, Default, Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

fn flash(done: &str, lang: Lang) -> Option<String> {
    let text = match done {
        "event" => lang.pick("Đã ghi nhận.", "Recorded."),
        "ended" => lang.pick("Đã ghi nhận việc thu hồi/hủy bỏ giấy chứng nhận.", "The certificate's end is recorded."),
        "recognition" => lang.pick("Đã lưu quyết định công nhận.", "The recognition is saved."),
        _ => return None,
    };
    Some(text.to_owned())
}

pub async fn page(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    code: web::Path<String>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let flash = flash(&done.done, signed.visitor.lang);
    let shown = Shown { typed: Typed::default(), errors: FieldErrors::default(), new_feed: None };
    show(&state, &queues, &signed, &code, shown, flash).await
}

/// After a form: back to the page on success; the page again with the refusal beside its
/// fields and what was typed otherwise.
async fn answer(
    state: &web::Data<AppState>,
    queues: &web::Data<ReviewQueues>,
    signed: &SignedIn,
    code: &str,
    outcome: Result<Entry, AppError>,
    typed: Typed,
    done: &str,
) -> Result<HttpResponse, AppError> {
    match outcome {
        Ok(_) => Ok(see_other(&format!("/province/{code}/certificates?done={done}"))),
        Err(error @ (AppError::Validation(_) | AppError::Forbidden(_) | AppError::Conflict { .. })) => {
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            let mut response = show(state, queues, signed, code, Shown { typed, errors, new_feed: None }, None).await?;
            *response.status_mut() = error.status();
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

fn blank(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

/// The organization picked in a form must be one of the province's: otherwise 404.
async fn opened(
    state: &web::Data<AppState>,
    queues: &web::Data<ReviewQueues>,
    signed: &SignedIn,
    code: &str,
) -> Result<Workspace, AppError> {
    open(state, queues, signed, code, Part::Certificates).await
}

pub async fn record_event(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    code: web::Path<String>,
    PageForm(typed): PageForm<Typed>,
) -> Result<HttpResponse, AppError> {
    opened(&state, &queues, &signed, &code).await?;
    let outcome = match typed.year.trim() {
        "" => Ok(None),
        year => year.parse::<i32>().map(Some).map_err(|_| {
            AppError::Validation(vec![FieldError::invalid(
                "year",
                Text::new("Năm phải là một số.", "The year must be a number."),
            )])
        }),
    };
    let outcome = match outcome {
        Ok(year) => match in_province(&state, &code, "event_org", &typed.event_org).await? {
            Ok(org) => {
                let request =
                    EventRequest { obligation: blank(&typed.obligation), year, done_on: blank(&typed.done_on) };
                service::record_event(&state, &signed.principal, &ip, org, request).await
            }
            Err(refused) => Err(refused),
        },
        Err(error) => Err(error),
    };
    answer(&state, &queues, &signed, &code, outcome, typed, "event").await
}

/// The organization of a form, if it is one of this province's: a 404 otherwise, as for
/// an organization the officer cannot see.
async fn in_province(
    state: &web::Data<AppState>,
    code: &str,
    field: &'static str,
    org_id: &str,
) -> Result<Result<String, AppError>, AppError> {
    let (code, id) = (code.to_owned(), org_id.trim().to_owned());
    state
        .db
        .run(move |conn| {
            Ok(match super::store::tracked_one(conn, &id)? {
                Some(org) if org.tenant_id == code => Ok(org.id),
                _ => Err(AppError::Validation(vec![FieldError::required(field)])),
            })
        })
        .await
}

pub async fn revoke(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    code: web::Path<String>,
    PageForm(typed): PageForm<Typed>,
) -> Result<HttpResponse, AppError> {
    opened(&state, &queues, &signed, &code).await?;
    let request = EndingRequest {
        status: blank(&typed.status),
        reason: Some(typed.reason.clone()),
        decided_on: blank(&typed.decided_on),
    };
    let outcome = match in_province(&state, &code, "revoke_org", &typed.revoke_org).await? {
        Ok(org) => service::end_certificate(&state, &signed.principal, &ip, org, request).await,
        Err(refused) => Err(refused),
    };
    answer(&state, &queues, &signed, &code, outcome, typed, "ended").await
}

pub async fn recognition(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    code: web::Path<String>,
    PageForm(typed): PageForm<Typed>,
) -> Result<HttpResponse, AppError> {
    opened(&state, &queues, &signed, &code).await?;
    let request = RecognitionRequest { number: blank(&typed.number), date: blank(&typed.date) };
    let outcome = match in_province(&state, &code, "recognition_org", &typed.recognition_org).await? {
        Ok(org) => service::set_recognition(&state, &signed.principal, &ip, org, request).await,
        Err(refused) => Err(refused),
    };
    answer(&state, &queues, &signed, &code, outcome, typed, "recognition").await
}

#[derive(Debug, Default, Deserialize)]
pub struct Nothing {}

/// A tenant admin renews the feed's secret: the page shows the new address once.
pub async fn renew_feed(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    code: web::Path<String>,
    PageForm(_): PageForm<Nothing>,
) -> Result<HttpResponse, AppError> {
    let ws = opened(&state, &queues, &signed, &code).await?;
    if !ws.may_administer {
        return Err(AppError::NotFound);
    }
    let secret = service::renew_feed(&state, &signed.principal, &ip, &code).await?;
    let url = format!("{}/calendar/{}/{secret}.ics", state.settings.server.public_url.trim_end_matches('/'), code);
    let lang = signed.visitor.lang;
    let flash = lang.pick(
        "Đã tạo địa chỉ mới cho lịch; địa chỉ cũ không còn dùng được. Hãy sao chép ngay: địa chỉ chỉ hiện một lần.",
        "A new calendar address is made; the old one no longer works. Copy it now: it is shown only once.",
    );
    let shown = Shown { typed: Typed::default(), errors: FieldErrors::default(), new_feed: Some(url) };
    show(&state, &queues, &signed, &code, shown, Some(flash.to_owned())).await
}

/// `/province/{code}/certificates.csv`: one line per due date of the calendar, then the
/// certificates ended, for the officers.
pub async fn csv(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let ws = open(&state, &queues, &signed, &code, Part::Certificates).await?;
    let (entries, _) = service::province_entries(&state, &ws.scope).await?;
    let body = super::export::csv(&entries).map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("content-disposition", format!("attachment; filename=\"techbridge-{code}-certificates.csv\"")))
        .body(body))
}

/// `/calendar/{code}/{secret}.ics`: the province's due dates for calendar programs, which
/// cannot sign in; the secret address is the key. A wrong or renewed-away secret: 404.
pub async fn feed(state: web::Data<AppState>, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (code, secret) = path.into_inner();
    let (province, entries) = service::feed(&state, code, secret).await?;
    let events: Vec<ics::Event> = service::listed(&entries, List::All)
        .iter()
        .flat_map(|e| {
            e.due_dates.iter().map(|d| ics::Event {
                uid: format!("{}-{}-{}@techbridge", e.org_id, d.obligation.as_str(), d.due_on),
                on: d.due_on,
                summary: format!("{}: {}", obligation_label(d.obligation, Lang::Vi), e.legal_name),
                description: format!(
                    "{} · {} · {}",
                    e.legal_name,
                    e.certificate_number.clone().or_else(|| e.recognition_number.clone()).unwrap_or_default(),
                    obligation_label(d.obligation, Lang::En)
                ),
            })
        })
        .collect();
    let name = format!("Giấy chứng nhận · Sở KH&CN {province}");
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(("cache-control", "private, max-age=300"))
        .body(ics::calendar(&name, &events, state.clock.now())))
}
