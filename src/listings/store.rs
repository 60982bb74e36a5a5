//! Listings and their codes in the database.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::lifecycle::ListingStatus;
use super::model::{IpStatus, ListingKind, Trl, Vnd};
use super::rules::Listing;
use crate::auth::TenantScope;
use crate::db::DbConnection;
use crate::db::schema::{listing_fields, listing_modes, listing_tags, listings, organizations};
use crate::error::AppError;
use crate::registry::lifecycle::OrgStatus;
use crate::taxonomy::CodeRef;

/// Organization states in which the organization's published listings are hidden.
pub const HIDING_ORG_STATES: [&str; 2] = ["suspended", "rejected"];

pub fn org_shows_listings(status: &str) -> bool {
    !HIDING_ORG_STATES.contains(&status)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = listings)]
pub struct ListingRow {
    pub id: String,
    pub org_id: String,
    pub tenant_id: String,
    pub kind: String,
    pub status: String,
    pub version: i32,
    pub title_vi: String,
    pub title_en: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub keywords: String,
    pub vsic_section: Option<String>,
    pub vsic_version: Option<String>,
    pub vsic_code: Option<String>,
    pub trl: Option<i32>,
    pub price_vnd: Option<i64>,
    pub price_negotiable: bool,
    pub budget_min_vnd: Option<i64>,
    pub budget_max_vnd: Option<i64>,
    pub ip_status: Option<String>,
    pub patent_number: Option<String>,
    pub location_tenant_id: String,
    pub deadline: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub confidential_details: Option<String>,
    pub decision_reason: Option<String>,
    pub field_comments: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
}

/// A listing row with its organization's legal name and status.
pub type RowWithOrg = (ListingRow, String, String);

/// A listing row with its codes and a little about its organization.
#[derive(Debug, Clone)]
pub struct ListingRecord {
    pub row: ListingRow,
    pub st_fields: Vec<CodeRef>,
    pub strategic_tags: Vec<CodeRef>,
    pub transfer_modes: Vec<CodeRef>,
    pub org_name: String,
    pub org_status: String,
}

impl ListingRecord {
    pub fn status(&self) -> ListingStatus {
        ListingStatus::parse(&self.row.status).unwrap_or(ListingStatus::Draft)
    }

    pub fn kind(&self) -> ListingKind {
        ListingKind::parse(&self.row.kind).unwrap_or(ListingKind::Offer)
    }

    pub fn keywords(&self) -> Vec<String> {
        serde_json::from_str(&self.row.keywords).unwrap_or_default()
    }

    /// Visible to everyone: published, and its organization is in good standing.
    pub fn is_public(&self) -> bool {
        self.status() == ListingStatus::Published && org_shows_listings(&self.org_status)
    }

    /// The stored listing as the rules see it, to merge an update into.
    pub fn to_listing(&self) -> Listing {
        let row = &self.row;
        Listing {
            kind: self.kind(),
            title_vi: row.title_vi.clone(),
            title_en: row.title_en.clone(),
            summary: row.summary.clone(),
            description: row.description.clone(),
            keywords: self.keywords(),
            st_fields: self.st_fields.clone(),
            strategic_tags: self.strategic_tags.clone(),
            transfer_modes: self.transfer_modes.clone(),
            vsic_section: row
                .vsic_section
                .clone()
                .map(|code| CodeRef { code, version: row.vsic_version.clone().unwrap_or_default() }),
            vsic_code: row.vsic_code.clone(),
            trl: row.trl.and_then(|t| Trl::parse("trl", i64::from(t)).ok()),
            price: row.price_vnd.and_then(|p| Vnd::parse("price_vnd", p).ok()),
            price_negotiable: row.price_negotiable,
            budget_min: row.budget_min_vnd.and_then(|p| Vnd::parse("budget_min_vnd", p).ok()),
            budget_max: row.budget_max_vnd.and_then(|p| Vnd::parse("budget_max_vnd", p).ok()),
            ip_status: row.ip_status.as_deref().and_then(IpStatus::parse),
            patent_number: row.patent_number.clone(),
            location_tenant_id: row.location_tenant_id.clone(),
            deadline: row.deadline,
            valid_until: row.valid_until,
            confidential_details: row.confidential_details.clone(),
        }
    }
}

type CodeRows = Vec<(String, String, String)>;

fn codes_of(conn: &mut DbConnection, ids: &[String]) -> Result<(CodeRows, CodeRows, CodeRows), AppError> {
    let fields = listing_fields::table
        .filter(listing_fields::listing_id.eq_any(ids))
        .order((listing_fields::listing_id, listing_fields::code))
        .select((listing_fields::listing_id, listing_fields::code, listing_fields::version))
        .load(conn)?;
    let tags = listing_tags::table
        .filter(listing_tags::listing_id.eq_any(ids))
        .order((listing_tags::listing_id, listing_tags::code))
        .select((listing_tags::listing_id, listing_tags::code, listing_tags::version))
        .load(conn)?;
    let modes = listing_modes::table
        .filter(listing_modes::listing_id.eq_any(ids))
        .order((listing_modes::listing_id, listing_modes::code))
        .select((listing_modes::listing_id, listing_modes::code, listing_modes::version))
        .load(conn)?;
    Ok((fields, tags, modes))
}

fn of(rows: &CodeRows, id: &str) -> Vec<CodeRef> {
    rows.iter()
        .filter(|(owner, _, _)| owner == id)
        .map(|(_, code, version)| CodeRef { code: code.clone(), version: version.clone() })
        .collect()
}

/// Attaches codes to rows (with their organization's name and status), keeping the order.
pub fn with_codes(conn: &mut DbConnection, rows: Vec<RowWithOrg>) -> Result<Vec<ListingRecord>, AppError> {
    let mut records = Vec::with_capacity(rows.len());
    // Bounded IN lists keep every backend happy.
    for chunk in rows.chunks(500) {
        let ids: Vec<String> = chunk.iter().map(|(row, _, _)| row.id.clone()).collect();
        let (fields, tags, modes) = codes_of(conn, &ids)?;
        for (row, org_name, org_status) in chunk.iter().cloned() {
            records.push(ListingRecord {
                st_fields: of(&fields, &row.id),
                strategic_tags: of(&tags, &row.id),
                transfer_modes: of(&modes, &row.id),
                row,
                org_name,
                org_status,
            });
        }
    }
    Ok(records)
}

macro_rules! with_org {
    () => {
        listings::table.inner_join(organizations::table).select((
            ListingRow::as_select(),
            organizations::legal_name,
            organizations::status,
        ))
    };
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ListingRecord>, AppError> {
    let row: Option<RowWithOrg> = with_org!().filter(listings::id.eq(id)).first(conn).optional()?;
    Ok(match row {
        Some(row) => with_codes(conn, vec![row])?.pop(),
        None => None,
    })
}

/// Listings by id, in no particular order.
pub fn find_many(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<ListingRecord>, AppError> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(500) {
        let part: Vec<RowWithOrg> = with_org!().filter(listings::id.eq_any(chunk)).load(conn)?;
        rows.extend(part);
    }
    with_codes(conn, rows)
}

fn replace_codes(conn: &mut DbConnection, id: &str, listing: &Listing) -> Result<(), AppError> {
    diesel::delete(listing_fields::table.filter(listing_fields::listing_id.eq(id))).execute(conn)?;
    diesel::delete(listing_tags::table.filter(listing_tags::listing_id.eq(id))).execute(conn)?;
    diesel::delete(listing_modes::table.filter(listing_modes::listing_id.eq(id))).execute(conn)?;
    for code in &listing.st_fields {
        diesel::insert_into(listing_fields::table)
            .values((
                listing_fields::listing_id.eq(id),
                listing_fields::version.eq(&code.version),
                listing_fields::code.eq(&code.code),
            ))
            .execute(conn)?;
    }
    for code in &listing.strategic_tags {
        diesel::insert_into(listing_tags::table)
            .values((
                listing_tags::listing_id.eq(id),
                listing_tags::version.eq(&code.version),
                listing_tags::code.eq(&code.code),
            ))
            .execute(conn)?;
    }
    for code in &listing.transfer_modes {
        diesel::insert_into(listing_modes::table)
            .values((
                listing_modes::listing_id.eq(id),
                listing_modes::version.eq(&code.version),
                listing_modes::code.eq(&code.code),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The columns of a listing's content, shared by insert and update.
macro_rules! content {
    ($listing:expr) => {{
        let listing: &Listing = $listing;
        (
            listings::kind.eq(listing.kind.as_str()),
            listings::title_vi.eq(listing.title_vi.clone()),
            listings::title_en.eq(listing.title_en.clone()),
            listings::summary.eq(listing.summary.clone()),
            listings::description.eq(listing.description.clone()),
            listings::keywords.eq(serde_json::to_string(&listing.keywords).unwrap_or_else(|_| "[]".into())),
            listings::vsic_section.eq(listing.vsic_section.as_ref().map(|c| c.code.clone())),
            listings::vsic_version.eq(listing.vsic_section.as_ref().map(|c| c.version.clone())),
            listings::vsic_code.eq(listing.vsic_code.clone()),
            listings::trl.eq(listing.trl.map(|t| i32::from(t.level()))),
            listings::price_vnd.eq(listing.price.map(Vnd::amount)),
            listings::price_negotiable.eq(listing.price_negotiable),
            listings::budget_min_vnd.eq(listing.budget_min.map(Vnd::amount)),
            listings::budget_max_vnd.eq(listing.budget_max.map(Vnd::amount)),
            listings::ip_status.eq(listing.ip_status.map(IpStatus::as_str)),
            listings::patent_number.eq(listing.patent_number.clone()),
            listings::location_tenant_id.eq(listing.location_tenant_id.clone()),
            listings::deadline.eq(listing.deadline),
            listings::valid_until.eq(listing.valid_until),
            listings::confidential_details.eq(listing.confidential_details.clone()),
        )
    }};
}

pub struct Owner<'a> {
    pub org_id: &'a str,
    pub tenant_id: &'a str,
    pub created_by: &'a str,
}

pub fn insert(
    conn: &mut DbConnection,
    id: &str,
    owner: &Owner<'_>,
    listing: &Listing,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(listings::table)
        .values((
            listings::id.eq(id),
            listings::org_id.eq(owner.org_id),
            listings::tenant_id.eq(owner.tenant_id),
            listings::status.eq(ListingStatus::Draft.as_str()),
            listings::version.eq(1),
            content!(listing),
            listings::created_by.eq(owner.created_by),
            listings::created_at.eq(now),
            listings::updated_at.eq(now),
        ))
        .execute(conn)?;
    replace_codes(conn, id, listing)
}

/// Writes the content over the stored one if it is still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i32,
    listing: &Listing,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let rows = diesel::update(listings::table.find(id).filter(listings::version.eq(expected_version)))
        .set((content!(listing), listings::version.eq(expected_version + 1), listings::updated_at.eq(now)))
        .execute(conn)?;
    if rows == 1 {
        replace_codes(conn, id, listing)?;
    }
    Ok(rows == 1)
}

pub struct TransitionRecord<'a> {
    pub from: ListingStatus,
    pub to: ListingStatus,
    pub expected_version: i32,
    pub reason: Option<&'a str>,
    pub field_comments: Option<&'a str>,
    /// Set when the listing is (re)published.
    pub expires_at: Option<NaiveDateTime>,
}

/// Moves the listing between states if it is still where the caller saw it.
pub fn transition(
    conn: &mut DbConnection,
    id: &str,
    record: &TransitionRecord<'_>,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let target = listings::table
        .find(id)
        .filter(listings::version.eq(record.expected_version))
        .filter(listings::status.eq(record.from.as_str()));
    let base = (
        listings::status.eq(record.to.as_str()),
        listings::version.eq(record.expected_version + 1),
        listings::updated_at.eq(now),
    );
    let rows = match record.to {
        ListingStatus::PendingReview => diesel::update(target)
            .set((base, listings::submitted_at.eq(Some(now)), listings::field_comments.eq(None::<String>)))
            .execute(conn)?,
        ListingStatus::Published => diesel::update(target)
            .set((
                base,
                listings::decided_at.eq(Some(now)),
                listings::published_at.eq(Some(now)),
                listings::expires_at.eq(record.expires_at),
                listings::reminder_sent_at.eq(None::<NaiveDateTime>),
                listings::decision_reason.eq(record.reason),
            ))
            .execute(conn)?,
        ListingStatus::Closed | ListingStatus::Expired => {
            diesel::update(target).set((base, listings::closed_at.eq(Some(now)))).execute(conn)?
        }
        _ => diesel::update(target)
            .set((
                base,
                listings::decided_at.eq(Some(now)),
                listings::decision_reason.eq(record.reason),
                listings::field_comments.eq(record.field_comments),
            ))
            .execute(conn)?,
    };
    Ok(rows == 1)
}

/// An organization's listings, newest first; only the public ones unless `all`.
pub fn of_org(conn: &mut DbConnection, org_id: &str, all: bool) -> Result<Vec<ListingRecord>, AppError> {
    let mut query = with_org!().filter(listings::org_id.eq(org_id)).order(listings::created_at.desc()).into_boxed();
    if !all {
        query = query
            .filter(listings::status.eq(ListingStatus::Published.as_str()))
            .filter(organizations::status.ne_all(HIDING_ORG_STATES));
    }
    let rows = query.load(conn)?;
    with_codes(conn, rows)
}

pub fn ids_of_org(conn: &mut DbConnection, org_id: &str) -> Result<Vec<String>, AppError> {
    Ok(listings::table.filter(listings::org_id.eq(org_id)).select(listings::id).load(conn)?)
}

#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub kind: Option<ListingKind>,
    pub words: Vec<String>,
}

/// Listings waiting for the scope's province, oldest submission first. Words (folded)
/// must each appear in the folded title or the organization's folded name. Titles are not
/// stored folded, so with words the province's queue — hundreds of items, not the whole
/// marketplace — is narrowed here rather than by SQL.
pub fn review_queue(
    conn: &mut DbConnection,
    scope: &TenantScope,
    filter: &QueueFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<RowWithOrg>, i64), AppError> {
    macro_rules! waiting {
        () => {{
            let mut query = listings::table
                .inner_join(organizations::table)
                .filter(listings::tenant_id.eq(scope.tenant_id().to_owned()))
                .filter(listings::status.eq(ListingStatus::PendingReview.as_str()))
                .into_boxed();
            if let Some(kind) = filter.kind {
                query = query.filter(listings::kind.eq(kind.as_str()));
            }
            query
        }};
    }
    if filter.words.is_empty() {
        let total: i64 = waiting!().select(count_star()).first(conn)?;
        let rows = waiting!()
            .order((listings::submitted_at.asc(), listings::id.asc()))
            .offset(offset)
            .limit(limit)
            .select((ListingRow::as_select(), organizations::legal_name, organizations::status))
            .load(conn)?;
        return Ok((rows, total));
    }
    let candidates: Vec<(String, String, String)> = waiting!()
        .order((listings::submitted_at.asc(), listings::id.asc()))
        .select((listings::id, listings::title_vi, organizations::search_name))
        .load(conn)?;
    let matching: Vec<String> = candidates
        .into_iter()
        .filter(|(_, title, org_name)| {
            let title = crate::text::fold(title);
            filter.words.iter().all(|word| title.contains(word.as_str()) || org_name.contains(word.as_str()))
        })
        .map(|(id, _, _)| id)
        .collect();
    let total = i64::try_from(matching.len()).unwrap_or(i64::MAX);
    let page: Vec<String> = matching
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .collect();
    let mut rows: Vec<RowWithOrg> = with_org!().filter(listings::id.eq_any(&page)).load(conn)?;
    rows.sort_by_key(|(row, _, _)| page.iter().position(|id| id == &row.id));
    Ok((rows, total))
}

/// Public listings after `after` (by id), for rebuilding the index in chunks.
pub fn public_after(conn: &mut DbConnection, after: &str, limit: i64) -> Result<Vec<ListingRecord>, AppError> {
    public_page(conn, None, None, after, limit)
}

/// Public listings after `after` (by id), of one province and kind if given: the exports.
pub fn public_page(
    conn: &mut DbConnection,
    tenant: Option<&str>,
    kind: Option<ListingKind>,
    after: &str,
    limit: i64,
) -> Result<Vec<ListingRecord>, AppError> {
    let mut query = with_org!()
        .filter(listings::status.eq(ListingStatus::Published.as_str()))
        .filter(organizations::status.ne_all(HIDING_ORG_STATES))
        .filter(listings::id.gt(after.to_owned()))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query.filter(listings::tenant_id.eq(tenant.to_owned()));
    }
    if let Some(kind) = kind {
        query = query.filter(listings::kind.eq(kind.as_str()));
    }
    let rows = query.order(listings::id.asc()).limit(limit).load(conn)?;
    with_codes(conn, rows)
}

/// Published listings whose time is up.
pub fn due_to_expire(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> Result<Vec<ListingRow>, AppError> {
    Ok(listings::table
        .filter(listings::status.eq(ListingStatus::Published.as_str()))
        .filter(listings::expires_at.le(now).assume_not_null())
        .order(listings::expires_at.asc())
        .limit(limit)
        .select(ListingRow::as_select())
        .load(conn)?)
}

/// Published listings expiring before `horizon` whose owners were not reminded yet.
pub fn due_for_reminder(
    conn: &mut DbConnection,
    horizon: NaiveDateTime,
    limit: i64,
) -> Result<Vec<ListingRow>, AppError> {
    Ok(listings::table
        .filter(listings::status.eq(ListingStatus::Published.as_str()))
        .filter(listings::expires_at.le(horizon).assume_not_null())
        .filter(listings::reminder_sent_at.is_null())
        .order(listings::expires_at.asc())
        .limit(limit)
        .select(ListingRow::as_select())
        .load(conn)?)
}

/// Records the reminder; false when another instance sent it first.
pub fn mark_reminded(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<bool, AppError> {
    let rows = diesel::update(listings::table.find(id).filter(listings::reminder_sent_at.is_null()))
        .set(listings::reminder_sent_at.eq(Some(now)))
        .execute(conn)?;
    Ok(rows == 1)
}

/// Ids of listings changed since `since`, themselves or through their organization (to
/// catch up an index rebuilt meanwhile).
pub fn changed_since(conn: &mut DbConnection, since: NaiveDateTime) -> Result<Vec<String>, AppError> {
    Ok(listings::table
        .inner_join(organizations::table)
        .filter(listings::updated_at.ge(since).or(organizations::updated_at.ge(since)))
        .select(listings::id)
        .load(conn)?)
}

/// Whether the organization may publish: it must be approved.
pub fn org_may_publish(status: &str) -> bool {
    OrgStatus::parse(status) == Some(OrgStatus::Approved)
}

/// A renewal replaces the end date the owners chose earlier.
pub fn clear_valid_until(conn: &mut DbConnection, id: &str) -> Result<(), AppError> {
    diesel::update(listings::table.find(id)).set(listings::valid_until.eq(None::<NaiveDate>)).execute(conn)?;
    Ok(())
}
