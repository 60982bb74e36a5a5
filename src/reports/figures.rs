//! Arithmetic of the figures: months in Vietnam's time, review cycles from the audit log,
//! percentiles. Pure.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::notify::digest::local_time;

/// The month of a moment, in Vietnam's time: "2026-11".
pub fn month_of(at: NaiveDateTime) -> String {
    local_time(at).format("%Y-%m").to_string()
}

/// A period of local dates as UTC bounds: [from 00:00, the day after `to` 00:00).
pub fn utc_bounds(from: NaiveDate, to: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let offset = Duration::hours(crate::notify::digest::VIETNAM_OFFSET_HOURS);
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default() - offset;
    let end = (to + Duration::days(1)).and_hms_opt(0, 0, 0).unwrap_or_default() - offset;
    (start, end)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MonthCount {
    pub month: String,
    pub count: i64,
}

pub fn per_month(times: &[NaiveDateTime]) -> Vec<MonthCount> {
    let mut months: BTreeMap<String, i64> = BTreeMap::new();
    for at in times {
        *months.entry(month_of(*at)).or_default() += 1;
    }
    months.into_iter().map(|(month, count)| MonthCount { month, count }).collect()
}

/// The nearest-rank percentile (`p` in 0..=1) of sorted values: the smallest value with at
/// least `p` of the values at or below it.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank.min(sorted.len()) - 1).copied()
}

/// One line of the audit log that starts or ends a review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewEvent {
    pub entity: String,
    pub action: String,
    pub at: NaiveDateTime,
}

const STARTS: [&str; 2] = ["submit", "resubmit"];
const DECISIONS: [&str; 3] = ["approve", "reject", "request_changes"];

/// Each decision with the time since the submission it answered: (decided at, hours).
pub fn review_cycles(events: &[ReviewEvent]) -> Vec<(NaiveDateTime, f64)> {
    let mut by_entity: BTreeMap<&str, Vec<&ReviewEvent>> = BTreeMap::new();
    for event in events {
        by_entity.entry(&event.entity).or_default().push(event);
    }
    let mut cycles = Vec::new();
    for (_, mut entity_events) in by_entity {
        entity_events.sort_by_key(|e| e.at);
        let mut waiting_since = None;
        for event in entity_events {
            if STARTS.contains(&event.action.as_str()) {
                waiting_since = Some(event.at);
            } else if DECISIONS.contains(&event.action.as_str())
                && let Some(since) = waiting_since.take()
            {
                cycles.push((event.at, (event.at - since).num_seconds() as f64 / 3600.0));
            }
        }
    }
    cycles.sort_by_key(|c| c.0);
    cycles
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MonthReview {
    pub month: String,
    pub decisions: i64,
    pub median_hours: f64,
    pub p90_hours: f64,
}

/// Median and 90th percentile of review time, by the month of the decision.
pub fn review_time_per_month(
    cycles: &[(NaiveDateTime, f64)],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Vec<MonthReview> {
    let mut months: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (at, hours) in cycles.iter().filter(|(at, _)| *at >= from && *at < to) {
        months.entry(month_of(*at)).or_default().push(*hours);
    }
    months
        .into_iter()
        .map(|(month, mut hours)| {
            hours.sort_by(f64::total_cmp);
            MonthReview {
                month,
                decisions: hours.len() as i64,
                median_hours: round2(percentile(&hours, 0.5).unwrap_or(0.0)),
                p90_hours: round2(percentile(&hours, 0.9).unwrap_or(0.0)),
            }
        })
        .collect()
}

pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap().and_hms_opt(hour, 0, 0).unwrap()
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(percentile(&values, 0.5), Some(5.0));
        assert_eq!(percentile(&values, 0.9), Some(9.0));
        assert_eq!(percentile(&[7.0], 0.9), Some(7.0));
        assert_eq!(percentile(&[1.0, 3.0, 8.0], 0.5), Some(3.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn months_are_in_vietnam_time() {
        // 18:00 UTC on 31 January is 01:00 on 1 February in Vietnam.
        let late = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap().and_hms_opt(18, 0, 0).unwrap();
        assert_eq!(month_of(late), "2026-02");
        assert_eq!(
            per_month(&[late, at(1, 0), at(2, 0)]),
            vec![MonthCount { month: "2026-02".into(), count: 1 }, MonthCount { month: "2026-03".into(), count: 2 }]
        );
        let (start, end) =
            utc_bounds(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 3, 31).unwrap());
        assert_eq!(start, NaiveDate::from_ymd_opt(2026, 2, 28).unwrap().and_hms_opt(17, 0, 0).unwrap());
        assert_eq!(end, NaiveDate::from_ymd_opt(2026, 3, 31).unwrap().and_hms_opt(17, 0, 0).unwrap());
    }

    #[test]
    fn review_cycles_pair_each_decision_with_its_submission() {
        let e = |entity: &str, action: &str, day, hour| ReviewEvent {
            entity: entity.into(),
            action: action.into(),
            at: at(day, hour),
        };
        let events = vec![
            e("a", "create", 1, 0),
            e("a", "submit", 1, 0),
            e("a", "request_changes", 1, 10),
            e("a", "submit", 2, 0),
            e("a", "approve", 3, 0),
            e("b", "submit", 5, 0),
            e("b", "approve", 5, 6),
            e("c", "submit", 6, 0),
            e("a", "suspend", 9, 0),
        ];
        let cycles = review_cycles(&events);
        let hours: Vec<f64> = cycles.iter().map(|c| c.1).collect();
        assert_eq!(hours, vec![10.0, 24.0, 6.0]);
        let months = review_time_per_month(&cycles, at(1, 0), at(31, 0));
        assert_eq!(
            months,
            vec![MonthReview { month: "2026-03".into(), decisions: 3, median_hours: 10.0, p90_hours: 24.0 }]
        );
    }
}

/// The age groups of a review queue, youngest first.
pub const QUEUE_AGES: &[(&str, i64)] = &[
    ("under_1_day", 24),
    ("1_to_3_days", 72),
    ("3_to_7_days", 168),
    ("7_to_14_days", 336),
    ("over_14_days", i64::MAX),
];

/// How many of the items submitted at `times` fall in each age group at `now` (every group
/// listed, empty ones with 0).
pub fn queue_by_age(times: &[NaiveDateTime], now: NaiveDateTime) -> Vec<(&'static str, i64)> {
    let mut counts: Vec<(&'static str, i64)> = QUEUE_AGES.iter().map(|(name, _)| (*name, 0)).collect();
    for at in times {
        let hours = (now - *at).num_hours().max(0);
        if let Some(index) = QUEUE_AGES.iter().position(|(_, below)| hours < *below) {
            counts[index].1 += 1;
        }
    }
    counts
}

#[cfg(test)]
mod queue_age_tests {
    use chrono::{Duration, NaiveDate};

    use super::*;

    #[test]
    fn waiting_items_fall_in_their_age_group() {
        let now = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap().and_hms_opt(12, 0, 0).unwrap();
        let ago = |hours| now - Duration::hours(hours);
        let groups = queue_by_age(&[ago(0), ago(23), ago(24), ago(71), ago(72), ago(200), ago(336), ago(5000)], now);
        assert_eq!(
            groups,
            vec![("under_1_day", 2), ("1_to_3_days", 2), ("3_to_7_days", 1), ("7_to_14_days", 1), ("over_14_days", 2)]
        );
        assert_eq!(queue_by_age(&[], now).iter().map(|g| g.1).sum::<i64>(), 0);
    }
}
