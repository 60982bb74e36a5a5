//! The listings' work in the background: following their organization's standing, and
//! expiring listings on the timer.

use crate::app::SharedState;
use crate::jobs::{JobError, JobRunner};
use crate::registry::events::OrgStandingChanged;
use crate::schedule::TimedWork;
use crate::search::indexing;

pub fn register_jobs(jobs: &mut JobRunner<SharedState>) {
    jobs.register(follow_org_standing);
}

pub fn register_timed_work(timed: &mut TimedWork<SharedState>) {
    timed.add("listing expiry", |state: SharedState| async move {
        let sweep = super::expiry::sweep(&state).await?;
        Ok((sweep.expired + sweep.reminded) as u64)
    });
}

/// A suspended organization's listings leave the index and its suggestions close; a
/// reinstated one's return: every listing of it changes in the index and is matched again.
async fn follow_org_standing(state: SharedState, event: OrgStandingChanged) -> Result<(), JobError> {
    let app = state.clone();
    state
        .db
        .write(move |conn| {
            for id in super::store::ids_of_org(conn, &event.org_id)? {
                indexing::listing_changed(conn, &id)?;
                crate::matching::engine::enqueue(conn, &app, &id)?;
            }
            Ok(())
        })
        .await?;
    state.jobs.wake();
    Ok(())
}
