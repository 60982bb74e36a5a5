//! The certificate calendar (Decree 268/2025/NĐ-CP) of each province: its S&T
//! enterprises' annual reports (due 15 December) and three-yearly reviews, the reminders
//! their owners get 30 and 7 days before, certificates revoked or cancelled (with their
//! reason), and innovative startups' five-year recognitions. Officers read it as lists, a
//! CSV and a secret iCalendar feed.

pub mod calendar;
pub mod emails;
pub mod export;
pub mod ics;
pub mod pages;
pub mod reminders;
pub mod routes;
pub mod rules;
pub mod service;
pub mod store;

pub use reminders::register;
