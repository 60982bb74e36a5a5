//! Matches in the database.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::lifecycle::{MatchState, Response, Side, Status};
use super::score::Score;
use crate::db::schema::matches;
use crate::db::{DbConnection, insert_ignoring_duplicates};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = matches)]
pub struct MatchRow {
    pub id: String,
    /// A side's listing; missing for an interested organization that has none of its own.
    pub offer_id: Option<String>,
    pub need_id: Option<String>,
    pub offer_org_id: String,
    pub need_org_id: String,
    pub offer_tenant_id: String,
    pub need_tenant_id: String,
    pub state: String,
    pub score: f64,
    pub score_parts: String,
    pub origin: String,
    pub proposed_by: Option<String>,
    pub note: Option<String>,
    pub offer_response: Option<String>,
    pub offer_reason_code: Option<String>,
    pub offer_reason_text: Option<String>,
    pub offer_responded_at: Option<NaiveDateTime>,
    pub need_response: Option<String>,
    pub need_reason_code: Option<String>,
    pub need_reason_text: Option<String>,
    pub need_responded_at: Option<NaiveDateTime>,
    pub deal_value_vnd: Option<i64>,
    pub deal_date: Option<NaiveDate>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub connected_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub requester_org_id: Option<String>,
    pub requested_by: Option<String>,
    pub request_listing_id: Option<String>,
    pub request_purpose: Option<String>,
    pub request_timing: Option<String>,
    pub request_terms: Option<String>,
    pub stop_reason_code: Option<String>,
    pub stop_reason_text: Option<String>,
}

impl MatchRow {
    pub fn status(&self) -> Status {
        Status {
            state: MatchState::parse(&self.state).unwrap_or(MatchState::Suggested),
            offer: self.offer_response.as_deref().and_then(Response::parse),
            need: self.need_response.as_deref().and_then(Response::parse),
        }
    }

    pub fn score(&self) -> Option<Score> {
        serde_json::from_str(&self.score_parts).ok()
    }
}

/// One side of a new match: its listing (if it has one), organization and province.
#[derive(Debug, Clone, Copy)]
pub struct NewSide<'a> {
    pub listing: Option<&'a str>,
    pub org: &'a str,
    pub tenant: &'a str,
}

/// What an interested organization said.
#[derive(Debug, Clone, Copy)]
pub struct NewRequest<'a> {
    pub org: &'a str,
    pub by: &'a str,
    pub listing: &'a str,
    pub purpose: &'a str,
    pub timing: &'a str,
    pub terms: &'a str,
}

pub struct NewMatch<'a> {
    pub id: &'a str,
    pub offer: NewSide<'a>,
    pub need: NewSide<'a>,
    pub score: &'a Score,
    pub origin: &'a str,
    pub proposed_by: Option<&'a str>,
    pub note: Option<&'a str>,
    /// With origin `interest`.
    pub request: Option<NewRequest<'a>>,
    /// `suggested`, or `requested` with the requester's side already interested.
    pub status: Status,
}

/// Inserts a match unless the pair has one already; returns whether it was new.
pub fn insert(conn: &mut DbConnection, m: &NewMatch<'_>, now: NaiveDateTime) -> Result<bool, AppError> {
    let parts = serde_json::to_string(m.score)?;
    Ok(insert_ignoring_duplicates(conn, |conn| {
        diesel::insert_into(matches::table)
            .values((
                (
                    matches::id.eq(m.id),
                    matches::offer_id.eq(m.offer.listing),
                    matches::offer_org_id.eq(m.offer.org),
                    matches::offer_tenant_id.eq(m.offer.tenant),
                    matches::need_id.eq(m.need.listing),
                    matches::need_org_id.eq(m.need.org),
                    matches::need_tenant_id.eq(m.need.tenant),
                ),
                (
                    matches::requester_org_id.eq(m.request.map(|r| r.org)),
                    matches::requested_by.eq(m.request.map(|r| r.by)),
                    matches::request_listing_id.eq(m.request.map(|r| r.listing)),
                    matches::request_purpose.eq(m.request.map(|r| r.purpose)),
                    matches::request_timing.eq(m.request.map(|r| r.timing)),
                    matches::request_terms.eq(m.request.map(|r| r.terms)),
                    matches::offer_response.eq(m.status.offer.map(Response::as_str)),
                    matches::need_response.eq(m.status.need.map(Response::as_str)),
                    matches::offer_responded_by.eq(m.request.filter(|_| m.status.offer.is_some()).map(|r| r.by)),
                    matches::need_responded_by.eq(m.request.filter(|_| m.status.need.is_some()).map(|r| r.by)),
                    matches::offer_responded_at.eq(m.status.offer.map(|_| now)),
                    matches::need_responded_at.eq(m.status.need.map(|_| now)),
                ),
                (
                    matches::state.eq(m.status.state.as_str()),
                    matches::score.eq(m.score.total),
                    matches::score_parts.eq(&parts),
                    matches::origin.eq(m.origin),
                    matches::proposed_by.eq(m.proposed_by),
                    matches::note.eq(m.note),
                    matches::version.eq(1),
                    matches::created_at.eq(now),
                    matches::updated_at.eq(now),
                ),
            ))
            .execute(conn)
    })?)
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<MatchRow>, AppError> {
    Ok(matches::table.find(id).select(MatchRow::as_select()).first(conn).optional()?)
}

pub fn find_pair(conn: &mut DbConnection, offer_id: &str, need_id: &str) -> Result<Option<MatchRow>, AppError> {
    Ok(matches::table
        .filter(matches::offer_id.eq(offer_id))
        .filter(matches::need_id.eq(need_id))
        .select(MatchRow::as_select())
        .first(conn)
        .optional()?)
}

/// Refreshes the score of a match still waiting for answers.
pub fn rescore(conn: &mut DbConnection, id: &str, score: &Score, now: NaiveDateTime) -> Result<bool, AppError> {
    let open = [MatchState::Suggested.as_str(), MatchState::Requested.as_str()];
    let rows = diesel::update(matches::table.find(id).filter(matches::state.eq_any(open)))
        .set((
            matches::score.eq(score.total),
            matches::score_parts.eq(serde_json::to_string(score)?),
            matches::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(rows == 1)
}

pub struct Answer<'a> {
    pub side: Side,
    pub response: Response,
    pub reason_code: Option<&'a str>,
    pub reason_text: Option<&'a str>,
    pub by: &'a str,
}

/// Records a side's answer and the resulting state, if the match is still at the version
/// the caller saw.
pub fn record_answer(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i32,
    answer: &Answer<'_>,
    next: MatchState,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let target = matches::table.find(id).filter(matches::version.eq(expected_version));
    let connected_at = (next == MatchState::Connected).then_some(now);
    let closed_at = (next == MatchState::Declined).then_some(now);
    let common = (
        matches::state.eq(next.as_str()),
        matches::version.eq(expected_version + 1),
        matches::updated_at.eq(now),
        matches::connected_at.eq(connected_at),
        matches::closed_at.eq(closed_at),
    );
    let rows = match answer.side {
        Side::Offer => diesel::update(target)
            .set((
                common,
                matches::offer_response.eq(answer.response.as_str()),
                matches::offer_reason_code.eq(answer.reason_code),
                matches::offer_reason_text.eq(answer.reason_text),
                matches::offer_responded_by.eq(answer.by),
                matches::offer_responded_at.eq(Some(now)),
            ))
            .execute(conn)?,
        Side::Need => diesel::update(target)
            .set((
                common,
                matches::need_response.eq(answer.response.as_str()),
                matches::need_reason_code.eq(answer.reason_code),
                matches::need_reason_text.eq(answer.reason_text),
                matches::need_responded_by.eq(answer.by),
                matches::need_responded_at.eq(Some(now)),
            ))
            .execute(conn)?,
    };
    Ok(rows == 1)
}

/// Moves to a deal or closes, if the match is still at the version the caller saw.
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i32,
    next: MatchState,
    deal: Option<(Option<i64>, Option<NaiveDate>)>,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let target = matches::table.find(id).filter(matches::version.eq(expected_version));
    let base =
        (matches::state.eq(next.as_str()), matches::version.eq(expected_version + 1), matches::updated_at.eq(now));
    let rows = match deal {
        Some((value, date)) => diesel::update(target)
            .set((base, matches::deal_value_vnd.eq(value), matches::deal_date.eq(date)))
            .execute(conn)?,
        None => diesel::update(target).set((base, matches::closed_at.eq(Some(now)))).execute(conn)?,
    };
    Ok(rows == 1)
}

/// Suggestions involving a listing that left the marketplace.
pub fn open_suggestions_of(conn: &mut DbConnection, listing_id: &str) -> Result<Vec<MatchRow>, AppError> {
    Ok(matches::table
        .filter(matches::offer_id.eq(listing_id).or(matches::need_id.eq(listing_id)))
        .filter(matches::state.eq_any([MatchState::Suggested.as_str(), MatchState::Requested.as_str()]))
        .select(MatchRow::as_select())
        .load(conn)?)
}

/// Who sees which matches in a list.
pub enum Visibility {
    /// Participants: matches of these organizations.
    Orgs(Vec<String>),
    /// Officers: matches where either side's organization belongs to this province.
    Tenant(String),
    /// Platform admins.
    All,
}

#[derive(Debug, Clone, Default)]
pub struct MatchFilter {
    pub listing_id: Option<String>,
    pub state: Option<MatchState>,
}

pub fn list(
    conn: &mut DbConnection,
    who: &Visibility,
    filter: &MatchFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<MatchRow>, i64), AppError> {
    macro_rules! filtered {
        () => {{
            let mut query = matches::table.into_boxed();
            match who {
                Visibility::Orgs(orgs) => {
                    query = query.filter(
                        matches::offer_org_id.eq_any(orgs.clone()).or(matches::need_org_id.eq_any(orgs.clone())),
                    )
                }
                Visibility::Tenant(tenant) => {
                    query = query.filter(
                        matches::offer_tenant_id.eq(tenant.clone()).or(matches::need_tenant_id.eq(tenant.clone())),
                    )
                }
                Visibility::All => {}
            }
            if let Some(listing) = &filter.listing_id {
                query = query.filter(matches::offer_id.eq(listing.clone()).or(matches::need_id.eq(listing.clone())));
            }
            if let Some(state) = filter.state {
                query = query.filter(matches::state.eq(state.as_str()));
            }
            query
        }};
    }
    let total = filtered!().select(count_star()).first(conn)?;
    let rows = filtered!()
        .order((matches::score.desc(), matches::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(MatchRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// How the other sides declined matches of this listing: (reason, count).
pub fn decline_reasons(conn: &mut DbConnection, listing_id: &str) -> Result<Vec<(String, i64)>, AppError> {
    let as_offer: Vec<(Option<String>, i64)> = matches::table
        .filter(matches::offer_id.eq(listing_id))
        .filter(matches::need_response.eq(Response::Declined.as_str()))
        .group_by(matches::need_reason_code)
        .select((matches::need_reason_code, count_star()))
        .load(conn)?;
    let as_need: Vec<(Option<String>, i64)> = matches::table
        .filter(matches::need_id.eq(listing_id))
        .filter(matches::offer_response.eq(Response::Declined.as_str()))
        .group_by(matches::offer_reason_code)
        .select((matches::offer_reason_code, count_star()))
        .load(conn)?;
    let mut totals: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    for (code, n) in as_offer.into_iter().chain(as_need) {
        *totals.entry(code.unwrap_or_else(|| "other".into())).or_default() += n;
    }
    Ok(totals.into_iter().collect())
}

/// The decline reasons of every match that touches a province (either side in it), each
/// side's decline counted once.
pub fn decline_reasons_in_tenant(conn: &mut DbConnection, tenant: &str) -> Result<Vec<(String, i64)>, AppError> {
    let touches = || matches::offer_tenant_id.eq(tenant.to_owned()).or(matches::need_tenant_id.eq(tenant.to_owned()));
    let by_need: Vec<(Option<String>, i64)> = matches::table
        .filter(touches())
        .filter(matches::need_response.eq(Response::Declined.as_str()))
        .group_by(matches::need_reason_code)
        .select((matches::need_reason_code, count_star()))
        .load(conn)?;
    let by_offer: Vec<(Option<String>, i64)> = matches::table
        .filter(touches())
        .filter(matches::offer_response.eq(Response::Declined.as_str()))
        .group_by(matches::offer_reason_code)
        .select((matches::offer_reason_code, count_star()))
        .load(conn)?;
    let mut totals: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    for (code, n) in by_need.into_iter().chain(by_offer) {
        *totals.entry(code.unwrap_or_else(|| "other".into())).or_default() += n;
    }
    Ok(totals.into_iter().collect())
}

/// A connected match (connected, or on to a deal) of this listing in which `user_id`
/// speaks for the other side: that person may read the listing's confidential details.
pub fn connected_partner_of(
    conn: &mut DbConnection,
    listing_id: &str,
    user_id: &str,
) -> Result<Option<String>, AppError> {
    use crate::db::schema::organization_members;
    let my_orgs = organization_members::table
        .filter(organization_members::user_id.eq(user_id))
        .select(organization_members::org_id);
    let connected = [MatchState::Connected.as_str(), MatchState::Piloting.as_str(), MatchState::Deal.as_str()];
    let as_need = matches::table
        .filter(matches::offer_id.eq(listing_id))
        .filter(matches::need_org_id.eq_any(my_orgs))
        .filter(matches::state.eq_any(connected))
        .select(matches::id)
        .first::<String>(conn)
        .optional()?;
    if as_need.is_some() {
        return Ok(as_need);
    }
    let my_orgs = organization_members::table
        .filter(organization_members::user_id.eq(user_id))
        .select(organization_members::org_id);
    Ok(matches::table
        .filter(matches::need_id.eq(listing_id))
        .filter(matches::offer_org_id.eq_any(my_orgs))
        .filter(matches::state.eq_any(connected))
        .select(matches::id)
        .first::<String>(conn)
        .optional()?)
}

/// What answers so far taught about a listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListingLessons {
    /// Its side declined a match as already solved.
    pub solved: bool,
    /// As a need, the highest TRL it declined an offer for as too low.
    pub declined_trl: Option<i32>,
}

/// The lessons of each of these listings (those with none are left out).
pub fn lessons(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<std::collections::HashMap<String, ListingLessons>, AppError> {
    use crate::db::schema::listings;
    use crate::matching::lifecycle::DeclineReason;
    let mut out: std::collections::HashMap<String, ListingLessons> = std::collections::HashMap::new();
    let declined = Response::Declined.as_str();
    let solved = DeclineReason::AlreadySolved.as_str();
    for chunk in ids.chunks(500) {
        let offers_solved: Vec<Option<String>> = matches::table
            .filter(matches::offer_id.eq_any(chunk))
            .filter(matches::offer_response.eq(declined))
            .filter(matches::offer_reason_code.eq(solved))
            .select(matches::offer_id)
            .load(conn)?;
        let needs_solved: Vec<Option<String>> = matches::table
            .filter(matches::need_id.eq_any(chunk))
            .filter(matches::need_response.eq(declined))
            .filter(matches::need_reason_code.eq(solved))
            .select(matches::need_id)
            .load(conn)?;
        for id in offers_solved.into_iter().chain(needs_solved).flatten() {
            out.entry(id).or_default().solved = true;
        }
        let too_low: Vec<(Option<String>, Option<String>)> = matches::table
            .filter(matches::need_id.eq_any(chunk))
            .filter(matches::need_response.eq(declined))
            .filter(matches::need_reason_code.eq(DeclineReason::TrlTooLow.as_str()))
            .select((matches::need_id, matches::offer_id))
            .load(conn)?;
        let offer_ids: Vec<String> = too_low.iter().filter_map(|(_, o)| o.clone()).collect();
        let trls: std::collections::HashMap<String, Option<i32>> = listings::table
            .filter(listings::id.eq_any(&offer_ids))
            .select((listings::id, listings::trl))
            .load::<(String, Option<i32>)>(conn)?
            .into_iter()
            .collect();
        for (need, offer) in too_low {
            let (Some(need), Some(offer)) = (need, offer) else { continue };
            if let Some(Some(trl)) = trls.get(&offer) {
                let entry = out.entry(need).or_default();
                entry.declined_trl = Some(entry.declined_trl.map_or(*trl, |t| t.max(*trl)));
            }
        }
    }
    Ok(out)
}

/// The matches a listing is in, by the other listing's id.
pub fn partners_of(
    conn: &mut DbConnection,
    listing_id: &str,
) -> Result<std::collections::HashMap<String, MatchRow>, AppError> {
    let rows: Vec<MatchRow> = matches::table
        .filter(matches::offer_id.eq(listing_id).or(matches::need_id.eq(listing_id)))
        .select(MatchRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let other =
                if row.offer_id.as_deref() == Some(listing_id) { row.need_id.clone() } else { row.offer_id.clone() };
            other.map(|other| (other, row))
        })
        .collect())
}

/// An organization's request on a listing that is still open (waiting or connected).
pub fn open_request(conn: &mut DbConnection, org_id: &str, listing_id: &str) -> Result<Option<MatchRow>, AppError> {
    Ok(matches::table
        .filter(matches::requester_org_id.eq(org_id))
        .filter(matches::request_listing_id.eq(listing_id))
        .filter(matches::state.eq_any([
            MatchState::Requested.as_str(),
            MatchState::Connected.as_str(),
            MatchState::Piloting.as_str(),
        ]))
        .select(MatchRow::as_select())
        .first(conn)
        .optional()?)
}

/// When an organization opened its requests since `since`, oldest first.
pub fn requests_since(
    conn: &mut DbConnection,
    org_id: &str,
    since: NaiveDateTime,
) -> Result<Vec<NaiveDateTime>, AppError> {
    Ok(matches::table
        .filter(matches::requester_org_id.eq(org_id))
        .filter(matches::created_at.gt(since))
        .order(matches::created_at.asc())
        .select(matches::created_at)
        .load(conn)?)
}
