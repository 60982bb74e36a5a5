//! The calendar as CSV for the officers: one line per due date, then one per certificate
//! ended. Names come from users, so every text cell is neutralised against formulas.

use super::calendar::{Entry, List};
use super::service::listed;
use crate::reports::csv_cell::neutralise_formula;

const HEADER: [&str; 10] =
    ["org_id", "legal_name", "kind", "number", "issued_on", "obligation", "due_on", "timing", "standing", "reason"];

pub fn csv(entries: &[Entry]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER)?;
    let text = |value: &str| neutralise_formula(value).into_owned();
    for entry in listed(entries, List::All) {
        let number = entry.certificate_number.clone().or_else(|| entry.recognition_number.clone()).unwrap_or_default();
        let issued = entry.certificate_date.or(entry.recognition_date).map(|d| d.to_string()).unwrap_or_default();
        for due in &entry.due_dates {
            writer.write_record([
                entry.org_id.clone(),
                text(&entry.legal_name),
                entry.kind.clone(),
                text(&number),
                issued.clone(),
                due.obligation.as_str().to_owned(),
                due.due_on.to_string(),
                due.timing.as_str().to_owned(),
                String::new(),
                String::new(),
            ])?;
        }
    }
    for entry in listed(entries, List::Ended) {
        let Some(standing) = &entry.standing else { continue };
        writer.write_record([
            entry.org_id.clone(),
            text(&entry.legal_name),
            entry.kind.clone(),
            text(entry.certificate_number.as_deref().unwrap_or_default()),
            entry.certificate_date.map(|d| d.to_string()).unwrap_or_default(),
            String::new(),
            String::new(),
            String::new(),
            format!("{} {}", standing.status, standing.decided_on),
            text(&standing.reason),
        ])?;
    }
    let bytes = writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
