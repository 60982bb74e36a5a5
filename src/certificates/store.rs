//! The calendar's tables: events recorded, reminders sent, standings ended, startups'
//! recognitions and each province's feed secret (its hash).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::rules::Obligation;
use crate::db::schema::{
    certificate_events, certificate_feeds, certificate_reminders, certificate_standings, organizations,
    startup_recognitions,
};
use crate::db::{DbConnection, insert_ignoring_duplicates};
use crate::error::AppError;
use crate::registry::lifecycle::OrgStatus;
use crate::registry::model::OrgKind;

/// An approved organization the calendar may concern: an S&T enterprise or a startup.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organizations)]
pub struct Tracked {
    pub id: String,
    pub tenant_id: String,
    pub kind: String,
    pub legal_name: String,
    pub certificate_number: Option<String>,
    pub certificate_date: Option<NaiveDate>,
    pub approved_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = certificate_events)]
pub struct EventRow {
    pub org_id: String,
    pub obligation: String,
    pub due_on: NaiveDate,
    pub done_on: NaiveDate,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = certificate_standings)]
pub struct StandingRow {
    pub org_id: String,
    pub status: String,
    pub reason: String,
    pub decided_on: NaiveDate,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = startup_recognitions)]
pub struct RecognitionRow {
    pub org_id: String,
    pub number: String,
    pub recognized_on: NaiveDate,
}

/// The approved S&T enterprises and startups of one province (or all), by name.
pub fn tracked(conn: &mut DbConnection, tenant: Option<&str>) -> Result<Vec<Tracked>, AppError> {
    let mut query = organizations::table
        .filter(organizations::status.eq(OrgStatus::Approved.as_str()))
        .filter(organizations::kind.eq_any([OrgKind::StEnterprise.as_str(), OrgKind::Startup.as_str()]))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query.filter(organizations::tenant_id.eq(tenant.to_owned()));
    }
    Ok(query
        .order((organizations::legal_name.asc(), organizations::id.asc()))
        .select(Tracked::as_select())
        .load(conn)?)
}

pub fn tracked_one(conn: &mut DbConnection, id: &str) -> Result<Option<Tracked>, AppError> {
    Ok(organizations::table.find(id).select(Tracked::as_select()).first(conn).optional()?)
}

pub fn events_of(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<EventRow>, AppError> {
    Ok(certificate_events::table
        .filter(certificate_events::org_id.eq_any(ids))
        .select(EventRow::as_select())
        .load(conn)?)
}

pub fn standings_of(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<StandingRow>, AppError> {
    Ok(certificate_standings::table
        .filter(certificate_standings::org_id.eq_any(ids))
        .select(StandingRow::as_select())
        .load(conn)?)
}

pub fn standing(conn: &mut DbConnection, org_id: &str) -> Result<Option<StandingRow>, AppError> {
    Ok(certificate_standings::table.find(org_id).select(StandingRow::as_select()).first(conn).optional()?)
}

pub fn recognitions_of(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<RecognitionRow>, AppError> {
    Ok(startup_recognitions::table
        .filter(startup_recognitions::org_id.eq_any(ids))
        .select(RecognitionRow::as_select())
        .load(conn)?)
}

pub struct NewEvent<'a> {
    pub org_id: &'a str,
    pub obligation: Obligation,
    pub due_on: NaiveDate,
    pub done_on: NaiveDate,
    pub recorded_by: &'a str,
}

/// Records an obligation met; false when it already was.
pub fn insert_event(conn: &mut DbConnection, event: &NewEvent<'_>, now: NaiveDateTime) -> Result<bool, AppError> {
    Ok(insert_ignoring_duplicates(conn, |conn| {
        diesel::insert_into(certificate_events::table)
            .values((
                certificate_events::id.eq(uuid::Uuid::now_v7().to_string()),
                certificate_events::org_id.eq(event.org_id),
                certificate_events::obligation.eq(event.obligation.as_str()),
                certificate_events::due_on.eq(event.due_on),
                certificate_events::done_on.eq(event.done_on),
                certificate_events::recorded_by.eq(event.recorded_by),
                certificate_events::recorded_at.eq(now),
            ))
            .execute(conn)
    })?)
}

/// Ends a certificate's standing; false when it had already ended.
pub fn insert_standing(
    conn: &mut DbConnection,
    row: &StandingRow,
    decided_by: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    Ok(insert_ignoring_duplicates(conn, |conn| {
        diesel::insert_into(certificate_standings::table)
            .values((
                certificate_standings::org_id.eq(&row.org_id),
                certificate_standings::status.eq(&row.status),
                certificate_standings::reason.eq(&row.reason),
                certificate_standings::decided_on.eq(row.decided_on),
                certificate_standings::decided_by.eq(decided_by),
                certificate_standings::decided_at.eq(now),
            ))
            .execute(conn)
    })?)
}

pub fn set_recognition(
    conn: &mut DbConnection,
    row: &RecognitionRow,
    recorded_by: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::delete(startup_recognitions::table.find(&row.org_id)).execute(conn)?;
    diesel::insert_into(startup_recognitions::table)
        .values((
            startup_recognitions::org_id.eq(&row.org_id),
            startup_recognitions::number.eq(&row.number),
            startup_recognitions::recognized_on.eq(row.recognized_on),
            startup_recognitions::recorded_by.eq(recorded_by),
            startup_recognitions::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records that a reminder goes out; false when it already went (from this or another
/// instance), and then it must not be sent again.
pub fn claim_reminder(
    conn: &mut DbConnection,
    org_id: &str,
    obligation: Obligation,
    due_on: NaiveDate,
    lead_days: i64,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let lead = i32::try_from(lead_days).map_err(AppError::internal)?;
    Ok(insert_ignoring_duplicates(conn, |conn| {
        diesel::insert_into(certificate_reminders::table)
            .values((
                certificate_reminders::org_id.eq(org_id),
                certificate_reminders::obligation.eq(obligation.as_str()),
                certificate_reminders::due_on.eq(due_on),
                certificate_reminders::lead_days.eq(lead),
                certificate_reminders::sent_at.eq(now),
            ))
            .execute(conn)
    })?)
}

pub fn feed_hash(conn: &mut DbConnection, tenant: &str) -> Result<Option<String>, AppError> {
    Ok(certificate_feeds::table.find(tenant).select(certificate_feeds::secret_hash).first(conn).optional()?)
}

/// Replaces the province's feed secret: the old address stops working at once.
pub fn set_feed(
    conn: &mut DbConnection,
    tenant: &str,
    secret_hash: &str,
    renewed_by: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::delete(certificate_feeds::table.find(tenant)).execute(conn)?;
    diesel::insert_into(certificate_feeds::table)
        .values((
            certificate_feeds::tenant_id.eq(tenant),
            certificate_feeds::secret_hash.eq(secret_hash),
            certificate_feeds::renewed_by.eq(renewed_by),
            certificate_feeds::renewed_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
