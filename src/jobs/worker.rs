use std::time::Duration;

use actix_web::web;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::dispatch::{JobError, run_job};
use super::queue::ClaimedJob;
use crate::startup::AppState;

/// Starts the configured number of workers; they stop when `shutdown` turns true or its
/// sender is dropped.
pub fn spawn_workers(state: web::Data<AppState>, shutdown: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    let instance = uuid::Uuid::now_v7().simple().to_string();
    (0..state.settings.jobs.concurrency.max(1))
        .map(|n| {
            let worker_id = format!("{}-{}-{n}", std::process::id(), &instance[..12]);
            tokio::spawn(work_loop(state.clone(), worker_id, shutdown.clone()))
        })
        .collect()
}

async fn work_loop(state: web::Data<AppState>, worker_id: String, mut shutdown: watch::Receiver<bool>) {
    let poll = Duration::from_millis(state.settings.jobs.poll_interval_ms.max(10));
    loop {
        if *shutdown.borrow() {
            break;
        }
        let queue = state.jobs.clone();
        let id = worker_id.clone();
        match state.db.run(move |conn| queue.claim(conn, &id)).await {
            Ok(Some(job)) => execute(&state, &worker_id, job).await,
            Ok(None) => {
                tokio::select! {
                    () = state.jobs.wait_for_work(poll) => {}
                    changed = shutdown.changed() => if changed.is_err() { break },
                }
            }
            Err(error) => {
                tracing::warn!(worker = %worker_id, %error, "could not claim a job");
                tokio::select! {
                    () = tokio::time::sleep(poll) => {}
                    changed = shutdown.changed() => if changed.is_err() { break },
                }
            }
        }
    }
}

async fn execute(state: &web::Data<AppState>, worker_id: &str, job: ClaimedJob) {
    let outcome = run_job(state, &job).await;
    let queue = state.jobs.clone();
    let worker = worker_id.to_owned();
    let recorded = match outcome {
        Ok(()) => {
            tracing::debug!(job_id = job.id, kind = %job.kind, "job done");
            state.db.run(move |conn| queue.complete(conn, &job, &worker)).await
        }
        Err(error) => {
            let permanent = matches!(error, JobError::Permanent(_));
            let message = error.to_string();
            let (job_id, kind, attempts) = (job.id, job.kind.clone(), job.attempts);
            let dead = state.db.run(move |conn| queue.fail(conn, &job, &worker, &message, permanent)).await;
            if let Ok(dead) = dead {
                if dead {
                    tracing::error!(job_id, %kind, attempts, %error, "job failed for good");
                } else {
                    tracing::warn!(job_id, %kind, attempts, %error, "job failed; will retry");
                }
            }
            dead.map(|_| ())
        }
    };
    if let Err(error) = recorded {
        // The lease runs out and another worker takes the job again.
        tracing::error!(worker = %worker_id, %error, "could not record a job's outcome");
    }
}

/// Runs due jobs in this task until none is left; for commands that work without a server.
pub async fn run_until_idle(state: &web::Data<AppState>) -> usize {
    let worker_id = format!("{}-cli", std::process::id());
    let mut done = 0;
    loop {
        let queue = state.jobs.clone();
        let id = worker_id.clone();
        match state.db.run(move |conn| queue.claim(conn, &id)).await {
            Ok(Some(job)) => {
                execute(state, &worker_id, job).await;
                done += 1;
            }
            Ok(None) => return done,
            Err(error) => {
                tracing::warn!(%error, "could not claim a job");
                return done;
            }
        }
    }
}
