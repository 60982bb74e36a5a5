//! The provinces' API: the list and each province, its staff, its settings.

pub mod provinces;
pub mod settings;
pub mod staff;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{Principal, TenantScope};
use crate::error::{AppError, Text};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(provinces::list_tenants)
        .service(provinces::get_tenant)
        .service(provinces::create_tenant)
        .service(provinces::update_tenant)
        .service(staff::list_staff)
        .service(staff::grant_role)
        .service(staff::revoke_role)
        .service(settings::get_settings)
        .service(settings::update_settings);
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
