//! The registry's transactions: each runs inside one database transaction, with the audit
//! record and the emails it causes.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::json;

use super::access::{OrgAccess, access};
use super::emails::{self, Decision};
use super::lifecycle::{OrgAction, OrgStatus, transition};
use super::rules::{self, Context, Organization, OrganizationInput};
use super::store::{self, OrgRecord, TransitionRecord};
use super::views::OrganizationView;
use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::error::{AppError, Text};
use crate::i18n::Lang;
use crate::review::{self, OwnerNotice, Reviewed};
use crate::tenants;

pub const ENTITY: &str = "organization";

/// Loads an organization and what the caller may do with it; 404 when the caller may not
/// know it exists.
pub fn load(conn: &mut DbConnection, caller: Option<&Principal>, id: &str) -> Result<(OrgRecord, OrgAccess), AppError> {
    let record = store::find(conn, id)?.ok_or(AppError::NotFound)?;
    let member = match caller {
        Some(principal) => store::member_role(conn, id, &principal.user_id)?,
        None => None,
    };
    let access = access(caller, &record.row.tenant_id, record.status(), member).ok_or(AppError::NotFound)?;
    Ok((record, access))
}

pub fn rules_context_tenants(conn: &mut DbConnection) -> Result<Vec<String>, AppError> {
    Ok(tenants::store::list(conn, false)?.into_iter().map(|t| t.id).collect())
}

pub fn validate(
    state: &AppState,
    conn: &mut DbConnection,
    input: OrganizationInput,
    now: NaiveDateTime,
) -> Result<Organization, AppError> {
    let active_tenants = rules_context_tenants(conn)?;
    rules::validate(input, &Context { taxonomy: &state.taxonomy, active_tenants: &active_tenants, today: now.date() })
}

/// 409 for a tax code another organization holds. It says where to ask to join, naming
/// the holder only when it is public.
pub fn ensure_tax_code_free(conn: &mut DbConnection, org: &Organization, except: Option<&str>) -> Result<(), AppError> {
    let Some(tax_code) = &org.tax_code else {
        return Ok(());
    };
    let Some((id, name, tenant_id, status)) = store::holder_of_tax_code(conn, tax_code.as_str())? else {
        return Ok(());
    };
    if Some(id.as_str()) == except {
        return Ok(());
    }
    let province = tenants::store::find(conn, &tenant_id)?.map(|t| t.name_vi).unwrap_or_else(|| tenant_id.clone());
    let public = OrgStatus::parse(&status).is_some_and(OrgStatus::is_public);
    let (vi, en) = if public {
        (
            format!(
                "Mã số thuế {tax_code} đã được đăng ký cho \"{name}\" ({province}). Hãy đề nghị chủ sở hữu của tổ chức này mời bạn tham gia thay vì đăng ký lại."
            ),
            format!(
                "Tax code {tax_code} is already registered to \"{name}\" ({province}). Ask one of its owners to invite you instead of registering it again."
            ),
        )
    } else {
        (
            format!(
                "Mã số thuế {tax_code} đã được đăng ký tại {province}. Hãy đề nghị người đã đăng ký mời bạn tham gia, hoặc liên hệ Sở KH&CN {province}."
            ),
            format!(
                "Tax code {tax_code} is already registered in {province}. Ask whoever registered it to invite you, or contact the Department of S&T of {province}."
            ),
        )
    };
    let mut existing = json!({ "province": tenant_id });
    if public {
        existing["id"] = json!(id);
        existing["legal_name"] = json!(name);
    }
    Err(AppError::conflict_with(Text::owned(vi, en), [("existing_organization", existing)]))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
    /// Public organizations with a similar name.
    pub similar: Vec<SimilarOrganization>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SimilarOrganization {
    pub id: String,
    pub legal_name: String,
}

/// Warns (does not refuse) when the province already has an organization with a very
/// similar name.
pub fn similar_name_warnings(
    conn: &mut DbConnection,
    id: &str,
    org: &Organization,
    lang: Lang,
) -> Result<Vec<Warning>, AppError> {
    let look_alikes: Vec<(String, String, String)> = store::names_in_province(conn, &org.tenant_id, id)?
        .into_iter()
        .filter(|(_, name, _)| rules::names_look_alike(name, &org.legal_name))
        .collect();
    if look_alikes.is_empty() {
        return Ok(Vec::new());
    }
    let similar = look_alikes
        .iter()
        .filter(|(_, _, status)| OrgStatus::parse(status).is_some_and(OrgStatus::is_public))
        .map(|(id, name, _)| SimilarOrganization { id: id.clone(), legal_name: name.clone() })
        .collect();
    Ok(vec![Warning {
        code: "similar_name",
        message: lang
            .pick(
                "Tỉnh này đã có tổ chức với tên rất giống. Nếu đó là tổ chức của bạn, hãy đề nghị được mời tham gia thay vì đăng ký mới.",
                "This province already has an organization with a very similar name. If it is yours, ask to be invited instead of registering anew.",
            )
            .to_owned(),
        similar,
    }])
}

/// A lifecycle step: version check, transition check, the conditional update, the audit
/// record and the owners' emails, all in the caller's transaction.
pub struct Step<'a> {
    pub action: OrgAction,
    pub expected_version: Option<i32>,
    pub actor: &'a str,
    pub reason: Option<&'a str>,
    pub field_comments: &'a BTreeMap<String, String>,
    pub client_ip: Option<&'a str>,
}

pub fn apply_step(
    state: &AppState,
    conn: &mut DbConnection,
    record: &OrgRecord,
    step: &Step<'_>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let from = record.status();
    let version = record.row.version;
    review::check_version(REVIEWED, step.expected_version, from.as_str(), version)?;
    let to = transition(from, step.action).ok_or_else(|| not_allowed(from, step.action, version))?;
    let comments = (!step.field_comments.is_empty()).then(|| json!(step.field_comments).to_string());
    let moved = store::transition(
        conn,
        &record.row.id,
        &TransitionRecord {
            from,
            to,
            expected_version: version,
            reason: step.reason,
            field_comments: comments.as_deref(),
        },
        now,
    )?;
    if !moved {
        // Someone else changed it between our read and our write.
        let current = store::find(conn, &record.row.id)?.ok_or(AppError::NotFound)?;
        return Err(stale(current.status(), current.row.version));
    }
    audit::record(
        conn,
        AuditEntry {
            tenant_id: Some(&record.row.tenant_id),
            actor_id: Some(step.actor),
            entity_type: ENTITY,
            entity_id: &record.row.id,
            action: step.action.as_str(),
            from_state: Some(from.as_str()),
            to_state: Some(to.as_str()),
            reason: step.reason,
            details: comments
                .as_ref()
                .map(|c| json!({ "field_comments": serde_json::from_str::<serde_json::Value>(c).unwrap_or_default() })),
            client_ip: step.client_ip,
        },
        now,
    )?;
    // What the province approved or sent back is what the next review compares with.
    let approved = to == OrgStatus::Approved && step.action == OrgAction::Approve;
    if approved || step.action == OrgAction::RequestChanges {
        let decided = store::find(conn, &record.row.id)?.ok_or(AppError::NotFound)?;
        let snapshot = review::snapshot::Snapshot {
            version: decided.row.version,
            decision: step.action.as_str().to_owned(),
            fields: reviewed_values(&decided),
            decided_by: Some(step.actor.to_owned()),
            decided_at: now,
        };
        review::snapshot::record(conn, ENTITY, &record.row.id, &snapshot)?;
    }
    // Suspension hides the organization's listings, reinstatement shows them again.
    super::events::standing_changed(conn, &state.jobs, &record.row.id)?;
    if step.action.is_decision() {
        email_owners(state, conn, record, step, version + 1)?;
    }
    Ok(())
}

fn email_owners(
    state: &AppState,
    conn: &mut DbConnection,
    record: &OrgRecord,
    step: &Step<'_>,
    version: i32,
) -> Result<(), AppError> {
    let province = tenants::store::find(conn, &record.row.tenant_id)?
        .map(|t| t.name_vi)
        .unwrap_or_else(|| record.row.tenant_id.clone());
    let comments: Vec<(String, String)> = step.field_comments.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let notice = OwnerNotice {
        kind: crate::notify::Kind::ReviewDecision,
        entity: ENTITY,
        id: &record.row.id,
        tenant_id: &record.row.tenant_id,
        province_name: &province,
        path: format!("orgs/{}", record.row.id),
        event: format!("org-decision:{}:{version}", record.row.id),
    };
    let message = |lang| {
        emails::decision(&Decision {
            lang,
            org_name: &record.row.legal_name,
            province_name: &province,
            action: step.action,
            reason: step.reason,
            field_comments: &comments,
        })
    };
    let owners = store::owners(conn, &record.row.id)?;
    review::tell_owners(conn, state, owners, &notice, message, state.clock.now())
}

/// What the review's conflicts call an organization.
/// The organization's fields as its province reviews them, for comparing an edit with the
/// version last decided on. The contact person's details are left out: they are personal data,
/// kept in one place only.
pub fn reviewed_values(record: &OrgRecord) -> review::snapshot::Fields {
    let view = serde_json::to_value(OrganizationView::public(record)).unwrap_or_default();
    review::snapshot::flatten(&view, &["id", "status", "approved_at", "private"])
}

/// What changed since the province last approved the organization or sent it back.
pub fn changes_since_review(
    conn: &mut DbConnection,
    record: &OrgRecord,
) -> Result<review::snapshot::ChangesView, AppError> {
    let snapshot = review::snapshot::last_decided(conn, ENTITY, &record.row.id)?;
    Ok(review::snapshot::ChangesView::between(snapshot.as_ref(), &reviewed_values(record), record.row.version))
}

pub const REVIEWED: Reviewed = Reviewed { vi: "hồ sơ", en: "organization" };

/// 409: the organization changed since the caller read `version`.
pub fn stale(current: OrgStatus, version: i32) -> AppError {
    review::stale(REVIEWED, current.as_str(), version)
}

pub fn not_allowed(current: OrgStatus, action: OrgAction, version: i32) -> AppError {
    review::not_allowed(REVIEWED, current.as_str(), action, version)
}

/// 403 for callers who can see the organization but may not do this; 404 for the rest.
pub fn refuse(access: &OrgAccess, vi: &'static str, en: &'static str) -> AppError {
    if access.private { AppError::Forbidden(Text::new(vi, en)) } else { AppError::NotFound }
}
