//! Finding matches for a listing: candidates of the other kind come from the search index
//! (never a scan of all pairs), each is scored as a broker would (topic, constraints,
//! ties), what earlier answers taught is applied, and only the best few are proposed.

use actix_web::web;

use super::lifecycle::{MatchState, Status};
use super::notices;
use super::score::{Lessons, Profile, Rules, Score, assess};
use super::select::{Choice, Existing, Outcome, select};
use super::store::{self, ListingLessons, NewMatch, NewSide};
use super::topic::{self, ListingText, TopicProfile};
use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::error::AppError;
use crate::jobs::Job;
use crate::listings::model::ListingKind;
use crate::listings::store::ListingRecord;
use crate::search::{Filters, SearchQuery, Strategy};
use crate::taxonomy::Scheme;

pub const ENTITY: &str = "match";

fn text_of<'a>(record: &'a ListingRecord, keywords: &'a [String]) -> ListingText<'a> {
    ListingText {
        title: &record.row.title_vi,
        keywords,
        summary: record.row.summary.as_deref(),
        description: record.row.description.as_deref(),
    }
}

/// What a listing is about, worked out from its text.
pub fn topic_of(record: &ListingRecord, vocabulary: &crate::vocabulary::Vocabulary) -> TopicProfile {
    let keywords = record.keywords();
    TopicProfile::of(&text_of(record, &keywords), vocabulary)
}

pub fn profile(state: &AppState, record: &ListingRecord) -> Profile {
    profile_with(state, record, None)
}

/// The profile of a listing, its topic read from `stored` (as the search index keeps it)
/// when that is of this version of the listing.
fn profile_with(state: &AppState, record: &ListingRecord, stored: Option<&str>) -> Profile {
    let row = &record.row;
    // What the buyer receives: rights and methods, as the taxonomy classes the codes.
    let receives = record
        .transfer_modes
        .iter()
        .filter(|m| {
            state
                .taxonomy
                .term(Scheme::TransferMode, &m.version, &m.code)
                .and_then(|t| t.kind.as_deref())
                .is_some_and(|kind| kind == "right" || kind == "method")
        })
        .map(|m| m.code.clone())
        .collect();
    Profile {
        topic: state.topics.get_or_insert(&row.id, row.version, || {
            stored
                .and_then(|stored| TopicProfile::from_stored(stored, row.version, &state.vocabulary))
                .unwrap_or_else(|| topic_of(record, &state.vocabulary))
        }),
        fields: record.st_fields.iter().map(|c| c.code.clone()).collect(),
        tags: record.strategic_tags.iter().map(|c| c.code.clone()).collect(),
        receives,
        province: row.location_tenant_id.clone(),
        trl: row.trl,
        price: row.price_vnd,
        negotiable: row.price_negotiable,
        budget_min: row.budget_min_vnd,
        budget_max: row.budget_max_vnd,
    }
}

/// (offer, need), whichever of the two `record` is.
fn ordered<'a>(record: &'a ListingRecord, other: &'a ListingRecord) -> (&'a ListingRecord, &'a ListingRecord) {
    match record.kind() {
        ListingKind::Offer => (record, other),
        ListingKind::Need => (other, record),
    }
}

fn lessons_of(
    offer: &ListingRecord,
    need: &ListingRecord,
    lessons: &std::collections::HashMap<String, ListingLessons>,
) -> Lessons {
    let of = |id: &str| lessons.get(id).copied().unwrap_or_default();
    Lessons {
        need_declined_trl: of(&need.row.id).declined_trl,
        offer_solved: of(&offer.row.id).solved,
        need_solved: of(&need.row.id).solved,
    }
}

/// The score of an (offer, need) pair, whichever of the two is `record`, with what the
/// pair's answers so far taught.
pub fn score_pair(state: &AppState, record: &ListingRecord, other: &ListingRecord, lessons: &Lessons) -> Score {
    let (offer, need) = ordered(record, other);
    assess(&profile(state, offer), &profile(state, need), &Rules::from_settings(&state.settings.matching), lessons)
}

/// One candidate, scored, with what this run would do with it.
#[derive(Debug, Clone)]
pub struct Considered {
    pub other: ListingRecord,
    pub score: Score,
    pub outcome: Outcome,
    /// The pair's match, if it has one.
    pub existing: Option<store::MatchRow>,
}

/// Candidates for a listing, from the index, scored and judged, best first. Nothing is
/// stored.
pub async fn consider(state: &AppState, record: &ListingRecord) -> Result<Vec<Considered>, AppError> {
    let other_kind = match record.kind() {
        ListingKind::Offer => ListingKind::Need,
        ListingKind::Need => ListingKind::Offer,
    };
    let keywords = record.keywords();
    let text = topic::retrieval_text(&text_of(record, &keywords), &state.vocabulary);
    let hits = state
        .search
        .engine
        .search(SearchQuery {
            text: Some(text),
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
    let ids: Vec<String> = hits.hits.iter().map(|h| h.id.clone()).collect();
    // Their topics, as the index keeps them.
    let stored: std::collections::HashMap<String, String> =
        hits.hits.into_iter().map(|h| (h.id, h.profile)).filter(|(_, p)| !p.is_empty()).collect();
    let me = record.row.id.clone();
    let (found, lessons, partners) = state
        .db
        .run(move |conn| {
            let found = crate::listings::store::find_many(conn, &ids)?;
            let mut all = ids;
            all.push(me.clone());
            Ok((found, store::lessons(conn, &all)?, store::partners_of(conn, &me)?))
        })
        .await?;
    let rules = Rules::from_settings(&state.settings.matching);
    let mine = profile(state, record);
    let mut scored: Vec<(ListingRecord, Score, Option<store::MatchRow>)> = found
        .into_iter()
        .filter(|other| other.is_public() && other.row.org_id != record.row.org_id)
        .map(|other| {
            let theirs = profile_with(state, &other, stored.get(&other.row.id).map(String::as_str));
            let (offer, need) = ordered(record, &other);
            let (offer_profile, need_profile) =
                if record.kind() == ListingKind::Offer { (&mine, &theirs) } else { (&theirs, &mine) };
            let score = assess(offer_profile, need_profile, &rules, &lessons_of(offer, need, &lessons));
            let existing = partners.get(&other.row.id).cloned();
            (other, score, existing)
        })
        .collect();
    scored.sort_by(|a, b| b.1.total.total_cmp(&a.1.total).then_with(|| a.0.row.id.cmp(&b.0.row.id)));
    let choices: Vec<Choice> = scored
        .iter()
        .map(|(_, score, existing)| Choice {
            fit: score.fit,
            excluded: score.excluded.clone(),
            existing: match existing.as_ref().and_then(|m| MatchState::parse(&m.state)) {
                None => Existing::None,
                Some(MatchState::Suggested | MatchState::Requested) => Existing::Open,
                Some(settled) => Existing::Settled(settled.as_str().to_owned()),
            },
        })
        .collect();
    let outcomes = select(&choices, state.settings.matching.margin, state.settings.matching.max_per_listing.max(1));
    Ok(scored
        .into_iter()
        .zip(outcomes)
        .map(|((other, score, existing), outcome)| Considered { other, score, outcome, existing })
        .collect())
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct MatchRun {
    pub created: usize,
    pub updated: usize,
    pub closed: usize,
}

/// Matches one listing: new matches are stored and told to both sides; open ones are
/// re-scored; a listing no longer public closes its open suggestions and requests.
/// Running it again changes nothing that did not change.
pub async fn run(state: &web::Data<AppState>, listing_id: &str) -> Result<MatchRun, AppError> {
    Ok(run_and_report(state, listing_id).await?.0)
}

/// [`run`], with every candidate it considered.
pub async fn run_and_report(
    state: &web::Data<AppState>,
    listing_id: &str,
) -> Result<(MatchRun, Vec<Considered>), AppError> {
    let id = listing_id.to_owned();
    let Some(record) = state.db.run(move |conn| crate::listings::store::find(conn, &id)).await? else {
        return Ok((MatchRun::default(), Vec::new()));
    };
    if !record.is_public() {
        let app = state.clone();
        let closed = state.db.write(move |conn| close_open_suggestions(&app, conn, &record)).await?;
        return Ok((MatchRun { closed, ..Default::default() }, Vec::new()));
    }
    let considered = consider(state, &record).await?;
    let work: Vec<Considered> =
        considered.iter().filter(|c| matches!(c.outcome, Outcome::Proposed | Outcome::Refreshed)).cloned().collect();
    let app = state.clone();
    let run = state
        .db
        .write(move |conn| {
            let now = app.clock.now();
            let mut run = MatchRun::default();
            for candidate in &work {
                let (offer, need) = ordered(&record, &candidate.other);
                let score = &candidate.score;
                if let Some(existing) = &candidate.existing {
                    if store::rescore(conn, &existing.id, score, now)? {
                        run.updated += 1;
                    }
                    continue;
                }
                let id = uuid::Uuid::now_v7().to_string();
                let new = NewMatch {
                    id: &id,
                    offer: NewSide {
                        listing: Some(&offer.row.id),
                        org: &offer.row.org_id,
                        tenant: &offer.row.tenant_id,
                    },
                    need: NewSide { listing: Some(&need.row.id), org: &need.row.org_id, tenant: &need.row.tenant_id },
                    score,
                    origin: "engine",
                    proposed_by: None,
                    note: None,
                    request: None,
                    status: Status::NEW,
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
                            details: Some(
                                serde_json::json!({ "score": score.total, "fit": score.fit, "origin": "engine" }),
                            ),
                            ..Default::default()
                        },
                        now,
                    )?;
                    notices::new_match(&app, conn, &id, offer, need, score, now)?;
                    run.created += 1;
                }
            }
            Ok(run)
        })
        .await?;
    if run.created > 0 {
        state.jobs.wake();
    }
    Ok((run, considered))
}

fn close_open_suggestions(
    state: &AppState,
    conn: &mut crate::db::DbConnection,
    record: &ListingRecord,
) -> Result<usize, AppError> {
    let now = state.clock.now();
    let mut closed = 0;
    for suggestion in store::open_suggestions_of(conn, &record.row.id)? {
        if store::finish(conn, &suggestion.id, suggestion.version, MatchState::Closed, None, now)? {
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&suggestion.offer_tenant_id),
                    entity_type: ENTITY,
                    entity_id: &suggestion.id,
                    action: "close",
                    from_state: Some(&suggestion.state),
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
