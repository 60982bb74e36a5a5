//! Keeping the index in step with the database. Each change of a listing appends to the
//! change log in its own transaction; every instance brings its own index (or, for a
//! shared engine, the shared one) up to the end of the log, in order, remembering where it
//! is. A new or wiped index is built from the listings first, then follows. The documents
//! come from a [`DocumentSource`] that the listings hand over at start: the index knows
//! the log, not what a listing is.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::cache::ResultCache;
use super::changes::{self, GAP_PATIENCE, Gaps};
use super::{ListingDoc, SearchEngine, SearchError, SearchQuery, SearchResults};
use crate::db::{Db, DbConnection};
use crate::error::AppError;
use crate::jobs::{Job, JobError};

const REBUILD_CHUNK: i64 = 2000;
const FOLLOW_BATCH: i64 = 1000;

/// Where the documents of the index come from.
pub trait DocumentSource: Send + Sync + 'static {
    /// The documents of those of these listings that are public now; a listing left out
    /// is removed from the index.
    fn public_documents(&self, conn: &mut DbConnection, ids: &[String]) -> Result<Vec<ListingDoc>, AppError>;
    /// Public documents whose id sorts after `after`, in id order, at most `limit`.
    fn public_after(&self, conn: &mut DbConnection, after: &str, limit: i64) -> Result<Vec<ListingDoc>, AppError>;
}

/// The configured engine, where its documents come from, and where this instance is in
/// the change log.
pub struct Search {
    pub engine: Arc<dyn SearchEngine>,
    db: Db,
    source: Arc<dyn DocumentSource>,
    /// Pages of repeated marketplace searches.
    results: Option<ResultCache>,
    /// Moves on with every change this instance applies to the index (every instance
    /// applies every change, a shared index's too), so that no cached page outlives one.
    applied: std::sync::atomic::AtomicU64,
    /// Held while applying changes or rebuilding: one at a time per instance.
    follow: tokio::sync::Mutex<Following>,
}

#[derive(Default)]
struct Following {
    position: Option<i64>,
    gaps: Gaps,
}

/// Listings to index, as jobs queued before the change log existed named them; such a
/// job now only appends to the log.
#[derive(Debug, Serialize, Deserialize)]
pub struct IndexListings {
    pub ids: Vec<String>,
}

impl Job for IndexListings {
    const KIND: &'static str = "search_index_listings";
}

/// Rebuild the index from the database (asked by `techbridge reindex` when a server holds
/// the index).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RebuildIndex {}

impl Job for RebuildIndex {
    const KIND: &'static str = "search_rebuild";
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct RebuildReport {
    pub documents: u64,
    pub seconds: f64,
}

/// Records that a listing changed, in the caller's transaction: every index picks it up.
pub fn listing_changed(conn: &mut DbConnection, listing_id: &str) -> Result<(), AppError> {
    changes::record(conn, listing_id)
}

impl Search {
    pub fn new(engine: Arc<dyn SearchEngine>, db: Db, source: Arc<dyn DocumentSource>) -> Search {
        Search {
            engine,
            db,
            source,
            results: None,
            applied: Default::default(),
            follow: tokio::sync::Mutex::new(Following::default()),
        }
    }

    /// Keeps pages of repeated searches (see [`ResultCache`]).
    pub fn with_result_cache(mut self, cache: Option<ResultCache>) -> Search {
        self.results = cache;
        self
    }

    /// A search as the marketplace asks it: a page seen within the cache's lifetime, at
    /// the engine's present generation, is answered from memory.
    pub async fn search(&self, query: SearchQuery) -> Result<Arc<SearchResults>, SearchError> {
        let Some(cache) = &self.results else {
            return Ok(Arc::new(self.engine.search(query).await?));
        };
        let generation = self.generation();
        cache.get_or_search(query.clone(), generation, self.engine.search(query)).await
    }

    /// Moves on whenever what searches find may have changed.
    fn generation(&self) -> u64 {
        self.engine.generation().wrapping_add(self.applied.load(std::sync::atomic::Ordering::Acquire))
    }

    fn applied_one(&self) {
        self.applied.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    /// Brings the index up to the end of the change log (building it first when it has
    /// never followed the log). Returns how many changes were applied.
    pub async fn catch_up(&self) -> Result<usize, SearchError> {
        let db = &self.db;
        let mut following = self.follow.lock().await;
        let mut position = match following.position {
            Some(position) => position,
            None => match self.stored_position(db).await? {
                Some(position) => position,
                None => self.fill_and_start(db).await?.1,
            },
        };
        let pruned = db.run(changes::pruned_up_to).await.map_err(engine_error)?;
        if position < pruned {
            tracing::warn!(position, pruned, "the index is behind the pruned change log: rebuilding it");
            position = self.fill_and_start(db).await?.1;
        }
        following.position = Some(position);
        let mut applied = 0;
        loop {
            let from = position;
            let rows = db.run(move |conn| changes::after(conn, from, FOLLOW_BATCH)).await.map_err(engine_error)?;
            if rows.is_empty() {
                return Ok(applied);
            }
            let seqs: Vec<i64> = rows.iter().map(|(seq, _)| *seq).collect();
            let (reached, held_back) =
                changes::contiguous_end(position, &seqs, &mut following.gaps, Instant::now(), GAP_PATIENCE);
            // Everything read is applied (applying is idempotent: documents are rebuilt
            // from the database as it is now); the position moves only past what has no
            // gap before it.
            let mut ids: Vec<String> = rows.into_iter().map(|(_, id)| id).collect();
            ids.sort();
            ids.dedup();
            applied += ids.len();
            self.sync_to(db, ids, reached).await?;
            position = reached;
            following.position = Some(position);
            if held_back || seqs.len() < FOLLOW_BATCH as usize {
                return Ok(applied);
            }
        }
    }

    /// Where a shared index's position is kept: documents of another version are rebuilt.
    fn position_name(&self) -> String {
        format!("{}@{}", self.engine.name(), super::DOCUMENT_VERSION)
    }

    async fn stored_position(&self, db: &Db) -> Result<Option<i64>, SearchError> {
        if !self.engine.is_shared() {
            return self.engine.position().await;
        }
        let name = self.position_name();
        db.run(move |conn| changes::stored_position(conn, &name)).await.map_err(engine_error)
    }

    /// Makes the index agree with the database for these listings, and records the
    /// position that brings it to.
    async fn sync_to(&self, db: &Db, ids: Vec<String>, position: i64) -> Result<(), SearchError> {
        let lookup = ids.clone();
        let source = self.source.clone();
        let public = db.run(move |conn| source.public_documents(conn, &lookup)).await.map_err(engine_error)?;
        let public_ids: HashSet<&str> = public.iter().map(|d| d.id.as_str()).collect();
        let hidden: Vec<String> = ids.iter().filter(|id| !public_ids.contains(id.as_str())).cloned().collect();
        let applied = self.engine.apply(public, hidden, position).await;
        self.applied_one();
        applied?;
        if self.engine.is_shared() {
            let name = self.position_name();
            db.run(move |conn| changes::store_position(conn, &name, position)).await.map_err(engine_error)?;
        }
        Ok(())
    }

    /// Builds a new index from every public listing and swaps it in; searches keep being
    /// answered by the old one meanwhile. It starts following the change log from a
    /// little before the moment it began, so nothing changed meanwhile is missed.
    pub async fn rebuild(&self) -> Result<RebuildReport, SearchError> {
        let db = &self.db;
        let started = Instant::now();
        let documents = {
            let mut following = self.follow.lock().await;
            let (documents, position) = self.fill_and_start(db).await?;
            following.position = Some(position);
            following.gaps = Gaps::default();
            documents
        };
        self.catch_up().await?;
        Ok(RebuildReport { documents, seconds: started.elapsed().as_secs_f64() })
    }

    /// Fills a fresh index; returns how many documents and the log position it starts at.
    async fn fill_and_start(&self, db: &Db) -> Result<(u64, i64), SearchError> {
        let position = db.run(changes::rebuild_start).await.map_err(engine_error)?;
        let mut rebuild = self.engine.start_rebuild().await?;
        let mut after = String::new();
        let mut documents = 0_u64;
        loop {
            let from = after.clone();
            let source = self.source.clone();
            let chunk =
                db.run(move |conn| source.public_after(conn, &from, REBUILD_CHUNK)).await.map_err(engine_error)?;
            let Some(last) = chunk.last() else {
                break;
            };
            after = last.id.clone();
            documents += chunk.len() as u64;
            rebuild.add(chunk).await?;
        }
        rebuild.start_from(position);
        let finished = rebuild.finish().await;
        self.applied_one();
        finished?;
        if self.engine.is_shared() {
            let name = self.position_name();
            db.run(move |conn| changes::store_position(conn, &name, position)).await.map_err(engine_error)?;
        }
        Ok((documents, position))
    }
}

fn engine_error(error: AppError) -> SearchError {
    SearchError::Engine(error.to_string())
}

/// Follows the change log in the background: within `every` of a change committed
/// through any instance, this instance's index has it.
pub fn spawn_follower(search: Arc<Search>, every: Duration, mut shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
    let every = every.max(Duration::from_millis(10));
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                changed = shutdown.changed() => if changed.is_err() || *shutdown.borrow() { break },
            }
            if let Err(error) = search.catch_up().await {
                tracing::warn!(%error, "could not follow the search change log");
            }
        }
    })
}

/// The `search_index_listings` job (queued by an earlier version): appends to the log.
pub async fn run_index_listings(db: &Db, job: IndexListings) -> Result<(), JobError> {
    db.write(move |conn| {
        for id in &job.ids {
            changes::record(conn, id)?;
        }
        Ok(())
    })
    .await?;
    Ok(())
}

/// The `search_rebuild` job.
pub async fn run_rebuild(search: &Search) -> Result<(), JobError> {
    let report = search.rebuild().await.map_err(|e| JobError::Retry(e.to_string()))?;
    tracing::info!(documents = report.documents, seconds = report.seconds, "search index rebuilt");
    Ok(())
}
