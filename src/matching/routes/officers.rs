//! The province's officers: proposing a match by hand, running matching now.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::Principal;
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::{ApiJson, ClientIp, RequestLang};
use crate::i18n::Lang;
use crate::listings::model::ListingKind;
use crate::matching::engine::{self, ENTITY, MatchRun};
use crate::matching::notices;
use crate::matching::select::Outcome;
use crate::matching::store::{self, MatchFilter, NewMatch, NewSide, Visibility};
use crate::matching::views::{self, MatchView};
use crate::text::clean_block;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ProposalRequest {
    #[schema(required = true)]
    pub offer_id: Option<String>,
    #[schema(required = true)]
    pub need_id: Option<String>,
    /// Why the officer suggests it; both sides see it.
    pub note: Option<String>,
}

/// An officer of either side's province proposes a match by hand (facilitation).
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    request_body = ProposalRequest,
    responses(
        (status = 201, body = MatchView),
        (status = 404, description = "A listing that is not published, or not in the caller's province", body = crate::error::ProblemBody),
        (status = 409, description = "These two are matched already", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[post("/matches")]
pub async fn propose(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    ApiJson(body): ApiJson<ProposalRequest>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(propose_match(&state, principal, ip, body).await?))
}

/// An officer's proposal, for the API and the province's pages.
pub async fn propose_match(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    body: ProposalRequest,
) -> Result<MatchView, AppError> {
    let mut v = Violations::new();
    let offer_id = v.require("offer_id", body.offer_id, Ok);
    let need_id = v.require("need_id", body.need_id, Ok);
    let note = body.note.and_then(|raw| match clean_block(&raw) {
        Some(text) if text.chars().count() <= 2000 => Some(text).filter(|t| !t.is_empty()),
        _ => {
            v.push(FieldError::too_long("note", 2000));
            None
        }
    });
    let (offer_id, need_id) = v.finish(offer_id.zip(need_id))?;
    let now = state.clock.now();
    let app = state.clone();
    let view = state
        .db
        .write(move |conn| {
            let offer =
                crate::listings::store::find(conn, &offer_id)?.filter(|l| l.is_public()).ok_or(AppError::NotFound)?;
            let need =
                crate::listings::store::find(conn, &need_id)?.filter(|l| l.is_public()).ok_or(AppError::NotFound)?;
            let may_act = [&offer.row.tenant_id, &need.row.tenant_id]
                .iter()
                .any(|t| principal.review_scope(t).is_some_and(|s| s.may_decide()));
            if !may_act {
                return Err(AppError::NotFound);
            }
            if offer.kind() != ListingKind::Offer || need.kind() != ListingKind::Need {
                return Err(AppError::Validation(vec![FieldError::invalid(
                    "offer_id",
                    Text::new("Cần một chào bán (offer) và một nhu cầu (need).", "Give one offer and one need."),
                )]));
            }
            if offer.row.org_id == need.row.org_id {
                return Err(AppError::Validation(vec![FieldError::invalid(
                    "need_id",
                    Text::new(
                        "Một tổ chức không kết nối với chính mình.",
                        "An organization is not matched with itself.",
                    ),
                )]));
            }
            if let Some(existing) = store::find_pair(conn, &offer.row.id, &need.row.id)? {
                return Err(AppError::conflict_with(
                    Text::new("Hai tin này đã được kết nối.", "These two listings are matched already."),
                    [("existing_match", existing.id.into())],
                ));
            }
            let lessons = store::lessons(conn, &[offer.row.id.clone(), need.row.id.clone()])?;
            let of = |id: &str| lessons.get(id).copied().unwrap_or_default();
            let score = engine::score_pair(
                &app,
                &offer,
                &need,
                &crate::matching::score::Lessons {
                    need_declined_trl: of(&need.row.id).declined_trl,
                    offer_solved: of(&offer.row.id).solved,
                    need_solved: of(&need.row.id).solved,
                },
            );
            let id = uuid::Uuid::now_v7().to_string();
            store::insert(
                conn,
                &NewMatch {
                    id: &id,
                    offer: NewSide {
                        listing: Some(&offer.row.id),
                        org: &offer.row.org_id,
                        tenant: &offer.row.tenant_id,
                    },
                    need: NewSide { listing: Some(&need.row.id), org: &need.row.org_id, tenant: &need.row.tenant_id },
                    score: &score,
                    origin: "facilitated",
                    proposed_by: Some(&principal.user_id),
                    note: note.as_deref(),
                    request: None,
                    status: crate::matching::lifecycle::Status::NEW,
                },
                now,
            )?;
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&offer.row.tenant_id),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &id,
                    action: "propose",
                    to_state: Some("suggested"),
                    reason: note.as_deref(),
                    details: Some(serde_json::json!({ "score": score.total })),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            notices::new_match(&app, conn, &id, &offer, &need, &score, now)?;
            let row = store::find(conn, &id)?.ok_or(AppError::NotFound)?;
            let access = views::access(conn, &principal, &row)?.ok_or(AppError::NotFound)?;
            views::view(conn, &row, &access)
        })
        .await?;
    state.jobs.wake();
    Ok(view)
}

/// A candidate a run considered, and what became of it: proposed, or why not.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CandidateView {
    pub listing_id: String,
    pub title_vi: String,
    pub organization_name: String,
    pub province: String,
    /// 0 to 1: the fit plus the ties.
    pub score: f64,
    /// The topic times what the soft misses keep.
    pub fit: f64,
    pub outcome: Outcome,
    /// The outcome in the caller's language ("excluded: TRL 4, at least 7 asked").
    pub why: String,
    /// Every part of the score and what it compared.
    pub score_parts: Vec<crate::matching::score::ScorePart>,
}

/// The candidates an officer is shown: the best ones by score, whatever became of them.
const CANDIDATES_SHOWN: usize = 20;

fn candidate_views(considered: Vec<engine::Considered>, lang: Lang) -> Vec<CandidateView> {
    considered
        .into_iter()
        .take(CANDIDATES_SHOWN)
        .map(|c| CandidateView {
            listing_id: c.other.row.id.clone(),
            title_vi: c.other.row.title_vi.clone(),
            organization_name: c.other.org_name.clone(),
            province: c.other.row.tenant_id.clone(),
            score: c.score.total,
            fit: c.score.fit,
            why: c.outcome.describe(lang),
            outcome: c.outcome,
            score_parts: c.score.parts,
        })
        .collect()
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunReport {
    #[serde(flatten)]
    pub run: MatchRun,
    pub matches: Vec<MatchView>,
    /// The best candidates considered, with why each was proposed or not.
    pub candidates: Vec<CandidateView>,
}

/// The listing's province, if the caller is an officer who may act on it.
async fn officer_tenant(state: &AppState, principal: &Principal, id: &str) -> Result<String, AppError> {
    let lookup = id.to_owned();
    let who = principal.clone();
    state
        .db
        .run(move |conn| {
            let (record, access) = crate::listings::service::load(conn, Some(&who), &lookup)?;
            if !access.may_decide() {
                return Err(AppError::NotFound);
            }
            Ok(record.row.tenant_id)
        })
        .await
}

/// The candidates matching would consider for a listing now, each with its score and why
/// it would or would not be proposed; nothing is stored or sent. For the listing's
/// province's officers.
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The listing")),
    responses((status = 200, body = Vec<CandidateView>), (status = 404, body = crate::error::ProblemBody))
)]
#[get("/listings/{id}/match-candidates")]
pub async fn candidates(
    state: web::Data<AppState>,
    principal: Principal,
    lang: RequestLang,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    officer_tenant(&state, &principal, &id).await?;
    let lookup = id.clone();
    let record =
        state.db.run(move |conn| crate::listings::store::find(conn, &lookup)).await?.ok_or(AppError::NotFound)?;
    let considered = if record.is_public() { engine::consider(&state, &record).await? } else { Vec::new() };
    Ok(HttpResponse::Ok().json(candidate_views(considered, lang.0)))
}

/// An officer of the listing's province runs matching for it now.
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The listing")),
    responses((status = 200, body = RunReport), (status = 404, body = crate::error::ProblemBody))
)]
#[post("/listings/{id}/match")]
pub async fn run_now(
    state: web::Data<AppState>,
    principal: Principal,
    lang: RequestLang,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let tenant = officer_tenant(&state, &principal, &id).await?;
    let (run, considered) = engine::run_and_report(&state, &id).await?;
    let matches = state
        .db
        .run(move |conn| {
            let scope = principal.review_scope(&tenant).ok_or(AppError::NotFound)?;
            let filter = MatchFilter { listing_id: Some(id), state: None };
            let (rows, _) = store::list(conn, &Visibility::Tenant(scope.tenant_id().to_owned()), &filter, 0, 100)?;
            let mut views_out = Vec::new();
            for row in rows {
                if let Some(access) = views::access(conn, &principal, &row)? {
                    views_out.push(views::view(conn, &row, &access)?);
                }
            }
            Ok(views_out)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RunReport { run, matches, candidates: candidate_views(considered, lang.0) }))
}
