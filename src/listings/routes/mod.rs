pub mod manage;
mod marketplace;
pub mod review;

use utoipa_actix_web::service_config::ServiceConfig;

pub use marketplace::{MAX_RESULT_WINDOW, MarketplacePage, MarketplaceParams, marketplace, search_query};
pub use review::ListingQueue;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(marketplace::search)
        .service(manage::create)
        .service(manage::of_org)
        .service(manage::get_one)
        .service(manage::update)
        .service(manage::submit)
        .service(manage::close)
        .service(manage::renew)
        .service(review::decide)
        .service(review::history)
        .service(review::changes);
}
