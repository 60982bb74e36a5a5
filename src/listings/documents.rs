//! What the index holds of a listing, built from the database, and the source the search
//! index reads its documents from.

use crate::db::DbConnection;
use crate::error::AppError;
use crate::listings::store::{self, ListingRecord};
use crate::listings::views::ListingView;
use crate::search::indexing::DocumentSource;
use crate::search::{ListingDoc, with_ancestors};
use crate::vocabulary::Vocabulary;
use std::sync::Arc;

pub fn document(record: &ListingRecord, vocabulary: &Vocabulary) -> ListingDoc {
    let row = &record.row;
    let mut st_fields: Vec<String> = record.st_fields.iter().flat_map(|c| with_ancestors(&c.code)).collect();
    st_fields.sort();
    st_fields.dedup();
    ListingDoc {
        id: row.id.clone(),
        kind: row.kind.clone(),
        org_id: row.org_id.clone(),
        province: row.location_tenant_id.clone(),
        title_vi: row.title_vi.clone(),
        title_en: row.title_en.clone().unwrap_or_default(),
        summary: row.summary.clone().unwrap_or_default(),
        keywords: record.keywords(),
        description: row.description.clone().unwrap_or_default(),
        st_fields,
        tags: record.strategic_tags.iter().map(|c| c.code.clone()).collect(),
        modes: record.transfer_modes.iter().map(|c| c.code.clone()).collect(),
        trl: row.trl.and_then(|t| u64::try_from(t).ok()),
        price_vnd: row.price_vnd,
        budget_min_vnd: row.budget_min_vnd,
        budget_max_vnd: row.budget_max_vnd,
        published_at: row.published_at.map(|t| t.and_utc().timestamp_micros()).unwrap_or_default(),
        // A results page is drawn from this, without reading the database.
        card: serde_json::to_string(&ListingView::public(record)).unwrap_or_default(),
        profile: crate::matching::engine::topic_of(record, vocabulary).to_stored(row.version, vocabulary),
    }
}

/// The marketplace's listings as the index sees them: published, of an organization that
/// shows its listings; with their topic profiles under this vocabulary.
pub struct ListingDocuments {
    vocabulary: Arc<Vocabulary>,
}

impl ListingDocuments {
    pub fn new(vocabulary: Arc<Vocabulary>) -> ListingDocuments {
        ListingDocuments { vocabulary }
    }
}

impl DocumentSource for ListingDocuments {
    fn public_documents(&self, conn: &mut DbConnection, ids: &[String]) -> Result<Vec<ListingDoc>, AppError> {
        let records = store::find_many(conn, ids)?;
        Ok(records.iter().filter(|r| r.is_public()).map(|r| document(r, &self.vocabulary)).collect())
    }

    fn public_after(&self, conn: &mut DbConnection, after: &str, limit: i64) -> Result<Vec<ListingDoc>, AppError> {
        Ok(store::public_after(conn, after, limit)?.iter().map(|r| document(r, &self.vocabulary)).collect())
    }
}
