use std::collections::HashMap;

use actix_web::{HttpResponse, delete, get, put, web};
use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::export::{self, Format, Names, Pager, QueueLine};
use super::model::{Indicator, NationalFigures, ProvinceFigures, TargetProgress};
use super::period::Period;
use super::service::{self, View};
use super::store;
use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::{MaybePrincipal, Principal};
use crate::db::DbConnection;
use crate::error::{AppError, FieldError, Violations};
use crate::http::{ApiJson, ApiQuery, ClientIp};
use crate::listings::model::ListingKind;
use crate::listings::views::ListingView;
use crate::registry::model::OrgKind;
use crate::registry::views::OrganizationView;
use crate::tenants;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(province_stats)
        .service(national_stats)
        .service(list_targets)
        .service(set_target)
        .service(delete_target)
        .service(export_listings)
        .service(export_organizations)
        .service(export_queue);
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// First day counted, YYYY-MM-DD (Vietnam time). Open when absent.
    pub from: Option<String>,
    /// Last day counted, YYYY-MM-DD. Open when absent.
    pub to: Option<String>,
    /// `full` or `public`; by default the fullest the caller may see.
    pub view: Option<String>,
}

fn period_of(params: &StatsParams) -> Result<Period, AppError> {
    Period::parse(params.from.as_deref(), params.to.as_deref()).map_err(AppError::Validation)
}

/// The view asked for, if the caller may have it. Asking for the full figures without the
/// right is answered as if they did not exist.
fn view_of(requested: Option<&str>, may_see_full: bool) -> Result<View, AppError> {
    match requested.map(str::trim).filter(|v| !v.is_empty()) {
        None if may_see_full => Ok(View::Full),
        None | Some("public") => Ok(View::Public),
        Some("full") if may_see_full => Ok(View::Full),
        Some("full") => Err(AppError::NotFound),
        Some(_) => Err(AppError::Validation(vec![FieldError::one_of("view", &["full", "public"])])),
    }
}

/// What a province reports on. Figures count what happened in the period: organizations
/// and listings created in it (by their state now), matches suggested in it, connections
/// made and deals agreed in it, review decisions taken in it. Targets and the review queue
/// are as they stand now. The province's moderators and admins (and platform admins) see
/// everything; anyone else sees the public subset, without review internals, states other
/// than public ones, or deal values.
#[utoipa::path(
    tag = "reports",
    security((), ("bearer" = [])),
    params(("code" = String, Path, description = "Province code"), StatsParams),
    responses(
        (status = 200, body = ProvinceFigures),
        (status = 404, description = "No such province, or `view=full` for someone who is not its officer", body = crate::error::ProblemBody),
        (status = 422, description = "Malformed or inverted dates", body = crate::error::ProblemBody),
    )
)]
#[get("/tenants/{code}/stats")]
pub async fn province_stats(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    code: web::Path<String>,
    params: ApiQuery<StatsParams>,
) -> Result<HttpResponse, AppError> {
    let params = params.0;
    let period = period_of(&params)?;
    let code = code.into_inner();
    let may_see_full = caller.0.as_ref().is_some_and(|p| p.review_scope(&code).is_some());
    let now = state.clock.now();
    let taxonomy = state.taxonomy.clone();
    let figures = state
        .db
        .run(move |conn| {
            let province = tenants::store::find_active(conn, &code)?;
            let view = view_of(params.view.as_deref(), may_see_full)?;
            service::province_figures(conn, &taxonomy, &province, period, view, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(figures))
}

/// Every province side by side with the national totals. Platform admins see the review
/// and deal figures; anyone else the public subset.
#[utoipa::path(
    tag = "reports",
    security((), ("bearer" = [])),
    params(StatsParams),
    responses(
        (status = 200, body = NationalFigures),
        (status = 404, description = "`view=full` for someone who is not a platform admin", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[get("/stats")]
pub async fn national_stats(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    params: ApiQuery<StatsParams>,
) -> Result<HttpResponse, AppError> {
    let params = params.0;
    let period = period_of(&params)?;
    let view = view_of(params.view.as_deref(), caller.0.as_ref().is_some_and(|p| p.is_platform_admin))?;
    let now = state.clock.now();
    let figures = state
        .db
        .run(move |conn| {
            let provinces = tenants::store::list(conn, false)?;
            service::national_figures(conn, &provinces, period, view, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(figures))
}

/// Every indicator of a province beside its target, if it set one. Public: the plans of
/// a province are.
#[utoipa::path(
    tag = "reports",
    params(("code" = String, Path, description = "Province code")),
    responses((status = 200, body = Vec<TargetProgress>), (status = 404, body = crate::error::ProblemBody))
)]
#[get("/tenants/{code}/targets")]
pub async fn list_targets(state: web::Data<AppState>, code: web::Path<String>) -> Result<HttpResponse, AppError> {
    let targets = state
        .db
        .run(move |conn| {
            let province = tenants::store::find_active(conn, &code)?;
            service::targets_of(conn, &province.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(targets))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TargetRequest {
    /// What to reach, in the indicator's unit (a count, or VND for `deal_value_vnd`).
    #[schema(required = true)]
    pub value: Option<i64>,
    /// By which year.
    #[schema(required = true)]
    pub year: Option<i32>,
}

const MAX_TARGET: i64 = 1_000_000_000_000_000;
const TARGET_YEARS: (i32, i32) = (2020, 2100);

fn indicator_of(raw: &str) -> Result<Indicator, AppError> {
    Indicator::parse_field("indicator", raw).map_err(|e| AppError::Validation(vec![e]))
}

/// Sets (or changes) a target: the province's admins and platform admins.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Province code"), ("indicator" = String, Path)),
    request_body = TargetRequest,
    responses(
        (status = 200, body = TargetProgress),
        (status = 404, description = "No such province, or not its admin", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[put("/tenants/{code}/targets/{indicator}")]
pub async fn set_target(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    path: web::Path<(String, String)>,
    body: ApiJson<TargetRequest>,
) -> Result<HttpResponse, AppError> {
    let (code, raw_indicator) = path.into_inner();
    let scope = principal.admin_scope(&code).ok_or(AppError::NotFound)?;
    let indicator = indicator_of(&raw_indicator)?;
    let mut v = Violations::new();
    let value = v.require("value", body.0.value, |value| {
        if (0..=MAX_TARGET).contains(&value) {
            Ok(value)
        } else {
            Err(FieldError::out_of_range("value", 0, MAX_TARGET))
        }
    });
    let year = v.require("year", body.0.year, |year| {
        if (TARGET_YEARS.0..=TARGET_YEARS.1).contains(&year) {
            Ok(year)
        } else {
            Err(FieldError::out_of_range("year", i64::from(TARGET_YEARS.0), i64::from(TARGET_YEARS.1)))
        }
    });
    let (value, year) = v.finish(value.zip(year))?;
    let now = state.clock.now();
    let progress = state
        .db
        .write(move |conn| {
            let province = tenants::store::find_active(conn, scope.tenant_id())?;
            store::set_target(conn, &province.id, indicator.as_str(), value, year, &principal.user_id, now)?;
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&province.id),
                    actor_id: Some(&principal.user_id),
                    entity_type: "target",
                    entity_id: indicator.as_str(),
                    action: "set",
                    details: Some(serde_json::json!({ "value": value, "year": year })),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            find_progress(conn, &province.id, indicator)
        })
        .await?;
    Ok(HttpResponse::Ok().json(progress))
}

fn find_progress(conn: &mut DbConnection, tenant: &str, indicator: Indicator) -> Result<TargetProgress, AppError> {
    service::targets_of(conn, tenant)?
        .into_iter()
        .find(|t| t.indicator == indicator.as_str())
        .ok_or_else(|| AppError::internal("every indicator has a line"))
}

/// Removes a target.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Province code"), ("indicator" = String, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such target, province, or not its admin", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[delete("/tenants/{code}/targets/{indicator}")]
pub async fn delete_target(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (code, raw_indicator) = path.into_inner();
    let scope = principal.admin_scope(&code).ok_or(AppError::NotFound)?;
    let indicator = indicator_of(&raw_indicator)?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            if !store::delete_target(conn, scope.tenant_id(), indicator.as_str())? {
                return Err(AppError::NotFound);
            }
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(scope.tenant_id()),
                    actor_id: Some(&principal.user_id),
                    entity_type: "target",
                    entity_id: indicator.as_str(),
                    action: "delete",
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// A province's code; the whole country when absent.
    pub province: Option<String>,
    pub kind: Option<String>,
}

fn format_of(raw: &str) -> Result<Format, AppError> {
    match raw {
        "csv" => Ok(Format::Csv),
        "json" => Ok(Format::Json),
        _ => Err(AppError::NotFound),
    }
}

/// Names for the CSV cells, and the province asked for (404 when unknown).
async fn names_and_province(state: &AppState, province: Option<String>) -> Result<(Names, Option<String>), AppError> {
    let province = province.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
    let provinces = state.db.run(|conn| tenants::store::list(conn, true)).await?;
    if let Some(code) = &province
        && !provinces.iter().any(|p| &p.id == code && p.active)
    {
        return Err(AppError::NotFound);
    }
    let names = Names {
        taxonomy: state.taxonomy.clone(),
        provinces: provinces.into_iter().map(|p| (p.id, p.name_vi)).collect::<HashMap<_, _>>(),
    };
    Ok((names, province))
}

fn filename(what: &str, province: Option<&str>, now: NaiveDateTime) -> String {
    let date = crate::notify::digest::local_time(now).format("%Y%m%d");
    format!("techbridge-{what}-{}-{date}", province.unwrap_or("vn"))
}

#[derive(Clone)]
struct PublicListings {
    tenant: Option<String>,
    kind: Option<ListingKind>,
}

impl Pager for PublicListings {
    type Row = ListingView;
    type Cursor = String;

    fn page(&self, conn: &mut DbConnection, after: &String) -> Result<(Vec<ListingView>, Option<String>), AppError> {
        let records =
            crate::listings::store::public_page(conn, self.tenant.as_deref(), self.kind, after, export::PAGE)?;
        let next = export::after_full_page(&records, |last| Some(last.row.id.clone()));
        Ok((records.iter().map(ListingView::public).collect(), next))
    }
}

/// Every listing the marketplace shows, with its public fields, as CSV (UTF-8 with a byte
/// order mark, for Excel) or JSON, streamed.
#[utoipa::path(
    tag = "reports",
    params(("format" = String, Path, description = "`csv` or `json`"), ExportParams),
    responses(
        (status = 200, description = "The listings, streamed (CSV, or a JSON array of listings)", content(
            (String = "text/csv"),
            (Vec<ListingView> = "application/json"),
        )),
        (status = 404, description = "No such province or format", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[get("/exports/listings.{format}")]
pub async fn export_listings(
    state: web::Data<AppState>,
    format: web::Path<String>,
    params: ApiQuery<ExportParams>,
) -> Result<HttpResponse, AppError> {
    let format = format_of(&format)?;
    let params = params.0;
    let kind = ListingKind::parse_filter("kind", params.kind.as_deref().map(str::trim))?;
    let (names, tenant) = names_and_province(&state, params.province).await?;
    let name = filename("listings", tenant.as_deref(), state.clock.now());
    export::respond(state.db.clone(), PublicListings { tenant, kind }, String::new(), format, names, &name)
}

#[derive(Clone)]
struct ApprovedOrganizations {
    tenant: Option<String>,
    kind: Option<OrgKind>,
}

impl Pager for ApprovedOrganizations {
    type Row = OrganizationView;
    type Cursor = String;

    fn page(
        &self,
        conn: &mut DbConnection,
        after: &String,
    ) -> Result<(Vec<OrganizationView>, Option<String>), AppError> {
        let records =
            crate::registry::store::approved_page(conn, self.tenant.as_deref(), self.kind, after, export::PAGE)?;
        let next = export::after_full_page(&records, |last| Some(last.row.id.clone()));
        Ok((records.iter().map(OrganizationView::public).collect(), next))
    }
}

/// Every approved organization with its public fields (no contact details), as CSV or
/// JSON, streamed.
#[utoipa::path(
    tag = "reports",
    params(("format" = String, Path, description = "`csv` or `json`"), ExportParams),
    responses(
        (status = 200, description = "The organizations, streamed (CSV, or a JSON array of organizations)", content(
            (String = "text/csv"),
            (Vec<OrganizationView> = "application/json"),
        )),
        (status = 404, description = "No such province or format", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[get("/exports/orgs.{format}")]
pub async fn export_organizations(
    state: web::Data<AppState>,
    format: web::Path<String>,
    params: ApiQuery<ExportParams>,
) -> Result<HttpResponse, AppError> {
    let format = format_of(&format)?;
    let params = params.0;
    let kind = OrgKind::parse_filter("kind", params.kind.as_deref().map(str::trim))?;
    let (names, tenant) = names_and_province(&state, params.province).await?;
    let name = filename("organizations", tenant.as_deref(), state.clock.now());
    export::respond(state.db.clone(), ApprovedOrganizations { tenant, kind }, String::new(), format, names, &name)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueExportParams {
    /// `org`, `listing`, or both when absent.
    #[serde(rename = "type")]
    pub item_type: Option<String>,
}

/// Where a queue export has got to: organizations first, then listings.
#[derive(Debug, Clone)]
enum QueueCursor {
    Organizations(Option<(Option<NaiveDateTime>, String)>),
    Listings(Option<(Option<NaiveDateTime>, String)>),
}

#[derive(Clone)]
struct Queue {
    tenant: String,
    listings_too: bool,
    now: NaiveDateTime,
}

impl Pager for Queue {
    type Row = QueueLine;
    type Cursor = QueueCursor;

    fn page(
        &self,
        conn: &mut DbConnection,
        cursor: &QueueCursor,
    ) -> Result<(Vec<QueueLine>, Option<QueueCursor>), AppError> {
        let (items, next) = match cursor {
            QueueCursor::Organizations(after) => {
                let items = store::queued_organizations(conn, &self.tenant, after.as_ref(), export::PAGE)?;
                let next = match continue_after(&items) {
                    Some(last) => Some(QueueCursor::Organizations(Some(last))),
                    None if self.listings_too => Some(QueueCursor::Listings(None)),
                    None => None,
                };
                (items, next)
            }
            QueueCursor::Listings(after) => {
                let items = store::queued_listings(conn, &self.tenant, after.as_ref(), export::PAGE)?;
                let next = continue_after(&items).map(|last| QueueCursor::Listings(Some(last)));
                (items, next)
            }
        };
        Ok((items.into_iter().map(|item| QueueLine::new(item, self.now)).collect(), next))
    }
}

/// The cursor after a full page; none when the page was the last.
fn continue_after(items: &[store::QueuedItem]) -> Option<(Option<NaiveDateTime>, String)> {
    // Every queued item has a submission time; without one, paging could not go on.
    export::after_full_page(items, |last| last.submitted_at.map(|at| (Some(at), last.id.clone())))
}

/// A province's review queue, oldest first, as CSV or JSON: its moderators and admins.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Province code"), ("format" = String, Path, description = "`csv` or `json`"), QueueExportParams),
    responses(
        (status = 200, description = "The queue, streamed (CSV, or a JSON array)", content(
            (String = "text/csv"),
            (Vec<QueueLine> = "application/json"),
        )),
        (status = 404, description = "Not a province the caller reviews", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[get("/tenants/{code}/review-queue.{format}")]
pub async fn export_queue(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    params: ApiQuery<QueueExportParams>,
) -> Result<HttpResponse, AppError> {
    let (code, raw_format) = path.into_inner();
    let scope = principal.review_scope(&code).ok_or(AppError::NotFound)?;
    let format = format_of(&raw_format)?;
    let (first, listings_too) = match params.0.item_type.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => (QueueCursor::Organizations(None), true),
        Some("org") => (QueueCursor::Organizations(None), false),
        Some("listing") => (QueueCursor::Listings(None), true),
        Some(_) => return Err(AppError::Validation(vec![FieldError::one_of("type", &["org", "listing"])])),
    };
    let (names, tenant) = names_and_province(&state, Some(scope.tenant_id().to_owned())).await?;
    let tenant = tenant.unwrap_or_default();
    let now = state.clock.now();
    let name = filename("review-queue", Some(&tenant), now);
    export::respond(state.db.clone(), Queue { tenant, listings_too, now }, first, format, names, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_follow_the_callers_rights() {
        assert_eq!(view_of(None, true).unwrap(), View::Full);
        assert_eq!(view_of(None, false).unwrap(), View::Public);
        assert_eq!(view_of(Some("public"), true).unwrap(), View::Public);
        assert_eq!(view_of(Some("full"), true).unwrap(), View::Full);
        assert!(matches!(view_of(Some("full"), false), Err(AppError::NotFound)));
        assert!(matches!(view_of(Some("everything"), true), Err(AppError::Validation(_))));
    }
}
