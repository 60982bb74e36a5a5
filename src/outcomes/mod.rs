//! What became of a match: the deal record (what was transferred, on which terms), its
//! verification by the other side, and a trial or a stop along the way.

pub mod deal_form;
pub mod figures;
pub mod figures_store;
pub mod follow_up_email;
pub mod follow_up_pages;
pub mod follow_up_work;
pub mod follow_ups;
pub mod open_data;
pub mod routes;
pub mod rules;
pub mod store;
