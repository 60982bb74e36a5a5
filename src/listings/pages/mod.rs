//! The listings' pages: the home page, the marketplace, one listing, and the forms that
//! post and manage offers and needs.

pub mod cards;
mod manage;
mod organization;
mod public;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(public::home))
        .route("/listings", web::get().to(public::market))
        .route("/listings/{id}", web::get().to(public::detail))
        .route("/orgs/{id}", web::get().to(organization::profile))
        .route("/orgs/{id}/listings/new", web::get().to(manage::new_form))
        .route("/orgs/{id}/listings/new", web::post().to(manage::create))
        .route("/listings/{id}/edit", web::get().to(manage::edit_form))
        .route("/listings/{id}/edit", web::post().to(manage::update))
        .route("/listings/{id}/submit", web::post().to(manage::submit))
        .route("/listings/{id}/close", web::post().to(manage::close))
        .route("/listings/{id}/renew", web::post().to(manage::renew));
}
