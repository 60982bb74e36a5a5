//! The matching evaluation set (`tests/data/matching_eval/set.json`): every listing
//! published and matched as it arrives, in three orders, then measured against the set's
//! judgments. Prints precision@5, recall@10, proposals per need and how many no-fit needs
//! got a proposal, with the wrong proposals and the missed pairs. Run with
//! `cargo bench --bench matching_eval` (`-- --postgres URL` for an empty PostgreSQL database).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "support/evaluation.rs"]
mod evaluation;
#[allow(dead_code)]
mod support;

use evaluation::Order;
use techbridge::clock::Clock;
use techbridge::config::Settings;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let postgres = args.iter().position(|a| a == "--postgres").and_then(|i| args.get(i + 1)).cloned();
    for order in [Order::OffersFirst, Order::NeedsFirst, Order::Interleaved] {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::load_for("bench").unwrap();
        settings.data_dir = dir.path().to_path_buf();
        settings.database.url = postgres.clone().unwrap_or_default();
        settings.email.transport = techbridge::config::EmailTransportKind::Log;
        settings.jobs.enabled = false;
        let state = techbridge::startup::build_state(settings, Clock::system()).await.unwrap();
        let started = std::time::Instant::now();
        let report = evaluation::run(&state, order).await;
        println!("{order:?} ({:.1} s): {}", started.elapsed().as_secs_f64(), report.summary());
        for (need, offer, score) in &report.wrong {
            println!("  wrong   {need} ← {offer} (score {score:.3})");
        }
        for (need, offer) in &report.missed {
            println!("  missed  {need} ← {offer}");
        }
        if postgres.is_some() {
            println!("(PostgreSQL: one order only, the database is not emptied between runs)");
            break;
        }
    }
}
