//! Provinces (tenants) and the staff roles within them.

pub mod routes;
pub mod rules;
pub mod store;

pub use store::TenantRow;
