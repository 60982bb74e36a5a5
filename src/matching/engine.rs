//! Finding matches for a listing: candidates of the other kind come from the search index
//! (never a scan of all pairs), each is scored, and those above the threshold are kept.

use actix_web::web;

use super::notices;
use super::score::{Profile, Score, score};
use super::store::{self, NewMatch};
use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::error::AppError;
use crate::jobs::Job;
use crate::listings::model::ListingKind;
use crate::listings::store::ListingRecord;
use crate::search::{Filters, SearchQuery, Strategy};

pub const ENTITY: &str = "match";

pub fn profile(record: &ListingRecord) -> Profile {
    let row = &record.row;
    let mut texts = vec![row.title_vi.clone()];
    texts.extend(row.summary.clone());
    texts.extend(record.keywords());
    Profile {
        texts,
        fields: record.st_fields.iter().map(|c| c.code.clone()).collect(),
        tags: record.strategic_tags.iter().map(|c| c.code.clone()).collect(),
        modes: record.transfer_modes.iter().map(|c| c.code.clone()).collect(),
        province: row.location_tenant_id.clone(),
        trl: row.trl,
        price: row.price_vnd,
        negotiable: row.price_negotiable,
        budget_min: row.budget_min_vnd,
        budget_max: row.budget_max_vnd,
    }
}

/// The score of an (offer, need) pair, whichever of the two is `record`.
pub fn score_pair(state: &AppState, record: &ListingRecord, other: &ListingRecord) -> Score {
    let (mine, theirs) = (profile(record), profile(other));
    match record.kind() {
        ListingKind::Offer => score(&mine, &theirs, &state.settings.matching.weights),
        ListingKind::Need => score(&theirs, &mine, &state.settings.matching.weights),
    }
}

/// Candidates for a listing, scored, best first; the ones below the threshold included.
pub async fn candidates(state: &AppState, record: &ListingRecord) -> Result<Vec<(ListingRecord, Score)>, AppError> {
    let other_kind = match record.kind() {
        ListingKind::Offer => ListingKind::Need,
        ListingKind::Need => ListingKind::Offer,
    };
    let mut text = vec![record.row.title_vi.clone()];
    text.extend(record.row.summary.clone());
    text.extend(record.keywords());
    let hits = state
        .search
        .engine
        .search(SearchQuery {
            text: Some(text.join(" ")),
            filters: Filters {
                kind: Some(other_kind.as_str().to_owned()),
                exclude_org: Some(record.row.org_id.clone()),
                ..Default::default()
            },
            limit: state.settings.matching.candidates.clamp(1, 500),
            strategy: Strategy::AnyWords,
            ..Default::default()
        })
        .await?;
    let ids: Vec<String> = hits.hits.into_iter().map(|h| h.id).collect();
    let found = state.db.run(move |conn| crate::listings::store::find_many(conn, &ids)).await?;
    let mut scored: Vec<(ListingRecord, Score)> = found
        .into_iter()
        .filter(|other| other.is_public() && other.row.org_id != record.row.org_id)
        .map(|other| {
            let s = score_pair(state, record, &other);
            (other, s)
        })
        .collect();
    scored.sort_by(|a, b| b.1.total.total_cmp(&a.1.total).then_with(|| a.0.row.id.cmp(&b.0.row.id)));
    Ok(scored)
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct MatchRun {
    pub created: usize,
    pub updated: usize,
    pub closed: usize,
}

/// Matches one listing: new matches are stored and told to both sides; existing
/// suggestions are re-scored; a listing no longer public closes its open suggestions.
/// Running it again changes nothing that did not change.
pub async fn run(state: &web::Data<AppState>, listing_id: &str) -> Result<MatchRun, AppError> {
    let id = listing_id.to_owned();
    let Some(record) = state.db.run(move |conn| crate::listings::store::find(conn, &id)).await? else {
        return Ok(MatchRun::default());
    };
    if !record.is_public() {
        let app = state.clone();
        let closed = state.db.write(move |conn| close_open_suggestions(&app, conn, &record)).await?;
        return Ok(MatchRun { closed, ..Default::default() });
    }
    let threshold = state.settings.matching.threshold;
    // The best first, at most `max_per_listing`, so that nobody is flooded.
    let kept: Vec<(ListingRecord, Score)> = candidates(state, &record)
        .await?
        .into_iter()
        .filter(|(_, s)| s.total >= threshold)
        .take(state.settings.matching.max_per_listing.max(1))
        .collect();
    let app = state.clone();
    let run = state
        .db
        .write(move |conn| {
            let now = app.clock.now();
            let mut run = MatchRun::default();
            for (other, score) in &kept {
                let (offer, need) = match record.kind() {
                    ListingKind::Offer => (&record, other),
                    ListingKind::Need => (other, &record),
                };
                match store::find_pair(conn, &offer.row.id, &need.row.id)? {
                    Some(existing) => {
                        if store::rescore(conn, &existing.id, score, now)? {
                            run.updated += 1;
                        }
                    }
                    None => {
                        let id = uuid::Uuid::now_v7().to_string();
                        let new = NewMatch {
                            id: &id,
                            offer: (&offer.row.id, &offer.row.org_id, &offer.row.tenant_id),
                            need: (&need.row.id, &need.row.org_id, &need.row.tenant_id),
                            score,
                            origin: "engine",
                            proposed_by: None,
                            note: None,
                        };
                        if store::insert(conn, &new, now)? {
                            audit::record(
                                conn,
                                AuditEntry {
                                    tenant_id: Some(&offer.row.tenant_id),
                                    entity_type: ENTITY,
                                    entity_id: &id,
                                    action: "suggest",
                                    to_state: Some("suggested"),
                                    details: Some(serde_json::json!({ "score": score.total, "origin": "engine" })),
                                    ..Default::default()
                                },
                                now,
                            )?;
                            notices::new_match(&app, conn, &id, offer, need, score, now)?;
                            run.created += 1;
                        }
                    }
                }
            }
            Ok(run)
        })
        .await?;
    if run.created > 0 {
        state.jobs.wake();
    }
    Ok(run)
}

fn close_open_suggestions(
    state: &AppState,
    conn: &mut crate::db::DbConnection,
    record: &ListingRecord,
) -> Result<usize, AppError> {
    let now = state.clock.now();
    let mut closed = 0;
    for suggestion in store::open_suggestions_of(conn, &record.row.id)? {
        if store::finish(conn, &suggestion.id, suggestion.version, super::lifecycle::MatchState::Closed, None, now)? {
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&suggestion.offer_tenant_id),
                    entity_type: ENTITY,
                    entity_id: &suggestion.id,
                    action: "close",
                    from_state: Some("suggested"),
                    to_state: Some("closed"),
                    reason: Some("listing_unavailable"),
                    ..Default::default()
                },
                now,
            )?;
            closed += 1;
        }
    }
    Ok(closed)
}

/// Match one listing against the marketplace.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct MatchListing {
    pub listing_id: String,
}

impl Job for MatchListing {
    const KIND: &'static str = "match_listing";
}

/// Queues matching for a listing, in the caller's transaction.
pub fn enqueue(conn: &mut crate::db::DbConnection, state: &AppState, listing_id: &str) -> Result<(), AppError> {
    // Matching reads the search index, so it runs after the listing's index update
    // (same ordering key).
    let job = MatchListing { listing_id: listing_id.to_owned() }.to_job()?.ordered_by(format!("index:{listing_id}"));
    state.jobs.enqueue(conn, job).map(|_| ())
}

/// The `match_listing` job.
pub async fn run_job(state: web::Data<AppState>, payload: MatchListing) -> Result<(), crate::jobs::JobError> {
    // Candidates come from this instance's index: bring it up to every committed change
    // first, so that a listing published a moment ago through any instance is among them.
    state.search.catch_up().await.map_err(|e| crate::jobs::JobError::Retry(e.to_string()))?;
    run(&state, &payload.listing_id).await?;
    Ok(())
}
