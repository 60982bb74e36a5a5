//! Pickers for codes of the reference lists (S&T fields, strategic technologies, transfer
//! modes): checkboxes with a filter box that htmx narrows as one types, keeping what is
//! ticked.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::visitor::Visitor;
use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::taxonomy::{Scheme, Taxonomy};
use crate::text::fold;

#[derive(Debug, Clone)]
pub struct PickerOption {
    pub code: String,
    pub label: String,
    pub checked: bool,
    /// A sub-field, shown under its parent.
    pub child: bool,
}

/// The current list's codes for `scheme`, named in `lang`, those in `selected` ticked;
/// with a `filter`, only the codes whose name or code contains it (and the ticked ones).
pub fn options(
    taxonomy: &Taxonomy,
    scheme: Scheme,
    lang: Lang,
    selected: &[String],
    filter: &str,
) -> Vec<PickerOption> {
    let wanted = fold(filter.trim());
    taxonomy
        .terms(scheme, taxonomy.current_version(scheme))
        .into_iter()
        .filter(|term| scheme != Scheme::TransferMode || matches!(term.kind.as_deref(), Some("right" | "method")))
        .map(|term| {
            let label = match lang {
                Lang::En => term.name_en.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| term.name_vi.clone()),
                Lang::Vi => term.name_vi.clone(),
            };
            let label = if scheme == Scheme::StField { format!("{} {label}", term.code) } else { label };
            PickerOption {
                checked: selected.iter().any(|s| s == &term.code),
                child: term.level > 1 && scheme != Scheme::TransferMode,
                code: term.code.clone(),
                label,
            }
        })
        .filter(|option| wanted.is_empty() || option.checked || fold(&option.label).contains(&wanted))
        .collect()
}

pub fn scheme_of(name: &str) -> Option<Scheme> {
    match name {
        "st_field" => Some(Scheme::StField),
        "strategic_technology" => Some(Scheme::StrategicTechnology),
        "transfer_mode" => Some(Scheme::TransferMode),
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "web/picker_options.html")]
struct OptionsFragment {
    name: String,
    options: Vec<PickerOption>,
}

/// `GET /pickers/{scheme}?name=st_fields&q=…&st_fields=…`: the options matching `q`,
/// with the ticked ones kept (htmx swaps them into the picker).
pub async fn filtered(
    state: web::Data<AppState>,
    visitor: Visitor,
    scheme: web::Path<String>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let scheme = scheme_of(&scheme).ok_or(AppError::NotFound)?;
    let pairs = query.into_inner();
    let name = pairs.iter().find(|(k, _)| k == "name").map(|(_, v)| v.clone()).unwrap_or_default();
    if !matches!(name.as_str(), "st_fields" | "strategic_tags" | "transfer_modes") {
        return Err(AppError::NotFound);
    }
    let filter_name = format!("{name}_filter");
    let filter = pairs.iter().find(|(k, _)| *k == filter_name || k == "q").map(|(_, v)| v.clone()).unwrap_or_default();
    let selected: Vec<String> = pairs.iter().filter(|(k, _)| *k == name).map(|(_, v)| v.clone()).collect();
    let options = options(&state.taxonomy, scheme, visitor.lang, &selected, &filter);
    super::render(&OptionsFragment { name, options })
}
