//! What the registry tells the rest of the service through the job queue, without knowing
//! who listens.

use serde::{Deserialize, Serialize};

use crate::db::DbConnection;
use crate::error::AppError;
use crate::jobs::{Job, JobQueue};

/// An organization was decided on (approved, suspended, reinstated…): whatever depends on
/// its standing — its listings in the marketplace, their matches — follows.
#[derive(Debug, Serialize, Deserialize)]
pub struct OrgStandingChanged {
    pub org_id: String,
}

impl Job for OrgStandingChanged {
    /// The name is older than this type: such jobs may be waiting in a database.
    const KIND: &'static str = "search_index_org";
}

/// Queues the event in the caller's transaction.
pub fn standing_changed(conn: &mut DbConnection, queue: &JobQueue, org_id: &str) -> Result<(), AppError> {
    queue.enqueue(conn, OrgStandingChanged { org_id: org_id.to_owned() }.to_job()?).map(|_| ())
}
