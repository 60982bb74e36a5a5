//! Turning what a user typed into tantivy queries. The text is never parsed as query
//! syntax: quotes, `*`, `:` and parentheses are just characters between words.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenStream;

use super::schema::{Fields, exact_analyzer, folded_analyzer};
use crate::search::{Filters, Strategy};
use crate::text::nfc;

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

/// Per-field weights: titles over summaries over the rest; exact spelling over folded.
const EXACT_WEIGHTS: [f32; 3] = [4.0, 2.0, 1.5];
const FOLDED_WEIGHTS: [f32; 3] = [2.0, 1.0, 0.75];
const TYPO_WEIGHT: f32 = 0.5;

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

/// The text part of a query, for one pass of the search.
pub fn text_query(fields: &Fields, words: &[Word], all_words: bool, typos: bool) -> Box<dyn Query> {
    if words.is_empty() {
        return Box::new(AllQuery);
    }
    let occur = if all_words { Occur::Must } else { Occur::Should };
    Box::new(BooleanQuery::new(words.iter().map(|w| (occur, word_query(fields, w, typos))).collect()))
}

/// The passes a strategy tries in turn until one finds something: (all words, typos).
pub fn passes(strategy: Strategy, words: &[Word]) -> Vec<(bool, bool)> {
    let may_have_typos = words.iter().any(|w| w.folded.chars().count() >= TYPO_MIN_CHARS);
    match strategy {
        Strategy::AnyWords => vec![(false, false)],
        Strategy::AllWords if words.is_empty() => vec![(true, false)],
        Strategy::AllWords => {
            let mut passes = vec![(true, false)];
            if may_have_typos {
                passes.push((true, true));
            }
            if words.len() > 1 {
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
pub fn full_query(fields: &Fields, words: &[Word], filters: &Filters, all_words: bool, typos: bool) -> Box<dyn Query> {
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

    #[test]
    fn passes_relax_step_by_step() {
        let two = words("nuoc thia");
        assert_eq!(passes(Strategy::AllWords, &two), vec![(true, false), (true, true), (false, true)]);
        assert_eq!(passes(Strategy::AllWords, &words("ao")), vec![(true, false)]);
        assert_eq!(passes(Strategy::AllWords, &[]), vec![(true, false)]);
        assert_eq!(passes(Strategy::AnyWords, &two), vec![(false, false)]);
    }
}
