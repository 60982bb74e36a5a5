use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use serde::Serialize;
use tokio::sync::Notify;

use super::retry::backoff_delay;
use super::status::{DEAD, DONE, QUEUED, RUNNING};
use crate::clock::Clock;
use crate::config::JobSettings;
use crate::db::schema::jobs;
use crate::db::{DbConnection, insert_ignoring_duplicates};
use crate::error::AppError;

/// Jobs of one ordering key (e.g. one email recipient) run in creation order: a job waits
/// while an earlier one of the same key is still queued or running.
const NO_EARLIER_PENDING: &str = "NOT EXISTS (SELECT 1 FROM jobs AS earlier \
     WHERE earlier.ordering_key = jobs.ordering_key AND earlier.id < jobs.id \
     AND earlier.status IN ('queued', 'running'))";

const MAX_ERROR_CHARS: usize = 2000;

/// Work to be done later, built by the feature that causes it.
#[derive(Debug, Clone)]
pub struct NewJob {
    kind: &'static str,
    payload: String,
    run_at: Option<NaiveDateTime>,
    ordering_key: Option<String>,
    dedupe_key: Option<String>,
}

impl NewJob {
    pub fn new(kind: &'static str, payload: &impl Serialize) -> Result<NewJob, AppError> {
        Ok(NewJob {
            kind,
            payload: serde_json::to_string(payload)?,
            run_at: None,
            ordering_key: None,
            dedupe_key: None,
        })
    }

    /// Jobs sharing this key run one after another, in creation order.
    pub fn ordered_by(mut self, key: impl Into<String>) -> Self {
        self.ordering_key = Some(key.into());
        self
    }

    /// A second job with the same key is not enqueued.
    pub fn deduplicated_by(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }

    pub fn not_before(mut self, at: NaiveDateTime) -> Self {
        self.run_at = Some(at);
        self
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = jobs)]
pub struct ClaimedJob {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub attempts: i32,
    pub max_attempts: i32,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct JobCounts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub dead: i64,
}

/// The queue as the application holds it: settings, clock and a bell that wakes idle workers.
#[derive(Clone)]
pub struct JobQueue {
    settings: JobSettings,
    clock: Clock,
    bell: Arc<Notify>,
}

impl JobQueue {
    pub fn new(settings: JobSettings, clock: Clock) -> Self {
        JobQueue { settings, clock, bell: Arc::new(Notify::new()) }
    }

    pub fn settings(&self) -> &JobSettings {
        &self.settings
    }

    /// Inserts a job in the caller's transaction. Returns false when a job with the same
    /// dedupe key already exists.
    pub fn enqueue(&self, conn: &mut DbConnection, job: NewJob) -> Result<bool, AppError> {
        let now = self.clock.now();
        let row = (
            jobs::kind.eq(job.kind),
            jobs::payload.eq(job.payload),
            jobs::status.eq(QUEUED),
            jobs::attempts.eq(0),
            jobs::max_attempts.eq(self.settings.max_attempts.max(1)),
            jobs::run_at.eq(job.run_at.unwrap_or(now)),
            jobs::ordering_key.eq(job.ordering_key),
            jobs::dedupe_key.eq(job.dedupe_key),
            jobs::created_at.eq(now),
            jobs::updated_at.eq(now),
        );
        let inserted =
            insert_ignoring_duplicates(conn, |conn| diesel::insert_into(jobs::table).values(row).execute(conn))?;
        Ok(inserted)
    }

    /// Wakes idle workers in this process; call after committing new jobs.
    pub fn wake(&self) {
        self.bell.notify_waiters();
    }

    pub(crate) async fn wait_for_work(&self, poll: std::time::Duration) {
        let _ = tokio::time::timeout(poll, self.bell.notified()).await;
    }

    /// Takes the next job that is due, under a lease of `lease_secs`.
    pub(crate) fn claim(&self, conn: &mut DbConnection, worker: &str) -> Result<Option<ClaimedJob>, AppError> {
        let now = self.clock.now();
        let lease_until = now + Duration::seconds(self.settings.lease_secs.max(1));
        macro_rules! next_due_job {
            () => {
                jobs::table
                    .filter(
                        jobs::status.eq(QUEUED).and(jobs::run_at.le(now)).or(jobs::status
                            .eq(RUNNING)
                            .and(jobs::locked_until.le(now).assume_not_null())
                            .and(jobs::attempts.lt(jobs::max_attempts))),
                    )
                    .filter(sql::<Bool>(NO_EARLIER_PENDING))
                    .order((jobs::run_at.asc(), jobs::id.asc()))
                    .select(ClaimedJob::as_select())
                    .limit(1)
            };
        }
        macro_rules! take {
            ($conn:expr, $job:expr) => {{
                let job: Option<ClaimedJob> = $job;
                if let Some(job) = &job {
                    diesel::update(jobs::table.find(job.id))
                        .set((
                            jobs::status.eq(RUNNING),
                            jobs::locked_by.eq(worker),
                            jobs::locked_until.eq(lease_until),
                            jobs::attempts.eq(jobs::attempts + 1),
                            jobs::updated_at.eq(now),
                        ))
                        .execute($conn)?;
                }
                Ok::<_, diesel::result::Error>(job.map(|mut job| {
                    job.attempts += 1;
                    job
                }))
            }};
        }
        let claimed = match conn {
            DbConnection::Postgres(pg) => pg.transaction(|pg| {
                let job = next_due_job!().for_update().skip_locked().first(pg).optional()?;
                take!(pg, job)
            }),
            DbConnection::Sqlite(sqlite) => sqlite.immediate_transaction(|sqlite| {
                let job = next_due_job!().first(sqlite).optional()?;
                take!(sqlite, job)
            }),
        }?;
        Ok(claimed)
    }

    pub(crate) fn complete(&self, conn: &mut DbConnection, job: &ClaimedJob, worker: &str) -> Result<(), AppError> {
        let now = self.clock.now();
        diesel::update(jobs::table.find(job.id).filter(jobs::locked_by.eq(worker)))
            .set((
                jobs::status.eq(DONE),
                jobs::locked_by.eq(None::<String>),
                jobs::locked_until.eq(None::<NaiveDateTime>),
                jobs::last_error.eq(None::<String>),
                jobs::finished_at.eq(Some(now)),
                jobs::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Schedules a retry with backoff, or buries the job once it is out of attempts or
    /// its failure cannot be retried.
    pub(crate) fn fail(
        &self,
        conn: &mut DbConnection,
        job: &ClaimedJob,
        worker: &str,
        error: &str,
        permanent: bool,
    ) -> Result<bool, AppError> {
        let now = self.clock.now();
        let dead = permanent || job.attempts >= job.max_attempts;
        let delay = backoff_delay(job.attempts, self.settings.backoff_base_secs, self.settings.backoff_max_secs);
        let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
        diesel::update(jobs::table.find(job.id).filter(jobs::locked_by.eq(worker)))
            .set((
                jobs::status.eq(if dead { DEAD } else { QUEUED }),
                jobs::run_at.eq(now + delay),
                jobs::locked_by.eq(None::<String>),
                jobs::locked_until.eq(None::<NaiveDateTime>),
                jobs::last_error.eq(Some(error)),
                jobs::finished_at.eq(dead.then_some(now)),
                jobs::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(dead)
    }

    /// Deletes finished jobs past their keeping period, and buries jobs whose worker died
    /// during their last allowed attempt.
    pub fn tidy(&self, conn: &mut DbConnection) -> Result<(usize, usize), AppError> {
        let now = self.clock.now();
        let buried = diesel::update(
            jobs::table
                .filter(jobs::status.eq(RUNNING))
                .filter(jobs::locked_until.le(now).assume_not_null())
                .filter(jobs::attempts.ge(jobs::max_attempts)),
        )
        .set((
            jobs::status.eq(DEAD),
            jobs::last_error.eq(Some("the worker stopped during the last allowed attempt")),
            jobs::locked_by.eq(None::<String>),
            jobs::finished_at.eq(Some(now)),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)?;
        let cutoff = now - Duration::days(self.settings.keep_done_days.max(0));
        let deleted = diesel::delete(
            jobs::table.filter(jobs::status.eq(DONE)).filter(jobs::finished_at.le(cutoff).assume_not_null()),
        )
        .execute(conn)?;
        Ok((buried, deleted))
    }
}

/// How many jobs are in each state (for metrics and readiness of tests).
pub fn counts(conn: &mut DbConnection) -> Result<JobCounts, AppError> {
    let rows: Vec<(String, i64)> =
        jobs::table.group_by(jobs::status).select((jobs::status, count_star())).load(conn)?;
    let mut counts = JobCounts::default();
    for (status, n) in rows {
        match status.as_str() {
            QUEUED => counts.queued = n,
            RUNNING => counts.running = n,
            DONE => counts.done = n,
            DEAD => counts.dead = n,
            _ => {}
        }
    }
    Ok(counts)
}

/// The state of the job enqueued with a dedupe key (to wait for it from another process).
pub fn status_by_key(conn: &mut DbConnection, dedupe_key: &str) -> Result<Option<(String, Option<String>)>, AppError> {
    Ok(jobs::table
        .filter(jobs::dedupe_key.eq(dedupe_key))
        .select((jobs::status, jobs::last_error))
        .first(conn)
        .optional()?)
}

/// A job as an administrator inspects it: what, how often tried, the last error. The
/// payload stays out (it can hold personal data).
#[derive(Debug, Clone, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = jobs)]
pub struct JobSummary {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    #[serde(serialize_with = "crate::http::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub run_at: NaiveDateTime,
    #[serde(serialize_with = "crate::http::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::http::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: NaiveDateTime,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<NaiveDateTime>,
}

/// One page of the jobs in `status` (every state but done when `None`), the most
/// recently changed first, and how many there are.
pub fn list(
    conn: &mut DbConnection,
    status: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<JobSummary>, i64), AppError> {
    let filtered = || {
        let query = jobs::table.into_boxed();
        match status {
            Some(status) => query.filter(jobs::status.eq(status.to_owned())),
            None => query.filter(jobs::status.ne(DONE)),
        }
    };
    let total = filtered().count().get_result(conn)?;
    let items = filtered()
        .order((jobs::updated_at.desc(), jobs::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(JobSummary::as_select())
        .load(conn)?;
    Ok((items, total))
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<JobSummary>, AppError> {
    Ok(jobs::table.find(id).select(JobSummary::as_select()).first(conn).optional()?)
}

/// Puts a dead job back in the queue with its attempts renewed; false when it is not
/// (or no longer) dead.
pub fn retry_dead(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> Result<bool, AppError> {
    let moved = diesel::update(jobs::table.find(id).filter(jobs::status.eq(DEAD)))
        .set((
            jobs::status.eq(QUEUED),
            jobs::attempts.eq(0),
            jobs::run_at.eq(now),
            jobs::finished_at.eq(None::<NaiveDateTime>),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(moved == 1)
}
