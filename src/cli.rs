//! The `techbridge` command: `serve` (default), `migrate`, `create-admin`.

use std::io::BufRead;
use std::process::ExitCode;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clap::{Parser, Subcommand};
use rand::RngCore;

use crate::auth::rules::{Email, Password};
use crate::clock::Clock;
use crate::config::Settings;
use crate::ops::telemetry;
use crate::startup::{Application, open_database};

#[derive(Debug, Parser)]
#[command(name = "techbridge", version, about = "TechBridge: technology supply and demand for Vietnam's provinces")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API and run the background jobs (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a platform administrator, or promote an existing account.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// Read the password from standard input instead of generating a one-time password.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Rebuild the search index from the database. Searches keep working meanwhile; with a
    /// server running, the server does the work.
    Reindex,
    /// Add realistic, deterministic demonstration data: approved organizations across the
    /// provinces and published offers and needs, then rebuild the search index.
    SeedDemo {
        #[arg(long, default_value_t = 200)]
        orgs: usize,
        #[arg(long, default_value_t = 2000)]
        listings: usize,
        /// The same seed always gives the same data.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}

pub fn run(cli: Cli) -> ExitCode {
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("techbridge: {error}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(&settings.log, settings.is_production());
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("techbridge: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => runtime.block_on(serve(settings)),
        Command::Migrate => migrate(settings),
        Command::CreateAdmin { email, password_stdin } => create_admin(settings, &email, password_stdin),
        Command::Reindex => runtime.block_on(reindex(settings)),
        Command::SeedDemo { orgs, listings, seed } => runtime.block_on(seed_demo(settings, orgs, listings, seed)),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("techbridge: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> Result<(), String> {
    let address = format!("{}:{}", settings.server.host, settings.server.port);
    let app = Application::build(settings, Clock::system()).await.map_err(|e| e.to_string())?;
    let state = app.state();
    tracing::info!(
        %address,
        metrics = state.settings.ops.metrics_listener().unwrap_or("/metrics on the main port"),
        database = state.db.backend().name(),
        data_dir = %state.settings.data_dir.display(),
        "TechBridge is serving; API docs at /docs"
    );
    app.run_until_stopped().await.map_err(|e| format!("server: {e}"))
}

fn migrate(settings: Settings) -> Result<(), String> {
    let db = open_database(&settings).map_err(|e| e.to_string())?;
    println!("migrations applied; database ({}) is up to date", db.backend().name());
    Ok(())
}

fn create_admin(settings: Settings, email: &str, password_stdin: bool) -> Result<(), String> {
    let email = Email::parse("email", email).map_err(|_| format!("`{email}` is not a valid email address"))?;
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("reading the password from stdin: {e}"))?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        (
            Password::parse("password", password)
                .map_err(|_| "the password must be 10 to 128 characters".to_owned())?,
            false,
        )
    } else {
        let mut bytes = [0_u8; 15];
        rand::rng().fill_bytes(&mut bytes);
        let password = URL_SAFE_NO_PAD.encode(bytes);
        (Password::parse("password", password).map_err(|_| "generated password rejected".to_owned())?, true)
    };
    let db = open_database(&settings).map_err(|e| e.to_string())?;
    let passwords = crate::auth::password::PasswordHasher::new(&settings.auth)?;
    let password = password.into_string();
    let hash = passwords.hash(&password).map_err(|e| e.to_string())?;
    let now = Clock::system().now();
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let created = crate::db::write_transaction(&mut conn, |conn| {
        crate::auth::ensure_platform_admin(conn, email.as_str(), &hash, now)
    })
    .map_err(|e| e.to_string())?;
    let what = if created { "created" } else { "promoted (password replaced)" };
    if generated {
        println!("platform administrator {} {what}", email.as_str());
        println!("one-time password: {password}");
        println!("sign in and change it with POST /api/v1/me/password");
    } else {
        println!("platform administrator {} {what}", email.as_str());
    }
    Ok(())
}

async fn reindex(settings: Settings) -> Result<(), String> {
    let db = open_database(&settings).map_err(|e| e.to_string())?;
    let report = rebuild_index(&settings, &db).await?;
    println!("search index rebuilt: {} listings in {:.1} s", report.documents, report.seconds);
    Ok(())
}

/// Rebuilds the index here, or — when a running server holds it — asks the server to, and
/// waits until it is done.
pub async fn rebuild_index(
    settings: &Settings,
    db: &crate::db::Db,
) -> Result<crate::search::indexing::RebuildReport, String> {
    let clock = Clock::system();
    let vocabulary = std::sync::Arc::new(db.run(crate::vocabulary::store::load).await.map_err(|e| e.to_string())?);
    match crate::search::open(&settings.search, &settings.data_dir, vocabulary.clone()).await {
        Ok(engine) => {
            let documents = std::sync::Arc::new(crate::listings::documents::ListingDocuments::new(vocabulary));
            let search = crate::search::indexing::Search::new(engine, db.clone(), documents);
            search.rebuild().await.map_err(|e| e.to_string())
        }
        Err(crate::search::SearchError::Locked) => {
            println!("a server holds the index; asking it to rebuild");
            let started = std::time::Instant::now();
            let key = format!("search_rebuild:{}", uuid::Uuid::now_v7());
            let queue = crate::jobs::JobQueue::new(settings.jobs.clone(), clock);
            let job_key = key.clone();
            db.write(move |conn| {
                use crate::jobs::Job;
                let job = crate::search::indexing::RebuildIndex::default().to_job()?.deduplicated_by(job_key);
                queue.enqueue(conn, job).map(|_| ())
            })
            .await
            .map_err(|e| e.to_string())?;
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                let lookup = key.clone();
                let status =
                    db.run(move |conn| crate::jobs::status_by_key(conn, &lookup)).await.map_err(|e| e.to_string())?;
                match status {
                    Some((status, _)) if status == crate::jobs::status::DONE => break,
                    Some((status, error)) if status == crate::jobs::status::DEAD => {
                        return Err(format!("the server's rebuild failed: {}", error.unwrap_or_default()));
                    }
                    _ => {}
                }
            }
            let documents = db
                .run(|conn| {
                    use crate::db::schema::{listings, organizations};
                    use diesel::prelude::*;
                    Ok(listings::table
                        .inner_join(organizations::table)
                        .filter(listings::status.eq("published"))
                        .filter(organizations::status.ne_all(crate::listings::store::HIDING_ORG_STATES))
                        .count()
                        .get_result::<i64>(conn)?)
                })
                .await
                .map_err(|e| e.to_string())?;
            Ok(crate::search::indexing::RebuildReport {
                documents: u64::try_from(documents).unwrap_or(0),
                seconds: started.elapsed().as_secs_f64(),
            })
        }
        Err(error) => Err(error.to_string()),
    }
}

/// A progress bar on a terminal, a line per tenth otherwise.
struct Progress {
    bar: indicatif::ProgressBar,
    terminal: bool,
    label: &'static str,
    total: u64,
    reported: u64,
}

impl Progress {
    fn new(label: &'static str, total: u64) -> Progress {
        use std::io::IsTerminal;
        let terminal = std::io::stderr().is_terminal();
        let bar = if terminal { indicatif::ProgressBar::new(total) } else { indicatif::ProgressBar::hidden() };
        if let Ok(style) = indicatif::ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len} ({eta})") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(label);
        Progress { bar, terminal, label, total, reported: 0 }
    }

    fn advance(&mut self, by: u64) {
        self.bar.inc(by);
        let position = self.bar.position();
        if !self.terminal && self.total > 0 && (position * 10 / self.total > self.reported || position == self.total) {
            self.reported = position * 10 / self.total;
            eprintln!("{}: {position}/{}", self.label, self.total);
        }
    }

    fn finish(self) {
        self.bar.finish_and_clear();
    }
}

async fn seed_demo(settings: Settings, orgs: usize, listings: usize, seed: u64) -> Result<(), String> {
    let started = std::time::Instant::now();
    let db = open_database(&settings).map_err(|e| e.to_string())?;
    let provinces: Vec<(String, String)> = db
        .run(|conn| crate::tenants::store::list(conn, false))
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|t| (t.id, t.name_vi))
        .collect();
    let now = Clock::system().now();
    let data = crate::demo::generate(orgs, listings, seed, &provinces, now);
    let passwords = crate::auth::password::PasswordHasher::new(&settings.auth)?;
    let hash = passwords.hash(crate::demo::DEMO_PASSWORD).map_err(|e| e.to_string())?;
    let Some(owner) = db
        .write(move |conn| crate::demo::store::create_demo_user(conn, &hash, now))
        .await
        .map_err(|e| e.to_string())?
    else {
        println!("demonstration data is already present (account {}); nothing added", crate::demo::DEMO_EMAIL);
        return Ok(());
    };
    let orgs = std::sync::Arc::new(data.orgs);
    let mut progress = Progress::new("organizations", orgs.len() as u64);
    for start in (0..orgs.len()).step_by(2000) {
        let (all, owner) = (orgs.clone(), owner.clone());
        let end = (start + 2000).min(orgs.len());
        db.write(move |conn| crate::demo::store::insert_orgs(conn, &all[start..end], &owner, now))
            .await
            .map_err(|e| e.to_string())?;
        progress.advance((end - start) as u64);
    }
    progress.finish();
    let listings = std::sync::Arc::new(data.listings);
    let validity = settings.listings.validity_days;
    let mut progress = Progress::new("listings", listings.len() as u64);
    for start in (0..listings.len()).step_by(5000) {
        let (all, all_orgs, owner) = (listings.clone(), orgs.clone(), owner.clone());
        let end = (start + 5000).min(listings.len());
        db.write(move |conn| {
            crate::demo::store::insert_listings(conn, &all[start..end], &all_orgs, &owner, validity, now)
        })
        .await
        .map_err(|e| e.to_string())?;
        progress.advance((end - start) as u64);
    }
    progress.finish();
    db.run(|conn| crate::db::refresh_statistics(conn, true)).await.map_err(|e| e.to_string())?;
    let stored = started.elapsed().as_secs_f64();
    let report = rebuild_index(&settings, &db).await?;
    println!(
        "seeded {} organizations and {} listings in {:.1} s (database {:.1} s, search index {:.1} s); sign in as {} / {}",
        orgs.len(),
        listings.len(),
        started.elapsed().as_secs_f64(),
        stored,
        report.seconds,
        crate::demo::DEMO_EMAIL,
        crate::demo::DEMO_PASSWORD,
    );
    Ok(())
}
