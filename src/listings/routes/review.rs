use actix_web::{HttpResponse, get, post, web};

use crate::app::AppState;
use crate::audit::{self, AuditRecord};
use crate::auth::{MaybePrincipal, Principal, TenantScope};
use crate::db::DbConnection;
use crate::error::{AppError, Text};
use crate::http::{ApiJson, ClientIp, PageParams};
use crate::listings::lifecycle::ListingAction;
use crate::listings::model::ListingKind;
use crate::listings::service::{self, ENTITY, Step};
use crate::listings::store::{self, QueueFilter};
use crate::listings::views::{ListingQueueItem, ListingView, OrgSummary};
use crate::registry;
use crate::registry::routes::query_words;
use crate::review::{Commentable, DecisionRequest, QueueQuery, QueueSource, parse_decision};

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

const COMMENTABLE: Commentable = Commentable {
    accepts: |field| COMMENTABLE_FIELDS.contains(&field),
    no_such_field: Text::new("Tin không có mục này.", "Listings have no such field."),
};

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
    Ok(HttpResponse::Ok().json(decide_listing(&state, principal, ip, id.into_inner(), body).await?))
}

/// The province's decision on a listing, for the API and the review pages.
pub async fn decide_listing(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    body: DecisionRequest,
) -> Result<ListingView, AppError> {
    let now = state.clock.now();
    let app = state.clone();
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
            let decision = parse_decision::<ListingAction>(body, &COMMENTABLE)?;
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
    Ok(view)
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

/// What changed since the listing was last published, field by field (public fields).
/// For owners and the province's officers.
#[utoipa::path(
    tag = "listings",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = crate::review::snapshot::ChangesView),
        (status = 403, body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
    )
)]
#[get("/listings/{id}/changes")]
pub async fn changes(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let view = state
        .db
        .run(move |conn| {
            let (record, access) = service::load(conn, caller.0.as_ref(), &id)?;
            if !access.may_read_history() {
                return Err(registry::service::refuse(
                    &access,
                    "Chỉ chủ sở hữu và cán bộ của tỉnh mới xem được các thay đổi.",
                    "Only owners and the province's officers read the changes.",
                ));
            }
            service::changes_since_review(conn, &record)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Listings waiting for their province's decision (`type=listing`).
pub struct ListingQueue;

impl QueueSource for ListingQueue {
    fn item_type(&self) -> &'static str {
        "listing"
    }

    fn page(
        &self,
        conn: &mut DbConnection,
        scope: &TenantScope,
        query: &QueueQuery,
    ) -> Result<(Vec<serde_json::Value>, i64), AppError> {
        let kind = ListingKind::parse_filter("kind", query.kind.as_deref())?;
        let filter = QueueFilter { kind, words: query_words(query.q.as_deref()) };
        let offset = PageParams::offset(query.page, query.per_page);
        let (rows, total) = store::review_queue(conn, scope, &filter, offset, i64::from(query.per_page))?;
        let items = rows
            .into_iter()
            .map(|(row, org_name, _)| {
                serde_json::to_value(ListingQueueItem {
                    organization: OrgSummary {
                        id: row.org_id.clone(),
                        legal_name: org_name,
                        province: row.tenant_id.clone(),
                    },
                    id: row.id,
                    kind: row.kind,
                    title_vi: row.title_vi,
                    status: row.status,
                    version: row.version,
                    submitted_at: row.submitted_at,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok((items, total))
    }
}
