use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, patch, post, web};
use serde::Deserialize;

use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::{MaybePrincipal, Principal};
use crate::error::{AppError, Text};
use crate::http::{ApiJson, ClientIp, OptionalJson};
use crate::listings::lifecycle::{ListingAction, ListingStatus};
use crate::listings::rules::ListingInput;
use crate::listings::service::{self, ENTITY, Step};
use crate::listings::store::{self, Owner};
use crate::listings::views::ListingView;
use crate::registry;
use crate::search::indexing;

fn role_name(access: &registry::access::OrgAccess) -> Option<String> {
    access.member.map(|r| r.as_str().to_owned())
}

/// Posts a technology offer or need for an organization, as a draft. Members only.
#[utoipa::path(
    tag = "listings",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization")),
    request_body = ListingInput,
    responses(
        (status = 201, body = ListingView),
        (status = 403, description = "Not a member of the organization", body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
        (status = 422, description = "Invalid fields", body = crate::error::ProblemBody),
    )
)]
#[post("/orgs/{id}/listings")]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    org_id: web::Path<String>,
    ApiJson(input): ApiJson<ListingInput>,
) -> Result<HttpResponse, AppError> {
    let answer = create_listing(&state, principal, ip, org_id.into_inner(), input).await?;
    Ok(HttpResponse::Created().json(answer))
}

/// What `create` does, for the API and the pages alike.
pub async fn create_listing(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    org_id: String,
    input: ListingInput,
) -> Result<ListingView, AppError> {
    let now = state.clock.now();
    let app = state.clone();
    let view = state
        .db
        .write(move |conn| {
            let (org, access) = registry::service::load(conn, Some(&principal), &org_id)?;
            if !access.may_edit() {
                return Err(registry::service::refuse(
                    &access,
                    "Chỉ thành viên của tổ chức mới đăng được tin.",
                    "Only the organization's members post its listings.",
                ));
            }
            let listing = service::validate(&app, conn, input, &org.row.tenant_id, now)?;
            let id = uuid::Uuid::now_v7().to_string();
            store::insert(
                conn,
                &id,
                &Owner { org_id: &org.row.id, tenant_id: &org.row.tenant_id, created_by: &principal.user_id },
                &listing,
                now,
            )?;
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&org.row.tenant_id),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &id,
                    action: "create",
                    to_state: Some(ListingStatus::Draft.as_str()),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            let record = store::find(conn, &id)?.ok_or(AppError::NotFound)?;
            Ok(ListingView::private(&record, role_name(&access)))
        })
        .await?;
    Ok(view)
}

/// An organization's listings: the published ones for everyone, all of them for its
/// members and its province's officers.
#[utoipa::path(
    tag = "listings",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "The organization")),
    responses((status = 200, body = Vec<ListingView>), (status = 404, body = crate::error::ProblemBody))
)]
#[get("/orgs/{id}/listings")]
pub async fn of_org(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    org_id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let answer = listings_of_org(&state, caller, org_id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// What `of_org` does, for the API and the pages alike.
pub async fn listings_of_org(
    state: &web::Data<AppState>,
    caller: MaybePrincipal,
    org_id: String,
) -> Result<Vec<ListingView>, AppError> {
    let views =
        state
            .db
            .run(move |conn| {
                let (org, access) = registry::service::load(conn, caller.0.as_ref(), &org_id)?;
                let records = store::of_org(conn, &org.row.id, access.private)?;
                Ok(records
                    .iter()
                    .map(|r| {
                        if access.private {
                            ListingView::private(r, role_name(&access))
                        } else {
                            ListingView::public(r)
                        }
                    })
                    .collect::<Vec<_>>())
            })
            .await?;
    Ok(views)
}

/// One listing: public fields for everyone once published; confidential details and
/// review information for the organization's members and its province's officers.
#[utoipa::path(
    tag = "listings",
    security((), ("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = ListingView), (status = 404, body = crate::error::ProblemBody))
)]
#[get("/listings/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let view = state
        .db
        .run(move |conn| {
            let (record, access) = service::load(conn, caller.0.as_ref(), &id)?;
            Ok(if access.private {
                ListingView::private(&record, role_name(&access))
            } else {
                ListingView::public(&record)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes a listing. Members edit freely in `draft` and `changes_requested`; a published
/// listing that changes goes back to review, unless its province publishes automatically.
#[utoipa::path(
    tag = "listings",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = ListingInput,
    responses(
        (status = 200, body = ListingView),
        (status = 403, body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
        (status = 409, description = "Under review or finished, or a stale version", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[patch("/listings/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    ApiJson(patch): ApiJson<ListingInput>,
) -> Result<HttpResponse, AppError> {
    let answer = update_listing(&state, principal, ip, id.into_inner(), patch).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// What `update` does, for the API and the pages alike.
pub async fn update_listing(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    patch: ListingInput,
) -> Result<ListingView, AppError> {
    let now = state.clock.now();
    let app = state.clone();
    let view = state
        .db
        .write(move |conn| {
            let (record, access) = service::load(conn, Some(&principal), &id)?;
            if !access.may_edit() {
                return Err(registry::service::refuse(
                    &access,
                    "Chỉ thành viên của tổ chức mới sửa được tin.",
                    "Only the organization's members edit its listings.",
                ));
            }
            let status = record.status();
            if !(status.is_editable() || status == ListingStatus::Published) {
                return Err(AppError::conflict_with(
                    Text::owned(
                        format!("Không thể sửa tin khi đang ở trạng thái \"{status}\"."),
                        format!("The listing cannot be edited while it is \"{status}\"."),
                    ),
                    [("current_state", status.as_str().into()), ("current_version", record.row.version.into())],
                ));
            }
            if let Some(expected) = patch.version
                && expected != record.row.version
            {
                return Err(service::stale(status, record.row.version));
            }
            let before = record.to_listing();
            let after = service::validate(&app, conn, merge(&before, patch), &record.row.tenant_id, now)?;
            if !before.changed(&after) {
                return Ok(ListingView::private(&record, role_name(&access)));
            }
            if !store::update(conn, &id, record.row.version, &after, now)? {
                return Err(service::stale(status, record.row.version));
            }
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&record.row.tenant_id),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &id,
                    action: "update",
                    from_state: Some(status.as_str()),
                    to_state: Some(status.as_str()),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            let updated = store::find(conn, &id)?.ok_or(AppError::NotFound)?;
            if status == ListingStatus::Published && !service::auto_publishes(conn, &record.row.tenant_id)? {
                service::apply_step(
                    &app,
                    conn,
                    &updated,
                    &Step {
                        action: ListingAction::Resubmit,
                        expected_version: None,
                        actor: Some(&principal.user_id),
                        reason: None,
                        field_comments: &BTreeMap::new(),
                        client_ip: ip.0.as_deref(),
                    },
                    now,
                )?;
            } else if status == ListingStatus::Published {
                indexing::listing_changed(conn, &id)?;
                crate::matching::engine::enqueue(conn, &app, &id)?;
            }
            let record = store::find(conn, &id)?.ok_or(AppError::NotFound)?;
            Ok(ListingView::private(&record, role_name(&access)))
        })
        .await?;
    state.jobs.wake();
    Ok(view)
}

/// The stored listing with the fields the client sent laid over it.
fn merge(before: &crate::listings::rules::Listing, patch: ListingInput) -> ListingInput {
    let codes = |c: &[crate::taxonomy::CodeRef]| Some(c.iter().map(|c| c.code.clone()).collect::<Vec<_>>());
    ListingInput {
        kind: patch.kind.or_else(|| Some(before.kind.as_str().to_owned())),
        title_vi: patch.title_vi.or_else(|| Some(before.title_vi.clone())),
        title_en: patch.title_en.or_else(|| before.title_en.clone()),
        summary: patch.summary.or_else(|| before.summary.clone()),
        description: patch.description.or_else(|| before.description.clone()),
        keywords: patch.keywords.or_else(|| Some(before.keywords.clone())),
        st_fields: patch.st_fields.or_else(|| codes(&before.st_fields)),
        strategic_tags: patch.strategic_tags.or_else(|| codes(&before.strategic_tags)),
        transfer_modes: patch.transfer_modes.or_else(|| codes(&before.transfer_modes)),
        vsic_section: patch.vsic_section.or_else(|| before.vsic_section.as_ref().map(|c| c.code.clone())),
        vsic_code: patch.vsic_code.or_else(|| before.vsic_code.clone()),
        trl: patch.trl.or_else(|| before.trl.map(|t| i64::from(t.level()))),
        price_vnd: patch.price_vnd.or_else(|| before.price.map(|p| p.amount())),
        price_negotiable: patch.price_negotiable.or(Some(before.price_negotiable)),
        budget_min_vnd: patch.budget_min_vnd.or_else(|| before.budget_min.map(|p| p.amount())),
        budget_max_vnd: patch.budget_max_vnd.or_else(|| before.budget_max.map(|p| p.amount())),
        ip_status: patch.ip_status.or_else(|| before.ip_status.map(|s| s.as_str().to_owned())),
        patent_number: patch.patent_number.or_else(|| before.patent_number.clone()),
        location: patch.location.or_else(|| Some(before.location_tenant_id.clone())),
        deadline: patch.deadline.or_else(|| before.deadline.map(|d| d.to_string())),
        valid_until: patch.valid_until.or_else(|| before.valid_until.map(|d| d.to_string())),
        confidential_details: patch.confidential_details.or_else(|| before.confidential_details.clone()),
        version: patch.version,
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct VersionBody {
    /// The version the client last saw; a stale one answers 409.
    pub version: Option<i32>,
}

/// The member-driven steps: submit, close and renew.
/// A member's step on a listing (submit, close, renew), for the API and the pages.
pub async fn member_step(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    action: ListingAction,
    expected_version: Option<i32>,
) -> Result<ListingView, AppError> {
    let now = state.clock.now();
    let app = state.clone();
    let view = state
        .db
        .write(move |conn| {
            let (record, access) = service::load(conn, Some(&principal), &id)?;
            if !access.may_edit() {
                return Err(registry::service::refuse(
                    &access,
                    "Chỉ thành viên của tổ chức mới làm được việc này.",
                    "Only the organization's members can do this.",
                ));
            }
            if action == ListingAction::Submit && !store::org_may_publish(&record.org_status) {
                return Err(AppError::conflict_with(
                    Text::new(
                        "Tổ chức cần được Sở KH&CN phê duyệt trước khi gửi tin.",
                        "The organization must be approved by its Department of S&T before it submits listings.",
                    ),
                    [("organization_status", record.org_status.clone().into())],
                ));
            }
            let step = Step {
                action,
                expected_version,
                actor: Some(&principal.user_id),
                reason: None,
                field_comments: &BTreeMap::new(),
                client_ip: ip.0.as_deref(),
            };
            let mut record = service::apply_step(&app, conn, &record, &step, now)?;
            if action == ListingAction::Submit && service::auto_publishes(conn, &record.row.tenant_id)? {
                let automatic = Step {
                    action: ListingAction::Approve,
                    expected_version: None,
                    actor: None,
                    reason: Some("auto-publish"),
                    field_comments: &BTreeMap::new(),
                    client_ip: None,
                };
                record = service::apply_step(&app, conn, &record, &automatic, now)?;
            }
            Ok(ListingView::private(&record, role_name(&access)))
        })
        .await?;
    state.jobs.wake();
    Ok(view)
}

/// Sends a listing for review by the organization's province (or publishes it at once
/// where the province publishes automatically). The organization must be approved.
#[utoipa::path(
    tag = "listings",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = Option<VersionBody>,
    responses(
        (status = 200, body = ListingView),
        (status = 403, description = "Not a member of the organization", body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
        (status = 409, description = "Wrong state, stale version, or the organization is not approved", body = crate::error::ProblemBody),
    )
)]
#[post("/listings/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: OptionalJson<VersionBody>,
) -> Result<HttpResponse, AppError> {
    let view =
        member_step(&state, principal, ip, id.into_inner(), ListingAction::Submit, body.0.and_then(|b| b.version))
            .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Closes a listing (the technology is sold, the need is met).
#[utoipa::path(
    tag = "listings",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = Option<VersionBody>,
    responses(
        (status = 200, body = ListingView),
        (status = 403, description = "Not a member of the organization", body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
        (status = 409, body = crate::error::ProblemBody),
    )
)]
#[post("/listings/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: OptionalJson<VersionBody>,
) -> Result<HttpResponse, AppError> {
    let view =
        member_step(&state, principal, ip, id.into_inner(), ListingAction::Close, body.0.and_then(|b| b.version))
            .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Renews a published or expired listing for another validity period.
#[utoipa::path(
    tag = "listings",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = Option<VersionBody>,
    responses(
        (status = 200, body = ListingView),
        (status = 403, description = "Not a member of the organization", body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
        (status = 409, body = crate::error::ProblemBody),
    )
)]
#[post("/listings/{id}/renew")]
pub async fn renew(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: OptionalJson<VersionBody>,
) -> Result<HttpResponse, AppError> {
    let view =
        member_step(&state, principal, ip, id.into_inner(), ListingAction::Renew, body.0.and_then(|b| b.version))
            .await?;
    Ok(HttpResponse::Ok().json(view))
}
