use crate::error::AppError;

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
