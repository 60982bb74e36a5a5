//! Timed work: tidying the job queue, daily digests, saved searches, weekly summaries,
//! expiring listings, the query planner's statistics.
//!
//! Every instance ticks, but a tick's work is done by one instance only: the first to take
//! the `timed_work` lease row for the interval. Each task is also idempotent on its own, so
//! a tick that overlaps another (a slow instance, a clock step) still sends nothing twice.

use std::time::Duration;

use actix_web::web;
use chrono::Utc;
use diesel::prelude::*;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::db::DbConnection;
use crate::db::schema::schedule_leases;
use crate::error::AppError;
use crate::startup::AppState;

/// How often the query planner's statistics are refreshed.
const STATISTICS_EVERY: Duration = Duration::from_secs(3600);
const TIMED_WORK_LEASE: &str = "timed_work";

pub fn spawn(state: web::Data<AppState>, shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(run(state, shutdown))
}

async fn run(state: web::Data<AppState>, mut shutdown: watch::Receiver<bool>) {
    let every = Duration::from_secs(state.settings.jobs.schedule_interval_secs.max(1));
    let holder = uuid::Uuid::new_v4().to_string();
    let mut ticks = tokio::time::interval(every);
    let mut statistics_refreshed = tokio::time::Instant::now();
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            changed = shutdown.changed() => if changed.is_err() || *shutdown.borrow() { break },
        }
        let holder_id = holder.clone();
        match state.db.write(move |conn| take_lease(conn, TIMED_WORK_LEASE, &holder_id, every)).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(error) => {
                tracing::warn!(%error, "could not take the timed work lease");
                continue;
            }
        }
        if statistics_refreshed.elapsed() >= STATISTICS_EVERY {
            statistics_refreshed = tokio::time::Instant::now();
            if let Err(error) = state.db.run(|conn| crate::db::refresh_statistics(conn, false)).await {
                tracing::warn!(%error, "could not refresh the query planner's statistics");
            }
        }
        run_once(&state).await;
    }
}

/// Takes the named lease (a row seeded by the migrations) for one interval when nobody
/// holds it. Wall-clock time, not the
/// application clock: the lease coordinates processes, it is not a business date.
fn take_lease(conn: &mut DbConnection, name: &str, holder: &str, every: Duration) -> Result<bool, AppError> {
    let now = Utc::now().naive_utc();
    // A little under the interval, so that the next tick of any instance finds it free.
    let slack = (every / 10).min(Duration::from_secs(1));
    let held_for = chrono::Duration::from_std(every.saturating_sub(slack)).unwrap_or_default();
    let taken = diesel::update(
        schedule_leases::table.filter(schedule_leases::name.eq(name)).filter(schedule_leases::held_until.le(now)),
    )
    .set((schedule_leases::holder.eq(holder), schedule_leases::held_until.eq(now + held_for)))
    .execute(conn)?;
    Ok(taken == 1)
}

/// One tick's timed work, without the lease. Tests call it to make time pass.
pub async fn run_once(state: &web::Data<AppState>) {
    let queue = state.jobs.clone();
    match state.db.run(move |conn| queue.tidy(conn)).await {
        Ok((buried, deleted)) if buried + deleted > 0 => tracing::info!(buried, deleted, "tidied the job queue"),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "could not tidy the job queue"),
    }
    let keep = chrono::Duration::days(state.settings.jobs.keep_done_days.max(1));
    match state.db.write(move |conn| crate::search::changes::prune(conn, keep)).await {
        Ok(pruned) if pruned > 0 => tracing::info!(pruned, "pruned the search change log"),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "could not prune the search change log"),
    }
    match crate::notify::digest::run_due(state).await {
        Ok(sent) if sent > 0 => tracing::info!(sent, "daily digests queued"),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "daily digests failed"),
    }
    match crate::notify::saved_searches::run_due(state).await {
        Ok(told) if told > 0 => tracing::info!(told, "saved search hits notified"),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "saved searches failed"),
    }
    match crate::reports::weekly::run_due(state).await {
        Ok(sent) if sent > 0 => tracing::info!(sent, "weekly summaries queued"),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "weekly summaries failed"),
    }
    match crate::listings::expiry::sweep(state).await {
        Ok(sweep) if sweep.expired + sweep.reminded > 0 => {
            tracing::info!(expired = sweep.expired, reminded = sweep.reminded, "listing expiry");
        }
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "listing expiry sweep failed"),
    }
    state.jobs.wake();
}
