//! What the API and the pages do with the calendar: read it for a province, record a report
//! received or a review done, end a certificate's standing, record a startup's
//! recognition, and renew the province's feed secret. Officers of the organization's home
//! province decide; platform admins only look; everyone else finds nothing.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use serde_json::json;

use super::calendar::{self, Entry, Facts, List};
use super::rules::{self, Obligation};
use super::store::{self, StandingRow, Tracked};
use crate::app::{AppState, SharedState};
use crate::audit::{self, AuditEntry};
use crate::auth::{Principal, TenantScope};
use crate::db::DbConnection;
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::ClientIp;
use crate::registry::lifecycle::OrgStatus;
use crate::registry::service::ENTITY;

/// The calendar of the given organizations today.
pub fn entries_of(conn: &mut DbConnection, orgs: Vec<Tracked>, today: NaiveDate) -> Result<Vec<Entry>, AppError> {
    let ids: Vec<String> = orgs.iter().map(|o| o.id.clone()).collect();
    let facts = Facts {
        events: store::events_of(conn, &ids)?,
        standings: store::standings_of(conn, &ids)?,
        recognitions: store::recognitions_of(conn, &ids)?,
    };
    Ok(calendar::assemble(orgs, facts, today))
}

/// The province's calendar, with ended certificates, for its officers: 404 for others.
pub async fn province_calendar(
    state: &AppState,
    principal: &Principal,
    code: &str,
) -> Result<(Vec<Entry>, NaiveDate), AppError> {
    let scope = principal.review_scope(code).ok_or(AppError::NotFound)?;
    province_entries(state, &scope).await
}

/// The calendar of a province whose scope the caller already holds.
pub async fn province_entries(state: &AppState, scope: &TenantScope) -> Result<(Vec<Entry>, NaiveDate), AppError> {
    let tenant = scope.tenant_id().to_owned();
    let today = rules::local_date(state.clock.now());
    let entries = state
        .db
        .run(move |conn| {
            crate::tenants::store::find_active(conn, &tenant)?;
            let orgs = store::tracked(conn, Some(&tenant))?;
            entries_of(conn, orgs, today)
        })
        .await?;
    Ok((entries, today))
}

/// One list of a calendar.
pub fn listed(entries: &[Entry], list: List) -> Vec<Entry> {
    entries.iter().filter_map(|e| e.in_list(list)).collect()
}

/// The organization an officer acts on, in the calendar: 404 unless the caller works on
/// its home province, 403 for a platform admin (who only looks).
fn acted_on(conn: &mut DbConnection, principal: &Principal, org_id: &str) -> Result<(Tracked, TenantScope), AppError> {
    let org = store::tracked_one(conn, org_id)?.ok_or(AppError::NotFound)?;
    let scope = principal.review_scope(&org.tenant_id).ok_or(AppError::NotFound)?;
    if !scope.may_decide() {
        return Err(AppError::Forbidden(Text::new(
            "Chỉ cán bộ của tỉnh quản lý tổ chức mới được ghi nhận.",
            "Only officers of the organization's own province record this.",
        )));
    }
    Ok((org, scope))
}

fn not_in_calendar() -> AppError {
    AppError::conflict(Text::new(
        "Tổ chức này không có trong lịch giấy chứng nhận (chưa được duyệt, không phải loại phù hợp, chưa có giấy chứng nhận, hoặc giấy chứng nhận đã chấm dứt).",
        "This organization is not in the certificate calendar (not approved, not of a matching kind, without certificate, or its certificate has ended).",
    ))
}

/// The organization's entry, which must be in the calendar and of `kind`.
fn entry_of(
    conn: &mut DbConnection,
    org: &Tracked,
    today: NaiveDate,
    kind: crate::registry::model::OrgKind,
) -> Result<Entry, AppError> {
    if org.kind != kind.as_str() || org.approved_at.is_none() || !is_approved(conn, &org.id)? {
        return Err(not_in_calendar());
    }
    entries_of(conn, vec![org.clone()], today)?.pop().ok_or_else(not_in_calendar)
}

fn is_approved(conn: &mut DbConnection, id: &str) -> Result<bool, AppError> {
    use crate::db::schema::organizations;
    use diesel::prelude::*;
    let status: String = organizations::table.find(id).select(organizations::status).first(conn)?;
    Ok(status == OrgStatus::Approved.as_str())
}

/// An obligation met, as an officer records it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EventRequest {
    /// annual_report or review.
    pub obligation: Option<String>,
    /// For annual_report: the year reported on; the year owed if left out.
    pub year: Option<i32>,
    /// The day it was received or done, YYYY-MM-DD; today if left out.
    pub done_on: Option<String>,
}

/// Records a report received or a review done; the due dates move on. Recording the same
/// one again changes nothing.
pub async fn record_event(
    state: &AppState,
    principal: &Principal,
    ip: &ClientIp,
    org_id: String,
    request: EventRequest,
) -> Result<Entry, AppError> {
    let now = state.clock.now();
    let today = rules::local_date(now);
    let (actor, ip) = (principal.user_id.clone(), ip.0.clone());
    let principal = principal.clone();
    state
        .db
        .write(move |conn| {
            let (org, scope) = acted_on(conn, &principal, &org_id)?;
            let entry = entry_of(conn, &org, today, crate::registry::model::OrgKind::StEnterprise)?;
            if entry.standing.is_some() {
                return Err(not_in_calendar());
            }
            let mut violations = Violations::new();
            let obligation =
                violations.require("obligation", request.obligation.as_deref(), |o| match Obligation::parse(o) {
                    Some(o @ (Obligation::AnnualReport | Obligation::Review)) => Ok(o),
                    _ => Err(FieldError::one_of("obligation", &["annual_report", "review"])),
                });
            let done_on = violations.check(rules::day_not_after("done_on", request.done_on.as_deref(), today));
            let due_on = match obligation {
                Some(Obligation::AnnualReport) => match request.year {
                    Some(year) if !(2000..=today.year() + 1).contains(&year) => {
                        violations.push(FieldError::out_of_range("year", 2000, i64::from(today.year()) + 1));
                        None
                    }
                    Some(year) => Some(rules::report_due(year)),
                    None => entry.due(Obligation::AnnualReport).map(|d| d.due_on),
                },
                Some(_) => entry.due(Obligation::Review).map(|d| d.due_on),
                None => None,
            };
            let (obligation, due_on, done_on) =
                violations.finish(obligation.zip(due_on).zip(done_on).map(|((o, due), done)| (o, due, done)))?;
            let recorded = store::insert_event(
                conn,
                &store::NewEvent { org_id: &org.id, obligation, due_on, done_on, recorded_by: &actor },
                now,
            )?;
            if recorded {
                let action = match obligation {
                    Obligation::AnnualReport => "certificate_report_received",
                    _ => "certificate_review_done",
                };
                audit::record(
                    conn,
                    AuditEntry {
                        tenant_id: Some(scope.tenant_id()),
                        actor_id: Some(&actor),
                        entity_type: ENTITY,
                        entity_id: &org.id,
                        action,
                        details: Some(json!({ "due_on": due_on, "done_on": done_on })),
                        client_ip: ip.as_deref(),
                        ..AuditEntry::default()
                    },
                    now,
                )?;
            }
            entry_of(conn, &org, today, crate::registry::model::OrgKind::StEnterprise)
        })
        .await
}

/// A revocation or cancellation as the API takes it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EndingRequest {
    /// revoked or cancelled.
    pub status: Option<String>,
    /// Required: why, as the decision of the People's Committee says.
    pub reason: Option<String>,
    /// The day of the decision, YYYY-MM-DD; today if left out.
    pub decided_on: Option<String>,
}

/// Ends the certificate's standing, with its reason, audited; the organization stays
/// approved and in the directory. Its owners are told.
pub async fn end_certificate(
    state: &SharedState,
    principal: &Principal,
    ip: &ClientIp,
    org_id: String,
    request: EndingRequest,
) -> Result<Entry, AppError> {
    let now = state.clock.now();
    let today = rules::local_date(now);
    let (actor, ip) = (principal.user_id.clone(), ip.0.clone());
    let principal = principal.clone();
    let app = state.clone();
    state
        .db
        .write(move |conn| {
            let (org, scope) = acted_on(conn, &principal, &org_id)?;
            let entry = entry_of(conn, &org, today, crate::registry::model::OrgKind::StEnterprise)?;
            if entry.standing.is_some() {
                return Err(AppError::conflict(Text::new(
                    "Giấy chứng nhận này đã bị thu hồi hoặc hủy bỏ.",
                    "This certificate has already been revoked or cancelled.",
                )));
            }
            let decision = rules::parse_ending(
                request.status.as_deref(),
                request.reason.as_deref(),
                request.decided_on.as_deref(),
                today,
            )?;
            let row = StandingRow {
                org_id: org.id.clone(),
                status: decision.ending.as_str().to_owned(),
                reason: decision.reason.clone(),
                decided_on: decision.on,
            };
            if !store::insert_standing(conn, &row, &actor, now)? {
                return Err(AppError::conflict(Text::new(
                    "Giấy chứng nhận này đã bị thu hồi hoặc hủy bỏ.",
                    "This certificate has already been revoked or cancelled.",
                )));
            }
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(scope.tenant_id()),
                    actor_id: Some(&actor),
                    entity_type: ENTITY,
                    entity_id: &org.id,
                    action: match decision.ending {
                        rules::Ending::Revoked => "certificate_revoked",
                        rules::Ending::Cancelled => "certificate_cancelled",
                    },
                    from_state: Some("valid"),
                    to_state: Some(decision.ending.as_str()),
                    reason: Some(&decision.reason),
                    details: Some(json!({ "decided_on": decision.on, "certificate_number": org.certificate_number })),
                    client_ip: ip.as_deref(),
                },
                now,
            )?;
            super::reminders::tell_ended(&app, conn, &org, &decision, now)?;
            entry_of(conn, &org, today, crate::registry::model::OrgKind::StEnterprise)
        })
        .await
}

/// A startup's recognition as an officer records it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RecognitionRequest {
    /// The recognition's number, e.g. "12/DN-KNST" or "3/CN-KNST".
    pub number: Option<String>,
    /// The day of recognition, YYYY-MM-DD.
    pub date: Option<String>,
}

/// Records (or corrects) an innovative startup's recognition, valid five years.
pub async fn set_recognition(
    state: &AppState,
    principal: &Principal,
    ip: &ClientIp,
    org_id: String,
    request: RecognitionRequest,
) -> Result<Entry, AppError> {
    let now = state.clock.now();
    let today = rules::local_date(now);
    let (actor, ip) = (principal.user_id.clone(), ip.0.clone());
    let principal = principal.clone();
    state
        .db
        .write(move |conn| {
            let (org, scope) = acted_on(conn, &principal, &org_id)?;
            if org.kind != crate::registry::model::OrgKind::Startup.as_str() || !is_approved(conn, &org.id)? {
                return Err(not_in_calendar());
            }
            let (number, recognized_on) =
                rules::parse_recognition(request.number.as_deref(), request.date.as_deref(), today)?;
            let row = store::RecognitionRow { org_id: org.id.clone(), number, recognized_on };
            store::set_recognition(conn, &row, &actor, now)?;
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(scope.tenant_id()),
                    actor_id: Some(&actor),
                    entity_type: ENTITY,
                    entity_id: &org.id,
                    action: "startup_recognition_recorded",
                    details: Some(json!({ "number": row.number, "recognized_on": row.recognized_on })),
                    client_ip: ip.as_deref(),
                    ..AuditEntry::default()
                },
                now,
            )?;
            entry_of(conn, &org, today, crate::registry::model::OrgKind::Startup)
        })
        .await
}

/// A new secret address for the province's feed, for its tenant admins (and platform
/// admins): the old one stops working. Only its hash is kept; the secret is shown once.
pub async fn renew_feed(
    state: &AppState,
    principal: &Principal,
    ip: &ClientIp,
    code: &str,
) -> Result<String, AppError> {
    let scope = principal.admin_scope(code).ok_or(AppError::NotFound)?;
    let secret = crate::auth::tokens::generate();
    let hash = crate::auth::tokens::digest(&secret);
    let now = state.clock.now();
    let (actor, ip) = (principal.user_id.clone(), ip.0.clone());
    state
        .db
        .write(move |conn| {
            let tenant = scope.tenant_id();
            crate::tenants::store::find_active(conn, tenant)?;
            let renewed = store::feed_hash(conn, tenant)?.is_some();
            store::set_feed(conn, tenant, &hash, &actor, now)?;
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(tenant),
                    actor_id: Some(&actor),
                    entity_type: "tenant",
                    entity_id: tenant,
                    action: if renewed { "certificate_feed_renewed" } else { "certificate_feed_created" },
                    client_ip: ip.as_deref(),
                    ..AuditEntry::default()
                },
                now,
            )
        })
        .await?;
    Ok(secret)
}

/// The province's calendar for whoever holds its feed's current secret: 404 otherwise.
pub async fn feed(state: &AppState, code: String, secret: String) -> Result<(String, Vec<Entry>), AppError> {
    use subtle::ConstantTimeEq;
    let today = rules::local_date(state.clock.now());
    state
        .db
        .run(move |conn| {
            let province = crate::tenants::store::find(conn, &code)?.filter(|t| t.active).ok_or(AppError::NotFound)?;
            let stored = store::feed_hash(conn, &code)?.ok_or(AppError::NotFound)?;
            let presented = crate::auth::tokens::digest(&secret);
            if !bool::from(stored.as_bytes().ct_eq(presented.as_bytes())) {
                return Err(AppError::NotFound);
            }
            let orgs = store::tracked(conn, Some(&code))?;
            Ok((province.name_vi, entries_of(conn, orgs, today)?))
        })
        .await
}
