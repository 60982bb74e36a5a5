//! Timed work: tasks that run every tick (tidying the job queue, digests, expiry…), each
//! registered by the feature it belongs to at start.
//!
//! Every instance ticks, but a tick's work is done by one instance only: the first to take
//! the `timed_work` lease row for the interval. Each task is also idempotent on its own, so
//! a tick that overlaps another (a slow instance, a clock step) still sends nothing twice.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use diesel::prelude::*;
use futures_util::future::BoxFuture;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::db::schema::schedule_leases;
use crate::db::{Db, DbConnection};
use crate::error::AppError;

/// How often the query planner's statistics are refreshed.
const STATISTICS_EVERY: Duration = Duration::from_secs(3600);
const TIMED_WORK_LEASE: &str = "timed_work";

type Task<C> = Arc<dyn Fn(C) -> BoxFuture<'static, Result<u64, AppError>> + Send + Sync>;

/// The tasks of one tick, in the order they run; `C` is what each is given.
pub struct TimedWork<C> {
    tasks: Vec<(&'static str, Task<C>)>,
}

impl<C> Default for TimedWork<C> {
    fn default() -> Self {
        TimedWork { tasks: Vec::new() }
    }
}

impl<C: Clone + Send + Sync + 'static> TimedWork<C> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a task; it answers how many things it did (logged when not zero).
    pub fn add<F, Fut>(&mut self, name: &'static str, task: F) -> &mut Self
    where
        F: Fn(C) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<u64, AppError>> + Send + 'static,
    {
        self.tasks.push((name, Arc::new(move |context| Box::pin(task(context)))));
        self
    }

    /// The names of the tasks, in order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.tasks.iter().map(|(name, _)| *name)
    }

    /// One tick's work, without the lease. A failing task is logged and the next runs.
    pub async fn run_once(&self, context: C) {
        for (name, task) in &self.tasks {
            match task(context.clone()).await {
                Ok(0) => {}
                Ok(done) => tracing::info!(task = name, done, "timed work"),
                Err(error) => tracing::warn!(task = name, %error, "timed work failed"),
            }
        }
    }

    /// Ticks every `every` until `shutdown`; each tick's work is done by whichever
    /// instance takes the lease.
    pub fn spawn(
        self: Arc<Self>,
        context: C,
        db: Db,
        every: Duration,
        shutdown: watch::Receiver<bool>,
    ) -> JoinHandle<()> {
        tokio::spawn(self.run(context, db, every.max(Duration::from_secs(1)), shutdown))
    }

    async fn run(self: Arc<Self>, context: C, db: Db, every: Duration, mut shutdown: watch::Receiver<bool>) {
        let holder = uuid::Uuid::new_v4().to_string();
        let mut ticks = tokio::time::interval(every);
        let mut statistics_refreshed = tokio::time::Instant::now();
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                changed = shutdown.changed() => if changed.is_err() || *shutdown.borrow() { break },
            }
            let holder_id = holder.clone();
            match db.write(move |conn| take_lease(conn, TIMED_WORK_LEASE, &holder_id, every)).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(error) => {
                    tracing::warn!(%error, "could not take the timed work lease");
                    continue;
                }
            }
            if statistics_refreshed.elapsed() >= STATISTICS_EVERY {
                statistics_refreshed = tokio::time::Instant::now();
                if let Err(error) = db.run(|conn| crate::db::refresh_statistics(conn, false)).await {
                    tracing::warn!(%error, "could not refresh the query planner's statistics");
                }
            }
            self.run_once(context.clone()).await;
        }
    }
}

/// Takes the named lease (a row seeded by the migrations) for one interval when nobody
/// holds it. Wall-clock time, not the application clock: the lease coordinates processes,
/// it is not a business date.
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[tokio::test]
    async fn tasks_run_in_order_and_a_failure_does_not_stop_the_rest() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut work = TimedWork::<Arc<Mutex<Vec<&'static str>>>>::new();
        work.add("first", |seen: Arc<Mutex<Vec<&'static str>>>| async move {
            seen.lock().unwrap().push("first");
            Err(AppError::internal("broken"))
        })
        .add("second", |seen: Arc<Mutex<Vec<&'static str>>>| async move {
            seen.lock().unwrap().push("second");
            Ok(1)
        });
        work.run_once(seen.clone()).await;
        assert_eq!(*seen.lock().unwrap(), vec!["first", "second"]);
        assert_eq!(work.names().collect::<Vec<_>>(), vec!["first", "second"]);
    }
}
