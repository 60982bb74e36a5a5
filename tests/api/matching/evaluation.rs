//! The evaluation set's figures, held above the acceptance floors: the engine, the
//! store and the index as the job runs them, every listing of the set published and
//! matched as it arrives.

#[allow(dead_code)]
#[path = "../../../benches/support/evaluation.rs"]
mod set;

use set::Order;

use crate::helpers::{TestOptions, spawn_app_with};

#[tokio::test]
async fn the_evaluation_set_is_matched_as_a_broker_would() {
    let app = spawn_app_with(TestOptions { jobs_enabled: false, ..Default::default() }).await;
    let report = set::run(&app.state, Order::OffersFirst).await;
    let detail = format!("{}\nwrong: {:?}\nmissed: {:?}", report.summary(), report.wrong, report.missed);
    assert_eq!(report.needs, 96);
    assert_eq!(report.no_fit_needs, 14);
    assert!(report.precision_at_5 >= 0.90, "{detail}");
    assert!(report.recall_at_10 >= 0.95, "{detail}");
    assert!(report.proposals_per_need <= 2.0, "{detail}");
    assert!(report.no_fit_with_proposal <= 2, "{detail}");
    assert_eq!(report.near_misses_proposed, 0, "{detail}");
    eprintln!("{detail}");
}
