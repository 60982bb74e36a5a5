use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Scheme, Term};
use crate::app::AppState;
use crate::error::AppError;
use crate::http::ApiQuery;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(st_fields)
        .service(strategic_technologies)
        .service(transfer_modes)
        .service(vsic_sections)
        .service(countries)
        .service(currencies)
        .service(developed_economies);
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionParams {
    /// A list version; the current one when omitted.
    pub version: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TermList {
    /// The version these terms belong to.
    pub version: String,
    /// Every version held, newest first.
    pub versions: Vec<String>,
    pub items: Vec<Term>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
}

fn list(state: &AppState, scheme: Scheme, version: Option<String>) -> Result<HttpResponse, AppError> {
    let taxonomy = &state.taxonomy;
    let version = version.unwrap_or_else(|| taxonomy.current_version(scheme).to_owned());
    let items: Vec<Term> = taxonomy.terms(scheme, &version).into_iter().cloned().collect();
    if items.is_empty() {
        return Err(AppError::NotFound);
    }
    let count = items.len();
    Ok(HttpResponse::Ok().json(TermList {
        versions: taxonomy.versions(scheme),
        version,
        page: 1,
        per_page: u32::try_from(count).unwrap_or(u32::MAX),
        total: i64::try_from(count).unwrap_or(i64::MAX),
        items,
    }))
}

/// S&T fields (lĩnh vực KH&CN), two levels; a child's code extends its parent's digits.
#[utoipa::path(tag = "taxonomy", params(VersionParams), responses((status = 200, body = TermList), (status = 404, description = "No such version", body = crate::error::ProblemBody)))]
#[get("/taxonomy/st-fields")]
pub async fn st_fields(state: web::Data<AppState>, params: ApiQuery<VersionParams>) -> Result<HttpResponse, AppError> {
    list(&state, Scheme::StField, params.0.version)
}

/// Strategic technologies (Decision 21/2026/QĐ-TTg; the 2025 list is kept for older records).
#[utoipa::path(tag = "taxonomy", params(VersionParams), responses((status = 200, body = TermList), (status = 404, description = "No such version", body = crate::error::ProblemBody)))]
#[get("/taxonomy/strategic-technologies")]
pub async fn strategic_technologies(
    state: web::Data<AppState>,
    params: ApiQuery<VersionParams>,
) -> Result<HttpResponse, AppError> {
    list(&state, Scheme::StrategicTechnology, params.0.version)
}

/// Transfer modes (Law 07/2017/QH14): forms, methods, rights and licence scopes.
#[utoipa::path(tag = "taxonomy", params(VersionParams), responses((status = 200, body = TermList), (status = 404, description = "No such version", body = crate::error::ProblemBody)))]
#[get("/taxonomy/transfer-modes")]
pub async fn transfer_modes(
    state: web::Data<AppState>,
    params: ApiQuery<VersionParams>,
) -> Result<HttpResponse, AppError> {
    list(&state, Scheme::TransferMode, params.0.version)
}

/// VSIC sections (VSIC 2025; the 2018 list is kept for older records).
#[utoipa::path(tag = "taxonomy", params(VersionParams), responses((status = 200, body = TermList), (status = 404, description = "No such version", body = crate::error::ProblemBody)))]
#[get("/taxonomy/vsic-sections")]
pub async fn vsic_sections(
    state: web::Data<AppState>,
    params: ApiQuery<VersionParams>,
) -> Result<HttpResponse, AppError> {
    list(&state, Scheme::VsicSection, params.0.version)
}

/// Countries (ISO 3166-1 alpha-2), for the origin of a deal's technology.
#[utoipa::path(tag = "taxonomy", params(VersionParams), responses((status = 200, body = TermList), (status = 404, description = "No such version", body = crate::error::ProblemBody)))]
#[get("/taxonomy/countries")]
pub async fn countries(state: web::Data<AppState>, params: ApiQuery<VersionParams>) -> Result<HttpResponse, AppError> {
    list(&state, Scheme::Country, params.0.version)
}

/// Currencies (ISO 4217), for a contract in a foreign currency.
#[utoipa::path(tag = "taxonomy", params(VersionParams), responses((status = 200, body = TermList), (status = 404, description = "No such version", body = crate::error::ProblemBody)))]
#[get("/taxonomy/currencies")]
pub async fn currencies(state: web::Data<AppState>, params: ApiQuery<VersionParams>) -> Result<HttpResponse, AppError> {
    list(&state, Scheme::Currency, params.0.version)
}

/// The economies the figures count as developed: the IMF World Economic Outlook's
/// advanced economies, with the edition as the version.
#[utoipa::path(tag = "taxonomy", params(VersionParams), responses((status = 200, body = TermList), (status = 404, description = "No such version", body = crate::error::ProblemBody)))]
#[get("/taxonomy/developed-economies")]
pub async fn developed_economies(
    state: web::Data<AppState>,
    params: ApiQuery<VersionParams>,
) -> Result<HttpResponse, AppError> {
    list(&state, Scheme::DevelopedEconomy, params.0.version)
}
