//! Turning what a user typed into tantivy queries. The text is never parsed as query
//! syntax: quotes, `*`, `:` and parentheses are just characters between words.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenStream;

use super::schema::{Fields, exact_analyzer, folded_analyzer, phrase_key};
use crate::search::{Filters, Strategy};
use crate::text::nfc;
use crate::vocabulary::{self, Vocabulary};

/// Only the beginning of a very long query is read, and only so many distinct words.
pub const MAX_QUERY_CHARS: usize = 500;
pub const MAX_QUERY_WORDS: usize = 16;
/// Words this long or longer may have one typo.
pub const TYPO_MIN_CHARS: usize = 4;

/// One word of the query, as spelled and folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub exact: String,
    pub folded: String,
}

pub fn words(text: &str) -> Vec<Word> {
    let text: String = nfc(text).chars().take(MAX_QUERY_CHARS).collect();
    let mut exact = Vec::new();
    let mut folded = Vec::new();
    let mut analyzer = exact_analyzer();
    let mut stream = analyzer.token_stream(&text);
    while stream.advance() {
        exact.push(stream.token().text.clone());
    }
    let mut analyzer = folded_analyzer();
    let mut stream = analyzer.token_stream(&text);
    while stream.advance() {
        folded.push(stream.token().text.clone());
    }
    let mut out: Vec<Word> = Vec::new();
    for (exact, folded) in exact.into_iter().zip(folded) {
        let word = Word { exact, folded };
        if !out.contains(&word) {
            out.push(word);
        }
        if out.len() == MAX_QUERY_WORDS {
            break;
        }
    }
    out
}

/// One part of a query: a word, or a run of words that the vocabulary knows, with the
/// words of each variant that may stand for it ("khoai mì" or "sắn", "cassava", …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    Word(Word),
    Variant { words: Vec<Word>, alternatives: Vec<Vec<String>> },
}

impl Clause {
    pub fn words(&self) -> Vec<&Word> {
        match self {
            Clause::Word(word) => vec![word],
            Clause::Variant { words, .. } => words.iter().collect(),
        }
    }

    /// The words as typed, for engines that search each part on its own.
    pub fn text(&self) -> String {
        self.words().iter().map(|w| w.exact.as_str()).collect::<Vec<_>>().join(" ")
    }
}

fn word_of(token: &vocabulary::Token) -> Option<Word> {
    let mut analyzer = folded_analyzer();
    let mut stream = analyzer.token_stream(&token.lower);
    let mut folded = String::new();
    while stream.advance() {
        folded.push_str(&stream.token().text);
    }
    (!folded.is_empty() && token.lower.len() <= super::schema::MAX_TOKEN_BYTES)
        .then(|| Word { exact: token.lower.clone(), folded })
}

/// The parts of a query: vocabulary terms (longest first, as the vocabulary's rules say)
/// and the other words, each once, at most [`MAX_QUERY_WORDS`].
pub fn clauses(text: &str, vocabulary: &Vocabulary) -> Vec<Clause> {
    let text: String = nfc(text).chars().take(MAX_QUERY_CHARS).collect();
    let tokens = vocabulary::tokens(&text);
    let spans = vocabulary.spans(&tokens, !vocabulary::has_marks(&text));
    let mut out: Vec<Clause> = Vec::new();
    let mut at = 0;
    let mut spans = spans.into_iter().peekable();
    while at < tokens.len() && out.len() < MAX_QUERY_WORDS {
        let clause = match spans.peek() {
            Some(span) if span.start == at => {
                let span = *span;
                spans.next();
                at += span.len;
                let words: Vec<Word> = tokens[span.start..span.start + span.len].iter().filter_map(word_of).collect();
                let alternatives =
                    vocabulary.alternatives(span.term).into_iter().map(Vocabulary::words_of).collect::<Vec<_>>();
                if words.is_empty() {
                    continue;
                }
                Clause::Variant { words, alternatives }
            }
            _ => {
                at += 1;
                match word_of(&tokens[at - 1]) {
                    Some(word) => Clause::Word(word),
                    None => continue,
                }
            }
        };
        if !out.contains(&clause) {
            out.push(clause);
        }
    }
    out
}

/// Per-field weights: titles over summaries over the rest; exact spelling over folded.
const EXACT_WEIGHTS: [f32; 3] = [4.0, 2.0, 1.5];
const FOLDED_WEIGHTS: [f32; 3] = [2.0, 1.0, 0.75];
const TYPO_WEIGHT: f32 = 0.5;
/// A variant from the vocabulary ranks a little below the words as typed.
const VARIANT_WEIGHT: f32 = 0.8;

/// How many parts of the query a listing must contain to be found in one pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    All,
    AtLeast(usize),
    Any,
}

/// Which words may be found with one typo in a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typos {
    None,
    /// Long words that few listings contain: a typo of a word the market uses often
    /// rarely spells another word it uses often, and reading every near spelling of
    /// common words costs much and finds noise.
    Rare,
    /// Only long words that no listing contains as typed: a word the market uses is not
    /// a typo, and reading every near spelling of common words costs much and finds noise.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub need: Need,
    pub typos: Typos,
}

/// The share of a long query's parts that a listing must contain before the search falls
/// back to any part: two of three, three of four, four of five or six.
pub fn min_share(parts: usize) -> usize {
    (2 * parts).div_ceil(3)
}

/// The passes a strategy tries in turn until one finds something. The relaxed passes count
/// words, those of a vocabulary term included: "chế phẩm sinh học" that no listing holds
/// whole still finds "chế phẩm vi sinh" by three of its four words.
pub fn passes(strategy: Strategy, clauses: &[Clause]) -> Vec<Pass> {
    let words = clauses.iter().map(|c| c.words().len()).sum::<usize>();
    let may_have_typos = clauses.iter().flat_map(Clause::words).any(|w| w.folded.chars().count() >= TYPO_MIN_CHARS);
    let pass = |need, typos| Pass { need, typos };
    match strategy {
        Strategy::AnyWords => vec![pass(Need::Any, Typos::None)],
        Strategy::AllWords if clauses.is_empty() => vec![pass(Need::All, Typos::None)],
        Strategy::AllWords => {
            let mut passes = vec![pass(Need::All, Typos::None)];
            if may_have_typos {
                passes.push(pass(Need::All, Typos::Rare));
            }
            let unknown = if may_have_typos { Typos::Unknown } else { Typos::None };
            if words >= 3 {
                passes.push(pass(Need::AtLeast(min_share(words)), unknown));
            }
            if words > 1 {
                passes.push(pass(Need::Any, unknown));
            }
            passes
        }
    }
}

/// The spellings one edit away from a word that the index holds (the word itself
/// included when it is there); empty when the word is taken as typed.
pub type Spellings<'a> = &'a dyn Fn(&Word) -> Vec<String>;

fn term_query(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    let query = Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs));
    if boost == 1.0 { query } else { Box::new(BoostQuery::new(query, boost)) }
}

/// A variant's words in one exact field: folding them would make false friends (dứa →
/// "dua" is also dưa, melon).
fn variant_in(field: Field, words: &[String], boost: f32) -> Option<Box<dyn Query>> {
    match words {
        [] => None,
        [one] => Some(term_query(field, one, boost)),
        many => Some(Box::new(BoostQuery::new(
            Box::new(PhraseQuery::new(many.iter().map(|w| Term::from_field_text(field, w)).collect())),
            boost,
        ))),
    }
}

/// A variant as retrieval finds it: one word in the exact text of the whole listing, several
/// as the one term the index makes of them (see `schema::VariantPhrases`).
fn variant_found(fields: &Fields, words: &[String], boost: f32) -> Option<Box<dyn Query>> {
    match words {
        [] => None,
        [one] => Some(term_query(fields.all_exact, one, boost)),
        many => Some(term_query(fields.variant_phrases, &phrase_key(many), boost)),
    }
}

/// The queries combined as `occur` says; a lone query stays itself, so that a query of
/// plain words is a flat list of terms whose postings the engine can skip through.
fn combine(mut parts: Vec<Box<dyn Query>>, occur: Occur) -> Box<dyn Query> {
    if parts.len() == 1
        && let Some(only) = parts.pop()
    {
        return only;
    }
    Box::new(BooleanQuery::new(parts.into_iter().map(|q| (occur, q)).collect()))
}

/// At most this many combinations of words are searched as intersections for a pass that
/// asks for most of the words; beyond, every posting of every word is read.
const MAX_SUBSETS: usize = 20;

/// At least `n` of the parts: as a union of the intersections of every `n` of them, each
/// led by its rarest word, when there are few such combinations.
fn at_least(parts: Vec<Box<dyn Query>>, n: usize) -> Box<dyn Query> {
    if n <= 1 {
        return combine(parts, Occur::Should);
    }
    if n >= parts.len() {
        return combine(parts, Occur::Must);
    }
    let subsets = subsets_of(parts.len(), n);
    if subsets.len() > MAX_SUBSETS {
        return Box::new(BooleanQuery::with_minimum_required_clauses(
            parts.into_iter().map(|q| (Occur::Should, q)).collect(),
            n,
        ));
    }
    combine(
        subsets
            .into_iter()
            .map(|subset| combine(subset.into_iter().map(|i| parts[i].box_clone()).collect(), Occur::Must))
            .collect(),
        Occur::Should,
    )
}

/// Every choice of `n` of `len` indexes, in order.
fn subsets_of(len: usize, n: usize) -> Vec<Vec<usize>> {
    fn extend(from: usize, len: usize, n: usize, chosen: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if chosen.len() == n {
            out.push(chosen.clone());
            return;
        }
        for i in from..len {
            if out.len() > MAX_SUBSETS {
                return;
            }
            chosen.push(i);
            extend(i + 1, len, n, chosen, out);
            chosen.pop();
        }
    }
    let mut out = Vec::new();
    extend(0, len, n, &mut Vec::new(), &mut out);
    out
}

/// What decides whether a listing matches in one pass.
pub struct Retrieval {
    /// Every match (what is counted).
    pub query: Box<dyn Query>,
    /// When the matches are what one or more flat lists of terms find (each all required
    /// or all optional): the lists, whose best hits the engine finds by skipping blocks of
    /// postings that cannot reach them (block-max WAND). `None`: every match is looked at.
    pub pruned: Option<Pruned>,
}

pub struct Pruned {
    pub term_lists: Vec<Box<dyn Query>>,
}

type Queries = Vec<Box<dyn Query>>;

/// What decides whether a listing matches: each word in the folded text of the whole
/// listing (one posting list), with its spellings one edit away when it may be a typo; a
/// variant as spelled in the exact text.
pub fn retrieval_query(fields: &Fields, clauses: &[Clause], need: Need, spellings: Spellings<'_>) -> Retrieval {
    let query = retrieval(fields, clauses, need, spellings);
    let as_typed = clauses.iter().flat_map(Clause::words).all(|w| spellings(w).is_empty());
    let pruned = match need {
        _ if clauses.is_empty() => None,
        Need::All if as_typed && clauses.iter().all(|c| matches!(c, Clause::Word(_))) => {
            Some(Pruned { term_lists: vec![query.box_clone()] })
        }
        Need::All if as_typed => every_word_as_spelled(fields, clauses),
        Need::All => None,
        // Most of the words: each combination of that many is an intersection of its own.
        Need::AtLeast(n) if as_typed => {
            let words: Vec<&Word> = clauses.iter().flat_map(Clause::words).collect();
            let subsets = subsets_of(words.len(), n);
            (subsets.len() <= MAX_SUBSETS).then(|| {
                let mut term_lists: Vec<Box<dyn Query>> = subsets
                    .into_iter()
                    .map(|subset| {
                        combine(
                            subset.into_iter().map(|i| term_query(fields.all_folded, &words[i].folded, 1.0)).collect(),
                            Occur::Must,
                        )
                    })
                    .collect();
                term_lists.extend(variants(fields, clauses));
                Pruned { term_lists }
            })
        }
        Need::AtLeast(_) => None,
        Need::Any => Some(Pruned { term_lists: vec![combine(any_word(fields, clauses, spellings), Occur::Should)] }),
    };
    Retrieval { query, pruned }
}

/// Every part, a vocabulary term as typed or as one of its variants: one intersection per
/// way of reading the query; `None` when there are too many ways.
fn every_word_as_spelled(fields: &Fields, clauses: &[Clause]) -> Option<Pruned> {
    let mut ways: Vec<Queries> = vec![Vec::new()];
    for clause in clauses {
        let options: Vec<Queries> = match clause {
            Clause::Word(word) => vec![vec![term_query(fields.all_folded, &word.folded, 1.0)]],
            Clause::Variant { words, alternatives } => {
                let typed = words.iter().map(|w| term_query(fields.all_folded, &w.folded, 1.0)).collect();
                std::iter::once(typed)
                    .chain(
                        alternatives
                            .iter()
                            .filter_map(|alt| variant_found(fields, alt, VARIANT_WEIGHT))
                            .map(|q| vec![q]),
                    )
                    .collect()
            }
        };
        if ways.len() * options.len() > MAX_SUBSETS {
            return None;
        }
        ways = ways
            .iter()
            .flat_map(|terms| options.iter().map(move |more| terms.iter().chain(more).map(|q| q.box_clone()).collect()))
            .collect();
    }
    Some(Pruned { term_lists: ways.into_iter().map(|terms| combine(terms, Occur::Must)).collect() })
}

/// The variants of the query's terms, each one term.
fn variants(fields: &Fields, clauses: &[Clause]) -> Queries {
    clauses
        .iter()
        .flat_map(|clause| match clause {
            Clause::Word(_) => &[][..],
            Clause::Variant { alternatives, .. } => alternatives.as_slice(),
        })
        .filter_map(|alternative| variant_found(fields, alternative, VARIANT_WEIGHT))
        .collect()
}

/// The query's words (with their near spellings) as terms of the folded text, and its
/// variants.
fn any_word(fields: &Fields, clauses: &[Clause], spellings: Spellings<'_>) -> Queries {
    let mut terms: Vec<Box<dyn Query>> = Vec::new();
    for word in clauses.iter().flat_map(Clause::words) {
        terms.push(term_query(fields.all_folded, &word.folded, 1.0));
        terms.extend(
            spellings(word)
                .iter()
                .filter(|s| **s != word.folded)
                .map(|s| term_query(fields.all_folded, s, TYPO_WEIGHT)),
        );
    }
    terms.extend(variants(fields, clauses));
    terms
}

fn retrieval(fields: &Fields, clauses: &[Clause], need: Need, spellings: Spellings<'_>) -> Box<dyn Query> {
    if clauses.is_empty() {
        return Box::new(AllQuery);
    }
    // A word as typed, then its near spellings (a typo), each a plain term.
    let spelled = |word: &Word| -> Vec<Box<dyn Query>> {
        let mut terms = vec![term_query(fields.all_folded, &word.folded, 1.0)];
        terms.extend(
            spellings(word)
                .iter()
                .filter(|s| **s != word.folded)
                .map(|s| term_query(fields.all_folded, s, TYPO_WEIGHT)),
        );
        terms
    };
    let word = |w: &Word| combine(spelled(w), Occur::Should);
    let alternatives = |alternatives: &[Vec<String>]| -> Vec<Box<dyn Query>> {
        alternatives.iter().filter_map(|alt| variant_found(fields, alt, VARIANT_WEIGHT)).collect()
    };
    match need {
        Need::All => {
            let parts = clauses
                .iter()
                .map(|clause| match clause {
                    Clause::Word(w) => word(w),
                    Clause::Variant { words, alternatives: alts } => {
                        let mut either = vec![combine(words.iter().map(word).collect(), Occur::Must)];
                        either.extend(alternatives(alts));
                        combine(either, Occur::Should)
                    }
                })
                .collect();
            combine(parts, Occur::Must)
        }
        // Relaxed: the words one by one (a term's too), or a variant of a term whole.
        Need::AtLeast(n) => {
            let mut either = vec![at_least(clauses.iter().flat_map(Clause::words).map(word).collect(), n)];
            either.extend(variants(fields, clauses));
            combine(either, Occur::Should)
        }
        Need::Any => combine(any_word(fields, clauses, spellings), Occur::Should),
    }
}

/// One part of how well a found listing matches.
pub struct ScoringPart {
    pub query: Box<dyn Query>,
    /// A term a listing holds wherever the part can count for it: a variant's phrase is
    /// looked for (its words' positions read) only in the listings that hold the phrase's
    /// own term.
    pub held: Option<Term>,
}

/// How well a found listing matches, as a sum of parts each found on its own: every word
/// by field (titles over summaries over the rest) and by spelling (as typed over folded,
/// a near spelling well below), a variant a little below the words as typed. Only the
/// hits [`retrieval_query`] found are scored, each part seeking them in its postings.
pub fn scoring_parts(fields: &Fields, clauses: &[Clause], spellings: Spellings<'_>) -> Vec<ScoringPart> {
    let exact = [fields.title_exact, fields.summary_exact, fields.body_exact];
    let folded = [fields.title_folded, fields.summary_folded, fields.body_folded];
    let mut parts: Vec<ScoringPart> = Vec::new();
    let mut part = |query| parts.push(ScoringPart { query, held: None });
    for word in clauses.iter().flat_map(Clause::words) {
        for (field, weight) in exact.into_iter().zip(EXACT_WEIGHTS) {
            part(term_query(field, &word.exact, weight));
        }
        for (field, weight) in folded.into_iter().zip(FOLDED_WEIGHTS) {
            part(term_query(field, &word.folded, weight));
        }
        // A near spelling counts well below the word as typed, wherever it stands.
        for near in spellings(word).iter().filter(|s| **s != word.folded) {
            part(term_query(fields.all_folded, near, FOLDED_WEIGHTS[0] * TYPO_WEIGHT));
        }
    }
    for clause in clauses {
        if let Clause::Variant { alternatives, .. } = clause {
            for alternative in alternatives {
                let held = (alternative.len() > 1)
                    .then(|| Term::from_field_text(fields.variant_phrases, &phrase_key(alternative)));
                for (field, weight) in exact.into_iter().zip(EXACT_WEIGHTS) {
                    if let Some(query) = variant_in(field, alternative, weight * VARIANT_WEIGHT) {
                        parts.push(ScoringPart { query, held: held.clone() });
                    }
                }
            }
        }
    }
    parts
}

fn filter(query: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}

fn keyword(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
}

fn range_i64(field: Field, min: Option<i64>, max: Option<i64>) -> Box<dyn Query> {
    let bound =
        |value: Option<i64>| value.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_i64(field, v)));
    Box::new(RangeQuery::new(bound(min), bound(max)))
}

/// The filters that restrict what is found (all but the excluded organization), as one
/// query; `None` when nothing restricts.
pub fn filter_query(fields: &Fields, filters: &Filters) -> Option<Box<dyn Query>> {
    let mut clauses = Vec::new();
    for (field, value) in [
        (fields.kind, &filters.kind),
        (fields.province, &filters.province),
        (fields.st_field, &filters.st_field),
        (fields.tag, &filters.tag),
        (fields.mode, &filters.mode),
    ] {
        if let Some(value) = value {
            clauses.push(filter(keyword(field, value)));
        }
    }
    if filters.trl_min.is_some() || filters.trl_max.is_some() {
        let bound = |value: Option<u64>| {
            value.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_u64(fields.trl, v)))
        };
        clauses.push(filter(Box::new(RangeQuery::new(bound(filters.trl_min), bound(filters.trl_max)))));
    }
    if filters.price_min.is_some() || filters.price_max.is_some() {
        // Offers priced within the range, or needs whose budget overlaps it.
        let offers = BooleanQuery::new(vec![
            (Occur::Must, keyword(fields.kind, "offer")),
            (Occur::Must, range_i64(fields.price, filters.price_min, filters.price_max)),
        ]);
        let mut need_clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, keyword(fields.kind, "need"))];
        if let Some(min) = filters.price_min {
            need_clauses.push((Occur::Must, range_i64(fields.budget_max, Some(min), None)));
        }
        if let Some(max) = filters.price_max {
            need_clauses.push((Occur::Must, range_i64(fields.budget_min, None, Some(max))));
        }
        let either: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Should, Box::new(offers)), (Occur::Should, Box::new(BooleanQuery::new(need_clauses)))];
        clauses.push(filter(Box::new(BooleanQuery::new(either))));
    }
    if let Some(after) = filters.published_after {
        clauses.push(filter(Box::new(RangeQuery::new(
            Bound::Excluded(Term::from_field_i64(fields.published_at, after)),
            Bound::Unbounded,
        ))));
    }
    (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
}

/// The listings of the organization a search leaves out, if any.
pub fn excluded_query(fields: &Fields, filters: &Filters) -> Option<Box<dyn Query>> {
    filters.exclude_org.as_deref().map(|org| keyword(fields.org_id, org))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_read_as_text() {
        let words = words("  \"Công NGHỆ\" (sinh*học): đ-đ  công ");
        let exact: Vec<&str> = words.iter().map(|w| w.exact.as_str()).collect();
        let folded: Vec<&str> = words.iter().map(|w| w.folded.as_str()).collect();
        assert_eq!(exact, vec!["công", "nghệ", "sinh", "học", "đ"]);
        assert_eq!(folded, vec!["cong", "nghe", "sinh", "hoc", "d"]);
    }

    #[test]
    fn long_queries_are_bounded() {
        let text = (0..5000).map(|n| format!("từ{n} ")).collect::<String>();
        assert_eq!(words(&text).len(), MAX_QUERY_WORDS);
        assert!(words(&"a".repeat(10_000)).is_empty(), "one over-long token is dropped");
    }

    fn vocabulary() -> Vocabulary {
        Vocabulary::from_csv("t", include_str!("../../../migrations/reference-data/vocabulary_variants.csv")).unwrap()
    }

    fn pass(need: Need, typos: Typos) -> Pass {
        Pass { need, typos }
    }

    #[test]
    fn passes_relax_step_by_step() {
        let v = vocabulary();
        let two = clauses("nuoc thia", &v);
        assert_eq!(
            passes(Strategy::AllWords, &two),
            vec![pass(Need::All, Typos::None), pass(Need::All, Typos::Rare), pass(Need::Any, Typos::Unknown)]
        );
        assert_eq!(passes(Strategy::AllWords, &clauses("ao", &v)), vec![pass(Need::All, Typos::None)]);
        assert_eq!(passes(Strategy::AllWords, &[]), vec![pass(Need::All, Typos::None)]);
        assert_eq!(passes(Strategy::AnyWords, &two), vec![pass(Need::Any, Typos::None)]);
        // A long query asks for most of its words before it settles for any of them.
        let four = clauses("robot han tu dong", &v);
        assert_eq!(
            passes(Strategy::AllWords, &four),
            vec![
                pass(Need::All, Typos::None),
                pass(Need::All, Typos::Rare),
                pass(Need::AtLeast(3), Typos::Unknown),
                pass(Need::Any, Typos::Unknown)
            ]
        );
        let short_words = clauses("ao ca bo", &v);
        assert_eq!(
            passes(Strategy::AllWords, &short_words),
            vec![pass(Need::All, Typos::None), pass(Need::AtLeast(2), Typos::None), pass(Need::Any, Typos::None)]
        );
    }

    #[test]
    fn most_of_the_words_are_every_combination_of_that_many() {
        assert_eq!(subsets_of(4, 3), vec![vec![0, 1, 2], vec![0, 1, 3], vec![0, 2, 3], vec![1, 2, 3]]);
        assert_eq!(subsets_of(5, 4).len(), 5);
        assert!(subsets_of(16, 11).len() > MAX_SUBSETS, "too many: a single pass over the postings instead");
    }

    #[test]
    fn flat_word_lists_are_prunable_and_variants_are_terms() {
        let (_, fields) = super::super::schema::build();
        let v = vocabulary();
        let none = |_: &Word| Vec::new();
        let plain = clauses("robot han tu dong", &v);
        assert!(retrieval_query(&fields, &plain, Need::All, &none).pruned.is_some());
        let most = retrieval_query(&fields, &plain, Need::AtLeast(3), &none).pruned.expect("four intersections");
        assert_eq!(most.term_lists.len(), 4);
        let typo = |w: &Word| if w.folded == "dong" { vec!["dang".to_owned()] } else { Vec::new() };
        assert!(retrieval_query(&fields, &plain, Need::All, &typo).pruned.is_none(), "a word with its spellings");
        let any = retrieval_query(&fields, &clauses("tinh bột khoai mì", &v), Need::Any, &none);
        let pruned = any.pruned.expect("any word: a flat list of terms");
        let mut terms = Vec::new();
        assert_eq!(pruned.term_lists.len(), 1);
        pruned.term_lists[0]
            .query_terms(&mut |term, _| terms.push(term.value().as_str().unwrap_or_default().to_owned()));
        for expected in ["tinh", "bot", "khoai", "mi", "sắn", "cassava"] {
            assert!(terms.contains(&expected.to_owned()), "{expected} in {terms:?}");
        }
        // A variant of several words is the one term the index makes of it, not a phrase.
        let all = retrieval_query(&fields, &clauses("sắn lát", &v), Need::All, &none);
        let ways = all.pruned.expect("each way of reading the query is an intersection of terms").term_lists;
        let mut found = Vec::new();
        for way in &ways {
            way.query_terms(&mut |term, positions| {
                found.push((term.field(), term.value().as_str().map(str::to_owned), positions))
            });
        }
        assert!(found.contains(&(fields.variant_phrases, Some("khoai mì".to_owned()), false)), "{found:?}");
        assert!(found.iter().all(|(_, _, positions)| !positions), "no phrase: {found:?}");
    }

    #[test]
    fn the_share_of_a_long_query_that_must_match() {
        assert_eq!([3, 4, 5, 6, 9, 16].map(min_share), [2, 3, 4, 4, 6, 11]);
    }

    #[test]
    fn vocabulary_terms_become_one_part_with_their_variants() {
        let v = vocabulary();
        let parts = clauses("tinh bột khoai mì biến tính", &v);
        assert_eq!(parts.len(), 5);
        let Clause::Variant { words, alternatives } = &parts[2] else { panic!("{parts:?}") };
        assert_eq!(words.iter().map(|w| w.exact.as_str()).collect::<Vec<_>>(), vec!["khoai", "mì"]);
        assert!(alternatives.contains(&vec!["sắn".to_owned()]) && alternatives.contains(&vec!["cassava".to_owned()]));
        // Ambiguous words are expanded from, never to.
        let Clause::Variant { alternatives, .. } = &clauses("dứa", &v)[0] else { panic!() };
        assert!(!alternatives.contains(&vec!["thơm".to_owned()]));
        assert_eq!(parts[2].text(), "khoai mì");
    }
}
