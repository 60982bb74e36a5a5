use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::auth::{TenantRole, TenantScope};
use crate::db::schema::{tenant_roles, tenants, users};
use crate::db::{DbConnection, insert_ignoring_duplicates};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = tenants)]
pub struct TenantRow {
    /// Administrative code, e.g. "79".
    #[serde(rename = "code")]
    pub id: String,
    pub name_vi: String,
    pub full_name_vi: String,
    /// `city` or `province`.
    pub kind: String,
    pub slug: String,
    /// Former provinces merged into this one on 1 July 2025, separated by "; ".
    pub merged_from: String,
    pub active: bool,
    /// Settings (JSON list): fields whose change sends an approved organization back to review.
    #[serde(skip)]
    pub org_review_fields: String,
    /// Setting: listings of approved organizations are published without review.
    #[serde(skip)]
    pub auto_publish_listings: bool,
    /// Setting: days a listing stays published before it expires (the platform's default
    /// when unset).
    #[serde(skip)]
    pub listing_validity_days: Option<i32>,
}

pub fn list(conn: &mut DbConnection, include_inactive: bool) -> Result<Vec<TenantRow>, AppError> {
    let mut query = tenants::table.select(TenantRow::as_select()).order(tenants::id.asc()).into_boxed();
    if !include_inactive {
        query = query.filter(tenants::active.eq(true));
    }
    Ok(query.load(conn)?)
}

pub fn find(conn: &mut DbConnection, code: &str) -> Result<Option<TenantRow>, AppError> {
    Ok(tenants::table.find(code).select(TenantRow::as_select()).first(conn).optional()?)
}

/// An active tenant, or 404.
pub fn find_active(conn: &mut DbConnection, code: &str) -> Result<TenantRow, AppError> {
    find(conn, code)?.filter(|t| t.active).ok_or(AppError::NotFound)
}

pub struct NewTenant {
    pub code: String,
    pub name_vi: String,
    pub full_name_vi: String,
    pub kind: String,
    pub slug: String,
}

/// Returns false when the code or slug is taken.
pub fn insert(conn: &mut DbConnection, tenant: &NewTenant, now: NaiveDateTime) -> Result<bool, AppError> {
    Ok(insert_ignoring_duplicates(conn, |conn| {
        diesel::insert_into(tenants::table)
            .values((
                tenants::id.eq(&tenant.code),
                tenants::name_vi.eq(&tenant.name_vi),
                tenants::full_name_vi.eq(&tenant.full_name_vi),
                tenants::kind.eq(&tenant.kind),
                tenants::slug.eq(&tenant.slug),
                tenants::merged_from.eq(""),
                tenants::active.eq(true),
                tenants::created_at.eq(now),
                tenants::updated_at.eq(now),
            ))
            .execute(conn)
    })?)
}

#[derive(Debug, Default)]
pub struct TenantChange {
    pub name_vi: Option<String>,
    pub full_name_vi: Option<String>,
    pub active: Option<bool>,
}

pub fn set_org_review_fields(
    conn: &mut DbConnection,
    scope: &TenantScope,
    fields: &[String],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(tenants::table.find(scope.tenant_id()))
        .set((tenants::org_review_fields.eq(serde_json::to_string(fields)?), tenants::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

pub fn set_auto_publish_listings(
    conn: &mut DbConnection,
    scope: &TenantScope,
    on: bool,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(tenants::table.find(scope.tenant_id()))
        .set((tenants::auto_publish_listings.eq(on), tenants::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

pub fn set_listing_validity_days(
    conn: &mut DbConnection,
    scope: &TenantScope,
    days: Option<i32>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(tenants::table.find(scope.tenant_id()))
        .set((tenants::listing_validity_days.eq(days), tenants::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// How many days a listing of this province stays published: its own setting, or `default`.
pub fn listing_validity_days(conn: &mut DbConnection, code: &str, default: i64) -> Result<i64, AppError> {
    let own: Option<Option<i32>> =
        tenants::table.find(code).select(tenants::listing_validity_days).first(conn).optional()?;
    Ok(own.flatten().map_or(default, i64::from).max(1))
}

pub fn update(conn: &mut DbConnection, code: &str, change: &TenantChange, now: NaiveDateTime) -> Result<(), AppError> {
    let target = tenants::table.find(code);
    if let Some(name) = &change.name_vi {
        diesel::update(target).set(tenants::name_vi.eq(name)).execute(conn)?;
    }
    if let Some(full_name) = &change.full_name_vi {
        diesel::update(target).set(tenants::full_name_vi.eq(full_name)).execute(conn)?;
    }
    if let Some(active) = change.active {
        diesel::update(target).set(tenants::active.eq(active)).execute(conn)?;
    }
    diesel::update(target).set(tenants::updated_at.eq(now)).execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
pub struct StaffMember {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
    pub role: String,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub granted_at: NaiveDateTime,
}

pub fn staff(conn: &mut DbConnection, scope: &TenantScope) -> Result<Vec<StaffMember>, AppError> {
    Ok(tenant_roles::table
        .inner_join(users::table)
        .filter(tenant_roles::tenant_id.eq(scope.tenant_id()))
        .order((tenant_roles::role.asc(), users::email.asc()))
        .select((users::id, users::email, users::full_name, tenant_roles::role, tenant_roles::created_at))
        .load(conn)?)
}

/// Every province's admins, for the platform administrators' overview: (province, admin).
pub fn tenant_admins_everywhere(conn: &mut DbConnection) -> Result<Vec<(String, StaffMember)>, AppError> {
    let rows: Vec<(String, String, String, String, String, NaiveDateTime)> = tenant_roles::table
        .inner_join(users::table)
        .filter(tenant_roles::role.eq(TenantRole::TenantAdmin.as_str()))
        .order((tenant_roles::tenant_id.asc(), users::email.asc()))
        .select((
            tenant_roles::tenant_id,
            users::id,
            users::email,
            users::full_name,
            tenant_roles::role,
            tenant_roles::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(tenant, user_id, email, full_name, role, granted_at)| {
            (tenant, StaffMember { user_id, email, full_name, role, granted_at })
        })
        .collect())
}

/// Returns false when the user already had the role.
pub fn grant(
    conn: &mut DbConnection,
    scope: &TenantScope,
    user_id: &str,
    role: TenantRole,
    granted_by: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    Ok(insert_ignoring_duplicates(conn, |conn| {
        diesel::insert_into(tenant_roles::table)
            .values((
                tenant_roles::user_id.eq(user_id),
                tenant_roles::tenant_id.eq(scope.tenant_id()),
                tenant_roles::role.eq(role.as_str()),
                tenant_roles::granted_by.eq(granted_by),
                tenant_roles::created_at.eq(now),
            ))
            .execute(conn)
    })?)
}

/// Returns false when the user did not have the role.
pub fn revoke(conn: &mut DbConnection, scope: &TenantScope, user_id: &str, role: TenantRole) -> Result<bool, AppError> {
    let rows = diesel::delete(
        tenant_roles::table
            .filter(tenant_roles::tenant_id.eq(scope.tenant_id()))
            .filter(tenant_roles::user_id.eq(user_id))
            .filter(tenant_roles::role.eq(role.as_str())),
    )
    .execute(conn)?;
    Ok(rows > 0)
}

/// Email addresses of a tenant's staff with one role (for notifications).
pub fn staff_emails(
    conn: &mut DbConnection,
    tenant_id: &str,
    role: TenantRole,
) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(tenant_roles::table
        .inner_join(users::table)
        .filter(tenant_roles::tenant_id.eq(tenant_id))
        .filter(tenant_roles::role.eq(role.as_str()))
        .select((users::id, users::email, users::language))
        .load(conn)?)
}
