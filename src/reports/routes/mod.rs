//! The figures' API: province and national figures, targets, open-data exports.

mod exports;
mod figures;
pub mod targets;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(figures::province_stats)
        .service(figures::national_stats)
        .service(targets::list_targets)
        .service(targets::set_target)
        .service(targets::delete_target)
        .service(exports::export_listings)
        .service(exports::export_organizations)
        .service(exports::export_deals)
        .service(exports::export_queue);
}
