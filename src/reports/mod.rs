//! What each province reports on: figures over a period, targets beside them, the national
//! table, open-data exports and the weekly summary to each province's admins.

pub mod charts;
pub mod csv_cell;
pub mod export;
pub mod figures;
pub mod model;
pub mod outcome_charts;
pub mod pages;
pub mod period;
pub mod routes;
pub mod service;
pub mod store;
pub mod weekly;

/// The weekly summary to each province's admins, on the timer.
pub fn register(timed: &mut crate::schedule::TimedWork<crate::app::SharedState>) {
    timed.add(
        "weekly summaries",
        |state: crate::app::SharedState| async move { Ok(weekly::run_due(&state).await? as u64) },
    );
}
