//! What the two sides say: interested or declined, the deal, closing.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use super::{load, not_allowed, stale};
use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::Principal;
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::{ApiJson, ClientIp, OptionalJson};
use crate::matching::engine::ENTITY;
use crate::matching::lifecycle::{Action, DeclineReason, MatchState, Response, Side, apply};
use crate::matching::notices;
use crate::matching::store::{self, Answer};
use crate::matching::views::{self, MatchView};
use crate::text::clean_block;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResponseRequest {
    /// `interested` or `declined`.
    #[schema(required = true)]
    pub response: Option<String>,
    /// With `declined`: field_not_relevant, trl_too_low, price_or_budget, transfer_mode,
    /// location, already_solved, timing or other.
    pub reason_code: Option<String>,
    /// Required with `other`.
    pub reason_text: Option<String>,
    /// `offer` or `need`: only needed by someone who belongs to both sides.
    pub side: Option<String>,
    pub version: Option<i32>,
}

/// A side answers a suggestion. Both interested connects them (contacts are revealed and
/// both get an introduction); one declining ends it.
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = ResponseRequest,
    responses(
        (status = 200, body = MatchView),
        (status = 403, description = "Not one of the two sides", body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
        (status = 409, description = "Already answered, or no longer open", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[post("/matches/{id}/responses")]
pub async fn respond(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    ApiJson(body): ApiJson<ResponseRequest>,
) -> Result<HttpResponse, AppError> {
    let answer = respond_to_match(&state, principal, ip, id.into_inner(), body).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// What `respond` does, for the API and the pages alike.
pub async fn respond_to_match(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    body: ResponseRequest,
) -> Result<MatchView, AppError> {
    let mut v = Violations::new();
    let response = v.require("response", body.response, |raw| Response::parse_field("response", &raw));
    let reason = match body.reason_code.filter(|r| !r.is_empty()) {
        Some(raw) => v.check(DeclineReason::parse_field("reason_code", &raw)),
        None => None,
    };
    let reason_text = body.reason_text.and_then(|raw| match clean_block(&raw) {
        Some(text) if text.chars().count() <= 1000 => Some(text).filter(|t| !t.is_empty()),
        _ => {
            v.push(FieldError::too_long("reason_text", 1000));
            None
        }
    });
    let side = body.side.and_then(|raw| v.check(Side::parse_field("side", &raw)));
    match (response, reason) {
        (Some(Response::Declined), None) => v.push(FieldError::required("reason_code")),
        (Some(Response::Interested), Some(_)) => v.push(FieldError::new(
            "reason_code",
            "not_applicable",
            Text::new("Chỉ nêu lý do khi từ chối.", "A reason goes with declined only."),
        )),
        (_, Some(DeclineReason::Other)) if reason_text.is_none() => v.push(FieldError::required("reason_text")),
        _ => {}
    }
    let response = v.finish(response)?;
    let now = state.clock.now();
    let app = state.clone();
    let view = state
        .db
        .write(move |conn| {
            let (row, access) = load(conn, &principal, &id)?;
            let side = match (side, access.sides.as_slice()) {
                (Some(side), sides) if sides.contains(&side) => side,
                (None, [only]) => *only,
                (None, [_, _]) => return Err(AppError::Validation(vec![FieldError::required("side")])),
                _ => {
                    return Err(AppError::Forbidden(Text::new(
                        "Chỉ hai bên của kết nối mới trả lời được.",
                        "Only the two sides of the match answer it.",
                    )));
                }
            };
            if body.version.is_some_and(|v| v != row.version) {
                return Err(stale(&row));
            }
            let next = apply(row.status(), Action::Respond(side, response)).ok_or_else(|| not_allowed(&row))?;
            let answer = Answer {
                side,
                response,
                reason_code: reason.map(DeclineReason::as_str),
                reason_text: reason_text.as_deref(),
                by: &principal.user_id,
            };
            if !store::record_answer(conn, &row.id, row.version, &answer, next.state, now)? {
                return Err(stale(&row));
            }
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(match side {
                        Side::Offer => &row.offer_tenant_id,
                        Side::Need => &row.need_tenant_id,
                    }),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &row.id,
                    action: response.as_str(),
                    from_state: Some(&row.state),
                    to_state: Some(next.state.as_str()),
                    reason: reason.map(DeclineReason::as_str),
                    details: Some(serde_json::json!({ "side": side.as_str() })),
                    client_ip: ip.0.as_deref(),
                },
                now,
            )?;
            let updated = store::find(conn, &row.id)?.ok_or(AppError::NotFound)?;
            notices::answered(&app, conn, &updated, side, response, reason, now)?;
            if next.state == MatchState::Connected {
                notices::introduction(&app, conn, &updated, now)?;
            }
            views::view(conn, &updated, &access)
        })
        .await?;
    state.jobs.wake();
    Ok(view)
}

pub use crate::outcomes::routes::{DealRequest, record_deal};

/// A side records the deal with its terms (it is verified once the other side confirms),
/// or an officer of either province enters it from a paper contract.
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = Option<DealRequest>,
    responses((status = 200, body = MatchView), (status = 403, body = crate::error::ProblemBody), (status = 404, body = crate::error::ProblemBody), (status = 409, body = crate::error::ProblemBody), (status = 422, body = crate::error::ProblemBody))
)]
#[post("/matches/{id}/deal")]
pub async fn deal(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: OptionalJson<DealRequest>,
) -> Result<HttpResponse, AppError> {
    let answer = record_deal(&state, principal, ip, id.into_inner(), body.0.unwrap_or_default()).await?;
    Ok(HttpResponse::Ok().json(answer))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CloseRequest {
    pub reason: Option<String>,
    pub version: Option<i32>,
}

/// Closes a suggestion or a connection that led nowhere (either side, or an officer).
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = Option<CloseRequest>,
    responses((status = 200, body = MatchView), (status = 403, body = crate::error::ProblemBody), (status = 404, body = crate::error::ProblemBody), (status = 409, body = crate::error::ProblemBody))
)]
#[post("/matches/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: OptionalJson<CloseRequest>,
) -> Result<HttpResponse, AppError> {
    let answer = close_match(&state, principal, ip, id.into_inner(), body.0.unwrap_or_default()).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// What `close` does, for the API and the pages alike.
pub async fn close_match(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    body: CloseRequest,
) -> Result<MatchView, AppError> {
    let reason = body
        .reason
        .and_then(|r| clean_block(&r))
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().take(1000).collect::<String>());
    let now = state.clock.now();
    let view = state
        .db
        .write(move |conn| {
            let (row, access) = load(conn, &principal, &id)?;
            if !(access.participant() || access.officer_may_act) {
                return Err(AppError::Forbidden(Text::new(
                    "Bạn không đóng được kết nối này.",
                    "You may not close this match.",
                )));
            }
            if body.version.is_some_and(|v| v != row.version) {
                return Err(stale(&row));
            }
            let next = apply(row.status(), Action::Close).ok_or_else(|| not_allowed(&row))?;
            if !store::finish(conn, &row.id, row.version, next.state, None, now)? {
                return Err(stale(&row));
            }
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&row.offer_tenant_id),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &row.id,
                    action: "close",
                    from_state: Some(&row.state),
                    to_state: Some("closed"),
                    reason: reason.as_deref(),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            let updated = store::find(conn, &row.id)?.ok_or(AppError::NotFound)?;
            views::view(conn, &updated, &access)
        })
        .await?;
    Ok(view)
}
