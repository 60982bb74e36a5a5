//! How pages write amounts, dates and codes for people. Pure functions.

use chrono::{NaiveDate, NaiveDateTime};

use crate::i18n::Lang;

/// An amount of đồng as Vietnamese readers say it: "850 triệu", "1,5 tỷ"; in English
/// "VND 850 million", "VND 1.5 billion".
pub fn vnd(amount: i64, lang: Lang) -> String {
    let (unit_vi, unit_en, size) = if amount.abs() >= 1_000_000_000 {
        ("tỷ", "billion", 1_000_000_000_f64)
    } else if amount.abs() >= 1_000_000 {
        ("triệu", "million", 1_000_000_f64)
    } else {
        return match lang {
            Lang::Vi => format!("{} đồng", grouped(amount, '.')),
            Lang::En => format!("VND {}", grouped(amount, ',')),
        };
    };
    let value = amount as f64 / size;
    let rounded = (value * 100.0).round() / 100.0;
    let mut text = format!("{rounded:.2}");
    while text.ends_with('0') {
        text.pop();
    }
    if text.ends_with('.') {
        text.pop();
    }
    match lang {
        Lang::Vi => format!("{} {unit_vi}", text.replace('.', ",")),
        Lang::En => format!("VND {text} {unit_en}"),
    }
}

fn grouped(amount: i64, separator: char) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    if amount < 0 { format!("-{out}") } else { out }
}

/// A day: 15/03/2026 in Vietnamese, 2026-03-15 in English.
pub fn date(day: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Vi => day.format("%d/%m/%Y").to_string(),
        Lang::En => day.format("%Y-%m-%d").to_string(),
    }
}

/// A moment in Vietnam's time (UTC+7).
pub fn moment(at: NaiveDateTime, lang: Lang) -> String {
    let local = at + chrono::Duration::hours(7);
    match lang {
        Lang::Vi => local.format("%H:%M %d/%m/%Y").to_string(),
        Lang::En => local.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// A length of time given in days, as people say it: "12 ngày", "1 năm 3 tháng";
/// "12 days", "1 year 3 months". A month counts 30 days and a year 365.
pub fn duration_in_days(days: i64, lang: Lang) -> String {
    let days = days.max(0);
    let (years, months) = (days / 365, (days % 365) / 30);
    let plural = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (lang, years, months) {
        (Lang::Vi, 0, 0) => format!("{days} ngày"),
        (Lang::En, 0, 0) => plural(days, "day", "days"),
        (Lang::Vi, 0, m) => format!("{m} tháng"),
        (Lang::En, 0, m) => plural(m, "month", "months"),
        (Lang::Vi, y, 0) => format!("{y} năm"),
        (Lang::En, y, 0) => plural(y, "year", "years"),
        (Lang::Vi, y, m) => format!("{y} năm {m} tháng"),
        (Lang::En, y, m) => format!("{} {}", plural(y, "year", "years"), plural(m, "month", "months")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_people_say_them() {
        assert_eq!(duration_in_days(0, Lang::Vi), "0 ngày");
        assert_eq!(duration_in_days(1, Lang::En), "1 day");
        assert_eq!(duration_in_days(29, Lang::En), "29 days");
        assert_eq!(duration_in_days(30, Lang::Vi), "1 tháng");
        assert_eq!(duration_in_days(365, Lang::En), "1 year");
        assert_eq!(duration_in_days(365 + 95, Lang::Vi), "1 năm 3 tháng");
        assert_eq!(duration_in_days(2 * 365 + 31, Lang::En), "2 years 1 month");
        assert_eq!(duration_in_days(-4, Lang::En), "0 days");
    }

    #[test]
    fn amounts_as_people_say_them() {
        assert_eq!(vnd(850_000_000, Lang::Vi), "850 triệu");
        assert_eq!(vnd(1_500_000_000, Lang::Vi), "1,5 tỷ");
        assert_eq!(vnd(1_500_000_000, Lang::En), "VND 1.5 billion");
        assert_eq!(vnd(2_000_000_000, Lang::Vi), "2 tỷ");
        assert_eq!(vnd(750_000, Lang::Vi), "750.000 đồng");
        assert_eq!(vnd(750_000, Lang::En), "VND 750,000");
        assert_eq!(vnd(12_345_678, Lang::En), "VND 12.35 million");
    }

    #[test]
    fn days_in_each_language() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
        assert_eq!(date(day, Lang::Vi), "15/03/2026");
        assert_eq!(date(day, Lang::En), "2026-03-15");
    }
}
