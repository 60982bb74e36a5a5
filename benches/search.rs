//! Search at marketplace scale: import and index 100 000 listings, then time a mixed set of
//! queries on the warm engine. Run with `cargo bench --bench search` (release build);
//! `-- --listings N` changes the size. Prints p50/p99 per kind of query.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use techbridge::clock::Clock;
use techbridge::config::Settings;
use techbridge::search::indexing::Search;
use techbridge::search::{Facet, Filters, SearchQuery, Sort};

mod support;
use support::{arg, ms, percentile};

#[tokio::main]
async fn main() {
    let listings = arg("--listings", 100_000);
    let orgs = arg("--orgs", 10_000);
    let rounds = arg("--rounds", 30);
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::load_for("bench").unwrap();
    settings.data_dir = dir.path().to_path_buf();
    settings.database.url = String::new();
    settings.log.level = "warn".into();

    let started = Instant::now();
    let db = techbridge::startup::open_database(&settings).unwrap();
    let provinces: Vec<(String, String)> = db
        .run(|conn| techbridge::tenants::store::list(conn, false))
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.id, t.name_vi))
        .collect();
    let now = Clock::system().now();
    let data = techbridge::demo::generate(orgs, listings, 2026, &provinces, now);
    let generated = started.elapsed();
    let imported = Instant::now();
    let owner =
        db.write(move |conn| Ok(techbridge::demo::store::create_demo_user(conn, "x", now)?.unwrap())).await.unwrap();
    let all_orgs = std::sync::Arc::new(data.orgs);
    let (o, w) = (all_orgs.clone(), owner.clone());
    db.write(move |conn| techbridge::demo::store::insert_orgs(conn, &o, &w, now)).await.unwrap();
    let all = std::sync::Arc::new(data.listings);
    for start in (0..all.len()).step_by(5000) {
        let (l, o, w) = (all.clone(), all_orgs.clone(), owner.clone());
        let end = (start + 5000).min(l.len());
        db.write(move |conn| techbridge::demo::store::insert_listings(conn, &l[start..end], &o, &w, 365, now))
            .await
            .unwrap();
    }
    let import_time = imported.elapsed();
    let indexed = Instant::now();
    let vocabulary = std::sync::Arc::new(techbridge::vocabulary::Vocabulary::default());
    let engine = techbridge::search::open(&settings.search, &settings.data_dir, vocabulary.clone()).await.unwrap();
    let search = Search::new(
        engine.clone(),
        db.clone(),
        std::sync::Arc::new(techbridge::listings::documents::ListingDocuments::new(vocabulary.clone())),
    );
    let report = search.rebuild().await.unwrap();
    let index_time = indexed.elapsed();
    println!("machine: {} cores", std::thread::available_parallelism().map_or(0, |n| n.get()));
    println!("data: {orgs} organizations, {listings} listings (generated in {:.1} s)", generated.as_secs_f64());
    println!(
        "import (SQLite) {:.1} s + index {:.1} s = {:.1} s for {} documents",
        import_time.as_secs_f64(),
        index_time.as_secs_f64(),
        (import_time + index_time).as_secs_f64(),
        report.documents
    );

    let text = |q: &str| SearchQuery { text: Some(q.into()), limit: 20, highlight: true, ..Default::default() };
    let sets: Vec<(&str, Vec<SearchQuery>)> = vec![
        (
            "plain",
            [
                "xử lý nước thải",
                "công nghệ sinh học",
                "robot hàn",
                "nhà kính thông minh",
                "vắc xin cá tra",
                "điện mặt trời",
            ]
            .map(text)
            .to_vec(),
        ),
        (
            "diacritic-free",
            [
                "xu ly nuoc thai",
                "cong nghe sinh hoc",
                "robot han tu dong",
                "nha kinh",
                "vac xin ca tra",
                "dien mat troi",
            ]
            .map(text)
            .to_vec(),
        ),
        (
            "typo",
            ["nuoc thia", "robto han", "nha kinhh", "vac xinn", "dien mat troii", "thanhh long"].map(text).to_vec(),
        ),
        (
            "filtered",
            vec![
                SearchQuery {
                    filters: Filters { kind: Some("need".into()), province: Some("92".into()), ..Default::default() },
                    ..text("nước thải")
                },
                SearchQuery {
                    filters: Filters { st_field: Some("4".into()), trl_min: Some(6), ..Default::default() },
                    ..text("cong nghe")
                },
                SearchQuery {
                    filters: Filters {
                        kind: Some("offer".into()),
                        price_max: Some(1_000_000_000),
                        ..Default::default()
                    },
                    ..text("may say")
                },
                SearchQuery {
                    filters: Filters { tag: Some("g01".into()), ..Default::default() },
                    sort: Sort::Newest,
                    ..Default::default()
                },
            ],
        ),
        (
            "faceted",
            vec![
                SearchQuery { facets: Facet::ALL.to_vec(), ..text("nước") },
                SearchQuery { facets: Facet::ALL.to_vec(), ..text("cong nghe") },
                SearchQuery { facets: Facet::ALL.to_vec(), sort: Sort::Newest, limit: 20, ..Default::default() },
            ],
        ),
    ];
    // Warm up.
    for (_, queries) in &sets {
        for q in queries {
            engine.search(q.clone()).await.unwrap();
        }
    }
    let mut everything = Vec::new();
    println!("{:<16} {:>8} {:>9} {:>9} {:>9}", "queries", "samples", "p50 ms", "p99 ms", "max ms");
    for (name, queries) in &sets {
        let mut samples = Vec::new();
        for _ in 0..rounds {
            for q in queries {
                let t = Instant::now();
                let results = engine.search(q.clone()).await.unwrap();
                samples.push(t.elapsed());
                assert!(results.total > 0, "{name}: {:?} found nothing", q.text);
            }
        }
        samples.sort();
        println!(
            "{:<16} {:>8} {:>9.2} {:>9.2} {:>9.2}",
            name,
            samples.len(),
            ms(percentile(&samples, 0.5)),
            ms(percentile(&samples, 0.99)),
            ms(*samples.last().unwrap())
        );
        everything.extend(samples);
    }
    everything.sort();
    println!(
        "{:<16} {:>8} {:>9.2} {:>9.2} {:>9.2}",
        "all (mixed)",
        everything.len(),
        ms(percentile(&everything, 0.5)),
        ms(percentile(&everything, 0.99)),
        ms(*everything.last().unwrap())
    );
    // One query at a time, from the narrowest to the broadest: what a search costs should
    // not grow with how much of the market it matches.
    println!("\none at a time ({rounds} rounds each, no result cache):");
    println!("{:<26} {:>9} {:>9} {:>9}", "query", "matches", "p50 ms", "p99 ms");
    let mut singles = Vec::new();
    for q in [
        "robot hàn",
        "vắc xin cá tra",
        "xu ly nuoc thai",
        "nha kinh thong minh",
        "bảo quản sau thu hoạch",
        "chế phẩm sinh học",
        "công nghệ",
        "sản xuất",
        "nông nghiệp",
    ] {
        let query = text(q);
        let found = engine.search(query.clone()).await.unwrap();
        let mut samples = Vec::new();
        for _ in 0..rounds {
            let t = Instant::now();
            engine.search(query.clone()).await.unwrap();
            samples.push(t.elapsed());
        }
        samples.sort();
        let shown = if found.total_exact { found.total.to_string() } else { format!("{}+", found.total) };
        println!(
            "{:<26} {:>9} {:>9.2} {:>9.2}",
            q,
            shown,
            ms(percentile(&samples, 0.5)),
            ms(percentile(&samples, 0.99))
        );
        singles.push((found.total, ms(percentile(&samples, 0.5)), q));
    }
    singles.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let (narrow, broad) = (singles.first().unwrap(), singles.last().unwrap());
    println!(
        "broadest ({}) / narrowest ({}), p50: {:.2} / {:.2} ms = {:.1}x",
        broad.2,
        narrow.2,
        broad.1,
        narrow.1,
        broad.1 / narrow.1
    );
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(rss) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!("peak RSS of this process (import + index + search): {}", rss.trim_start_matches("VmHWM:").trim());
    }
}
