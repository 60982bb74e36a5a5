//! Writing demonstration data in large batches.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{DEMO_EMAIL, DemoListing, DemoOrg};
use crate::db::DbConnection;
use crate::db::schema::{
    audit_log, listing_fields, listing_modes, listing_tags, listings, organization_fields, organization_members,
    organizations, users,
};
use crate::error::AppError;

const BATCH: usize = 500;

/// Multi-row inserts are backend-specific in diesel; the same statement is built for each.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConnection::Postgres(pg) => diesel::insert_into($table).values($rows).execute(pg),
            DbConnection::Sqlite(sqlite) => diesel::insert_into($table).values($rows).execute(sqlite),
        }
    };
}

/// The demo account, created verified; `None` when demo data was already seeded.
pub fn create_demo_user(
    conn: &mut DbConnection,
    password_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<String>, AppError> {
    if crate::auth::store::find_user_by_email(conn, DEMO_EMAIL)?.is_some() {
        return Ok(None);
    }
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::email.eq(DEMO_EMAIL),
            users::password_hash.eq(password_hash),
            users::full_name.eq("Tài khoản trình diễn"),
            users::language.eq("vi"),
            users::email_verified_at.eq(Some(now)),
            users::is_platform_admin.eq(false),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(Some(id))
}

pub fn insert_orgs(conn: &mut DbConnection, orgs: &[DemoOrg], owner: &str, now: NaiveDateTime) -> Result<(), AppError> {
    for chunk in orgs.chunks(BATCH) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|org| {
                (
                    organizations::id.eq(&org.id),
                    organizations::tenant_id.eq(&org.tenant_id),
                    organizations::kind.eq(org.kind),
                    organizations::legal_name.eq(&org.legal_name),
                    organizations::search_name.eq(&org.search_name),
                    organizations::tax_code.eq((org.kind != "research_group").then_some(&org.tax_code)),
                    organizations::year_founded.eq(Some(org.year_founded)),
                    organizations::size_band.eq(Some(org.size_band)),
                    organizations::description_vi.eq(Some(&org.description)),
                    organizations::host_institution
                        .eq((org.kind == "research_group").then_some("Trường Đại học Bách khoa")),
                    organizations::certificate_number.eq((org.kind == "st_enterprise").then_some("01/DNKHCN")),
                    organizations::certificate_date
                        .eq((org.kind == "st_enterprise").then(|| now.date() - Duration::days(400))),
                    organizations::contact_name.eq(Some(org.contact_name)),
                    organizations::contact_email.eq(Some(&org.contact_email)),
                    organizations::status.eq("approved"),
                    organizations::version.eq(3),
                    organizations::created_by.eq(owner),
                    organizations::created_at.eq(org.registered_at),
                    organizations::updated_at.eq(now),
                    organizations::submitted_at.eq(Some(org.registered_at)),
                    organizations::decided_at.eq(Some(org.approved_at)),
                    organizations::approved_at.eq(Some(org.approved_at)),
                )
            })
            .collect();
        insert_rows!(conn, organizations::table, &rows)?;
        let members: Vec<_> = chunk
            .iter()
            .map(|org| {
                (
                    organization_members::org_id.eq(&org.id),
                    organization_members::user_id.eq(owner),
                    organization_members::role.eq("owner"),
                    organization_members::created_at.eq(now),
                )
            })
            .collect();
        insert_rows!(conn, organization_members::table, &members)?;
        let fields: Vec<_> = chunk
            .iter()
            .flat_map(|org| {
                org.fields.iter().map(move |code| {
                    (
                        organization_fields::org_id.eq(&org.id),
                        organization_fields::version.eq("2008"),
                        organization_fields::code.eq(*code),
                    )
                })
            })
            .collect();
        insert_rows!(conn, organization_fields::table, &fields)?;
        let reviews: Vec<Review<'_>> = chunk
            .iter()
            .map(|org| Review {
                tenant_id: &org.tenant_id,
                entity_type: crate::registry::service::ENTITY,
                entity_id: &org.id,
                submitted_at: org.registered_at,
                approved_at: org.approved_at,
                states: ("submitted", "approved"),
            })
            .collect();
        insert_reviews(conn, &reviews, owner)?;
    }
    Ok(())
}

/// One review that ended in approval, as the audit log records it.
struct Review<'a> {
    tenant_id: &'a str,
    entity_type: &'static str,
    entity_id: &'a str,
    submitted_at: NaiveDateTime,
    approved_at: NaiveDateTime,
    /// The states after submission and after approval.
    states: (&'static str, &'static str),
}

/// The audit lines of reviews, so that the province figures have review times to show.
fn insert_reviews(conn: &mut DbConnection, reviews: &[Review<'_>], actor: &str) -> Result<(), AppError> {
    let rows: Vec<_> = reviews
        .iter()
        .flat_map(|r| {
            [("submit", r.submitted_at, r.states.0), ("approve", r.approved_at, r.states.1)].map(
                |(action, at, to_state)| {
                    (
                        audit_log::id.eq(uuid::Uuid::now_v7().to_string()),
                        audit_log::tenant_id.eq(Some(r.tenant_id)),
                        audit_log::actor_id.eq(Some(actor)),
                        audit_log::entity_type.eq(r.entity_type),
                        audit_log::entity_id.eq(r.entity_id),
                        audit_log::action.eq(action),
                        audit_log::to_state.eq(Some(to_state)),
                        audit_log::created_at.eq(at),
                    )
                },
            )
        })
        .collect();
    insert_rows!(conn, audit_log::table, &rows)?;
    Ok(())
}

pub fn insert_listings(
    conn: &mut DbConnection,
    listings_to_add: &[DemoListing],
    orgs: &[DemoOrg],
    owner: &str,
    validity_days: i64,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    for chunk in listings_to_add.chunks(BATCH) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|l| {
                let org = &orgs[l.org];
                (
                    (
                        listings::id.eq(&l.id),
                        listings::org_id.eq(&org.id),
                        listings::tenant_id.eq(&org.tenant_id),
                        listings::kind.eq(l.kind),
                        listings::status.eq("published"),
                        listings::version.eq(3),
                        listings::title_vi.eq(&l.title),
                        listings::summary.eq(Some(&l.summary)),
                        listings::description.eq(Some(&l.description)),
                        listings::keywords.eq(serde_json::to_string(&l.keywords).unwrap_or_else(|_| "[]".into())),
                        listings::vsic_section.eq(l.vsic_section),
                        listings::vsic_version.eq(l.vsic_section.map(|_| "2025")),
                    ),
                    (
                        listings::trl.eq(Some(l.trl)),
                        listings::price_vnd.eq(l.price_vnd),
                        listings::price_negotiable.eq(l.kind == "offer" && l.price_vnd.is_none()),
                        listings::budget_min_vnd.eq(l.budget.map(|b| b.0)),
                        listings::budget_max_vnd.eq(l.budget.map(|b| b.1)),
                        listings::location_tenant_id.eq(&l.location),
                        listings::created_by.eq(owner),
                        listings::created_at.eq(l.submitted_at),
                        listings::updated_at.eq(now),
                        listings::submitted_at.eq(Some(l.submitted_at)),
                        listings::decided_at.eq(Some(l.published_at)),
                        listings::published_at.eq(Some(l.published_at)),
                        listings::expires_at.eq(Some(l.published_at + Duration::days(validity_days))),
                    ),
                )
            })
            .collect();
        insert_rows!(conn, listings::table, &rows)?;
        let fields: Vec<_> = chunk
            .iter()
            .flat_map(|l| {
                l.fields.iter().map(move |code| {
                    (
                        listing_fields::listing_id.eq(&l.id),
                        listing_fields::version.eq("2008"),
                        listing_fields::code.eq(*code),
                    )
                })
            })
            .collect();
        insert_rows!(conn, listing_fields::table, &fields)?;
        let tags: Vec<_> = chunk
            .iter()
            .flat_map(|l| {
                l.tags.iter().map(move |code| {
                    (listing_tags::listing_id.eq(&l.id), listing_tags::version.eq("2026"), listing_tags::code.eq(*code))
                })
            })
            .collect();
        if !tags.is_empty() {
            insert_rows!(conn, listing_tags::table, &tags)?;
        }
        let modes: Vec<_> = chunk
            .iter()
            .flat_map(|l| {
                l.modes.iter().map(move |code| {
                    (
                        listing_modes::listing_id.eq(&l.id),
                        listing_modes::version.eq("2017"),
                        listing_modes::code.eq(*code),
                    )
                })
            })
            .collect();
        insert_rows!(conn, listing_modes::table, &modes)?;
        let reviews: Vec<Review<'_>> = chunk
            .iter()
            .map(|l| Review {
                tenant_id: &orgs[l.org].tenant_id,
                entity_type: crate::listings::service::ENTITY,
                entity_id: &l.id,
                submitted_at: l.submitted_at,
                approved_at: l.published_at,
                states: ("pending_review", "published"),
            })
            .collect();
        insert_reviews(conn, &reviews, owner)?;
    }
    Ok(())
}
