//! The durable job queue. Work is inserted in the same transaction as the change that
//! causes it; workers claim it with a lease, retry with exponential backoff, and leave
//! jobs that keep failing as `dead` for inspection.

mod dispatch;
mod queue;
mod retry;
mod worker;

pub use dispatch::JobError;
pub use queue::{ClaimedJob, JobCounts, JobQueue, NewJob, counts, status_by_key};
pub use retry::backoff_delay;
pub use worker::{run_until_idle, spawn_workers};

pub mod status {
    pub const QUEUED: &str = "queued";
    pub const RUNNING: &str = "running";
    pub const DONE: &str = "done";
    pub const DEAD: &str = "dead";
}
