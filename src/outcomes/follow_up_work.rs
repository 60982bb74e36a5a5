//! Sending the follow-ups on the timer: each side's owners of a match still under way are
//! asked once per milestone, unless they turned follow-ups off.

use actix_web::web;
use chrono::{Duration, NaiveDateTime};

use super::follow_up_email::{FollowUpEmail, follow_up};
use super::follow_ups::{self, FollowUpAnswer};
use super::store;
use crate::app::AppState;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::matching::lifecycle::Side;
use crate::notify::{Kind, Mode};

const BATCH: i64 = 200;

pub fn register_timed_work(timed: &mut crate::schedule::TimedWork<crate::app::SharedState>) {
    timed.add("match follow-ups", |state: crate::app::SharedState| async move { sweep(&state).await });
}

/// Sends what is due; returns how many sides were asked. Safe on several instances: the
/// sent-once row is taken in the same transaction as the emails are queued.
pub async fn sweep(state: &web::Data<AppState>) -> Result<u64, AppError> {
    let first = follow_ups::MILESTONES[0];
    let mut after = String::new();
    let mut asked = 0;
    loop {
        let now = state.clock.now();
        let cutoff = now - Duration::days(i64::from(first));
        let from = after.clone();
        let batch = state.db.run(move |conn| store::under_way_connected_before(conn, cutoff, &from, BATCH)).await?;
        let Some((last, _)) = batch.last() else { break };
        after = last.clone();
        for (match_id, connected_at) in batch {
            let Some(milestone) = follow_ups::due_milestone(connected_at, now) else { continue };
            for side in [Side::Offer, Side::Need] {
                let app = state.clone();
                let id = match_id.clone();
                if state.db.write(move |conn| ask(&app, conn, &id, side, milestone, now)).await? {
                    asked += 1;
                }
            }
        }
    }
    if asked > 0 {
        state.jobs.wake();
    }
    Ok(asked)
}

fn ask(
    state: &AppState,
    conn: &mut DbConnection,
    match_id: &str,
    side: Side,
    milestone: i32,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let Some(row) = crate::matching::store::find(conn, match_id)? else { return Ok(false) };
    if !row.status().state.is_under_way() || !store::record_follow_up(conn, match_id, side, milestone, now)? {
        return Ok(false);
    }
    let (org, tenant, other_org) = match side {
        Side::Offer => (&row.offer_org_id, &row.offer_tenant_id, &row.need_org_id),
        Side::Need => (&row.need_org_id, &row.need_tenant_id, &row.offer_org_id),
    };
    let other_name = crate::registry::store::find(conn, other_org)?.map(|o| o.row.legal_name).unwrap_or_default();
    let province = crate::tenants::store::find(conn, tenant)?.map(|t| t.name_vi).unwrap_or_else(|| tenant.to_owned());
    let subject = follow_ups::subject(match_id, side, milestone);
    let tokens: Vec<(FollowUpAnswer, String)> =
        FollowUpAnswer::OFFERED.iter().map(|a| (*a, state.unsubscribe.sign(&subject, &a.code()))).collect();
    for (user_id, email, name, language) in store::owners(conn, org)? {
        if crate::notify::store::preference(conn, &user_id, Kind::FollowUp)? == Mode::Off {
            continue;
        }
        let unsubscribe = crate::notify::unsubscribe_url(state, &user_id, Kind::FollowUp.as_str());
        let message = follow_up(&FollowUpEmail {
            lang: Lang::parse(&language).unwrap_or_default(),
            user_id: &user_id,
            to: &email,
            to_name: &name,
            province_name: &province,
            match_id,
            side,
            milestone,
            other_org_name: &other_name,
            public_url: &state.settings.server.public_url,
            answer_tokens: &tokens,
            unsubscribe_url: &unsubscribe,
        });
        crate::email::enqueue(conn, &state.jobs, &message)?;
    }
    Ok(true)
}
