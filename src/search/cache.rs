//! A short-lived cache of result pages for searches repeated within seconds (a popular
//! query, the marketplace's first page), keyed by the search and the engine's generation:
//! a change the index has taken is never hidden by it. Its size is bounded in bytes.

use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;

use super::{SearchQuery, SearchResults};

pub struct ResultCache {
    pages: Cache<(SearchQuery, u64), Arc<SearchResults>>,
}

impl ResultCache {
    /// `None` when `max_bytes` is 0 (no cache).
    pub fn new(max_bytes: u64, lifetime: Duration) -> Option<ResultCache> {
        (max_bytes > 0 && !lifetime.is_zero()).then(|| ResultCache {
            pages: Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|_, results: &Arc<SearchResults>| weight(results))
                .time_to_live(lifetime)
                .build(),
        })
    }

    pub fn get(&self, query: &SearchQuery, generation: u64) -> Option<Arc<SearchResults>> {
        self.pages.get(&(query.clone(), generation))
    }

    pub fn insert(&self, query: SearchQuery, generation: u64, results: Arc<SearchResults>) {
        self.pages.insert((query, generation), results);
    }
}

/// Roughly the bytes a page holds.
fn weight(results: &SearchResults) -> u32 {
    let hits: usize = results
        .hits
        .iter()
        .map(|hit| {
            let highlights = hit
                .highlights
                .as_ref()
                .map_or(0, |h| h.title.as_ref().map_or(0, String::len) + h.summary.as_ref().map_or(0, String::len));
            hit.id.len() + hit.card.len() + hit.profile.len() + highlights + 64
        })
        .sum();
    let facets: usize = results.facets.values().flatten().map(|f| f.value.len() + 32).sum();
    u32::try_from(hits + facets + 256).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Hit;

    fn page(card: &str) -> Arc<SearchResults> {
        Arc::new(SearchResults {
            total: 1,
            total_exact: true,
            hits: vec![Hit {
                id: "l1".into(),
                score: 1.0,
                highlights: None,
                card: card.into(),
                profile: String::new(),
            }],
            ..Default::default()
        })
    }

    #[test]
    fn a_page_is_kept_for_its_generation_only() {
        let cache = ResultCache::new(1_000_000, Duration::from_secs(60)).unwrap();
        let query = SearchQuery { text: Some("nước thải".into()), limit: 20, ..Default::default() };
        cache.insert(query.clone(), 7, page("{}"));
        assert_eq!(cache.get(&query, 7).unwrap().hits[0].id, "l1");
        assert!(cache.get(&query, 8).is_none(), "the index changed since");
        let other = SearchQuery { offset: 20, ..query.clone() };
        assert!(cache.get(&other, 7).is_none(), "another page is another search");
    }

    #[test]
    fn no_bytes_or_no_lifetime_means_no_cache() {
        assert!(ResultCache::new(0, Duration::from_secs(10)).is_none());
        assert!(ResultCache::new(1_000, Duration::ZERO).is_none());
    }

    #[test]
    fn pages_weigh_what_they_hold() {
        assert!(weight(&page(&"x".repeat(10_000))) > 10_000);
        assert!(weight(&page("{}")) < 1_000);
    }
}
