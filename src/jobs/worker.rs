use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::error::JobError;
use super::queue::{ClaimedJob, JobQueue};
use super::runner::JobRunner;
use crate::db::Db;

/// What the workers of one process share: where jobs are, and who runs each kind.
pub struct Workers<C> {
    pub runner: Arc<JobRunner<C>>,
    /// Handed to every handler.
    pub context: C,
    pub db: Db,
    pub queue: JobQueue,
}

impl<C> Clone for Workers<C>
where
    C: Clone,
{
    fn clone(&self) -> Self {
        Workers {
            runner: self.runner.clone(),
            context: self.context.clone(),
            db: self.db.clone(),
            queue: self.queue.clone(),
        }
    }
}

impl<C: Clone + Send + Sync + 'static> Workers<C> {
    /// Starts the configured number of workers; they stop when `shutdown` turns true or its
    /// sender is dropped.
    pub fn spawn(self, shutdown: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
        let instance = uuid::Uuid::now_v7().simple().to_string();
        (0..self.queue.settings().concurrency.max(1))
            .map(|n| {
                let worker_id = format!("{}-{}-{n}", std::process::id(), &instance[..12]);
                tokio::spawn(self.clone().work_loop(worker_id, shutdown.clone()))
            })
            .collect()
    }

    async fn work_loop(self, worker_id: String, mut shutdown: watch::Receiver<bool>) {
        let poll = Duration::from_millis(self.queue.settings().poll_interval_ms.max(10));
        loop {
            if *shutdown.borrow() {
                break;
            }
            let queue = self.queue.clone();
            let id = worker_id.clone();
            match self.db.run(move |conn| queue.claim(conn, &id)).await {
                Ok(Some(job)) => self.execute(&worker_id, job).await,
                Ok(None) => {
                    tokio::select! {
                        () = self.queue.wait_for_work(poll) => {}
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

    async fn execute(&self, worker_id: &str, job: ClaimedJob) {
        let outcome = self.runner.run(self.context.clone(), &job).await;
        let queue = self.queue.clone();
        let worker = worker_id.to_owned();
        let recorded = match outcome {
            Ok(()) => {
                tracing::debug!(job_id = job.id, kind = %job.kind, "job done");
                self.db.run(move |conn| queue.complete(conn, &job, &worker)).await
            }
            Err(error) => {
                let permanent = matches!(error, JobError::Permanent(_));
                let message = error.to_string();
                let (job_id, kind, attempts) = (job.id, job.kind.clone(), job.attempts);
                let dead = self.db.run(move |conn| queue.fail(conn, &job, &worker, &message, permanent)).await;
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

    /// Runs due jobs in this task until none is left; for commands that work without a
    /// server.
    pub async fn run_until_idle(&self) -> usize {
        let worker_id = format!("{}-cli", std::process::id());
        let mut done = 0;
        loop {
            let queue = self.queue.clone();
            let id = worker_id.clone();
            match self.db.run(move |conn| queue.claim(conn, &id)).await {
                Ok(Some(job)) => {
                    self.execute(&worker_id, job).await;
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
}
