//! Reading matches: the caller's list, one match, its history.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};

use super::load;
use crate::app::AppState;
use crate::audit::{self, AuditRecord};
use crate::auth::Principal;
use crate::error::AppError;
use crate::http::{ApiQuery, PageParams};
use crate::matching::engine::ENTITY;
use crate::matching::lifecycle::MatchState;
use crate::matching::store::{self, MatchFilter, Visibility};
use crate::matching::views::{self, MatchView};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchListParams {
    /// Matches of this listing (its organization's members, or its province's officers).
    pub listing_id: Option<String>,
    /// An officer's view of a province's matches (its code).
    pub province: Option<String>,
    /// suggested, requested, connected, deal, declined or closed.
    pub state: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchPage {
    pub items: Vec<MatchView>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
    /// With `listing_id`: why the other sides declined, counted by reason; with `province`:
    /// the declines of every match that touches the province.
    pub decline_reasons: Vec<ReasonCount>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReasonCount {
    pub reason: String,
    pub count: i64,
}

/// Matches the caller may see: of their organizations by default; of a listing; or of a
/// province they are an officer of.
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    params(MatchListParams),
    responses((status = 200, body = MatchPage), (status = 404, body = crate::error::ProblemBody), (status = 422, body = crate::error::ProblemBody))
)]
#[get("/matches")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    params: ApiQuery<MatchListParams>,
) -> Result<HttpResponse, AppError> {
    let answer = matches_page(&state, principal, params.0).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// What `list` does, for the API and the pages alike.
pub async fn matches_page(
    state: &web::Data<AppState>,
    principal: Principal,
    params: MatchListParams,
) -> Result<MatchPage, AppError> {
    let (page, per_page) = PageParams { page: params.page, per_page: params.per_page }.resolve()?;
    let match_state = MatchState::parse_filter("state", params.state.as_deref())?;
    let result = state
        .db
        .run(move |conn| {
            let mut filter = MatchFilter { listing_id: None, state: match_state };
            let mut reasons = Vec::new();
            let who = if let Some(listing_id) = params.listing_id {
                let (record, access) = crate::listings::service::load(conn, Some(&principal), &listing_id)?;
                if !access.private {
                    return Err(AppError::NotFound);
                }
                reasons = store::decline_reasons(conn, &listing_id)?;
                filter.listing_id = Some(listing_id);
                if access.member.is_some() { Visibility::Orgs(vec![record.row.org_id]) } else { Visibility::All }
            } else if let Some(province) = params.province {
                let scope = principal.review_scope(&province).ok_or(AppError::NotFound)?;
                reasons = store::decline_reasons_in_tenant(conn, scope.tenant_id())?;
                Visibility::Tenant(scope.tenant_id().to_owned())
            } else {
                let orgs = crate::registry::store::organizations_of(conn, &principal.user_id)?
                    .into_iter()
                    .map(|(o, _)| o.id)
                    .collect();
                Visibility::Orgs(orgs)
            };
            let (rows, total) =
                store::list(conn, &who, &filter, PageParams::offset(page, per_page), i64::from(per_page))?;
            let mut items = Vec::with_capacity(rows.len());
            for row in rows {
                if let Some(access) = views::access(conn, &principal, &row)? {
                    items.push(views::view(conn, &row, &access)?);
                }
            }
            Ok(MatchPage {
                items,
                page,
                per_page,
                total,
                decline_reasons: reasons.into_iter().map(|(reason, count)| ReasonCount { reason, count }).collect(),
            })
        })
        .await?;
    Ok(result)
}

/// One match: its score and every part of it, the two listings, each side's answer, and —
/// once connected — both sides' contacts and confidential details (for the two sides).
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = MatchView), (status = 404, body = crate::error::ProblemBody))
)]
#[get("/matches/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let answer = match_view(&state, principal, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// What `get_one` does, for the API and the pages alike.
pub async fn match_view(state: &web::Data<AppState>, principal: Principal, id: String) -> Result<MatchView, AppError> {
    let reader = principal.user_id.clone();
    let view = state
        .db
        .run(move |conn| {
            let (row, access) = load(conn, &principal, &id)?;
            views::view(conn, &row, &access)
        })
        .await?;
    if view.contacts.is_some() {
        // The two sides read each other's private contact details: each read is logged.
        let now = state.clock.now();
        let orgs = [view.offer.organization_id.clone(), view.need.organization_id.clone()];
        state
            .db
            .write(move |conn| {
                for org in &orgs {
                    crate::privacy::access_log::record(conn, &reader, org, "match_contacts", now)?;
                }
                Ok(())
            })
            .await?;
    }
    Ok(view)
}

/// Every step of the match: who, what, when.
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<AuditRecord>), (status = 404, body = crate::error::ProblemBody))
)]
#[get("/matches/{id}/history")]
pub async fn history(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let records = state
        .db
        .run(move |conn| {
            load(conn, &principal, &id)?;
            audit::history(conn, ENTITY, &id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(records))
}
