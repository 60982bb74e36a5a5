//! Open-data exports (CSV, JSON) of the marketplace, the directory and a review queue, streamed page by page.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::error::{AppError, FieldError};
use crate::http::ApiQuery;
use crate::listings::model::ListingKind;
use crate::listings::views::ListingView;
use crate::outcomes::open_data::PublicDeal;
use crate::registry::model::OrgKind;
use crate::registry::views::OrganizationView;
use crate::reports::export::{self, Format, Names, Pager, QueueLine};
use crate::reports::store;
use crate::tenants;

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
pub struct DealExportParams {
    /// A province's code: deals with either side in it. The whole country when absent.
    pub province: Option<String>,
}

#[derive(Clone)]
struct CountedDeals {
    tenant: Option<String>,
    taxonomy: crate::taxonomy::Taxonomy,
}

impl Pager for CountedDeals {
    type Row = PublicDeal;
    type Cursor = String;

    fn page(&self, conn: &mut DbConnection, after: &String) -> Result<(Vec<PublicDeal>, Option<String>), AppError> {
        let rows = crate::outcomes::store::counted_deals_page(conn, self.tenant.as_deref(), after, export::PAGE)?;
        let next = export::after_full_page(&rows, |last| Some(last.0.clone()));
        let deals = rows.into_iter().map(|row| PublicDeal::of(row, &self.taxonomy)).collect::<Result<_, _>>()?;
        Ok((deals, next))
    }
}

/// Every deal that counts in the figures (confirmed by the other side, or recorded by an
/// officer): what was transferred, between which provinces, in which month, from where.
/// The value only when both sides let it be published; never the parties' names.
#[utoipa::path(
    tag = "reports",
    params(("format" = String, Path, description = "`csv` or `json`"), DealExportParams),
    responses(
        (status = 200, description = "The deals, streamed (CSV, or a JSON array of deals)", content(
            (String = "text/csv"),
            (Vec<PublicDeal> = "application/json"),
        )),
        (status = 404, description = "No such province or format", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[get("/exports/deals.{format}")]
pub async fn export_deals(
    state: web::Data<AppState>,
    format: web::Path<String>,
    params: ApiQuery<DealExportParams>,
) -> Result<HttpResponse, AppError> {
    let format = format_of(&format)?;
    let (names, tenant) = names_and_province(&state, params.0.province).await?;
    let name = filename("deals", tenant.as_deref(), state.clock.now());
    let pager = CountedDeals { tenant, taxonomy: state.taxonomy.clone() };
    export::respond(state.db.clone(), pager, String::new(), format, names, &name)
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
