//! The calendar as iCalendar (RFC 5545), written by hand: all-day events, text escaped,
//! lines ended with CRLF and folded at 75 octets without splitting a character.

use chrono::{NaiveDate, NaiveDateTime};

/// One all-day event.
pub struct Event {
    /// Stable across feeds, so that calendars update an event instead of adding another.
    pub uid: String,
    pub on: NaiveDate,
    pub summary: String,
    pub description: String,
}

/// Escapes TEXT values (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            other => out.push(other),
        }
    }
    out
}

/// Appends one content line, folded (RFC 5545 §3.1).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let size = c.len_utf8();
        if width + size > 75 {
            out.push_str("\r\n ");
            // The space that begins a continuation line counts towards its 75 octets.
            width = 1;
        }
        out.push(c);
        width += size;
    }
    out.push_str("\r\n");
}

pub fn calendar(name: &str, events: &[Event], stamp: NaiveDateTime) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//TechBridge//Certificate calendar//VI");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    let stamp = stamp.format("%Y%m%dT%H%M%SZ");
    for event in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", escape(&event.uid)));
        line(&mut out, &format!("DTSTAMP:{stamp}"));
        line(&mut out, &format!("DTSTART;VALUE=DATE:{}", event.on.format("%Y%m%d")));
        let next = event.on.succ_opt().unwrap_or(event.on);
        line(&mut out, &format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")));
        line(&mut out, &format!("SUMMARY:{}", escape(&event.summary)));
        line(&mut out, &format!("DESCRIPTION:{}", escape(&event.description)));
        line(&mut out, "TRANSP:TRANSPARENT");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_in_crlf_fold_at_75_octets_and_keep_characters_whole() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "Báo cáo hằng năm của doanh nghiệp khoa học và công nghệ ".repeat(3));
        line(&mut out, &long);
        assert!(out.ends_with("\r\n"));
        for physical in out.trim_end_matches("\r\n").split("\r\n") {
            assert!(physical.len() <= 75, "{} octets: {physical}", physical.len());
        }
        // Unfolding gives the line back.
        assert_eq!(out.trim_end_matches("\r\n").replace("\r\n ", ""), long);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn events_are_all_day() {
        let on = NaiveDate::from_ymd_opt(2027, 12, 15).unwrap_or_default();
        let stamp = on.and_hms_opt(1, 2, 3).unwrap_or_default();
        let feed = calendar(
            "Bắc Ninh",
            &[Event { uid: "x@techbridge".into(), on, summary: "Báo cáo".into(), description: "Hạn".into() }],
            stamp,
        );
        assert!(feed.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(feed.contains("\r\nDTSTART;VALUE=DATE:20271215\r\nDTEND;VALUE=DATE:20271216\r\n"));
        assert!(feed.contains("\r\nDTSTAMP:20271215T010203Z\r\n"));
        assert!(feed.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
    }
}
