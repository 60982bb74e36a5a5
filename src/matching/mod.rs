//! Matching offers with needs: candidates from the search index, an explainable score,
//! and a lifecycle that leads two sides from a suggestion to a connection and a deal.

pub mod engine;
pub mod interest;
pub mod lifecycle;
pub mod notices;
pub mod pages;
pub mod routes;
pub mod score;
pub mod select;
pub mod store;
pub mod topic;
pub mod views;

/// Matching a listing is a job.
pub fn register(jobs: &mut crate::jobs::JobRunner<crate::app::SharedState>) {
    jobs.register(engine::run_job);
}
