use actix_web::{HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::{MaybePrincipal, Principal};
use crate::error::{AppError, Text};
use crate::http::{ApiJson, ApiQuery, ClientIp, OptionalJson, Page, PageParams, RequestLang};
use crate::registry::lifecycle::{OrgAction, OrgStatus};
use crate::registry::model::OrgKind;
use crate::registry::rules::{OrganizationInput, REVIEWABLE_FIELDS};
use crate::registry::service::{self, ENTITY, Step, Warning};
use crate::registry::store::{self, DirectoryFilter};
use crate::registry::views::{MyOrganization, OrganizationView};
use crate::tenants;
use crate::text::fold;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedOrganization {
    #[serde(flatten)]
    pub organization: OrganizationView,
    /// Things worth a second look that did not stop the registration.
    pub warnings: Vec<Warning>,
}

/// Registers an organization as a draft; the caller becomes its owner.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    request_body = OrganizationInput,
    responses(
        (status = 201, body = CreatedOrganization),
        (status = 409, description = "The tax code is already registered; the answer says where to ask to join", body = crate::error::ProblemBody),
        (status = 422, description = "Invalid fields", body = crate::error::ProblemBody),
    )
)]
#[post("/orgs")]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    lang: RequestLang,
    ApiJson(input): ApiJson<OrganizationInput>,
) -> Result<HttpResponse, AppError> {
    let answer = create_organization(&state, principal, ip, lang, input).await?;
    Ok(HttpResponse::Created().json(answer))
}

/// What `create` does, for the API and the pages alike.
pub async fn create_organization(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    lang: RequestLang,
    input: OrganizationInput,
) -> Result<CreatedOrganization, AppError> {
    let now = state.clock.now();
    let app = state.clone();
    let created = state
        .db
        .write(move |conn| {
            let org = service::validate(&app, conn, input, now)?;
            service::ensure_tax_code_free(conn, &org, None)?;
            let id = uuid::Uuid::now_v7().to_string();
            store::insert(conn, &id, &org, &principal.user_id, now).map_err(|e| match e {
                // Lost a race for the same tax code.
                AppError::Conflict { .. } => service::ensure_tax_code_free(conn, &org, None).err().unwrap_or(e),
                other => other,
            })?;
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&org.tenant_id),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &id,
                    action: "create",
                    to_state: Some(OrgStatus::Draft.as_str()),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            let warnings = service::similar_name_warnings(conn, &id, &org, lang.0)?;
            let record = store::find(conn, &id)?.ok_or(AppError::NotFound)?;
            Ok(CreatedOrganization { organization: OrganizationView::private(&record, Some("owner".into())), warnings })
        })
        .await?;
    Ok(created)
}

/// One organization: public fields for everyone when it is approved; contact details and
/// review information for its members and its province's officers.
#[utoipa::path(
    tag = "organizations",
    security((), ("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = OrganizationView),
        (status = 404, description = "No such organization, or not one the caller may see", body = crate::error::ProblemBody),
    )
)]
#[get("/orgs/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let answer = organization_view(&state, caller, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// What `get_one` does, for the API and the pages alike.
pub async fn organization_view(
    state: &web::Data<AppState>,
    caller: MaybePrincipal,
    id: String,
) -> Result<OrganizationView, AppError> {
    let reader = caller.0.as_ref().map(|p| p.user_id.clone());
    let today = crate::notify::digest::local_time(state.clock.now()).date();
    let view = state
        .db
        .run(move |conn| {
            let (record, access) = service::load(conn, caller.0.as_ref(), &id)?;
            let mut view = if access.private {
                OrganizationView::private(&record, access.member.map(|r| r.as_str().to_owned()))
            } else {
                OrganizationView::public(&record)
            };
            view.certificate_standing = store::certificate_standing(conn, &id)?;
            view.trust = Some(store::trust(conn, &id, today)?);
            Ok(view)
        })
        .await?;
    // An officer or admin reading the contact person's details from outside: logged.
    let outsider = view.private.as_ref().is_some_and(|p| p.my_role.is_none());
    if let Some(reader) = reader.filter(|_| outsider) {
        let (org, now) = (view.id.clone(), state.clock.now());
        state
            .db
            .write(move |conn| crate::privacy::access_log::record(conn, &reader, &org, "organization_contact", now))
            .await?;
    }
    Ok(view)
}

/// Changes an organization. Members edit freely in `draft` and `changes_requested`; an
/// approved organization goes back to review when a field its province reviews changes
/// (by default the legal name and the tax code).
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = OrganizationInput,
    responses(
        (status = 200, body = OrganizationView),
        (status = 403, description = "Not a member", body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
        (status = 409, description = "Under review, rejected or suspended; or a stale version", body = crate::error::ProblemBody),
        (status = 422, description = "Invalid fields", body = crate::error::ProblemBody),
    )
)]
#[patch("/orgs/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    ApiJson(patch): ApiJson<OrganizationInput>,
) -> Result<HttpResponse, AppError> {
    let answer = update_organization(&state, principal, ip, id.into_inner(), patch).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// What `update` does, for the API and the pages alike.
pub async fn update_organization(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    patch: OrganizationInput,
) -> Result<OrganizationView, AppError> {
    let now = state.clock.now();
    let app = state.clone();
    let view = state
        .db
        .write(move |conn| {
            let (record, access) = service::load(conn, Some(&principal), &id)?;
            if !access.may_edit() {
                return Err(service::refuse(
                    &access,
                    "Chỉ thành viên của tổ chức mới được sửa hồ sơ.",
                    "Only the organization's members may edit it.",
                ));
            }
            let status = record.status();
            if !(status.is_editable() || status == OrgStatus::Approved) {
                return Err(AppError::conflict_with(
                    Text::owned(
                        format!("Không thể sửa hồ sơ khi đang ở trạng thái \"{status}\"."),
                        format!("The organization cannot be edited while it is \"{status}\"."),
                    ),
                    [("current_state", status.as_str().into()), ("current_version", record.row.version.into())],
                ));
            }
            if let Some(expected) = patch.version
                && expected != record.row.version
            {
                return Err(service::stale(status, record.row.version));
            }
            let before = record.to_organization();
            let merged = merge(&before, patch);
            let after = service::validate(&app, conn, merged, now)?;
            if after.tenant_id != before.tenant_id && !status.is_editable() {
                return Err(AppError::invalid_field(
                    "province",
                    Text::new(
                        "Không đổi được tỉnh của một tổ chức đã được phê duyệt; hãy liên hệ Sở KH&CN.",
                        "An approved organization cannot move to another province; contact the Department of S&T.",
                    ),
                ));
            }
            service::ensure_tax_code_free(conn, &after, Some(&id))?;
            let changed = before.changed_fields(&after);
            if changed.is_empty() {
                return Ok(OrganizationView::private(&record, access.member.map(|r| r.as_str().to_owned())));
            }
            if !store::update(conn, &id, record.row.version, &after, changed.contains(&"contact"), now)? {
                return Err(service::stale(status, record.row.version));
            }
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&after.tenant_id),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &id,
                    action: "update",
                    from_state: Some(status.as_str()),
                    to_state: Some(status.as_str()),
                    details: Some(serde_json::json!({ "changed": changed })),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            if status == OrgStatus::Approved && changed.contains(&"legal_name") {
                // The marketplace shows its listings with its name: they follow it (in a
                // province that lets a new name stand without review).
                crate::registry::events::standing_changed(conn, &app.jobs, &id)?;
            }
            if status == OrgStatus::Approved {
                let reviewed = review_fields(conn, &after.tenant_id)?;
                if changed.iter().any(|field| reviewed.iter().any(|r| r == field)) {
                    let updated = store::find(conn, &id)?.ok_or(AppError::NotFound)?;
                    service::apply_step(
                        &app,
                        conn,
                        &updated,
                        &Step {
                            action: OrgAction::Resubmit,
                            expected_version: None,
                            actor: &principal.user_id,
                            reason: None,
                            field_comments: &Default::default(),
                            client_ip: ip.0.as_deref(),
                        },
                        now,
                    )?;
                }
            }
            let record = store::find(conn, &id)?.ok_or(AppError::NotFound)?;
            Ok(OrganizationView::private(&record, access.member.map(|r| r.as_str().to_owned())))
        })
        .await?;
    Ok(view)
}

/// The fields whose change sends an approved organization of this province back to review.
pub fn review_fields(conn: &mut crate::db::DbConnection, tenant_id: &str) -> Result<Vec<String>, AppError> {
    let tenant = tenants::store::find(conn, tenant_id)?.ok_or(AppError::NotFound)?;
    Ok(serde_json::from_str::<Vec<String>>(&tenant.org_review_fields)
        .unwrap_or_default()
        .into_iter()
        .filter(|f| REVIEWABLE_FIELDS.contains(&f.as_str()))
        .collect())
}

/// The stored organization with the fields the client sent laid over it. An empty string
/// clears an optional text field.
fn merge(before: &crate::registry::rules::Organization, patch: OrganizationInput) -> OrganizationInput {
    let contact_touched =
        patch.contact_name.is_some() || patch.contact_email.is_some() || patch.contact_phone.is_some();
    let certificate = before.certificate.as_ref();
    OrganizationInput {
        kind: patch.kind.or_else(|| Some(before.kind.as_str().to_owned())),
        intermediary_type: patch.intermediary_type.or_else(|| before.intermediary_type.map(|t| t.as_str().to_owned())),
        legal_name: patch.legal_name.or_else(|| Some(before.legal_name.clone())),
        name_en: patch.name_en.or_else(|| before.name_en.clone()),
        short_name: patch.short_name.or_else(|| before.short_name.clone()),
        tax_code: patch.tax_code.or_else(|| before.tax_code.as_ref().map(|t| t.as_str().to_owned())),
        province: patch.province.or_else(|| Some(before.tenant_id.clone())),
        address: patch.address.or_else(|| before.address.clone()),
        website: patch.website.or_else(|| before.website.clone()),
        year_founded: patch.year_founded.or(before.year_founded),
        size_band: patch.size_band.or_else(|| before.size_band.map(|s| s.as_str().to_owned())),
        st_fields: patch.st_fields.or_else(|| Some(before.st_fields.iter().map(|c| c.code.clone()).collect())),
        strategic_tags: patch
            .strategic_tags
            .or_else(|| Some(before.strategic_tags.iter().map(|c| c.code.clone()).collect())),
        description_vi: patch.description_vi.or_else(|| before.description_vi.clone()),
        description_en: patch.description_en.or_else(|| before.description_en.clone()),
        host_institution: patch.host_institution.or_else(|| before.host_institution.clone()),
        certificate_number: patch.certificate_number.or_else(|| certificate.map(|c| c.number.clone())),
        certificate_date: patch.certificate_date.or_else(|| certificate.map(|c| c.date.to_string())),
        certificate_issuer: patch.certificate_issuer.or_else(|| certificate.and_then(|c| c.issuer.clone())),
        contact_name: patch.contact_name.or_else(|| before.contact.name.clone()),
        contact_email: patch.contact_email.or_else(|| before.contact.email.clone()),
        contact_phone: patch.contact_phone.or_else(|| before.contact.phone.clone()),
        // Consent is on record for the stored contact; new contact details need it again.
        contact_consent: if contact_touched { patch.contact_consent } else { Some(true) },
        version: patch.version,
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct VersionBody {
    /// The version the client last saw; a stale one answers 409.
    pub version: Option<i32>,
}

/// Sends a draft (or a corrected organization) to its province for review.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = Option<VersionBody>,
    responses(
        (status = 200, body = OrganizationView),
        (status = 403, description = "Not a member of the organization", body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
        (status = 409, description = "Not in draft or changes_requested, or a stale version", body = crate::error::ProblemBody),
    )
)]
#[post("/orgs/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: OptionalJson<VersionBody>,
) -> Result<HttpResponse, AppError> {
    let answer = submit_organization(&state, principal, ip, id.into_inner(), body.0.and_then(|b| b.version)).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// What `submit` does, for the API and the pages alike.
pub async fn submit_organization(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    expected_version: Option<i32>,
) -> Result<OrganizationView, AppError> {
    let now = state.clock.now();
    let app = state.clone();
    let view = state
        .db
        .write(move |conn| {
            let (record, access) = service::load(conn, Some(&principal), &id)?;
            if !access.may_edit() {
                return Err(service::refuse(
                    &access,
                    "Chỉ thành viên của tổ chức mới được gửi hồ sơ.",
                    "Only the organization's members may submit it.",
                ));
            }
            service::apply_step(
                &app,
                conn,
                &record,
                &Step {
                    action: OrgAction::Submit,
                    expected_version,
                    actor: &principal.user_id,
                    reason: None,
                    field_comments: &Default::default(),
                    client_ip: ip.0.as_deref(),
                },
                now,
            )?;
            let record = store::find(conn, &id)?.ok_or(AppError::NotFound)?;
            Ok(OrganizationView::private(&record, access.member.map(|r| r.as_str().to_owned())))
        })
        .await?;
    Ok(view)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryParams {
    /// Organization kind, e.g. st_enterprise.
    pub kind: Option<String>,
    /// Home province code.
    pub province: Option<String>,
    /// An S&T field code; its sub-fields match too.
    pub st_field: Option<String>,
    /// A strategic technology code.
    pub tag: Option<String>,
    /// Words of the name, with or without diacritics.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Splits a name query into folded words (at most 8, each at most 50 characters).
pub fn query_words(q: Option<&str>) -> Vec<String> {
    q.map(|q| {
        fold(q)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(8)
            .map(|w| w.chars().take(50).collect())
            .collect()
    })
    .unwrap_or_default()
}

/// The public directory: approved organizations, by name.
#[utoipa::path(
    tag = "organizations",
    params(DirectoryParams),
    responses(
        (status = 200, body = Page<OrganizationView>),
        (status = 422, description = "Unknown kind or paging out of range", body = crate::error::ProblemBody),
    )
)]
#[get("/orgs")]
pub async fn directory(
    state: web::Data<AppState>,
    params: ApiQuery<DirectoryParams>,
) -> Result<HttpResponse, AppError> {
    let params = params.0;
    let (page, per_page) = PageParams { page: params.page, per_page: params.per_page }.resolve()?;
    let kind = OrgKind::parse_filter("kind", params.kind.as_deref())?;
    let filter = DirectoryFilter {
        kind,
        tenant_id: params.province.filter(|p| !p.is_empty()),
        st_field: params.st_field.filter(|f| !f.is_empty()),
        tag: params.tag.filter(|t| !t.is_empty()),
        words: query_words(params.q.as_deref()),
    };
    let (records, total) = state
        .db
        .run(move |conn| store::directory(conn, &filter, PageParams::offset(page, per_page), i64::from(per_page)))
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: records.iter().map(OrganizationView::public).collect(),
        page,
        per_page,
        total,
    }))
}

/// The organizations the caller belongs to, whatever their state.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<MyOrganization>))
)]
#[get("/me/organizations")]
pub async fn mine(state: web::Data<AppState>, principal: Principal) -> Result<HttpResponse, AppError> {
    let answer = my_organizations(&state, principal).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// What `mine` does, for the API and the pages alike.
pub async fn my_organizations(
    state: &web::Data<AppState>,
    principal: Principal,
) -> Result<Vec<MyOrganization>, AppError> {
    let organizations = state
        .db
        .run(move |conn| {
            Ok(store::organizations_of(conn, &principal.user_id)?
                .into_iter()
                .map(|(row, role)| MyOrganization {
                    id: row.id,
                    legal_name: row.legal_name,
                    kind: row.kind,
                    province: row.tenant_id,
                    status: row.status,
                    version: row.version,
                    role,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(organizations)
}
