//! The registry of the innovation ecosystem: organizations register with their home
//! province, whose officers review them; approved ones form the public directory.

pub mod access;
pub mod emails;
pub mod events;
pub mod lifecycle;
pub mod membership;
pub mod model;
pub mod pages;
pub mod routes;
pub mod rules;
pub mod service;
pub mod store;
pub mod tax_code;
pub mod views;
