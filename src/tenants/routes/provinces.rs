//! Provinces: read by anyone; added, renamed and deactivated by platform admins.

use actix_web::{HttpResponse, get, patch, post, web};
use serde::Deserialize;

use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::{MaybePrincipal, Principal};
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::{ApiJson, ClientIp, Page};
use crate::tenants::rules::{self};
use crate::tenants::store::{self, NewTenant, TenantChange, TenantRow};
use crate::text::slugify;

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
    Ok(HttpResponse::Created().json(add_province(&state, principal, ip, body).await?))
}

/// Adds a province, for the API and the admins' pages.
pub async fn add_province(
    state: &AppState,
    principal: Principal,
    ip: ClientIp,
    body: NewTenantRequest,
) -> Result<TenantRow, AppError> {
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
    Ok(created)
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
    Ok(HttpResponse::Ok().json(change_province(&state, principal, ip, code.into_inner(), body).await?))
}

/// Renames, deactivates or reactivates a province, for the API and the admins' pages.
pub async fn change_province(
    state: &AppState,
    principal: Principal,
    ip: ClientIp,
    code: String,
    body: TenantChangeRequest,
) -> Result<TenantRow, AppError> {
    platform_admin_only(&principal)?;
    let mut violations = Violations::new();
    let change = TenantChange {
        name_vi: body.name_vi.and_then(|raw| violations.check(rules::parse_name("name_vi", &raw))),
        full_name_vi: body.full_name_vi.and_then(|raw| violations.check(rules::parse_name("full_name_vi", &raw))),
        active: body.active,
    };
    violations.into_result()?;
    let now = state.clock.now();
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
    Ok(updated)
}
