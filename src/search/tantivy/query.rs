//! Turning what a user typed into tantivy queries. The text is never parsed as query
//! syntax: quotes, `*`, `:` and parentheses are just characters between words.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenStream;

use super::schema::{Fields, exact_analyzer, folded_analyzer};
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
    fn words(&self) -> Vec<&Word> {
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

fn term_query(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(
        Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs)),
        boost,
    ))
}

/// Everything one word may match.
fn word_query(fields: &Fields, word: &Word, typos: bool) -> Box<dyn Query> {
    let exact = [fields.title_exact, fields.summary_exact, fields.body_exact];
    let folded = [fields.title_folded, fields.summary_folded, fields.body_folded];
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, weight) in exact.into_iter().zip(EXACT_WEIGHTS) {
        clauses.push((Occur::Should, term_query(field, &word.exact, weight)));
    }
    for (field, weight) in folded.into_iter().zip(FOLDED_WEIGHTS) {
        clauses.push((Occur::Should, term_query(field, &word.folded, weight)));
        if typos && word.folded.chars().count() >= TYPO_MIN_CHARS {
            let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, &word.folded), 1, true);
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(fuzzy), weight * TYPO_WEIGHT))));
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// A variant's words in the exact fields only: folding them would make false friends
/// (dứa → "dua" is also dưa, melon).
fn variant_query(fields: &Fields, words: &[String]) -> Option<Box<dyn Query>> {
    let exact = [fields.title_exact, fields.summary_exact, fields.body_exact];
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, weight) in exact.into_iter().zip(EXACT_WEIGHTS) {
        let query: Box<dyn Query> = match words {
            [] => return None,
            [one] => term_query(field, one, weight * VARIANT_WEIGHT),
            many => Box::new(BoostQuery::new(
                Box::new(PhraseQuery::new(many.iter().map(|w| Term::from_field_text(field, w)).collect())),
                weight * VARIANT_WEIGHT,
            )),
        };
        clauses.push((Occur::Should, query));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// Everything one part of the query may match: a word, or a vocabulary term as typed
/// (every word of it) or as any of its variants.
fn clause_query(fields: &Fields, clause: &Clause, typos: bool) -> Box<dyn Query> {
    match clause {
        Clause::Word(word) => word_query(fields, word, typos),
        Clause::Variant { words, alternatives } => {
            let typed: Box<dyn Query> = Box::new(BooleanQuery::new(
                words.iter().map(|w| (Occur::Must, word_query(fields, w, typos))).collect(),
            ));
            let mut either = vec![(Occur::Should, typed)];
            either.extend(alternatives.iter().filter_map(|alt| variant_query(fields, alt)).map(|q| (Occur::Should, q)));
            Box::new(BooleanQuery::new(either))
        }
    }
}

/// The text part of a query, for one pass of the search.
pub fn text_query(fields: &Fields, clauses: &[Clause], all_words: bool, typos: bool) -> Box<dyn Query> {
    if clauses.is_empty() {
        return Box::new(AllQuery);
    }
    let occur = if all_words { Occur::Must } else { Occur::Should };
    Box::new(BooleanQuery::new(clauses.iter().map(|c| (occur, clause_query(fields, c, typos))).collect()))
}

/// The passes a strategy tries in turn until one finds something: (all words, typos).
pub fn passes(strategy: Strategy, clauses: &[Clause]) -> Vec<(bool, bool)> {
    let may_have_typos = clauses.iter().flat_map(Clause::words).any(|w| w.folded.chars().count() >= TYPO_MIN_CHARS);
    match strategy {
        Strategy::AnyWords => vec![(false, false)],
        Strategy::AllWords if clauses.is_empty() => vec![(true, false)],
        Strategy::AllWords => {
            let mut passes = vec![(true, false)];
            if may_have_typos {
                passes.push((true, true));
            }
            if clauses.len() > 1 {
                passes.push((false, may_have_typos));
            }
            passes
        }
    }
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

/// The filters, as clauses that restrict without changing scores.
pub fn filter_clauses(fields: &Fields, filters: &Filters) -> Vec<(Occur, Box<dyn Query>)> {
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
    if let Some(org) = &filters.exclude_org {
        clauses.push((Occur::MustNot, keyword(fields.org_id, org)));
    }
    clauses
}

/// Text and filters together.
pub fn full_query(
    fields: &Fields,
    words: &[Clause],
    filters: &Filters,
    all_words: bool,
    typos: bool,
) -> Box<dyn Query> {
    let mut clauses = vec![(Occur::Must, text_query(fields, words, all_words, typos))];
    clauses.extend(filter_clauses(fields, filters));
    Box::new(BooleanQuery::new(clauses))
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

    #[test]
    fn passes_relax_step_by_step() {
        let v = vocabulary();
        let two = clauses("nuoc thia", &v);
        assert_eq!(passes(Strategy::AllWords, &two), vec![(true, false), (true, true), (false, true)]);
        assert_eq!(passes(Strategy::AllWords, &clauses("ao", &v)), vec![(true, false)]);
        assert_eq!(passes(Strategy::AllWords, &[]), vec![(true, false)]);
        assert_eq!(passes(Strategy::AnyWords, &two), vec![(false, false)]);
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
