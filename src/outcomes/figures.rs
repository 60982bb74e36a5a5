//! The market's figures (Programme 1158/QĐ-TTg), pure: verified deals and their value,
//! officer-recorded ones counted apart, the shares with IP assets, from institutes and
//! universities, from abroad and from developed countries, the days from connection to
//! deal, the follow-up response rate, approved intermediaries by subtype, and decline
//! reasons; for the period and for each year of it, with growth over the year before.
//!
//! A deal between two provinces counts in each, and once for the country. The public sees
//! totals only, and a value only where both sides let it be published: an unpublished
//! value is never added into any total the public sees, so no total (however few deals it
//! covers) can give one away.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::taxonomy::CodeRef;

/// One deal that counts (verified by the other side, or recorded by an officer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedDeal {
    pub offer_tenant: String,
    pub need_tenant: String,
    pub officer_recorded: bool,
    pub value_vnd: Option<i64>,
    pub value_public: bool,
    pub ip_assets: i32,
    pub origin: Option<String>,
    pub developed: bool,
    pub signed_on: NaiveDate,
    /// Days from the connection to the signing, when the match was connected.
    pub days_to_deal: Option<i64>,
}

/// A follow-up email to one side: the province of that side, the day it went out, and
/// whether the side answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentFollowUp {
    pub tenant: String,
    pub sent_on: NaiveDate,
    pub answered: bool,
}

/// One side's decline of a match, with the S&T fields of the two listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decline {
    /// The province of the side that declined.
    pub tenant: String,
    /// The province of the other side.
    pub other_tenant: String,
    pub reason: String,
    pub on: NaiveDate,
    pub fields: Vec<CodeRef>,
}

/// An approved intermediary of the S&T market: its subtype and the day of its first approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intermediary {
    pub tenant: String,
    pub subtype: String,
    pub since: NaiveDate,
}

/// Everything the figures count, of one province (either side in it) or of the country.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Events {
    pub deals: Vec<CountedDeal>,
    pub follow_ups: Vec<SentFollowUp>,
    pub declines: Vec<Decline>,
    pub intermediaries: Vec<Intermediary>,
}

/// Whose figures: one province's, or the country's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    Province(&'a str),
    Nation,
}

impl Scope<'_> {
    fn touches(self, a: &str, b: &str) -> bool {
        match self {
            Scope::Province(t) => a == t || b == t,
            Scope::Nation => true,
        }
    }

    fn holds(self, tenant: &str) -> bool {
        self.touches(tenant, tenant)
    }
}

/// Days counted, both ends included; `None` is open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Span {
    fn contains(self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SubtypeCount {
    /// technology_exchange, transfer_centre, incubator, consulting, assessment_valuation,
    /// brokerage or ip_services.
    pub subtype: String,
    pub count: i64,
}

/// Approved intermediaries at the end of the days counted (approved now and first approved
/// by then); incubators are counted as a subtype of their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct IntermediaryFigures {
    pub total: i64,
    pub by_subtype: Vec<SubtypeCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FollowUpFigures {
    /// Follow-up emails that went out to the province's sides in the days counted.
    pub sent: i64,
    /// Of those, the ones answered (whenever the answer came).
    pub answered: i64,
    /// answered / sent, 0 to 1.
    pub response_rate: Option<f64>,
}

/// What the deal records and the registry say over some days.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OutcomeFigures {
    /// Deals confirmed by both sides or recorded by an officer, signed in the days counted.
    pub verified_deals: i64,
    /// Of those, the ones the other side confirmed.
    pub confirmed_deals: i64,
    /// Of those, the ones an officer recorded from a paper contract (counted apart, and in
    /// `verified_deals`).
    pub officer_recorded_deals: i64,
    /// Their value in VND: for officers every value given; for the public only the values
    /// both sides let be published.
    pub value_vnd: i64,
    /// Deals whose value both sides let be published.
    pub published_value_deals: i64,
    /// Officers only, 0 to 1: deals with at least one IP asset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_with_ip_assets: Option<f64>,
    /// Officers only: technology from domestic institutes and universities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_from_institutes: Option<f64>,
    /// Officers only: technology from abroad.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_from_abroad: Option<f64>,
    /// Officers only: technology from a developed country (the list of developed economies
    /// in force, `GET /taxonomy/developed-economies`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_from_developed_countries: Option<f64>,
    /// Officers only: the median number of days from the connection to the signing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median_days_to_deal: Option<f64>,
    /// Officers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_ups: Option<FollowUpFigures>,
    pub intermediaries: IntermediaryFigures,
}

/// The figures a year is compared on, over the same days a year before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct YearBefore {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub verified_deals: i64,
    pub officer_recorded_deals: i64,
    pub value_vnd: i64,
    pub intermediaries: i64,
}

/// Growth over the same days a year before: 0.25 is a quarter more; none when the year
/// before had none.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Growth {
    pub verified_deals: Option<f64>,
    pub officer_recorded_deals: Option<f64>,
    pub value_vnd: Option<f64>,
    pub intermediaries: Option<f64>,
}

/// One calendar year's part of the period (up to today), compared with the same days of
/// the year before.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct YearFigures {
    pub year: i32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(flatten)]
    pub figures: OutcomeFigures,
    pub year_before: YearBefore,
    pub growth: Growth,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeclinesByField {
    pub year: i32,
    /// The decline reason code (`field_not_relevant`, `trl_too_low`, …).
    pub reason: String,
    /// An S&T field of either listing: a decline counts in each.
    pub field: CodeRef,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeclinesByProvince {
    pub year: i32,
    pub reason: String,
    /// The province of the side that declined.
    pub province: String,
    pub count: i64,
}

/// Officers only: why sides declined, by year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeclineFigures {
    pub total: i64,
    pub by_field: Vec<DeclinesByField>,
    pub by_province: Vec<DeclinesByProvince>,
}

/// The outcome figures of a province or of the country.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DealFigures {
    /// Over the whole period.
    #[serde(flatten)]
    pub totals: OutcomeFigures,
    /// Each year of the period, oldest first.
    pub by_year: Vec<YearFigures>,
    /// Officers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declines: Option<DeclineFigures>,
}

impl DealFigures {
    /// Nothing to count.
    pub fn empty(full: bool) -> DealFigures {
        DealFigures {
            totals: outcome_figures(&Events::default(), Scope::Nation, Span::default(), full),
            by_year: Vec::new(),
            declines: None,
        }
    }
}

fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| round4(part as f64 / whole as f64))
}

/// Growth of `now` over `before`, none when there was nothing before.
pub fn growth(now: i64, before: i64) -> Option<f64> {
    (before != 0).then(|| round4((now - before) as f64 / before as f64))
}

/// The median of some numbers; none of nothing.
pub fn median(mut values: Vec<i64>) -> Option<f64> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2] as f64),
        _ => Some((values[n / 2 - 1] + values[n / 2]) as f64 / 2.0),
    }
}

/// What `full` (officers) or the public sees over `span`.
pub fn outcome_figures(events: &Events, scope: Scope<'_>, span: Span, full: bool) -> OutcomeFigures {
    let deals: Vec<&CountedDeal> = events
        .deals
        .iter()
        .filter(|d| scope.touches(&d.offer_tenant, &d.need_tenant) && span.contains(d.signed_on))
        .collect();
    let n = deals.len() as i64;
    let count = |keep: &dyn Fn(&CountedDeal) -> bool| deals.iter().filter(|d| keep(d)).count() as i64;
    let officer = count(&|d| d.officer_recorded);
    let sum = |public_only: bool| {
        deals.iter().filter(|d| !public_only || d.value_public).map(|d| d.value_vnd.unwrap_or(0)).sum::<i64>()
    };
    let full_share = |keep: &dyn Fn(&CountedDeal) -> bool| if full { share(count(keep), n) } else { None };
    let follow_ups: Vec<&SentFollowUp> =
        events.follow_ups.iter().filter(|f| scope.holds(&f.tenant) && span.contains(f.sent_on)).collect();
    let answered = follow_ups.iter().filter(|f| f.answered).count() as i64;
    let sent = follow_ups.len() as i64;
    OutcomeFigures {
        verified_deals: n,
        confirmed_deals: n - officer,
        officer_recorded_deals: officer,
        value_vnd: sum(!full),
        published_value_deals: count(&|d| d.value_public),
        share_with_ip_assets: full_share(&|d| d.ip_assets > 0),
        share_from_institutes: full_share(&|d| d.origin.as_deref() == Some("domestic_institute")),
        share_from_abroad: full_share(&|d| d.origin.as_deref() == Some("foreign")),
        share_from_developed_countries: full_share(&|d| d.origin.as_deref() == Some("foreign") && d.developed),
        median_days_to_deal: if full { median(deals.iter().filter_map(|d| d.days_to_deal).collect()) } else { None },
        follow_ups: full.then(|| FollowUpFigures { sent, answered, response_rate: share(answered, sent) }),
        intermediaries: intermediaries(events, scope, span.to),
    }
}

fn intermediaries(events: &Events, scope: Scope<'_>, until: Option<NaiveDate>) -> IntermediaryFigures {
    let mut by_subtype: BTreeMap<&str, i64> = BTreeMap::new();
    for i in events.intermediaries.iter().filter(|i| scope.holds(&i.tenant) && until.is_none_or(|u| i.since <= u)) {
        *by_subtype.entry(i.subtype.as_str()).or_default() += 1;
    }
    IntermediaryFigures {
        total: by_subtype.values().sum(),
        by_subtype: by_subtype.into_iter().map(|(s, count)| SubtypeCount { subtype: s.to_owned(), count }).collect(),
    }
}

/// The same day a year earlier (29 February becomes the 28th).
fn a_year_before(day: NaiveDate) -> NaiveDate {
    let year = day.year() - 1;
    day.with_year(year).or_else(|| NaiveDate::from_ymd_opt(year, day.month(), 28)).unwrap_or(day)
}

/// The first day anything counted in this scope happened, if anything did.
fn first_day(events: &Events, scope: Scope<'_>) -> Option<NaiveDate> {
    let deals = events.deals.iter().filter(|d| scope.touches(&d.offer_tenant, &d.need_tenant)).map(|d| d.signed_on);
    let follow_ups = events.follow_ups.iter().filter(|f| scope.holds(&f.tenant)).map(|f| f.sent_on);
    let declines = events.declines.iter().filter(|d| scope.touches(&d.tenant, &d.other_tenant)).map(|d| d.on);
    let intermediaries = events.intermediaries.iter().filter(|i| scope.holds(&i.tenant)).map(|i| i.since);
    deals.chain(follow_ups).chain(declines).chain(intermediaries).min()
}

/// Each calendar year's part of [from, to] up to today: (year, first day, last day). An
/// open start begins with the first year anything of this scope happened (this year when
/// nothing did).
pub fn years(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
    events: &Events,
    scope: Scope<'_>,
) -> Vec<(i32, NaiveDate, NaiveDate)> {
    let this_year = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let start = from.or_else(|| first_day(events, scope)).unwrap_or(this_year);
    let end = to.map_or(today, |t| t.min(today));
    let mut out = Vec::new();
    for year in start.year()..=end.year() {
        let (Some(jan1), Some(dec31)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31))
        else {
            continue;
        };
        let (first, last) = (jan1.max(start), dec31.min(end));
        if first <= last {
            out.push((year, first, last));
        }
    }
    out
}

/// The figures of each year of the period, each compared with the same days a year before.
pub fn by_year(
    events: &Events,
    scope: Scope<'_>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
    full: bool,
) -> Vec<YearFigures> {
    years(from, to, today, events, scope)
        .into_iter()
        .map(|(year, first, last)| {
            let figures = outcome_figures(events, scope, Span { from: Some(first), to: Some(last) }, full);
            let (before_from, before_to) = (a_year_before(first), a_year_before(last));
            let before = outcome_figures(events, scope, Span { from: Some(before_from), to: Some(before_to) }, full);
            let growth = Growth {
                verified_deals: growth(figures.verified_deals, before.verified_deals),
                officer_recorded_deals: growth(figures.officer_recorded_deals, before.officer_recorded_deals),
                value_vnd: growth(figures.value_vnd, before.value_vnd),
                intermediaries: growth(figures.intermediaries.total, before.intermediaries.total),
            };
            YearFigures {
                year,
                from: first,
                to: last,
                year_before: YearBefore {
                    from: before_from,
                    to: before_to,
                    verified_deals: before.verified_deals,
                    officer_recorded_deals: before.officer_recorded_deals,
                    value_vnd: before.value_vnd,
                    intermediaries: before.intermediaries.total,
                },
                growth,
                figures,
            }
        })
        .collect()
}

/// Why sides declined, per year of the period, by S&T field and by the declining side's
/// province.
pub fn declines(events: &Events, scope: Scope<'_>, years: &[(i32, NaiveDate, NaiveDate)]) -> DeclineFigures {
    let mut by_field: BTreeMap<(i32, String, CodeRef), i64> = BTreeMap::new();
    let mut by_province: BTreeMap<(i32, String, String), i64> = BTreeMap::new();
    let mut total = 0;
    for decline in events.declines.iter().filter(|d| scope.touches(&d.tenant, &d.other_tenant)) {
        let Some(&(year, _, _)) = years.iter().find(|(_, first, last)| (*first..=*last).contains(&decline.on)) else {
            continue;
        };
        total += 1;
        let fields: BTreeSet<&CodeRef> = decline.fields.iter().collect();
        for field in fields {
            *by_field.entry((year, decline.reason.clone(), field.clone())).or_default() += 1;
        }
        *by_province.entry((year, decline.reason.clone(), decline.tenant.clone())).or_default() += 1;
    }
    DeclineFigures {
        total,
        by_field: by_field
            .into_iter()
            .map(|((year, reason, field), count)| DeclinesByField { year, reason, field, count })
            .collect(),
        by_province: by_province
            .into_iter()
            .map(|((year, reason, province), count)| DeclinesByProvince { year, reason, province, count })
            .collect(),
    }
}

/// The figures of one scope over a period, with its years.
pub fn deal_figures(
    events: &Events,
    scope: Scope<'_>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
    full: bool,
    with_declines: bool,
) -> DealFigures {
    let years = years(from, to, today, events, scope);
    DealFigures {
        totals: outcome_figures(events, scope, Span { from, to }, full),
        by_year: by_year(events, scope, from, to, today, full),
        declines: (full && with_declines).then(|| declines(events, scope, &years)),
    }
}

#[cfg(test)]
mod tests;
