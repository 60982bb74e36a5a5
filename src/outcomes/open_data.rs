//! Deals in the open data: what was transferred, between which provinces, in which month,
//! from where; the value only when both sides let it be published.

use serde::Serialize;

use super::rules::{IpAsset, is_developed, value_is_public};
use super::store::PublicDealRow;
use crate::error::AppError;
use crate::taxonomy::{CodeRef, Taxonomy};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PublicDeal {
    /// The match the deal closed.
    pub id: String,
    /// `verified` (confirmed by the other side) or `officer_recorded`.
    pub status: String,
    /// The month it was signed, YYYY-MM.
    pub signed_month: String,
    pub offer_province: String,
    pub need_province: String,
    pub objects: Vec<CodeRef>,
    pub rights: Vec<CodeRef>,
    pub modes: Vec<CodeRef>,
    /// The kinds of IP assets involved (patent, utility_solution, industrial_design, know_how).
    pub ip_asset_kinds: Vec<String>,
    /// domestic_institute, domestic_enterprise or foreign.
    pub origin: Option<String>,
    pub origin_country: Option<String>,
    pub from_developed_country: bool,
    /// Only when both sides let it be published; otherwise absent, whatever it is.
    pub value_vnd: Option<i64>,
}

impl PublicDeal {
    pub fn of(row: PublicDealRow, taxonomy: &Taxonomy) -> Result<PublicDeal, AppError> {
        let (
            id,
            status,
            signed_on,
            created_at,
            offer_province,
            need_province,
            objects,
            rights,
            modes,
            ip_assets,
            value,
            offer,
            need,
            origin,
            country,
        ) = row;
        let signed = signed_on.unwrap_or_else(|| crate::notify::digest::local_time(created_at).date());
        let assets: Vec<IpAsset> = serde_json::from_str(&ip_assets)?;
        let mut kinds: Vec<String> = assets.into_iter().map(|a| a.kind).collect();
        kinds.sort();
        kinds.dedup();
        Ok(PublicDeal {
            id,
            status,
            signed_month: signed.format("%Y-%m").to_string(),
            offer_province,
            need_province,
            objects: serde_json::from_str(&objects)?,
            rights: serde_json::from_str(&rights)?,
            modes: serde_json::from_str(&modes)?,
            ip_asset_kinds: kinds,
            from_developed_country: is_developed(country.as_deref(), taxonomy),
            origin,
            origin_country: country,
            value_vnd: value.filter(|_| value_is_public(offer, need)),
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn row(value: Option<i64>, offer: Option<bool>, need: Option<bool>) -> PublicDealRow {
        (
            "m1".into(),
            "verified".into(),
            NaiveDate::from_ymd_opt(2026, 11, 20),
            NaiveDate::from_ymd_opt(2026, 11, 21).unwrap().and_hms_opt(3, 0, 0).unwrap(),
            "48".into(),
            "92".into(),
            r#"[{"code":"process","version":"2017"}]"#.into(),
            "[]".into(),
            "[]".into(),
            r#"[{"kind":"patent","number":"1-0034567","title":null},{"kind":"patent","number":"2","title":null}]"#
                .into(),
            value,
            offer,
            need,
            Some("foreign".into()),
            Some("JP".into()),
        )
    }

    #[test]
    fn the_value_shows_only_when_both_sides_agree_and_numbers_never() {
        let taxonomy = Taxonomy::default();
        for (offer, need) in [(Some(true), None), (None, Some(true)), (Some(false), Some(true)), (None, None)] {
            assert_eq!(PublicDeal::of(row(Some(987), offer, need), &taxonomy).unwrap().value_vnd, None);
        }
        let public = PublicDeal::of(row(Some(987), Some(true), Some(true)), &taxonomy).unwrap();
        assert_eq!(public.value_vnd, Some(987));
        assert_eq!(public.signed_month, "2026-11");
        assert_eq!(public.ip_asset_kinds, vec!["patent"]);
        assert!(!serde_json::to_string(&public).unwrap().contains("0034567"), "no asset numbers");
    }
}
