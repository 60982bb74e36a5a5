use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

use super::engine::{self, ENTITY, MatchRun};
use super::lifecycle::{Action, DeclineReason, MatchState, Response, Side, apply};
use super::notices;
use super::store::{self, Answer, MatchFilter, MatchRow, NewMatch, Visibility};
use super::views::{self, MatchAccess, MatchView};
use crate::app::AppState;
use crate::audit::{self, AuditEntry, AuditRecord};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::{ApiJson, ApiQuery, ClientIp, OptionalJson, PageParams};
use crate::listings::model::{ListingKind, Vnd};
use crate::text::clean_block;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(propose)
        .service(get_one)
        .service(respond)
        .service(deal)
        .service(close)
        .service(history)
        .service(run_now);
}

fn load(conn: &mut DbConnection, principal: &Principal, id: &str) -> Result<(MatchRow, MatchAccess), AppError> {
    let row = store::find(conn, id)?.ok_or(AppError::NotFound)?;
    let access = views::access(conn, principal, &row)?.ok_or(AppError::NotFound)?;
    Ok((row, access))
}

fn stale(row: &MatchRow) -> AppError {
    AppError::conflict_with(
        Text::owned(
            format!("Kết nối đã thay đổi (phiên bản {}, trạng thái {}). Hãy tải lại.", row.version, row.state),
            format!("The match has changed (version {}, state {}). Reload it.", row.version, row.state),
        ),
        [("current_state", row.state.clone().into()), ("current_version", row.version.into())],
    )
}

fn not_allowed(row: &MatchRow) -> AppError {
    AppError::conflict_with(
        Text::owned(
            format!("Không thể làm việc này khi kết nối đang ở trạng thái \"{}\".", row.state),
            format!("This is not possible while the match is \"{}\".", row.state),
        ),
        [("current_state", row.state.clone().into()), ("current_version", row.version.into())],
    )
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchListParams {
    /// Matches of this listing (its organization's members, or its province's officers).
    pub listing_id: Option<String>,
    /// An officer's view of a province's matches (its code).
    pub province: Option<String>,
    /// suggested, connected, deal, declined or closed.
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
    /// With `listing_id`: why the other sides declined, counted by reason.
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
    let params = params.0;
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
    Ok(HttpResponse::Ok().json(result))
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
    let view = state
        .db
        .run(move |conn| {
            let (row, access) = load(conn, &principal, &id)?;
            views::view(conn, &row, &access)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

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
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct DealRequest {
    /// The agreed value in VND, if they wish to say.
    pub value_vnd: Option<i64>,
    /// YYYY-MM-DD.
    pub date: Option<String>,
    pub version: Option<i32>,
}

/// The two sides record that they agreed a deal.
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
    let body = body.0.unwrap_or_default();
    let mut v = Violations::new();
    let value = body.value_vnd.and_then(|amount| v.check(Vnd::parse("value_vnd", amount)));
    let date = body.date.filter(|d| !d.is_empty()).and_then(|raw| {
        v.check(NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
            FieldError::new(
                "date",
                "invalid_date",
                Text::new("Ngày có dạng YYYY-MM-DD.", "Dates are written YYYY-MM-DD."),
            )
        }))
    });
    v.into_result()?;
    let now = state.clock.now();
    let view = state
        .db
        .write(move |conn| {
            let (row, access) = load(conn, &principal, &id)?;
            if !access.participant() {
                return Err(AppError::Forbidden(Text::new(
                    "Chỉ hai bên của kết nối mới ghi nhận thỏa thuận.",
                    "Only the two sides record a deal.",
                )));
            }
            if body.version.is_some_and(|v| v != row.version) {
                return Err(stale(&row));
            }
            let next = apply(row.status(), Action::Deal).ok_or_else(|| not_allowed(&row))?;
            if !store::finish(
                conn,
                &row.id,
                row.version,
                next.state,
                Some((value.map(Vnd::amount), date.or(Some(crate::notify::digest::local_time(now).date())))),
                now,
            )? {
                return Err(stale(&row));
            }
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&row.offer_tenant_id),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &row.id,
                    action: "deal",
                    from_state: Some(&row.state),
                    to_state: Some("deal"),
                    details: Some(serde_json::json!({ "value_vnd": value.map(Vnd::amount), "date": date })),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            let updated = store::find(conn, &row.id)?.ok_or(AppError::NotFound)?;
            views::view(conn, &updated, &access)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
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
    let body = body.0.unwrap_or_default();
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
    Ok(HttpResponse::Ok().json(view))
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
