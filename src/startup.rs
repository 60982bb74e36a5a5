//! Wiring: settings → database → shared state → job kinds and timed work of every
//! feature → workers → HTTP server. Nothing but `main` and `cli` imports this module.

use std::net::TcpListener;
use std::sync::Arc;
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

pub use crate::app::{AppState, SharedState};
use crate::auth::jwt::JwtKeys;
use crate::auth::password::PasswordHasher;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;
use crate::email::{Mailer, OutgoingEmail};
use crate::error::{AppError, problem_responses};
use crate::http::TrustedProxies;
use crate::jobs::{JobQueue, JobRunner, Workers};
use crate::ops::{self, Metrics};
use crate::review::ReviewQueues;
use crate::schedule::TimedWork;
use crate::search::cache::ResultCache;
use crate::search::indexing::{self, IndexListings, RebuildIndex, Search};
use crate::secrets::ServerKeys;
use crate::taxonomy::{self, Taxonomy};
use crate::{auth, listings, matching, notify, openapi, registry, reports, search, tenants};
use secrecy::ExposeSecret;

/// Every job kind and its handler: the core's (email, the index) and each feature's.
pub fn job_runner() -> JobRunner<SharedState> {
    let mut jobs = JobRunner::new();
    jobs.register(|state: SharedState, email: OutgoingEmail| async move {
        crate::email::deliver(state.delivery(), email).await
    })
    .register(
        |state: SharedState, job: IndexListings| async move { indexing::run_index_listings(&state.db, job).await },
    )
    .register(|state: SharedState, _: RebuildIndex| async move { indexing::run_rebuild(&state.search).await });
    listings::background::register_jobs(&mut jobs);
    matching::register(&mut jobs);
    jobs
}

/// Every tick's timed work, in order: the core's housekeeping, then each feature's.
pub fn timed_work() -> TimedWork<SharedState> {
    let mut timed = TimedWork::new();
    timed
        .add("job queue tidying", |state: SharedState| async move {
            let queue = state.jobs.clone();
            let (buried, deleted) = state.db.run(move |conn| queue.tidy(conn)).await?;
            Ok((buried + deleted) as u64)
        })
        .add("search change log pruning", |state: SharedState| async move {
            let keep = chrono::Duration::days(state.settings.jobs.keep_done_days.max(1));
            Ok(state.db.write(move |conn| search::changes::prune(conn, keep)).await? as u64)
        });
    notify::register(&mut timed);
    crate::privacy::register(&mut timed);
    reports::register(&mut timed);
    listings::background::register_timed_work(&mut timed);
    crate::certificates::register(&mut timed);
    crate::outcomes::follow_up_work::register_timed_work(&mut timed);
    timed.add("waking the workers", |state: SharedState| async move {
        state.jobs.wake();
        Ok(0)
    });
    timed
}

/// One tick of timed work, as the scheduler of a running server does it (without the
/// lease). Tests call it to make time pass.
pub async fn run_timed_work_once(state: &SharedState) {
    timed_work().run_once(state.clone()).await;
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
pub async fn build_state(settings: Settings, clock: Clock) -> Result<SharedState, StartupError> {
    let db = open_database(&settings)?;
    let taxonomy = Taxonomy::load(&mut *db.get()?)?;
    let vocabulary = Arc::new(crate::vocabulary::store::load(&mut *db.get()?)?);
    let engine = search::open(&settings.search, &settings.data_dir, vocabulary.clone())
        .await
        .map_err(|e| StartupError::Setup(e.to_string()))?;
    let mailer = Mailer::from_settings(&settings.email, settings.mail_dir()).map_err(StartupError::Setup)?;
    let passwords = PasswordHasher::new(&settings.auth).map_err(StartupError::Setup)?;
    let keys = ServerKeys::load(settings.auth.secret.as_ref(), &settings.data_dir)
        .map_err(|e| StartupError::Setup(e.to_string()))?;
    Ok(web::Data::new(AppState {
        jwt: JwtKeys::new(&settings.auth, keys.access_tokens.expose_secret()),
        jobs: JobQueue::new(settings.jobs.clone(), clock.clone()),
        metrics: Metrics::new(settings.ops.metrics_token.clone()).map_err(StartupError::Setup)?,
        taxonomy,
        vocabulary: vocabulary.clone(),
        topics: Default::default(),
        search: Arc::new(
            Search::new(engine, db.clone(), Arc::new(listings::documents::ListingDocuments::new(vocabulary.clone())))
                .with_result_cache(ResultCache::new(
                    settings.search.result_cache_mb.saturating_mul(1_000_000),
                    Duration::from_secs(settings.search.result_cache_secs),
                )),
        ),
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
            let workers = Workers {
                runner: Arc::new(job_runner()),
                context: state.clone(),
                db: state.db.clone(),
                queue: state.jobs.clone(),
            };
            let mut handles = workers.spawn(stopped.clone());
            // Builds the index first when it has never followed the change log.
            let follow_every = Duration::from_millis(state.settings.search.follow_interval_ms);
            handles.push(indexing::spawn_follower(state.search.clone(), follow_every, stopped.clone()));
            if state.settings.jobs.schedule_enabled {
                let every = Duration::from_secs(state.settings.jobs.schedule_interval_secs);
                handles.push(Arc::new(timed_work()).spawn(state.clone(), state.db.clone(), every, stopped));
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

    pub fn state(&self) -> SharedState {
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
            .configure(crate::vocabulary::routes::configure)
            .configure(registry::routes::configure)
            .configure(crate::review::queue::configure)
            .configure(listings::routes::configure)
            .configure(crate::matching::routes::configure)
            .configure(crate::outcomes::routes::configure)
            .configure(crate::notify::routes::configure)
            .configure(crate::reports::routes::configure)
            .configure(crate::certificates::routes::configure)
            .configure(crate::privacy::routes::configure)
            .configure(crate::admin::jobs::configure),
    );
}

/// The pages, beside the API: what every page shares, then each feature's. The
/// organizations' fixed addresses (`/orgs/new`) come before the profile (`/orgs/{id}`).
fn pages(cfg: &mut web::ServiceConfig) {
    cfg.configure(crate::web::configure)
        .configure(auth::pages::configure)
        .configure(registry::pages::configure)
        .configure(listings::pages::configure)
        .configure(matching::pages::configure)
        .configure(crate::outcomes::follow_up_pages::configure)
        .configure(notify::pages::configure)
        .configure(crate::privacy::pages::configure)
        .configure(reports::pages::configure)
        .configure(crate::workspace::configure)
        .configure(crate::admin::pages::configure);
}

/// The documentation reads the document from this server only: no badge from the public
/// validator, which the content security policy would block anyway.
fn docs_config() -> utoipa_swagger_ui::Config<'static> {
    utoipa_swagger_ui::Config::from("/api/v1/openapi.json").validator_url("none")
}

fn http_server(state: SharedState, listener: TcpListener) -> Result<Server, StartupError> {
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
    let core = CoreData::of(&state);
    let server = HttpServer::new(move || {
        App::new()
            .into_utoipa_app()
            .app_data(state.clone())
            .app_data(api_document.clone())
            .configure(|cfg| core.register(cfg))
            .configure(routes(metrics_on_main_port))
            .into_app()
            .service(web::resource("/docs").to(|| async {
                actix_web::HttpResponse::PermanentRedirect()
                    .insert_header((actix_web::http::header::LOCATION, "/docs/"))
                    .finish()
            }))
            .service(SwaggerUi::new("/docs/{_:.*}").config(docs_config()))
            .configure(pages)
            .default_service(web::to(|| async { Err::<actix_web::HttpResponse, AppError>(AppError::NotFound) }))
            .wrap(Governor::new(&rate_limits))
            .wrap(from_fn(crate::web::html_errors))
            .wrap(from_fn(problem_responses))
            .wrap(state.metrics.middleware())
            .wrap(actix_web::middleware::Compress::default())
            .wrap(TracingLogger::<ops::telemetry::RequestSpan>::new())
            .wrap(from_fn(crate::http::security_headers))
    })
    .workers(workers)
    // A compressed answer leaves in several writes; with Nagle's algorithm the last one
    // waits for the client's delayed ACK, 40 ms on every page a browser asks for.
    .tcp_nodelay(true)
    .listen(listener)
    .map_err(|e| StartupError::Setup(format!("server: {e}")))?
    .run();
    Ok(server)
}

/// What the core's handlers and extractors take, each on its own (they never see
/// [`AppState`]).
#[derive(Clone)]
struct CoreData {
    db: web::Data<Db>,
    metrics: web::Data<Metrics>,
    trusted_proxies: web::Data<TrustedProxies>,
    /// What the province's review queue lists, fed by each reviewed feature.
    review_queues: web::Data<ReviewQueues>,
}

impl CoreData {
    fn of(state: &AppState) -> CoreData {
        CoreData {
            db: web::Data::new(state.db.clone()),
            metrics: web::Data::new(state.metrics.clone()),
            trusted_proxies: web::Data::new(TrustedProxies(state.settings.server.trusted_proxies)),
            review_queues: web::Data::new(ReviewQueues::new(vec![
                Box::new(registry::routes::OrgQueue),
                Box::new(listings::routes::ListingQueue),
            ])),
        }
    }

    fn register(&self, cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
        cfg.app_data(self.db.clone())
            .app_data(self.metrics.clone())
            .app_data(self.trusted_proxies.clone())
            .app_data(self.review_queues.clone());
    }
}

/// `/metrics` alone on its own listener; it follows the main server (which stops it), so it
/// does not handle signals itself.
fn metrics_server(state: SharedState, listener: TcpListener) -> Result<Server, StartupError> {
    let core = CoreData::of(&state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(core.db.clone())
            .app_data(core.metrics.clone())
            .configure(ops::metrics_only)
            .default_service(web::to(|| async { Err::<actix_web::HttpResponse, AppError>(AppError::NotFound) }))
            .wrap(from_fn(problem_responses))
            .wrap(TracingLogger::<ops::telemetry::RequestSpan>::new())
            .wrap(from_fn(crate::http::security_headers))
    })
    .workers(1)
    .tcp_nodelay(true)
    .disable_signals()
    .listen(listener)
    .map_err(|e| StartupError::Setup(format!("metrics server: {e}")))?
    .run();
    Ok(server)
}
