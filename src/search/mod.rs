//! Full-text search over published listings. One trait, two engines: an embedded tantivy
//! index on disk (the default) and Meilisearch. The database stays the source of truth;
//! the index is a projection kept up to date by jobs and rebuilt by `techbridge reindex`.

pub mod cache;
pub mod changes;
pub mod indexing;
pub mod meili;
pub mod tantivy;

use secrecy::ExposeSecret;
use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::config::{SearchEngineKind, SearchSettings};

/// The version of [`ListingDoc`]'s meaning. A shared index remembers its change-log
/// position under its engine's name and this version, so a new version rebuilds it.
pub const DOCUMENT_VERSION: u32 = 3;

/// Totals are counted exactly up to this many matches; beyond it a search says "at least",
/// and facets are counted over the first this many matches. Counting every match of a
/// broad query would make its cost grow with the market.
pub const EXACT_COUNT_UP_TO: u64 = 10_000;

/// What the index knows of one published listing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ListingDoc {
    pub id: String,
    pub kind: String,
    pub org_id: String,
    /// Location province code.
    pub province: String,
    pub title_vi: String,
    pub title_en: String,
    pub summary: String,
    pub keywords: Vec<String>,
    pub description: String,
    /// Field codes with every ancestor code, so that filtering by a parent matches children.
    pub st_fields: Vec<String>,
    pub tags: Vec<String>,
    pub modes: Vec<String>,
    pub trl: Option<u64>,
    pub price_vnd: Option<i64>,
    pub budget_min_vnd: Option<i64>,
    pub budget_max_vnd: Option<i64>,
    /// Microseconds since the epoch: fine enough that a listing published in the same
    /// second as a saved search was made is told apart from one published before it.
    pub published_at: i64,
    /// What a result shows of the listing, as its feature serialized it (JSON); the
    /// engine stores it and hands it back with the hit.
    #[serde(default)]
    pub card: String,
    /// What matching reads of the listing (its topic profile), worked out once when it is
    /// indexed, as matching serialized it; the engine stores it and hands it back.
    #[serde(default)]
    pub profile: String,
}

#[cfg(test)]
impl ListingDoc {
    /// An offer of one organization with these texts and nothing else, for the index's tests.
    pub fn with_text(id: &str, title: &str, summary: &str, description: &str) -> ListingDoc {
        ListingDoc {
            id: id.into(),
            kind: "offer".into(),
            org_id: "o1".into(),
            province: "01".into(),
            title_vi: title.into(),
            title_en: String::new(),
            summary: summary.into(),
            keywords: Vec::new(),
            description: description.into(),
            st_fields: Vec::new(),
            tags: Vec::new(),
            modes: Vec::new(),
            trl: None,
            price_vnd: None,
            budget_min_vnd: None,
            budget_max_vnd: None,
            published_at: 0,
            card: String::new(),
            profile: String::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filters {
    pub kind: Option<String>,
    pub province: Option<String>,
    pub st_field: Option<String>,
    pub tag: Option<String>,
    pub mode: Option<String>,
    pub trl_min: Option<u64>,
    pub trl_max: Option<u64>,
    /// Offers priced in the range, needs whose budget overlaps it.
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
    pub exclude_org: Option<String>,
    /// Only listings published after this time (microseconds since the epoch).
    pub published_after: Option<i64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
}

/// How the words of a query combine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Marketplace search: every word must match (with or without diacritics); when
    /// nothing does, words of 4+ letters may have one typo; then any word may match.
    #[default]
    AllWords,
    /// Candidate retrieval for matching: any word may match, best first.
    AnyWords,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Facet {
    Kind,
    Province,
    StField,
    Tag,
    Mode,
    Trl,
}

impl Facet {
    pub const ALL: [Facet; 6] = [Facet::Kind, Facet::Province, Facet::StField, Facet::Tag, Facet::Mode, Facet::Trl];

    pub fn name(self) -> &'static str {
        match self {
            Facet::Kind => "kind",
            Facet::Province => "province",
            Facet::StField => "st_field",
            Facet::Tag => "tag",
            Facet::Mode => "transfer_mode",
            Facet::Trl => "trl",
        }
    }

    pub fn parse(name: &str) -> Option<Facet> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SearchQuery {
    pub text: Option<String>,
    pub filters: Filters,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    pub facets: Vec<Facet>,
    pub highlight: bool,
    pub strategy: Strategy,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Highlights {
    /// HTML: the text escaped, matched words in `<b>`.
    pub title: Option<String>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub id: String,
    pub score: f32,
    pub highlights: Option<Highlights>,
    /// [`ListingDoc::card`] as indexed; empty from an index that did not store it.
    pub card: String,
    /// [`ListingDoc::profile`] as indexed, for candidate retrieval; empty otherwise.
    pub profile: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    /// Every match when `total_exact`; otherwise at least this many.
    pub total: u64,
    pub total_exact: bool,
    pub hits: Vec<Hit>,
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    /// Whether the facets count every match, or only the first [`EXACT_COUNT_UP_TO`].
    pub facets_exact: bool,
}

impl SearchResults {
    /// Results from an engine that counts (estimates) every match and its facets: a total
    /// at the bound or past it is reported as "at least".
    pub fn counted(total: u64, hits: Vec<Hit>, facets: BTreeMap<String, Vec<FacetCount>>) -> SearchResults {
        SearchResults {
            total: total.min(EXACT_COUNT_UP_TO),
            total_exact: total < EXACT_COUNT_UP_TO,
            hits,
            facets,
            facets_exact: true,
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum SearchError {
    #[error("the search index is held by another process (is a server running?)")]
    Locked,
    #[error("search engine: {0}")]
    Engine(String),
    /// The index on disk was written by an earlier version with other fields.
    #[error("the search index was written by an earlier version")]
    Outdated,
}

impl From<SearchError> for crate::error::AppError {
    fn from(error: SearchError) -> Self {
        crate::error::AppError::Unavailable(error.to_string())
    }
}

/// A full rebuild in progress: documents go into a fresh index that replaces the live one
/// only when `finish` is called, so searches keep working meanwhile.
#[async_trait]
pub trait Rebuild: Send {
    async fn add(&mut self, docs: Vec<ListingDoc>) -> Result<(), SearchError>;
    /// The change-log position the rebuilt index starts from, kept with it where the
    /// engine keeps positions.
    fn start_from(&mut self, _position: i64) {}
    async fn finish(self: Box<Self>) -> Result<(), SearchError>;
}

#[async_trait]
pub trait SearchEngine: Send + Sync {
    fn name(&self) -> &'static str;
    /// Whether every instance uses this one index (Meilisearch), or each has its own
    /// (tantivy), following the change log by itself.
    fn is_shared(&self) -> bool;
    /// The change-log position an instance's own index has applied, stored with the
    /// index so that the two cannot disagree; `None` for a new or wiped index, and for a
    /// shared index (whose position the database keeps).
    async fn position(&self) -> Result<Option<i64>, SearchError> {
        Ok(None)
    }
    /// Applies changes, with the position they bring the index to, in one step where the
    /// engine keeps positions.
    async fn apply(&self, docs: Vec<ListingDoc>, removed: Vec<String>, position: i64) -> Result<(), SearchError> {
        let _ = position;
        self.remove(removed).await?;
        self.upsert(docs).await
    }
    /// A number that moves on whenever what searches find may have changed, for caches
    /// of results; an engine that cannot tell answers 0 (and such caches rely on their
    /// short lifetime alone).
    fn generation(&self) -> u64 {
        0
    }
    async fn upsert(&self, docs: Vec<ListingDoc>) -> Result<(), SearchError>;
    async fn remove(&self, ids: Vec<String>) -> Result<(), SearchError>;
    async fn search(&self, query: SearchQuery) -> Result<SearchResults, SearchError>;
    async fn count(&self) -> Result<u64, SearchError>;
    async fn start_rebuild(&self) -> Result<Box<dyn Rebuild>, SearchError>;
}

/// Opens the configured engine; queries are expanded with the vocabulary's variants.
pub async fn open(
    settings: &SearchSettings,
    data_dir: &std::path::Path,
    vocabulary: Arc<crate::vocabulary::Vocabulary>,
) -> Result<Arc<dyn SearchEngine>, SearchError> {
    match settings.engine {
        SearchEngineKind::Tantivy => {
            let root = if settings.index_dir.trim().is_empty() {
                data_dir.join("search")
            } else {
                std::path::PathBuf::from(&settings.index_dir)
            };
            let engine = tantivy::TantivyEngine::open(root, settings.writer_memory_mb, vocabulary).await?;
            Ok(Arc::new(engine))
        }
        SearchEngineKind::Meilisearch => {
            let engine = meili::MeiliEngine::connect(
                &settings.meili_url,
                settings.meili_key.expose_secret(),
                &settings.meili_index,
                vocabulary,
            )
            .await?;
            Ok(Arc::new(engine))
        }
    }
}

/// Every prefix of a field code that is itself a code: "40501" → ["4", "405", "40501"].
pub fn with_ancestors(code: &str) -> Vec<String> {
    // Codes extend their parent's digits: 1 digit, then 3, 5, 7.
    [1, 3, 5, 7].iter().filter(|&&n| n < code.len()).map(|&n| code[..n].to_owned()).chain([code.to_owned()]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_of_field_codes() {
        assert_eq!(with_ancestors("4"), vec!["4"]);
        assert_eq!(with_ancestors("405"), vec!["4", "405"]);
        assert_eq!(with_ancestors("4050101"), vec!["4", "405", "40501", "4050101"]);
    }
}
