//! The deal record's rules, pure: codes against the versioned lists, amounts, dates, IP
//! assets with their numbers, and the origin of the technology.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::code_enum;
use crate::error::{FieldError, Text, Violations};
use crate::listings::model::Vnd;
use crate::taxonomy::{CodeRef, Scheme, Taxonomy};

code_enum! {
    pub enum DealStatus {
        /// Recorded by one side, waiting for the other to confirm.
        Recorded => "recorded",
        Verified => "verified",
        /// Entered by an officer of either side's province from a paper contract.
        OfficerRecorded => "officer_recorded",
    }
}

code_enum! {
    pub enum IpKind {
        Patent => "patent",
        UtilitySolution => "utility_solution",
        IndustrialDesign => "industrial_design",
        KnowHow => "know_how",
    }
}

code_enum! {
    pub enum Origin {
        DomesticInstitute => "domestic_institute",
        DomesticEnterprise => "domestic_enterprise",
        Foreign => "foreign",
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct IpAssetInput {
    /// `patent`, `utility_solution`, `industrial_design` or `know_how`.
    pub kind: Option<String>,
    /// The grant or application number; required except for know-how.
    pub number: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IpAsset {
    pub kind: String,
    pub number: Option<String>,
    pub title: Option<String>,
}

/// The terms as a side or an officer states them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DealTermsInput {
    /// Transfer objects (`/taxonomy` scheme `transfer_object`).
    #[serde(default)]
    pub objects: Vec<String>,
    /// `assignment`, `licence_exclusive`, `licence_non_exclusive`, `licence_sublicensable`.
    #[serde(default)]
    pub rights: Vec<String>,
    /// Forms and methods, from the transfer modes.
    #[serde(default)]
    pub modes: Vec<String>,
    #[serde(default)]
    pub ip_assets: Vec<IpAssetInput>,
    /// The contract value in VND.
    pub value_vnd: Option<i64>,
    /// ISO 4217, when the contract is in a foreign currency.
    pub foreign_currency: Option<String>,
    /// The amount in that currency, as a decimal ("12500.00").
    pub foreign_amount: Option<String>,
    /// The signing date, YYYY-MM-DD; not in the future.
    pub date: Option<String>,
    pub duration_months: Option<i32>,
    /// `domestic_institute`, `domestic_enterprise` or `foreign`.
    pub origin: Option<String>,
    /// ISO 3166-1 alpha-2, required with `foreign`.
    pub origin_country: Option<String>,
    /// The registration of the transfer with the authority, if any.
    pub registration_number: Option<String>,
    pub registration_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealTerms {
    pub objects: Vec<CodeRef>,
    pub rights: Vec<CodeRef>,
    pub modes: Vec<CodeRef>,
    pub ip_assets: Vec<IpAsset>,
    pub value_vnd: Option<i64>,
    pub foreign: Option<(String, String)>,
    pub signed_on: Option<NaiveDate>,
    pub duration_months: Option<i32>,
    pub origin: Option<Origin>,
    pub origin_country: Option<String>,
    pub registration: Option<(String, Option<NaiveDate>)>,
}

fn filled(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn date(field: &'static str, raw: Option<String>, today: NaiveDate) -> Result<Option<NaiveDate>, FieldError> {
    let Some(raw) = filled(raw) else { return Ok(None) };
    let parsed = NaiveDate::parse_from_str(&raw, "%Y-%m-%d").map_err(|_| {
        FieldError::new(field, "invalid_date", Text::new("Ngày có dạng YYYY-MM-DD.", "Dates are written YYYY-MM-DD."))
    })?;
    if parsed > today {
        return Err(FieldError::new(
            field,
            "in_future",
            Text::new("Ngày này chưa đến.", "This date is in the future."),
        ));
    }
    Ok(Some(parsed))
}

fn short(field: String, raw: Option<String>, max: usize, v: &mut Violations) -> Option<String> {
    let value = filled(raw)?;
    if value.chars().count() > max || value.chars().any(char::is_control) {
        v.push(FieldError::too_long(field, max));
        return None;
    }
    Some(value)
}

fn ip_asset(index: usize, input: IpAssetInput, v: &mut Violations) -> Option<IpAsset> {
    let kind = match filled(input.kind) {
        Some(raw) => v.check(IpKind::parse(&raw).ok_or_else(|| {
            FieldError::one_of(
                format!("ip_assets[{index}].kind"),
                &IpKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            )
        })),
        None => {
            v.push(FieldError::required(format!("ip_assets[{index}].kind")));
            None
        }
    }?;
    let number = short(format!("ip_assets[{index}].number"), input.number, 60, v);
    if number.is_none() && kind != IpKind::KnowHow {
        v.push(FieldError::required(format!("ip_assets[{index}].number")));
        return None;
    }
    let title = short(format!("ip_assets[{index}].title"), input.title, 300, v);
    Some(IpAsset { kind: kind.as_str().to_owned(), number, title })
}

fn foreign_amount(raw: &str) -> bool {
    let mut parts = raw.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let cents = parts.next().unwrap_or("00");
    (1..=15).contains(&whole.len())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && (1..=2).contains(&cents.len())
        && cents.bytes().all(|b| b.is_ascii_digit())
}

fn upper_code(raw: &str, len: usize) -> Option<String> {
    let code = raw.trim().to_ascii_uppercase();
    (code.len() == len && code.bytes().all(|b| b.is_ascii_uppercase())).then_some(code)
}

/// A foreign country: a code of the ISO 3166-1 list in force, other than Viet Nam's.
pub fn foreign_country(raw: &str, taxonomy: &Taxonomy) -> Result<String, FieldError> {
    let code = upper_code(raw, 2).ok_or_else(|| {
        FieldError::invalid(
            "origin_country",
            Text::new(
                "Mã quốc gia ISO 3166-1 gồm hai chữ cái (JP, KR…).",
                "A two-letter ISO 3166-1 country code (JP, KR…).",
            ),
        )
    })?;
    if code == "VN" {
        return Err(FieldError::new(
            "origin_country",
            "not_foreign",
            Text::new(
                "Việt Nam không phải nước ngoài: chọn nguồn gốc trong nước.",
                "Viet Nam is not abroad: choose a domestic origin.",
            ),
        ));
    }
    if !taxonomy.is_current_code(Scheme::Country, &code) {
        return Err(FieldError::new(
            "origin_country",
            "unknown_code",
            Text::owned(
                format!("Không có quốc gia mã \"{code}\" trong danh mục ISO 3166-1."),
                format!("No country has the code \"{code}\" in ISO 3166-1."),
            ),
        ));
    }
    Ok(code)
}

/// A foreign currency: a code of the ISO 4217 list in force, other than the dong and the
/// codes that name no currency (testing, no currency).
pub fn foreign_currency(raw: &str, taxonomy: &Taxonomy) -> Result<String, FieldError> {
    let code = upper_code(raw, 3).ok_or_else(|| {
        FieldError::invalid(
            "foreign_currency",
            Text::new(
                "Mã tiền tệ ISO 4217 gồm ba chữ cái (USD, EUR…).",
                "A three-letter ISO 4217 currency code (USD, EUR…).",
            ),
        )
    })?;
    if code == "VND" {
        return Err(FieldError::new(
            "foreign_currency",
            "not_foreign",
            Text::new("Giá trị bằng đồng Việt Nam ghi ở ô giá trị (VND).", "A value in dong goes in the VND value."),
        ));
    }
    if matches!(code.as_str(), "XTS" | "XXX") || !taxonomy.is_current_code(Scheme::Currency, &code) {
        return Err(FieldError::new(
            "foreign_currency",
            "unknown_code",
            Text::owned(
                format!("Không có tiền tệ mã \"{code}\" trong danh mục ISO 4217."),
                format!("No currency has the code \"{code}\" in ISO 4217."),
            ),
        ));
    }
    Ok(code)
}

/// Whether a country is counted as developed: in the list of developed economies in force.
pub fn is_developed(country: Option<&str>, taxonomy: &Taxonomy) -> bool {
    country.is_some_and(|c| taxonomy.is_current_code(Scheme::DevelopedEconomy, c))
}

/// Checks every term and reports each bad field at once.
pub fn validate(
    input: DealTermsInput,
    taxonomy: &Taxonomy,
    today: NaiveDate,
) -> Result<DealTerms, crate::error::AppError> {
    let mut v = Violations::new();
    let objects = v.check(taxonomy.validate_codes(Scheme::TransferObject, "objects", &input.objects, 10));
    let rights = v.check(taxonomy.validate_codes(Scheme::DealRight, "rights", &input.rights, 4));
    let modes = v.check(taxonomy.validate_codes(Scheme::TransferMode, "modes", &input.modes, 20));
    if input.ip_assets.len() > 50 {
        v.push(FieldError::too_long("ip_assets", 50));
    }
    let ip_assets: Vec<IpAsset> =
        input.ip_assets.into_iter().take(50).enumerate().filter_map(|(i, a)| ip_asset(i, a, &mut v)).collect();
    let value_vnd = input.value_vnd.and_then(|amount| v.check(Vnd::parse("value_vnd", amount))).map(Vnd::amount);
    let foreign = match (filled(input.foreign_currency), filled(input.foreign_amount)) {
        (None, None) => None,
        (Some(currency), Some(amount)) => {
            let currency = v.check(foreign_currency(&currency, taxonomy));
            let amount = v.check(foreign_amount(&amount).then_some(amount).ok_or_else(|| {
                FieldError::invalid(
                    "foreign_amount",
                    Text::new("Số tiền dạng 12500.00.", "An amount such as 12500.00."),
                )
            }));
            currency.zip(amount)
        }
        (None, Some(_)) => {
            v.push(FieldError::required("foreign_currency"));
            None
        }
        (Some(_), None) => {
            v.push(FieldError::required("foreign_amount"));
            None
        }
    };
    let signed_on = v.check(date("date", input.date, today)).flatten();
    let duration_months = input.duration_months.and_then(|m| {
        v.check(
            (0..=1200).contains(&m).then_some(m).ok_or_else(|| FieldError::out_of_range("duration_months", 0, 1200)),
        )
    });
    let origin = filled(input.origin).and_then(|raw| v.check(Origin::parse_field("origin", &raw)));
    let origin_country = match (origin, filled(input.origin_country)) {
        (Some(Origin::Foreign), None) => {
            v.push(FieldError::required("origin_country"));
            None
        }
        (Some(Origin::Foreign), Some(raw)) => v.check(foreign_country(&raw, taxonomy)),
        (_, Some(_)) => {
            v.push(FieldError::new(
                "origin_country",
                "not_applicable",
                Text::new(
                    "Chỉ nêu quốc gia khi công nghệ từ nước ngoài.",
                    "A country goes with a foreign origin only.",
                ),
            ));
            None
        }
        (_, None) => None,
    };
    let registration_number = short("registration_number".into(), input.registration_number, 60, &mut v);
    let registration_date = v.check(date("registration_date", input.registration_date, today)).flatten();
    if registration_date.is_some() && registration_number.is_none() {
        v.push(FieldError::required("registration_number"));
    }
    v.into_result()?;
    Ok(DealTerms {
        objects: objects.unwrap_or_default(),
        rights: rights.unwrap_or_default(),
        modes: modes.unwrap_or_default(),
        ip_assets,
        value_vnd,
        foreign,
        signed_on,
        duration_months,
        origin,
        origin_country,
        registration: registration_number.map(|n| (n, registration_date)),
    })
}

/// A value is public only when both sides said so.
pub fn value_is_public(offer: Option<bool>, need: Option<bool>) -> bool {
    offer == Some(true) && need == Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;
    use crate::taxonomy::Term;

    fn term(scheme: &str, code: &str) -> Term {
        Term {
            scheme: scheme.into(),
            version: "2017".into(),
            code: code.into(),
            parent_code: None,
            level: 1,
            kind: None,
            name_vi: code.into(),
            name_en: None,
            source: "test".into(),
            is_current: true,
            position: 0,
        }
    }

    fn taxonomy() -> Taxonomy {
        Taxonomy::from_terms(vec![
            term("transfer_object", "know_how"),
            term("transfer_object", "process"),
            term("deal_right", "licence_exclusive"),
            term("transfer_mode", "training"),
            term("country", "JP"),
            term("country", "KR"),
            term("country", "VN"),
            term("currency", "USD"),
            term("currency", "VND"),
            term("currency", "XTS"),
            term("developed_economy", "JP"),
        ])
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
    }

    fn fields(result: Result<DealTerms, AppError>) -> Vec<String> {
        match result {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field.into_owned()).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    fn full() -> DealTermsInput {
        DealTermsInput {
            objects: vec!["process".into(), "know_how".into()],
            rights: vec!["licence_exclusive".into()],
            modes: vec!["training".into()],
            ip_assets: vec![
                IpAssetInput { kind: Some("patent".into()), number: Some("1-0012345".into()), title: None },
                IpAssetInput { kind: Some("know_how".into()), number: None, title: Some("Chủng vi sinh".into()) },
            ],
            value_vnd: Some(900_000_000),
            foreign_currency: Some("usd".into()),
            foreign_amount: Some("36000.50".into()),
            date: Some("2026-12-01".into()),
            duration_months: Some(24),
            origin: Some("foreign".into()),
            origin_country: Some("jp".into()),
            registration_number: Some("12/2026/GCN-CGCN".into()),
            registration_date: Some("2026-12-03".into()),
        }
    }

    #[test]
    fn a_complete_record_is_accepted_and_normalised() {
        let terms = validate(full(), &taxonomy(), today()).unwrap();
        assert_eq!(terms.objects.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), vec!["know_how", "process"]);
        assert_eq!(terms.foreign, Some(("USD".into(), "36000.50".into())));
        assert_eq!(terms.origin, Some(Origin::Foreign));
        assert_eq!(terms.origin_country.as_deref(), Some("JP"));
        assert_eq!(terms.ip_assets[1].number, None);
        assert_eq!(terms.signed_on, NaiveDate::from_ymd_opt(2026, 12, 1));
    }

    #[test]
    fn an_empty_record_is_accepted() {
        assert_eq!(validate(DealTermsInput::default(), &taxonomy(), today()).unwrap().objects, vec![]);
    }

    #[test]
    fn each_bad_field_is_named() {
        let bad = DealTermsInput {
            objects: vec!["recipe".into()],
            rights: vec!["licence".into()],
            ip_assets: vec![IpAssetInput { kind: Some("patent".into()), number: Some("  ".into()), title: None }],
            value_vnd: Some(-1),
            date: Some("2026-12-05".into()),
            origin: Some("foreign".into()),
            ..full()
        };
        let bad = DealTermsInput { origin_country: None, ..bad };
        assert_eq!(
            fields(validate(bad, &taxonomy(), today())),
            vec!["objects", "rights", "ip_assets[0].number", "value_vnd", "date", "origin_country"]
        );
    }

    #[test]
    fn half_a_foreign_amount_or_a_stray_country_is_refused() {
        let input = DealTermsInput { foreign_amount: None, origin: Some("domestic_enterprise".into()), ..full() };
        assert_eq!(fields(validate(input, &taxonomy(), today())), vec!["foreign_amount", "origin_country"]);
        let input = DealTermsInput { origin_country: Some("VN".into()), foreign_amount: Some("1,5".into()), ..full() };
        assert_eq!(fields(validate(input, &taxonomy(), today())), vec!["foreign_amount", "origin_country"]);
    }

    #[test]
    fn countries_and_currencies_are_checked_against_the_iso_lists() {
        let taxonomy = taxonomy();
        assert_eq!(foreign_country(" jp ", &taxonomy).unwrap(), "JP");
        let codes = |raw: &str| foreign_country(raw, &taxonomy).unwrap_err().code;
        assert_eq!(codes("VN"), "not_foreign");
        assert_eq!(codes("XK"), "unknown_code", "the right shape, in no list");
        assert_eq!(codes("JPN"), "invalid");
        assert_eq!(codes("J1"), "invalid");
        assert_eq!(foreign_currency("usd", &taxonomy).unwrap(), "USD");
        let codes = |raw: &str| foreign_currency(raw, &taxonomy).unwrap_err().code;
        assert_eq!(codes("VND"), "not_foreign");
        assert_eq!(codes("ABC"), "unknown_code");
        assert_eq!(codes("XTS"), "unknown_code", "in the list, but no currency");
        assert_eq!(codes("US"), "invalid");
        for error in [foreign_country("XK", &taxonomy).unwrap_err(), foreign_currency("ABC", &taxonomy).unwrap_err()] {
            assert_ne!(error.message.vi, error.message.en, "said in both languages");
        }
        assert!(is_developed(Some("JP"), &taxonomy));
        assert!(!is_developed(Some("KR"), &taxonomy), "not in this test's list");
        assert!(!is_developed(None, &taxonomy));
    }

    #[test]
    fn an_unknown_country_or_currency_is_named_beside_the_other_bad_fields() {
        let input = DealTermsInput {
            origin_country: Some("ZZ".into()),
            foreign_currency: Some("ABC".into()),
            value_vnd: Some(-3),
            ..full()
        };
        assert_eq!(
            fields(validate(input, &taxonomy(), today())),
            vec!["value_vnd", "foreign_currency", "origin_country"]
        );
    }

    #[test]
    fn the_value_is_public_only_when_both_agree() {
        assert!(value_is_public(Some(true), Some(true)));
        for (offer, need) in [(Some(true), None), (None, Some(true)), (Some(true), Some(false)), (None, None)] {
            assert!(!value_is_public(offer, need));
        }
    }
}
