use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

use super::rules::{self, may_manage_role};
use super::store::{self, NewTenant, StaffMember, TenantChange, TenantRow};
use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::rules::Email;
use crate::auth::{MaybePrincipal, Principal, TenantRole, TenantScope};
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::{ApiJson, ClientIp, Page};
use crate::text::slugify;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_tenants)
        .service(get_tenant)
        .service(create_tenant)
        .service(update_tenant)
        .service(list_staff)
        .service(grant_role)
        .service(revoke_role)
        .service(get_settings)
        .service(update_settings);
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TenantListParams {
    /// Platform admins only: include deactivated tenants.
    pub include_inactive: Option<bool>,
}

/// The provinces (tenants), ordered by administrative code. Not paged: there are 34.
#[utoipa::path(
    tag = "tenants",
    security((), ("bearer" = [])),
    params(TenantListParams),
    responses((status = 200, description = "All active provinces", body = Page<TenantRow>))
)]
#[get("/tenants")]
pub async fn list_tenants(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    params: crate::http::ApiQuery<TenantListParams>,
) -> Result<HttpResponse, AppError> {
    let include_inactive =
        params.0.include_inactive.unwrap_or(false) && caller.0.as_ref().is_some_and(|p| p.is_platform_admin);
    let items = state.db.run(move |conn| store::list(conn, include_inactive)).await?;
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let per_page = u32::try_from(items.len()).unwrap_or(u32::MAX).max(1);
    Ok(HttpResponse::Ok().json(Page { items, page: 1, per_page, total }))
}

/// One province by its administrative code.
#[utoipa::path(
    tag = "tenants",
    security((), ("bearer" = [])),
    params(("code" = String, Path, description = "Administrative code, e.g. 79")),
    responses(
        (status = 200, body = TenantRow),
        (status = 404, description = "No such active province", body = crate::error::ProblemBody),
    )
)]
#[get("/tenants/{code}")]
pub async fn get_tenant(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let platform_admin = caller.0.as_ref().is_some_and(|p| p.is_platform_admin);
    let tenant = state
        .db
        .run(move |conn| store::find(conn, &code))
        .await?
        .filter(|t| t.active || platform_admin)
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(tenant))
}

fn platform_admin_only(principal: &Principal) -> Result<(), AppError> {
    if principal.is_platform_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden(Text::new(
            "Chỉ quản trị viên nền tảng mới được quản lý danh sách tỉnh, thành phố.",
            "Only platform administrators manage the list of provinces.",
        )))
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewTenantRequest {
    /// Administrative code, 2–3 digits.
    #[schema(required = true)]
    pub code: Option<String>,
    #[schema(required = true, example = "Đà Nẵng")]
    pub name_vi: Option<String>,
    #[schema(required = true, example = "Thành phố Đà Nẵng")]
    pub full_name_vi: Option<String>,
    /// `province` or `city`.
    #[schema(required = true)]
    pub kind: Option<String>,
    /// Defaults to the folded name, e.g. `da-nang`.
    pub slug: Option<String>,
}

/// Adds a province (platform admins).
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    request_body = NewTenantRequest,
    responses(
        (status = 201, body = TenantRow),
        (status = 403, description = "Not a platform admin", body = crate::error::ProblemBody),
        (status = 409, description = "Code or slug taken", body = crate::error::ProblemBody),
        (status = 422, description = "Invalid fields", body = crate::error::ProblemBody),
    )
)]
#[post("/tenants")]
pub async fn create_tenant(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    ApiJson(body): ApiJson<NewTenantRequest>,
) -> Result<HttpResponse, AppError> {
    platform_admin_only(&principal)?;
    let mut violations = Violations::new();
    let code = violations.require("code", body.code, |raw| rules::parse_code(&raw));
    let name_vi = violations.require("name_vi", body.name_vi, |raw| rules::parse_name("name_vi", &raw));
    let full_name_vi =
        violations.require("full_name_vi", body.full_name_vi, |raw| rules::parse_name("full_name_vi", &raw));
    let kind = violations.require("kind", body.kind, |raw| rules::parse_kind(&raw));
    let slug = match (body.slug, &name_vi) {
        (Some(raw), _) => {
            let slug = slugify(&raw);
            if slug.is_empty() || slug != raw.trim() {
                violations.push(FieldError::invalid(
                    "slug",
                    Text::new(
                        "Chỉ dùng chữ thường không dấu, số và dấu gạch ngang.",
                        "Use lower-case ASCII letters, digits and hyphens only.",
                    ),
                ));
            }
            Some(slug)
        }
        (None, Some(name)) => Some(slugify(name)),
        (None, None) => None,
    };
    let tenant = violations.finish(code.zip(name_vi).zip(full_name_vi).zip(kind).zip(slug).map(
        |((((code, name_vi), full_name_vi), kind), slug)| NewTenant { code, name_vi, full_name_vi, kind, slug },
    ))?;
    let now = state.clock.now();
    let created = state
        .db
        .write(move |conn| {
            if !store::insert(conn, &tenant, now)? {
                return Err(AppError::conflict(Text::new(
                    "Mã hoặc slug này đã được dùng cho một tỉnh, thành phố khác.",
                    "This code or slug is already used by another province.",
                )));
            }
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&tenant.code),
                    actor_id: Some(&principal.user_id),
                    entity_type: "tenant",
                    entity_id: &tenant.code,
                    action: "create",
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            store::find(conn, &tenant.code)?.ok_or(AppError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TenantChangeRequest {
    pub name_vi: Option<String>,
    pub full_name_vi: Option<String>,
    /// `false` deactivates the province: it disappears from public lists.
    pub active: Option<bool>,
}

/// Renames, deactivates or reactivates a province (platform admins).
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Administrative code")),
    request_body = TenantChangeRequest,
    responses(
        (status = 200, body = TenantRow),
        (status = 403, description = "Not a platform admin", body = crate::error::ProblemBody),
        (status = 404, description = "No such province", body = crate::error::ProblemBody),
    )
)]
#[patch("/tenants/{code}")]
pub async fn update_tenant(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    code: web::Path<String>,
    ApiJson(body): ApiJson<TenantChangeRequest>,
) -> Result<HttpResponse, AppError> {
    platform_admin_only(&principal)?;
    let mut violations = Violations::new();
    let change = TenantChange {
        name_vi: body.name_vi.and_then(|raw| violations.check(rules::parse_name("name_vi", &raw))),
        full_name_vi: body.full_name_vi.and_then(|raw| violations.check(rules::parse_name("full_name_vi", &raw))),
        active: body.active,
    };
    violations.into_result()?;
    let now = state.clock.now();
    let code = code.into_inner();
    let updated = state
        .db
        .write(move |conn| {
            let before = store::find(conn, &code)?.ok_or(AppError::NotFound)?;
            store::update(conn, &code, &change, now)?;
            let after = store::find(conn, &code)?.ok_or(AppError::NotFound)?;
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&code),
                    actor_id: Some(&principal.user_id),
                    entity_type: "tenant",
                    entity_id: &code,
                    action: "update",
                    details: Some(serde_json::json!({
                        "before": { "name_vi": before.name_vi, "full_name_vi": before.full_name_vi, "active": before.active },
                        "after": { "name_vi": after.name_vi, "full_name_vi": after.full_name_vi, "active": after.active },
                    })),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// The scope for managing a tenant's staff. Callers with no role in the tenant learn
/// nothing about it (404); its own moderators are told they may not (403).
fn staff_scope(principal: &Principal, tenant_id: &str) -> Result<TenantScope, AppError> {
    principal.admin_scope(tenant_id).ok_or_else(|| {
        if principal.has_any_role_in(tenant_id) {
            AppError::Forbidden(Text::new(
                "Chỉ quản trị viên của tỉnh mới quản lý được cán bộ.",
                "Only the province's administrators manage its staff.",
            ))
        } else {
            AppError::NotFound
        }
    })
}

/// The province's administrators and moderators (its admins and platform admins).
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Administrative code")),
    responses(
        (status = 200, body = Vec<StaffMember>),
        (status = 403, description = "A moderator, not an admin", body = crate::error::ProblemBody),
        (status = 404, description = "No such province, or not one you administer", body = crate::error::ProblemBody),
    )
)]
#[get("/tenants/{code}/roles")]
pub async fn list_staff(
    state: web::Data<AppState>,
    principal: Principal,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let scope = staff_scope(&principal, &code)?;
    let members = state
        .db
        .run(move |conn| {
            store::find_active(conn, scope.tenant_id())?;
            store::staff(conn, &scope)
        })
        .await?;
    Ok(HttpResponse::Ok().json(members))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RoleGrantRequest {
    /// The email of an existing account.
    #[schema(required = true)]
    pub email: Option<String>,
    /// `tenant_admin` (platform admins grant it) or `moderator` (the tenant's admins grant it).
    #[schema(required = true)]
    pub role: Option<String>,
}

fn parse_role(raw: &str) -> Result<TenantRole, FieldError> {
    TenantRole::parse(raw.trim()).ok_or_else(|| FieldError::one_of("role", &["tenant_admin", "moderator"]))
}

/// Grants a tenant role to an existing account.
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Administrative code")),
    request_body = RoleGrantRequest,
    responses(
        (status = 201, description = "Granted", body = StaffMember),
        (status = 200, description = "The account already had the role", body = StaffMember),
        (status = 403, description = "Not allowed to grant this role", body = crate::error::ProblemBody),
        (status = 404, description = "No such province, or not one you administer", body = crate::error::ProblemBody),
        (status = 422, description = "Unknown account or role", body = crate::error::ProblemBody),
    )
)]
#[post("/tenants/{code}/roles")]
pub async fn grant_role(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    code: web::Path<String>,
    ApiJson(body): ApiJson<RoleGrantRequest>,
) -> Result<HttpResponse, AppError> {
    let scope = staff_scope(&principal, &code)?;
    let mut violations = Violations::new();
    let email = violations.require("email", body.email, |raw| Email::parse("email", &raw));
    let role = violations.require("role", body.role, |raw| parse_role(&raw));
    let (email, role) = violations.finish(email.zip(role))?;
    if !may_manage_role(&principal, scope.tenant_id(), role) {
        return Err(AppError::Forbidden(Text::new("Bạn không được cấp vai trò này.", "You may not grant this role.")));
    }
    let now = state.clock.now();
    let (created, member) = state
        .db
        .write(move |conn| {
            store::find_active(conn, scope.tenant_id())?;
            let user = crate::auth::store::find_user_by_email(conn, email.as_str())?.ok_or_else(|| {
                AppError::Validation(vec![FieldError::new(
                    "email",
                    "unknown_account",
                    Text::new(
                        "Chưa có tài khoản nào với email này; người đó cần đăng ký trước.",
                        "No account has this email; the person must register first.",
                    ),
                )])
            })?;
            let created = store::grant(conn, &scope, &user.id, role, &principal.user_id, now)?;
            if created {
                audit::record(
                    conn,
                    AuditEntry {
                        tenant_id: Some(scope.tenant_id()),
                        actor_id: Some(&principal.user_id),
                        entity_type: "tenant_role",
                        entity_id: &user.id,
                        action: "grant",
                        to_state: Some(role.as_str()),
                        client_ip: ip.0.as_deref(),
                        ..Default::default()
                    },
                    now,
                )?;
            }
            let member = store::staff(conn, &scope)?
                .into_iter()
                .find(|m| m.user_id == user.id && m.role == role.as_str())
                .ok_or(AppError::NotFound)?;
            Ok((created, member))
        })
        .await?;
    Ok(if created { HttpResponse::Created() } else { HttpResponse::Ok() }.json(member))
}

/// Takes a tenant role away.
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    params(
        ("code" = String, Path, description = "Administrative code"),
        ("user_id" = String, Path, description = "The account"),
        ("role" = String, Path, description = "`tenant_admin` or `moderator`"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Not allowed to manage this role", body = crate::error::ProblemBody),
        (status = 404, description = "No such grant, or not a province you administer", body = crate::error::ProblemBody),
    )
)]
#[delete("/tenants/{code}/roles/{user_id}/{role}")]
pub async fn revoke_role(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (code, user_id, role) = path.into_inner();
    let scope = staff_scope(&principal, &code)?;
    let role = TenantRole::parse(&role).ok_or(AppError::NotFound)?;
    if !may_manage_role(&principal, scope.tenant_id(), role) {
        return Err(AppError::Forbidden(Text::new(
            "Bạn không được thu hồi vai trò này.",
            "You may not revoke this role.",
        )));
    }
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            if !store::revoke(conn, &scope, &user_id, role)? {
                return Err(AppError::NotFound);
            }
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(scope.tenant_id()),
                    actor_id: Some(&principal.user_id),
                    entity_type: "tenant_role",
                    entity_id: &user_id,
                    action: "revoke",
                    from_state: Some(role.as_str()),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TenantSettings {
    /// Fields whose change sends an approved organization back to review.
    pub org_review_fields: Vec<String>,
    /// Listings of approved organizations are published without review.
    pub auto_publish_listings: bool,
}

fn settings_of(tenant: &TenantRow) -> TenantSettings {
    TenantSettings {
        org_review_fields: serde_json::from_str(&tenant.org_review_fields).unwrap_or_default(),
        auto_publish_listings: tenant.auto_publish_listings,
    }
}

/// The province's review settings (its staff and platform admins).
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Administrative code")),
    responses((status = 200, body = TenantSettings), (status = 404, body = crate::error::ProblemBody))
)]
#[get("/tenants/{code}/settings")]
pub async fn get_settings(
    state: web::Data<AppState>,
    principal: Principal,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let scope = principal.review_scope(&code).ok_or(AppError::NotFound)?;
    let tenant = state.db.run(move |conn| store::find_active(conn, scope.tenant_id())).await?;
    Ok(HttpResponse::Ok().json(settings_of(&tenant)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TenantSettingsChange {
    /// Any of: kind, intermediary_type, legal_name, name_en, short_name, tax_code, address,
    /// website, year_founded, size_band, st_fields, strategic_tags, description_vi,
    /// description_en, host_institution, certificate, contact.
    pub org_review_fields: Option<Vec<String>>,
    pub auto_publish_listings: Option<bool>,
}

/// Changes the province's review settings (its admins and platform admins).
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Administrative code")),
    request_body = TenantSettingsChange,
    responses(
        (status = 200, body = TenantSettings),
        (status = 403, description = "A moderator, not an admin", body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[patch("/tenants/{code}/settings")]
pub async fn update_settings(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    code: web::Path<String>,
    ApiJson(body): ApiJson<TenantSettingsChange>,
) -> Result<HttpResponse, AppError> {
    let scope = staff_scope(&principal, &code)?;
    let mut violations = Violations::new();
    let fields = body.org_review_fields.map(|fields| {
        let mut kept: Vec<String> = Vec::new();
        for field in fields {
            if crate::registry::rules::REVIEWABLE_FIELDS.contains(&field.as_str()) {
                if !kept.contains(&field) {
                    kept.push(field);
                }
            } else {
                violations.push(FieldError::one_of("org_review_fields", crate::registry::rules::REVIEWABLE_FIELDS));
                break;
            }
        }
        kept
    });
    violations.into_result()?;
    let now = state.clock.now();
    let tenant = state
        .db
        .write(move |conn| {
            store::find_active(conn, scope.tenant_id())?;
            if let Some(fields) = &fields {
                store::set_org_review_fields(conn, &scope, fields, now)?;
            }
            if let Some(on) = body.auto_publish_listings {
                store::set_auto_publish_listings(conn, &scope, on, now)?;
            }
            if fields.is_some() || body.auto_publish_listings.is_some() {
                audit::record(
                    conn,
                    AuditEntry {
                        tenant_id: Some(scope.tenant_id()),
                        actor_id: Some(&principal.user_id),
                        entity_type: "tenant",
                        entity_id: scope.tenant_id(),
                        action: "settings",
                        details: Some(serde_json::json!({
                            "org_review_fields": fields,
                            "auto_publish_listings": body.auto_publish_listings,
                        })),
                        client_ip: ip.0.as_deref(),
                        ..Default::default()
                    },
                    now,
                )?;
            }
            store::find_active(conn, scope.tenant_id())
        })
        .await?;
    Ok(HttpResponse::Ok().json(settings_of(&tenant)))
}
