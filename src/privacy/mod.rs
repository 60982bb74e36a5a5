//! Personal data (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): the notice and the consents
//! given to it, each person's copy of their data, the deletion of an account, and the log
//! of who outside an organization read its private contact details.

pub mod access_log;
pub mod consent;
