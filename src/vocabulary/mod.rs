//! Regional and technical Vietnamese vocabulary variants (lợn/heo, dứa/khóm/thơm,
//! sắn/khoai mì, UAV/drone, ủ phân/compost, …) as versioned reference data. Search expands
//! a query with them and matching reads both sides of a pair through them.
//!
//! The rules of the data (`reference-data/vocabulary_variants.md`): spans are matched on
//! word boundaries, longest first; a term marked ambiguous (thơm, ngô, bắp, …) is expanded
//! *from*, never *to*; the abbreviations AI and RO count only in capitals; groups are never
//! chained.

pub mod routes;
pub mod store;
pub mod tokens;

use std::collections::HashMap;

use serde::Serialize;

pub use self::tokens::{Token, has_marks, tokens};

/// Between the words of a term in the lookup tables.
const SEPARATOR: char = ' ';

fn joined<'a>(words: impl Iterator<Item = &'a str>) -> String {
    words.collect::<Vec<_>>().join(" ")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VariantTerm {
    /// The concept, a stable snake_case id (`pig`, `cassava`).
    pub group: String,
    /// Lower case, NFC, full diacritics.
    pub term: String,
    /// `vi` or `en`.
    pub lang: String,
    /// north, south, central, standard, technical or any.
    pub region: String,
    pub note: Option<String>,
    /// Also an everyday word (thơm, ngô, bắp, …): a search for it adds its group, a search
    /// for the group never adds it.
    pub ambiguous: bool,
}

/// A run of a text's words that is a term of the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub len: usize,
    /// Index of the term in [`Vocabulary::terms`].
    pub term: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    version: String,
    terms: Vec<VariantTerm>,
    /// Each term's words, one key per word (see [`tokens::syllable_key`]), joined.
    by_key: HashMap<String, usize>,
    /// Folded multi-word terms that fold to one term only: for text typed without marks.
    by_folded: HashMap<String, Option<usize>>,
    /// The first words of terms: most words start none, and are passed over at once.
    first_keys: std::collections::HashSet<String>,
    first_folded: std::collections::HashSet<String>,
    longest: usize,
}

impl Vocabulary {
    pub fn new(version: &str, terms: Vec<VariantTerm>) -> Vocabulary {
        let mut vocabulary = Vocabulary { version: version.to_owned(), ..Default::default() };
        for (index, term) in terms.iter().enumerate() {
            let words = tokens(&term.term);
            if words.is_empty() {
                continue;
            }
            let keys = joined(words.iter().map(|w| w.key.as_str()));
            vocabulary.longest = vocabulary.longest.max(words.len());
            vocabulary.first_keys.insert(words[0].key.clone());
            vocabulary.first_folded.insert(words[0].folded.clone());
            if words.len() > 1 {
                let folded = joined(words.iter().map(|w| w.folded.as_str()));
                vocabulary
                    .by_folded
                    .entry(folded)
                    .and_modify(|known| {
                        if known.is_some_and(|k| terms[k].group != term.group) {
                            *known = None;
                        }
                    })
                    .or_insert(Some(index));
            }
            vocabulary.by_key.entry(keys).or_insert(index);
        }
        vocabulary.terms = terms;
        vocabulary
    }

    /// Reads the reference file's format (`group,term,lang,region,kind,note`).
    pub fn from_csv(version: &str, text: &str) -> Result<Vocabulary, String> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut terms = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| e.to_string())?;
            let field = |n: usize| record.get(n).unwrap_or_default().to_owned();
            let note = field(5);
            terms.push(VariantTerm {
                group: field(0),
                term: field(1),
                lang: field(2),
                region: field(3),
                ambiguous: note.starts_with("ambiguous token:"),
                note: (!note.is_empty()).then_some(note),
            });
        }
        Ok(Vocabulary::new(version, terms))
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn terms(&self) -> &[VariantTerm] {
        &self.terms
    }

    pub fn term(&self, index: usize) -> &VariantTerm {
        &self.terms[index]
    }

    /// An English abbreviation that is also a Vietnamese word (AI/ai "who", RO in rủi ro):
    /// it counts only when written in capitals.
    fn needs_capitals(term: &VariantTerm) -> bool {
        term.ambiguous && term.lang == "en" && !term.term.contains(' ')
    }

    /// The term starting at `start`, longest first.
    fn match_at(&self, words: &[Token], start: usize, folded_text: bool) -> Option<Span> {
        let first = &words[start];
        let may_start =
            self.first_keys.contains(&first.key) || (folded_text && self.first_folded.contains(&first.folded));
        if !may_start {
            return None;
        }
        let max = self.longest.min(words.len() - start);
        let mut keys: Vec<String> = Vec::with_capacity(max);
        let mut folded: Vec<String> = Vec::with_capacity(max);
        for word in &words[start..start + max] {
            let (mut key, mut fold) =
                (keys.last().cloned().unwrap_or_default(), folded.last().cloned().unwrap_or_default());
            if !key.is_empty() {
                key.push(SEPARATOR);
                fold.push(SEPARATOR);
            }
            key.push_str(&word.key);
            fold.push_str(&word.folded);
            keys.push(key);
            folded.push(fold);
        }
        for len in (1..=max).rev() {
            if let Some(&term) = self.by_key.get(&keys[len - 1]) {
                if Self::needs_capitals(&self.terms[term]) && !words[start].is_upper() {
                    continue;
                }
                return Some(Span { start, len, term });
            }
            if folded_text
                && len > 1
                && let Some(Some(term)) = self.by_folded.get(&folded[len - 1])
            {
                return Some(Span { start, len, term: *term });
            }
        }
        None
    }

    /// The terms in a run of words, left to right, each the longest that starts there; a
    /// word inside one is not matched again. With `folded_text` (a text typed without
    /// marks), multi-word terms also match their folded spelling when that is unique.
    pub fn spans(&self, words: &[Token], folded_text: bool) -> Vec<Span> {
        let mut spans = Vec::new();
        let mut at = 0;
        while at < words.len() {
            match self.match_at(words, at, folded_text) {
                Some(span) => {
                    at += span.len;
                    spans.push(span);
                }
                None => at += 1,
            }
        }
        spans
    }

    /// Shorter terms of other groups inside a matched span that are safe to count too
    /// ("điện mặt trời" inside "điện mặt trời áp mái"): never an ambiguous one, so that
    /// "bắp cải" (cabbage) never says maize.
    pub fn inner_terms(&self, words: &[Token], span: Span) -> Vec<usize> {
        let group = &self.terms[span.term].group;
        let mut found = Vec::new();
        for start in span.start..span.start + span.len {
            for len in 1..=(span.start + span.len - start) {
                if start == span.start && len == span.len {
                    continue;
                }
                let keys = joined(words[start..start + len].iter().map(|w| w.key.as_str()));
                if let Some(&term) = self.by_key.get(&keys) {
                    let inner = &self.terms[term];
                    if !inner.ambiguous && &inner.group != group && !found.contains(&term) {
                        found.push(term);
                    }
                }
            }
        }
        found
    }

    /// What a term may be replaced by in a search: the other terms of its group, except the
    /// ambiguous ones.
    pub fn alternatives(&self, term: usize) -> Vec<&VariantTerm> {
        let of = &self.terms[term];
        self.terms.iter().filter(|t| t.group == of.group && t.term != of.term && !t.ambiguous).collect()
    }

    /// The words of an alternative, as the index's exact field holds them.
    pub fn words_of(term: &VariantTerm) -> Vec<String> {
        tokens(&term.term).into_iter().map(|t| t.lower).collect()
    }

    /// For an engine's own synonym setting (Meilisearch): each term and what it may be
    /// replaced by, one way. Abbreviations that count only in capitals are left out, since
    /// such an engine cannot tell case apart.
    pub fn one_way_synonyms(&self) -> Vec<(String, Vec<String>)> {
        self.terms
            .iter()
            .enumerate()
            .filter(|(_, t)| !Self::needs_capitals(t))
            .filter_map(|(index, t)| {
                let targets: Vec<String> = self.alternatives(index).into_iter().map(|a| a.term.clone()).collect();
                (!targets.is_empty()).then(|| (t.term.clone(), targets))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
