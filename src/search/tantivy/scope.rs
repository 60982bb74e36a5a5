//! Which documents a search may find: those its filters allow, less the listings of an
//! organization it leaves out, less deleted documents. The filters' documents are kept as
//! one set per segment for the searcher's generation: matching asks again and again with
//! the same few filters (the other kind), and building a set reads every posting of it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::query::{EnableScoring, Query};
use tantivy::{BitSet, DocId, DocSet, Searcher, SegmentReader, TERMINATED};

use super::query;
use super::schema::Fields;
use super::{SearchError, engine_error};
use crate::search::Filters;

/// Filter sets kept per generation; a new generation starts empty.
const KEPT_FILTER_SETS: usize = 32;

pub struct Scope {
    /// Per segment; `None` when no filter restricts.
    allowed: Option<Arc<Vec<BitSet>>>,
    /// Per segment, sorted.
    excluded: Vec<Vec<DocId>>,
}

impl Scope {
    pub fn admits(&self, segment: usize, reader: &SegmentReader, doc: DocId) -> bool {
        reader.alive_bitset().is_none_or(|alive| alive.is_alive(doc))
            && self.allowed.as_ref().is_none_or(|sets| sets.get(segment).is_some_and(|set| set.contains(doc)))
            && self.excluded.get(segment).is_none_or(|docs| docs.binary_search(&doc).is_err())
    }

    /// Whether nothing but deletions restricts.
    pub fn is_everything(&self) -> bool {
        self.allowed.is_none() && self.excluded.iter().all(Vec::is_empty)
    }
}

/// The filter sets of one searcher generation.
#[derive(Default)]
pub struct FilterSets {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    generation: u64,
    sets: HashMap<Filters, Arc<Vec<BitSet>>>,
}

impl FilterSets {
    pub fn scope(&self, searcher: &Searcher, fields: &Fields, filters: &Filters) -> Result<Scope, SearchError> {
        let excluded = match query::excluded_query(fields, filters) {
            Some(query) => docs_per_segment(searcher, &*query)?,
            None => Vec::new(),
        };
        let key = Filters { exclude_org: None, ..filters.clone() };
        let Some(filter) = query::filter_query(fields, &key) else {
            return Ok(Scope { allowed: None, excluded });
        };
        let generation = searcher.generation().generation_id();
        if let Some(sets) = self.kept(generation, &key) {
            return Ok(Scope { allowed: Some(sets), excluded });
        }
        let sets: Arc<Vec<BitSet>> = Arc::new(
            docs_per_segment(searcher, &*filter)?
                .into_iter()
                .zip(searcher.segment_readers())
                .map(|(docs, reader)| {
                    let mut set = BitSet::with_max_value(reader.max_doc());
                    for doc in docs {
                        set.insert(doc);
                    }
                    set
                })
                .collect(),
        );
        if let Ok(mut kept) = self.kept.lock() {
            if kept.generation != generation {
                *kept = Kept { generation, sets: HashMap::new() };
            }
            if kept.sets.len() < KEPT_FILTER_SETS {
                kept.sets.insert(key, sets.clone());
            }
        }
        Ok(Scope { allowed: Some(sets), excluded })
    }

    fn kept(&self, generation: u64, key: &Filters) -> Option<Arc<Vec<BitSet>>> {
        let kept = self.kept.lock().ok()?;
        (kept.generation == generation).then(|| kept.sets.get(key).cloned()).flatten()
    }
}

/// Every document a query matches, per segment, in order.
fn docs_per_segment(searcher: &Searcher, query: &dyn Query) -> Result<Vec<Vec<DocId>>, SearchError> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher)).map_err(engine_error)?;
    let mut out = Vec::with_capacity(searcher.segment_readers().len());
    for reader in searcher.segment_readers() {
        let mut scorer = weight.scorer(reader, 1.0).map_err(engine_error)?;
        let mut docs = Vec::new();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            docs.push(doc);
            doc = scorer.advance();
        }
        out.push(docs);
    }
    Ok(out)
}
