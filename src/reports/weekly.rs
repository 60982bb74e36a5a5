//! The weekly summary: every Monday from the digest hour, each province's admins get the
//! figures of the week before and the items that have waited longest, in the app and by
//! email as their preference for `weekly_summary` says.

use actix_web::web;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::ProvinceFigures;
use super::period::{Period, week_due, week_label};
use super::service::{self, View};
use super::store::{self, QueuedItem};
use crate::app::AppState;
use crate::db::DbConnection;
use crate::db::schema::{tenant_roles, users};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::notify::digest::local_time;
use crate::notify::{self, Kind, Notice};
use crate::tenants::store::TenantRow;

/// Items named in the summary as waiting longest.
const LONGEST_WAITING: i64 = 5;

/// Sends the summaries that are due; returns how many provinces were summed up.
pub async fn run_due(state: &web::Data<AppState>) -> Result<usize, AppError> {
    if !state.settings.notifications.weekly_summary {
        return Ok(0);
    }
    let now = state.clock.now();
    let week_start = week_due(local_time(now), state.settings.notifications.digest_hour);
    let (provinces, done) = state
        .db
        .run(move |conn| Ok((crate::tenants::store::list(conn, false)?, store::summarised(conn, week_start)?)))
        .await?;
    let mut sent = 0;
    for province in provinces.into_iter().filter(|p| !done.contains(&p.id)) {
        let app = state.clone();
        if state.db.write(move |conn| send_one(&app, conn, &province, week_start, now)).await? {
            sent += 1;
        }
    }
    if sent > 0 {
        state.jobs.wake();
    }
    Ok(sent)
}

fn admins(conn: &mut DbConnection, tenant: &str) -> Result<Vec<(String, String, String, String)>, AppError> {
    Ok(tenant_roles::table
        .inner_join(users::table)
        .filter(tenant_roles::tenant_id.eq(tenant))
        .filter(tenant_roles::role.eq(crate::auth::TenantRole::TenantAdmin.as_str()))
        .order(users::email.asc())
        .select((users::id, users::email, users::full_name, users::language))
        .load(conn)?)
}

/// One province's summary, in one transaction with the record that it went out. A quiet
/// week (nothing happened, nothing waits) is recorded but not sent.
fn send_one(
    state: &AppState,
    conn: &mut DbConnection,
    province: &TenantRow,
    week_start: NaiveDate,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let recipients = admins(conn, &province.id)?;
    if !store::record_summary(conn, &province.id, week_start, i32::try_from(recipients.len()).unwrap_or(i32::MAX), now)?
    {
        return Ok(false);
    }
    let period = Period { from: Some(week_start), to: Some(week_start + Duration::days(6)) };
    let figures = service::province_figures(conn, &state.taxonomy, province, period, View::Full, now)?;
    let mut waiting = store::queued_organizations(conn, &province.id, None, LONGEST_WAITING)?;
    waiting.extend(store::queued_listings(conn, &province.id, None, LONGEST_WAITING)?);
    waiting.sort_by(|a, b| a.submitted_at.cmp(&b.submitted_at).then_with(|| a.id.cmp(&b.id)));
    waiting.truncate(LONGEST_WAITING as usize);
    if quiet(&figures) {
        return Ok(false);
    }
    let week = week_label(week_start);
    let link = figures_link(&state.settings.server.public_url, &province.id, week_start);
    for (user_id, email, name, language) in &recipients {
        let lang = Lang::parse(language).unwrap_or_default();
        let (title, paragraphs) = summary(lang, &province.name_vi, week_start, &figures, &waiting, now);
        notify::publish(
            conn,
            state,
            Notice {
                user_id,
                kind: Kind::WeeklySummary,
                event_key: format!("weekly:{}:{week}:{user_id}", province.id),
                lang,
                to: email,
                to_name: name,
                province_name: Some(&province.name_vi),
                tenant_id: Some(&province.id),
                title,
                paragraphs,
                link: Some(link.clone()),
                entity: None,
            },
            now,
        )?;
    }
    Ok(true)
}

fn quiet(figures: &ProvinceFigures) -> bool {
    let review = figures.review.as_ref();
    figures.organizations.registered.unwrap_or(0) == 0
        && figures.listings.by_kind_status.as_ref().is_none_or(Vec::is_empty)
        && figures.matches.total.unwrap_or(0) == 0
        && figures.matches.connections == 0
        && figures.matches.deals == 0
        && review.is_none_or(|r| r.decisions == 0 && r.queue.total == 0)
}

fn count_listings(figures: &ProvinceFigures) -> i64 {
    figures.listings.by_kind_status.as_ref().map(|rows| rows.iter().map(|r| r.count).sum()).unwrap_or(0)
}

/// The subject and paragraphs of a province's summary, in the reader's language. Pure.
pub fn summary(
    lang: Lang,
    province: &str,
    week_start: NaiveDate,
    figures: &ProvinceFigures,
    waiting: &[QueuedItem],
    now: NaiveDateTime,
) -> (String, Vec<String>) {
    let week_end = week_start + Duration::days(6);
    let registered = figures.organizations.registered.unwrap_or(0);
    let listings = count_listings(figures);
    let published = figures.listings.published_offers + figures.listings.published_needs;
    let matches = figures.matches.total.unwrap_or(0);
    let review = figures.review.as_ref();
    let decisions = review.map_or(0, |r| r.decisions);
    let median = review.and_then(|r| r.median_hours);
    let queue = review.map_or(0, |r| r.queue.total);
    let waited = |item: &QueuedItem| item.submitted_at.map_or(0, |at| (now - at).num_days());
    match lang {
        Lang::Vi => {
            let mut paragraphs = vec![
                format!(
                    "Tóm tắt tuần {} – {} của {province}:",
                    week_start.format("%d/%m"),
                    week_end.format("%d/%m/%Y")
                ),
                format!(
                    "Tổ chức đăng ký mới: {registered}. Tin công nghệ mới: {listings} (đang hiển thị: {published}). \
Gợi ý kết nối mới: {matches}; kết nối thành công: {}; thỏa thuận: {}.",
                    figures.matches.connections, figures.matches.deals
                ),
                match median {
                    Some(hours) => format!("Quyết định thẩm định: {decisions}, thời gian xử lý trung vị {hours} giờ."),
                    None => format!("Quyết định thẩm định: {decisions}."),
                },
                format!("Đang chờ thẩm định: {queue}."),
            ];
            if !waiting.is_empty() {
                let lines: Vec<String> = waiting
                    .iter()
                    .map(|item| {
                        let what = if item.item_type == "org" { "tổ chức" } else { "tin" };
                        format!("• {} ({what}), chờ {} ngày", item.name, waited(item))
                    })
                    .collect();
                paragraphs.push(format!("Chờ lâu nhất:\n{}", lines.join("\n")));
            }
            (format!("Tóm tắt tuần {}: {province}", week_label(week_start)), paragraphs)
        }
        Lang::En => {
            let mut paragraphs = vec![
                format!("{province}, the week of {} to {}:", week_start, week_end),
                format!(
                    "New organizations: {registered}. New listings: {listings} ({published} on the marketplace). \
New matches: {matches}; connections: {}; deals: {}.",
                    figures.matches.connections, figures.matches.deals
                ),
                match median {
                    Some(hours) => format!("Review decisions: {decisions}, median {hours} hours."),
                    None => format!("Review decisions: {decisions}."),
                },
                format!("Waiting for review: {queue}."),
            ];
            if !waiting.is_empty() {
                let lines: Vec<String> = waiting
                    .iter()
                    .map(|item| {
                        let what = if item.item_type == "org" { "organization" } else { "listing" };
                        format!("• {} ({what}), waiting {} days", item.name, waited(item))
                    })
                    .collect();
                paragraphs.push(format!("Waiting longest:\n{}", lines.join("\n")));
            }
            (format!("Week {}: {province}", week_label(week_start)), paragraphs)
        }
    }
}
/// The page of the province's figures for the week starting `week_start`. Pure.
pub fn figures_link(public_url: &str, province: &str, week_start: chrono::NaiveDate) -> String {
    format!(
        "{}/provinces/{province}?from={week_start}&to={}",
        public_url.trim_end_matches('/'),
        week_start + Duration::days(6)
    )
}
