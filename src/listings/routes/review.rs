use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, post, web};

use crate::app::AppState;
use crate::audit::{self, AuditRecord};
use crate::auth::{MaybePrincipal, Principal, TenantScope};
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::{ApiJson, ClientIp, Page, PageParams};
use crate::listings::lifecycle::ListingAction;
use crate::listings::model::ListingKind;
use crate::listings::service::{self, ENTITY, Step};
use crate::listings::store::{self, QueueFilter};
use crate::listings::views::{ListingQueueItem, ListingView, OrgSummary};
use crate::registry;
use crate::registry::routes::review::DecisionRequest;
use crate::registry::routes::{COMMENT_MAX, REASON_MAX, query_words};
use crate::text::clean_block;

/// Listing fields a moderator may comment on.
pub const COMMENTABLE_FIELDS: &[&str] = &[
    "kind",
    "title_vi",
    "title_en",
    "summary",
    "description",
    "keywords",
    "st_fields",
    "strategic_tags",
    "transfer_modes",
    "vsic_section",
    "vsic_code",
    "trl",
    "price_vnd",
    "price_negotiable",
    "budget_min_vnd",
    "budget_max_vnd",
    "ip_status",
    "patent_number",
    "location",
    "deadline",
    "valid_until",
    "confidential_details",
];

struct Decision {
    action: ListingAction,
    reason: Option<String>,
    version: i32,
    field_comments: BTreeMap<String, String>,
}

fn parse_decision(body: DecisionRequest) -> Result<Decision, AppError> {
    let mut v = Violations::new();
    let action = v.require("action", body.action, |raw| {
        ListingAction::parse(&raw)
            .filter(|a| a.is_decision())
            .ok_or_else(|| FieldError::one_of("action", &["approve", "reject", "request_changes"]))
    });
    let version = v.require("version", body.version, Ok);
    let reason = match body.reason.map(|raw| clean_block(&raw)) {
        Some(None) => Err(crate::auth::rules::control_characters("reason")),
        Some(Some(text)) if text.chars().count() > REASON_MAX => Err(FieldError::too_long("reason", REASON_MAX)),
        Some(Some(text)) if !text.is_empty() => Ok(Some(text)),
        _ if action.is_some_and(ListingAction::needs_reason) => Err(FieldError::required("reason")),
        _ => Ok(None),
    };
    let reason = v.check(reason).flatten();
    let mut field_comments = BTreeMap::new();
    for (field, comment) in body.field_comments.unwrap_or_default() {
        if action != Some(ListingAction::RequestChanges) {
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
        if !COMMENTABLE_FIELDS.contains(&field.as_str()) {
            v.push(FieldError::new(
                format!("field_comments.{}", field.chars().take(40).collect::<String>()),
                "unknown_field",
                Text::new("Tin không có mục này.", "Listings have no such field."),
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
    v.finish(action.zip(version).map(|(action, version)| Decision { action, reason, version, field_comments }))
}

/// A moderator of the organization's province decides on a listing: approve (publish),
/// reject, or request changes. The owners are emailed; the decision is in the history.
#[utoipa::path(
    tag = "listings",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = DecisionRequest,
    responses(
        (status = 200, body = ListingView),
        (status = 403, body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
        (status = 409, description = "Not pending review, or a stale version", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[post("/listings/{id}/decisions")]
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
                return Err(registry::service::refuse(
                    &access,
                    "Chỉ cán bộ của tỉnh quản lý tổ chức mới duyệt được tin.",
                    "Only officers of the organization's own province review its listings.",
                ));
            }
            let decision = parse_decision(body)?;
            let record = service::apply_step(
                &app,
                conn,
                &record,
                &Step {
                    action: decision.action,
                    expected_version: Some(decision.version),
                    actor: Some(&principal.user_id),
                    reason: decision.reason.as_deref(),
                    field_comments: &decision.field_comments,
                    client_ip: ip.0.as_deref(),
                },
                now,
            )?;
            Ok(ListingView::private(&record, None))
        })
        .await?;
    state.jobs.wake();
    Ok(HttpResponse::Ok().json(view))
}

/// Every change of the listing: who, from which state to which, why, when, from where.
#[utoipa::path(
    tag = "listings",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<AuditRecord>), (status = 403, body = crate::error::ProblemBody), (status = 404, body = crate::error::ProblemBody))
)]
#[get("/listings/{id}/history")]
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
                return Err(registry::service::refuse(
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

/// The listing part of a province's review queue (`type=listing`).
pub async fn queue(
    state: web::Data<AppState>,
    scope: TenantScope,
    kind: Option<String>,
    q: Option<String>,
    page: u32,
    per_page: u32,
) -> Result<HttpResponse, AppError> {
    let kind = ListingKind::parse_filter("kind", kind.as_deref())?;
    let filter = QueueFilter { kind, words: query_words(q.as_deref()) };
    let (rows, total) = state
        .db
        .run(move |conn| {
            crate::tenants::store::find_active(conn, scope.tenant_id())?;
            store::review_queue(conn, &scope, &filter, PageParams::offset(page, per_page), i64::from(per_page))
        })
        .await?;
    let items = rows
        .into_iter()
        .map(|(row, org_name, _)| ListingQueueItem {
            organization: OrgSummary { id: row.org_id.clone(), legal_name: org_name, province: row.tenant_id.clone() },
            id: row.id,
            kind: row.kind,
            title_vi: row.title_vi,
            status: row.status,
            version: row.version,
            submitted_at: row.submitted_at,
        })
        .collect::<Vec<_>>();
    Ok(HttpResponse::Ok().json(Page { items, page, per_page, total }))
}
