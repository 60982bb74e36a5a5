//! The durable job queue. Work is inserted in the same transaction as the change that
//! causes it; workers claim it with a lease, retry with exponential backoff, and leave
//! jobs that keep failing as `dead` for inspection. Which kinds exist, and what each
//! does, is registered by the features at start ([`JobRunner`]).

mod error;
mod queue;
mod retry;
mod runner;
mod worker;

pub use error::JobError;
pub use queue::{ClaimedJob, JobCounts, JobQueue, JobSummary, NewJob, counts, status_by_key};
pub mod admin {
    //! Inspecting and retrying jobs (for platform administrators).
    pub use super::queue::{find, list, retry_dead};
}
pub use retry::backoff_delay;
pub use runner::{Job, JobRunner};
pub use worker::Workers;

pub mod status {
    pub const QUEUED: &str = "queued";
    pub const RUNNING: &str = "running";
    pub const DONE: &str = "done";
    pub const DEAD: &str = "dead";
}
