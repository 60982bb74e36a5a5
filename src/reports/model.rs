//! The figures as the API shows them. Parts marked "officers only" are absent from the
//! public view.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::figures::{MonthCount, MonthReview};
use super::period::Period;
use crate::code_enum;

code_enum! {
    /// What a province can set a target for; each is compared with the figure as it
    /// stands now.
    pub enum Indicator {
        /// Approved S&T enterprises (doanh nghiệp KH&CN).
        StEnterprises => "st_enterprises",
        /// Approved innovative startups.
        Startups => "startups",
        ResearchGroups => "research_groups",
        Institutes => "institutes",
        Incubators => "incubators",
        Intermediaries => "intermediaries",
        Funds => "funds",
        /// Approved organizations of every kind.
        Organizations => "organizations",
        /// Offers the marketplace shows now.
        PublishedOffers => "published_offers",
        PublishedNeeds => "published_needs",
        /// Matches whose two sides connected, ever.
        Connections => "connections",
        /// Deals recorded, ever.
        Deals => "deals",
        /// Total value of the deals recorded, in VND.
        DealValueVnd => "deal_value_vnd",
    }
}

impl Indicator {
    /// The organization kind an indicator counts, if it counts one kind.
    pub fn org_kind(self) -> Option<&'static str> {
        match self {
            Indicator::StEnterprises => Some("st_enterprise"),
            Indicator::Startups => Some("startup"),
            Indicator::ResearchGroups => Some("research_group"),
            Indicator::Institutes => Some("institute"),
            Indicator::Incubators => Some("incubator"),
            Indicator::Intermediaries => Some("intermediary"),
            Indicator::Funds => Some("fund"),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProvinceRef {
    pub code: String,
    pub name_vi: String,
}

/// A target beside the figure it aims at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TargetProgress {
    pub indicator: String,
    /// The figure as it stands now.
    pub actual: i64,
    pub target: Option<i64>,
    /// The year the target is for.
    pub target_year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct KindCount {
    pub kind: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct KindStatusCount {
    pub kind: String,
    pub status: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StateCount {
    pub state: String,
    pub count: i64,
}

/// Listings of one S&T field or strategic technology.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CodeFigures {
    pub code: String,
    pub version: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub offers: i64,
    pub needs: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OrganizationFigures {
    /// Approved organizations registered in the period.
    pub approved: i64,
    pub approved_by_kind: Vec<KindCount>,
    /// Officers only: every organization registered in the period, whatever its state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered: Option<i64>,
    /// Officers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_kind_status: Option<Vec<KindStatusCount>>,
    /// Officers only: registrations by month (Vietnam time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registrations_per_month: Option<Vec<MonthCount>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ListingFigures {
    /// Listings created in the period that the marketplace shows.
    pub published_offers: i64,
    pub published_needs: i64,
    /// Officers only: every listing created in the period, by kind and state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_kind_status: Option<Vec<KindStatusCount>>,
    /// Published listings by S&T field (a listing counts in each of its fields).
    pub by_st_field: Vec<CodeFigures>,
    /// Published listings by strategic technology.
    pub by_strategic_tag: Vec<CodeFigures>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MatchFigures {
    /// Officers only: matches suggested or proposed in the period, by state now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_state: Option<Vec<StateCount>>,
    /// Officers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    /// Matches whose two sides connected in the period.
    pub connections: i64,
    /// Deals agreed in the period.
    pub deals: i64,
    /// Officers only: their total value, where the sides gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deal_value_vnd: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct QueueFigures {
    pub organizations: i64,
    pub listings: i64,
    pub total: i64,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub oldest_submitted_at: Option<NaiveDateTime>,
    /// Hours the oldest item has waited.
    pub oldest_waiting_hours: Option<f64>,
    /// Province figures only: what waits, by how long it has waited (`under_1_day`,
    /// `1_to_3_days`, `3_to_7_days`, `7_to_14_days`, `over_14_days`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_age: Vec<AgeCount>,
}

/// Items of a queue that have waited this long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AgeCount {
    pub age: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReviewFigures {
    /// Decisions (approve, reject, request changes) taken in the period.
    pub decisions: i64,
    /// From submission to decision, in hours.
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    pub per_month: Vec<MonthReview>,
    /// What waits now, whatever the period.
    pub queue: QueueFigures,
}

/// What a province reports on.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProvinceFigures {
    pub province: ProvinceRef,
    /// `full` (the province's officers) or `public`.
    pub view: String,
    pub period: Period,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub generated_at: NaiveDateTime,
    /// Approved S&T enterprises now, against the province's target.
    pub st_enterprises: TargetProgress,
    /// Every target the province set, beside its figure now.
    pub targets: Vec<TargetProgress>,
    pub organizations: OrganizationFigures,
    pub listings: ListingFigures,
    pub matches: MatchFigures,
    /// What the deal records say (verified or officer-recorded deals).
    pub deals: crate::outcomes::figures::DealFigures,
    /// Officers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewFigures>,
}

/// One province's line in the national table (and the national total).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct NationalRow {
    /// Province code; `VN` for the whole country.
    pub code: String,
    pub name_vi: String,
    pub organizations_approved: i64,
    pub st_enterprises: i64,
    pub st_enterprises_target: Option<i64>,
    pub st_enterprises_target_year: Option<i32>,
    pub published_offers: i64,
    pub published_needs: i64,
    pub connections: i64,
    pub deals: i64,
    /// What the deal records say (verified or officer-recorded deals).
    pub deal_records: crate::outcomes::figures::DealFigures,
    /// Platform admins only, from here on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deal_value_vnd: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_decisions: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_median_hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_p90_hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_length: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oldest_waiting_hours: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct NationalFigures {
    /// `full` (platform admins) or `public`.
    pub view: String,
    pub period: Period,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub generated_at: NaiveDateTime,
    /// The country: a match between two provinces counts once here, and once in each.
    pub totals: NationalRow,
    pub provinces: Vec<NationalRow>,
}
