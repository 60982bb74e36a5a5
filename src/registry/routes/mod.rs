pub mod members;
pub mod organizations;
pub mod review;

use utoipa_actix_web::service_config::ServiceConfig;

pub use organizations::{query_words, review_fields};
pub use review::OrgQueue;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(organizations::create)
        .service(organizations::directory)
        .service(organizations::mine)
        .service(organizations::get_one)
        .service(organizations::update)
        .service(organizations::submit)
        .service(review::decide)
        .service(review::history)
        .service(review::changes)
        .service(members::list)
        .service(members::invite)
        .service(members::accept)
        .service(members::change_role)
        .service(members::remove);
}
