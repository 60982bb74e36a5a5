//! Topical relevance: how much of what one listing is about the other one addresses. Pure.
//!
//! A broker reads a need's title and keywords for what it asks (the object, process, crop
//! or animal) and the offer's whole text for evidence that it answers that; and the
//! other way round, whether the offer's own subject is what the need is about. Terms are
//! the words that say something (see [`words`]): pairs of adjacent words (Vietnamese
//! words are mostly two syllables), single foreign words and codes (biogas, UAV, IQF),
//! single Vietnamese syllables a little, and the vocabulary's concepts, so that "heo" and
//! "lợn" are one term.

pub mod words;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use self::words::{FIELD_PHRASES, GENERIC_GROUPS, GENERIC_PHRASES, STOP_WORDS, breaks_phrase, is_syllable};
use crate::vocabulary::{self, Token, Vocabulary};

/// What a listing says, field by field.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListingText<'a> {
    pub title: &'a str,
    pub keywords: &'a [String],
    pub summary: Option<&'a str>,
    pub description: Option<&'a str>,
}

/// How much a term in each field says about what the listing asks or offers, and how
/// strongly its presence there answers the other side.
struct FieldWeights {
    ask: f64,
    presence: f64,
}
const HEAD: FieldWeights = FieldWeights { ask: 1.0, presence: 1.0 };
const SUMMARY: FieldWeights = FieldWeights { ask: 0.2, presence: 0.9 };
const DESCRIPTION: FieldWeights = FieldWeights { ask: 0.0, presence: 0.7 };

/// Weights of one term by its kind.
const SYLLABLE: f64 = 0.3;
const PROPER_NAME: f64 = 0.2;
const FIELD_WORD: f64 = 0.3;
const PAIR_WITH_FIELD_WORD: f64 = 0.6;
const AMBIGUOUS_CONCEPT: f64 = 0.5;
const INNER_CONCEPT: f64 = 0.7;
/// The need's coverage weighs this much in the topic, the offer's the rest: an offer may
/// do more than one need asks, a need must get what it asks.
const NEED_SHARE: f64 = 0.8;

/// Concepts are written `~group` so that they never collide with words.
pub const CONCEPT_PREFIX: char = '~';

#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct TopicProfile {
    /// The terms that say what the listing is about, and how much (more than nothing).
    asked: Vec<(String, f64)>,
    asked_total: f64,
    /// How strongly each term's presence answers the other side.
    presence: HashMap<String, f64>,
}

/// A listing's topic profile as the search index keeps it beside the listing, so that
/// matching reads its candidates' profiles instead of working each one out again: valid
/// for one version of the listing and one version of the vocabulary.
#[derive(Serialize, serde::Deserialize)]
struct StoredProfile {
    listing_version: i32,
    vocabulary: String,
    profile: TopicProfile,
}

impl TopicProfile {
    pub fn to_stored(&self, listing_version: i32, vocabulary: &Vocabulary) -> String {
        let stored =
            StoredProfile { listing_version, vocabulary: vocabulary.version().to_owned(), profile: self.clone() };
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// The profile kept for this version of the listing under this vocabulary, if that is
    /// what `stored` holds.
    pub fn from_stored(stored: &str, listing_version: i32, vocabulary: &Vocabulary) -> Option<TopicProfile> {
        let stored: StoredProfile = serde_json::from_str(stored).ok()?;
        (stored.listing_version == listing_version && stored.vocabulary == vocabulary.version())
            .then_some(stored.profile)
    }
}

/// One run of a text between breaks: a concept, a field word, or a plain word.
#[derive(Debug, Clone)]
struct Unit {
    term: String,
    weight: f64,
    field: bool,
    proper: bool,
    extra: Vec<(String, f64)>,
}

/// Phrases by their first word (its key and its folded spelling), longest first.
#[derive(Default)]
struct Phrases {
    by_key: std::collections::HashMap<String, Vec<Vec<Token>>>,
    by_folded: std::collections::HashMap<String, Vec<Vec<Token>>>,
}

/// The word lists, read once.
struct Lists {
    stop: HashSet<String>,
    stop_folded: HashSet<String>,
    generic: Phrases,
    fields: Phrases,
}

fn phrases(list: &[&str]) -> Phrases {
    let mut all: Vec<Vec<Token>> = list.iter().map(|p| vocabulary::tokens(p)).filter(|p| !p.is_empty()).collect();
    all.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let mut out = Phrases::default();
    for phrase in all {
        out.by_key.entry(phrase[0].key.clone()).or_default().push(phrase.clone());
        out.by_folded.entry(phrase[0].folded.clone()).or_default().push(phrase);
    }
    out
}

static LISTS: std::sync::LazyLock<Lists> = std::sync::LazyLock::new(|| Lists {
    stop: STOP_WORDS.iter().map(|w| vocabulary::Token::new(w).key).collect(),
    stop_folded: STOP_WORDS.iter().map(|w| crate::text::fold(w)).collect(),
    generic: phrases(GENERIC_PHRASES),
    fields: phrases(FIELD_PHRASES),
});

struct Reader<'a> {
    vocabulary: &'a Vocabulary,
    /// The listing was typed without marks: compare folded words.
    folded_text: bool,
    stop: &'static HashSet<String>,
    stop_folded: &'static HashSet<String>,
    generic: &'static Phrases,
    fields: &'static Phrases,
}

impl<'a> Reader<'a> {
    fn new(vocabulary: &'a Vocabulary, folded_text: bool) -> Reader<'a> {
        let lists = &*LISTS;
        Reader {
            vocabulary,
            folded_text,
            stop: &lists.stop,
            stop_folded: &lists.stop_folded,
            generic: &lists.generic,
            fields: &lists.fields,
        }
    }

    fn same(&self, a: &Token, b: &Token) -> bool {
        if self.folded_text { a.folded == b.folded } else { a.key == b.key }
    }

    /// The longest of these phrases starting at `at`, by its number of words.
    fn phrase_at(&self, list: &Phrases, words: &[Token], at: usize) -> usize {
        let first = &words[at];
        let candidates = if self.folded_text { list.by_folded.get(&first.folded) } else { list.by_key.get(&first.key) };
        candidates
            .into_iter()
            .flatten()
            .find(|p| at + p.len() <= words.len() && p.iter().zip(&words[at..]).all(|(a, b)| self.same(a, b)))
            .map_or(0, Vec::len)
    }

    fn is_stop(&self, word: &Token) -> bool {
        self.stop.contains(&word.key) || (self.folded_text && self.stop_folded.contains(&word.folded))
    }

    /// The units of one phrase; `None` where a dropped word breaks it.
    fn units(&self, words: &[Token]) -> Vec<Option<Unit>> {
        let spans = self.vocabulary.spans(words, self.folded_text);
        let mut spans = spans.into_iter().peekable();
        let mut units = Vec::new();
        let mut at = 0;
        while at < words.len() {
            while spans.peek().is_some_and(|s| s.start < at) {
                spans.next();
            }
            if let Some(span) = spans.peek().copied().filter(|s| s.start == at) {
                spans.next();
                at += span.len;
                let term = self.vocabulary.term(span.term);
                if GENERIC_GROUPS.contains(&term.group.as_str()) {
                    units.push(None);
                    continue;
                }
                let mut extra: Vec<(String, f64)> = self
                    .vocabulary
                    .inner_terms(words, span)
                    .into_iter()
                    .map(|inner| (format!("{CONCEPT_PREFIX}{}", self.vocabulary.term(inner).group), INNER_CONCEPT))
                    .collect();
                if span.len == 1 {
                    // The word itself counts too: "thơm" may be pineapple or fragrant, and
                    // a listing typed without marks says "tom" for tôm.
                    extra.push((words[span.start].folded.clone(), SYLLABLE));
                }
                units.push(Some(Unit {
                    term: format!("{CONCEPT_PREFIX}{}", term.group),
                    weight: if term.ambiguous { AMBIGUOUS_CONCEPT } else { 1.0 },
                    field: false,
                    proper: false,
                    extra,
                }));
                continue;
            }
            let generic = self.phrase_at(self.generic, words, at);
            if generic > 0 {
                units.push(None);
                at += generic;
                continue;
            }
            let word = &words[at];
            if self.is_stop(word) || word.folded.chars().all(|c| c.is_ascii_digit()) || word.folded.chars().count() < 2
            {
                units.push(None);
                at += 1;
                continue;
            }
            let field = self.phrase_at(self.fields, words, at);
            if field > 0 {
                let term = words[at..at + field].iter().map(|w| w.folded.as_str()).collect::<Vec<_>>().join(" ");
                units.push(Some(Unit { term, weight: FIELD_WORD, field: true, proper: false, extra: Vec::new() }));
                at += field;
                continue;
            }
            let syllable = is_syllable(&word.folded);
            // A capitalised Vietnamese word inside a phrase is a name (Lý Sơn, Bát Tràng).
            let proper =
                at > 0 && syllable && word.text.chars().next().is_some_and(char::is_uppercase) && !word.is_upper();
            let weight = if proper {
                PROPER_NAME
            } else if syllable {
                SYLLABLE
            } else {
                1.0
            };
            units.push(Some(Unit { term: word.folded.clone(), weight, field: false, proper, extra: Vec::new() }));
            at += 1;
        }
        units
    }

    /// Every term of a text and its weight.
    fn terms(&self, text: &str, out: &mut BTreeMap<String, f64>) {
        let mut put = |term: String, weight: f64| {
            let slot = out.entry(term).or_insert(0.0);
            *slot = slot.max(weight);
        };
        for phrase in text.split(breaks_phrase) {
            let words = vocabulary::tokens(phrase);
            let units = self.units(&words);
            for unit in units.iter().flatten() {
                put(unit.term.clone(), unit.weight);
                for (term, weight) in &unit.extra {
                    put(term.clone(), *weight);
                }
            }
            for pair in units.windows(2) {
                let (Some(a), Some(b)) = (&pair[0], &pair[1]) else { continue };
                if a.field && b.field {
                    continue;
                }
                let weight = if a.proper || b.proper {
                    PROPER_NAME
                } else if a.field || b.field {
                    PAIR_WITH_FIELD_WORD
                } else {
                    1.0
                };
                put(format!("{} {}", a.term, b.term), weight);
            }
        }
    }
}

impl TopicProfile {
    pub fn of(text: &ListingText<'_>, vocabulary: &Vocabulary) -> TopicProfile {
        let all = [text.title, text.summary.unwrap_or(""), text.description.unwrap_or("")]
            .into_iter()
            .chain(text.keywords.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ");
        let reader = Reader::new(vocabulary, !vocabulary::has_marks(&all));
        let mut asked: HashMap<String, f64> = HashMap::new();
        let mut presence: HashMap<String, f64> = HashMap::new();
        let fields: Vec<(&str, &FieldWeights)> = [(text.title, &HEAD)]
            .into_iter()
            .chain(text.keywords.iter().map(|k| (k.as_str(), &HEAD)))
            .chain(text.summary.map(|s| (s, &SUMMARY)))
            .chain(text.description.map(|d| (d, &DESCRIPTION)))
            .collect();
        for (field, weights) in fields {
            let mut terms = BTreeMap::new();
            reader.terms(field, &mut terms);
            for (term, weight) in terms {
                if weights.ask > 0.0 {
                    let ask = asked.entry(term.clone()).or_insert(0.0);
                    *ask = ask.max(weight * weights.ask);
                }
                let there = presence.entry(term).or_insert(0.0);
                *there = there.max(weights.presence);
            }
        }
        let mut asked: Vec<(String, f64)> = asked.into_iter().filter(|(_, w)| *w > 0.0).collect();
        asked.sort_by(|a, b| a.0.cmp(&b.0));
        TopicProfile { asked_total: asked.iter().map(|(_, w)| w).sum(), asked, presence }
    }

    /// The share of what this listing is about that `other` addresses, 0 to 1.
    pub fn covered_by(&self, other: &TopicProfile) -> f64 {
        if self.asked_total <= 0.0 {
            return 0.0;
        }
        let got: f64 = self.asked.iter().map(|(t, w)| w * other.presence.get(t).copied().unwrap_or(0.0)).sum();
        (got / self.asked_total).clamp(0.0, 1.0)
    }

    /// Terms both share, most telling first (as `self` weighs them).
    pub fn shared_with(&self, other: &TopicProfile, at_most: usize) -> Vec<String> {
        let mut shared: Vec<(f64, &String)> = self
            .asked
            .iter()
            .filter_map(|(t, w)| other.presence.get(t).map(|p| (w * p, t)))
            .filter(|(v, _)| *v > 0.0)
            .collect();
        shared.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        shared.into_iter().take(at_most).map(|(_, t)| t.clone()).collect()
    }
}

/// Text to retrieve candidates with: the title's, keywords' and summary's words that say
/// something, in that order, as typed (so that the search engine's vocabulary applies).
pub fn retrieval_text(text: &ListingText<'_>, vocabulary: &Vocabulary) -> String {
    let all = [text.title, text.summary.unwrap_or("")]
        .into_iter()
        .chain(text.keywords.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    let reader = Reader::new(vocabulary, !vocabulary::has_marks(&all));
    let fields = [text.title].into_iter().chain(text.keywords.iter().map(String::as_str)).chain(text.summary);
    let mut kept: Vec<String> = Vec::new();
    for field in fields {
        for phrase in field.split(breaks_phrase) {
            let words = vocabulary::tokens(phrase);
            let spans = vocabulary.spans(&words, reader.folded_text);
            let mut at = 0;
            while at < words.len() {
                if let Some(span) = spans.iter().find(|s| s.start == at) {
                    kept.extend(words[at..at + span.len].iter().map(|w| w.text.clone()));
                    at += span.len;
                    continue;
                }
                let generic = reader.phrase_at(reader.generic, &words, at);
                if generic > 0 {
                    at += generic;
                    continue;
                }
                if !reader.is_stop(&words[at]) {
                    kept.push(words[at].text.clone());
                }
                at += 1;
            }
            kept.push(",".to_owned());
        }
    }
    kept.join(" ")
}

/// Listings' profiles, kept while their text is unchanged (by id and version): a listing is
/// a candidate in many runs. Bounded; when full it starts again empty.
#[derive(Debug, Default)]
pub struct TopicCache {
    profiles: std::sync::Mutex<std::collections::HashMap<(String, i32), std::sync::Arc<TopicProfile>>>,
}

impl TopicCache {
    const CAPACITY: usize = 4096;

    pub fn get_or_insert(
        &self,
        id: &str,
        version: i32,
        make: impl FnOnce() -> TopicProfile,
    ) -> std::sync::Arc<TopicProfile> {
        let key = (id.to_owned(), version);
        if let Ok(profiles) = self.profiles.lock()
            && let Some(found) = profiles.get(&key)
        {
            return found.clone();
        }
        let made = std::sync::Arc::new(make());
        if let Ok(mut profiles) = self.profiles.lock() {
            if profiles.len() >= Self::CAPACITY {
                profiles.clear();
            }
            profiles.insert(key, made.clone());
        }
        made
    }
}

/// The topic of an (offer, need) pair, with what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Topic {
    /// 0 to 1.
    pub value: f64,
    /// The share of what the need asks that the offer addresses.
    pub need_coverage: f64,
    /// The share of what the offer is about that the need asks for.
    pub offer_coverage: f64,
    pub shared_terms: Vec<String>,
}

pub fn topic(offer: &TopicProfile, need: &TopicProfile) -> Topic {
    let need_coverage = need.covered_by(offer);
    let offer_coverage = offer.covered_by(need);
    let value = if need_coverage > 0.0 && offer_coverage > 0.0 {
        need_coverage.powf(NEED_SHARE) * offer_coverage.powf(1.0 - NEED_SHARE)
    } else {
        0.0
    };
    Topic { value, need_coverage, offer_coverage, shared_terms: need.shared_with(offer, 10) }
}

#[cfg(test)]
mod tests;
