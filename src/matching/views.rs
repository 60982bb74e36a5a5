//! Matches as each caller may see them: contact details and confidential listing details
//! only for the two sides, and only once they are connected.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::lifecycle::{MatchState, Side};
use super::score::ScorePart;
use super::store::MatchRow;
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::error::AppError;

/// Who is looking at a match.
#[derive(Debug, Clone)]
pub struct MatchAccess {
    /// The sides the caller is a member of.
    pub sides: Vec<Side>,
    /// An officer of either side's province (or a platform admin).
    pub officer: bool,
    /// An officer who may act (not only read).
    pub officer_may_act: bool,
}

impl MatchAccess {
    pub fn participant(&self) -> bool {
        !self.sides.is_empty()
    }
}

pub fn access(conn: &mut DbConnection, principal: &Principal, row: &MatchRow) -> Result<Option<MatchAccess>, AppError> {
    let mut sides = Vec::new();
    if crate::registry::store::member_role(conn, &row.offer_org_id, &principal.user_id)?.is_some() {
        sides.push(Side::Offer);
    }
    if crate::registry::store::member_role(conn, &row.need_org_id, &principal.user_id)?.is_some() {
        sides.push(Side::Need);
    }
    let scopes: Vec<_> =
        [&row.offer_tenant_id, &row.need_tenant_id].iter().filter_map(|t| principal.review_scope(t)).collect();
    let officer = !scopes.is_empty();
    let officer_may_act = scopes.iter().any(|s| s.may_decide());
    Ok((!sides.is_empty() || officer).then_some(MatchAccess { sides, officer, officer_may_act }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchedListing {
    /// Missing for an interested organization that has no listing of its own.
    pub id: Option<String>,
    pub title_vi: Option<String>,
    pub organization_id: String,
    pub organization_name: String,
    /// The organization's province.
    pub province: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SideAnswer {
    pub response: Option<String>,
    pub reason_code: Option<String>,
    /// The free text of "other": for that side and the officers only.
    pub reason_text: Option<String>,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub responded_at: Option<NaiveDateTime>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub confidential_details: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Contacts {
    pub offer: Contact,
    pub need: Contact,
}

/// What an interested organization asked, with origin `interest`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub organization_id: Option<String>,
    /// The listing it asked about.
    pub listing_id: Option<String>,
    pub purpose: Option<String>,
    pub timing: Option<String>,
    pub terms: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchView {
    pub id: String,
    pub state: String,
    /// 0 to 1.
    pub score: f64,
    /// Every part of the score and what it compared.
    pub score_parts: Vec<ScorePart>,
    /// `engine`, `facilitated` (proposed by an officer) or `interest` (asked for by one side).
    pub origin: String,
    /// With origin `interest`: who asked and their three answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestView>,
    pub note: Option<String>,
    pub offer: MatchedListing,
    pub need: MatchedListing,
    pub offer_answer: SideAnswer,
    pub need_answer: SideAnswer,
    /// The sides the caller speaks for.
    pub your_sides: Vec<Side>,
    pub deal_value_vnd: Option<i64>,
    pub deal_date: Option<NaiveDate>,
    /// Why a stopped match was stopped: no_budget, technology_unfit, partner_unresponsive,
    /// found_elsewhere or other.
    pub stop_reason_code: Option<String>,
    /// The text of "other": for the two sides and the officers.
    pub stop_reason_text: Option<String>,
    pub version: i32,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub connected_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub closed_at: Option<NaiveDateTime>,
    /// Once connected, for the two sides only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Contacts>,
}

fn matched_listing(
    conn: &mut DbConnection,
    listing_id: Option<&str>,
    org_id: &str,
    tenant_id: &str,
) -> Result<MatchedListing, AppError> {
    if let Some(listing_id) = listing_id {
        let record = crate::listings::store::find(conn, listing_id)?.ok_or(AppError::NotFound)?;
        return Ok(MatchedListing {
            id: Some(record.row.id.clone()),
            title_vi: Some(record.row.title_vi.clone()),
            organization_id: record.row.org_id.clone(),
            organization_name: record.org_name.clone(),
            province: record.row.tenant_id.clone(),
        });
    }
    let name = crate::registry::store::find(conn, org_id)?.map(|o| o.row.legal_name).unwrap_or_default();
    Ok(MatchedListing {
        id: None,
        title_vi: None,
        organization_id: org_id.to_owned(),
        organization_name: name,
        province: tenant_id.to_owned(),
    })
}

fn contact(conn: &mut DbConnection, org_id: &str, listing_id: Option<&str>) -> Result<Contact, AppError> {
    let (name, email, phone) = crate::registry::store::contact_of(conn, org_id)?.unwrap_or_default();
    let confidential = match listing_id {
        Some(id) => crate::listings::store::find(conn, id)?.and_then(|l| l.row.confidential_details),
        None => None,
    };
    Ok(Contact { name, email, phone, confidential_details: confidential })
}

pub fn view(conn: &mut DbConnection, row: &MatchRow, access: &MatchAccess) -> Result<MatchView, AppError> {
    let connected = MatchState::parse(&row.state).is_some_and(MatchState::is_connected);
    let contacts = if connected && access.participant() {
        Some(Contacts {
            offer: contact(conn, &row.offer_org_id, row.offer_id.as_deref())?,
            need: contact(conn, &row.need_org_id, row.need_id.as_deref())?,
        })
    } else {
        None
    };
    let sees_text = |side: Side| access.officer || access.sides.contains(&side);
    Ok(MatchView {
        id: row.id.clone(),
        state: row.state.clone(),
        score: row.score,
        score_parts: row.score().map(|s| s.parts).unwrap_or_default(),
        origin: row.origin.clone(),
        request: row.requester_org_id.is_some().then(|| RequestView {
            organization_id: row.requester_org_id.clone(),
            listing_id: row.request_listing_id.clone(),
            purpose: row.request_purpose.clone(),
            timing: row.request_timing.clone(),
            terms: row.request_terms.clone(),
        }),
        note: row.note.clone(),
        offer: matched_listing(conn, row.offer_id.as_deref(), &row.offer_org_id, &row.offer_tenant_id)?,
        need: matched_listing(conn, row.need_id.as_deref(), &row.need_org_id, &row.need_tenant_id)?,
        offer_answer: SideAnswer {
            response: row.offer_response.clone(),
            reason_code: row.offer_reason_code.clone(),
            reason_text: row.offer_reason_text.clone().filter(|_| sees_text(Side::Offer)),
            responded_at: row.offer_responded_at,
        },
        need_answer: SideAnswer {
            response: row.need_response.clone(),
            reason_code: row.need_reason_code.clone(),
            reason_text: row.need_reason_text.clone().filter(|_| sees_text(Side::Need)),
            responded_at: row.need_responded_at,
        },
        your_sides: access.sides.clone(),
        deal_value_vnd: row.deal_value_vnd,
        deal_date: row.deal_date,
        stop_reason_code: row.stop_reason_code.clone(),
        stop_reason_text: row.stop_reason_text.clone(),
        version: row.version,
        created_at: row.created_at,
        connected_at: row.connected_at,
        closed_at: row.closed_at,
        contacts,
    })
}
