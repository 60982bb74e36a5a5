//! The vocabulary in the database: seeded by migration from the reference file.

use diesel::prelude::*;

use super::{VariantTerm, Vocabulary};
use crate::db::DbConnection;
use crate::db::schema::vocabulary_terms;
use crate::error::AppError;

/// (version, group, term, lang, region, note, ambiguous)
type Row = (String, String, String, String, String, Option<String>, bool);

/// The current version, in the order of the reference file.
pub fn load(conn: &mut DbConnection) -> Result<Vocabulary, AppError> {
    let rows: Vec<Row> = vocabulary_terms::table
        .filter(vocabulary_terms::is_current.eq(true))
        .order((vocabulary_terms::version, vocabulary_terms::position))
        .select((
            vocabulary_terms::version,
            vocabulary_terms::group_id,
            vocabulary_terms::term,
            vocabulary_terms::lang,
            vocabulary_terms::region,
            vocabulary_terms::note,
            vocabulary_terms::ambiguous,
        ))
        .load(conn)?;
    let version = rows.first().map(|r| r.0.clone()).unwrap_or_default();
    let terms = rows
        .into_iter()
        .filter(|r| r.0 == version)
        .map(|(_, group, term, lang, region, note, ambiguous)| VariantTerm {
            group,
            term,
            lang,
            region,
            note,
            ambiguous,
        })
        .collect();
    Ok(Vocabulary::new(&version, terms))
}
