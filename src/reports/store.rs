//! The counting queries behind the figures. Each groups by province, so the same query
//! serves one province (`tenant` given) and the whole country (`None`).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, min};
use diesel::prelude::*;

use super::figures::ReviewEvent;
use crate::db::DbConnection;
use crate::db::schema::{
    audit_log, certificate_standings, listing_fields, listing_tags, listings, matches, organizations, tenant_targets,
    weekly_summaries,
};
use crate::error::AppError;
use crate::listings::lifecycle::ListingStatus;
use crate::listings::store::HIDING_ORG_STATES;
use crate::matching::lifecycle::MatchState;
use crate::registry::lifecycle::OrgStatus;

/// UTC bounds of a period: [start, end), either open.
pub type Bounds = (Option<NaiveDateTime>, Option<NaiveDateTime>);

/// (province, kind, status, count)
pub type KindStatusCount = (String, String, String, i64);

/// Organizations registered within the bounds, by province, kind and current status.
pub fn organizations_by_kind_status(
    conn: &mut DbConnection,
    tenant: Option<&str>,
    created: Bounds,
) -> Result<Vec<KindStatusCount>, AppError> {
    let mut query = organizations::table
        .group_by((organizations::tenant_id, organizations::kind, organizations::status))
        .select((organizations::tenant_id, organizations::kind, organizations::status, count_star()))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query.filter(organizations::tenant_id.eq(tenant.to_owned()));
    }
    if let Some(start) = created.0 {
        query = query.filter(organizations::created_at.ge(start));
    }
    if let Some(end) = created.1 {
        query = query.filter(organizations::created_at.lt(end));
    }
    Ok(query.load(conn)?)
}

/// S&T enterprises registered within the bounds whose certificate was revoked or cancelled,
/// by province and status: (province, status, count).
pub fn ended_st_enterprises(
    conn: &mut DbConnection,
    tenant: Option<&str>,
    created: Bounds,
) -> Result<Vec<(String, String, i64)>, AppError> {
    let mut query = organizations::table
        .inner_join(certificate_standings::table)
        .filter(organizations::kind.eq("st_enterprise"))
        .group_by((organizations::tenant_id, organizations::status))
        .select((organizations::tenant_id, organizations::status, count_star()))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query.filter(organizations::tenant_id.eq(tenant.to_owned()));
    }
    if let Some(start) = created.0 {
        query = query.filter(organizations::created_at.ge(start));
    }
    if let Some(end) = created.1 {
        query = query.filter(organizations::created_at.lt(end));
    }
    Ok(query.load(conn)?)
}

/// An S&T enterprise whose certificate ended counts as an enterprise: its S&T standing is
/// over, the business remains. Pure.
pub fn without_ended_certificates(
    mut rows: Vec<KindStatusCount>,
    ended: &[(String, String, i64)],
) -> Vec<KindStatusCount> {
    for (tenant, status, count) in ended {
        let moved = rows
            .iter_mut()
            .find(|(t, k, s, _)| t == tenant && k == "st_enterprise" && s == status)
            .map(|row| {
                let moved = (*count).min(row.3);
                row.3 -= moved;
                moved
            })
            .unwrap_or(0);
        match rows.iter_mut().find(|(t, k, s, _)| t == tenant && k == "enterprise" && s == status) {
            Some(row) => row.3 += moved,
            None if moved > 0 => rows.push((tenant.clone(), "enterprise".to_owned(), status.clone(), moved)),
            None => {}
        }
    }
    rows.retain(|row| row.3 > 0);
    rows
}

/// When each of a province's organizations registered within the bounds.
pub fn registration_times(
    conn: &mut DbConnection,
    tenant: &str,
    created: Bounds,
) -> Result<Vec<NaiveDateTime>, AppError> {
    let mut query = organizations::table.filter(organizations::tenant_id.eq(tenant.to_owned())).into_boxed();
    if let Some(start) = created.0 {
        query = query.filter(organizations::created_at.ge(start));
    }
    if let Some(end) = created.1 {
        query = query.filter(organizations::created_at.lt(end));
    }
    Ok(query.select(organizations::created_at).load(conn)?)
}

/// Listings created within the bounds, by province, kind and status.
pub fn listings_by_kind_status(
    conn: &mut DbConnection,
    tenant: Option<&str>,
    created: Bounds,
) -> Result<Vec<KindStatusCount>, AppError> {
    let mut query = listings::table
        .group_by((listings::tenant_id, listings::kind, listings::status))
        .select((listings::tenant_id, listings::kind, listings::status, count_star()))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query.filter(listings::tenant_id.eq(tenant.to_owned()));
    }
    if let Some(start) = created.0 {
        query = query.filter(listings::created_at.ge(start));
    }
    if let Some(end) = created.1 {
        query = query.filter(listings::created_at.lt(end));
    }
    Ok(query.load(conn)?)
}

/// Organizations (of one province, or all) whose listings the marketplace hides.
fn hidden_org_ids(conn: &mut DbConnection, tenant: Option<&str>) -> Result<Vec<String>, AppError> {
    let mut query = organizations::table
        .filter(organizations::status.eq_any(HIDING_ORG_STATES))
        .select(organizations::id)
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query.filter(organizations::tenant_id.eq(tenant.to_owned()));
    }
    Ok(query.load(conn)?)
}

/// Published listings the marketplace hides because their organization is suspended or
/// rejected, created within the bounds, by province and kind. The public counts are the
/// published ones less these. Hidden organizations are few, so they are found first and
/// their listings counted by organization; a join would have the planner (which cannot
/// tell that few organizations are hidden) read every listing.
pub fn hidden_listings_by_kind(
    conn: &mut DbConnection,
    tenant: Option<&str>,
    created: Bounds,
) -> Result<Vec<(String, String, i64)>, AppError> {
    let mut counts: BTreeMap<(String, String), i64> = BTreeMap::new();
    for chunk in hidden_org_ids(conn, tenant)?.chunks(500) {
        let mut query = listings::table
            .filter(listings::org_id.eq_any(chunk))
            .filter(listings::status.eq(ListingStatus::Published.as_str()))
            .group_by((listings::tenant_id, listings::kind))
            .select((listings::tenant_id, listings::kind, count_star()))
            .into_boxed();
        if let Some(start) = created.0 {
            query = query.filter(listings::created_at.ge(start));
        }
        if let Some(end) = created.1 {
            query = query.filter(listings::created_at.lt(end));
        }
        for (tenant, kind, count) in query.load::<(String, String, i64)>(conn)? {
            *counts.entry((tenant, kind)).or_default() += count;
        }
    }
    Ok(counts.into_iter().map(|((tenant, kind), count)| (tenant, kind, count)).collect())
}

/// (code, list version, listing kind, count)
pub type CodeCount = (String, String, String, i64);

macro_rules! public_listings_by_code {
    ($name:ident, $codes:ident, $doc:literal) => {
        #[doc = $doc]
        /// Counted as published listings less those of hidden organizations, for the same
        /// reason as [`hidden_listings_by_kind`]: with a join the planner reads every listing.
        pub fn $name(conn: &mut DbConnection, tenant: &str, created: Bounds) -> Result<Vec<CodeCount>, AppError> {
            let published = |org_ids: Option<&[String]>| {
                let mut query = $codes::table
                    .inner_join(listings::table)
                    .filter(listings::tenant_id.eq(tenant.to_owned()))
                    .filter(listings::status.eq(ListingStatus::Published.as_str()))
                    .group_by(($codes::code, $codes::version, listings::kind))
                    .select(($codes::code, $codes::version, listings::kind, count_star()))
                    .into_boxed();
                if let Some(org_ids) = org_ids {
                    query = query.filter(listings::org_id.eq_any(org_ids.to_vec()));
                }
                if let Some(start) = created.0 {
                    query = query.filter(listings::created_at.ge(start));
                }
                if let Some(end) = created.1 {
                    query = query.filter(listings::created_at.lt(end));
                }
                query
            };
            let mut counts: BTreeMap<(String, String, String), i64> = BTreeMap::new();
            for (code, version, kind, count) in published(None).load::<CodeCount>(conn)? {
                counts.insert((code, version, kind), count);
            }
            for chunk in hidden_org_ids(conn, Some(tenant))?.chunks(500) {
                for (code, version, kind, count) in published(Some(chunk)).load::<CodeCount>(conn)? {
                    if let Some(total) = counts.get_mut(&(code, version, kind)) {
                        *total -= count;
                    }
                }
            }
            Ok(counts
                .into_iter()
                .filter(|(_, count)| *count > 0)
                .map(|((code, version, kind), count)| (code, version, kind, count))
                .collect())
        }
    };
}

public_listings_by_code!(
    public_listings_by_field,
    listing_fields,
    "A province's public listings created within the bounds, by S&T field and kind."
);
public_listings_by_code!(
    public_listings_by_tag,
    listing_tags,
    "A province's public listings created within the bounds, by strategic technology and kind."
);

/// (offer's province, need's province, state, count)
pub type MatchCount = (String, String, String, i64);

/// Matches suggested or proposed within the bounds, by the two provinces and state.
pub fn matches_by_state(
    conn: &mut DbConnection,
    tenant: Option<&str>,
    created: Bounds,
) -> Result<Vec<MatchCount>, AppError> {
    let mut query = matches::table
        .group_by((matches::offer_tenant_id, matches::need_tenant_id, matches::state))
        .select((matches::offer_tenant_id, matches::need_tenant_id, matches::state, count_star()))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query
            .filter(matches::offer_tenant_id.eq(tenant.to_owned()).or(matches::need_tenant_id.eq(tenant.to_owned())));
    }
    if let Some(start) = created.0 {
        query = query.filter(matches::created_at.ge(start));
    }
    if let Some(end) = created.1 {
        query = query.filter(matches::created_at.lt(end));
    }
    Ok(query.load(conn)?)
}

/// Matches whose two sides connected within the bounds, by the two provinces.
pub fn connections(
    conn: &mut DbConnection,
    tenant: Option<&str>,
    connected: Bounds,
) -> Result<Vec<(String, String, i64)>, AppError> {
    let mut query = matches::table
        .filter(matches::connected_at.is_not_null())
        .group_by((matches::offer_tenant_id, matches::need_tenant_id))
        .select((matches::offer_tenant_id, matches::need_tenant_id, count_star()))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query
            .filter(matches::offer_tenant_id.eq(tenant.to_owned()).or(matches::need_tenant_id.eq(tenant.to_owned())));
    }
    if let Some(start) = connected.0 {
        query = query.filter(matches::connected_at.ge(start));
    }
    if let Some(end) = connected.1 {
        query = query.filter(matches::connected_at.lt(end));
    }
    Ok(query.load(conn)?)
}

/// (offer's province, need's province, value in VND if the sides gave one)
pub type Deal = (String, String, Option<i64>);

/// Deals agreed on dates within [from, to], each with its value.
pub fn deals(
    conn: &mut DbConnection,
    tenant: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<Deal>, AppError> {
    let mut query = matches::table.filter(matches::state.eq(MatchState::Deal.as_str())).into_boxed();
    if let Some(tenant) = tenant {
        query = query
            .filter(matches::offer_tenant_id.eq(tenant.to_owned()).or(matches::need_tenant_id.eq(tenant.to_owned())));
    }
    if let Some(from) = from {
        query = query.filter(matches::deal_date.ge(from));
    }
    if let Some(to) = to {
        query = query.filter(matches::deal_date.le(to));
    }
    Ok(query.select((matches::offer_tenant_id, matches::need_tenant_id, matches::deal_value_vnd)).load(conn)?)
}

const REVIEW_ACTIONS: [&str; 5] = ["submit", "resubmit", "approve", "reject", "request_changes"];
const REVIEWED_ENTITIES: [&str; 2] = [crate::registry::service::ENTITY, crate::listings::service::ENTITY];

/// The audit lines that start or end reviews before `end`, by province. Decisions taken
/// by nobody (a province that publishes listings at once) are no review and are left out.
pub fn review_events(
    conn: &mut DbConnection,
    tenant: Option<&str>,
    end: Option<NaiveDateTime>,
) -> Result<Vec<(String, ReviewEvent)>, AppError> {
    let mut query = audit_log::table
        .filter(audit_log::entity_type.eq_any(REVIEWED_ENTITIES))
        .filter(audit_log::action.eq_any(REVIEW_ACTIONS))
        .filter(audit_log::tenant_id.is_not_null())
        .filter(audit_log::actor_id.is_not_null().or(audit_log::action.eq_any(["submit", "resubmit"])))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query.filter(audit_log::tenant_id.eq(tenant.to_owned()));
    }
    if let Some(end) = end {
        query = query.filter(audit_log::created_at.lt(end));
    }
    let rows: Vec<(Option<String>, String, String, String, NaiveDateTime)> = query
        .select((
            audit_log::tenant_id,
            audit_log::entity_type,
            audit_log::entity_id,
            audit_log::action,
            audit_log::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(tenant, entity_type, entity_id, action, at)| {
            (tenant.unwrap_or_default(), ReviewEvent { entity: format!("{entity_type}:{entity_id}"), action, at })
        })
        .collect())
}

/// What waits for each province now: (province, organizations, listings, oldest submission).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Waiting {
    pub organizations: i64,
    pub listings: i64,
    pub oldest: Option<NaiveDateTime>,
}

pub fn waiting(conn: &mut DbConnection, tenant: Option<&str>) -> Result<BTreeMap<String, Waiting>, AppError> {
    let mut orgs = organizations::table
        .filter(organizations::status.eq(OrgStatus::Submitted.as_str()))
        .group_by(organizations::tenant_id)
        .select((organizations::tenant_id, count_star(), min(organizations::submitted_at)))
        .into_boxed();
    let mut items = listings::table
        .filter(listings::status.eq(ListingStatus::PendingReview.as_str()))
        .group_by(listings::tenant_id)
        .select((listings::tenant_id, count_star(), min(listings::submitted_at)))
        .into_boxed();
    if let Some(tenant) = tenant {
        orgs = orgs.filter(organizations::tenant_id.eq(tenant.to_owned()));
        items = items.filter(listings::tenant_id.eq(tenant.to_owned()));
    }
    let orgs: Vec<(String, i64, Option<NaiveDateTime>)> = orgs.load(conn)?;
    let items: Vec<(String, i64, Option<NaiveDateTime>)> = items.load(conn)?;
    let mut by_tenant: BTreeMap<String, Waiting> = BTreeMap::new();
    for (tenant, count, oldest) in orgs {
        let entry = by_tenant.entry(tenant).or_default();
        entry.organizations = count;
        entry.oldest = earliest(entry.oldest, oldest);
    }
    for (tenant, count, oldest) in items {
        let entry = by_tenant.entry(tenant).or_default();
        entry.listings = count;
        entry.oldest = earliest(entry.oldest, oldest);
    }
    Ok(by_tenant)
}

/// When each item waiting for a province's review was submitted (organizations and
/// listings), for the age of its queue.
pub fn waiting_since(conn: &mut DbConnection, tenant: &str) -> Result<Vec<NaiveDateTime>, AppError> {
    let mut times: Vec<Option<NaiveDateTime>> = organizations::table
        .filter(organizations::status.eq(OrgStatus::Submitted.as_str()))
        .filter(organizations::tenant_id.eq(tenant))
        .select(organizations::submitted_at)
        .load(conn)?;
    times.extend(
        listings::table
            .filter(listings::status.eq(ListingStatus::PendingReview.as_str()))
            .filter(listings::tenant_id.eq(tenant))
            .select(listings::submitted_at)
            .load::<Option<NaiveDateTime>>(conn)?,
    );
    Ok(times.into_iter().flatten().collect())
}

fn earliest(a: Option<NaiveDateTime>, b: Option<NaiveDateTime>) -> Option<NaiveDateTime> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// One item of a review queue, for the exports and the weekly summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedItem {
    /// `org` or `listing`.
    pub item_type: &'static str,
    pub id: String,
    pub kind: String,
    pub name: String,
    pub organization: String,
    pub version: i32,
    pub submitted_at: Option<NaiveDateTime>,
}

/// A province's queue in the order its officers work it (oldest submission first), a page
/// at a time: `after` is the (submitted_at, id) of the last item of the previous page.
pub fn queued_organizations(
    conn: &mut DbConnection,
    tenant: &str,
    after: Option<&(Option<NaiveDateTime>, String)>,
    limit: i64,
) -> Result<Vec<QueuedItem>, AppError> {
    let mut query = organizations::table
        .filter(organizations::tenant_id.eq(tenant.to_owned()))
        .filter(organizations::status.eq(OrgStatus::Submitted.as_str()))
        .into_boxed();
    if let Some((Some(at), id)) = after {
        query = query.filter(
            organizations::submitted_at
                .gt(*at)
                .or(organizations::submitted_at.eq(*at).and(organizations::id.gt(id.clone()))),
        );
    }
    let rows: Vec<(String, String, String, i32, Option<NaiveDateTime>)> = query
        .order((organizations::submitted_at.asc(), organizations::id.asc()))
        .limit(limit)
        .select((
            organizations::id,
            organizations::kind,
            organizations::legal_name,
            organizations::version,
            organizations::submitted_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, name, version, submitted_at)| QueuedItem {
            item_type: "org",
            id,
            kind,
            organization: name.clone(),
            name,
            version,
            submitted_at,
        })
        .collect())
}

pub fn queued_listings(
    conn: &mut DbConnection,
    tenant: &str,
    after: Option<&(Option<NaiveDateTime>, String)>,
    limit: i64,
) -> Result<Vec<QueuedItem>, AppError> {
    let mut query = listings::table
        .inner_join(organizations::table)
        .filter(listings::tenant_id.eq(tenant.to_owned()))
        .filter(listings::status.eq(ListingStatus::PendingReview.as_str()))
        .into_boxed();
    if let Some((Some(at), id)) = after {
        query = query
            .filter(listings::submitted_at.gt(*at).or(listings::submitted_at.eq(*at).and(listings::id.gt(id.clone()))));
    }
    let rows: Vec<(String, String, String, String, i32, Option<NaiveDateTime>)> = query
        .order((listings::submitted_at.asc(), listings::id.asc()))
        .limit(limit)
        .select((
            listings::id,
            listings::kind,
            listings::title_vi,
            organizations::legal_name,
            listings::version,
            listings::submitted_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, name, organization, version, submitted_at)| QueuedItem {
            item_type: "listing",
            id,
            kind,
            name,
            organization,
            version,
            submitted_at,
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct TargetRow {
    pub tenant_id: String,
    pub indicator: String,
    pub value: i64,
    pub year: i32,
    pub updated_at: NaiveDateTime,
}

pub fn targets(conn: &mut DbConnection, tenant: Option<&str>) -> Result<Vec<TargetRow>, AppError> {
    let mut query = tenant_targets::table.into_boxed();
    if let Some(tenant) = tenant {
        query = query.filter(tenant_targets::tenant_id.eq(tenant.to_owned()));
    }
    Ok(query
        .order((tenant_targets::tenant_id.asc(), tenant_targets::indicator.asc()))
        .select((
            tenant_targets::tenant_id,
            tenant_targets::indicator,
            tenant_targets::value,
            tenant_targets::year,
            tenant_targets::updated_at,
        ))
        .load(conn)?)
}

pub fn set_target(
    conn: &mut DbConnection,
    tenant: &str,
    indicator: &str,
    value: i64,
    year: i32,
    by: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let updated = diesel::update(tenant_targets::table.find((tenant, indicator)))
        .set((
            tenant_targets::value.eq(value),
            tenant_targets::year.eq(year),
            tenant_targets::updated_by.eq(by),
            tenant_targets::updated_at.eq(now),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(tenant_targets::table)
            .values((
                tenant_targets::tenant_id.eq(tenant),
                tenant_targets::indicator.eq(indicator),
                tenant_targets::value.eq(value),
                tenant_targets::year.eq(year),
                tenant_targets::updated_by.eq(by),
                tenant_targets::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_target(conn: &mut DbConnection, tenant: &str, indicator: &str) -> Result<bool, AppError> {
    Ok(diesel::delete(tenant_targets::table.find((tenant, indicator))).execute(conn)? > 0)
}

/// Provinces whose summary of the week starting `week_start` went out already.
pub fn summarised(conn: &mut DbConnection, week_start: NaiveDate) -> Result<Vec<String>, AppError> {
    Ok(weekly_summaries::table
        .filter(weekly_summaries::week_start.eq(week_start))
        .select(weekly_summaries::tenant_id)
        .load(conn)?)
}

/// Records a province's summary of a week; false when another worker did it first.
pub fn record_summary(
    conn: &mut DbConnection,
    tenant: &str,
    week_start: NaiveDate,
    recipients: i32,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    Ok(crate::db::insert_ignoring_duplicates(conn, |conn| {
        diesel::insert_into(weekly_summaries::table)
            .values((
                weekly_summaries::tenant_id.eq(tenant),
                weekly_summaries::week_start.eq(week_start),
                weekly_summaries::recipients.eq(recipients),
                weekly_summaries::sent_at.eq(now),
            ))
            .execute(conn)
    })?)
}
