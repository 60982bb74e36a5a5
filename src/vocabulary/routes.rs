use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::VariantTerm;
use crate::app::AppState;
use crate::error::AppError;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(vocabulary);
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VocabularyList {
    /// The vocabulary's version (`2026.1`).
    pub version: String,
    /// Every term, grouped by concept in the order of the reference file.
    pub items: Vec<VariantTerm>,
    pub total: i64,
}

/// Regional and technical variants that search and matching treat as the same thing
/// (lợn/heo, dứa/khóm/thơm, sắn/khoai mì, UAV/drone, …).
#[utoipa::path(tag = "taxonomy", responses((status = 200, body = VocabularyList)))]
#[get("/taxonomy/vocabulary")]
pub async fn vocabulary(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let items = state.vocabulary.terms().to_vec();
    Ok(HttpResponse::Ok().json(VocabularyList {
        version: state.vocabulary.version().to_owned(),
        total: i64::try_from(items.len()).unwrap_or(i64::MAX),
        items,
    }))
}
