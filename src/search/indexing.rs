//! Keeping the index in step with the database: jobs enqueued with each change, and full
//! rebuilds that replace the index without a pause in searching.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::documents::document;
use super::{SearchEngine, SearchError};
use crate::clock::Clock;
use crate::db::{Db, DbConnection};
use crate::error::AppError;
use crate::jobs::{JobError, JobQueue, NewJob};
use crate::listings::store;
use crate::startup::AppState;

pub const INDEX_LISTINGS_JOB: &str = "search_index_listings";
pub const INDEX_ORG_JOB: &str = "search_index_org";
pub const REBUILD_JOB: &str = "search_rebuild";
const REBUILD_CHUNK: i64 = 2000;

/// The configured engine, and the one rebuild that may run at a time.
pub struct Search {
    pub engine: Arc<dyn SearchEngine>,
    rebuilding: tokio::sync::Mutex<()>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ListingIds {
    pub ids: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OrgId {
    pub org_id: String,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct RebuildReport {
    pub documents: u64,
    pub seconds: f64,
}

/// Queues the index update of one listing, in the caller's transaction.
pub fn enqueue_listing(conn: &mut DbConnection, queue: &JobQueue, listing_id: &str) -> Result<(), AppError> {
    let job = NewJob::new(INDEX_LISTINGS_JOB, &ListingIds { ids: vec![listing_id.to_owned()] })?
        .ordered_by(format!("index:{listing_id}"));
    queue.enqueue(conn, job).map(|_| ())
}

/// Queues the index update of every listing of an organization (suspended, reinstated…).
pub fn enqueue_org(conn: &mut DbConnection, queue: &JobQueue, org_id: &str) -> Result<(), AppError> {
    queue.enqueue(conn, NewJob::new(INDEX_ORG_JOB, &OrgId { org_id: org_id.to_owned() })?).map(|_| ())
}

impl Search {
    pub fn new(engine: Arc<dyn SearchEngine>) -> Search {
        Search { engine, rebuilding: tokio::sync::Mutex::new(()) }
    }

    /// Makes the index agree with the database for these listings.
    pub async fn sync(&self, db: &Db, ids: Vec<String>) -> Result<(), SearchError> {
        if ids.is_empty() {
            return Ok(());
        }
        let lookup = ids.clone();
        let records = db
            .run(move |conn| store::find_many(conn, &lookup))
            .await
            .map_err(|e| SearchError::Engine(e.to_string()))?;
        let public: Vec<_> = records.iter().filter(|r| r.is_public()).map(document).collect();
        let public_ids: HashSet<&str> = public.iter().map(|d| d.id.as_str()).collect();
        let hidden: Vec<String> = ids.iter().filter(|id| !public_ids.contains(id.as_str())).cloned().collect();
        self.engine.remove(hidden).await?;
        self.engine.upsert(public).await
    }

    /// Builds a new index from every public listing and swaps it in; searches keep being
    /// answered by the old one meanwhile. Listings (and organizations) changed while it
    /// ran — by this process or another — are indexed again afterwards. One at a time.
    pub async fn rebuild(&self, db: &Db, clock: &Clock) -> Result<RebuildReport, SearchError> {
        let _single = self.rebuilding.lock().await;
        let started = Instant::now();
        let since = clock.now();
        let documents = self.fill(db).await?;
        let changed = db
            .run(move |conn| store::changed_since(conn, since))
            .await
            .map_err(|e| SearchError::Engine(e.to_string()))?;
        self.sync(db, changed).await?;
        Ok(RebuildReport { documents, seconds: started.elapsed().as_secs_f64() })
    }

    async fn fill(&self, db: &Db) -> Result<u64, SearchError> {
        let mut rebuild = self.engine.start_rebuild().await?;
        let mut after = String::new();
        let mut documents = 0_u64;
        loop {
            let from = after.clone();
            let chunk = db
                .run(move |conn| store::public_after(conn, &from, REBUILD_CHUNK))
                .await
                .map_err(|e| SearchError::Engine(e.to_string()))?;
            let Some(last) = chunk.last() else {
                break;
            };
            after = last.row.id.clone();
            documents += chunk.len() as u64;
            rebuild.add(chunk.iter().map(document).collect()).await?;
        }
        rebuild.finish().await?;
        Ok(documents)
    }
}

/// The `search_index_listings` job.
pub async fn run_index_listings(state: &AppState, payload: ListingIds) -> Result<(), JobError> {
    state.search.sync(&state.db, payload.ids).await.map_err(|e| JobError::Retry(e.to_string()))
}

/// The `search_index_org` job.
pub async fn run_index_org(state: &actix_web::web::Data<AppState>, payload: OrgId) -> Result<(), JobError> {
    let ids = state.db.run(move |conn| store::ids_of_org(conn, &payload.org_id)).await?;
    state.search.sync(&state.db, ids.clone()).await.map_err(|e| JobError::Retry(e.to_string()))?;
    // A suspended organization's suggestions close; a reinstated one is matched again.
    let app = state.clone();
    state
        .db
        .write(move |conn| {
            for id in &ids {
                crate::matching::engine::enqueue(conn, &app, id)?;
            }
            Ok(())
        })
        .await?;
    state.jobs.wake();
    Ok(())
}

/// The `search_rebuild` job.
pub async fn run_rebuild(state: &AppState) -> Result<(), JobError> {
    let report = state.search.rebuild(&state.db, &state.clock).await.map_err(|e| JobError::Retry(e.to_string()))?;
    tracing::info!(documents = report.documents, seconds = report.seconds, "search index rebuilt");
    Ok(())
}
