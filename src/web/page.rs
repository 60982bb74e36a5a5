//! Small pieces most page handlers need.

use std::collections::HashMap;

use super::labels::Labels;
use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::Lang;

/// The names of the provinces and reference codes, for a page in `lang`.
pub async fn labels(state: &AppState, lang: Lang) -> Result<Labels<'_>, AppError> {
    let provinces: HashMap<String, String> = state
        .db
        .run(|conn| Ok(crate::tenants::store::list(conn, true)?.into_iter().map(|t| (t.id, t.name_vi)).collect()))
        .await?;
    Ok(Labels::new(lang, provinces, &state.taxonomy))
}

/// The provinces as options of a select, by name.
pub async fn provinces(state: &AppState) -> Result<Vec<(String, String)>, AppError> {
    state
        .db
        .run(|conn| {
            let mut provinces: Vec<(String, String)> =
                crate::tenants::store::list(conn, false)?.into_iter().map(|t| (t.id, t.name_vi)).collect();
            provinces.sort_by_key(|p| crate::text::fold(&p.1));
            Ok(provinces)
        })
        .await
}

/// A query string from pairs, empty values left out.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        out.append_pair(name, value);
    }
    out.finish()
}
