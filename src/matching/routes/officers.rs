//! The province's officers: proposing a match by hand, running matching now.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::Principal;
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::{ApiJson, ClientIp};
use crate::listings::model::ListingKind;
use crate::matching::engine::{self, ENTITY, MatchRun};
use crate::matching::notices;
use crate::matching::store::{self, MatchFilter, NewMatch, Visibility};
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
            let score = engine::score_pair(&app, &offer, &need);
            let id = uuid::Uuid::now_v7().to_string();
            store::insert(
                conn,
                &NewMatch {
                    id: &id,
                    offer: (&offer.row.id, &offer.row.org_id, &offer.row.tenant_id),
                    need: (&need.row.id, &need.row.org_id, &need.row.tenant_id),
                    score: &score,
                    origin: "facilitated",
                    proposed_by: Some(&principal.user_id),
                    note: note.as_deref(),
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
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunReport {
    #[serde(flatten)]
    pub run: MatchRun,
    pub matches: Vec<MatchView>,
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
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let lookup = id.clone();
    let who = principal.clone();
    let tenant = state
        .db
        .run(move |conn| {
            let (record, access) = crate::listings::service::load(conn, Some(&who), &lookup)?;
            if !access.may_decide() {
                return Err(AppError::NotFound);
            }
            Ok(record.row.tenant_id)
        })
        .await?;
    let run = engine::run(&state, &id).await?;
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
    Ok(HttpResponse::Ok().json(RunReport { run, matches }))
}
