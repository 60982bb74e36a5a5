//! Matching and digests at scale: 100 000 offers and 10 000 needs published; the time to
//! match one new listing (retrieval + scoring), to backfill every need, and to send the
//! daily digest to 10 000 users. Run with `cargo bench --bench matching`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use chrono::NaiveDate;
use diesel::prelude::*;
use techbridge::clock::Clock;
use techbridge::config::Settings;
use techbridge::db::DbConnection;
use techbridge::db::schema::{notification_preferences, notifications, users};

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

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let offers = arg("--offers", 100_000);
    let needs = arg("--needs", 10_000);
    let digest_users = arg("--users", 10_000);
    let sample = arg("--sample", 300);
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::load_for("bench").unwrap();
    settings.data_dir = dir.path().to_path_buf();
    settings.database.url = String::new();
    settings.email.transport = techbridge::config::EmailTransportKind::Log;
    let clock = Clock::system();
    let state = techbridge::startup::build_state(settings, clock.clone()).await.unwrap();

    // 100 000 offers and 10 000 needs from the demonstration generator.
    let provinces: Vec<(String, String)> = state
        .db
        .run(|conn| techbridge::tenants::store::list(conn, false))
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.id, t.name_vi))
        .collect();
    let now = clock.now();
    let mut data = techbridge::demo::generate(10_000, offers + needs, 2026, &provinces, now);
    for (n, listing) in data.listings.iter_mut().enumerate() {
        let price = listing.price_vnd.or(listing.budget.map(|b| b.0 * 2)).unwrap_or(1_000_000_000);
        if n < offers {
            listing.kind = "offer";
            listing.price_vnd = Some(price);
            listing.budget = None;
            listing.vsic_section = None;
        } else {
            listing.kind = "need";
            listing.price_vnd = None;
            listing.budget = Some((price / 2, price * 2));
            listing.vsic_section = Some("A");
        }
    }
    let started = Instant::now();
    let owner = state
        .db
        .write(move |conn| Ok(techbridge::demo::store::create_demo_user(conn, "x", now)?.unwrap()))
        .await
        .unwrap();
    let orgs = std::sync::Arc::new(data.orgs);
    let listings = std::sync::Arc::new(data.listings);
    let (o, w) = (orgs.clone(), owner.clone());
    state.db.write(move |conn| techbridge::demo::store::insert_orgs(conn, &o, &w, now)).await.unwrap();
    for start in (0..listings.len()).step_by(5000) {
        let (l, o, w) = (listings.clone(), orgs.clone(), owner.clone());
        let end = (start + 5000).min(l.len());
        state
            .db
            .write(move |conn| techbridge::demo::store::insert_listings(conn, &l[start..end], &o, &w, 365, now))
            .await
            .unwrap();
    }
    let report = state.search.rebuild().await.unwrap();
    println!("machine: {} cores", std::thread::available_parallelism().map_or(0, |n| n.get()));
    println!(
        "data: {offers} offers + {needs} needs published, indexed in {:.1} s ({} documents)",
        started.elapsed().as_secs_f64(),
        report.documents
    );

    // Matching one listing: retrieval from the index, loading the candidates, scoring.
    let need_ids: Vec<String> = listings[offers..].iter().map(|l| l.id.clone()).collect();
    let mut timings = Vec::new();
    let mut kept = 0;
    for id in need_ids.iter().step_by((needs / sample).max(1)).take(sample) {
        let lookup = id.clone();
        let record = state.db.run(move |conn| techbridge::listings::store::find(conn, &lookup)).await.unwrap().unwrap();
        let t = Instant::now();
        let considered = techbridge::matching::engine::consider(&state, &record).await.unwrap();
        timings.push(t.elapsed());
        kept += considered.iter().filter(|c| c.outcome == techbridge::matching::select::Outcome::Proposed).count();
    }
    timings.sort();
    println!(
        "match one listing against {} ({} samples, {} candidates each): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {:.1} proposed on average",
        offers + needs,
        timings.len(),
        state.settings.matching.candidates,
        ms(percentile(&timings, 0.5)),
        ms(percentile(&timings, 0.99)),
        ms(*timings.last().unwrap()),
        kept as f64 / timings.len() as f64
    );

    // Backfill: every need matched, stored, and both sides notified (two at a time).
    let t = Instant::now();
    let halves: Vec<Vec<String>> = need_ids.chunks(need_ids.len().div_ceil(2).max(1)).map(|c| c.to_vec()).collect();
    let mut tasks = Vec::new();
    for half in halves {
        let state = state.clone();
        tasks.push(tokio::spawn(async move {
            let mut created = 0;
            for id in half {
                created += techbridge::matching::engine::run(&state, &id).await.unwrap().created;
            }
            created
        }));
    }
    let mut created = 0;
    for task in tasks {
        created += task.await.unwrap();
    }
    let backfill = t.elapsed();
    println!(
        "backfill: {needs} needs against {offers} offers in {:.1} s ({:.2} ms per need), {created} matches stored with their notifications",
        backfill.as_secs_f64(),
        ms(backfill) / needs as f64
    );

    // The daily digest for 10 000 users with three waiting notifications each.
    let at = clock.now();
    state
        .db
        .write(move |conn| {
            for start in (0..digest_users).step_by(1000) {
                let end = (start + 1000).min(digest_users);
                let people: Vec<_> = (start..end)
                    .map(|n| {
                        (
                            users::id.eq(format!("digest-user-{n:06}")),
                            users::email.eq(format!("nguoidung{n}@example.vn")),
                            users::password_hash.eq("x"),
                            users::full_name.eq(format!("Người dùng {n}")),
                            users::language.eq(if n % 5 == 0 { "en" } else { "vi" }),
                            users::is_platform_admin.eq(false),
                            users::created_at.eq(at),
                            users::updated_at.eq(at),
                        )
                    })
                    .collect();
                insert_rows!(conn, users::table, &people)?;
                let prefs: Vec<_> = (start..end)
                    .map(|n| {
                        (
                            notification_preferences::user_id.eq(format!("digest-user-{n:06}")),
                            notification_preferences::kind.eq("new_match"),
                            notification_preferences::mode.eq("daily"),
                            notification_preferences::updated_at.eq(at),
                        )
                    })
                    .collect();
                insert_rows!(conn, notification_preferences::table, &prefs)?;
                let items: Vec<_> = (start..end)
                    .flat_map(|n| {
                        (0..3).map(move |k| {
                            (
                                notifications::id.eq(format!("digest-{n:06}-{k}")),
                                notifications::user_id.eq(format!("digest-user-{n:06}")),
                                notifications::kind.eq("new_match"),
                                notifications::title.eq(format!("Gợi ý kết nối mới số {k}")),
                                notifications::body.eq("TechBridge tìm thấy một công nghệ phù hợp."),
                                notifications::link.eq(Some(format!("http://localhost:8080/matches/{n}-{k}"))),
                                notifications::email_state.eq("digest"),
                                notifications::created_at.eq(at),
                            )
                        })
                    })
                    .collect();
                insert_rows!(conn, notifications::table, &items)?;
            }
            Ok(())
        })
        .await
        .unwrap();
    // 09:00 in Vietnam, the day after.
    let tomorrow = (clock.now() + chrono::Duration::hours(7)).date() + chrono::Duration::days(1);
    clock.travel_to(NaiveDate::and_hms_opt(&tomorrow, 2, 0, 0).unwrap());
    let t = Instant::now();
    let sent = techbridge::notify::digest::run_due(&state).await.unwrap();
    let digest = t.elapsed();
    println!(
        "daily digest: {sent} digests for {digest_users} users queued in {:.1} s ({:.2} ms per user)",
        digest.as_secs_f64(),
        ms(digest) / digest_users.max(1) as f64
    );
}
