//! Deal records in the database, and the match's trial and stop.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::rules::{DealStatus, DealTerms};
use crate::db::DbConnection;
use crate::db::schema::{deal_records, matches};
use crate::error::AppError;
use crate::matching::lifecycle::{MatchState, Side, StopReason};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = deal_records)]
pub struct DealRow {
    pub match_id: String,
    pub status: String,
    pub recorded_by: String,
    pub recorded_side: Option<String>,
    pub objects: String,
    pub rights: String,
    pub modes: String,
    pub ip_assets: String,
    pub ip_asset_count: i32,
    pub value_vnd: Option<i64>,
    pub foreign_currency: Option<String>,
    pub foreign_amount: Option<String>,
    pub signed_on: Option<chrono::NaiveDate>,
    pub duration_months: Option<i32>,
    pub origin: Option<String>,
    pub origin_country: Option<String>,
    pub registration_number: Option<String>,
    pub registration_date: Option<chrono::NaiveDate>,
    pub offer_publishes_value: Option<bool>,
    pub need_publishes_value: Option<bool>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Who recorded a deal: one side (and whether it lets the value be published) or an officer.
pub struct Recorder<'a> {
    pub user_id: &'a str,
    pub side: Option<(Side, bool)>,
}

pub fn insert(
    conn: &mut DbConnection,
    match_id: &str,
    terms: &DealTerms,
    by: &Recorder<'_>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let status = if by.side.is_some() { DealStatus::Recorded } else { DealStatus::OfficerRecorded };
    let consent = |side: Side| by.side.filter(|(s, _)| *s == side).map(|(_, publish)| publish);
    diesel::insert_into(deal_records::table)
        .values((
            (
                deal_records::match_id.eq(match_id),
                deal_records::status.eq(status.as_str()),
                deal_records::recorded_by.eq(by.user_id),
                deal_records::recorded_side.eq(by.side.map(|(s, _)| s.as_str())),
                deal_records::objects.eq(serde_json::to_string(&terms.objects)?),
                deal_records::rights.eq(serde_json::to_string(&terms.rights)?),
                deal_records::modes.eq(serde_json::to_string(&terms.modes)?),
                deal_records::ip_assets.eq(serde_json::to_string(&terms.ip_assets)?),
                deal_records::ip_asset_count.eq(i32::try_from(terms.ip_assets.len()).unwrap_or(i32::MAX)),
                deal_records::value_vnd.eq(terms.value_vnd),
                deal_records::foreign_currency.eq(terms.foreign.as_ref().map(|f| f.0.as_str())),
                deal_records::foreign_amount.eq(terms.foreign.as_ref().map(|f| f.1.as_str())),
            ),
            (
                deal_records::signed_on.eq(terms.signed_on),
                deal_records::duration_months.eq(terms.duration_months),
                deal_records::origin.eq(terms.origin.map(|o| o.as_str())),
                deal_records::origin_country.eq(terms.origin_country.as_deref()),
                deal_records::registration_number.eq(terms.registration.as_ref().map(|r| r.0.as_str())),
                deal_records::registration_date.eq(terms.registration.as_ref().and_then(|r| r.1)),
                deal_records::offer_publishes_value.eq(consent(Side::Offer)),
                deal_records::need_publishes_value.eq(consent(Side::Need)),
                deal_records::created_at.eq(now),
                deal_records::updated_at.eq(now),
            ),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, match_id: &str) -> Result<Option<DealRow>, AppError> {
    Ok(deal_records::table.find(match_id).select(DealRow::as_select()).first(conn).optional()?)
}

/// The other side confirms a recorded deal; false when it was confirmed already.
pub fn confirm(
    conn: &mut DbConnection,
    match_id: &str,
    side: Side,
    publish_value: bool,
    by: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let target = deal_records::table
        .find(match_id)
        .filter(deal_records::status.eq(DealStatus::Recorded.as_str()))
        .filter(deal_records::recorded_side.ne(side.as_str()));
    let common = (
        deal_records::status.eq(DealStatus::Verified.as_str()),
        deal_records::confirmed_by.eq(by),
        deal_records::confirmed_at.eq(now),
        deal_records::updated_at.eq(now),
    );
    let rows = match side {
        Side::Offer => {
            diesel::update(target).set((common, deal_records::offer_publishes_value.eq(publish_value))).execute(conn)?
        }
        Side::Need => {
            diesel::update(target).set((common, deal_records::need_publishes_value.eq(publish_value))).execute(conn)?
        }
    };
    Ok(rows == 1)
}

/// Moves a connected match on (a trial, or a stop with its reason), if it is still at the
/// version the caller saw.
pub fn move_on(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i32,
    next: MatchState,
    stop: Option<(StopReason, Option<&str>)>,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let target = matches::table.find(id).filter(matches::version.eq(expected_version));
    let rows = diesel::update(target)
        .set((
            matches::state.eq(next.as_str()),
            matches::version.eq(expected_version + 1),
            matches::updated_at.eq(now),
            matches::stop_reason_code.eq(stop.map(|(r, _)| r.as_str())),
            matches::stop_reason_text.eq(stop.and_then(|(_, t)| t)),
            matches::closed_at.eq((next == MatchState::Stopped).then_some(now)),
        ))
        .execute(conn)?;
    Ok(rows == 1)
}

/// Matches still under way that were connected before `cutoff`: (id, connected at).
pub fn under_way_connected_before(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    after_id: &str,
    limit: i64,
) -> Result<Vec<(String, NaiveDateTime)>, AppError> {
    let rows: Vec<(String, Option<NaiveDateTime>)> = matches::table
        .filter(matches::state.eq_any([MatchState::Connected.as_str(), MatchState::Piloting.as_str()]))
        .filter(matches::connected_at.le(cutoff))
        .filter(matches::id.gt(after_id))
        .order(matches::id.asc())
        .limit(limit)
        .select((matches::id, matches::connected_at))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(id, at)| at.map(|at| (id, at))).collect())
}

/// Records that a follow-up goes out; false when it went out already.
pub fn record_follow_up(
    conn: &mut DbConnection,
    match_id: &str,
    side: Side,
    milestone: i32,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    use crate::db::schema::match_follow_ups as f;
    Ok(crate::db::insert_ignoring_duplicates(conn, |conn| {
        diesel::insert_into(f::table)
            .values((
                f::match_id.eq(match_id),
                f::side.eq(side.as_str()),
                f::milestone.eq(milestone),
                f::sent_at.eq(now),
            ))
            .execute(conn)
    })?)
}

/// A follow-up that went out, with its answer if there is one yet: `None` when none went out.
pub fn follow_up_answer(
    conn: &mut DbConnection,
    match_id: &str,
    side: Side,
    milestone: i32,
) -> Result<Option<Option<String>>, AppError> {
    use crate::db::schema::match_follow_ups as f;
    Ok(f::table.find((match_id, side.as_str(), milestone)).select(f::answer).first(conn).optional()?)
}

/// Keeps the first answer to a follow-up; false when it had one already.
pub fn answer_follow_up(
    conn: &mut DbConnection,
    match_id: &str,
    side: Side,
    milestone: i32,
    answer: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    use crate::db::schema::match_follow_ups as f;
    let rows = diesel::update(f::table.find((match_id, side.as_str(), milestone)).filter(f::answer.is_null()))
        .set((f::answer.eq(answer), f::answered_at.eq(now)))
        .execute(conn)?;
    Ok(rows == 1)
}

/// An organization's owners: (user id, email, name, language).
pub fn owners(conn: &mut DbConnection, org_id: &str) -> Result<Vec<(String, String, String, String)>, AppError> {
    use crate::db::schema::{organization_members, users};
    Ok(organization_members::table
        .inner_join(users::table)
        .filter(organization_members::org_id.eq(org_id))
        .filter(organization_members::role.eq(crate::registry::model::MemberRole::Owner.as_str()))
        .order(users::email.asc())
        .select((users::id, users::email, users::full_name, users::language))
        .load(conn)?)
}

/// Deals that count (confirmed by the other side or recorded by an officer) in which an
/// organization was either side: what its public profile shows.
pub fn counted_deals_of(conn: &mut DbConnection, org_id: &str) -> Result<i64, AppError> {
    use diesel::dsl::count_star;
    Ok(deal_records::table
        .inner_join(matches::table)
        .filter(deal_records::status.eq_any([DealStatus::Verified.as_str(), DealStatus::OfficerRecorded.as_str()]))
        .filter(matches::offer_org_id.eq(org_id).or(matches::need_org_id.eq(org_id)))
        .select(count_star())
        .first(conn)?)
}

/// Records a side's consent to publish the deal's value, whoever recorded the deal; false
/// when there is no deal.
pub fn set_consent(
    conn: &mut DbConnection,
    match_id: &str,
    side: Side,
    publish_value: bool,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let target = deal_records::table.find(match_id);
    let rows = match side {
        Side::Offer => diesel::update(target)
            .set((deal_records::offer_publishes_value.eq(publish_value), deal_records::updated_at.eq(now)))
            .execute(conn)?,
        Side::Need => diesel::update(target)
            .set((deal_records::need_publishes_value.eq(publish_value), deal_records::updated_at.eq(now)))
            .execute(conn)?,
    };
    Ok(rows == 1)
}

/// A deal as the open data shows it: (match id, status, signed on, recorded at, offer
/// province, need province, objects, rights, modes, IP assets, value, the two consents,
/// origin, origin country).
pub type PublicDealRow = (
    String,
    String,
    Option<chrono::NaiveDate>,
    NaiveDateTime,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<bool>,
    Option<bool>,
    Option<String>,
    Option<String>,
);

/// Deals that count after `after` (by match id), of one province (either side) or all.
pub fn counted_deals_page(
    conn: &mut DbConnection,
    tenant: Option<&str>,
    after: &str,
    limit: i64,
) -> Result<Vec<PublicDealRow>, AppError> {
    let mut query = deal_records::table
        .inner_join(matches::table)
        .filter(deal_records::status.eq_any([DealStatus::Verified.as_str(), DealStatus::OfficerRecorded.as_str()]))
        .filter(deal_records::match_id.gt(after.to_owned()))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query
            .filter(matches::offer_tenant_id.eq(tenant.to_owned()).or(matches::need_tenant_id.eq(tenant.to_owned())));
    }
    Ok(query
        .order(deal_records::match_id.asc())
        .limit(limit)
        .select((
            deal_records::match_id,
            deal_records::status,
            deal_records::signed_on,
            deal_records::created_at,
            matches::offer_tenant_id,
            matches::need_tenant_id,
            deal_records::objects,
            deal_records::rights,
            deal_records::modes,
            deal_records::ip_assets,
            deal_records::value_vnd,
            deal_records::offer_publishes_value,
            deal_records::need_publishes_value,
            deal_records::origin,
            deal_records::origin_country,
        ))
        .load(conn)?)
}
