//! The market's figures from the deal records (Programme 1158/QĐ-TTg): verified deals and
//! their value, the share with IP assets, from institutes and universities, from abroad.
//! A deal between two provinces counts in each, and once for the country. The public sees
//! totals only, and a value only where both sides let it be published.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use super::rules::{DealStatus, Origin, value_is_public};
use crate::db::DbConnection;
use crate::db::schema::{deal_records, matches};
use crate::error::AppError;

/// One counted deal, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedDeal {
    pub offer_tenant: String,
    pub need_tenant: String,
    pub value_vnd: Option<i64>,
    pub value_public: bool,
    pub ip_assets: i32,
    pub origin: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub deals: i64,
    pub value_vnd: i64,
    pub public_value_vnd: i64,
    pub with_ip_assets: i64,
    pub from_institutes: i64,
    pub from_abroad: i64,
}

impl Tally {
    fn add(&mut self, deal: &CountedDeal) {
        let value = deal.value_vnd.unwrap_or(0);
        self.deals += 1;
        self.value_vnd += value;
        self.public_value_vnd += if deal.value_public { value } else { 0 };
        self.with_ip_assets += i64::from(deal.ip_assets > 0);
        self.from_institutes += i64::from(deal.origin.as_deref() == Some(Origin::DomesticInstitute.as_str()));
        self.from_abroad += i64::from(deal.origin.as_deref() == Some(Origin::Foreign.as_str()));
    }

    /// What the stats show: everything for officers, totals for the public.
    pub fn figures(&self, full: bool) -> DealFigures {
        let share = |part: i64| (full && self.deals > 0).then(|| part as f64 / self.deals as f64);
        DealFigures {
            verified_deals: self.deals,
            value_vnd: if full { self.value_vnd } else { self.public_value_vnd },
            share_with_ip_assets: share(self.with_ip_assets),
            share_from_institutes: share(self.from_institutes),
            share_from_abroad: share(self.from_abroad),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DealFigures {
    /// Deals confirmed by both sides or recorded by an officer, signed in the period.
    pub verified_deals: i64,
    /// Their value in VND: for officers every value given; for the public only the values
    /// both sides let be published.
    pub value_vnd: i64,
    /// Officers only, 0 to 1: deals with at least one IP asset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_with_ip_assets: Option<f64>,
    /// Officers only: technology from domestic institutes and universities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_from_institutes: Option<f64>,
    /// Officers only: technology from abroad.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_from_abroad: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tallies {
    pub provinces: BTreeMap<String, Tally>,
    pub nation: Tally,
}

impl Tallies {
    pub fn of(&self, tenant: &str) -> Tally {
        self.provinces.get(tenant).copied().unwrap_or_default()
    }
}

/// Spreads deals over their provinces. Pure.
pub fn tally(deals: &[CountedDeal]) -> Tallies {
    let mut tallies = Tallies::default();
    for deal in deals {
        tallies.nation.add(deal);
        tallies.provinces.entry(deal.offer_tenant.clone()).or_default().add(deal);
        if deal.need_tenant != deal.offer_tenant {
            tallies.provinces.entry(deal.need_tenant.clone()).or_default().add(deal);
        }
    }
    tallies
}

/// Verified and officer-recorded deals signed within [from, to], of one province or all.
pub fn gather(
    conn: &mut DbConnection,
    tenant: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Tallies, AppError> {
    let mut query = deal_records::table
        .inner_join(matches::table)
        .filter(deal_records::status.eq_any([DealStatus::Verified.as_str(), DealStatus::OfficerRecorded.as_str()]))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query
            .filter(matches::offer_tenant_id.eq(tenant.to_owned()).or(matches::need_tenant_id.eq(tenant.to_owned())));
    }
    if let Some(from) = from {
        query = query.filter(deal_records::signed_on.ge(from));
    }
    if let Some(to) = to {
        query = query.filter(deal_records::signed_on.le(to));
    }
    type Row = (String, String, Option<i64>, Option<bool>, Option<bool>, i32, Option<String>);
    let rows: Vec<Row> = query
        .select((
            matches::offer_tenant_id,
            matches::need_tenant_id,
            deal_records::value_vnd,
            deal_records::offer_publishes_value,
            deal_records::need_publishes_value,
            deal_records::ip_asset_count,
            deal_records::origin,
        ))
        .load(conn)?;
    let deals: Vec<CountedDeal> = rows
        .into_iter()
        .map(|(offer_tenant, need_tenant, value_vnd, offer, need, ip_assets, origin)| CountedDeal {
            offer_tenant,
            need_tenant,
            value_vnd,
            value_public: value_is_public(offer, need),
            ip_assets,
            origin,
        })
        .collect();
    Ok(tally(&deals))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deal(offer: &str, need: &str, value: i64, public: bool, ip: i32, origin: &str) -> CountedDeal {
        CountedDeal {
            offer_tenant: offer.into(),
            need_tenant: need.into(),
            value_vnd: Some(value),
            value_public: public,
            ip_assets: ip,
            origin: Some(origin.into()),
        }
    }

    #[test]
    fn deals_count_in_each_province_and_once_nationally() {
        let tallies =
            tally(&[deal("48", "92", 900, false, 1, "domestic_institute"), deal("48", "48", 100, true, 0, "foreign")]);
        assert_eq!(tallies.nation.deals, 2);
        assert_eq!(tallies.of("48").deals, 2);
        assert_eq!(tallies.of("92").deals, 1);
        assert_eq!(tallies.of("01"), Tally::default());
        let full = tallies.nation.figures(true);
        assert_eq!(full.value_vnd, 1000);
        assert_eq!(
            (full.share_with_ip_assets, full.share_from_institutes, full.share_from_abroad),
            (Some(0.5), Some(0.5), Some(0.5))
        );
    }

    #[test]
    fn the_public_sees_totals_and_only_published_values() {
        let tallies = tally(&[deal("48", "92", 900, false, 1, "foreign")]);
        let public = tallies.of("92").figures(false);
        assert_eq!(public.verified_deals, 1);
        assert_eq!(public.value_vnd, 0, "a value the sides keep private never shows");
        assert_eq!(public.share_with_ip_assets, None);
        assert_eq!(tally(&[]).nation.figures(true).share_from_abroad, None, "no share of nothing");
    }
}
