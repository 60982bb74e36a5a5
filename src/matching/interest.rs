//! "We are interested": the rules of a request from any listing. Pure.

use chrono::{Duration, NaiveDateTime};

use crate::error::{FieldError, Violations};
use crate::text::clean_block;

/// Each answer is short: a line or two.
pub const ANSWER_MIN: usize = 3;
pub const ANSWER_MAX: usize = 500;

/// The three short answers, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    /// What for.
    pub purpose: String,
    /// When.
    pub timing: String,
    /// Budget or terms.
    pub terms: String,
}

fn answer(v: &mut Violations, field: &'static str, raw: Option<String>) -> Option<String> {
    let Some(raw) = raw else {
        v.push(FieldError::required(field));
        return None;
    };
    let Some(text) = clean_block(&raw) else {
        v.push(FieldError::control_characters(field));
        return None;
    };
    let length = text.chars().count();
    if text.is_empty() {
        v.push(FieldError::required(field));
        None
    } else if !(ANSWER_MIN..=ANSWER_MAX).contains(&length) {
        v.push(FieldError::length(field, ANSWER_MIN, ANSWER_MAX));
        None
    } else {
        Some(text)
    }
}

/// Checks the three answers, naming every one that is missing or out of bounds.
pub fn answers(
    v: &mut Violations,
    purpose: Option<String>,
    timing: Option<String>,
    terms: Option<String>,
) -> Option<Answers> {
    let purpose = answer(v, "purpose", purpose);
    let timing = answer(v, "timing", timing);
    let terms = answer(v, "terms", terms);
    Some(Answers { purpose: purpose?, timing: timing?, terms: terms? })
}

/// The day over which requests are counted.
pub fn window() -> Duration {
    Duration::hours(24)
}

/// With `opened` (the organization's requests in the last day, oldest first) at the
/// limit, the seconds until the oldest leaves the window; `None` while under it.
pub fn retry_after(opened: &[NaiveDateTime], limit: u32, now: NaiveDateTime) -> Option<u64> {
    let within: Vec<&NaiveDateTime> = opened.iter().filter(|t| **t > now - window()).collect();
    if within.len() < limit as usize {
        return None;
    }
    // The one whose leaving brings the count under the limit.
    let index = within.len() - limit as usize;
    let frees_at = *within[index] + window();
    Some(u64::try_from((frees_at - now).num_seconds()).unwrap_or(0).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap().and_hms_opt(hour, 0, 0).unwrap()
    }

    fn fields(v: Violations) -> Vec<String> {
        match v.into_result() {
            Err(crate::error::AppError::Validation(errors)) => errors.iter().map(|e| e.field.to_string()).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_bad_answer_is_named() {
        let mut v = Violations::new();
        let checked = answers(&mut v, None, Some("  ".into()), Some("x".repeat(501)));
        assert_eq!(checked, None);
        assert_eq!(fields(v), vec!["purpose", "timing", "terms"]);
        let mut v = Violations::new();
        let checked = answers(&mut v, Some("ab".into()), Some("Quý 2/2027".into()), Some("tab\u{7}".into()));
        assert_eq!(checked, None);
        assert_eq!(fields(v), vec!["purpose", "terms"]);
    }

    #[test]
    fn good_answers_are_trimmed() {
        let mut v = Violations::new();
        let checked =
            answers(&mut v, Some("  Sấy chè xanh ".into()), Some("Quý 2/2027".into()), Some("800 triệu".into()));
        assert!(v.into_result().is_ok());
        assert_eq!(checked.unwrap().purpose, "Sấy chè xanh");
    }

    #[test]
    fn the_limit_frees_up_as_the_oldest_request_ages() {
        let opened = [at(1), at(3), at(5)];
        assert_eq!(retry_after(&opened[..2], 3, at(6)), None);
        // Three in the last day with a limit of three: wait until 01:00 tomorrow.
        assert_eq!(retry_after(&opened, 3, at(6)), Some(19 * 3600));
        assert_eq!(retry_after(&opened, 2, at(6)), Some(21 * 3600), "two must leave: 03:00 tomorrow");
        assert_eq!(retry_after(&opened, 3, at(1) + Duration::hours(24)), None, "the first one has aged out");
    }
}
