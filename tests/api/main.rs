//! API tests: the real application over HTTP, on SQLite, and on PostgreSQL when
//! `TECHBRIDGE_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod helpers;

mod abuse;
mod accounts;
mod bad_input;
mod browser;
mod certificates;
mod cli;
mod contract;
mod crash;
mod database_tls;
mod email_delivery;
mod instances;
mod layering;
mod listings;
mod matching;
mod operations;
mod outcome_figures;
mod outcome_journeys;
mod outcomes;
mod pages;
mod reference_data;
mod registry;
mod reports;
mod search_contract;
mod secrets;
mod security_headers;
mod sessions;
mod tenants;
