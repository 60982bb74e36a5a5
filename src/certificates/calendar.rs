//! One organization's place in the calendar, assembled from its stored facts, and the
//! lists the officers read: due, overdue, expiring recognitions, all, ended.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::rules::{self, DUE_WINDOW_DAYS, Obligation, RECOGNITION_LEADS, Timing};
use super::store::{EventRow, RecognitionRow, StandingRow, Tracked};
use crate::code_enum;
use crate::registry::model::OrgKind;

code_enum! {
    /// The lists of the calendar.
    pub enum List {
        /// Reports and reviews due within 30 days.
        Due => "due",
        /// Reports and reviews past their date, not done.
        Overdue => "overdue",
        /// Startup recognitions ending within 60 days, or ended.
        Expiring => "expiring",
        /// Every organization in the calendar, with all its due dates.
        All => "all",
        /// Certificates revoked or cancelled.
        Ended => "ended",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DueDate {
    pub obligation: Obligation,
    pub due_on: NaiveDate,
    pub timing: Timing,
    /// For an annual report: the year it reports on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
}

/// How a certificate ended; the registry shows it on the organization's profile.
pub use crate::registry::views::CertificateStanding as Standing;

/// One organization in the calendar.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub org_id: String,
    pub province: String,
    pub legal_name: String,
    pub kind: String,
    pub certificate_number: Option<String>,
    pub certificate_date: Option<NaiveDate>,
    pub recognition_number: Option<String>,
    pub recognition_date: Option<NaiveDate>,
    pub recognition_end: Option<NaiveDate>,
    /// Present once the certificate was revoked or cancelled; there are no due dates then.
    pub standing: Option<Standing>,
    pub due_dates: Vec<DueDate>,
}

impl Entry {
    pub fn due(&self, obligation: Obligation) -> Option<&DueDate> {
        self.due_dates.iter().find(|d| d.obligation == obligation)
    }

    /// The entry as one list shows it: only the due dates the list is about; none if it
    /// has no place in the list.
    pub fn in_list(&self, list: List) -> Option<Entry> {
        let keep = |d: &DueDate| match list {
            List::Due => d.obligation != Obligation::RecognitionEnd && d.timing == Timing::Due,
            List::Overdue => d.obligation != Obligation::RecognitionEnd && d.timing == Timing::Overdue,
            List::Expiring => d.obligation == Obligation::RecognitionEnd && d.timing != Timing::Later,
            List::All => true,
            List::Ended => false,
        };
        let belongs = match list {
            List::All => self.standing.is_none(),
            List::Ended => self.standing.is_some(),
            _ => self.due_dates.iter().any(keep),
        };
        belongs
            .then(|| Entry { due_dates: self.due_dates.iter().filter(|d| keep(d)).cloned().collect(), ..self.clone() })
    }
}

/// Everything stored about the organizations of one read.
pub struct Facts {
    pub events: Vec<EventRow>,
    pub standings: Vec<StandingRow>,
    pub recognitions: Vec<RecognitionRow>,
}

/// The calendar of the given organizations on `today`; organizations with nothing to track
/// (an S&T enterprise without certificate, a startup without recognition) are left out.
pub fn assemble(orgs: Vec<Tracked>, facts: Facts, today: NaiveDate) -> Vec<Entry> {
    let mut events: HashMap<String, Vec<EventRow>> = HashMap::new();
    for event in facts.events {
        events.entry(event.org_id.clone()).or_default().push(event);
    }
    let mut standings: HashMap<String, StandingRow> =
        facts.standings.into_iter().map(|s| (s.org_id.clone(), s)).collect();
    let mut recognitions: HashMap<String, RecognitionRow> =
        facts.recognitions.into_iter().map(|r| (r.org_id.clone(), r)).collect();
    orgs.into_iter()
        .filter_map(|org| {
            let events = events.remove(&org.id).unwrap_or_default();
            let standing = standings.remove(&org.id);
            let recognition = recognitions.remove(&org.id);
            entry(org, &events, standing, recognition, today)
        })
        .collect()
}

fn entry(
    org: Tracked,
    events: &[EventRow],
    standing: Option<StandingRow>,
    recognition: Option<RecognitionRow>,
    today: NaiveDate,
) -> Option<Entry> {
    // Tracking begins when the platform knows the organization as approved: it does not
    // chase reports of the years before.
    let approved = org.approved_at.unwrap_or(org.created_at);
    let mut due_dates = Vec::new();
    let kind = OrgKind::parse(&org.kind);
    match kind {
        Some(OrgKind::StEnterprise) => {
            let certificate = org.certificate_date?;
            org.certificate_number.as_ref()?;
            let tracked_from = rules::local_date(approved).max(certificate);
            if standing.is_none() {
                let met = |obligation: Obligation| events.iter().filter(move |e| e.obligation == obligation.as_str());
                let received: Vec<NaiveDate> = met(Obligation::AnnualReport).map(|e| e.due_on).collect();
                let report = rules::next_report_due(tracked_from, &received);
                let reviews: Vec<(NaiveDate, NaiveDate)> =
                    met(Obligation::Review).map(|e| (e.due_on, e.done_on)).collect();
                let review = rules::next_review_due(certificate, tracked_from, &reviews);
                due_dates.push(DueDate {
                    obligation: Obligation::AnnualReport,
                    due_on: report,
                    timing: rules::timing(report, today, DUE_WINDOW_DAYS),
                    year: Some(chrono::Datelike::year(&report)),
                });
                due_dates.push(DueDate {
                    obligation: Obligation::Review,
                    due_on: review,
                    timing: rules::timing(review, today, DUE_WINDOW_DAYS),
                    year: None,
                });
            }
        }
        Some(OrgKind::Startup) => {
            let recognition = recognition.as_ref()?;
            let end = rules::recognition_end(recognition.recognized_on);
            let window = RECOGNITION_LEADS.iter().copied().max().unwrap_or(0);
            due_dates.push(DueDate {
                obligation: Obligation::RecognitionEnd,
                due_on: end,
                timing: rules::timing(end, today, window),
                year: None,
            });
        }
        _ => return None,
    }
    let recognition_end = recognition.as_ref().map(|r| rules::recognition_end(r.recognized_on));
    Some(Entry {
        org_id: org.id,
        province: org.tenant_id,
        legal_name: org.legal_name,
        kind: org.kind,
        certificate_number: org.certificate_number,
        certificate_date: org.certificate_date,
        recognition_number: recognition.as_ref().map(|r| r.number.clone()),
        recognition_date: recognition.as_ref().map(|r| r.recognized_on),
        recognition_end,
        standing: standing.map(|s| Standing { status: s.status, reason: s.reason, decided_on: s.decided_on }),
        due_dates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    fn enterprise(id: &str) -> Tracked {
        Tracked {
            id: id.into(),
            tenant_id: "24".into(),
            kind: "st_enterprise".into(),
            legal_name: format!("Công ty {id}"),
            certificate_number: Some("12/DNKHCN".into()),
            certificate_date: Some(day("2025-06-01")),
            approved_at: day("2027-01-10").and_hms_opt(3, 0, 0),
            created_at: day("2027-01-09").and_hms_opt(3, 0, 0).unwrap_or_default(),
        }
    }

    fn none() -> Facts {
        Facts { events: vec![], standings: vec![], recognitions: vec![] }
    }

    #[test]
    fn an_enterprise_owes_its_report_and_its_review() {
        let entries = assemble(vec![enterprise("a")], none(), day("2027-11-20"));
        let entry = &entries[0];
        assert_eq!(
            entry.due(Obligation::AnnualReport).map(|d| (d.due_on, d.timing)),
            Some((day("2027-12-15"), Timing::Due))
        );
        assert_eq!(
            entry.due(Obligation::Review).map(|d| (d.due_on, d.timing)),
            Some((day("2028-06-01"), Timing::Later))
        );
        assert!(entry.in_list(List::Due).is_some());
        assert!(entry.in_list(List::Overdue).is_none());
        let late = assemble(vec![enterprise("a")], none(), day("2027-12-16"));
        assert_eq!(late[0].in_list(List::Overdue).map(|e| e.due_dates.len()), Some(1));
    }

    #[test]
    fn an_ended_certificate_owes_nothing_and_is_listed_as_ended() {
        let facts = Facts {
            standings: vec![StandingRow {
                org_id: "a".into(),
                status: "revoked".into(),
                reason: "Vi phạm".into(),
                decided_on: day("2027-11-01"),
            }],
            ..none()
        };
        let entries = assemble(vec![enterprise("a"), enterprise("b")], facts, day("2027-12-16"));
        assert!(entries[0].due_dates.is_empty());
        assert!(entries[0].in_list(List::All).is_none());
        assert!(entries[0].in_list(List::Overdue).is_none());
        assert!(entries[0].in_list(List::Ended).is_some());
        assert!(entries[1].in_list(List::Overdue).is_some());
    }

    #[test]
    fn a_received_report_moves_the_date_on() {
        let facts = Facts {
            events: vec![EventRow {
                org_id: "a".into(),
                obligation: "annual_report".into(),
                due_on: day("2027-12-15"),
                done_on: day("2027-12-01"),
            }],
            ..none()
        };
        let entries = assemble(vec![enterprise("a")], facts, day("2027-12-16"));
        assert_eq!(entries[0].due(Obligation::AnnualReport).map(|d| d.due_on), Some(day("2028-12-15")));
    }

    #[test]
    fn startups_without_recognition_and_enterprises_without_certificate_are_left_out() {
        let mut startup = enterprise("s");
        startup.kind = "startup".into();
        let mut bare = enterprise("e");
        bare.certificate_date = None;
        assert!(assemble(vec![startup.clone(), bare], none(), day("2027-01-11")).is_empty());
        let facts = Facts {
            recognitions: vec![RecognitionRow {
                org_id: "s".into(),
                number: "3/DN-KNST".into(),
                recognized_on: day("2022-03-01"),
            }],
            ..none()
        };
        let entries = assemble(vec![startup], facts, day("2027-01-11"));
        assert_eq!(entries[0].recognition_end, Some(day("2027-03-01")));
        assert!(entries[0].in_list(List::Expiring).is_some());
    }
}
