//! Meilisearch, for deployments that run it beside several app instances.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use meilisearch_sdk::client::{Client, SwapIndexes};
use meilisearch_sdk::search::{FederationOptions, MatchingStrategies, SearchQuery as MeiliQuery, Selectors};
use meilisearch_sdk::settings::{MinWordSizeForTypos, Settings, TypoToleranceSettings};
use meilisearch_sdk::task_info::TaskInfo;
use tantivy::tokenizer::TokenStream;

use super::{
    Facet, FacetCount, Highlights, Hit, ListingDoc, Rebuild, SearchEngine, SearchError, SearchQuery, SearchResults,
    Sort, Strategy,
};
use crate::templates::escape_html;
use crate::text::fold;
use crate::vocabulary::{self, Vocabulary};
use std::sync::Arc;

const HIGHLIGHT_START: &str = "\u{E000}";
const HIGHLIGHT_END: &str = "\u{E001}";
const TASK_TIMEOUT: Duration = Duration::from_secs(120);
/// Relevance pages within the first this many hits are re-ranked so that exact spellings
/// come first; deeper pages keep Meilisearch's order.
const EXACT_RERANK_WINDOW: usize = 100;

/// Meilisearch looks up synonyms for runs of at most this many words of a query.
const SYNONYM_MAX_WORDS: usize = 3;

/// The one made-up word that stands for a longer vocabulary term ("xử lý nước thải",
/// "máy bay không người lái") in the index's synonyms and in queries, since Meilisearch
/// would not look the term up whole. Letters only, so that its tokenizer keeps it one word;
/// derived from the term, so that every instance and version agrees.
fn stand_in(term: &str) -> String {
    // FNV-1a
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in term.as_bytes() {
        hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut word = String::from("tbvocab");
    for _ in 0..13 {
        word.push(char::from(b'a' + (hash % 26) as u8));
        hash /= 26;
    }
    word
}

fn engine_error(error: impl std::fmt::Display) -> SearchError {
    SearchError::Engine(format!("meilisearch: {error}"))
}

pub struct MeiliEngine {
    client: Client,
    index: String,
    vocabulary: Arc<Vocabulary>,
}

impl MeiliEngine {
    /// Any-word retrieval (match candidates). Meilisearch has no OR of words: its `last`
    /// strategy drops words from the end of the query, so whatever comes first decides.
    /// Instead each word is searched on its own and the hits merged by a federated search,
    /// each word weighted by its rarity (ln(1 + N / df), counted first in one multi-search),
    /// so that a document sharing a rare word outranks one sharing only "công nghệ". A
    /// vocabulary term ("khoai mì") stays one search, so that the index's synonyms apply.
    async fn any_word_search(
        &self,
        query: &SearchQuery,
        words: &[String],
        filter: &str,
    ) -> Result<SearchResults, SearchError> {
        let index = self.client.index(&self.index);
        // The number of documents the filter leaves, then each word's.
        let texts: Vec<&str> = std::iter::once("").chain(words.iter().map(String::as_str)).collect();
        let mut counts = self.client.multi_search();
        for text in &texts {
            let mut search = MeiliQuery::new(&index);
            search.with_query(text).with_limit(0);
            if !filter.is_empty() {
                search.with_filter(filter);
            }
            counts.with_search_query(search);
        }
        let counts = counts.execute::<ListingDoc>().await.map_err(engine_error)?.results;
        let hits_of = |r: &meilisearch_sdk::search::SearchResults<ListingDoc>| {
            r.estimated_total_hits.or(r.total_hits).unwrap_or(r.hits.len())
        };
        let all = counts.first().map_or(0, hits_of).max(1) as f32;
        let weighted: Vec<(&String, f32)> = words
            .iter()
            .zip(counts.iter().skip(1))
            .filter_map(|(word, result)| {
                let df = hits_of(result);
                (df > 0).then(|| (word, (1.0 + all / df as f32).ln()))
            })
            .collect();
        if weighted.is_empty() {
            return Ok(SearchResults::default());
        }
        let mut federated = self.client.multi_search();
        for (word, weight) in &weighted {
            let mut search = MeiliQuery::new(&index);
            search.with_query(word).with_show_ranking_score(true);
            if !filter.is_empty() {
                search.with_filter(filter);
            }
            if query.highlight {
                highlight_in(&mut search);
            }
            federated.with_search_query_and_weight(search, *weight);
        }
        let results = federated
            .with_federation(FederationOptions {
                offset: Some(query.offset),
                limit: Some(query.limit.max(1)),
                ..Default::default()
            })
            .execute::<ListingDoc>()
            .await
            .map_err(engine_error)?;
        let hits = results.hits.iter().map(|hit| hit_of(hit, query.highlight)).collect();
        Ok(SearchResults::counted(results.estimated_total_hits as u64, hits, BTreeMap::new()))
    }

    pub async fn connect(
        url: &str,
        key: &str,
        index: &str,
        vocabulary: Arc<Vocabulary>,
    ) -> Result<MeiliEngine, SearchError> {
        let key = (!key.is_empty()).then_some(key);
        let client = Client::new(url, key).map_err(engine_error)?;
        let engine = MeiliEngine { client, index: index.to_owned(), vocabulary };
        engine.configure(index).await?;
        Ok(engine)
    }

    /// The query with each vocabulary term longer than Meilisearch's synonym window
    /// replaced by its stand-in, whose synonyms are the term itself and its variants.
    fn with_stand_ins(&self, text: &str) -> String {
        let tokens = vocabulary::tokens(text);
        let spans = self.vocabulary.spans(&tokens, !vocabulary::has_marks(text));
        let long = |span: &vocabulary::Span| {
            span.len > SYNONYM_MAX_WORDS && !self.vocabulary.alternatives(span.term).is_empty()
        };
        if !spans.iter().any(long) {
            return text.to_owned();
        }
        let mut words = Vec::with_capacity(tokens.len());
        let mut at = 0;
        for span in spans.iter().filter(|span| long(span)) {
            if span.start < at {
                continue;
            }
            words.extend(tokens[at..span.start].iter().map(|t| t.lower.clone()));
            words.push(stand_in(&self.vocabulary.term(span.term).term));
            at = span.start + span.len;
        }
        words.extend(tokens[at..].iter().map(|t| t.lower.clone()));
        words.join(" ")
    }

    async fn wait(&self, task: TaskInfo) -> Result<(), SearchError> {
        let task = task
            .wait_for_completion(&self.client, Some(Duration::from_millis(20)), Some(TASK_TIMEOUT))
            .await
            .map_err(engine_error)?;
        if task.is_failure() {
            return Err(engine_error(format!("{:?}", task.unwrap_failure())));
        }
        Ok(())
    }

    /// Searchable, filterable and sortable attributes, one typo from 4 letters on as in
    /// the embedded engine, and the vocabulary's variants as one-way synonyms (an
    /// ambiguous word such as "thơm" finds dứa, a search for dứa never finds "gạo thơm").
    /// A term of more than three words goes by its stand-in as well.
    async fn configure(&self, uid: &str) -> Result<(), SearchError> {
        let mut synonyms = std::collections::HashMap::new();
        for (term, variants) in self.vocabulary.one_way_synonyms() {
            if vocabulary::tokens(&term).len() > SYNONYM_MAX_WORDS {
                let mut found_by = vec![term.clone()];
                found_by.extend(variants.iter().cloned());
                synonyms.insert(stand_in(&term), found_by);
            }
            synonyms.insert(term, variants);
        }
        let settings = Settings::new()
            .with_synonyms(synonyms)
            .with_searchable_attributes(["title_vi", "summary", "keywords", "title_en", "description"])
            .with_filterable_attributes([
                "kind",
                "org_id",
                "province",
                "st_fields",
                "tags",
                "modes",
                "trl",
                "price_vnd",
                "budget_min_vnd",
                "budget_max_vnd",
                "published_at",
            ])
            .with_sortable_attributes(["published_at"])
            .with_typo_tolerance(TypoToleranceSettings {
                enabled: Some(true),
                min_word_size_for_typos: Some(MinWordSizeForTypos { one_typo: Some(4), two_typos: Some(12) }),
                ..Default::default()
            });
        let task = self.client.index(uid).set_settings(&settings).await.map_err(engine_error)?;
        self.wait(task).await
    }
}

fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

fn filter_expression(query: &SearchQuery) -> String {
    let filters = &query.filters;
    let mut parts = Vec::new();
    for (attribute, value) in [
        ("kind", &filters.kind),
        ("province", &filters.province),
        ("st_fields", &filters.st_field),
        ("tags", &filters.tag),
        ("modes", &filters.mode),
    ] {
        if let Some(value) = value {
            parts.push(format!("{attribute} = {}", quoted(value)));
        }
    }
    if let Some(min) = filters.trl_min {
        parts.push(format!("trl >= {min}"));
    }
    if let Some(max) = filters.trl_max {
        parts.push(format!("trl <= {max}"));
    }
    if filters.price_min.is_some() || filters.price_max.is_some() {
        let mut offer = vec!["kind = \"offer\"".to_owned()];
        let mut need = vec!["kind = \"need\"".to_owned()];
        if let Some(min) = filters.price_min {
            offer.push(format!("price_vnd >= {min}"));
            need.push(format!("budget_max_vnd >= {min}"));
        }
        if let Some(max) = filters.price_max {
            offer.push(format!("price_vnd <= {max}"));
            need.push(format!("budget_min_vnd <= {max}"));
        }
        parts.push(format!("(({}) OR ({}))", offer.join(" AND "), need.join(" AND ")));
    }
    if let Some(after) = filters.published_after {
        parts.push(format!("published_at > {after}"));
    }
    if let Some(org) = &filters.exclude_org {
        parts.push(format!("org_id != {}", quoted(org)));
    }
    parts.join(" AND ")
}

fn facet_attribute(facet: Facet) -> &'static str {
    match facet {
        Facet::Kind => "kind",
        Facet::Province => "province",
        Facet::StField => "st_fields",
        Facet::Tag => "tags",
        Facet::Mode => "modes",
        Facet::Trl => "trl",
    }
}

/// How many of the query's words, spelled exactly as typed (diacritics included), the
/// document's title, summary and keywords contain. Meilisearch folds diacritics away
/// before ranking, so "lúa" (rice) and "lụa" (silk) tie there.
fn exact_words_in(query_words: &[String], doc: &ListingDoc) -> usize {
    let mut analyzer = super::tantivy::schema::exact_analyzer();
    let mut present = std::collections::HashSet::new();
    for text in [&doc.title_vi, &doc.summary].into_iter().chain(doc.keywords.iter()) {
        let text = crate::text::nfc(text);
        let mut stream = analyzer.token_stream(&text);
        while stream.advance() {
            present.insert(stream.token().text.clone());
        }
    }
    query_words.iter().filter(|w| present.contains(*w)).count()
}

/// The fields whose matches are highlighted.
const HIGHLIGHTED: [&str; 2] = ["title_vi", "summary"];

fn highlight_in(search: &mut MeiliQuery<'_, meilisearch_sdk::reqwest::ReqwestClient>) {
    search
        .with_attributes_to_highlight(Selectors::Some(&HIGHLIGHTED))
        .with_highlight_pre_tag(HIGHLIGHT_START)
        .with_highlight_post_tag(HIGHLIGHT_END);
}

fn hit_of(hit: &meilisearch_sdk::search::SearchResult<ListingDoc>, highlight: bool) -> Hit {
    Hit {
        id: hit.result.id.clone(),
        card: hit.result.card.clone(),
        profile: hit.result.profile.clone(),
        score: hit.ranking_score.unwrap_or(0.0) as f32,
        highlights: highlight.then(|| Highlights {
            title: highlighted(hit.formatted_result.as_ref(), "title_vi"),
            summary: highlighted(hit.formatted_result.as_ref(), "summary"),
        }),
    }
}

/// Meilisearch does not escape the text around its highlight tags: escape it here, then
/// put the tags in.
fn highlighted(formatted: Option<&serde_json::Map<String, serde_json::Value>>, field: &str) -> Option<String> {
    let text = formatted?.get(field)?.as_str()?;
    text.contains(HIGHLIGHT_START)
        .then(|| escape_html(text).replace(HIGHLIGHT_START, "<b>").replace(HIGHLIGHT_END, "</b>"))
}

#[async_trait]
impl SearchEngine for MeiliEngine {
    fn is_shared(&self) -> bool {
        true
    }

    fn name(&self) -> &'static str {
        "meilisearch"
    }

    async fn upsert(&self, docs: Vec<ListingDoc>) -> Result<(), SearchError> {
        if docs.is_empty() {
            return Ok(());
        }
        let task = self.client.index(&self.index).add_or_replace(&docs, Some("id")).await.map_err(engine_error)?;
        self.wait(task).await
    }

    async fn remove(&self, ids: Vec<String>) -> Result<(), SearchError> {
        if ids.is_empty() {
            return Ok(());
        }
        let task = self.client.index(&self.index).delete_documents(&ids).await.map_err(engine_error)?;
        self.wait(task).await
    }

    async fn search(&self, query: SearchQuery) -> Result<SearchResults, SearchError> {
        let index = self.client.index(&self.index);
        let typed: String = query.text.clone().unwrap_or_default().chars().take(500).collect();
        let text = self.with_stand_ins(&typed);
        let filter = filter_expression(&query);
        let facets: Vec<&str> = query.facets.iter().map(|f| facet_attribute(*f)).collect();
        let sort = ["published_at:desc"];
        let strategies: &[MatchingStrategies] = match query.strategy {
            Strategy::AllWords => &[MatchingStrategies::ALL, MatchingStrategies::LAST],
            Strategy::AnyWords => &[MatchingStrategies::LAST],
        };
        if query.strategy == Strategy::AnyWords && query.facets.is_empty() {
            let words: Vec<String> = super::tantivy::query::clauses(&typed, &self.vocabulary)
                .iter()
                .map(|c| self.with_stand_ins(&c.text()))
                .collect();
            if words.len() > 1 {
                return self.any_word_search(&query, &words, &filter).await;
            }
        }
        let query_words: Vec<String> =
            super::tantivy::query::words(&typed).into_iter().map(|w| w.exact).filter(|w| w != &fold(w)).collect();
        let rerank = query.sort == Sort::Relevance
            && query.strategy == Strategy::AllWords
            && !query_words.is_empty()
            && query.offset + query.limit.max(1) <= EXACT_RERANK_WINDOW;
        let (offset, limit) = if rerank { (0, EXACT_RERANK_WINDOW) } else { (query.offset, query.limit.max(1)) };
        let mut last = None;
        for strategy in strategies {
            let mut search = index.search();
            search
                .with_query(&text)
                .with_offset(offset)
                .with_limit(limit)
                .with_matching_strategy(strategy.clone())
                .with_show_ranking_score(true);
            if !filter.is_empty() {
                search.with_filter(&filter);
            }
            if !facets.is_empty() {
                search.with_facets(Selectors::Some(&facets));
            }
            if query.sort == Sort::Newest {
                search.with_sort(&sort);
            }
            if query.highlight {
                highlight_in(&mut search);
            }
            let results = search.execute::<ListingDoc>().await.map_err(engine_error)?;
            let total = results.estimated_total_hits.or(results.total_hits).unwrap_or(results.hits.len());
            let found = total > 0;
            last = Some((results, total));
            if found {
                break;
            }
        }
        let Some((results, total)) = last else {
            return Ok(SearchResults::default());
        };
        let mut ranked: Vec<_> = results.hits.iter().collect();
        if rerank {
            // A stable sort keeps Meilisearch's order among equals.
            ranked.sort_by_key(|hit| std::cmp::Reverse(exact_words_in(&query_words, &hit.result)));
            ranked = ranked.into_iter().skip(query.offset).take(query.limit.max(1)).collect();
        }
        let hits = ranked.into_iter().map(|hit| hit_of(hit, query.highlight)).collect();
        let mut facet_counts = BTreeMap::new();
        if let Some(distribution) = &results.facet_distribution {
            for facet in &query.facets {
                let mut counts: Vec<FacetCount> = distribution
                    .get(facet_attribute(*facet))
                    .map(|values| {
                        values
                            .iter()
                            .map(|(value, count)| FacetCount { value: value.clone(), count: *count as u64 })
                            .collect()
                    })
                    .unwrap_or_default();
                counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                facet_counts.insert(facet.name().to_owned(), counts);
            }
        }
        Ok(SearchResults::counted(total as u64, hits, facet_counts))
    }

    async fn count(&self) -> Result<u64, SearchError> {
        let stats = self.client.index(&self.index).get_stats().await.map_err(engine_error)?;
        Ok(stats.number_of_documents as u64)
    }

    async fn start_rebuild(&self) -> Result<Box<dyn Rebuild>, SearchError> {
        let staging = format!("{}_rebuild_{}", self.index, uuid::Uuid::now_v7().simple());
        self.configure(&staging).await?;
        Ok(Box::new(MeiliRebuild {
            engine: MeiliEngine {
                client: self.client.clone(),
                index: self.index.clone(),
                vocabulary: self.vocabulary.clone(),
            },
            staging,
        }))
    }
}

/// Fills a staging index, then swaps it with the live one and drops the old documents.
struct MeiliRebuild {
    engine: MeiliEngine,
    staging: String,
}

#[async_trait]
impl Rebuild for MeiliRebuild {
    async fn add(&mut self, docs: Vec<ListingDoc>) -> Result<(), SearchError> {
        if docs.is_empty() {
            return Ok(());
        }
        let task =
            self.engine.client.index(&self.staging).add_or_replace(&docs, Some("id")).await.map_err(engine_error)?;
        self.engine.wait(task).await
    }

    async fn finish(self: Box<Self>) -> Result<(), SearchError> {
        let swap = SwapIndexes { indexes: (self.engine.index.clone(), self.staging.clone()), rename: None };
        let task = self.engine.client.swap_indexes([&swap]).await.map_err(engine_error)?;
        self.engine.wait(task).await?;
        let task = self.engine.client.index(&self.staging).delete().await.map_err(engine_error)?;
        self.engine.wait(task).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Filters;

    #[test]
    fn filters_are_quoted() {
        let query = SearchQuery {
            filters: Filters {
                kind: Some("need".into()),
                st_field: Some("4\" OR kind = \"x".into()),
                trl_min: Some(3),
                price_max: Some(100),
                exclude_org: Some("o1".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        assert_eq!(
            filter_expression(&query),
            "kind = \"need\" AND st_fields = \"4\\\" OR kind = \\\"x\" AND trl >= 3 AND \
((kind = \"offer\" AND price_vnd <= 100) OR (kind = \"need\" AND budget_min_vnd <= 100)) AND org_id != \"o1\""
        );
    }

    fn engine() -> MeiliEngine {
        let vocabulary =
            Vocabulary::from_csv("2026.1", include_str!("../../migrations/reference-data/vocabulary_variants.csv"))
                .unwrap();
        MeiliEngine {
            client: Client::new("http://127.0.0.1:1", None::<String>).unwrap(),
            index: "listings".into(),
            vocabulary: Arc::new(vocabulary),
        }
    }

    #[test]
    fn terms_longer_than_the_synonym_window_go_by_their_stand_in() {
        let engine = engine();
        let drone = stand_in("máy bay không người lái");
        assert_eq!(engine.with_stand_ins("Máy bay không người lái phun thuốc"), format!("{drone} phun thuốc"));
        // Typed without diacritics, the term is still found and stood in for.
        assert_eq!(engine.with_stand_ins("may bay khong nguoi lai"), drone);
        assert_eq!(
            engine.with_stand_ins("xử lý nước thải trại heo"),
            format!("{} trại heo", stand_in("xử lý nước thải"))
        );
        // Up to three words Meilisearch applies the synonyms itself: the query is left as typed.
        assert_eq!(engine.with_stand_ins("tinh bột khoai mì"), "tinh bột khoai mì");
        assert_ne!(stand_in("xử lý nước thải"), drone);
        assert!(drone.chars().all(|c| c.is_ascii_lowercase()));
    }

    #[test]
    fn highlights_are_escaped() {
        let mut formatted = serde_json::Map::new();
        formatted.insert("title_vi".into(), serde_json::json!("<i>xử lý</i> \u{E000}nước\u{E001} thải"));
        assert_eq!(highlighted(Some(&formatted), "title_vi").unwrap(), "&lt;i&gt;xử lý&lt;/i&gt; <b>nước</b> thải");
        assert_eq!(highlighted(Some(&formatted), "summary"), None);
    }
}
