//! A province's targets per indicator and year, beside its figures.

use actix_web::{HttpResponse, delete, get, put, web};
use serde::Deserialize;

use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::error::{AppError, FieldError, Violations};
use crate::http::{ApiJson, ClientIp};
use crate::reports::model::{Indicator, TargetProgress};
use crate::reports::service::{self};
use crate::reports::store;
use crate::tenants;

/// Every indicator of a province beside its target, if it set one. Public: the plans of
/// a province are.
#[utoipa::path(
    tag = "reports",
    params(("code" = String, Path, description = "Province code")),
    responses((status = 200, body = Vec<TargetProgress>), (status = 404, body = crate::error::ProblemBody))
)]
#[get("/tenants/{code}/targets")]
pub async fn list_targets(state: web::Data<AppState>, code: web::Path<String>) -> Result<HttpResponse, AppError> {
    let targets = state
        .db
        .run(move |conn| {
            let province = tenants::store::find_active(conn, &code)?;
            service::targets_of(conn, &province.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(targets))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TargetRequest {
    /// What to reach, in the indicator's unit (a count, or VND for `deal_value_vnd`).
    #[schema(required = true)]
    pub value: Option<i64>,
    /// By which year.
    #[schema(required = true)]
    pub year: Option<i32>,
}

const MAX_TARGET: i64 = 1_000_000_000_000_000;
const TARGET_YEARS: (i32, i32) = (2020, 2100);

fn indicator_of(raw: &str) -> Result<Indicator, AppError> {
    Indicator::parse_field("indicator", raw).map_err(|e| AppError::Validation(vec![e]))
}

/// Sets (or changes) a target: the province's admins and platform admins.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Province code"), ("indicator" = String, Path)),
    request_body = TargetRequest,
    responses(
        (status = 200, body = TargetProgress),
        (status = 404, description = "No such province, or not its admin", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[put("/tenants/{code}/targets/{indicator}")]
pub async fn set_target(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    path: web::Path<(String, String)>,
    body: ApiJson<TargetRequest>,
) -> Result<HttpResponse, AppError> {
    let (code, raw_indicator) = path.into_inner();
    Ok(HttpResponse::Ok().json(set_target_value(&state, principal, ip, &code, &raw_indicator, body.0).await?))
}

/// Sets a target, for the API and the province's pages.
pub async fn set_target_value(
    state: &AppState,
    principal: Principal,
    ip: ClientIp,
    code: &str,
    raw_indicator: &str,
    body: TargetRequest,
) -> Result<TargetProgress, AppError> {
    let scope = principal.admin_scope(code).ok_or(AppError::NotFound)?;
    let indicator = indicator_of(raw_indicator)?;
    let mut v = Violations::new();
    let value = v.require("value", body.value, |value| {
        if (0..=MAX_TARGET).contains(&value) {
            Ok(value)
        } else {
            Err(FieldError::out_of_range("value", 0, MAX_TARGET))
        }
    });
    let year = v.require("year", body.year, |year| {
        if (TARGET_YEARS.0..=TARGET_YEARS.1).contains(&year) {
            Ok(year)
        } else {
            Err(FieldError::out_of_range("year", i64::from(TARGET_YEARS.0), i64::from(TARGET_YEARS.1)))
        }
    });
    let (value, year) = v.finish(value.zip(year))?;
    let now = state.clock.now();
    let progress = state
        .db
        .write(move |conn| {
            let province = tenants::store::find_active(conn, scope.tenant_id())?;
            store::set_target(conn, &province.id, indicator.as_str(), value, year, &principal.user_id, now)?;
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&province.id),
                    actor_id: Some(&principal.user_id),
                    entity_type: "target",
                    entity_id: indicator.as_str(),
                    action: "set",
                    details: Some(serde_json::json!({ "value": value, "year": year })),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            find_progress(conn, &province.id, indicator)
        })
        .await?;
    Ok(progress)
}

fn find_progress(conn: &mut DbConnection, tenant: &str, indicator: Indicator) -> Result<TargetProgress, AppError> {
    service::targets_of(conn, tenant)?
        .into_iter()
        .find(|t| t.indicator == indicator.as_str())
        .ok_or_else(|| AppError::internal("every indicator has a line"))
}

/// Removes a target.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Province code"), ("indicator" = String, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such target, province, or not its admin", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[delete("/tenants/{code}/targets/{indicator}")]
pub async fn delete_target(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (code, raw_indicator) = path.into_inner();
    remove_target(&state, principal, ip, &code, &raw_indicator).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Removes a target, for the API and the province's pages.
pub async fn remove_target(
    state: &AppState,
    principal: Principal,
    ip: ClientIp,
    code: &str,
    raw_indicator: &str,
) -> Result<(), AppError> {
    let scope = principal.admin_scope(code).ok_or(AppError::NotFound)?;
    let indicator = indicator_of(raw_indicator)?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            if !store::delete_target(conn, scope.tenant_id(), indicator.as_str())? {
                return Err(AppError::NotFound);
            }
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(scope.tenant_id()),
                    actor_id: Some(&principal.user_id),
                    entity_type: "target",
                    entity_id: indicator.as_str(),
                    action: "delete",
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )
        })
        .await
}
