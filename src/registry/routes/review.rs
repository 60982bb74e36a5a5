use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::app::AppState;
use crate::audit::{self, AuditRecord};
use crate::auth::{MaybePrincipal, Principal};
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::{ApiJson, ApiQuery, ClientIp, Page, PageParams};
use crate::registry::lifecycle::OrgAction;
use crate::registry::model::OrgKind;
use crate::registry::rules::REVIEWABLE_FIELDS;
use crate::registry::service::{self, ENTITY, Step};
use crate::registry::store::{self, QueueFilter};
use crate::registry::views::{OrganizationView, QueueItem};
use crate::tenants;
use crate::text::clean_block;

pub const REASON_MAX: usize = 2000;
pub const COMMENT_MAX: usize = 1000;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DecisionRequest {
    /// approve, reject, request_changes, suspend or reinstate.
    #[schema(required = true)]
    pub action: Option<String>,
    /// Required for every action but approve.
    pub reason: Option<String>,
    /// The version the moderator saw; if the organization changed since, 409.
    #[schema(required = true)]
    pub version: Option<i32>,
    /// With request_changes: a comment per field, e.g. {"tax_code": "…"}.
    pub field_comments: Option<BTreeMap<String, String>>,
}

pub struct Decision {
    pub action: OrgAction,
    pub reason: Option<String>,
    pub version: i32,
    pub field_comments: BTreeMap<String, String>,
}

/// Checks a decision request and names every field that is wrong.
pub fn parse_decision(body: DecisionRequest) -> Result<Decision, AppError> {
    let mut v = Violations::new();
    let action = v.require("action", body.action, |raw| {
        OrgAction::parse(&raw).filter(|a| a.is_decision()).ok_or_else(|| {
            FieldError::one_of("action", &["approve", "reject", "request_changes", "suspend", "reinstate"])
        })
    });
    let version = v.require("version", body.version, Ok);
    let reason = match body.reason.map(|raw| clean_block(&raw)) {
        Some(None) => Err(crate::auth::rules::control_characters("reason")),
        Some(Some(text)) if text.chars().count() > REASON_MAX => Err(FieldError::too_long("reason", REASON_MAX)),
        Some(Some(text)) if !text.is_empty() => Ok(Some(text)),
        _ if action.is_some_and(OrgAction::needs_reason) => Err(FieldError::required("reason")),
        _ => Ok(None),
    };
    let reason = v.check(reason).flatten();
    let mut field_comments = BTreeMap::new();
    for (field, comment) in body.field_comments.unwrap_or_default() {
        if action != Some(OrgAction::RequestChanges) {
            v.push(FieldError::new(
                "field_comments",
                "not_applicable",
                Text::new(
                    "Chỉ góp ý theo mục khi yêu cầu chỉnh sửa.",
                    "Per-field comments go with request_changes only.",
                ),
            ));
            break;
        }
        if !REVIEWABLE_FIELDS.contains(&field.as_str()) && field != "province" {
            v.push(FieldError::new(
                format!("field_comments.{}", field.chars().take(40).collect::<String>()),
                "unknown_field",
                Text::new("Không có mục này trong hồ sơ tổ chức.", "Organizations have no such field."),
            ));
            continue;
        }
        match clean_block(&comment) {
            Some(text) if !text.is_empty() && text.chars().count() <= COMMENT_MAX => {
                field_comments.insert(field, text);
            }
            _ => v.push(FieldError::length(format!("field_comments.{field}"), 1, COMMENT_MAX)),
        }
    }
    let decision = action.zip(version).map(|(action, version)| Decision { action, reason, version, field_comments });
    v.finish(decision)
}

/// A moderator of the organization's province decides: approve, reject, request changes,
/// suspend or reinstate. The owners are emailed; the decision is in the history.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = DecisionRequest,
    responses(
        (status = 200, body = OrganizationView),
        (status = 403, description = "Sees the organization but does not decide for its province", body = crate::error::ProblemBody),
        (status = 404, description = "No such organization in a province the caller reviews", body = crate::error::ProblemBody),
        (status = 409, description = "Not allowed from the current state, or a stale version", body = crate::error::ProblemBody),
        (status = 422, description = "Invalid decision", body = crate::error::ProblemBody),
    )
)]
#[post("/orgs/{id}/decisions")]
pub async fn decide(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let app = state.clone();
    let id = id.into_inner();
    let view = state
        .db
        .write(move |conn| {
            let (record, access) = service::load(conn, Some(&principal), &id)?;
            if !access.may_decide() {
                return Err(service::refuse(
                    &access,
                    "Chỉ cán bộ của tỉnh quản lý hồ sơ mới được ra quyết định.",
                    "Only officers of the organization's own province decide on it.",
                ));
            }
            let decision = parse_decision(body)?;
            service::apply_step(
                &app,
                conn,
                &record,
                &Step {
                    action: decision.action,
                    expected_version: Some(decision.version),
                    actor: &principal.user_id,
                    reason: decision.reason.as_deref(),
                    field_comments: &decision.field_comments,
                    client_ip: ip.0.as_deref(),
                },
                now,
            )?;
            let record = store::find(conn, &id)?.ok_or(AppError::NotFound)?;
            Ok(OrganizationView::private(&record, None))
        })
        .await?;
    state.jobs.wake();
    Ok(HttpResponse::Ok().json(view))
}

/// Every change of the organization's state and content: who, from which state to which,
/// why, when and from which address. For owners and the province's officers.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = Vec<AuditRecord>),
        (status = 403, description = "A member who is not an owner", body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
    )
)]
#[get("/orgs/{id}/history")]
pub async fn history(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let records = state
        .db
        .run(move |conn| {
            let (_, access) = service::load(conn, caller.0.as_ref(), &id)?;
            if !access.may_read_history() {
                return Err(service::refuse(
                    &access,
                    "Chỉ chủ sở hữu và cán bộ của tỉnh mới xem được lịch sử.",
                    "Only owners and the province's officers read the history.",
                ));
            }
            audit::history(conn, ENTITY, &id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(records))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// `org` (default) or `listing`.
    #[serde(rename = "type")]
    pub item_type: Option<String>,
    pub kind: Option<String>,
    /// Words of the name, with or without diacritics.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// A province's review queue: what waits for a decision, oldest first.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Province code"), QueueParams),
    responses(
        (status = 200, body = Page<QueueItem>),
        (status = 404, description = "Not a province the caller reviews", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[get("/tenants/{code}/review-queue")]
pub async fn queue(
    state: web::Data<AppState>,
    principal: Principal,
    code: web::Path<String>,
    params: ApiQuery<QueueParams>,
) -> Result<HttpResponse, AppError> {
    let scope = principal.review_scope(&code).ok_or(AppError::NotFound)?;
    let params = params.0;
    let (page, per_page) = PageParams { page: params.page, per_page: params.per_page }.resolve()?;
    match params.item_type.as_deref().unwrap_or("org") {
        "org" => {}
        "listing" => {
            return crate::listings::routes::review::queue(state, scope, params.kind, params.q, page, per_page).await;
        }
        _ => return Err(AppError::Validation(vec![FieldError::one_of("type", &["org", "listing"])])),
    }
    let kind = OrgKind::parse_filter("kind", params.kind.as_deref())?;
    let filter = QueueFilter { kind, words: super::organizations::query_words(params.q.as_deref()) };
    let (rows, total) = state
        .db
        .run(move |conn| {
            tenants::store::find_active(conn, scope.tenant_id())?;
            store::review_queue(conn, &scope, &filter, PageParams::offset(page, per_page), i64::from(per_page))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.into_iter().map(QueueItem::from).collect::<Vec<_>>(),
        page,
        per_page,
        total,
    }))
}
