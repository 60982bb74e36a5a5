//! The audit log: who changed what, from which state to which, why, when, and from where.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::db::schema::audit_log;
use crate::error::AppError;

#[derive(Debug, Clone, Default)]
pub struct AuditEntry<'a> {
    pub tenant_id: Option<&'a str>,
    pub actor_id: Option<&'a str>,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub action: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub details: Option<serde_json::Value>,
    pub client_ip: Option<&'a str>,
}

pub fn record(conn: &mut DbConnection, entry: AuditEntry<'_>, now: NaiveDateTime) -> Result<(), AppError> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(uuid::Uuid::now_v7().to_string()),
            audit_log::tenant_id.eq(entry.tenant_id),
            audit_log::actor_id.eq(entry.actor_id),
            audit_log::entity_type.eq(entry.entity_type),
            audit_log::entity_id.eq(entry.entity_id),
            audit_log::action.eq(entry.action),
            audit_log::from_state.eq(entry.from_state),
            audit_log::to_state.eq(entry.to_state),
            audit_log::reason.eq(entry.reason),
            audit_log::details.eq(entry.details.map(|d| d.to_string())),
            audit_log::client_ip.eq(entry.client_ip),
            audit_log::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// One audit record as the API shows it.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = audit_log)]
pub struct AuditRecord {
    pub id: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub reason: Option<String>,
    pub details: Option<String>,
    pub client_ip: Option<String>,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub created_at: NaiveDateTime,
}

/// The history of one entity, oldest first.
pub fn history(conn: &mut DbConnection, entity_type: &str, entity_id: &str) -> Result<Vec<AuditRecord>, AppError> {
    Ok(audit_log::table
        .filter(audit_log::entity_type.eq(entity_type))
        .filter(audit_log::entity_id.eq(entity_id))
        .order((audit_log::created_at.asc(), audit_log::id.asc()))
        .select(AuditRecord::as_select())
        .load(conn)?)
}

/// The history of one entity with the name of each actor, for the officers' pages.
pub fn history_with_names(
    conn: &mut DbConnection,
    entity_type: &str,
    entity_id: &str,
) -> Result<Vec<(AuditRecord, Option<String>)>, AppError> {
    use crate::db::schema::users;
    let records = history(conn, entity_type, entity_id)?;
    let mut actors: Vec<String> = records.iter().filter_map(|r| r.actor_id.clone()).collect();
    actors.sort();
    actors.dedup();
    // Officers read these: a name with its address, since two colleagues may share a name.
    let names: std::collections::HashMap<String, String> = users::table
        .filter(users::id.eq_any(&actors))
        .select((users::id, users::full_name, users::email))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(id, name, email)| (id, format!("{name} ({email})")))
        .collect();
    Ok(records
        .into_iter()
        .map(|record| {
            let name = record.actor_id.as_ref().and_then(|id| names.get(id).cloned());
            (record, name)
        })
        .collect())
}
