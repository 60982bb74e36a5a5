//! A short-lived cache of result pages for searches repeated within seconds (a popular
//! query, the marketplace's first page), keyed by the search and the engine's generation:
//! a change the index has taken is never hidden by it. Its size is bounded in bytes. A page
//! asked for by many at once while it is missing (a popular query when its page expires) is
//! worked out once, the others waiting for it.

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;

use super::{SearchError, SearchQuery, SearchResults};

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

    /// The page of this search at this generation: from memory, or from `search`, run once
    /// for every caller asking for the same page meanwhile. A failed search is not kept.
    pub async fn get_or_search(
        &self,
        query: SearchQuery,
        generation: u64,
        search: impl Future<Output = Result<SearchResults, SearchError>>,
    ) -> Result<Arc<SearchResults>, SearchError> {
        self.pages
            .try_get_with((query, generation), async { search.await.map(Arc::new) })
            .await
            .map_err(|e| (*e).clone())
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

    /// A search that must not run: the page is expected from memory.
    async fn not_searched() -> Result<SearchResults, SearchError> {
        Err(SearchError::Engine("searched again".into()))
    }

    #[tokio::test]
    async fn a_page_is_kept_for_its_generation_only() {
        let cache = ResultCache::new(1_000_000, Duration::from_secs(60)).unwrap();
        let query = SearchQuery { text: Some("nước thải".into()), limit: 20, ..Default::default() };
        let first = cache.get_or_search(query.clone(), 7, async { Ok((*page("{}")).clone()) }).await.unwrap();
        assert_eq!(first.hits[0].id, "l1");
        let again = cache.get_or_search(query.clone(), 7, not_searched()).await.unwrap();
        assert!(Arc::ptr_eq(&first, &again), "answered from memory");
        assert!(cache.get_or_search(query.clone(), 8, not_searched()).await.is_err(), "the index changed since");
        let other = SearchQuery { offset: 20, ..query.clone() };
        assert!(cache.get_or_search(other, 7, not_searched()).await.is_err(), "another page is another search");
    }

    #[tokio::test]
    async fn a_page_asked_for_by_many_at_once_is_searched_once_and_a_failure_is_not_kept() {
        let cache = Arc::new(ResultCache::new(1_000_000, Duration::from_secs(60)).unwrap());
        let searched = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let query = SearchQuery { text: Some("máy sấy".into()), ..Default::default() };
        let askers: Vec<_> = (0..8)
            .map(|_| {
                let (cache, searched, query) = (cache.clone(), searched.clone(), query.clone());
                tokio::spawn(async move {
                    cache
                        .get_or_search(query, 1, async {
                            searched.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            Ok((*page("{}")).clone())
                        })
                        .await
                })
            })
            .collect();
        for asker in askers {
            assert_eq!(asker.await.unwrap().unwrap().hits[0].id, "l1");
        }
        assert_eq!(searched.load(std::sync::atomic::Ordering::SeqCst), 1);

        let failing = SearchQuery { text: Some("lỗi".into()), ..Default::default() };
        assert!(cache.get_or_search(failing.clone(), 1, not_searched()).await.is_err());
        let retried = cache.get_or_search(failing, 1, async { Ok((*page("{}")).clone()) }).await;
        assert!(retried.is_ok(), "a failure is searched again");
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
