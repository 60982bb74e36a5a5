//! Listings as the API shows them.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::store::ListingRecord;
use crate::search::Highlights;
use crate::taxonomy::CodeRef;

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrgSummary {
    pub id: String,
    pub legal_name: String,
    /// Home province code.
    pub province: String,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Vsic {
    pub section: String,
    pub code: Option<String>,
    /// The classification the code belongs to, e.g. "2025".
    pub version: String,
}

/// Read back (`Deserialize`) only from the public card the search index keeps: highlights
/// and private details never travel that way.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ListingView {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub organization: OrgSummary,
    /// Where the technology is or is needed (province code).
    pub location: String,
    pub title_vi: String,
    pub title_en: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub keywords: Vec<String>,
    pub st_fields: Vec<CodeRef>,
    pub strategic_tags: Vec<CodeRef>,
    pub transfer_modes: Vec<CodeRef>,
    pub vsic: Option<Vsic>,
    pub trl: Option<i32>,
    pub price_vnd: Option<i64>,
    pub price_negotiable: bool,
    pub budget_min_vnd: Option<i64>,
    pub budget_max_vnd: Option<i64>,
    pub ip_status: Option<String>,
    pub patent_number: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    #[serde(serialize_with = "crate::http::time::utc_option", deserialize_with = "crate::http::time::from_utc_option")]
    pub published_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::http::time::utc_option", deserialize_with = "crate::http::time::from_utc_option")]
    pub expires_at: Option<NaiveDateTime>,
    /// Marketplace search only: the matched words in `<b>`.
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub highlights: Option<Highlights>,
    /// For members of the organization and the province's officers only.
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub private: Option<ListingPrivate>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListingPrivate {
    pub version: i32,
    pub confidential_details: Option<String>,
    pub decision_reason: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub field_comments: Option<serde_json::Value>,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub submitted_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub decided_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub closed_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub updated_at: NaiveDateTime,
    pub my_role: Option<String>,
}

impl ListingView {
    pub fn public(record: &ListingRecord) -> ListingView {
        let row = &record.row;
        ListingView {
            id: row.id.clone(),
            kind: row.kind.clone(),
            status: row.status.clone(),
            organization: OrgSummary {
                id: row.org_id.clone(),
                legal_name: record.org_name.clone(),
                province: row.tenant_id.clone(),
            },
            location: row.location_tenant_id.clone(),
            title_vi: row.title_vi.clone(),
            title_en: row.title_en.clone(),
            summary: row.summary.clone(),
            description: row.description.clone(),
            keywords: record.keywords(),
            st_fields: record.st_fields.clone(),
            strategic_tags: record.strategic_tags.clone(),
            transfer_modes: record.transfer_modes.clone(),
            vsic: row.vsic_section.clone().map(|section| Vsic {
                section,
                code: row.vsic_code.clone(),
                version: row.vsic_version.clone().unwrap_or_default(),
            }),
            trl: row.trl,
            price_vnd: row.price_vnd,
            price_negotiable: row.price_negotiable,
            budget_min_vnd: row.budget_min_vnd,
            budget_max_vnd: row.budget_max_vnd,
            ip_status: row.ip_status.clone(),
            patent_number: row.patent_number.clone(),
            deadline: row.deadline,
            valid_until: row.valid_until,
            published_at: row.published_at,
            expires_at: row.expires_at,
            highlights: None,
            private: None,
        }
    }

    pub fn private(record: &ListingRecord, my_role: Option<String>) -> ListingView {
        let row = &record.row;
        ListingView {
            private: Some(ListingPrivate {
                version: row.version,
                confidential_details: row.confidential_details.clone(),
                decision_reason: row.decision_reason.clone(),
                field_comments: row.field_comments.as_deref().and_then(|c| serde_json::from_str(c).ok()),
                submitted_at: row.submitted_at,
                decided_at: row.decided_at,
                closed_at: row.closed_at,
                created_at: row.created_at,
                updated_at: row.updated_at,
                my_role,
            }),
            ..Self::public(record)
        }
    }
}

/// One line of a province's listing review queue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListingQueueItem {
    pub id: String,
    pub kind: String,
    pub title_vi: String,
    pub organization: OrgSummary,
    pub status: String,
    pub version: i32,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub submitted_at: Option<NaiveDateTime>,
}
