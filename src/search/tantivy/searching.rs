//! Answering a search on the embedded index at a cost set by the page asked for rather than
//! by how much of the market matches: the best hits are found by block-max WAND over one
//! posting list per word, and only they are scored field by field; matches are counted up
//! to [`EXACT_COUNT_UP_TO`], and facets over the matches counted; what a hit shows comes
//! from the index.

use std::collections::{BTreeMap, BinaryHeap, HashMap};

use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query};
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, TantivyDocument, Term};

use super::query::{self, Typos, Word};
use super::scope::Scope;
use super::{Live, engine_error, schema};
use crate::search::{
    EXACT_COUNT_UP_TO, Facet, FacetCount, Highlights, Hit, SearchError, SearchQuery, SearchResults, Sort, Strategy,
};
use crate::vocabulary::Vocabulary;

/// Relevance pages are cut from the best this many hits (or the next multiple of it for
/// deeper pages) found by retrieval, scored field by field. Pages within one window keep
/// one order.
pub const RERANK_WINDOW: usize = 200;
/// Values shown per facet.
const FACET_VALUES: usize = 100;

pub(super) fn search(
    live: &Live,
    vocabulary: &Vocabulary,
    request: &SearchQuery,
) -> Result<SearchResults, SearchError> {
    let searcher = live.reader.searcher();
    let fields = &live.fields;
    let clauses = request.text.as_deref().map(|text| query::clauses(text, vocabulary)).unwrap_or_default();
    let scope = live.scope(&searcher, &request.filters)?;
    let want = request.offset + request.limit.max(1);
    let near = NearSpellings::new(&searcher, fields.all_folded);
    let mut tried: Vec<query::Need> = Vec::new();
    for pass in query::passes(request.strategy, &clauses) {
        let spellings = |word: &Word| {
            if may_be_a_typo(&searcher, live, pass.typos, word) { near.of(&word.folded) } else { Vec::new() }
        };
        let as_typed = clauses.iter().flat_map(|c| c.words()).all(|w| spellings(w).is_empty());
        if as_typed && tried.contains(&pass.need) {
            // No word may be a typo here: the same search already found nothing.
            continue;
        }
        if as_typed {
            tried.push(pass.need);
        }
        // Candidates for matching are judged by matching itself: the best by retrieval
        // are enough, and how many there are in all does not matter.
        let candidates = request.strategy == Strategy::AnyWords && request.facets.is_empty();
        let telling = if candidates { telling_words(&searcher, live, &clauses) } else { None };
        let retrieval = query::retrieval_query(fields, telling.as_deref().unwrap_or(&clauses), pass.need, &spellings);
        let window = if candidates { want } else { want.div_ceil(RERANK_WINDOW).max(1) * RERANK_WINDOW };
        // What cannot be pruned is ranked while it is counted: one walk over the matches.
        let mut best = (request.sort == Sort::Relevance && (retrieval.pruned.is_none() || candidates))
            .then(|| BestScores::new(window));
        let tally = if candidates && retrieval.pruned.is_some() {
            Tally::uncounted()
        } else {
            count_matches(&searcher, &*retrieval.query, &scope, &request.facets, clauses.is_empty(), best.as_mut())?
        };
        if tally.matches == 0 && tally.exact {
            continue;
        }
        let scoring = query::scoring_parts(fields, &clauses, &spellings);
        let ranked = match (request.sort, best, &retrieval.pruned) {
            (Sort::Relevance, Some(_), Some(pruned)) if candidates => {
                best_pruned(&searcher, pruned, &scope, window)?.into_ranked()
            }
            (Sort::Relevance, Some(best), _) if candidates => best.into_ranked(),
            (Sort::Relevance, Some(best), _) => rescore(&searcher, best, &scoring, want)?,
            (Sort::Relevance, None, Some(pruned)) => {
                rescore(&searcher, best_pruned(&searcher, pruned, &scope, window)?, &scoring, want)?
            }
            _ => newest(&searcher, &*retrieval.query, &scope, want)?,
        };
        let page: Vec<(Score, DocAddress)> =
            ranked.into_iter().skip(request.offset).take(request.limit.max(1)).collect();
        let snippets = if request.highlight && !clauses.is_empty() {
            let terms = BooleanQuery::new(scoring.iter().map(|p| (Occur::Should, p.query.box_clone())).collect());
            Some((
                SnippetGenerator::create(&searcher, &terms, fields.title_folded).map_err(engine_error)?,
                SnippetGenerator::create(&searcher, &terms, fields.summary_folded).map_err(engine_error)?,
            ))
        } else {
            None
        };
        let mut hits = Vec::with_capacity(page.len());
        for (score, address) in page {
            let doc: TantivyDocument = searcher.doc(address).map_err(engine_error)?;
            let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            let highlights = snippets.as_ref().map(|(title, summary)| highlight(title, summary, &doc));
            // A page shows cards; matching reads profiles.
            let (card, profile) =
                if candidates { (String::new(), text(fields.profile)) } else { (text(fields.card), String::new()) };
            hits.push(Hit { id: text(fields.id), score, highlights, card, profile });
        }
        return Ok(SearchResults {
            // Uncounted candidates: at least those found.
            total: tally.matches.max(hits.len() as u64),
            total_exact: tally.exact,
            hits,
            facets: tally.facets,
            facets_exact: tally.facets_exact,
        });
    }
    let facets = request.facets.iter().map(|f| (f.name().to_owned(), Vec::new())).collect();
    Ok(SearchResults { total: 0, total_exact: true, hits: Vec::new(), facets, facets_exact: true })
}

/// A word in more than one listing in this many tells little of what a listing is about.
const COMMON_IN: u64 = 4;

/// For match candidates (any of a listing's words): the query without the words that over a
/// quarter of the market contains ("phù hợp", "công nghệ" in a long text), which would each
/// bring in a large part of it while telling little; `None` when there are none, or only
/// such words. The words still count when matching scores the candidates.
fn telling_words(searcher: &Searcher, live: &Live, clauses: &[query::Clause]) -> Option<Vec<query::Clause>> {
    let listings = searcher.num_docs();
    let common = |clause: &query::Clause| match clause {
        query::Clause::Word(word) => {
            let found = searcher.doc_freq(&Term::from_field_text(live.fields.all_folded, &word.folded)).unwrap_or(0);
            found.saturating_mul(COMMON_IN) > listings
        }
        query::Clause::Variant { .. } => false,
    };
    let telling: Vec<query::Clause> = clauses.iter().filter(|c| !common(c)).cloned().collect();
    (!telling.is_empty() && telling.len() < clauses.len()).then_some(telling)
}

/// A word in fewer than one listing in this many is rare (it may be a typo).
const RARE_IN: u64 = 50;

/// Whether a word may be read with one typo in this pass.
fn may_be_a_typo(searcher: &Searcher, live: &Live, typos: Typos, word: &Word) -> bool {
    if typos == Typos::None || word.folded.chars().count() < query::TYPO_MIN_CHARS {
        return false;
    }
    let listings = searcher.doc_freq(&Term::from_field_text(live.fields.all_folded, &word.folded)).unwrap_or(0);
    match typos {
        Typos::None => false,
        Typos::Rare => listings.saturating_mul(RARE_IN) < searcher.num_docs(),
        Typos::Unknown => listings == 0,
    }
}

/// At most this many near spellings of a word are searched, the most frequent first.
const MAX_NEAR_SPELLINGS: usize = 10;

/// The spellings one edit (insertion, deletion, substitution or transposition) away from
/// a word that the folded text of the index holds, read from its term dictionary once per
/// search: as plain terms they are skipped through like any other word.
struct NearSpellings<'a> {
    searcher: &'a Searcher,
    field: tantivy::schema::Field,
    found: std::cell::RefCell<HashMap<String, Vec<String>>>,
}

impl<'a> NearSpellings<'a> {
    fn new(searcher: &'a Searcher, field: tantivy::schema::Field) -> NearSpellings<'a> {
        NearSpellings { searcher, field, found: Default::default() }
    }

    fn of(&self, word: &str) -> Vec<String> {
        if let Some(found) = self.found.borrow().get(word) {
            return found.clone();
        }
        let found = self.read(word);
        self.found.borrow_mut().insert(word.to_owned(), found.clone());
        found
    }

    fn read(&self, word: &str) -> Vec<String> {
        static ONE_EDIT: std::sync::OnceLock<levenshtein_automata::LevenshteinAutomatonBuilder> =
            std::sync::OnceLock::new();
        let dfa =
            ONE_EDIT.get_or_init(|| levenshtein_automata::LevenshteinAutomatonBuilder::new(1, true)).build_dfa(word);
        let mut frequency: HashMap<String, u64> = HashMap::new();
        for reader in self.searcher.segment_readers() {
            let Ok(index) = reader.inverted_index(self.field) else { continue };
            let Ok(mut stream) = index.terms().search(OneEdit(&dfa)).into_stream() else { continue };
            while stream.advance() {
                if let Ok(term) = std::str::from_utf8(stream.key()) {
                    *frequency.entry(term.to_owned()).or_default() += u64::from(stream.value().doc_freq);
                }
            }
        }
        let mut spellings: Vec<(String, u64)> = frequency.into_iter().collect();
        spellings.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        spellings.into_iter().take(MAX_NEAR_SPELLINGS).map(|(term, _)| term).collect()
    }
}

/// The automaton of the words one edit from a word, as the term dictionary walks it.
struct OneEdit<'a>(&'a levenshtein_automata::DFA);

impl tantivy_fst::Automaton for OneEdit<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), levenshtein_automata::Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// How many listings a pass finds (exactly, or "at least" past the bound) and their facets.
struct Tally {
    matches: u64,
    exact: bool,
    facets: BTreeMap<String, Vec<FacetCount>>,
    /// Whether the facets count every match, not only the first [`EXACT_COUNT_UP_TO`].
    facets_exact: bool,
}

impl Tally {
    /// Not counted: candidates for matching, whose number is never shown.
    fn uncounted() -> Tally {
        Tally { matches: 0, exact: false, facets: BTreeMap::new(), facets_exact: false }
    }
}

/// Counts what a pass finds, up to the bound, with its facets; when `best` is given, also
/// keeps the best hits by retrieval score, looking at every match.
fn count_matches(
    searcher: &Searcher,
    query: &dyn Query,
    scope: &Scope,
    facets: &[Facet],
    no_text: bool,
    mut best: Option<&mut BestScores>,
) -> Result<Tally, SearchError> {
    let scoring = if best.is_some() {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(scoring).map_err(engine_error)?;
    let mut counts = FacetCounts::new(facets);
    let mut matches: u64 = 0;
    let mut exact = true;
    'segments: for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let mut columns = FacetColumns::open(reader, facets)?;
        let mut scorer = weight.scorer(reader, 1.0).map_err(engine_error)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if scope.admits(ord, reader, doc) {
                if let Some(best) = best.as_deref_mut() {
                    best.push(scorer.score(), DocAddress::new(ord as u32, doc));
                }
                if exact {
                    if matches == EXACT_COUNT_UP_TO {
                        exact = false;
                        if best.is_none() {
                            columns.add_to(&mut counts);
                            break 'segments;
                        }
                    } else {
                        matches += 1;
                        columns.count(doc);
                    }
                }
            }
            doc = scorer.advance();
        }
        columns.add_to(&mut counts);
    }
    let facets_exact = exact;
    if !exact && no_text && scope.is_everything() {
        // The whole market, unfiltered: its size is known without counting.
        matches = searcher.num_docs();
        exact = true;
    }
    Ok(Tally { matches, exact, facets: counts.finish(), facets_exact })
}

/// The best `window` hits of what each list of terms finds, by block-max WAND (whole
/// blocks of postings that cannot beat the worst kept hit are skipped); a hit found by
/// several lists keeps its best score.
fn best_pruned(
    searcher: &Searcher,
    pruned: &query::Pruned,
    scope: &Scope,
    window: usize,
) -> Result<BestScores, SearchError> {
    let mut lists = Vec::with_capacity(pruned.term_lists.len());
    for terms in &pruned.term_lists {
        let mut best = BestScores::new(window);
        let weight = terms.weight(EnableScoring::enabled_from_searcher(searcher)).map_err(engine_error)?;
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let segment = ord as u32;
            weight
                .for_each_pruning(best.threshold(), reader, &mut |doc, score| {
                    if scope.admits(ord, reader, doc) {
                        best.push(score, DocAddress::new(segment, doc));
                    }
                    best.threshold()
                })
                .map_err(engine_error)?;
        }
        lists.push(best);
    }
    if lists.len() == 1
        && let Some(only) = lists.pop()
    {
        return Ok(only);
    }
    let mut found: HashMap<DocAddress, Score> = HashMap::new();
    for (score, address) in lists.into_iter().flat_map(BestScores::into_ranked) {
        let kept = found.entry(address).or_insert(score);
        *kept = kept.max(score);
    }
    let mut best = BestScores::new(window);
    let mut merged: Vec<(Score, DocAddress)> = found.into_iter().map(|(address, score)| (score, address)).collect();
    merged.sort_by_key(|m| m.1);
    for (score, address) in merged {
        best.push(score, address);
    }
    Ok(best)
}

/// The best `want` of the hits retrieval kept, scored again part by part (field and
/// spelling), best first.
fn rescore(
    searcher: &Searcher,
    best: BestScores,
    scoring: &[query::ScoringPart],
    want: usize,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    let mut found = best.into_addresses();
    found.sort_unstable();
    // Each part of the score seeks the hits in its own postings and adds what it finds.
    let weights = scoring
        .iter()
        .map(|part| part.query.weight(EnableScoring::enabled_from_searcher(searcher)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(engine_error)?;
    let mut scored = Vec::with_capacity(found.len());
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let segment = ord as u32;
        let docs: Vec<DocId> = found.iter().filter(|a| a.segment_ord == segment).map(|a| a.doc_id).collect();
        if docs.is_empty() {
            continue;
        }
        let mut scores = vec![0.0; docs.len()];
        // A variant's phrase is scored in three fields under one term: its postings are read once.
        let mut held: HashMap<&Term, Vec<bool>> = HashMap::new();
        for part in scoring {
            if let Some(term) = &part.held
                && !held.contains_key(term)
            {
                held.insert(term, holding(reader, term, &docs)?);
            }
        }
        for (weight, part) in weights.iter().zip(scoring) {
            let holding = part.held.as_ref().and_then(|term| held.get(term));
            let mut scorer = weight.scorer(reader, 1.0).map_err(engine_error)?;
            for (at, (doc, score)) in docs.iter().zip(scores.iter_mut()).enumerate() {
                if holding.is_some_and(|holding| !holding[at]) {
                    continue;
                }
                if scorer.doc() < *doc {
                    scorer.seek(*doc);
                }
                if scorer.doc() == *doc {
                    *score += scorer.score();
                }
            }
        }
        scored.extend(docs.into_iter().zip(scores).map(|(doc, score)| (score, DocAddress::new(segment, doc))));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.truncate(want);
    Ok(scored)
}

/// Which of `docs` (in order) hold `term`.
fn holding(reader: &SegmentReader, term: &Term, docs: &[DocId]) -> Result<Vec<bool>, SearchError> {
    let index = reader.inverted_index(term.field()).map_err(engine_error)?;
    let Some(mut postings) =
        index.read_postings(term, tantivy::schema::IndexRecordOption::Basic).map_err(engine_error)?
    else {
        return Ok(vec![false; docs.len()]);
    };
    Ok(docs
        .iter()
        .map(|doc| {
            if postings.doc() < *doc {
                postings.seek(*doc);
            }
            postings.doc() == *doc
        })
        .collect())
}

/// The `want` most recently published hits (every match is looked at: the order is by
/// date, not by anything the postings know).
fn newest(
    searcher: &Searcher,
    query: &dyn Query,
    scope: &Scope,
    want: usize,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher)).map_err(engine_error)?;
    // A min-heap of (published, later address first): the oldest kept is on top.
    let mut kept: BinaryHeap<std::cmp::Reverse<(i64, std::cmp::Reverse<DocAddress>)>> = BinaryHeap::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let published: Column<i64> = reader.fast_fields().i64(schema::PUBLISHED_AT).map_err(engine_error)?;
        let mut scorer = weight.scorer(reader, 1.0).map_err(engine_error)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if scope.admits(ord, reader, doc) {
                let key =
                    (published.first(doc).unwrap_or(i64::MIN), std::cmp::Reverse(DocAddress::new(ord as u32, doc)));
                if kept.len() < want {
                    kept.push(std::cmp::Reverse(key));
                } else if kept.peek().is_some_and(|oldest| key > oldest.0) {
                    kept.pop();
                    kept.push(std::cmp::Reverse(key));
                }
            }
            doc = scorer.advance();
        }
    }
    let mut out: Vec<(i64, DocAddress)> = kept.into_iter().map(|k| (k.0.0, k.0.1.0)).collect();
    out.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(out.into_iter().map(|(_, address)| (0.0, address)).collect())
}

/// The best scores seen so far, at most `capacity`; ties keep what came first.
struct BestScores {
    capacity: usize,
    heap: BinaryHeap<std::cmp::Reverse<Ranked>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Ranked {
    score: Score,
    address: DocAddress,
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    /// Higher scores are greater; among equal scores the earlier address is greater.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.score.total_cmp(&other.score).then_with(|| other.address.cmp(&self.address))
    }
}

impl BestScores {
    fn new(capacity: usize) -> BestScores {
        BestScores { capacity, heap: BinaryHeap::with_capacity(capacity + 1) }
    }

    fn push(&mut self, score: Score, address: DocAddress) {
        let ranked = Ranked { score, address };
        if self.heap.len() < self.capacity {
            self.heap.push(std::cmp::Reverse(ranked));
        } else if self.heap.peek().is_some_and(|worst| ranked > worst.0) {
            self.heap.pop();
            self.heap.push(std::cmp::Reverse(ranked));
        }
    }

    /// Only a score above this can still enter.
    fn threshold(&self) -> Score {
        if self.heap.len() < self.capacity { Score::MIN } else { self.heap.peek().map_or(Score::MIN, |w| w.0.score) }
    }

    fn into_addresses(self) -> Vec<DocAddress> {
        self.heap.into_iter().map(|r| r.0.address).collect()
    }

    /// Best first.
    fn into_ranked(self) -> Vec<(Score, DocAddress)> {
        self.heap.into_sorted_vec().into_iter().map(|r| (r.0.score, r.0.address)).collect()
    }
}

fn highlight(title: &SnippetGenerator, summary: &SnippetGenerator, doc: &TantivyDocument) -> Highlights {
    let mut title_snippet = title.snippet_from_doc(doc);
    title_snippet.set_snippet_prefix_postfix("<b>", "</b>");
    let mut summary_snippet = summary.snippet_from_doc(doc);
    summary_snippet.set_snippet_prefix_postfix("<b>", "</b>");
    Highlights {
        title: (!title_snippet.is_empty()).then(|| title_snippet.to_html()),
        summary: (!summary_snippet.is_empty()).then(|| summary_snippet.to_html()),
    }
}

/// Facet counts over every segment, by value.
struct FacetCounts {
    wanted: Vec<Facet>,
    counts: Vec<HashMap<String, u64>>,
}

impl FacetCounts {
    fn new(wanted: &[Facet]) -> FacetCounts {
        FacetCounts { wanted: wanted.to_vec(), counts: vec![HashMap::new(); wanted.len()] }
    }

    /// Most frequent first, then by value.
    fn finish(self) -> BTreeMap<String, Vec<FacetCount>> {
        self.wanted
            .iter()
            .zip(self.counts)
            .map(|(facet, counts)| {
                let mut values: Vec<FacetCount> =
                    counts.into_iter().map(|(value, count)| FacetCount { value, count }).collect();
                values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                values.truncate(FACET_VALUES);
                (facet.name().to_owned(), values)
            })
            .collect()
    }
}

/// One segment's columns for the facets asked for, and their counts by term ordinal.
struct FacetColumns {
    columns: Vec<FacetColumn>,
}

enum FacetColumn {
    Text { column: Option<StrColumn>, counts: Vec<u64> },
    Number { column: Column<u64>, counts: HashMap<u64, u64> },
}

impl FacetColumns {
    /// Each facet's column, named as the facet is (see `schema::build`).
    fn open(reader: &SegmentReader, facets: &[Facet]) -> Result<FacetColumns, SearchError> {
        let fast = reader.fast_fields();
        let mut columns = Vec::with_capacity(facets.len());
        for facet in facets {
            columns.push(match facet {
                Facet::Trl => FacetColumn::Number {
                    column: fast.u64(facet.name()).map_err(engine_error)?,
                    counts: HashMap::new(),
                },
                _ => {
                    let column = fast.str(facet.name()).map_err(engine_error)?;
                    let terms = column.as_ref().map_or(0, |c| c.num_terms());
                    FacetColumn::Text { column, counts: vec![0; terms] }
                }
            });
        }
        Ok(FacetColumns { columns })
    }

    fn count(&mut self, doc: DocId) {
        for column in &mut self.columns {
            match column {
                FacetColumn::Text { column: Some(column), counts } => {
                    for ord in column.term_ords(doc) {
                        if let Some(count) = counts.get_mut(ord as usize) {
                            *count += 1;
                        }
                    }
                }
                FacetColumn::Text { column: None, .. } => {}
                FacetColumn::Number { column, counts } => {
                    for value in column.values_for_doc(doc) {
                        *counts.entry(value).or_default() += 1;
                    }
                }
            }
        }
    }

    fn add_to(self, totals: &mut FacetCounts) {
        for (column, total) in self.columns.into_iter().zip(totals.counts.iter_mut()) {
            match column {
                FacetColumn::Text { column: Some(column), counts } => {
                    let mut value = String::new();
                    for (ord, count) in counts.into_iter().enumerate().filter(|(_, c)| *c > 0) {
                        value.clear();
                        if column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                            *total.entry(value.clone()).or_default() += count;
                        }
                    }
                }
                FacetColumn::Text { column: None, .. } => {}
                FacetColumn::Number { counts, .. } => {
                    for (value, count) in counts {
                        *total.entry(value.to_string()).or_default() += count;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur};

    use super::*;
    use crate::search::{Filters, ListingDoc, Strategy};

    const WORDS: &[&str] = &[
        "nước", "thải", "chăn", "nuôi", "vi", "sinh", "công", "nghệ", "máy", "sấy", "cà", "phê", "lúa", "gạo", "robot",
        "hàn", "cảm", "biến", "nhà", "kính", "bảo", "quản", "thanh", "long",
    ];

    /// A listing of pseudo-random words (a fixed sequence, so that every run is alike).
    fn doc(n: usize, seed: &mut u64) -> ListingDoc {
        let mut pick = |count: usize| -> String {
            (0..count)
                .map(|_| {
                    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    WORDS[(*seed >> 33) as usize % WORDS.len()]
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        ListingDoc {
            id: format!("l{n:05}"),
            kind: if n.is_multiple_of(3) { "need" } else { "offer" }.into(),
            org_id: format!("o{}", n % 7),
            province: if n.is_multiple_of(2) { "01" } else { "92" }.into(),
            title_vi: pick(3),
            title_en: String::new(),
            // One word every listing has.
            summary: format!("mẫu {}", pick(4)),
            keywords: vec![pick(1)],
            description: pick(6),
            st_fields: vec!["4".into()],
            tags: Vec::new(),
            modes: vec!["licence".into()],
            trl: Some((n % 9 + 1) as u64),
            price_vnd: None,
            budget_min_vnd: None,
            budget_max_vnd: None,
            published_at: n as i64,
            card: format!("{{\"id\":\"l{n:05}\"}}"),
            profile: String::new(),
        }
    }

    fn index(count: usize) -> (tempfile::TempDir, Live) {
        index_with(count, &Vocabulary::default())
    }

    fn index_with(count: usize, vocabulary: &Vocabulary) -> (tempfile::TempDir, Live) {
        let dir = tempfile::tempdir().unwrap();
        let live = Live::open(&dir.path().join("index"), 50_000_000, true, vocabulary).unwrap();
        let mut seed = 7;
        let docs: Vec<ListingDoc> = (0..count).map(|n| doc(n, &mut seed)).collect();
        // Several commits, so that there are several segments.
        for chunk in docs.chunks(count.div_ceil(3).max(1)) {
            live.apply(chunk, &[], None).unwrap();
        }
        (dir, live)
    }

    /// The ids of the best `limit` over every match of `need` with these filters, by the
    /// per-field score (`per_field`) or by the retrieval score, as tantivy's own collector
    /// ranks them: what pruning (and re-scoring) must reproduce.
    fn exhaustive(
        live: &Live,
        vocabulary: &Vocabulary,
        text: &str,
        need: query::Need,
        per_field: bool,
        filters: &Filters,
        limit: usize,
    ) -> Vec<(Score, String)> {
        let searcher = live.reader.searcher();
        let clauses = query::clauses(text, vocabulary);
        let none = |_: &Word| Vec::new();
        let retrieval = query::retrieval_query(&live.fields, &clauses, need, &none).query;
        let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if per_field {
            parts.push((Occur::Must, Box::new(tantivy::query::ConstScoreQuery::new(retrieval, 0.0))));
            let scoring = query::scoring_parts(&live.fields, &clauses, &none);
            parts.push((
                Occur::Should,
                Box::new(BooleanQuery::new(scoring.into_iter().map(|p| (Occur::Should, p.query)).collect())),
            ));
        } else {
            parts.push((Occur::Must, retrieval));
        }
        if let Some(filter) = query::filter_query(&live.fields, filters) {
            parts.push((Occur::Must, filter));
        }
        if let Some(excluded) = query::excluded_query(&live.fields, filters) {
            parts.push((Occur::MustNot, excluded));
        }
        let top = searcher.search(&BooleanQuery::new(parts), &TopDocs::with_limit(limit).order_by_score()).unwrap();
        top.into_iter()
            .map(|(score, address)| {
                let doc: TantivyDocument = searcher.doc(address).unwrap();
                (score, doc.get_first(live.fields.id).and_then(|v| v.as_str()).unwrap().to_owned())
            })
            .collect()
    }

    /// The hits above the score of the last one (below it, ties may fall either way).
    fn untied(found: &SearchResults) -> Vec<String> {
        let scores: Vec<f32> = found.hits.iter().map(|h| h.score).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
        let last = scores.last().copied().unwrap_or_default();
        found.hits.iter().filter(|h| h.score > last).map(|h| h.id.clone()).collect()
    }

    /// The hits above the last one's score are the reference's first, in its order up to
    /// ties: scores equal but for float rounding (the same parts summed in another order),
    /// which fall either way.
    fn assert_ranks_as(found: &SearchResults, reference: &[(Score, String)], label: &str) {
        let untied = untied(found);
        assert!(!untied.is_empty(), "{label}");
        let tied = |a: Score, b: Score| (a - b).abs() <= 1e-4 * a.abs().max(b.abs()).max(1.0);
        let mut at = 0;
        while at < untied.len() {
            let mut end = at + 1;
            while end < reference.len() && tied(reference[end].0, reference[at].0) {
                end += 1;
            }
            let expected: Vec<&str> = reference[at..end].iter().map(|r| r.1.as_str()).collect();
            let got = &untied[at..end.min(untied.len())];
            assert!(got.iter().all(|id| expected.contains(&id.as_str())), "{label}: {untied:?} against {reference:?}");
            at = end;
        }
    }

    #[test]
    fn variants_of_several_words_rank_as_their_phrases_scored_everywhere_would() {
        let term = |term: &str| crate::vocabulary::VariantTerm {
            group: "g".into(),
            term: term.into(),
            lang: "vi".into(),
            region: "any".into(),
            note: None,
            ambiguous: false,
        };
        // Each stands for the other: a search for one finds and scores the other's phrase.
        let vocabulary = Vocabulary::new("t", vec![term("máy sấy"), term("nhà kính")]);
        let (_dir, live) = index_with(600, &vocabulary);
        for text in ["máy sấy", "nhà kính lúa"] {
            let request = SearchQuery { text: Some(text.into()), limit: 10, ..Default::default() };
            let found = search(&live, &vocabulary, &request).unwrap();
            assert!(found.total_exact && found.total > 10, "{text}: {}", found.total);
            let reference = exhaustive(&live, &vocabulary, text, query::Need::All, true, &Filters::default(), 10);
            assert_ranks_as(&found, &reference, text);
        }
    }

    #[test]
    fn pruned_and_rescored_pages_rank_as_scoring_every_match_would() {
        let (_dir, live) = index(600);
        for (text, filters) in [
            ("robot lúa", Filters::default()),
            ("máy sấy", Filters { kind: Some("offer".into()), ..Default::default() }),
            ("bảo quản", Filters { province: Some("92".into()), ..Default::default() }),
        ] {
            let request =
                SearchQuery { text: Some(text.into()), filters: filters.clone(), limit: 10, ..Default::default() };
            let found = search(&live, &Vocabulary::default(), &request).unwrap();
            assert!(
                found.total_exact && found.total > 10 && found.total <= RERANK_WINDOW as u64,
                "{text}: {}",
                found.total
            );
            let reference = exhaustive(&live, &Vocabulary::default(), text, query::Need::All, true, &filters, 10);
            assert_ranks_as(&found, &reference, text);
            assert!(found.hits.iter().all(|h| h.card.contains(&h.id)), "cards come with the hits");
        }
    }

    #[test]
    fn most_of_the_words_found_combination_by_combination_rank_as_every_match_would() {
        let (_dir, live) = index(600);
        let searcher = live.reader.searcher();
        let text = "robot lúa cảm biến";
        let clauses = query::clauses(text, &Vocabulary::default());
        let none = |_: &Word| Vec::new();
        let retrieval = query::retrieval_query(&live.fields, &clauses, query::Need::AtLeast(3), &none);
        let pruned = retrieval.pruned.expect("four combinations of three words");
        let scope = live.scope(&searcher, &Filters::default()).unwrap();
        let tally = count_matches(&searcher, &*retrieval.query, &scope, &[], false, None).unwrap();
        assert!(tally.matches > 10 && tally.matches <= RERANK_WINDOW as u64, "{}", tally.matches);
        let best = best_pruned(&searcher, &pruned, &scope, RERANK_WINDOW).unwrap();
        let ranked = rescore(&searcher, best, &query::scoring_parts(&live.fields, &clauses, &none), 10).unwrap();
        let hits: Vec<Hit> = ranked
            .iter()
            .map(|(score, address)| {
                let doc: TantivyDocument = searcher.doc(*address).unwrap();
                let id = doc.get_first(live.fields.id).and_then(|v| v.as_str()).unwrap().to_owned();
                Hit { id, score: *score, highlights: None, card: String::new(), profile: String::new() }
            })
            .collect();
        let found = SearchResults { hits, ..Default::default() };
        let reference =
            exhaustive(&live, &Vocabulary::default(), text, query::Need::AtLeast(3), true, &Filters::default(), 10);
        assert_ranks_as(&found, &reference, text);
    }

    #[test]
    fn matching_candidates_are_the_best_by_retrieval_without_a_count() {
        let (_dir, live) = index(600);
        for filters in [
            Filters { kind: Some("offer".into()), exclude_org: Some("o3".into()), ..Default::default() },
            Filters { kind: Some("need".into()), ..Default::default() },
        ] {
            let text = "nước thải chăn nuôi vi sinh";
            let request = SearchQuery {
                text: Some(text.into()),
                filters: filters.clone(),
                limit: 20,
                strategy: Strategy::AnyWords,
                ..Default::default()
            };
            let found = search(&live, &Vocabulary::default(), &request).unwrap();
            assert_eq!(found.hits.len(), 20);
            assert!(!found.total_exact, "candidates are not counted");
            let reference = exhaustive(&live, &Vocabulary::default(), text, query::Need::Any, false, &filters, 20);
            assert_ranks_as(&found, &reference, &format!("{filters:?}"));
        }
    }

    #[test]
    fn totals_are_exact_up_to_the_bound_then_at_least() {
        let (_dir, live) = index(EXACT_COUNT_UP_TO as usize + 150);
        let vocabulary = Vocabulary::default();
        let everything = SearchQuery { limit: 5, facets: vec![Facet::Kind], sort: Sort::Newest, ..Default::default() };
        let found = search(&live, &vocabulary, &everything).unwrap();
        assert_eq!((found.total, found.total_exact), (EXACT_COUNT_UP_TO + 150, true), "the whole market is known");
        assert!(!found.facets_exact, "its facets are counted over the first matches");
        let counted: u64 = found.facets["kind"].iter().map(|f| f.count).sum();
        assert_eq!(counted, EXACT_COUNT_UP_TO);
        assert_eq!(found.hits[0].id, format!("l{:05}", EXACT_COUNT_UP_TO + 149), "newest first");

        let broad = SearchQuery { text: Some("mau".into()), limit: 5, facets: vec![Facet::Kind], ..Default::default() };
        let found = search(&live, &vocabulary, &broad).unwrap();
        assert_eq!((found.total, found.total_exact, found.facets_exact), (EXACT_COUNT_UP_TO, false, false));

        let narrow = SearchQuery {
            text: Some("robot".into()),
            filters: Filters { province: Some("01".into()), trl_min: Some(9), ..Default::default() },
            limit: 5,
            facets: vec![Facet::Trl],
            ..Default::default()
        };
        let found = search(&live, &vocabulary, &narrow).unwrap();
        assert!(found.total_exact && found.facets_exact && found.total > 0 && found.total < 1000, "{}", found.total);
        assert_eq!(found.facets["trl"], vec![FacetCount { value: "9".into(), count: found.total }]);
    }

    #[test]
    fn near_spellings_are_read_from_the_dictionary() {
        let (_dir, live) = index(200);
        let searcher = live.reader.searcher();
        let near = NearSpellings::new(&searcher, live.fields.all_folded);
        let found = near.of("robto");
        assert!(found.contains(&"robot".to_owned()), "a transposition: {found:?}");
        assert!(near.of("cambien").is_empty(), "two edits away from anything");
        let typo = SearchQuery { text: Some("robto".into()), limit: 5, ..Default::default() };
        let found = search(&live, &Vocabulary::default(), &typo).unwrap();
        assert!(found.total > 0 && found.total_exact);
    }
}
