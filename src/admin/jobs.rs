//! The job queue as platform administrators see it: queued, running and dead jobs with
//! their last error, and retrying a dead one (audited).

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::Principal;
use crate::error::{AppError, FieldError, Text};
use crate::http::{ApiQuery, ClientIp, Page, PageParams};
use crate::jobs::{self, JobSummary};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_jobs).service(retry_job);
}

const STATES: &[&str] = &["queued", "running", "dead", "done"];

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobParams {
    /// queued, running, dead or done; every state but done when absent.
    pub status: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// One page of jobs, the most recently changed first.
pub async fn jobs_page(
    state: &AppState,
    principal: &Principal,
    params: JobParams,
) -> Result<Page<JobSummary>, AppError> {
    if !principal.is_platform_admin {
        return Err(AppError::NotFound);
    }
    let status = params.status.filter(|s| !s.is_empty());
    if let Some(status) = &status
        && !STATES.contains(&status.as_str())
    {
        return Err(AppError::Validation(vec![FieldError::one_of("status", STATES)]));
    }
    let (page, per_page) = PageParams { page: params.page, per_page: params.per_page }.resolve()?;
    let (items, total) = state
        .db
        .run(move |conn| {
            jobs::admin::list(conn, status.as_deref(), PageParams::offset(page, per_page), i64::from(per_page))
        })
        .await?;
    Ok(Page { items, page, per_page, total })
}

/// Jobs by state (platform admins).
#[utoipa::path(
    tag = "operations",
    security(("bearer" = [])),
    params(JobParams),
    responses(
        (status = 200, body = Page<JobSummary>),
        (status = 404, description = "Not a platform admin", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[get("/admin/jobs")]
pub async fn list_jobs(
    state: web::Data<AppState>,
    principal: Principal,
    params: ApiQuery<JobParams>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(jobs_page(&state, &principal, params.0).await?))
}

/// Puts a dead job back in the queue with fresh attempts; the retry is in the audit log.
pub async fn retry(
    state: &AppState,
    principal: &Principal,
    id: i64,
    client_ip: Option<String>,
) -> Result<JobSummary, AppError> {
    if !principal.is_platform_admin {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let actor = principal.user_id.clone();
    let job = state
        .db
        .write(move |conn| {
            let job = jobs::admin::find(conn, id)?.ok_or(AppError::NotFound)?;
            if !jobs::admin::retry_dead(conn, id, now)? {
                return Err(AppError::conflict(Text::owned(
                    format!("Chỉ chạy lại được việc đã hỏng; việc này đang ở trạng thái \"{}\".", job.status),
                    format!("Only a dead job can be retried; this one is \"{}\".", job.status),
                )));
            }
            let id_text = id.to_string();
            audit::record(
                conn,
                AuditEntry {
                    actor_id: Some(&actor),
                    entity_type: "job",
                    entity_id: &id_text,
                    action: "retry",
                    from_state: Some(jobs::status::DEAD),
                    to_state: Some(jobs::status::QUEUED),
                    details: Some(
                        serde_json::json!({ "kind": job.kind, "attempts": job.attempts, "last_error": job.last_error }),
                    ),
                    client_ip: client_ip.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            jobs::admin::find(conn, id)?.ok_or(AppError::NotFound)
        })
        .await?;
    state.jobs.wake();
    Ok(job)
}

/// Retries a dead job (platform admins); 409 when it is not dead.
#[utoipa::path(
    tag = "operations",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = JobSummary),
        (status = 404, description = "No such job, or not a platform admin", body = crate::error::ProblemBody),
        (status = 409, description = "The job is not dead", body = crate::error::ProblemBody),
    )
)]
#[post("/admin/jobs/{id}/retry")]
pub async fn retry_job(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(retry(&state, &principal, id, ip.0).await?))
}
