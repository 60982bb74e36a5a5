use super::queue::ClaimedJob;
use crate::error::AppError;
use crate::search::indexing;
use crate::startup::AppState;
use crate::{email, matching};

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth trying again later (network down, database busy).
    #[error("{0}")]
    Retry(String),
    /// Will fail the same way every time (bad payload, address refused for good).
    #[error("{0}")]
    Permanent(String),
}

impl From<AppError> for JobError {
    fn from(error: AppError) -> Self {
        JobError::Retry(error.to_string())
    }
}

impl From<serde_json::Error> for JobError {
    fn from(error: serde_json::Error) -> Self {
        JobError::Permanent(format!("payload: {error}"))
    }
}

/// Hands a job to the feature that knows how to do it.
pub async fn run_job(state: &actix_web::web::Data<AppState>, job: &ClaimedJob) -> Result<(), JobError> {
    match job.kind.as_str() {
        email::SEND_EMAIL_JOB => email::deliver(state, serde_json::from_str(&job.payload)?).await,
        indexing::INDEX_LISTINGS_JOB => indexing::run_index_listings(state, serde_json::from_str(&job.payload)?).await,
        indexing::INDEX_ORG_JOB => indexing::run_index_org(state, serde_json::from_str(&job.payload)?).await,
        indexing::REBUILD_JOB => indexing::run_rebuild(state).await,
        matching::engine::MATCH_LISTING_JOB => {
            matching::engine::run_job(state, serde_json::from_str(&job.payload)?).await
        }
        other => Err(JobError::Permanent(format!("unknown job kind `{other}`"))),
    }
}
