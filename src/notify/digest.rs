//! The daily digest: once a day, after the configured hour in Vietnam, everyone who chose
//! "daily" for some kind gets one email with everything since their last digest.

use actix_web::web;
use chrono::{Duration, NaiveDateTime, Timelike};

use super::emails::{self, DigestEmail};
use super::store;
use super::unsubscribe::DIGEST_SCOPE;
use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::Lang;

/// Vietnam keeps UTC+7 all year.
pub const VIETNAM_OFFSET_HOURS: i64 = 7;
const USERS_PER_BATCH: i64 = 500;

pub fn local_time(now: NaiveDateTime) -> NaiveDateTime {
    now + Duration::hours(VIETNAM_OFFSET_HOURS)
}

/// Whether today's digests are due: the local hour has come.
pub fn due(now: NaiveDateTime, digest_hour: u32) -> bool {
    local_time(now).hour() >= digest_hour
}

/// Sends the digests that are due; returns how many were queued.
pub async fn run_due(state: &web::Data<AppState>) -> Result<usize, AppError> {
    let now = state.clock.now();
    if !due(now, state.settings.notifications.digest_hour) {
        return Ok(0);
    }
    let date = local_time(now).date();
    let mut sent = 0;
    let mut after = String::new();
    loop {
        let cursor = after.clone();
        let users = state
            .db
            .run(move |conn| {
                use crate::db::schema::notifications;
                use diesel::prelude::*;
                Ok(notifications::table
                    .filter(notifications::email_state.eq(super::model::email_state::DIGEST))
                    .filter(notifications::user_id.gt(cursor))
                    .select(notifications::user_id)
                    .distinct()
                    .order(notifications::user_id)
                    .limit(USERS_PER_BATCH)
                    .load::<String>(conn)?)
            })
            .await?;
        let Some(last) = users.last() else {
            break;
        };
        after = last.clone();
        for user_id in users {
            let app = state.clone();
            if state.db.write(move |conn| send_one(&app, conn, &user_id, date, now)).await? {
                sent += 1;
            }
        }
    }
    if sent > 0 {
        state.jobs.wake();
    }
    Ok(sent)
}

/// One user's digest, in one transaction: the email is queued and its items marked
/// together. A second digest the same day is refused by the email's key, and its items
/// wait for tomorrow.
fn send_one(
    state: &AppState,
    conn: &mut crate::db::DbConnection,
    user_id: &str,
    date: chrono::NaiveDate,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let items = store::pending_digest(conn, user_id, now)?;
    if items.is_empty() {
        return Ok(false);
    }
    let Some((email, name, language)) = store::recipient(conn, user_id)? else {
        return Ok(false);
    };
    let unsubscribe = super::unsubscribe_url(state, user_id, DIGEST_SCOPE);
    let message = emails::digest(&DigestEmail {
        lang: Lang::parse(&language).unwrap_or_default(),
        user_id,
        to: &email,
        to_name: &name,
        items: &items,
        date,
        unsubscribe_url: &unsubscribe,
    });
    if !crate::email::enqueue(conn, &state.jobs, &message)? {
        return Ok(false);
    }
    let ids: Vec<String> = items.into_iter().map(|i| i.id).collect();
    store::mark_digested(conn, &ids, now)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn due_after_the_local_hour() {
        let utc = |h, m| NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(h, m, 0).unwrap();
        // 00:59 UTC is 07:59 in Vietnam.
        assert!(!due(utc(0, 59), 8));
        assert!(due(utc(1, 0), 8));
        assert!(due(utc(16, 59), 8), "23:59 local");
        assert!(!due(utc(17, 0), 8), "00:00 local, the next day");
        assert_eq!(local_time(utc(17, 0)).date(), NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
    }
}
