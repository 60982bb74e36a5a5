//! Personal data (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): the notice and the consents
//! given to it, each person's copy of their data, the deletion of an account, and the log
//! of who outside an organization read its private contact details.

pub mod access_log;
pub mod consent;
pub mod pages;
pub mod routes;
pub mod subject;

/// The access log's pruning, on the timer.
pub fn register(timed: &mut crate::schedule::TimedWork<crate::app::SharedState>) {
    timed.add("private reads pruning", |state: crate::app::SharedState| async move {
        let keep = chrono::Duration::days(state.settings.privacy.private_reads_keep_days.max(1));
        let before = state.clock.now() - keep;
        Ok(state.db.write(move |conn| routes::prune(conn, before)).await? as u64)
    });
}
