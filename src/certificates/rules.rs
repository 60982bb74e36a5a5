//! The calendar's rules, pure: what an S&T enterprise owes and when (Decree 268/2025/NĐ-CP
//! Arts 47–56: a report before 15 December every year, its conditions re-checked every three
//! years), when an innovative startup's recognition ends (five years), when to remind, and
//! what a revocation must say. The caller passes today's date.

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime};

use crate::code_enum;
use crate::error::{AppError, FieldError, Text, Violations};
use crate::text::{clean_block, clean_line};

/// Days before a report or review is due that the owners are reminded.
pub const REMINDER_LEADS: &[i64] = &[30, 7];
/// Days before a startup's recognition ends that its owners are warned.
pub const RECOGNITION_LEADS: &[i64] = &[60];
/// A report or review due within this many days is "due".
pub const DUE_WINDOW_DAYS: i64 = 30;
pub const REVIEW_YEARS: u32 = 3;
pub const RECOGNITION_YEARS: u32 = 5;
pub const REASON_MAX: usize = 2000;
pub const NUMBER_MAX: usize = 100;

code_enum! {
    /// What an organization owes its province, with a due date.
    pub enum Obligation {
        /// The yearly report, due 15 December.
        AnnualReport => "annual_report",
        /// The three-yearly re-check of the certificate's conditions.
        Review => "review",
        /// The end of an innovative startup's five-year recognition.
        RecognitionEnd => "recognition_end",
    }
}

code_enum! {
    /// How a certificate's standing ended.
    pub enum Ending {
        Revoked => "revoked",
        Cancelled => "cancelled",
    }
}

code_enum! {
    /// Where a due date stands today.
    pub enum Timing {
        Overdue => "overdue",
        /// Within [`DUE_WINDOW_DAYS`] (for a recognition: within its warning).
        Due => "due",
        Later => "later",
    }
}

/// Vietnam's date (UTC+7) at a stored UTC moment: due dates fall on its days.
pub fn local_date(now: NaiveDateTime) -> NaiveDate {
    (now + Duration::hours(7)).date()
}

/// `years` after `date`; 29 February falls on 28 February.
pub fn years_after(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_add_months(Months::new(12 * years)).unwrap_or(NaiveDate::MAX)
}

/// The report of `year` is due on 15 December.
pub fn report_due(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 15).unwrap_or(NaiveDate::MAX)
}

/// The report still owed: that of the first year since tracking began whose report has not
/// been received (`received` holds the due dates of the reports received).
pub fn next_report_due(tracked_from: NaiveDate, received: &[NaiveDate]) -> NaiveDate {
    let mut year = tracked_from.year();
    if report_due(year) < tracked_from {
        year += 1;
    }
    while received.contains(&report_due(year)) {
        year += 1;
    }
    report_due(year)
}

/// The review still owed: the certificate's date plus 3, 6, 9… years, the first after the
/// last review done (and after the due date it fulfilled); with none done yet, the first not
/// passed when tracking began. `done` holds (due date fulfilled, date done).
pub fn next_review_due(certificate: NaiveDate, tracked_from: NaiveDate, done: &[(NaiveDate, NaiveDate)]) -> NaiveDate {
    let floor = done.iter().map(|(due, on)| *due.max(on)).max();
    let mut due = certificate;
    for cycle in 1..=100 {
        due = years_after(certificate, REVIEW_YEARS * cycle);
        let after = match floor {
            Some(floor) => due > floor,
            None => due >= tracked_from,
        };
        if after {
            break;
        }
    }
    due
}

/// An innovative startup's recognition is valid for five years.
pub fn recognition_end(recognized_on: NaiveDate) -> NaiveDate {
    years_after(recognized_on, RECOGNITION_YEARS)
}

/// Where `due` stands on `today`, with the window that makes it "due".
pub fn timing(due: NaiveDate, today: NaiveDate, window_days: i64) -> Timing {
    let left = (due - today).num_days();
    if left < 0 {
        Timing::Overdue
    } else if left <= window_days {
        Timing::Due
    } else {
        Timing::Later
    }
}

/// The reminder to send today for `due`, if any: the nearest lead already reached, so that a
/// timer that missed the 30-day point sends the 7-day one, never both at once. Each is
/// recorded as sent; none is sent once the date has passed.
pub fn reminder_lead(due: NaiveDate, today: NaiveDate, leads: &[i64]) -> Option<i64> {
    let left = (due - today).num_days();
    if left < 0 {
        return None;
    }
    leads.iter().copied().filter(|lead| left <= *lead).min()
}

/// A date typed as YYYY-MM-DD, not after today; none given means today.
pub fn day_not_after(field: &'static str, raw: Option<&str>, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(today);
    };
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        FieldError::invalid(field, Text::new("Ngày phải có dạng YYYY-MM-DD.", "Dates are written YYYY-MM-DD."))
    })?;
    if day > today {
        return Err(FieldError::invalid(
            field,
            Text::new("Ngày không được ở tương lai.", "The date cannot be in the future."),
        ));
    }
    Ok(day)
}

/// A revocation or cancellation as the officer sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndingDecision {
    pub ending: Ending,
    pub reason: String,
    pub on: NaiveDate,
}

/// A certificate's standing ends only with a reason, which the owners and the audit keep.
pub fn parse_ending(
    status: Option<&str>,
    reason: Option<&str>,
    on: Option<&str>,
    today: NaiveDate,
) -> Result<EndingDecision, AppError> {
    let mut violations = Violations::new();
    let ending =
        violations.require("status", status.filter(|s| !s.trim().is_empty()), |s| Ending::parse_field("status", s));
    let reason = violations.require("reason", reason.filter(|r| !r.trim().is_empty()), |r| {
        let reason = clean_block(r).ok_or_else(|| FieldError::control_characters("reason"))?;
        if reason.chars().count() > REASON_MAX { Err(FieldError::too_long("reason", REASON_MAX)) } else { Ok(reason) }
    });
    let on = violations.check(day_not_after("decided_on", on, today));
    let decision = match (ending, reason, on) {
        (Some(ending), Some(reason), Some(on)) => Some(EndingDecision { ending, reason, on }),
        _ => None,
    };
    violations.finish(decision)
}

/// A recognition number (free text: `n/DN-KNST`, `n/CN-KNST`) and its date.
pub fn parse_recognition(
    number: Option<&str>,
    date: Option<&str>,
    today: NaiveDate,
) -> Result<(String, NaiveDate), AppError> {
    let mut violations = Violations::new();
    let number = violations.require("number", number.filter(|n| !n.trim().is_empty()), |n| {
        let number = clean_line(n).ok_or_else(|| FieldError::control_characters("number"))?;
        if number.chars().count() > NUMBER_MAX { Err(FieldError::too_long("number", NUMBER_MAX)) } else { Ok(number) }
    });
    let date = violations
        .require("date", date.map(str::trim).filter(|d| !d.is_empty()), |d| day_not_after("date", Some(d), today));
    let recognition = number.zip(date);
    violations.finish(recognition)
}

#[cfg(test)]
mod tests;
