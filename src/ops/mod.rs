//! Health checks, metrics, logging and rate limits.

mod metrics;
mod rate_limit;
pub mod telemetry;

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

pub use metrics::Metrics;
pub use rate_limit::{MailboxLimiter, RATE_LIMITED_PATHS, auth_rate_limiter};

use crate::db::Db;
use crate::error::AppError;

/// Health checks, on the main port.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(live).service(ready);
}

/// `/metrics`, documented with the API.
pub fn configure_metrics(cfg: &mut ServiceConfig) {
    cfg.service(metrics::metrics);
}

/// `/metrics` alone, for its own listener.
pub fn metrics_only(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(metrics::metrics);
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<&'static str>,
}

/// The process is up.
#[utoipa::path(tag = "operations", responses((status = 200, body = Health)))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok", database: None })
}

/// The process can serve: its database answers.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, body = Health),
        (status = 503, description = "The database does not answer", body = crate::error::ProblemBody),
    )
)]
#[get("/health/ready")]
pub async fn ready(db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    db.run(|conn| {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SELECT 1").map_err(|e| AppError::Unavailable(format!("database: {e}")))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok", database: Some(db.backend().name()) }))
}
