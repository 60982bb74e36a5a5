//! Search over HTTP at market scale: seeds demo data with the release binary, serves it,
//! and loads it with wrk — the mixed query set (broad queries included) side by side with
//! `GET /api/v1/listings/{id}` in the same run, then single queries one connection at a
//! time — first with the result cache as configured, then with it off. Prints throughput,
//! p50 and p99, the seeding time and the server's memory.
//!
//! `cargo bench --bench http_search -- --listings 100000 --orgs 5000 [--data DIR]
//! [--seconds 15] [--connections 32]`. With `--data DIR` the seeded data is kept there and
//! reused by a later run of the same size. Needs `wrk` (Debian package `wrk`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[allow(dead_code)] // the timing helpers are for the in-process benchmarks
mod support;
use support::arg;

/// Everyday queries: with and without diacritics, a typo, an English term, regional words.
const TYPICAL: &[&str] = &[
    "xu ly nuoc thai",
    "công nghệ sinh học",
    "nuoc thia",
    "cam bien iot",
    "trí tuệ nhân tạo",
    "phan bon huu co",
    "nang luong mat troi",
    "vaccine",
    "blockchain truy xuat",
    "may say nong san",
];
/// Queries that match a large part of the market.
const BROAD: &[&str] = &["chế phẩm sinh học", "công nghệ", "sản xuất", "nông nghiệp"];
/// Filters the mixed set cycles through.
const FILTERS: &[&str] = &["", "&kind=offer", "&kind=need&province=01", "&trl_min=5", "&facets=all"];

fn main() {
    let listings = arg("--listings", 100_000);
    let orgs = arg("--orgs", 5_000);
    let seconds = arg("--seconds", 15);
    let connections = arg("--connections", 32);
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_techbridge"));
    ensure_wrk();
    let kept = std::env::args().collect::<Vec<_>>().windows(2).find(|w| w[0] == "--data").map(|w| PathBuf::from(&w[1]));
    let temp = tempfile::tempdir().unwrap();
    let data = kept.unwrap_or_else(|| temp.path().join("data"));
    println!(
        "machine: {} cores; data: {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        data.display()
    );
    seed(&binary, &data, orgs, listings);

    for (label, cache_mb) in [("result cache on (16 MB, 10 s)", "16"), ("result cache off", "0")] {
        let server = Server::start(&binary, &data, cache_mb);
        let ids = server.listing_ids(2_000);
        println!("\n== {label}: {listings} listings, wrk -t2 -c{connections} -d{seconds}s ==");
        println!("{:<44} {:>10} {:>9} {:>9} {:>8}", "load", "req/s", "p50 ms", "p99 ms", "p99/p50");
        let by_id = server.load(
            "GET /api/v1/listings/{id}",
            &ids.iter().map(|id| format!("/api/v1/listings/{id}")).collect::<Vec<_>>(),
            connections,
            seconds,
        );
        let mixed_paths: Vec<String> = FILTERS
            .iter()
            .flat_map(|filter| {
                TYPICAL.iter().chain(BROAD).map(move |q| format!("/api/v1/listings?q={}{filter}", encode(q)))
            })
            .collect();
        let mixed = server.load("mixed: 14 queries x 5 filter sets", &mixed_paths, connections, seconds);
        let broad_paths: Vec<String> = BROAD.iter().map(|q| format!("/api/v1/listings?q={}", encode(q))).collect();
        server.load("broad only: 4 queries", &broad_paths, connections, seconds);
        println!(
            "mixed / by id throughput: {:.0} %; mixed p99 / p50: {:.1}",
            100.0 * mixed.rate / by_id.rate,
            mixed.p99 / mixed.p50
        );
        println!("\none at a time (wrk -t1 -c1 -d5s), each query alone:");
        println!("{:<28} {:>9} {:>10} {:>9} {:>9}", "query", "matches", "req/s", "p50 ms", "p99 ms");
        let mut singles = Vec::new();
        for q in TYPICAL.iter().chain(BROAD) {
            let path = format!("/api/v1/listings?q={}", encode(q));
            let (total, exact) = server.total(&path);
            let run = server.wrk(&[path], 1, 1, 5);
            let shown = if exact { total.to_string() } else { format!("{total}+") };
            println!("{:<28} {:>9} {:>10.0} {:>9.2} {:>9.2}", q, shown, run.rate, run.p50, run.p99);
            singles.push((total, run.p50, *q));
        }
        // The narrowest that finds something (a query that finds nothing costs nothing).
        singles.retain(|s| s.0 > 0);
        singles.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let (narrow, broad) = (singles.first().unwrap(), singles.last().unwrap());
        println!(
            "broadest ({}, {} matches) / narrowest ({}, {} matches), p50: {:.2} / {:.2} ms = {:.1}x",
            broad.2,
            broad.0,
            narrow.2,
            narrow.0,
            broad.1,
            narrow.1,
            broad.1 / narrow.1
        );
        let (rss, peak, anonymous, file) = server.memory();
        println!(
            "server memory after the runs: resident {rss} (anonymous {anonymous}, mapped files {file}), peak {peak}"
        );
    }
}

/// Seeds `data` unless a previous run seeded the same size there.
fn seed(binary: &Path, data: &Path, orgs: usize, listings: usize) {
    let marker = data.join(format!("seeded-{orgs}-{listings}"));
    if marker.exists() {
        println!("seeding: reusing {} ({orgs} organizations, {listings} listings)", data.display());
        return;
    }
    if data.exists() {
        std::fs::remove_dir_all(data).unwrap();
    }
    std::fs::create_dir_all(data).unwrap();
    let started = Instant::now();
    let status = Command::new(binary)
        .args(["seed-demo", "--orgs", &orgs.to_string(), "--listings", &listings.to_string()])
        .env("TECHBRIDGE__DATA_DIR", data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::inherit())
        .status()
        .unwrap();
    assert!(status.success(), "seed-demo failed");
    println!(
        "seeding {orgs} organizations and {listings} listings (database and index): {:.1} s",
        started.elapsed().as_secs_f64()
    );
    std::fs::write(marker, "").unwrap();
}

fn ensure_wrk() {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return;
    }
    eprintln!("wrk is missing: installing the Debian package");
    let status =
        Command::new("apt-get").args(["install", "-y", "-q", "wrk"]).env("DEBIAN_FRONTEND", "noninteractive").status();
    assert!(status.is_ok_and(|s| s.success()), "install wrk (Debian package `wrk`) to run this benchmark");
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>().replace('+', "%20")
}

struct Server {
    child: Child,
    base: String,
}

/// What wrk measured.
struct Run {
    rate: f64,
    p50: f64,
    p99: f64,
}

impl Server {
    fn start(binary: &Path, data: &Path, cache_mb: &str) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(binary)
            .arg("serve")
            .env("TECHBRIDGE__DATA_DIR", data)
            .env("TECHBRIDGE__SERVER__HOST", "127.0.0.1")
            .env("TECHBRIDGE__SERVER__PORT", port.to_string())
            .env("TECHBRIDGE__SEARCH__RESULT_CACHE_MB", cache_mb)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server { child, base: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(600);
        while get(&format!("{}/health/ready", server.base)).is_none_or(|(status, _)| status != 200) {
            assert!(Instant::now() < deadline, "the server did not become ready");
            std::thread::sleep(Duration::from_millis(200));
        }
        server
    }

    /// Ids of published listings, read through the API.
    fn listing_ids(&self, count: usize) -> Vec<String> {
        let mut ids = Vec::new();
        for page in 1..=count.div_ceil(100) {
            let (_, body) =
                get(&format!("{}/api/v1/listings?sort=newest&per_page=100&page={page}", self.base)).unwrap();
            let value: serde_json::Value = serde_json::from_str(&body).unwrap();
            ids.extend(value["items"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()));
        }
        ids
    }

    /// (total, exact) of one search.
    fn total(&self, path: &str) -> (u64, bool) {
        let (_, body) = get(&format!("{}{path}", self.base)).unwrap();
        let value: serde_json::Value = serde_json::from_str(&body).unwrap();
        (value["total"].as_u64().unwrap_or(0), value["total_exact"].as_bool().unwrap_or(true))
    }

    fn load(&self, label: &str, paths: &[String], connections: usize, seconds: usize) -> Run {
        let run = self.wrk(paths, 2, connections, seconds);
        println!("{:<44} {:>10.0} {:>9.2} {:>9.2} {:>8.1}", label, run.rate, run.p50, run.p99, run.p99 / run.p50);
        run
    }

    /// wrk over `paths` in turn.
    fn wrk(&self, paths: &[String], threads: usize, connections: usize, seconds: usize) -> Run {
        let mut script = tempfile::Builder::new().suffix(".lua").tempfile().unwrap();
        let quoted: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
        writeln!(
            script,
            "local paths = {{ {} }}\nlocal n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format(\"GET\", paths[(n % #paths) + 1])\nend",
            quoted.join(", ")
        )
        .unwrap();
        let output = Command::new("wrk")
            .args([
                &format!("-t{threads}"),
                &format!("-c{connections}"),
                &format!("-d{seconds}s"),
                "--latency",
                "-s",
                script.path().to_str().unwrap(),
                &self.base,
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(!text.contains("Non-2xx"), "some answers were not 2xx:\n{text}");
        let number = |prefix: &str| -> f64 {
            let line = text
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with(prefix))
                .unwrap_or_else(|| panic!("{prefix} in {text}"));
            let value = line.trim_start_matches(prefix).trim();
            millis(value).unwrap_or_else(|| value.parse().unwrap())
        };
        Run { rate: number("Requests/sec:"), p50: number("50%"), p99: number("99%") }
    }

    /// (VmRSS, VmHWM, RssAnon, RssFile) of the server: the mapped files are the search
    /// index's pages the kernel keeps in memory and may drop.
    fn memory(&self) -> (String, String, String, String) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status.lines().find(|l| l.starts_with(name)).map(|l| l[name.len()..].trim().to_owned()).unwrap_or_default()
        };
        (field("VmRSS:"), field("VmHWM:"), field("RssAnon:"), field("RssFile:"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A wrk latency ("850.00us", "1.20ms", "2.01s") in milliseconds.
fn millis(value: &str) -> Option<f64> {
    let (number, factor) = if let Some(n) = value.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = value.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = value.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

/// A plain HTTP/1.1 GET on loopback: (status, body).
fn get(url: &str) -> Option<(u16, String)> {
    use std::io::Read;
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut stream = std::net::TcpStream::connect(host).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let split = response.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let body = &response[split + 4..];
    let body = if head.contains("transfer-encoding: chunked") { unchunk(body) } else { body.to_vec() };
    Some((status, String::from_utf8(body).ok()?))
}

fn unchunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
        let Some(size) = std::str::from_utf8(&rest[..end]).ok().and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
        else {
            break;
        };
        let after = &rest[end + 2..];
        if size == 0 || after.len() < size {
            break;
        }
        out.extend_from_slice(&after[..size]);
        rest = after[size..].strip_prefix(b"\r\n").unwrap_or(&after[size..]);
    }
    out
}
