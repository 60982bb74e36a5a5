//! Reads what the outcome figures count: deals that count, follow-ups sent, declines with
//! the fields of both listings, and approved intermediaries. Of one province (either side
//! in it) or of the whole country.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::figures::{CountedDeal, Decline, Events, Intermediary, SentFollowUp};
use super::rules::{DealStatus, value_is_public};
use crate::db::DbConnection;
use crate::db::schema::{deal_records, listing_fields, match_follow_ups, matches, organizations, taxonomy_terms};
use crate::error::AppError;
use crate::matching::lifecycle::{Response, Side};
use crate::registry::lifecycle::OrgStatus;
use crate::registry::model::OrgKind;
use crate::taxonomy::{CodeRef, Scheme};

fn local_day(at: NaiveDateTime) -> NaiveDate {
    crate::notify::digest::local_time(at).date()
}

/// Everything counted, of one province or of the country.
pub fn load(conn: &mut DbConnection, tenant: Option<&str>) -> Result<Events, AppError> {
    Ok(Events {
        deals: deals(conn, tenant)?,
        follow_ups: follow_ups(conn, tenant)?,
        declines: declines(conn, tenant)?,
        intermediaries: intermediaries(conn, tenant)?,
    })
}

/// The developed economies of the list in force.
fn developed(conn: &mut DbConnection) -> Result<BTreeSet<String>, AppError> {
    let codes: Vec<String> = taxonomy_terms::table
        .filter(taxonomy_terms::scheme.eq(Scheme::DevelopedEconomy.key()))
        .filter(taxonomy_terms::is_current.eq(true))
        .select(taxonomy_terms::code)
        .load(conn)?;
    Ok(codes.into_iter().collect())
}

type DealLine = (
    String,
    String,
    String,
    Option<i64>,
    Option<bool>,
    Option<bool>,
    i32,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

fn deals(conn: &mut DbConnection, tenant: Option<&str>) -> Result<Vec<CountedDeal>, AppError> {
    let developed = developed(conn)?;
    let mut query = deal_records::table
        .inner_join(matches::table)
        .filter(deal_records::status.eq_any([DealStatus::Verified.as_str(), DealStatus::OfficerRecorded.as_str()]))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query
            .filter(matches::offer_tenant_id.eq(tenant.to_owned()).or(matches::need_tenant_id.eq(tenant.to_owned())));
    }
    let rows: Vec<DealLine> = query
        .select((
            matches::offer_tenant_id,
            matches::need_tenant_id,
            deal_records::status,
            deal_records::value_vnd,
            deal_records::offer_publishes_value,
            deal_records::need_publishes_value,
            deal_records::ip_asset_count,
            deal_records::origin,
            deal_records::origin_country,
            deal_records::signed_on,
            deal_records::created_at,
            matches::connected_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                offer_tenant,
                need_tenant,
                status,
                value_vnd,
                offer,
                need,
                ip_assets,
                origin,
                country,
                signed,
                created,
                connected,
            )| {
                let signed_on = signed.unwrap_or_else(|| local_day(created));
                CountedDeal {
                    offer_tenant,
                    need_tenant,
                    officer_recorded: status == DealStatus::OfficerRecorded.as_str(),
                    value_vnd,
                    value_public: value_is_public(offer, need),
                    ip_assets,
                    origin,
                    developed: country.is_some_and(|c| developed.contains(&c)),
                    signed_on,
                    days_to_deal: connected.map(|at| (signed_on - local_day(at)).num_days().max(0)),
                }
            },
        )
        .collect())
}

fn follow_ups(conn: &mut DbConnection, tenant: Option<&str>) -> Result<Vec<SentFollowUp>, AppError> {
    use match_follow_ups as f;
    let mut query = f::table.inner_join(matches::table).into_boxed();
    if let Some(tenant) = tenant {
        let (offer, need) = (Side::Offer.as_str(), Side::Need.as_str());
        query = query.filter(
            f::side
                .eq(offer)
                .and(matches::offer_tenant_id.eq(tenant.to_owned()))
                .or(f::side.eq(need).and(matches::need_tenant_id.eq(tenant.to_owned()))),
        );
    }
    let rows: Vec<(String, String, String, NaiveDateTime, Option<String>)> =
        query.select((f::side, matches::offer_tenant_id, matches::need_tenant_id, f::sent_at, f::answer)).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(side, offer, need, sent_at, answer)| SentFollowUp {
            tenant: if side == Side::Need.as_str() { need } else { offer },
            sent_on: local_day(sent_at),
            answered: answer.is_some(),
        })
        .collect())
}

type DeclineLine = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<NaiveDateTime>,
    Option<String>,
    Option<String>,
    Option<NaiveDateTime>,
);

/// Each side's decline, with the S&T fields of both listings of the match.
fn declines(conn: &mut DbConnection, tenant: Option<&str>) -> Result<Vec<Decline>, AppError> {
    let declined = Response::Declined.as_str();
    macro_rules! declined_matches {
        ($query:expr) => {{
            let mut query = $query
                .filter(matches::offer_response.eq(declined).or(matches::need_response.eq(declined)))
                .into_boxed();
            if let Some(tenant) = tenant {
                query = query.filter(
                    matches::offer_tenant_id.eq(tenant.to_owned()).or(matches::need_tenant_id.eq(tenant.to_owned())),
                );
            }
            query
        }};
    }
    let rows: Vec<DeclineLine> = declined_matches!(matches::table)
        .select((
            matches::id,
            matches::offer_tenant_id,
            matches::need_tenant_id,
            matches::offer_response,
            matches::offer_reason_code,
            matches::offer_responded_at,
            matches::need_response,
            matches::need_reason_code,
            matches::need_responded_at,
        ))
        .load(conn)?;
    let offer_fields: Vec<(String, String, String)> = declined_matches!(
        matches::table
            .inner_join(listing_fields::table.on(matches::offer_id.eq(listing_fields::listing_id.nullable())))
    )
    .select((matches::id, listing_fields::code, listing_fields::version))
    .load(conn)?;
    let need_fields: Vec<(String, String, String)> = declined_matches!(
        matches::table.inner_join(listing_fields::table.on(matches::need_id.eq(listing_fields::listing_id.nullable())))
    )
    .select((matches::id, listing_fields::code, listing_fields::version))
    .load(conn)?;
    let mut fields: BTreeMap<String, BTreeSet<CodeRef>> = BTreeMap::new();
    for (id, code, version) in offer_fields.into_iter().chain(need_fields) {
        fields.entry(id).or_default().insert(CodeRef { code, version });
    }
    let mut out = Vec::new();
    for (id, offer_tenant, need_tenant, offer, offer_reason, offer_at, need, need_reason, need_at) in rows {
        let of_match: Vec<CodeRef> = fields.get(&id).map(|f| f.iter().cloned().collect()).unwrap_or_default();
        let sides = [
            (offer, offer_reason, offer_at, &offer_tenant, &need_tenant),
            (need, need_reason, need_at, &need_tenant, &offer_tenant),
        ];
        for (response, reason, at, tenant, other) in sides {
            if let (Some(declined_now), Some(at)) = (response, at)
                && declined_now == declined
            {
                out.push(Decline {
                    tenant: tenant.clone(),
                    other_tenant: other.clone(),
                    reason: reason.unwrap_or_else(|| "other".into()),
                    on: local_day(at),
                    fields: of_match.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// Approved intermediaries, incubators counted as a subtype of their own.
fn intermediaries(conn: &mut DbConnection, tenant: Option<&str>) -> Result<Vec<Intermediary>, AppError> {
    let (intermediary, incubator) = (OrgKind::Intermediary.as_str(), OrgKind::Incubator.as_str());
    let mut query = organizations::table
        .filter(organizations::status.eq(OrgStatus::Approved.as_str()))
        .filter(organizations::kind.eq_any([intermediary, incubator]))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query.filter(organizations::tenant_id.eq(tenant.to_owned()));
    }
    type Line = (String, String, Option<String>, Option<NaiveDateTime>, Option<NaiveDateTime>);
    let rows: Vec<Line> = query
        .select((
            organizations::tenant_id,
            organizations::kind,
            organizations::intermediary_type,
            organizations::first_approved_at,
            organizations::approved_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(tenant, kind, subtype, first, latest)| {
            let since = local_day(first.or(latest)?);
            let subtype = if kind == incubator { incubator.to_owned() } else { subtype? };
            Some(Intermediary { tenant, subtype, since })
        })
        .collect())
}

/// One province's outcome figures over a period (`today` in Vietnam).
pub fn province(
    conn: &mut DbConnection,
    tenant: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
    full: bool,
) -> Result<super::figures::DealFigures, AppError> {
    let events = load(conn, Some(tenant))?;
    Ok(super::figures::deal_figures(&events, super::figures::Scope::Province(tenant), from, to, today, full, true))
}

/// Each province's outcome figures, and the country's (with the declines).
pub fn national(
    conn: &mut DbConnection,
    tenants: &[&str],
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
    full: bool,
) -> Result<(BTreeMap<String, super::figures::DealFigures>, super::figures::DealFigures), AppError> {
    use super::figures::{Scope, deal_figures};
    let events = load(conn, None)?;
    let provinces = tenants
        .iter()
        .map(|t| ((*t).to_owned(), deal_figures(&events, Scope::Province(t), from, to, today, full, false)))
        .collect();
    Ok((provinces, deal_figures(&events, Scope::Nation, from, to, today, full, true)))
}
