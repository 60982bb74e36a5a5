use actix_web::{HttpResponse, get, post, web};

use crate::app::AppState;
use crate::audit::{self, AuditRecord};
use crate::auth::{MaybePrincipal, Principal, TenantScope};
use crate::db::DbConnection;
use crate::error::{AppError, Text};
use crate::http::{ApiJson, ClientIp, PageParams};
use crate::registry::lifecycle::OrgAction;
use crate::registry::model::OrgKind;
use crate::registry::rules::REVIEWABLE_FIELDS;
use crate::registry::service::{self, ENTITY, Step};
use crate::registry::store::{self, QueueFilter};
use crate::registry::views::{OrganizationView, QueueItem};
use crate::review::{Commentable, DecisionRequest, QueueQuery, QueueSource, parse_decision};

/// What a moderator may comment on: the reviewed fields and the province.
pub const COMMENTABLE: Commentable = Commentable {
    accepts: |field| REVIEWABLE_FIELDS.contains(&field) || field == "province",
    no_such_field: Text::new("Không có mục này trong hồ sơ tổ chức.", "Organizations have no such field."),
};

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
    Ok(HttpResponse::Ok().json(decide_organization(&state, principal, ip, id.into_inner(), body).await?))
}

/// The province's decision on an organization, for the API and the review pages.
pub async fn decide_organization(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    body: DecisionRequest,
) -> Result<OrganizationView, AppError> {
    let now = state.clock.now();
    let app = state.clone();
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
            let decision = parse_decision::<OrgAction>(body, &COMMENTABLE)?;
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
    Ok(view)
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

/// What changed since the province last decided on the organization, field by field (the
/// contact person's details are not compared). For owners and the province's officers.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = crate::review::snapshot::ChangesView),
        (status = 403, description = "A member who is not an owner", body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
    )
)]
#[get("/orgs/{id}/changes")]
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
                return Err(service::refuse(
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

/// Organizations waiting for their province's decision (`type=org`, the default).
pub struct OrgQueue;

impl QueueSource for OrgQueue {
    fn item_type(&self) -> &'static str {
        "org"
    }

    fn page(
        &self,
        conn: &mut DbConnection,
        scope: &TenantScope,
        query: &QueueQuery,
    ) -> Result<(Vec<serde_json::Value>, i64), AppError> {
        let kind = OrgKind::parse_filter("kind", query.kind.as_deref())?;
        let filter = QueueFilter { kind, words: super::organizations::query_words(query.q.as_deref()) };
        let offset = PageParams::offset(query.page, query.per_page);
        let (rows, total) = store::review_queue(conn, scope, &filter, offset, i64::from(query.per_page))?;
        let items = rows.into_iter().map(|row| serde_json::to_value(QueueItem::from(row))).collect::<Result<_, _>>()?;
        Ok((items, total))
    }
}
