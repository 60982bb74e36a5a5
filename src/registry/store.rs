//! Organizations, their codes and their members in the database.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::lifecycle::OrgStatus;
use super::model::{IntermediaryType, MemberRole, OrgKind, SizeBand};
use super::rules::{CONTACT_NOTICE_VERSION, Certificate, Contact, Organization};
use super::tax_code::TaxCode;
use crate::auth::TenantScope;
use crate::db::DbConnection;
use crate::db::schema::{
    certificate_standings, organization_fields, organization_members, organization_tags, organizations, users,
};
use crate::error::AppError;
use crate::taxonomy::CodeRef;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organizations)]
pub struct OrgRow {
    pub id: String,
    pub tenant_id: String,
    pub kind: String,
    pub intermediary_type: Option<String>,
    pub legal_name: String,
    pub name_en: Option<String>,
    pub short_name: Option<String>,
    pub tax_code: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub year_founded: Option<i32>,
    pub size_band: Option<String>,
    pub description_vi: Option<String>,
    pub description_en: Option<String>,
    pub host_institution: Option<String>,
    pub certificate_number: Option<String>,
    pub certificate_date: Option<NaiveDate>,
    pub certificate_issuer: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub status: String,
    pub version: i32,
    pub decision_reason: Option<String>,
    pub field_comments: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub approved_at: Option<NaiveDateTime>,
}

/// An organization row with its S&T fields and strategic tags.
#[derive(Debug, Clone)]
pub struct OrgRecord {
    pub row: OrgRow,
    pub st_fields: Vec<CodeRef>,
    pub strategic_tags: Vec<CodeRef>,
}

impl OrgRecord {
    pub fn status(&self) -> OrgStatus {
        OrgStatus::parse(&self.row.status).unwrap_or(OrgStatus::Draft)
    }

    /// The stored organization as the rules see it, to merge an update into.
    pub fn to_organization(&self) -> Organization {
        let row = &self.row;
        Organization {
            kind: OrgKind::parse(&row.kind).unwrap_or(OrgKind::Enterprise),
            intermediary_type: row.intermediary_type.as_deref().and_then(IntermediaryType::parse),
            legal_name: row.legal_name.clone(),
            name_en: row.name_en.clone(),
            short_name: row.short_name.clone(),
            tax_code: row.tax_code.as_deref().and_then(|t| TaxCode::parse(t).ok()),
            tenant_id: row.tenant_id.clone(),
            address: row.address.clone(),
            website: row.website.clone(),
            year_founded: row.year_founded,
            size_band: row.size_band.as_deref().and_then(SizeBand::parse),
            st_fields: self.st_fields.clone(),
            strategic_tags: self.strategic_tags.clone(),
            description_vi: row.description_vi.clone(),
            description_en: row.description_en.clone(),
            host_institution: row.host_institution.clone(),
            certificate: match (&row.certificate_number, row.certificate_date) {
                (Some(number), Some(date)) => {
                    Some(Certificate { number: number.clone(), date, issuer: row.certificate_issuer.clone() })
                }
                _ => None,
            },
            contact: Contact {
                name: row.contact_name.clone(),
                email: row.contact_email.clone(),
                phone: row.contact_phone.clone(),
            },
        }
    }
}

/// (organization id, code) pairs.
type OwnedCodes = Vec<(String, CodeRef)>;

fn codes_of(conn: &mut DbConnection, ids: &[String]) -> Result<(OwnedCodes, OwnedCodes), AppError> {
    let fields: Vec<(String, String, String)> = organization_fields::table
        .filter(organization_fields::org_id.eq_any(ids))
        .order((organization_fields::org_id, organization_fields::code))
        .select((organization_fields::org_id, organization_fields::code, organization_fields::version))
        .load(conn)?;
    let tags: Vec<(String, String, String)> = organization_tags::table
        .filter(organization_tags::org_id.eq_any(ids))
        .order((organization_tags::org_id, organization_tags::code))
        .select((organization_tags::org_id, organization_tags::code, organization_tags::version))
        .load(conn)?;
    let pair = |(id, code, version): (String, String, String)| (id, CodeRef { code, version });
    Ok((fields.into_iter().map(pair).collect(), tags.into_iter().map(pair).collect()))
}

/// Attaches codes to rows, keeping the rows' order.
pub fn with_codes(conn: &mut DbConnection, rows: Vec<OrgRow>) -> Result<Vec<OrgRecord>, AppError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let (fields, tags) = codes_of(conn, &ids)?;
    let by_org = |codes: Vec<(String, CodeRef)>| {
        let mut grouped: std::collections::HashMap<String, Vec<CodeRef>> = std::collections::HashMap::new();
        for (id, code) in codes {
            grouped.entry(id).or_default().push(code);
        }
        grouped
    };
    let (mut fields, mut tags) = (by_org(fields), by_org(tags));
    Ok(rows
        .into_iter()
        .map(|row| OrgRecord {
            st_fields: fields.remove(&row.id).unwrap_or_default(),
            strategic_tags: tags.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

/// Approved organizations after `after` (by id), of one province and kind if given: the
/// exports.
pub fn approved_page(
    conn: &mut DbConnection,
    tenant: Option<&str>,
    kind: Option<OrgKind>,
    after: &str,
    limit: i64,
) -> Result<Vec<OrgRecord>, AppError> {
    let mut query = organizations::table
        .filter(organizations::status.eq(OrgStatus::Approved.as_str()))
        .filter(organizations::id.gt(after.to_owned()))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query.filter(organizations::tenant_id.eq(tenant.to_owned()));
    }
    if let Some(kind) = kind {
        query = query.filter(organizations::kind.eq(kind.as_str()));
    }
    let rows = query.order(organizations::id.asc()).limit(limit).select(OrgRow::as_select()).load(conn)?;
    with_codes(conn, rows)
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<OrgRecord>, AppError> {
    let Some(row) = organizations::table.find(id).select(OrgRow::as_select()).first(conn).optional()? else {
        return Ok(None);
    };
    Ok(with_codes(conn, vec![row])?.pop())
}

fn replace_codes(conn: &mut DbConnection, id: &str, org: &Organization) -> Result<(), AppError> {
    diesel::delete(organization_fields::table.filter(organization_fields::org_id.eq(id))).execute(conn)?;
    diesel::delete(organization_tags::table.filter(organization_tags::org_id.eq(id))).execute(conn)?;
    for code in &org.st_fields {
        diesel::insert_into(organization_fields::table)
            .values((
                organization_fields::org_id.eq(id),
                organization_fields::version.eq(&code.version),
                organization_fields::code.eq(&code.code),
            ))
            .execute(conn)?;
    }
    for code in &org.strategic_tags {
        diesel::insert_into(organization_tags::table)
            .values((
                organization_tags::org_id.eq(id),
                organization_tags::version.eq(&code.version),
                organization_tags::code.eq(&code.code),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A new organization in `draft`, with its creator as owner.
pub fn insert(
    conn: &mut DbConnection,
    id: &str,
    org: &Organization,
    creator: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let consent_at = (!org.contact.is_empty()).then_some(now);
    diesel::insert_into(organizations::table)
        .values((
            organizations::id.eq(id),
            organizations::tenant_id.eq(&org.tenant_id),
            organizations::kind.eq(org.kind.as_str()),
            organizations::intermediary_type.eq(org.intermediary_type.map(IntermediaryType::as_str)),
            organizations::legal_name.eq(&org.legal_name),
            organizations::name_en.eq(&org.name_en),
            organizations::short_name.eq(&org.short_name),
            organizations::search_name.eq(org.search_name()),
            organizations::tax_code.eq(org.tax_code.as_ref().map(TaxCode::as_str)),
            organizations::address.eq(&org.address),
            organizations::website.eq(&org.website),
            organizations::year_founded.eq(org.year_founded),
            organizations::size_band.eq(org.size_band.map(SizeBand::as_str)),
            organizations::description_vi.eq(&org.description_vi),
            organizations::description_en.eq(&org.description_en),
            organizations::host_institution.eq(&org.host_institution),
            organizations::certificate_number.eq(org.certificate.as_ref().map(|c| c.number.as_str())),
            organizations::certificate_date.eq(org.certificate.as_ref().map(|c| c.date)),
            organizations::certificate_issuer.eq(org.certificate.as_ref().and_then(|c| c.issuer.as_deref())),
            organizations::contact_name.eq(&org.contact.name),
            organizations::contact_email.eq(&org.contact.email),
            organizations::contact_phone.eq(&org.contact.phone),
            organizations::contact_consent_version.eq(consent_at.map(|_| CONTACT_NOTICE_VERSION)),
            organizations::contact_consent_at.eq(consent_at),
            organizations::status.eq(OrgStatus::Draft.as_str()),
            organizations::version.eq(1),
            organizations::created_by.eq(creator),
            organizations::created_at.eq(now),
            organizations::updated_at.eq(now),
        ))
        .execute(conn)?;
    replace_codes(conn, id, org)?;
    add_member(conn, id, creator, MemberRole::Owner, now)?;
    Ok(())
}

/// Writes every field of `org` over the stored one, if the stored version is still
/// `expected_version`. Returns false when someone changed it first.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i32,
    org: &Organization,
    contact_changed: bool,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let rows = diesel::update(organizations::table.find(id).filter(organizations::version.eq(expected_version)))
        .set((
            organizations::tenant_id.eq(&org.tenant_id),
            organizations::kind.eq(org.kind.as_str()),
            organizations::intermediary_type.eq(org.intermediary_type.map(IntermediaryType::as_str)),
            organizations::legal_name.eq(&org.legal_name),
            organizations::name_en.eq(&org.name_en),
            organizations::short_name.eq(&org.short_name),
            organizations::search_name.eq(org.search_name()),
            organizations::tax_code.eq(org.tax_code.as_ref().map(TaxCode::as_str)),
            organizations::address.eq(&org.address),
            organizations::website.eq(&org.website),
            organizations::year_founded.eq(org.year_founded),
            organizations::size_band.eq(org.size_band.map(SizeBand::as_str)),
            organizations::description_vi.eq(&org.description_vi),
            organizations::description_en.eq(&org.description_en),
            organizations::host_institution.eq(&org.host_institution),
            organizations::certificate_number.eq(org.certificate.as_ref().map(|c| c.number.as_str())),
            organizations::certificate_date.eq(org.certificate.as_ref().map(|c| c.date)),
            organizations::certificate_issuer.eq(org.certificate.as_ref().and_then(|c| c.issuer.as_deref())),
            organizations::version.eq(expected_version + 1),
            organizations::updated_at.eq(now),
        ))
        .execute(conn)?;
    if rows == 0 {
        return Ok(false);
    }
    if contact_changed {
        let consent_at = (!org.contact.is_empty()).then_some(now);
        diesel::update(organizations::table.find(id))
            .set((
                organizations::contact_name.eq(&org.contact.name),
                organizations::contact_email.eq(&org.contact.email),
                organizations::contact_phone.eq(&org.contact.phone),
                organizations::contact_consent_version.eq(consent_at.map(|_| CONTACT_NOTICE_VERSION)),
                organizations::contact_consent_at.eq(consent_at),
            ))
            .execute(conn)?;
    }
    replace_codes(conn, id, org)?;
    Ok(true)
}

/// What a lifecycle transition writes besides the new state.
pub struct TransitionRecord<'a> {
    pub from: OrgStatus,
    pub to: OrgStatus,
    pub expected_version: i32,
    pub reason: Option<&'a str>,
    pub field_comments: Option<&'a str>,
}

/// Moves the organization from one state to another if it is still in `from` at
/// `expected_version` — of several concurrent deciders exactly one succeeds.
pub fn transition(
    conn: &mut DbConnection,
    id: &str,
    record: &TransitionRecord<'_>,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let target = organizations::table
        .find(id)
        .filter(organizations::version.eq(record.expected_version))
        .filter(organizations::status.eq(record.from.as_str()));
    let base = (
        organizations::status.eq(record.to.as_str()),
        organizations::version.eq(record.expected_version + 1),
        organizations::updated_at.eq(now),
    );
    let rows = match record.to {
        OrgStatus::Submitted => diesel::update(target)
            .set((base, organizations::submitted_at.eq(Some(now)), organizations::field_comments.eq(None::<String>)))
            .execute(conn)?,
        OrgStatus::Approved => {
            let rows = diesel::update(target)
                .set((
                    base,
                    organizations::decided_at.eq(Some(now)),
                    organizations::approved_at.eq(Some(now)),
                    organizations::decision_reason.eq(record.reason),
                ))
                .execute(conn)?;
            // How long it has been approved counts from the first approval.
            diesel::update(organizations::table.find(id).filter(organizations::first_approved_at.is_null()))
                .set(organizations::first_approved_at.eq(Some(now)))
                .execute(conn)?;
            rows
        }
        _ => diesel::update(target)
            .set((
                base,
                organizations::decided_at.eq(Some(now)),
                organizations::decision_reason.eq(record.reason),
                organizations::field_comments.eq(record.field_comments),
            ))
            .execute(conn)?,
    };
    Ok(rows == 1)
}

/// The organization holding a tax code, if any: (id, legal name, province, status).
pub fn holder_of_tax_code(
    conn: &mut DbConnection,
    tax_code: &str,
) -> Result<Option<(String, String, String, String)>, AppError> {
    Ok(organizations::table
        .filter(organizations::tax_code.eq(tax_code))
        .select((organizations::id, organizations::legal_name, organizations::tenant_id, organizations::status))
        .first(conn)
        .optional()?)
}

/// Names of the other organizations of a province, for the similar-name warning:
/// (id, legal name, status).
pub fn names_in_province(
    conn: &mut DbConnection,
    tenant_id: &str,
    except: &str,
) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(organizations::table
        .filter(organizations::tenant_id.eq(tenant_id))
        .filter(organizations::id.ne(except))
        .filter(organizations::status.ne(OrgStatus::Rejected.as_str()))
        .select((organizations::id, organizations::legal_name, organizations::status))
        .load(conn)?)
}

// ---- members -------------------------------------------------------------------------

pub fn add_member(
    conn: &mut DbConnection,
    org_id: &str,
    user_id: &str,
    role: MemberRole,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(organization_members::table)
        .values((
            organization_members::org_id.eq(org_id),
            organization_members::user_id.eq(user_id),
            organization_members::role.eq(role.as_str()),
            organization_members::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn member_role(conn: &mut DbConnection, org_id: &str, user_id: &str) -> Result<Option<MemberRole>, AppError> {
    let role: Option<String> = organization_members::table
        .find((org_id, user_id))
        .select(organization_members::role)
        .first(conn)
        .optional()?;
    Ok(role.as_deref().and_then(MemberRole::parse))
}

#[derive(Debug, Clone, Queryable, serde::Serialize, utoipa::ToSchema)]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
    pub role: String,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub joined_at: NaiveDateTime,
}

pub fn members(conn: &mut DbConnection, org_id: &str) -> Result<Vec<Member>, AppError> {
    Ok(organization_members::table
        .inner_join(users::table)
        .filter(organization_members::org_id.eq(org_id))
        .order((organization_members::created_at.asc(), users::email.asc()))
        .select((
            users::id,
            users::email,
            users::full_name,
            organization_members::role,
            organization_members::created_at,
        ))
        .load(conn)?)
}

/// Owners to tell about a decision: (user id, email, full name, language).
pub fn owners(conn: &mut DbConnection, org_id: &str) -> Result<Vec<(String, String, String, String)>, AppError> {
    Ok(organization_members::table
        .inner_join(users::table)
        .filter(organization_members::org_id.eq(org_id))
        .filter(organization_members::role.eq(MemberRole::Owner.as_str()))
        .order(users::email.asc())
        .select((users::id, users::email, users::full_name, users::language))
        .load(conn)?)
}

pub fn owner_count(conn: &mut DbConnection, org_id: &str) -> Result<i64, AppError> {
    Ok(organization_members::table
        .filter(organization_members::org_id.eq(org_id))
        .filter(organization_members::role.eq(MemberRole::Owner.as_str()))
        .count()
        .get_result(conn)?)
}

/// Takes the organization's row lock (on PostgreSQL) so that concurrent membership changes
/// run one after another and cannot together remove the last owner.
pub fn lock_for_membership_change(conn: &mut DbConnection, org_id: &str, now: NaiveDateTime) -> Result<(), AppError> {
    diesel::update(organizations::table.find(org_id)).set(organizations::updated_at.eq(now)).execute(conn)?;
    Ok(())
}

pub fn set_member_role(
    conn: &mut DbConnection,
    org_id: &str,
    user_id: &str,
    role: MemberRole,
) -> Result<bool, AppError> {
    let rows = diesel::update(organization_members::table.find((org_id, user_id)))
        .set(organization_members::role.eq(role.as_str()))
        .execute(conn)?;
    Ok(rows == 1)
}

pub fn remove_member(conn: &mut DbConnection, org_id: &str, user_id: &str) -> Result<bool, AppError> {
    let rows = diesel::delete(organization_members::table.find((org_id, user_id))).execute(conn)?;
    Ok(rows == 1)
}

/// The organizations a user belongs to, with their role, newest first.
pub fn organizations_of(conn: &mut DbConnection, user_id: &str) -> Result<Vec<(OrgRow, String)>, AppError> {
    Ok(organization_members::table
        .inner_join(organizations::table)
        .filter(organization_members::user_id.eq(user_id))
        .order(organizations::created_at.desc())
        .select((OrgRow::as_select(), organization_members::role))
        .load(conn)?)
}

// ---- lists ---------------------------------------------------------------------------

/// Filters of the public directory.
#[derive(Debug, Clone, Default)]
pub struct DirectoryFilter {
    pub kind: Option<OrgKind>,
    pub tenant_id: Option<String>,
    /// A field code; its children match too (codes extend their parent's digits).
    pub st_field: Option<String>,
    pub tag: Option<String>,
    /// Folded words that must all appear in the names.
    pub words: Vec<String>,
}

/// Approved organizations, by folded name then id so that pages never overlap.
pub fn directory(
    conn: &mut DbConnection,
    filter: &DirectoryFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<OrgRecord>, i64), AppError> {
    macro_rules! filtered {
        () => {{
            let mut query =
                organizations::table.filter(organizations::status.eq(OrgStatus::Approved.as_str())).into_boxed();
            if let Some(kind) = filter.kind {
                query = query.filter(organizations::kind.eq(kind.as_str()));
            }
            if let Some(tenant) = &filter.tenant_id {
                query = query.filter(organizations::tenant_id.eq(tenant.clone()));
            }
            if let Some(field) = &filter.st_field {
                query = query.filter(
                    organizations::id.eq_any(
                        organization_fields::table
                            .filter(organization_fields::code.like(format!("{}%", field.replace(['%', '_', '\\'], ""))))
                            .select(organization_fields::org_id),
                    ),
                );
            }
            if let Some(tag) = &filter.tag {
                query = query.filter(
                    organizations::id.eq_any(
                        organization_tags::table
                            .filter(organization_tags::code.eq(tag.clone()))
                            .select(organization_tags::org_id),
                    ),
                );
            }
            for word in &filter.words {
                query = query.filter(organizations::search_name.like(crate::db::fold_like_pattern(word)).escape('\\'));
            }
            query
        }};
    }
    let total: i64 = filtered!().select(count_star()).first(conn)?;
    let rows: Vec<OrgRow> = filtered!()
        .order((organizations::search_name.asc(), organizations::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(OrgRow::as_select())
        .load(conn)?;
    Ok((with_codes(conn, rows)?, total))
}

/// Filters of a province's review queue.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub kind: Option<OrgKind>,
    pub words: Vec<String>,
}

/// Submitted organizations of the scope's province, oldest submission first.
pub fn review_queue(
    conn: &mut DbConnection,
    scope: &TenantScope,
    filter: &QueueFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<OrgRow>, i64), AppError> {
    macro_rules! filtered {
        () => {{
            let mut query = organizations::table
                .filter(organizations::tenant_id.eq(scope.tenant_id().to_owned()))
                .filter(organizations::status.eq(OrgStatus::Submitted.as_str()))
                .into_boxed();
            if let Some(kind) = filter.kind {
                query = query.filter(organizations::kind.eq(kind.as_str()));
            }
            for word in &filter.words {
                query = query.filter(organizations::search_name.like(crate::db::fold_like_pattern(word)).escape('\\'));
            }
            query
        }};
    }
    let total: i64 = filtered!().select(count_star()).first(conn)?;
    let rows = filtered!()
        .order((organizations::submitted_at.asc(), organizations::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(OrgRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Every member to tell about the organization's matches: (user id, email, full name, language).
pub fn members_to_notify(
    conn: &mut DbConnection,
    org_id: &str,
) -> Result<Vec<(String, String, String, String)>, AppError> {
    Ok(organization_members::table
        .inner_join(users::table)
        .filter(organization_members::org_id.eq(org_id))
        .order(users::email.asc())
        .select((users::id, users::email, users::full_name, users::language))
        .load(conn)?)
}

/// (name, email, phone) of an organization's contact person.
pub type ContactDetails = (Option<String>, Option<String>, Option<String>);

/// The organization's contact details, revealed to the other side of a connected match.
pub fn contact_of(conn: &mut DbConnection, org_id: &str) -> Result<Option<ContactDetails>, AppError> {
    Ok(organizations::table
        .find(org_id)
        .select((organizations::contact_name, organizations::contact_email, organizations::contact_phone))
        .first(conn)
        .optional()?)
}

/// How the organization's S&T enterprise certificate ended, if it did.
pub fn certificate_standing(
    conn: &mut DbConnection,
    org_id: &str,
) -> Result<Option<super::views::CertificateStanding>, AppError> {
    let row: Option<(String, String, NaiveDate)> = certificate_standings::table
        .find(org_id)
        .select((certificate_standings::status, certificate_standings::reason, certificate_standings::decided_on))
        .first(conn)
        .optional()?;
    Ok(row.map(|(status, reason, decided_on)| super::views::CertificateStanding { status, reason, decided_on }))
}

/// What speaks for an organization on its profile, as of `today` (Vietnam time).
pub fn trust(conn: &mut DbConnection, org_id: &str, today: NaiveDate) -> Result<super::views::Trust, AppError> {
    let (first, latest): (Option<NaiveDateTime>, Option<NaiveDateTime>) = organizations::table
        .find(org_id)
        .select((organizations::first_approved_at, organizations::approved_at))
        .first(conn)?;
    let since = first.or(latest).map(|at| crate::notify::digest::local_time(at).date());
    Ok(super::views::Trust {
        verified_deals: crate::outcomes::store::counted_deals_of(conn, org_id)?,
        approved_since: since,
        approved_days: since.map(|day| (today - day).num_days().max(0)),
    })
}
