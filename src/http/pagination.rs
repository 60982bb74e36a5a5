use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError};

pub const MAX_PER_PAGE: u32 = 100;
pub const DEFAULT_PER_PAGE: u32 = 20;
/// Deep pages cost a scan of everything before them; past this, narrow the filters instead.
pub const MAX_PAGE: u32 = 10_000;

#[derive(Debug, Clone, Copy, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1-based page number.
    pub page: Option<u32>,
    /// Items per page, at most 100.
    pub per_page: Option<u32>,
}

impl PageParams {
    /// Checks the bounds and gives (page, per_page).
    pub fn resolve(self) -> Result<(u32, u32), AppError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        let mut errors = Vec::new();
        if !(1..=MAX_PAGE).contains(&page) {
            errors.push(FieldError::out_of_range("page", 1, i64::from(MAX_PAGE)));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            errors.push(FieldError::out_of_range("per_page", 1, i64::from(MAX_PER_PAGE)));
        }
        if errors.is_empty() { Ok((page, per_page)) } else { Err(AppError::Validation(errors)) }
    }

    pub fn offset(page: u32, per_page: u32) -> i64 {
        i64::from(page - 1) * i64::from(per_page)
    }
}

/// A page of a list, in the shape every list of this API answers with.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
}
