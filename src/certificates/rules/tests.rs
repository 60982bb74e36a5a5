use super::*;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

#[test]
fn the_report_owed_is_the_first_year_not_received() {
    // Tracking began before 15 December: that year's report is owed.
    assert_eq!(next_report_due(day("2027-01-10"), &[]), day("2027-12-15"));
    // After 15 December: the next year's.
    assert_eq!(next_report_due(day("2027-12-16"), &[]), day("2028-12-15"));
    assert_eq!(next_report_due(day("2027-12-15"), &[]), day("2027-12-15"));
    // Received, the next year's is owed; a gap stays owed.
    assert_eq!(next_report_due(day("2027-01-10"), &[day("2027-12-15")]), day("2028-12-15"));
    assert_eq!(next_report_due(day("2027-01-10"), &[day("2028-12-15")]), day("2027-12-15"));
}

#[test]
fn reviews_fall_every_three_years_from_the_certificate() {
    let certificate = day("2025-06-01");
    // None done: the first not passed when tracking began.
    assert_eq!(next_review_due(certificate, day("2027-01-10"), &[]), day("2028-06-01"));
    assert_eq!(next_review_due(certificate, day("2028-06-02"), &[]), day("2031-06-01"));
    // Done early or late, the next cycle is owed.
    assert_eq!(
        next_review_due(certificate, day("2027-01-10"), &[(day("2028-06-01"), day("2028-05-01"))]),
        day("2031-06-01")
    );
    assert_eq!(
        next_review_due(certificate, day("2027-01-10"), &[(day("2028-06-01"), day("2028-07-01"))]),
        day("2031-06-01")
    );
    // A leap day falls on 28 February.
    assert_eq!(years_after(day("2024-02-29"), 3), day("2027-02-28"));
}

#[test]
fn recognitions_last_five_years() {
    assert_eq!(recognition_end(day("2022-03-01")), day("2027-03-01"));
}

#[test]
fn reminders_go_at_the_nearest_lead_reached_and_never_after_the_date() {
    let due = day("2027-12-15");
    assert_eq!(reminder_lead(due, day("2027-11-14"), REMINDER_LEADS), None);
    assert_eq!(reminder_lead(due, day("2027-11-15"), REMINDER_LEADS), Some(30));
    assert_eq!(reminder_lead(due, day("2027-12-01"), REMINDER_LEADS), Some(30));
    assert_eq!(reminder_lead(due, day("2027-12-08"), REMINDER_LEADS), Some(7));
    assert_eq!(reminder_lead(due, day("2027-12-15"), REMINDER_LEADS), Some(7));
    assert_eq!(reminder_lead(due, day("2027-12-16"), REMINDER_LEADS), None);
    assert_eq!(reminder_lead(due, day("2027-10-16"), RECOGNITION_LEADS), Some(60));
}

#[test]
fn timing_tells_overdue_due_and_later() {
    let due = day("2027-12-15");
    assert_eq!(timing(due, day("2027-12-16"), DUE_WINDOW_DAYS), Timing::Overdue);
    assert_eq!(timing(due, day("2027-12-15"), DUE_WINDOW_DAYS), Timing::Due);
    assert_eq!(timing(due, day("2027-11-15"), DUE_WINDOW_DAYS), Timing::Due);
    assert_eq!(timing(due, day("2027-11-14"), DUE_WINDOW_DAYS), Timing::Later);
}

#[test]
fn vietnam_s_day_begins_at_17_utc() {
    let at = |t: &str| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M").unwrap_or_default();
    assert_eq!(local_date(at("2027-12-14 16:59")), day("2027-12-14"));
    assert_eq!(local_date(at("2027-12-14 17:00")), day("2027-12-15"));
}

fn fields_of(error: AppError) -> Vec<String> {
    match error {
        AppError::Validation(fields) => fields.into_iter().map(|f| f.field.to_string()).collect(),
        other => vec![format!("not a validation error: {other:?}")],
    }
}

#[test]
fn an_ending_needs_a_status_and_a_reason() {
    let today = day("2027-05-01");
    let ok = parse_ending(Some("revoked"), Some("  Không nộp báo cáo hai năm liền "), None, today);
    assert_eq!(
        ok.ok(),
        Some(EndingDecision {
            ending: Ending::Revoked, reason: "Không nộp báo cáo hai năm liền".into(), on: today
        })
    );
    let missing = parse_ending(Some("cancelled"), Some("   "), None, today).err().map(fields_of);
    assert_eq!(missing, Some(vec!["reason".to_owned()]));
    let wrong = parse_ending(Some("paused"), None, Some("2027-05-02"), today).err().map(fields_of);
    assert_eq!(wrong, Some(vec!["status".to_owned(), "reason".to_owned(), "decided_on".to_owned()]));
    let long = "x".repeat(REASON_MAX + 1);
    assert_eq!(
        parse_ending(Some("revoked"), Some(&long), None, today).err().map(fields_of),
        Some(vec!["reason".into()])
    );
}

#[test]
fn a_recognition_needs_its_number_and_a_past_date() {
    let today = day("2027-05-01");
    assert_eq!(
        parse_recognition(Some(" 12/DN-KNST "), Some("2026-04-30"), today).ok(),
        Some(("12/DN-KNST".to_owned(), day("2026-04-30")))
    );
    let refused = parse_recognition(Some(""), Some("30/04/2026"), today).err().map(fields_of);
    assert_eq!(refused, Some(vec!["number".to_owned(), "date".to_owned()]));
}
