//! Wiring: settings → database → shared state → workers → HTTP server.

use std::net::TcpListener;
use std::time::Duration;

use actix_governor::Governor;
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::jwt::JwtKeys;
use crate::auth::password::PasswordHasher;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;
use crate::email::Mailer;
use crate::error::{AppError, problem_responses};
use crate::jobs::{self, JobQueue};
use crate::ops::{self, Metrics};
use crate::search::{self, indexing::Search};
use crate::secrets::ServerKeys;
use crate::taxonomy::{self, Taxonomy};
use crate::{auth, listings, openapi, registry, tenants};
use secrecy::ExposeSecret;

/// Everything a request handler or a job needs, shared by all of them.
pub struct AppState {
    pub settings: Settings,
    pub db: Db,
    pub clock: Clock,
    pub jwt: JwtKeys,
    pub passwords: PasswordHasher,
    pub mailer: Mailer,
    pub jobs: JobQueue,
    pub metrics: Metrics,
    pub taxonomy: Taxonomy,
    pub search: Search,
    pub unsubscribe: crate::notify::unsubscribe::UnsubscribeKey,
    /// Keys derived from the server's secret, each for one purpose.
    pub keys: ServerKeys,
    /// Verification and reset emails per address.
    pub mailbox_limits: ops::MailboxLimiter,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("{0}")]
    Setup(String),
    #[error(transparent)]
    App(#[from] AppError),
    #[error("cannot listen on {address}: {source}")]
    Listen { address: String, source: std::io::Error },
}

/// Opens the database and applies pending migrations.
pub fn open_database(settings: &Settings) -> Result<Db, StartupError> {
    std::fs::create_dir_all(&settings.data_dir)
        .map_err(|e| StartupError::Setup(format!("data directory {}: {e}", settings.data_dir.display())))?;
    let db = Db::connect(
        &settings.database_url(),
        settings.database.pool_size,
        Duration::from_secs(settings.database.connect_timeout_secs.max(1)),
    )?;
    let applied = db.migrate()?;
    if applied > 0 {
        tracing::info!(applied, backend = db.backend().name(), "database migrations applied");
    }
    crate::db::refresh_statistics(&mut *db.get()?, false)?;
    Ok(db)
}

/// Opens the database (running migrations) and the search index, and builds the shared
/// state.
pub async fn build_state(settings: Settings, clock: Clock) -> Result<web::Data<AppState>, StartupError> {
    let db = open_database(&settings)?;
    let taxonomy = Taxonomy::load(&mut *db.get()?)?;
    let engine =
        search::open(&settings.search, &settings.data_dir).await.map_err(|e| StartupError::Setup(e.to_string()))?;
    let mailer = Mailer::from_settings(&settings.email, settings.mail_dir()).map_err(StartupError::Setup)?;
    let passwords = PasswordHasher::new(&settings.auth).map_err(StartupError::Setup)?;
    let keys = ServerKeys::load(settings.auth.secret.as_ref(), &settings.data_dir)
        .map_err(|e| StartupError::Setup(e.to_string()))?;
    Ok(web::Data::new(AppState {
        jwt: JwtKeys::new(&settings.auth, keys.access_tokens.expose_secret()),
        jobs: JobQueue::new(settings.jobs.clone(), clock.clone()),
        metrics: Metrics::new().map_err(StartupError::Setup)?,
        taxonomy,
        search: Search::new(engine),
        unsubscribe: crate::notify::unsubscribe::UnsubscribeKey::new(keys.email_links.expose_secret())
            .map_err(StartupError::Setup)?,
        keys,
        mailbox_limits: ops::MailboxLimiter::new(&settings.rate_limit),
        passwords,
        mailer,
        db,
        clock,
        settings,
    }))
}

pub struct Application {
    port: u16,
    server: Server,
    /// `/metrics` on its own listener, when configured so.
    metrics: Option<(u16, Server)>,
    state: web::Data<AppState>,
    workers: Vec<JoinHandle<()>>,
    stop_workers: watch::Sender<bool>,
}

impl Application {
    /// Builds the state, starts the job workers (unless switched off) and binds the
    /// server to the configured address (port 0 picks a free one).
    pub async fn build(settings: Settings, clock: Clock) -> Result<Application, StartupError> {
        let address = format!("{}:{}", settings.server.host, settings.server.port);
        let listener =
            TcpListener::bind(&address).map_err(|source| StartupError::Listen { address: address.clone(), source })?;
        let port = listener.local_addr().map_err(|source| StartupError::Listen { address, source })?.port();
        let metrics_listener = match settings.ops.metrics_listener() {
            Some(address) => {
                let bound = TcpListener::bind(address)
                    .and_then(|listener| listener.local_addr().map(|local| (listener, local.port())))
                    .map_err(|source| StartupError::Listen { address: address.to_owned(), source })?;
                Some(bound)
            }
            None => None,
        };
        let state = build_state(settings, clock).await?;
        let (stop_workers, stopped) = watch::channel(false);
        let workers = if state.settings.jobs.enabled {
            let mut handles = jobs::spawn_workers(state.clone(), stopped.clone());
            // Builds the index first when it has never followed the change log.
            handles.push(search::indexing::spawn_follower(state.clone(), stopped.clone()));
            if state.settings.jobs.schedule_enabled {
                handles.push(crate::schedule::spawn(state.clone(), stopped));
            }
            handles
        } else {
            Vec::new()
        };
        let server = http_server(state.clone(), listener)?;
        let metrics = match metrics_listener {
            Some((listener, port)) => Some((port, metrics_server(state.clone(), listener)?)),
            None => None,
        };
        Ok(Application { port, server, metrics, state, workers, stop_workers })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port `/metrics` is served on when it has its own listener.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until the server stops (Ctrl-C / SIGTERM), then lets the workers finish
    /// the job in hand.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let metrics = self.metrics.map(|(_, server)| (server.handle(), tokio::spawn(server)));
        let result = self.server.await;
        if let Some((handle, running)) = metrics {
            handle.stop(true).await;
            let _ = running.await;
        }
        let _ = self.stop_workers.send(true);
        for worker in self.workers {
            let _ = tokio::time::timeout(Duration::from_secs(10), worker).await;
        }
        result
    }
}

/// Every documented route; the OpenAPI document is collected from the same list. `/metrics`
/// is left out when it has a listener of its own.
fn routes(metrics_on_main_port: bool) -> impl FnOnce(&mut utoipa_actix_web::service_config::ServiceConfig) {
    move |cfg| {
        if metrics_on_main_port {
            cfg.configure(ops::configure_metrics);
        }
        api_routes(cfg);
    }
}

fn api_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.configure(ops::configure).configure(crate::notify::routes::configure_root).service(
        scope::scope("/api/v1")
            .route("/openapi.json", web::get().to(openapi::serve))
            .configure(auth::routes::configure)
            .configure(tenants::routes::configure)
            .configure(taxonomy::routes::configure)
            .configure(registry::routes::configure)
            .configure(listings::routes::configure)
            .configure(crate::matching::routes::configure)
            .configure(crate::notify::routes::configure)
            .configure(crate::reports::routes::configure),
    );
}

/// The documentation reads the document from this server only: no badge from the public
/// validator, which the content security policy would block anyway.
fn docs_config() -> utoipa_swagger_ui::Config<'static> {
    utoipa_swagger_ui::Config::from("/api/v1/openapi.json").validator_url("none")
}

fn http_server(state: web::Data<AppState>, listener: TcpListener) -> Result<Server, StartupError> {
    let workers = match state.settings.server.workers {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let rate_limits = ops::auth_rate_limiter(&state.settings.rate_limit, state.settings.server.trusted_proxies)
        .ok_or_else(|| StartupError::Setup("rate limit settings are out of range".into()))?;
    let api_document = web::Data::new(openapi::Document::new(
        App::new().into_utoipa_app().openapi(openapi::ApiDoc::openapi()).configure(routes(true)).split_for_parts().1,
    )?);
    let metrics_on_main_port = state.settings.ops.metrics_listener().is_none();
    let server = HttpServer::new(move || {
        App::new()
            .into_utoipa_app()
            .app_data(state.clone())
            .app_data(api_document.clone())
            .configure(routes(metrics_on_main_port))
            .into_app()
            .service(web::resource("/docs").to(|| async {
                actix_web::HttpResponse::PermanentRedirect()
                    .insert_header((actix_web::http::header::LOCATION, "/docs/"))
                    .finish()
            }))
            .service(SwaggerUi::new("/docs/{_:.*}").config(docs_config()))
            .default_service(web::to(|| async { Err::<actix_web::HttpResponse, AppError>(AppError::NotFound) }))
            .wrap(Governor::new(&rate_limits))
            .wrap(from_fn(problem_responses))
            .wrap(state.metrics.middleware())
            .wrap(TracingLogger::<ops::telemetry::RequestSpan>::new())
            .wrap(from_fn(crate::http::security_headers))
    })
    .workers(workers)
    .listen(listener)
    .map_err(|e| StartupError::Setup(format!("server: {e}")))?
    .run();
    Ok(server)
}

/// `/metrics` alone on its own listener; it follows the main server (which stops it), so it
/// does not handle signals itself.
fn metrics_server(state: web::Data<AppState>, listener: TcpListener) -> Result<Server, StartupError> {
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .configure(ops::metrics_only)
            .default_service(web::to(|| async { Err::<actix_web::HttpResponse, AppError>(AppError::NotFound) }))
            .wrap(from_fn(problem_responses))
            .wrap(TracingLogger::<ops::telemetry::RequestSpan>::new())
            .wrap(from_fn(crate::http::security_headers))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .map_err(|e| StartupError::Setup(format!("metrics server: {e}")))?
    .run();
    Ok(server)
}
