//! The deal record over HTTP: recording it (a side, or an officer from a paper contract),
//! reading it, the other side's confirmation; and a connected match's trial or stop.

use actix_web::{HttpResponse, get, post, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

use super::rules::{self, DealStatus, DealTermsInput, IpAsset};
use super::store::{self, DealRow, Recorder};
use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::Principal;
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::{ApiJson, ClientIp, OptionalJson};
use crate::matching::engine::ENTITY;
use crate::matching::lifecycle::{Action, MatchState, Side, StopReason, apply};
use crate::matching::routes::{load, not_allowed, stale};
use crate::matching::store::MatchRow;
use crate::matching::views::{self, MatchAccess, MatchView};
use crate::taxonomy::CodeRef;
use crate::text::clean_block;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(read_deal).service(confirm_deal).service(consent).service(piloting).service(stop);
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct DealRequest {
    #[serde(flatten)]
    pub terms: DealTermsInput,
    /// Whether this side lets the value be published (only when both sides agree).
    pub publish_value: Option<bool>,
    /// `offer` or `need`: only needed by someone who belongs to both sides.
    pub side: Option<String>,
    pub version: Option<i32>,
}

/// The side a member speaks for: the one they belong to, or the one they name.
fn speaking_side(access: &MatchAccess, named: Option<Side>) -> Result<Option<Side>, AppError> {
    match (named, access.sides.as_slice()) {
        (Some(side), sides) if sides.contains(&side) => Ok(Some(side)),
        (None, [only]) => Ok(Some(*only)),
        (None, [_, _, ..]) => Err(AppError::Validation(vec![FieldError::required("side")])),
        (None, []) => Ok(None),
        (Some(_), _) => Err(AppError::Validation(vec![FieldError::invalid(
            "side",
            Text::new("Bạn không thuộc bên này.", "You do not belong to this side."),
        )])),
    }
}

fn tenant_of(row: &MatchRow, side: Option<Side>) -> &str {
    match side {
        Some(Side::Need) => &row.need_tenant_id,
        _ => &row.offer_tenant_id,
    }
}

/// Records the deal: the match ends as a deal with its record, waiting for the other side
/// to confirm it, or marked as entered by an officer.
pub async fn record_deal(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    body: DealRequest,
) -> Result<MatchView, AppError> {
    let now = state.clock.now();
    let today = crate::notify::digest::local_time(now).date();
    let mut v = Violations::new();
    let named = body.side.and_then(|raw| v.check(Side::parse_field("side", &raw)));
    v.into_result()?;
    let mut terms = rules::validate(body.terms, &state.taxonomy, today)?;
    // A deal without a signing date was signed the day it is recorded: the figures count
    // each deal in the year it was signed.
    terms.signed_on = terms.signed_on.or(Some(today));
    let publish = body.publish_value.unwrap_or(false);
    state
        .db
        .write(move |conn| {
            let (row, access) = load(conn, &principal, &id)?;
            let side = speaking_side(&access, named)?;
            if side.is_none() && !access.officer_may_act {
                return Err(AppError::Forbidden(Text::new(
                    "Chỉ hai bên hoặc cán bộ của tỉnh ghi nhận thỏa thuận.",
                    "Only the two sides or their provinces' officers record a deal.",
                )));
            }
            if body.version.is_some_and(|v| v != row.version) {
                return Err(stale(&row));
            }
            let next = apply(row.status(), Action::Deal).ok_or_else(|| not_allowed(&row))?;
            let signed_on = terms.signed_on;
            if !crate::matching::store::finish(
                conn,
                &row.id,
                row.version,
                next.state,
                Some((terms.value_vnd, signed_on)),
                now,
            )? {
                return Err(stale(&row));
            }
            let recorder = Recorder { user_id: &principal.user_id, side: side.map(|s| (s, publish)) };
            store::insert(conn, &row.id, &terms, &recorder, now)?;
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(tenant_of(&row, side)),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &row.id,
                    action: "deal",
                    from_state: Some(&row.state),
                    to_state: Some(next.state.as_str()),
                    details: Some(serde_json::json!({
                        "side": side.map(Side::as_str),
                        "officer_recorded": side.is_none(),
                        "value_vnd": terms.value_vnd,
                        "date": signed_on,
                    })),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            let updated = crate::matching::store::find(conn, &row.id)?.ok_or(AppError::NotFound)?;
            views::view(conn, &updated, &access)
        })
        .await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DealView {
    pub match_id: String,
    /// `recorded` (waiting for the other side), `verified` or `officer_recorded`.
    pub status: String,
    /// The side that recorded it; missing when an officer did.
    pub recorded_side: Option<String>,
    pub objects: Vec<CodeRef>,
    pub rights: Vec<CodeRef>,
    pub modes: Vec<CodeRef>,
    pub ip_assets: Vec<IpAsset>,
    pub value_vnd: Option<i64>,
    pub foreign_currency: Option<String>,
    pub foreign_amount: Option<String>,
    pub date: Option<NaiveDate>,
    pub duration_months: Option<i32>,
    pub origin: Option<String>,
    pub origin_country: Option<String>,
    pub registration_number: Option<String>,
    pub registration_date: Option<NaiveDate>,
    pub offer_publishes_value: Option<bool>,
    pub need_publishes_value: Option<bool>,
    /// Both sides let the value be published.
    pub value_public: bool,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub confirmed_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub created_at: NaiveDateTime,
}

impl TryFrom<DealRow> for DealView {
    type Error = AppError;

    fn try_from(row: DealRow) -> Result<DealView, AppError> {
        Ok(DealView {
            value_public: rules::value_is_public(row.offer_publishes_value, row.need_publishes_value),
            objects: serde_json::from_str(&row.objects)?,
            rights: serde_json::from_str(&row.rights)?,
            modes: serde_json::from_str(&row.modes)?,
            ip_assets: serde_json::from_str(&row.ip_assets)?,
            match_id: row.match_id,
            status: row.status,
            recorded_side: row.recorded_side,
            value_vnd: row.value_vnd,
            foreign_currency: row.foreign_currency,
            foreign_amount: row.foreign_amount,
            date: row.signed_on,
            duration_months: row.duration_months,
            origin: row.origin,
            origin_country: row.origin_country,
            registration_number: row.registration_number,
            registration_date: row.registration_date,
            offer_publishes_value: row.offer_publishes_value,
            need_publishes_value: row.need_publishes_value,
            confirmed_at: row.confirmed_at,
            created_at: row.created_at,
        })
    }
}

/// The deal record of a match the caller may see (checked by the caller).
pub async fn deal_of(state: &web::Data<AppState>, match_id: String) -> Result<Option<DealView>, AppError> {
    let row = state.db.run(move |conn| store::find(conn, &match_id)).await?;
    row.map(DealView::try_from).transpose()
}

/// The deal record of a match, for its two sides and their provinces' officers.
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = DealView), (status = 404, body = crate::error::ProblemBody))
)]
#[get("/matches/{id}/deal")]
pub async fn read_deal(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let deal = state
        .db
        .run(move |conn| {
            let (row, _) = load(conn, &principal, &id)?;
            store::find(conn, &row.id)?.ok_or(AppError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DealView::try_from(deal)?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ConfirmRequest {
    /// Whether this side lets the value be published.
    pub publish_value: Option<bool>,
    /// `offer` or `need`: only needed by someone who belongs to both sides.
    pub side: Option<String>,
}

/// The other side confirms the deal a side recorded: it is then verified.
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = Option<ConfirmRequest>,
    responses((status = 200, body = DealView), (status = 403, body = crate::error::ProblemBody), (status = 404, body = crate::error::ProblemBody), (status = 409, body = crate::error::ProblemBody), (status = 422, body = crate::error::ProblemBody))
)]
#[post("/matches/{id}/deal/confirm")]
pub async fn confirm_deal(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: OptionalJson<ConfirmRequest>,
) -> Result<HttpResponse, AppError> {
    let deal = confirm(&state, principal, ip, id.into_inner(), body.0.unwrap_or_default()).await?;
    Ok(HttpResponse::Ok().json(deal))
}

/// What `confirm_deal` does, for the API and the pages alike.
pub async fn confirm(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    body: ConfirmRequest,
) -> Result<DealView, AppError> {
    let mut v = Violations::new();
    let named = body.side.and_then(|raw| v.check(Side::parse_field("side", &raw)));
    v.into_result()?;
    let now = state.clock.now();
    let deal = state
        .db
        .write(move |conn| {
            let (row, access) = load(conn, &principal, &id)?;
            let deal = store::find(conn, &row.id)?.ok_or(AppError::NotFound)?;
            let recorded = deal.recorded_side.as_deref().and_then(Side::parse);
            // The confirming side is the one that did not record it.
            let side = match named {
                Some(side) => speaking_side(&access, Some(side))?,
                None => recorded.map(Side::other).filter(|s| access.sides.contains(s)),
            };
            let Some(side) = side.filter(|s| Some(*s) != recorded && deal.recorded_by != principal.user_id) else {
                return Err(AppError::Forbidden(Text::new(
                    "Chỉ bên kia xác nhận thỏa thuận.",
                    "Only the other side confirms the deal.",
                )));
            };
            if deal.status != DealStatus::Recorded.as_str()
                || !store::confirm(conn, &row.id, side, body.publish_value.unwrap_or(false), &principal.user_id, now)?
            {
                return Err(AppError::conflict(Text::owned(
                    format!("Thỏa thuận đã ở trạng thái \"{}\".", deal.status),
                    format!("The deal is \"{}\" already.", deal.status),
                )));
            }
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(tenant_of(&row, Some(side))),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &row.id,
                    action: "confirm_deal",
                    details: Some(serde_json::json!({ "side": side.as_str() })),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            store::find(conn, &row.id)?.ok_or(AppError::NotFound)
        })
        .await?;
    DealView::try_from(deal)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ConsentRequest {
    /// Whether this side lets the value be published (it is public only when both do).
    pub publish_value: Option<bool>,
    /// `offer` or `need`: only needed by someone who belongs to both sides.
    pub side: Option<String>,
}

/// A side says, or changes, whether the deal's value may be published: also for a deal an
/// officer recorded, which no side confirms.
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = ConsentRequest,
    responses((status = 200, body = DealView), (status = 403, body = crate::error::ProblemBody), (status = 404, body = crate::error::ProblemBody), (status = 422, body = crate::error::ProblemBody))
)]
#[post("/matches/{id}/deal/consent")]
pub async fn consent(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    ApiJson(body): ApiJson<ConsentRequest>,
) -> Result<HttpResponse, AppError> {
    let deal = give_consent(&state, principal, ip, id.into_inner(), body).await?;
    Ok(HttpResponse::Ok().json(deal))
}

/// What `consent` does, for the API and the pages alike.
pub async fn give_consent(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    body: ConsentRequest,
) -> Result<DealView, AppError> {
    let mut v = Violations::new();
    let named = body.side.and_then(|raw| v.check(Side::parse_field("side", &raw)));
    if body.publish_value.is_none() {
        v.push(FieldError::required("publish_value"));
    }
    v.into_result()?;
    let publish = body.publish_value.unwrap_or(false);
    let now = state.clock.now();
    let deal = state
        .db
        .write(move |conn| {
            let (row, access) = load(conn, &principal, &id)?;
            store::find(conn, &row.id)?.ok_or(AppError::NotFound)?;
            let Some(side) = speaking_side(&access, named)? else {
                return Err(AppError::Forbidden(Text::new(
                    "Chỉ hai bên của giao dịch quyết định công bố giá trị.",
                    "Only the two sides decide whether the value is published.",
                )));
            };
            store::set_consent(conn, &row.id, side, publish, now)?;
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(tenant_of(&row, Some(side))),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &row.id,
                    action: "deal_consent",
                    details: Some(serde_json::json!({ "side": side.as_str(), "publish_value": publish })),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            store::find(conn, &row.id)?.ok_or(AppError::NotFound)
        })
        .await?;
    DealView::try_from(deal)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct MoveRequest {
    /// With a stop: no_budget, technology_unfit, partner_unresponsive, found_elsewhere or other.
    pub reason_code: Option<String>,
    /// Required with `other`.
    pub reason_text: Option<String>,
    pub version: Option<i32>,
}

/// What `piloting` and `stop` do, for the API, the pages and the follow-ups alike.
pub async fn move_match(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    action: Action,
    body: MoveRequest,
) -> Result<MatchView, AppError> {
    let mut v = Violations::new();
    let reason = match (action, body.reason_code.filter(|r| !r.is_empty())) {
        (Action::Stop, Some(raw)) => v.check(StopReason::parse_field("reason_code", &raw)),
        (Action::Stop, None) => {
            v.push(FieldError::required("reason_code"));
            None
        }
        _ => None,
    };
    let text = body.reason_text.and_then(|raw| match clean_block(&raw) {
        Some(text) if text.chars().count() <= 1000 => Some(text).filter(|t| !t.is_empty()),
        _ => {
            v.push(FieldError::too_long("reason_text", 1000));
            None
        }
    });
    if reason == Some(StopReason::Other) && text.is_none() {
        v.push(FieldError::required("reason_text"));
    }
    v.into_result()?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            let (row, access) = load(conn, &principal, &id)?;
            if !access.participant() {
                return Err(AppError::Forbidden(Text::new(
                    "Chỉ hai bên của kết nối mới làm được việc này.",
                    "Only the two sides of the match do this.",
                )));
            }
            if body.version.is_some_and(|v| v != row.version) {
                return Err(stale(&row));
            }
            let next = apply(row.status(), action).ok_or_else(|| not_allowed(&row))?;
            let stopping = reason.map(|r| (r, text.as_deref()));
            if !store::move_on(conn, &row.id, row.version, next.state, stopping, now)? {
                return Err(stale(&row));
            }
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(tenant_of(&row, access.sides.first().copied())),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &row.id,
                    action: if next.state == MatchState::Stopped { "stop" } else { "pilot" },
                    from_state: Some(&row.state),
                    to_state: Some(next.state.as_str()),
                    reason: reason.map(StopReason::as_str),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            let updated = crate::matching::store::find(conn, &row.id)?.ok_or(AppError::NotFound)?;
            views::view(conn, &updated, &access)
        })
        .await
}

/// The two sides try the technology out before they decide.
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = Option<MoveRequest>,
    responses((status = 200, body = MatchView), (status = 403, body = crate::error::ProblemBody), (status = 404, body = crate::error::ProblemBody), (status = 409, body = crate::error::ProblemBody), (status = 422, body = crate::error::ProblemBody))
)]
#[post("/matches/{id}/piloting")]
pub async fn piloting(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: OptionalJson<MoveRequest>,
) -> Result<HttpResponse, AppError> {
    let view = move_match(&state, principal, ip, id.into_inner(), Action::Pilot, body.0.unwrap_or_default()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The two sides stopped talking, with the reason.
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = MoveRequest,
    responses((status = 200, body = MatchView), (status = 403, body = crate::error::ProblemBody), (status = 404, body = crate::error::ProblemBody), (status = 409, body = crate::error::ProblemBody), (status = 422, body = crate::error::ProblemBody))
)]
#[post("/matches/{id}/stop")]
pub async fn stop(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    ApiJson(body): ApiJson<MoveRequest>,
) -> Result<HttpResponse, AppError> {
    let view = move_match(&state, principal, ip, id.into_inner(), Action::Stop, body).await?;
    Ok(HttpResponse::Ok().json(view))
}
