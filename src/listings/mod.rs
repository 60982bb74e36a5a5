//! Technology offers and needs: posted by organizations, reviewed by their province,
//! published in the national marketplace, expiring after a validity period.

pub mod background;
pub mod documents;
pub mod emails;
pub mod expiry;
pub mod lifecycle;
pub mod model;
pub mod pages;
pub mod routes;
pub mod rules;
pub mod service;
pub mod store;
pub mod views;
