//! Work that runs on a timer in every instance: tidying the job queue, daily digests,
//! saved searches, weekly summaries, expiring listings, the query planner's statistics.
//! Each task is safe to run from several instances at once.

use std::time::Duration;

use actix_web::web;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::startup::AppState;

/// How often the query planner's statistics are refreshed.
const STATISTICS_EVERY: Duration = Duration::from_secs(3600);

pub fn spawn(state: web::Data<AppState>, shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(run(state, shutdown))
}

async fn run(state: web::Data<AppState>, mut shutdown: watch::Receiver<bool>) {
    let every = Duration::from_secs(state.settings.jobs.schedule_interval_secs.max(1));
    let mut ticks = tokio::time::interval(every);
    let mut statistics_refreshed = tokio::time::Instant::now();
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            changed = shutdown.changed() => if changed.is_err() || *shutdown.borrow() { break },
        }
        let queue = state.jobs.clone();
        match state.db.run(move |conn| queue.tidy(conn)).await {
            Ok((buried, deleted)) if buried + deleted > 0 => tracing::info!(buried, deleted, "tidied the job queue"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not tidy the job queue"),
        }
        if statistics_refreshed.elapsed() >= STATISTICS_EVERY {
            statistics_refreshed = tokio::time::Instant::now();
            if let Err(error) = state.db.run(|conn| crate::db::refresh_statistics(conn, false)).await {
                tracing::warn!(%error, "could not refresh the query planner's statistics");
            }
        }
        match crate::notify::digest::run_due(&state).await {
            Ok(sent) if sent > 0 => tracing::info!(sent, "daily digests queued"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "daily digests failed"),
        }
        match crate::notify::saved_searches::run_due(&state).await {
            Ok(told) if told > 0 => tracing::info!(told, "saved search hits notified"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "saved searches failed"),
        }
        match crate::reports::weekly::run_due(&state).await {
            Ok(sent) if sent > 0 => tracing::info!(sent, "weekly summaries queued"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "weekly summaries failed"),
        }
        match crate::listings::expiry::sweep(&state).await {
            Ok(sweep) if sweep.expired + sweep.reminded > 0 => {
                tracing::info!(expired = sweep.expired, reminded = sweep.reminded, "listing expiry");
                state.jobs.wake();
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "listing expiry sweep failed"),
        }
    }
}
