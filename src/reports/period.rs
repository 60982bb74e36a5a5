//! The period a report covers: local dates in Vietnam, both ends included, either open.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};
use serde::Serialize;

use super::figures::utc_bounds;
use crate::error::{FieldError, Text};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Period {
    /// First day counted (YYYY-MM-DD, Vietnam time); none means from the beginning.
    pub from: Option<NaiveDate>,
    /// Last day counted; none means up to now.
    pub to: Option<NaiveDate>,
}

/// The earliest and latest dates a period may name: outside them a date is a typo.
const EARLIEST_YEAR: i32 = 2000;
const LATEST_YEAR: i32 = 2100;

fn parse_date(field: &'static str, raw: Option<&str>) -> Result<Option<NaiveDate>, FieldError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        FieldError::new(
            field,
            "invalid_date",
            Text::new("Ngày có dạng YYYY-MM-DD, ví dụ 2026-01-31.", "Dates are written YYYY-MM-DD, e.g. 2026-01-31."),
        )
    })?;
    if !(EARLIEST_YEAR..=LATEST_YEAR).contains(&date.year()) {
        return Err(FieldError::out_of_range(field, i64::from(EARLIEST_YEAR), i64::from(LATEST_YEAR)));
    }
    Ok(Some(date))
}

impl Period {
    /// Parses `from` and `to`; an inverted range is refused rather than read as empty.
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Period, Vec<FieldError>> {
        let from = parse_date("from", from);
        let to = parse_date("to", to);
        match (from, to) {
            (Ok(from), Ok(to)) => {
                if let (Some(start), Some(end)) = (from, to)
                    && start > end
                {
                    return Err(vec![FieldError::new(
                        "to",
                        "inverted_range",
                        Text::new(
                            "Ngày kết thúc (to) phải sau ngày bắt đầu (from).",
                            "`to` must not be before `from`.",
                        ),
                    )]);
                }
                Ok(Period { from, to })
            }
            (from, to) => Err([from.err(), to.err()].into_iter().flatten().collect()),
        }
    }

    /// The period as UTC instants: [start, end), each open when the period is.
    pub fn utc(&self) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
        let start = self.from.map(|from| utc_bounds(from, from).0);
        let end = self.to.map(|to| utc_bounds(to, to).1);
        (start, end)
    }

    pub fn contains_instant(&self, at: NaiveDateTime) -> bool {
        let (start, end) = self.utc();
        start.is_none_or(|s| at >= s) && end.is_none_or(|e| at < e)
    }

    pub fn contains_date(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|from| date >= from) && self.to.is_none_or(|to| date <= to)
    }
}

/// The Monday starting the latest week whose summary is due at local time `local_now`:
/// a week is summed up on the following Monday from `hour` o'clock.
pub fn week_due(local_now: NaiveDateTime, hour: u32) -> NaiveDate {
    let today = local_now.date();
    let this_monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let summary_time = this_monday.and_hms_opt(hour.min(23), 0, 0).unwrap_or_default();
    if local_now >= summary_time { this_monday - Duration::days(7) } else { this_monday - Duration::days(14) }
}

/// ISO week label of a Monday, e.g. "2026-W48".
pub fn week_label(monday: NaiveDate) -> String {
    debug_assert_eq!(monday.weekday(), Weekday::Mon);
    let week = monday.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn parses_open_and_closed_periods() {
        assert_eq!(Period::parse(None, None).unwrap(), Period::default());
        assert_eq!(Period::parse(Some(""), Some(" ")).unwrap(), Period::default());
        let period = Period::parse(Some("2026-01-01"), Some("2026-01-01")).unwrap();
        assert_eq!(period, Period { from: Some(date(2026, 1, 1)), to: Some(date(2026, 1, 1)) });
        // One local day is 17:00 UTC the day before to 17:00 UTC that day.
        let (start, end) = period.utc();
        assert_eq!(start, Some(date(2025, 12, 31).and_hms_opt(17, 0, 0).unwrap()));
        assert_eq!(end, Some(date(2026, 1, 1).and_hms_opt(17, 0, 0).unwrap()));
        assert!(period.contains_instant(date(2025, 12, 31).and_hms_opt(17, 0, 0).unwrap()));
        assert!(!period.contains_instant(date(2026, 1, 1).and_hms_opt(17, 0, 0).unwrap()));
        assert!(period.contains_date(date(2026, 1, 1)));
        assert!(!period.contains_date(date(2026, 1, 2)));
        assert!(Period::default().contains_date(date(2001, 1, 1)));
    }

    #[test]
    fn refuses_malformed_inverted_and_absurd_dates() {
        let errors = Period::parse(Some("2026-13-01"), Some("yesterday")).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, vec!["from", "to"]);
        assert!(errors.iter().all(|e| e.code == "invalid_date"));
        let inverted = Period::parse(Some("2026-03-02"), Some("2026-03-01")).unwrap_err();
        assert_eq!(inverted[0].code, "inverted_range");
        assert_eq!(Period::parse(Some("1899-01-01"), None).unwrap_err()[0].code, "out_of_range");
        assert_eq!(Period::parse(Some("2026-02-30"), None).unwrap_err()[0].code, "invalid_date");
    }

    #[test]
    fn the_week_due_is_last_week_from_monday_morning() {
        // Wednesday 25 November 2026: last week started Monday 16 November.
        let wednesday = date(2026, 11, 25).and_hms_opt(10, 0, 0).unwrap();
        assert_eq!(week_due(wednesday, 8), date(2026, 11, 16));
        // Monday 23 November before 08:00: the week before last is still the latest due.
        let early_monday = date(2026, 11, 23).and_hms_opt(7, 59, 0).unwrap();
        assert_eq!(week_due(early_monday, 8), date(2026, 11, 9));
        let monday = date(2026, 11, 23).and_hms_opt(8, 0, 0).unwrap();
        assert_eq!(week_due(monday, 8), date(2026, 11, 16));
        let sunday_night = date(2026, 11, 29).and_hms_opt(23, 59, 0).unwrap();
        assert_eq!(week_due(sunday_night, 8), date(2026, 11, 16));
        assert_eq!(week_label(date(2026, 11, 16)), "2026-W47");
        assert_eq!(week_label(date(2026, 12, 28)), "2026-W53");
    }
}
