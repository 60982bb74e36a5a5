//! `spawn_app`: the real application on a free port, against a fresh database, driven over
//! HTTP. The same test bodies run on SQLite and, with `TECHBRIDGE_TEST_POSTGRES_URL` set,
//! on PostgreSQL.

pub mod browser;
pub mod database;
pub mod dump;
pub mod listings;
pub mod orgs;
pub mod server;
pub mod smtp;

use std::path::{Path, PathBuf};
use std::time::Duration;

use actix_web::web;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use techbridge::clock::Clock;
use techbridge::config::{EmailTransportKind, Settings};
use techbridge::startup::{AppState, Application};

pub use database::TestDatabase;
pub use smtp::SmtpSink;

pub const PASSWORD: &str = "mật-khẩu-đủ-dài-123";

/// Changes a test makes to the settings before the app starts.
pub type SettingsTweak = Box<dyn FnOnce(&mut Settings)>;

/// What a test may change before the app starts.
pub struct TestOptions {
    /// Send mail to this SMTP sink (instead of `.eml` files).
    pub smtp: Option<(u16, smtp::Inbox)>,
    pub rate_limit: Option<(u64, u32)>,
    pub jobs_enabled: bool,
    pub tweak: Option<SettingsTweak>,
}

impl Default for TestOptions {
    fn default() -> Self {
        TestOptions { smtp: None, rate_limit: None, jobs_enabled: true, tweak: None }
    }
}

pub struct TestApp {
    pub address: String,
    /// Where `/metrics` is served when it has its own listener.
    pub metrics_address: Option<String>,
    pub client: reqwest::Client,
    pub state: web::Data<AppState>,
    pub clock: Clock,
    pub data_dir: PathBuf,
    smtp_inbox: Option<smtp::Inbox>,
    server: actix_web::dev::ServerHandle,
    running: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    // Dropped last: the database outlives the server that uses it.
    _database: TestDatabase,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(TestOptions::default()).await
}

pub fn test_settings(data_dir: &Path, database_url: &str) -> Settings {
    let mut settings = Settings::load_for("test").expect("test settings");
    settings.data_dir = data_dir.to_path_buf();
    settings.database.url = database_url.to_owned();
    settings.database.pool_size = 4;
    settings.server.host = "127.0.0.1".into();
    settings.server.port = 0;
    settings.server.workers = 1;
    settings.email.transport = EmailTransportKind::File;
    settings.auth.secret = Some("integration-test-secret-that-is-long-enough".into());
    settings.jobs.poll_interval_ms = 25;
    settings.jobs.backoff_base_secs = 1;
    settings.rate_limit.enabled = false;
    use_meilisearch_when_asked(&mut settings);
    settings
}

/// With `TECHBRIDGE_TEST_SEARCH=meilisearch` and `MEILI_URL` (and `MEILI_KEY`) set, the
/// applications the tests start search with that Meilisearch server, each in an index of
/// its own, so that the API tests (the marketplace's among them) run on that engine.
fn use_meilisearch_when_asked(settings: &mut Settings) {
    if std::env::var("TECHBRIDGE_TEST_SEARCH").as_deref() != Ok("meilisearch") {
        return;
    }
    let url = std::env::var("MEILI_URL").expect("TECHBRIDGE_TEST_SEARCH=meilisearch needs MEILI_URL");
    settings.search.engine = techbridge::config::SearchEngineKind::Meilisearch;
    settings.search.meili_url = url;
    settings.search.meili_key = std::env::var("MEILI_KEY").unwrap_or_default().into();
    settings.search.meili_index = format!("test_{}", uuid::Uuid::now_v7().simple());
}

pub async fn spawn_app_with(options: TestOptions) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = TestDatabase::create(dir.path());
    let mut settings = test_settings(dir.path(), database.url());
    settings.jobs.enabled = options.jobs_enabled;
    let smtp_inbox = options.smtp.as_ref().map(|(_, inbox)| inbox.clone());
    if let Some((port, _)) = options.smtp {
        settings.email.transport = EmailTransportKind::Smtp;
        settings.email.smtp.port = port;
        settings.email.smtp.timeout_secs = 5;
    }
    if let Some((per_minute, burst)) = options.rate_limit {
        settings.rate_limit.enabled = true;
        settings.rate_limit.auth_requests_per_minute = per_minute;
        settings.rate_limit.auth_burst = burst;
    }
    if let Some(tweak) = options.tweak {
        tweak(&mut settings);
    }
    let clock = Clock::system();
    let app = Application::build(settings, clock.clone()).await.expect("application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics_address = app.metrics_port().map(|port| format!("http://127.0.0.1:{port}"));
    let state = app.state();
    let state_dir = state.settings.data_dir.clone();
    let server = app.server_handle();
    let running = Some(tokio::spawn(app.run_until_stopped()));
    TestApp {
        address,
        metrics_address,
        client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client"),
        state,
        clock,
        data_dir: state_dir,
        smtp_inbox,
        server,
        running,
        _database: database,
        _dir: dir,
    }
}

impl TestApp {
    /// Stops the server and its workers and waits until they let go of the database and
    /// the search index.
    pub async fn shutdown(mut self) {
        self.server.stop(true).await;
        if let Some(running) = self.running.take() {
            let _ = running.await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let server = self.server.clone();
        tokio::spawn(async move { server.stop(false).await });
    }
}

/// A response read whole: status, content type and JSON body (or `Null`).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub async fn read(response: Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let content_type =
            headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, content_type, headers, body, text }
    }

    /// Asserts a problem+json answer with this status, and returns its body.
    #[track_caller]
    pub fn problem(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.text);
        assert!(self.content_type.starts_with("application/problem+json"), "content type {}", self.content_type);
        assert_eq!(self.body["status"], status);
        assert!(self.body["type"].as_str().is_some_and(|t| t.starts_with("urn:techbridge:problem:")));
        assert!(self.body["title"].is_string() && self.body["detail"].is_string());
        assert!(self.body["request_id"].is_string(), "problem without request id: {}", self.text);
        &self.body
    }

    /// The fields named by a 422 problem.
    #[track_caller]
    pub fn invalid_fields(&self) -> Vec<String> {
        let body = self.problem(422);
        body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["field"].as_str().expect("field").to_owned())
            .collect()
    }

    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert!(self.status.is_success(), "expected success, got {}: {}", self.status, self.text);
        &self.body
    }
}

#[derive(Clone)]
pub struct Session {
    pub user_id: String,
    pub email: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        lang: Option<&str>,
    ) -> Reply {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(lang) = lang {
            request = request.header("accept-language", lang);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        Reply::read(request.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.request(Method::GET, path, None, None, None).await
    }

    pub async fn get_as(&self, token: &str, path: &str) -> Reply {
        self.request(Method::GET, path, Some(token), None, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.request(Method::POST, path, None, Some(body), None).await
    }

    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> Reply {
        self.request(Method::POST, path, Some(token), Some(body), None).await
    }

    pub async fn patch_as(&self, token: &str, path: &str, body: &Value) -> Reply {
        self.request(Method::PATCH, path, Some(token), Some(body), None).await
    }

    pub async fn delete_as(&self, token: &str, path: &str) -> Reply {
        self.request(Method::DELETE, path, Some(token), None, None).await
    }

    pub async fn register(&self, email: &str, name: &str) -> Reply {
        self.post(
            "/api/v1/auth/register",
            &json!({ "email": email, "password": PASSWORD, "full_name": name, "accept_privacy_notice": true }),
        )
        .await
    }

    /// Registers, verifies through the emailed code and signs in.
    pub async fn signed_in(&self, email: &str) -> Session {
        let registered = self.register(email, "Người Dùng Thử").await;
        assert_eq!(registered.status, 201, "{}", registered.text);
        let token = self.emailed_token(email, "verify-email").await;
        self.post("/api/v1/auth/verify-email", &json!({ "token": token })).await.ok();
        self.login(email).await
    }

    pub async fn login(&self, email: &str) -> Session {
        let reply = self.post("/api/v1/auth/login", &json!({ "email": email, "password": PASSWORD })).await;
        let body = reply.ok();
        let access_token = body["access_token"].as_str().expect("access token").to_owned();
        let me = self.get_as(&access_token, "/api/v1/me").await;
        Session {
            user_id: me.ok()["id"].as_str().expect("id").to_owned(),
            email: email.to_owned(),
            access_token,
            refresh_token: body["refresh_token"].as_str().expect("refresh token").to_owned(),
        }
    }

    /// Moves the clock and renews the sessions, whose access tokens last minutes.
    pub async fn travel(&self, to: chrono::NaiveDateTime, sessions: &mut [&mut Session]) {
        self.clock.travel_to(to);
        for session in sessions.iter_mut() {
            let reply = self.post("/api/v1/auth/refresh", &json!({ "refresh_token": session.refresh_token })).await;
            let body = reply.ok();
            session.access_token = body["access_token"].as_str().expect("access token").to_owned();
            session.refresh_token = body["refresh_token"].as_str().expect("refresh token").to_owned();
        }
    }

    /// A signed-in platform administrator.
    pub async fn platform_admin(&self, email: &str) -> Session {
        let session = self.signed_in(email).await;
        let user_id = session.user_id.clone();
        self.state
            .db
            .run(move |conn| {
                use diesel::prelude::*;
                use techbridge::db::schema::users;
                diesel::update(users::table.find(&user_id)).set(users::is_platform_admin.eq(true)).execute(conn)?;
                Ok(())
            })
            .await
            .expect("promote");
        session
    }

    /// A signed-in user holding `role` in `tenant`, granted by a platform admin.
    pub async fn staff(&self, email: &str, tenant: &str, role: &str) -> Session {
        let session = self.signed_in(email).await;
        let admin = self.platform_admin(&format!("root-{}@platform.test", uuid::Uuid::new_v4().simple())).await;
        self.post_as(
            &admin.access_token,
            &format!("/api/v1/tenants/{tenant}/roles"),
            &json!({ "email": email, "role": role }),
        )
        .await
        .ok();
        session
    }

    /// Waits until the job queue has no work left that can succeed now: nothing due or
    /// running on its first try. Jobs being retried (their SMTP server is down, say), and
    /// the ones queued behind them for the same recipient, are an outage the test itself
    /// controls, not work to wait for. However slow the machine, a test never goes on with
    /// such work still in the queue: after a minute it fails, saying what is left.
    pub async fn drain_jobs(&self) {
        let until = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let now = self.clock.now();
            let (due, running): (i64, i64) = self
                .state
                .db
                .run(move |conn| {
                    use diesel::prelude::*;
                    use techbridge::db::schema::jobs;
                    let behind_a_retry = diesel::dsl::sql::<diesel::sql_types::Bool>(
                        "NOT EXISTS (SELECT 1 FROM jobs AS earlier WHERE earlier.ordering_key = jobs.ordering_key \
                         AND earlier.id < jobs.id AND earlier.status IN ('queued', 'running') \
                         AND earlier.last_error IS NOT NULL)",
                    );
                    let due = jobs::table
                        .filter(jobs::status.eq("queued"))
                        .filter(jobs::run_at.le(now))
                        .filter(jobs::last_error.is_null())
                        .filter(behind_a_retry)
                        .count()
                        .get_result(conn)?;
                    let running = jobs::table
                        .filter(jobs::status.eq("running"))
                        .filter(jobs::last_error.is_null())
                        .count()
                        .get_result(conn)?;
                    Ok((due, running))
                })
                .await
                .expect("job counts");
            let counts = (due, running);
            if due + running == 0 {
                // And the index has every change the jobs made.
                self.state.search.catch_up().await.expect("index catches up");
                return;
            }
            assert!(tokio::time::Instant::now() < until, "jobs still due and running after a minute: {counts:?}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Runs one tick of timed work (expiry, digests, saved searches, weekly summaries),
    /// as the scheduler of a running server would, after and before the queued jobs.
    /// Tests make time pass with the clock and then call this; no timer runs on its own.
    pub async fn run_timers(&self) {
        self.drain_jobs().await;
        techbridge::startup::run_timed_work_once(&self.state).await;
        self.drain_jobs().await;
    }

    /// The `.eml` files written by the file transport, as (file name, content).
    pub fn mail_files(&self) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = std::fs::read_dir(self.state.settings.mail_dir())
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .map(|e| {
                        (
                            e.file_name().to_string_lossy().into_owned(),
                            std::fs::read_to_string(e.path()).unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }

    /// Mail addressed to `email` of one kind: `.eml` files whose name starts with `kind`,
    /// or — when the app sends to an SMTP sink — received messages that mention `kind`.
    pub async fn mails_to(&self, email: &str, kind: &str) -> Vec<String> {
        self.drain_jobs().await;
        if let Some(inbox) = &self.smtp_inbox {
            let received = inbox.lock().expect("inbox").clone();
            return received
                .into_iter()
                .filter(|m| m.envelope_to.iter().any(|t| t.eq_ignore_ascii_case(email)) && m.raw.contains(kind))
                .map(|m| m.raw)
                .collect();
        }
        self.mail_files()
            .into_iter()
            .filter(|(name, content)| name.starts_with(kind) && addressed_to(content, email))
            .map(|(_, content)| content)
            .collect()
    }

    /// The code in the newest `kind` email to `email`.
    pub async fn emailed_token(&self, email: &str, kind: &str) -> String {
        // Another instance on the same database may be the one sending it: wait a little.
        let until = tokio::time::Instant::now() + Duration::from_secs(15);
        let mut mails = self.mails_to(email, kind).await;
        while mails.is_empty() && tokio::time::Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(50)).await;
            mails = self.mails_to(email, kind).await;
        }
        let mail = mails.last().unwrap_or_else(|| panic!("no {kind} email to {email}"));
        let start = mail.find("token=").expect("token in mail") + "token=".len();
        mail[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
    }
}

/// Whether the message's `To:` header names `email`.
fn addressed_to(message: &str, email: &str) -> bool {
    message.lines().take_while(|line| !line.is_empty()).filter(|line| line.starts_with("To:")).any(|line| {
        line.trim_start_matches("To:").split([' ', '<', '>', ',']).any(|part| part.eq_ignore_ascii_case(email))
    })
}
