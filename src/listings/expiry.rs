//! Listings expire after their validity period; their owners are reminded first.

use std::collections::BTreeMap;

use actix_web::web;
use chrono::Duration;

use super::emails::ListingEvent;
use super::lifecycle::ListingAction;
use super::service::{self, Step};
use super::store;
use crate::app::AppState;
use crate::error::AppError;

const BATCH: i64 = 200;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sweep {
    pub expired: usize,
    pub reminded: usize,
}

/// Expires what is due and reminds owners of what is due soon. Safe to run from several
/// instances at once: each listing moves (and each reminder is recorded) only once.
pub async fn sweep(state: &web::Data<AppState>) -> Result<Sweep, AppError> {
    let mut outcome = Sweep::default();
    loop {
        let now = state.clock.now();
        let due = state.db.run(move |conn| store::due_to_expire(conn, now, BATCH)).await?;
        if due.is_empty() {
            break;
        }
        let mut progressed = false;
        for row in due {
            let expired = expire_one(state, row.id.clone()).await?;
            progressed |= expired;
            outcome.expired += usize::from(expired);
        }
        if !progressed {
            break;
        }
    }
    let horizon = state.clock.now() + Duration::days(state.settings.listings.reminder_days.max(0));
    let due = state.db.run(move |conn| store::due_for_reminder(conn, horizon, BATCH)).await?;
    for row in due {
        if remind_one(state, row.id.clone()).await? {
            outcome.reminded += 1;
        }
    }
    Ok(outcome)
}

async fn expire_one(state: &web::Data<AppState>, id: String) -> Result<bool, AppError> {
    let now = state.clock.now();
    let app = state.clone();
    state
        .db
        .write(move |conn| {
            let Some(record) = store::find(conn, &id)? else {
                return Ok(false);
            };
            let step = Step {
                action: ListingAction::Expire,
                expected_version: None,
                actor: None,
                reason: None,
                field_comments: &BTreeMap::new(),
                client_ip: None,
            };
            match service::apply_step(&app, conn, &record, &step, now) {
                Ok(_) => Ok(true),
                // Renewed, closed or expired by another instance in the meantime.
                Err(AppError::Conflict { .. }) => Ok(false),
                Err(other) => Err(other),
            }
        })
        .await
}

async fn remind_one(state: &web::Data<AppState>, id: String) -> Result<bool, AppError> {
    let now = state.clock.now();
    let app = state.clone();
    state
        .db
        .write(move |conn| {
            let Some(record) = store::find(conn, &id)? else {
                return Ok(false);
            };
            let Some(expires_at) = record.row.expires_at else {
                return Ok(false);
            };
            if !store::mark_reminded(conn, &id, now)? {
                return Ok(false);
            }
            service::email_owners(
                &app,
                conn,
                &record,
                ListingEvent::ExpiresSoon { expires_at },
                None,
                &BTreeMap::new(),
                expires_at.and_utc().timestamp().to_string(),
            )?;
            Ok(true)
        })
        .await
}
