//! Organizations as the API shows them: public fields for everyone, private ones only for
//! members and the province's officers.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::store::{OrgRecord, OrgRow};
use crate::taxonomy::CodeRef;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganizationView {
    pub id: String,
    pub kind: String,
    pub intermediary_type: Option<String>,
    pub legal_name: String,
    pub name_en: Option<String>,
    pub short_name: Option<String>,
    pub tax_code: Option<String>,
    /// Home province (administrative code).
    pub province: String,
    pub address: Option<String>,
    pub website: Option<String>,
    pub year_founded: Option<i32>,
    pub size_band: Option<String>,
    pub st_fields: Vec<CodeRef>,
    pub strategic_tags: Vec<CodeRef>,
    pub description_vi: Option<String>,
    pub description_en: Option<String>,
    pub host_institution: Option<String>,
    pub certificate_number: Option<String>,
    pub certificate_date: Option<NaiveDate>,
    pub certificate_issuer: Option<String>,
    /// Present once the S&T enterprise certificate was revoked or cancelled: the
    /// organization stays in the directory, its S&T-enterprise standing has ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_standing: Option<CertificateStanding>,
    pub status: String,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub approved_at: Option<NaiveDateTime>,
    /// What speaks for it: on one organization's profile only (not in lists or exports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust: Option<Trust>,
    /// Present only for members, the province's officers and platform admins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private: Option<PrivateDetails>,
}

/// What speaks for an organization: the deals that count and how long it has been approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Trust {
    /// Deals confirmed by both sides or recorded by an officer, this organization on either side.
    pub verified_deals: i64,
    /// The day of its first approval (Vietnam time); a later approval does not reset it.
    pub approved_since: Option<NaiveDate>,
    /// Whole days from then to today.
    pub approved_days: Option<i64>,
}

/// How an S&T enterprise certificate ended (Decree 268/2025/NĐ-CP): the province's
/// certificate calendar records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CertificateStanding {
    /// revoked or cancelled.
    pub status: String,
    pub reason: String,
    pub decided_on: NaiveDate,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PrivateDetails {
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// Send it back with edits and decisions; a stale one answers 409.
    pub version: i32,
    pub decision_reason: Option<String>,
    /// Per-field comments of the last request for changes.
    #[schema(value_type = Option<Object>)]
    pub field_comments: Option<serde_json::Value>,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub submitted_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub decided_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub updated_at: NaiveDateTime,
    /// The caller's membership role, if any.
    pub my_role: Option<String>,
}

impl OrganizationView {
    pub fn public(record: &OrgRecord) -> OrganizationView {
        let row = &record.row;
        OrganizationView {
            id: row.id.clone(),
            kind: row.kind.clone(),
            intermediary_type: row.intermediary_type.clone(),
            legal_name: row.legal_name.clone(),
            name_en: row.name_en.clone(),
            short_name: row.short_name.clone(),
            tax_code: row.tax_code.clone(),
            province: row.tenant_id.clone(),
            address: row.address.clone(),
            website: row.website.clone(),
            year_founded: row.year_founded,
            size_band: row.size_band.clone(),
            st_fields: record.st_fields.clone(),
            strategic_tags: record.strategic_tags.clone(),
            description_vi: row.description_vi.clone(),
            description_en: row.description_en.clone(),
            host_institution: row.host_institution.clone(),
            certificate_number: row.certificate_number.clone(),
            certificate_date: row.certificate_date,
            certificate_issuer: row.certificate_issuer.clone(),
            certificate_standing: None,
            trust: None,
            status: row.status.clone(),
            approved_at: row.approved_at,
            private: None,
        }
    }

    pub fn private(record: &OrgRecord, my_role: Option<String>) -> OrganizationView {
        let row = &record.row;
        OrganizationView { private: Some(private_details(row, my_role)), ..Self::public(record) }
    }
}

fn private_details(row: &OrgRow, my_role: Option<String>) -> PrivateDetails {
    PrivateDetails {
        contact_name: row.contact_name.clone(),
        contact_email: row.contact_email.clone(),
        contact_phone: row.contact_phone.clone(),
        version: row.version,
        decision_reason: row.decision_reason.clone(),
        field_comments: row.field_comments.as_deref().and_then(|c| serde_json::from_str(c).ok()),
        submitted_at: row.submitted_at,
        decided_at: row.decided_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
        my_role,
    }
}

/// One line of a review queue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    pub id: String,
    pub kind: String,
    pub legal_name: String,
    pub tax_code: Option<String>,
    pub province: String,
    pub status: String,
    pub version: i32,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub submitted_at: Option<NaiveDateTime>,
}

impl From<OrgRow> for QueueItem {
    fn from(row: OrgRow) -> Self {
        QueueItem {
            id: row.id,
            kind: row.kind,
            legal_name: row.legal_name,
            tax_code: row.tax_code,
            province: row.tenant_id,
            status: row.status,
            version: row.version,
            submitted_at: row.submitted_at,
        }
    }
}

/// One of the caller's organizations.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyOrganization {
    pub id: String,
    pub legal_name: String,
    pub kind: String,
    pub province: String,
    pub status: String,
    pub version: i32,
    pub role: String,
}
