//! The calendar's API, thin over the service the pages call too.

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

use super::calendar::{Entry, List};
use super::service::{self, EndingRequest, EventRequest, RecognitionRequest};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::AppError;
use crate::http::{ApiJson, ApiQuery, ClientIp};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(calendar).service(record_event).service(revoke).service(recognition);
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarParams {
    /// due (within 30 days), overdue, expiring (startup recognitions), all (the default) or ended.
    pub list: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarView {
    pub province: String,
    pub list: List,
    /// Vietnam's date the due dates are measured from.
    pub today: NaiveDate,
    pub items: Vec<Entry>,
}

/// The province's certificate calendar (Decree 268/2025/NĐ-CP) for its moderators and
/// admins (platform admins may look): S&T enterprises' annual reports (due 15 December)
/// and three-yearly reviews, innovative startups' recognitions (five years), and the
/// certificates revoked or cancelled.
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Province code"), CalendarParams),
    responses(
        (status = 200, body = CalendarView),
        (status = 404, description = "No such province, or the caller is not its officer", body = crate::error::ProblemBody),
        (status = 422, description = "Unknown list", body = crate::error::ProblemBody),
    )
)]
#[get("/tenants/{code}/certificates")]
pub async fn calendar(
    state: web::Data<AppState>,
    principal: Principal,
    code: web::Path<String>,
    params: ApiQuery<CalendarParams>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let list = List::parse_filter("list", params.0.list.as_deref())?.unwrap_or(List::All);
    let (entries, today) = service::province_calendar(&state, &principal, &code).await?;
    Ok(HttpResponse::Ok().json(CalendarView { province: code, list, today, items: service::listed(&entries, list) }))
}

/// Records an S&T enterprise's annual report received (for a year) or its three-yearly
/// review done; the due dates move on and no more reminders go for it. Recording the same
/// one twice changes nothing.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = EventRequest,
    responses(
        (status = 200, body = Entry),
        (status = 403, description = "A platform admin, who only looks", body = crate::error::ProblemBody),
        (status = 404, description = "No such organization in a province the caller works on", body = crate::error::ProblemBody),
        (status = 409, description = "Not in the calendar: not an approved S&T enterprise with a valid certificate", body = crate::error::ProblemBody),
        (status = 422, description = "Invalid event", body = crate::error::ProblemBody),
    )
)]
#[post("/orgs/{id}/certificate/events")]
pub async fn record_event(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    ApiJson(body): ApiJson<EventRequest>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::record_event(&state, &principal, &ip, id.into_inner(), body).await?))
}

/// Revokes or cancels an S&T enterprise's certificate, with its reason (required). The
/// organization stays approved and in the directory; its S&T-enterprise standing ends, its
/// profile says so, and it leaves the calendar. Audited; the owners are told.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = EndingRequest,
    responses(
        (status = 200, body = Entry),
        (status = 403, description = "A platform admin, who only looks", body = crate::error::ProblemBody),
        (status = 404, description = "No such organization in a province the caller works on", body = crate::error::ProblemBody),
        (status = 409, description = "Not in the calendar, or already revoked or cancelled", body = crate::error::ProblemBody),
        (status = 422, description = "No reason, or an unknown status", body = crate::error::ProblemBody),
    )
)]
#[post("/orgs/{id}/certificate/revoke")]
pub async fn revoke(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    ApiJson(body): ApiJson<EndingRequest>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::end_certificate(&state, &principal, &ip, id.into_inner(), body).await?))
}

/// Records or corrects an innovative startup's recognition (number and date); it is valid
/// five years, and the owners are warned 60 days before it ends.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = RecognitionRequest,
    responses(
        (status = 200, body = Entry),
        (status = 403, description = "A platform admin, who only looks", body = crate::error::ProblemBody),
        (status = 404, description = "No such organization in a province the caller works on", body = crate::error::ProblemBody),
        (status = 409, description = "Not an approved innovative startup", body = crate::error::ProblemBody),
        (status = 422, description = "Missing number or date", body = crate::error::ProblemBody),
    )
)]
#[post("/orgs/{id}/recognition")]
pub async fn recognition(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    ApiJson(body): ApiJson<RecognitionRequest>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::set_recognition(&state, &principal, &ip, id.into_inner(), body).await?))
}
