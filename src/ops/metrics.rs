use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use prometheus::{Encoder, IntGaugeVec, Opts, Registry, TextEncoder};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::db::Db;
use crate::error::{AppError, Text};
use crate::jobs;

/// Prometheus registry: request counts and latency by route and status (from the
/// middleware), and the job queue by state (read at scrape time).
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    jobs: IntGaugeVec,
    http: PrometheusMetrics,
    /// When set, `/metrics` answers only requests that carry it.
    token: Option<SecretString>,
}

impl Metrics {
    pub fn new(token: Option<SecretString>) -> Result<Metrics, String> {
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
        Ok(Metrics { registry, jobs, http, token })
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
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        (status = 401, description = "A metrics token is configured and the request does not carry it (Authorization: Bearer …)", body = crate::error::ProblemBody),
    )
)]
#[get("/metrics")]
pub async fn metrics(
    req: HttpRequest,
    metrics: web::Data<Metrics>,
    db: web::Data<Db>,
) -> Result<HttpResponse, AppError> {
    if let Some(token) = &metrics.token {
        let presented = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        if !presents_token(presented, token) {
            return Err(AppError::Unauthorized(Text::new(
                "Cần mã truy cập số liệu vận hành (Authorization: Bearer …).",
                "The metrics need their access token (Authorization: Bearer …).",
            )));
        }
    }
    let counts = db.run(jobs::counts).await?;
    let body = metrics.render(counts)?;
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(body))
}

/// Whether an `Authorization` header value is `Bearer <token>`. Digests are compared in
/// constant time, so neither the token's bytes nor its length leak through timing.
fn presents_token(authorization: Option<&str>, token: &SecretString) -> bool {
    let Some((scheme, presented)) = authorization.and_then(|value| value.trim().split_once(' ')) else {
        return false;
    };
    let digest = |value: &str| Sha256::digest(value.as_bytes());
    scheme.eq_ignore_ascii_case("bearer") && bool::from(digest(presented.trim()).ct_eq(&digest(token.expose_secret())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_configured_bearer_token_passes() {
        let token = SecretString::from("s3cret-scraper-token");
        assert!(presents_token(Some("Bearer s3cret-scraper-token"), &token));
        assert!(presents_token(Some("bearer  s3cret-scraper-token "), &token));
        for refused in [
            None,
            Some(""),
            Some("Bearer"),
            Some("Bearer "),
            Some("Bearer s3cret-scraper-token2"),
            Some("Bearer s3cret-scraper-toke"),
            Some("Basic s3cret-scraper-token"),
            Some("s3cret-scraper-token"),
        ] {
            assert!(!presents_token(refused, &token), "{refused:?}");
        }
    }
}
