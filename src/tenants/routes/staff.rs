//! A province's staff: tenant admins and moderators, granted and revoked.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;

use super::staff_scope;
use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::rules::Email;
use crate::auth::{Principal, TenantRole};
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::{ApiJson, ClientIp};
use crate::tenants::rules::may_manage_role;
use crate::tenants::store::{self, StaffMember};

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
    Ok(HttpResponse::Ok().json(staff_of(&state, &principal, &code).await?))
}

/// The province's staff, for the API and the province's pages.
pub async fn staff_of(state: &AppState, principal: &Principal, code: &str) -> Result<Vec<StaffMember>, AppError> {
    let scope = staff_scope(principal, code)?;
    state
        .db
        .run(move |conn| {
            store::find_active(conn, scope.tenant_id())?;
            store::staff(conn, &scope)
        })
        .await
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
    let (created, member) = grant(&state, principal, ip, &code, body).await?;
    Ok(if created { HttpResponse::Created() } else { HttpResponse::Ok() }.json(member))
}

/// Grants a role; true when it is new. For the API and the province's pages.
pub async fn grant(
    state: &AppState,
    principal: Principal,
    ip: ClientIp,
    code: &str,
    body: RoleGrantRequest,
) -> Result<(bool, StaffMember), AppError> {
    let scope = staff_scope(&principal, code)?;
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
    Ok((created, member))
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
    revoke(&state, principal, ip, &code, user_id, &role).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Takes a role away, for the API and the province's pages.
pub async fn revoke(
    state: &AppState,
    principal: Principal,
    ip: ClientIp,
    code: &str,
    user_id: String,
    role: &str,
) -> Result<(), AppError> {
    let scope = staff_scope(&principal, code)?;
    let role = TenantRole::parse(role).ok_or(AppError::NotFound)?;
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
        .await
}
