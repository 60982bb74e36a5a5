//! The listings' pages: the home page, the marketplace, one listing, and the forms that
//! post and manage offers and needs.

pub mod cards;
mod public;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(public::home))
        .route("/listings", web::get().to(public::market))
        .route("/listings/{id}", web::get().to(public::detail));
}
