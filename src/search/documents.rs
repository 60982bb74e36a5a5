//! What the index holds of a listing, built from the database.

use super::{ListingDoc, with_ancestors};
use crate::listings::store::ListingRecord;

pub fn document(record: &ListingRecord) -> ListingDoc {
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
    }
}
