//! A province's settings: automatic publication, which edits go back to review.

use actix_web::{HttpResponse, get, patch, web};
use serde::{Deserialize, Serialize};

use super::staff_scope;
use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::Principal;
use crate::error::{AppError, FieldError, Violations};
use crate::http::{ApiJson, ClientIp};
use crate::tenants::store::{self, TenantRow};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TenantSettings {
    /// Fields whose change sends an approved organization back to review.
    pub org_review_fields: Vec<String>,
    /// Listings of approved organizations are published without review.
    pub auto_publish_listings: bool,
    /// Days a listing stays published before it expires; absent when the province uses
    /// the platform's default.
    pub listing_validity_days: Option<i32>,
    /// The platform's default period.
    pub default_listing_validity_days: i64,
}

fn settings_of(tenant: &TenantRow, default_days: i64) -> TenantSettings {
    TenantSettings {
        org_review_fields: serde_json::from_str(&tenant.org_review_fields).unwrap_or_default(),
        auto_publish_listings: tenant.auto_publish_listings,
        listing_validity_days: tenant.listing_validity_days,
        default_listing_validity_days: default_days,
    }
}

/// The shortest and longest period a province may set for its listings, in days.
pub const VALIDITY_DAYS: (i32, i32) = (7, 1095);

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
    Ok(HttpResponse::Ok().json(settings(&state, &principal, &code).await?))
}

/// The province's settings, for the API and the province's pages.
pub async fn settings(state: &AppState, principal: &Principal, code: &str) -> Result<TenantSettings, AppError> {
    let scope = principal.review_scope(code).ok_or(AppError::NotFound)?;
    let tenant = state.db.run(move |conn| store::find_active(conn, scope.tenant_id())).await?;
    Ok(settings_of(&tenant, state.settings.listings.validity_days))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TenantSettingsChange {
    /// Any of: kind, intermediary_type, legal_name, name_en, short_name, tax_code, address,
    /// website, year_founded, size_band, st_fields, strategic_tags, description_vi,
    /// description_en, host_institution, certificate, contact.
    pub org_review_fields: Option<Vec<String>>,
    pub auto_publish_listings: Option<bool>,
    /// Days a listing stays published (7 to 1095); 0 goes back to the platform's default.
    pub listing_validity_days: Option<i32>,
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
    Ok(HttpResponse::Ok().json(change_settings(&state, principal, ip, &code, body).await?))
}

/// Changes the settings, for the API and the province's pages.
pub async fn change_settings(
    state: &AppState,
    principal: Principal,
    ip: ClientIp,
    code: &str,
    body: TenantSettingsChange,
) -> Result<TenantSettings, AppError> {
    let scope = staff_scope(&principal, code)?;
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
    let validity = match body.listing_validity_days {
        Some(0) => Some(None),
        Some(days) if (VALIDITY_DAYS.0..=VALIDITY_DAYS.1).contains(&days) => Some(Some(days)),
        Some(_) => {
            violations.push(FieldError::out_of_range(
                "listing_validity_days",
                i64::from(VALIDITY_DAYS.0),
                i64::from(VALIDITY_DAYS.1),
            ));
            None
        }
        None => None,
    };
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
            if let Some(days) = validity {
                store::set_listing_validity_days(conn, &scope, days, now)?;
            }
            if fields.is_some() || body.auto_publish_listings.is_some() || validity.is_some() {
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
                            "listing_validity_days": body.listing_validity_days,
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
    Ok(settings_of(&tenant, state.settings.listings.validity_days))
}
