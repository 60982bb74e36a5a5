//! TechBridge: a multi-tenant registry and technology matchmaking marketplace for Vietnam's
//! provincial Departments of Science and Technology.

pub mod admin;
pub mod app;
pub mod audit;
pub mod auth;
pub mod certificates;
pub mod cli;
pub mod clock;
pub mod code_enum;
pub mod config;
pub mod db;
pub mod demo;
pub mod email;
pub mod error;
#[cfg(test)]
mod golden;
pub mod http;
pub mod i18n;
pub mod jobs;
pub mod listings;
pub mod matching;
pub mod notify;
pub mod openapi;
pub mod ops;
pub mod outcomes;
pub mod privacy;
pub mod registry;
pub mod reports;
pub mod review;
pub mod schedule;
pub mod search;
pub mod secrets;
pub mod startup;
pub mod taxonomy;
pub mod templates;
pub mod tenants;
pub mod text;
pub mod vocabulary;
pub mod web;
pub mod workspace;
