//! The listings' transactions: each lifecycle step with its audit record, its index update
//! and its emails, in one database transaction.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};
use serde_json::json;

use super::emails::{self, ListingEvent, ListingNotice};
use super::lifecycle::{ListingAction, ListingStatus, transition};
use super::rules::{self, Listing, ListingInput};
use super::store::{self, ListingRecord, TransitionRecord};
use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::registry::access::{OrgAccess, access_to};
use crate::registry::rules::Context;
use crate::review::{self, OwnerNotice, Reviewed};
use crate::search::indexing;
use crate::tenants;

pub const ENTITY: &str = "listing";

/// Loads a listing and what the caller may do with it; 404 when the caller may not know
/// it exists.
pub fn load(
    conn: &mut DbConnection,
    caller: Option<&Principal>,
    id: &str,
) -> Result<(ListingRecord, OrgAccess), AppError> {
    let record = store::find(conn, id)?.ok_or(AppError::NotFound)?;
    let member = match caller {
        Some(principal) => crate::registry::store::member_role(conn, &record.row.org_id, &principal.user_id)?,
        None => None,
    };
    let access = access_to(caller, &record.row.tenant_id, record.is_public(), member).ok_or(AppError::NotFound)?;
    Ok((record, access))
}

pub fn validate(
    state: &AppState,
    conn: &mut DbConnection,
    input: ListingInput,
    home_tenant: &str,
    now: NaiveDateTime,
) -> Result<Listing, AppError> {
    let active_tenants = crate::registry::service::rules_context_tenants(conn)?;
    rules::validate(
        input,
        home_tenant,
        &Context { taxonomy: &state.taxonomy, active_tenants: &active_tenants, today: now.date() },
    )
}

/// When a listing published now expires: after its province's period (the platform's
/// default unless the province set one), or at the end of the day its owners chose,
/// whichever comes first.
pub fn expiry(listing: &Listing, validity_days: i64, now: NaiveDateTime) -> NaiveDateTime {
    let by_period = now + Duration::days(validity_days.max(1));
    match listing.valid_until.and_then(|d| d.and_hms_opt(23, 59, 59)) {
        Some(chosen) if chosen < by_period => chosen,
        _ => by_period,
    }
}

pub struct Step<'a> {
    pub action: ListingAction,
    pub expected_version: Option<i32>,
    /// `None` for the system (automatic publication, expiry).
    pub actor: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub field_comments: &'a BTreeMap<String, String>,
    pub client_ip: Option<&'a str>,
}

/// One lifecycle step: version and transition checks, the conditional update, the audit
/// record, the index update and the owners' emails. Returns the listing as it is after.
pub fn apply_step(
    state: &AppState,
    conn: &mut DbConnection,
    record: &ListingRecord,
    step: &Step<'_>,
    now: NaiveDateTime,
) -> Result<ListingRecord, AppError> {
    let from = record.status();
    let version = record.row.version;
    review::check_version(REVIEWED, step.expected_version, from.as_str(), version)?;
    let to = transition(from, step.action).ok_or_else(|| not_allowed(from, step.action, version))?;
    let comments = (!step.field_comments.is_empty()).then(|| json!(step.field_comments).to_string());
    let validity_days =
        tenants::store::listing_validity_days(conn, &record.row.tenant_id, state.settings.listings.validity_days)?;
    let expires_at = (to == ListingStatus::Published).then(|| {
        let listing = record.to_listing();
        match step.action {
            // A renewal starts a new period from today and drops an earlier chosen end.
            ListingAction::Renew => now + Duration::days(validity_days),
            _ => expiry(&listing, validity_days, now),
        }
    });
    let moved = store::transition(
        conn,
        &record.row.id,
        &TransitionRecord {
            from,
            to,
            expected_version: version,
            reason: step.reason,
            field_comments: comments.as_deref(),
            expires_at,
        },
        now,
    )?;
    if !moved {
        let current = store::find(conn, &record.row.id)?.ok_or(AppError::NotFound)?;
        return Err(stale(current.status(), current.row.version));
    }
    if step.action == ListingAction::Renew {
        store::clear_valid_until(conn, &record.row.id)?;
    }
    audit::record(
        conn,
        AuditEntry {
            tenant_id: Some(&record.row.tenant_id),
            actor_id: step.actor,
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
    // What the province published or sent back is what the next review compares with.
    if to == ListingStatus::Published || step.action == ListingAction::RequestChanges {
        let decided = store::find(conn, &record.row.id)?.ok_or(AppError::NotFound)?;
        let snapshot = review::snapshot::Snapshot {
            version: decided.row.version,
            decision: if to == ListingStatus::Published { "approve" } else { "request_changes" }.to_owned(),
            fields: reviewed_values(&decided),
            decided_by: step.actor.map(str::to_owned),
            decided_at: now,
        };
        review::snapshot::record(conn, ENTITY, &record.row.id, &snapshot)?;
    }
    indexing::listing_changed(conn, &record.row.id)?;
    // Published or gone: matching finds its matches, or closes its open suggestions.
    crate::matching::engine::enqueue(conn, state, &record.row.id)?;
    let event = match step.action {
        action if action.is_decision() => Some(ListingEvent::Decision(action)),
        ListingAction::Expire => Some(ListingEvent::Expired),
        _ => None,
    };
    if let Some(event) = event {
        email_owners(state, conn, record, event, step.reason, step.field_comments, format!("v{}", version + 1))?;
    }
    store::find(conn, &record.row.id)?.ok_or(AppError::NotFound)
}

/// The listing's public fields as its province reviews them, for comparing an edit with the
/// version last published.
pub fn reviewed_values(record: &ListingRecord) -> review::snapshot::Fields {
    let view = serde_json::to_value(super::views::ListingView::public(record)).unwrap_or_default();
    review::snapshot::flatten(
        &view,
        &["id", "status", "organization", "published_at", "expires_at", "highlights", "private"],
    )
}

/// What changed since the province last published the listing or sent it back.
pub fn changes_since_review(
    conn: &mut DbConnection,
    record: &ListingRecord,
) -> Result<review::snapshot::ChangesView, AppError> {
    let snapshot = review::snapshot::last_decided(conn, ENTITY, &record.row.id)?;
    Ok(review::snapshot::ChangesView::between(snapshot.as_ref(), &reviewed_values(record), record.row.version))
}

pub fn email_owners(
    state: &AppState,
    conn: &mut DbConnection,
    record: &ListingRecord,
    event: ListingEvent,
    reason: Option<&str>,
    field_comments: &BTreeMap<String, String>,
    occurrence: String,
) -> Result<(), AppError> {
    let province = tenants::store::find(conn, &record.row.tenant_id)?
        .map(|t| t.name_vi)
        .unwrap_or_else(|| record.row.tenant_id.clone());
    let comments: Vec<(String, String)> = field_comments.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let notice = OwnerNotice {
        kind: emails::kind(event),
        entity: ENTITY,
        id: &record.row.id,
        tenant_id: &record.row.tenant_id,
        province_name: &province,
        path: format!("listings/{}", record.row.id),
        event: format!("{}:{}:{occurrence}", emails::event_key(event), record.row.id),
    };
    let message = |lang| {
        emails::notice(&ListingNotice {
            lang,
            title: &record.row.title_vi,
            province_name: &province,
            event,
            reason,
            field_comments: &comments,
        })
    };
    let owners = crate::registry::store::owners(conn, &record.row.org_id)?;
    review::tell_owners(conn, state, owners, &notice, message, state.clock.now())
}

/// What the review's conflicts call a listing.
pub const REVIEWED: Reviewed = Reviewed { vi: "tin", en: "listing" };

/// 409: the listing changed since the caller read `version`.
pub fn stale(current: ListingStatus, version: i32) -> AppError {
    review::stale(REVIEWED, current.as_str(), version)
}

pub fn not_allowed(current: ListingStatus, action: ListingAction, version: i32) -> AppError {
    review::not_allowed(REVIEWED, current.as_str(), action, version)
}

/// Whether listings of this province are published without review.
pub fn auto_publishes(conn: &mut DbConnection, tenant_id: &str) -> Result<bool, AppError> {
    Ok(tenants::store::find(conn, tenant_id)?.is_some_and(|t| t.auto_publish_listings))
}
