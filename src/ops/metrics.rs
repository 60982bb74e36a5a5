use actix_web::{HttpResponse, get, web};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use prometheus::{Encoder, IntGaugeVec, Opts, Registry, TextEncoder};

use crate::error::AppError;
use crate::jobs;
use crate::startup::AppState;

/// Prometheus registry: request counts and latency by route and status (from the
/// middleware), and the job queue by state (read at scrape time).
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    jobs: IntGaugeVec,
    http: PrometheusMetrics,
}

impl Metrics {
    pub fn new() -> Result<Metrics, String> {
        let registry = Registry::new();
        let jobs = IntGaugeVec::new(Opts::new("techbridge_jobs", "Jobs in the durable queue, by state"), &["state"])
            .map_err(|e| e.to_string())?;
        registry.register(Box::new(jobs.clone())).map_err(|e| e.to_string())?;
        let http = PrometheusMetricsBuilder::new("techbridge")
            .registry(registry.clone())
            .mask_unmatched_patterns("UNMATCHED")
            .exclude_regex("^/docs")
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Metrics { registry, jobs, http })
    }

    pub fn middleware(&self) -> PrometheusMetrics {
        self.http.clone()
    }

    fn render(&self, counts: jobs::JobCounts) -> Result<String, AppError> {
        for (state, n) in
            [("queued", counts.queued), ("running", counts.running), ("done", counts.done), ("dead", counts.dead)]
        {
            self.jobs.with_label_values(&[state]).set(n);
        }
        let mut buffer = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buffer).map_err(AppError::internal)?;
        String::from_utf8(buffer).map_err(AppError::internal)
    }
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let counts = state.db.run(jobs::counts).await?;
    let body = state.metrics.render(counts)?;
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(body))
}
