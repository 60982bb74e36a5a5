//! Province and national figures at scale: 10 000 organizations and 100 000 listings with
//! their review history, 20 000 matches and a few thousand items waiting for review.
//! Run with `cargo bench --bench reports`; set `TECHBRIDGE_BENCH_DATABASE_URL` to an empty
//! PostgreSQL database to measure PostgreSQL instead of SQLite.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Duration as Days;
use diesel::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use techbridge::clock::Clock;
use techbridge::config::Settings;
use techbridge::db::DbConnection;
use techbridge::db::schema::{listings, matches, organizations};
use techbridge::reports::period::Period;
use techbridge::reports::service::{self, View};

mod support;
use support::{arg, ms, percentile};

macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConnection::Postgres(pg) => diesel::insert_into($table).values($rows).execute(pg),
            DbConnection::Sqlite(sqlite) => diesel::insert_into($table).values($rows).execute(sqlite),
        }
    };
}

const STATES: [(&str, u32); 5] = [("suggested", 60), ("connected", 15), ("deal", 5), ("declined", 15), ("closed", 5)];

fn state_of(roll: u32) -> &'static str {
    let mut acc = 0;
    for (state, share) in STATES {
        acc += share;
        if roll < acc {
            return state;
        }
    }
    "suggested"
}

async fn time<F, Fut>(samples: usize, mut run: F) -> Vec<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut timings = Vec::with_capacity(samples);
    for _ in 0..samples {
        let t = Instant::now();
        run().await;
        timings.push(t.elapsed());
    }
    timings.sort();
    timings
}

fn report(label: &str, timings: &[Duration]) {
    println!(
        "{label}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} samples)",
        ms(percentile(timings, 0.5)),
        ms(percentile(timings, 0.99)),
        ms(*timings.last().unwrap()),
        timings.len()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let org_count = arg("--orgs", 10_000);
    let listing_count = arg("--listings", 100_000);
    let match_count = arg("--matches", 20_000);
    let samples = arg("--samples", 50);
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::load_for("bench").unwrap();
    settings.data_dir = dir.path().to_path_buf();
    settings.database.url = std::env::var("TECHBRIDGE_BENCH_DATABASE_URL").unwrap_or_default();
    settings.email.transport = techbridge::config::EmailTransportKind::Log;
    let backend = if settings.database.url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let clock = Clock::system();
    let state = techbridge::startup::build_state(settings, clock.clone()).await.unwrap();
    let provinces = state.db.run(|conn| techbridge::tenants::store::list(conn, false)).await.unwrap();
    let pairs: Vec<(String, String)> = provinces.iter().map(|t| (t.id.clone(), t.name_vi.clone())).collect();
    let now = clock.now();

    // Organizations and listings with their review history, from the demonstration generator.
    let started = Instant::now();
    let data = techbridge::demo::generate(org_count, listing_count, 2026, &pairs, now);
    let owner = state
        .db
        .write(move |conn| Ok(techbridge::demo::store::create_demo_user(conn, "x", now)?.unwrap()))
        .await
        .unwrap();
    let orgs = Arc::new(data.orgs);
    let all = Arc::new(data.listings);
    let (o, w) = (orgs.clone(), owner.clone());
    state.db.write(move |conn| techbridge::demo::store::insert_orgs(conn, &o, &w, now)).await.unwrap();
    for start in (0..all.len()).step_by(5000) {
        let (l, o, w) = (all.clone(), orgs.clone(), owner.clone());
        let end = (start + 5000).min(l.len());
        state
            .db
            .write(move |conn| techbridge::demo::store::insert_listings(conn, &l[start..end], &o, &w, 365, now))
            .await
            .unwrap();
    }

    // Some of them wait for review: 3 % of organizations, 2 % of listings.
    let waiting_orgs: Vec<String> = orgs.iter().step_by(33).map(|o| o.id.clone()).collect();
    let waiting_listings: Vec<String> = all.iter().step_by(50).map(|l| l.id.clone()).collect();
    let (wo, wl) = (waiting_orgs.clone(), waiting_listings.clone());
    state
        .db
        .write(move |conn| {
            for chunk in wo.chunks(500) {
                diesel::update(organizations::table.filter(organizations::id.eq_any(chunk)))
                    .set((organizations::status.eq("submitted"), organizations::submitted_at.eq(now - Days::days(3))))
                    .execute(conn)?;
            }
            for chunk in wl.chunks(500) {
                diesel::update(listings::table.filter(listings::id.eq_any(chunk)))
                    .set((listings::status.eq("pending_review"), listings::submitted_at.eq(now - Days::days(2))))
                    .execute(conn)?;
            }
            Ok(())
        })
        .await
        .unwrap();

    // Matches between random offers and needs, in every state.
    let offers: Vec<usize> = (0..all.len()).filter(|&i| all[i].kind == "offer").collect();
    let needs: Vec<usize> = (0..all.len()).filter(|&i| all[i].kind == "need").collect();
    let mut rng = ChaCha8Rng::seed_from_u64(57);
    let mut rows = Vec::with_capacity(match_count);
    for n in 0..match_count {
        let offer = &all[offers[rng.random_range(0..offers.len())]];
        let need = &all[needs[rng.random_range(0..needs.len())]];
        let state_name = state_of(rng.random_range(0..100));
        let created = now - Days::minutes(rng.random_range(0..(300 * 24 * 60)));
        let connected = matches!(state_name, "connected" | "deal").then(|| created + Days::days(3));
        rows.push((
            format!("bench-match-{n:06}"),
            offer.id.clone(),
            need.id.clone(),
            orgs[offer.org].id.clone(),
            orgs[need.org].id.clone(),
            orgs[offer.org].tenant_id.clone(),
            orgs[need.org].tenant_id.clone(),
            state_name,
            created,
            connected,
            (state_name == "deal").then(|| rng.random_range(100..5_000) * 1_000_000_i64),
            (state_name == "deal").then(|| (created + Days::days(10)).date()),
        ));
    }
    let rows = Arc::new(rows);
    state
        .db
        .write(move |conn| {
            for chunk in rows.chunks(500) {
                let values: Vec<_> = chunk
                    .iter()
                    .map(|r| {
                        (
                            (
                                matches::id.eq(&r.0),
                                matches::offer_id.eq(&r.1),
                                matches::need_id.eq(&r.2),
                                matches::offer_org_id.eq(&r.3),
                                matches::need_org_id.eq(&r.4),
                                matches::offer_tenant_id.eq(&r.5),
                                matches::need_tenant_id.eq(&r.6),
                                matches::state.eq(r.7),
                                matches::score.eq(0.5),
                                matches::score_parts.eq("[]"),
                                matches::origin.eq("engine"),
                            ),
                            (
                                matches::version.eq(1),
                                matches::created_at.eq(r.8),
                                matches::updated_at.eq(r.8),
                                matches::connected_at.eq(r.9),
                                matches::deal_value_vnd.eq(r.10),
                                matches::deal_date.eq(r.11),
                            ),
                        )
                    })
                    .collect();
                insert_rows!(conn, matches::table, &values)?;
            }
            Ok(())
        })
        .await
        .unwrap();
    state.db.run(|conn| techbridge::db::refresh_statistics(conn, true)).await.unwrap();
    println!("machine: {} cores; database: {backend}", std::thread::available_parallelism().map_or(0, |n| n.get()));
    println!(
        "data: {org_count} organizations, {listing_count} listings ({} audit lines of review), {match_count} matches, {} + {} waiting; seeded in {:.1} s",
        2 * (org_count + listing_count),
        waiting_orgs.len(),
        waiting_listings.len(),
        started.elapsed().as_secs_f64()
    );

    // The busiest province, and four others.
    let mut per_province: Vec<(String, usize)> =
        provinces.iter().map(|p| (p.id.clone(), orgs.iter().filter(|o| o.tenant_id == p.id).count())).collect();
    per_province.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    let busiest = provinces.iter().find(|p| p.id == per_province[0].0).unwrap().clone();
    let busiest_listings = all.iter().filter(|l| orgs[l.org].tenant_id == busiest.id).count();
    println!(
        "busiest province: {} ({}), {} organizations, {busiest_listings} listings",
        busiest.name_vi, busiest.id, per_province[0].1
    );
    let year = Period::parse(Some(&(now.date() - Days::days(365)).to_string()), Some(&now.date().to_string())).unwrap();
    for (label, view, period) in [
        ("province figures, full, all time", View::Full, Period::default()),
        ("province figures, full, last 12 months", View::Full, year),
        ("province figures, public, all time", View::Public, Period::default()),
    ] {
        let timings = time(samples, || {
            let (state, busiest) = (state.clone(), busiest.clone());
            async move {
                let taxonomy = state.taxonomy.clone();
                let figures = state
                    .db
                    .run(move |conn| service::province_figures(conn, &taxonomy, &busiest, period, view, now))
                    .await
                    .unwrap();
                assert!(figures.organizations.approved > 0);
                // Serialised as the handler does.
                std::hint::black_box(serde_json::to_vec(&figures).unwrap());
            }
        })
        .await;
        report(&format!("{label} ({})", busiest.id), &timings);
    }
    let mut spread = Vec::new();
    for province in provinces.iter().step_by(7) {
        let province = province.clone();
        spread.extend(
            time(samples / 5, || {
                let (state, province) = (state.clone(), province.clone());
                async move {
                    let taxonomy = state.taxonomy.clone();
                    let figures = state
                        .db
                        .run(move |conn| {
                            service::province_figures(conn, &taxonomy, &province, Period::default(), View::Full, now)
                        })
                        .await
                        .unwrap();
                    std::hint::black_box(serde_json::to_vec(&figures).unwrap());
                }
            })
            .await,
        );
    }
    spread.sort();
    report("province figures, full, all time (5 provinces)", &spread);
    for (label, view) in [("national figures, full", View::Full), ("national figures, public", View::Public)] {
        let timings = time(samples.div_ceil(5), || {
            let (state, provinces) = (state.clone(), provinces.clone());
            async move {
                let expected = provinces.len();
                let figures = state
                    .db
                    .run(move |conn| service::national_figures(conn, &provinces, Period::default(), view, now))
                    .await
                    .unwrap();
                assert_eq!(figures.provinces.len(), expected);
                std::hint::black_box(serde_json::to_vec(&figures).unwrap());
            }
        })
        .await;
        report(label, &timings);
    }
}
