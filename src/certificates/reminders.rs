//! Reminders to the owners, on the timer: 30 and 7 days before a report or review is due,
//! 60 days before a startup's recognition ends, each once. A reminder is claimed in the
//! table keyed by (organization, obligation, due date, lead) in the transaction that queues
//! its notices, so a second run or a second instance sends nothing.

use chrono::{NaiveDate, NaiveDateTime};

use super::calendar::Entry;
use super::emails::{self, Reminder};
use super::rules::{self, EndingDecision, Obligation, RECOGNITION_LEADS, REMINDER_LEADS};
use super::service::entries_of;
use super::store::{self, Tracked};
use crate::app::{AppState, SharedState};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::notify::Kind;
use crate::registry::service::ENTITY;
use crate::review::{self, OwnerNotice};

pub fn register(timed: &mut crate::schedule::TimedWork<SharedState>) {
    timed.add("certificate reminders", |state: SharedState| async move { Ok(sweep(&state).await? as u64) });
}

fn leads(obligation: Obligation) -> &'static [i64] {
    match obligation {
        Obligation::RecognitionEnd => RECOGNITION_LEADS,
        _ => REMINDER_LEADS,
    }
}

/// One reminder to send: (organization, obligation, due date, lead).
type Owed = (String, Obligation, NaiveDate, i64);

/// The reminders today calls for, over every province's calendar. Pure.
pub fn owed(entries: &[Entry], today: NaiveDate) -> Vec<Owed> {
    entries
        .iter()
        .filter(|e| e.standing.is_none())
        .flat_map(|e| {
            e.due_dates.iter().filter_map(move |d| {
                rules::reminder_lead(d.due_on, today, leads(d.obligation))
                    .map(|lead| (e.org_id.clone(), d.obligation, d.due_on, lead))
            })
        })
        .collect()
}

/// Sends the reminders due today; returns how many this run sent.
pub async fn sweep(state: &SharedState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let today = rules::local_date(now);
    let owed = state
        .db
        .run(move |conn| {
            let orgs = store::tracked(conn, None)?;
            Ok(owed(&entries_of(conn, orgs, today)?, today))
        })
        .await?;
    let mut sent = 0;
    for (org_id, obligation, due_on, lead) in owed {
        let app = state.clone();
        let claimed = state
            .db
            .write(move |conn| {
                // Still owed? A report received or a certificate ended since the read above.
                let Some(org) = store::tracked_one(conn, &org_id)? else {
                    return Ok(false);
                };
                let still = entries_of(conn, vec![org.clone()], today)?
                    .pop()
                    .is_some_and(|e| e.standing.is_none() && e.due(obligation).is_some_and(|d| d.due_on == due_on));
                if !still || !store::claim_reminder(conn, &org_id, obligation, due_on, lead, now)? {
                    return Ok(false);
                }
                remind(&app, conn, &org, obligation, due_on, (due_on - today).num_days(), lead, now)?;
                Ok(true)
            })
            .await?;
        sent += usize::from(claimed);
    }
    if sent > 0 {
        state.jobs.wake();
    }
    Ok(sent)
}

fn province_name(conn: &mut DbConnection, org: &Tracked) -> Result<String, AppError> {
    Ok(crate::tenants::store::find(conn, &org.tenant_id)?.map(|t| t.name_vi).unwrap_or_else(|| org.tenant_id.clone()))
}

#[allow(clippy::too_many_arguments)]
fn remind(
    state: &AppState,
    conn: &mut DbConnection,
    org: &Tracked,
    obligation: Obligation,
    due_on: NaiveDate,
    days_left: i64,
    lead: i64,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let province = province_name(conn, org)?;
    let prefix = match obligation {
        Obligation::RecognitionEnd => "recognition-reminder",
        _ => "certificate-reminder",
    };
    let notice = OwnerNotice {
        kind: Kind::ExpiryReminder,
        entity: ENTITY,
        id: &org.id,
        tenant_id: &org.tenant_id,
        province_name: &province,
        path: format!("orgs/{}", org.id),
        event: format!("{prefix}-{}:{}:{due_on}:{lead}", obligation.as_str(), org.id),
    };
    let message = |lang: Lang| {
        emails::reminder(&Reminder {
            lang,
            org_name: &org.legal_name,
            province_name: &province,
            obligation,
            due_on,
            days_left,
        })
    };
    let owners = crate::registry::store::owners(conn, &org.id)?;
    review::tell_owners(conn, state, owners, &notice, message, now)
}

/// Tells the owners that the certificate's standing ended, and why.
pub fn tell_ended(
    state: &AppState,
    conn: &mut DbConnection,
    org: &Tracked,
    decision: &EndingDecision,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let province = province_name(conn, org)?;
    let notice = OwnerNotice {
        kind: Kind::ReviewDecision,
        entity: ENTITY,
        id: &org.id,
        tenant_id: &org.tenant_id,
        province_name: &province,
        path: format!("orgs/{}", org.id),
        event: format!("certificate-ended:{}", org.id),
    };
    let message = |lang: Lang| {
        let sentence = emails::ended_sentence(decision.ending, decision.on, lang);
        let subject = format!("{} · {}", org.legal_name, sentence.trim_end_matches('.'));
        (subject, vec![sentence, format!("{}: {}", lang.pick("Lý do", "Reason"), decision.reason)])
    };
    let owners = crate::registry::store::owners(conn, &org.id)?;
    review::tell_owners(conn, state, owners, &notice, message, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificates::calendar::{DueDate, Standing};
    use crate::certificates::rules::Timing;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    fn entry(due: &[(Obligation, &str)], ended: bool) -> Entry {
        Entry {
            org_id: "o".into(),
            province: "24".into(),
            legal_name: "A".into(),
            kind: "st_enterprise".into(),
            certificate_number: None,
            certificate_date: None,
            recognition_number: None,
            recognition_date: None,
            recognition_end: None,
            standing: ended.then(|| Standing {
                status: "revoked".into(),
                reason: "x".into(),
                decided_on: day("2027-01-01"),
            }),
            due_dates: due
                .iter()
                .map(|(obligation, on)| DueDate {
                    obligation: *obligation,
                    due_on: day(on),
                    timing: Timing::Due,
                    year: None,
                })
                .collect(),
        }
    }

    #[test]
    fn each_obligation_is_reminded_at_its_own_leads() {
        let entries = [entry(
            &[
                (Obligation::AnnualReport, "2027-12-15"),
                (Obligation::Review, "2027-11-22"),
                (Obligation::RecognitionEnd, "2028-01-14"),
            ],
            false,
        )];
        let today = day("2027-11-15");
        assert_eq!(
            owed(&entries, today),
            vec![
                ("o".to_owned(), Obligation::AnnualReport, day("2027-12-15"), 30),
                ("o".to_owned(), Obligation::Review, day("2027-11-22"), 7),
                ("o".to_owned(), Obligation::RecognitionEnd, day("2028-01-14"), 60),
            ]
        );
        assert!(owed(&[entry(&[(Obligation::AnnualReport, "2027-12-15")], true)], today).is_empty());
    }
}
