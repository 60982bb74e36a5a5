//! The index layout: every text twice — exact (lower-cased) and folded (no diacritics, đ→d) —
//! so that a query matches either way and exact spelling scores higher.
//!
//! What matches is decided on two fields that hold all of a listing's text (one posting
//! list per word, so that the engine can skip what cannot reach the page); the per-field
//! terms only score the hits found that way. A listing's result card is stored whole, so
//! that a results page is drawn without reading the database.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, TantivyDocument};

use std::collections::HashSet;

use tantivy::tokenizer::TokenStream;

use crate::search::ListingDoc;
use crate::text::nfc;
use crate::vocabulary::Vocabulary;

pub const EXACT: &str = "vi_exact";
pub const FOLDED: &str = "vi_folded";
/// Longer tokens are noise (hashes, URLs) and are dropped.
pub const MAX_TOKEN_BYTES: usize = 40;
/// Microseconds since the epoch (named apart from the seconds an earlier version stored,
/// so that such an index is rebuilt rather than misread).
pub const PUBLISHED_AT: &str = "published_us";
const ALL_FOLDED: &str = "all_folded";
const ALL_EXACT: &str = "all_exact";
/// Named with the version of what it holds: an index without it is rebuilt.
const CARD: &str = "card_v1";
const PROFILE: &str = "profile_v1";
/// The vocabulary's terms of several words found in a listing, one term each.
const VARIANT_PHRASES: &str = "variant_phrases_v1";

pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .build()
}

pub fn folded_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn register_analyzers(index: &Index) {
    index.tokenizers().register(EXACT, exact_analyzer());
    index.tokenizers().register(FOLDED, folded_analyzer());
}

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub kind: Field,
    pub org_id: Field,
    pub province: Field,
    pub st_field: Field,
    pub tag: Field,
    pub mode: Field,
    pub trl: Field,
    pub price: Field,
    pub budget_min: Field,
    pub budget_max: Field,
    pub published_at: Field,
    pub title_exact: Field,
    pub title_folded: Field,
    pub summary_exact: Field,
    pub summary_folded: Field,
    pub body_exact: Field,
    pub body_folded: Field,
    /// Title, summary and the rest, folded: what decides whether a word matches.
    pub all_folded: Field,
    /// The same, as spelled: for the vocabulary's one-word variants, which must not fold.
    pub all_exact: Field,
    /// The vocabulary's variants of several words that the listing holds as spelled, each
    /// one term ("phân hữu cơ"): a variant is then one posting list, skipped through like
    /// a word, rather than a phrase whose every candidate's positions must be read.
    pub variant_phrases: Field,
    /// The listing as a result shows it (JSON, opaque to the index).
    pub card: Field,
    /// What matching reads of the listing (opaque to the index).
    pub profile: Field,
}

/// `positions` where phrases are searched in the field (the vocabulary's variants).
fn text(analyzer: &str, stored: bool, positions: bool) -> TextOptions {
    let record = if positions { IndexRecordOption::WithFreqsAndPositions } else { IndexRecordOption::WithFreqs };
    let options = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(record));
    if stored { options.set_stored() } else { options }
}

pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        kind: builder.add_text_field("kind", STRING | FAST),
        org_id: builder.add_text_field("org_id", STRING),
        province: builder.add_text_field("province", STRING | FAST),
        st_field: builder.add_text_field("st_field", STRING | FAST),
        tag: builder.add_text_field("tag", STRING | FAST),
        mode: builder.add_text_field("transfer_mode", STRING | FAST),
        trl: builder.add_u64_field("trl", INDEXED | FAST),
        price: builder.add_i64_field("price", INDEXED | FAST),
        budget_min: builder.add_i64_field("budget_min", INDEXED | FAST),
        budget_max: builder.add_i64_field("budget_max", INDEXED | FAST),
        published_at: builder.add_i64_field(PUBLISHED_AT, INDEXED | FAST),
        title_exact: builder.add_text_field("title_exact", text(EXACT, false, true)),
        title_folded: builder.add_text_field("title_folded", text(FOLDED, true, false)),
        summary_exact: builder.add_text_field("summary_exact", text(EXACT, false, true)),
        summary_folded: builder.add_text_field("summary_folded", text(FOLDED, true, false)),
        body_exact: builder.add_text_field("body_exact", text(EXACT, false, true)),
        body_folded: builder.add_text_field("body_folded", text(FOLDED, false, false)),
        all_folded: builder.add_text_field(ALL_FOLDED, text(FOLDED, false, false)),
        all_exact: builder.add_text_field(ALL_EXACT, text(EXACT, false, false)),
        variant_phrases: builder.add_text_field(VARIANT_PHRASES, text("raw", false, false)),
        card: builder.add_text_field(CARD, STORED),
        profile: builder.add_text_field(PROFILE, STORED),
    };
    (builder.build(), fields)
}

pub fn fields_of(schema: &Schema) -> Result<Fields, tantivy::TantivyError> {
    let field = |name: &str| schema.get_field(name);
    Ok(Fields {
        id: field("id")?,
        kind: field("kind")?,
        org_id: field("org_id")?,
        province: field("province")?,
        st_field: field("st_field")?,
        tag: field("tag")?,
        mode: field("transfer_mode")?,
        trl: field("trl")?,
        price: field("price")?,
        budget_min: field("budget_min")?,
        budget_max: field("budget_max")?,
        published_at: field(PUBLISHED_AT)?,
        title_exact: field("title_exact")?,
        title_folded: field("title_folded")?,
        summary_exact: field("summary_exact")?,
        summary_folded: field("summary_folded")?,
        body_exact: field("body_exact")?,
        body_folded: field("body_folded")?,
        all_folded: field(ALL_FOLDED)?,
        all_exact: field(ALL_EXACT)?,
        variant_phrases: field(VARIANT_PHRASES)?,
        card: field(CARD)?,
        profile: field(PROFILE)?,
    })
}

pub fn document(fields: &Fields, phrases: &VariantPhrases, doc: &ListingDoc) -> TantivyDocument {
    let mut out = TantivyDocument::default();
    out.add_text(fields.id, &doc.id);
    out.add_text(fields.kind, &doc.kind);
    out.add_text(fields.org_id, &doc.org_id);
    out.add_text(fields.province, &doc.province);
    for code in &doc.st_fields {
        out.add_text(fields.st_field, code);
    }
    for code in &doc.tags {
        out.add_text(fields.tag, code);
    }
    for code in &doc.modes {
        out.add_text(fields.mode, code);
    }
    if let Some(trl) = doc.trl {
        out.add_u64(fields.trl, trl);
    }
    if let Some(price) = doc.price_vnd {
        out.add_i64(fields.price, price);
    }
    if let Some(min) = doc.budget_min_vnd {
        out.add_i64(fields.budget_min, min);
    }
    if let Some(max) = doc.budget_max_vnd {
        out.add_i64(fields.budget_max, max);
    }
    out.add_i64(fields.published_at, doc.published_at);
    let title = nfc(&doc.title_vi);
    let summary = nfc(&doc.summary);
    let body = nfc(&format!("{} {} {}", doc.title_en, doc.keywords.join(" "), doc.description));
    out.add_text(fields.title_exact, &title);
    out.add_text(fields.title_folded, &title);
    out.add_text(fields.summary_exact, &summary);
    out.add_text(fields.summary_folded, &summary);
    out.add_text(fields.body_exact, &body);
    out.add_text(fields.body_folded, &body);
    // Each part on its own, so that no phrase runs from one into the next.
    for part in [&title, &summary, &body] {
        out.add_text(fields.all_folded, part);
        out.add_text(fields.all_exact, part);
        for phrase in phrases.found_in(part) {
            out.add_text(fields.variant_phrases, &phrase);
        }
    }
    out.add_text(fields.card, &doc.card);
    out.add_text(fields.profile, &doc.profile);
    out
}

/// The vocabulary's variants of several words, as the exact field spells them: what a
/// listing holds of them is indexed as one term each (see [`Fields::variant_phrases`]).
#[derive(Debug, Default)]
pub struct VariantPhrases {
    known: HashSet<String>,
    longest: usize,
}

impl VariantPhrases {
    /// The terms a search may put in place of another (see [`Vocabulary::alternatives`]):
    /// never an ambiguous one.
    pub fn of(vocabulary: &Vocabulary) -> VariantPhrases {
        let mut phrases = VariantPhrases::default();
        for term in vocabulary.terms().iter().filter(|t| !t.ambiguous) {
            let words = Vocabulary::words_of(term);
            if words.len() > 1 {
                phrases.longest = phrases.longest.max(words.len());
                phrases.known.insert(phrase_key(&words));
            }
        }
        phrases
    }

    /// The known phrases in a text, once per occurrence: runs of consecutive words of the
    /// exact field, as a phrase search there would find them.
    pub fn found_in(&self, text: &str) -> Vec<String> {
        if self.known.is_empty() {
            return Vec::new();
        }
        let mut words: Vec<(usize, String)> = Vec::new();
        let mut analyzer = exact_analyzer();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let token = stream.token();
            words.push((token.position, token.text.clone()));
        }
        let mut found = Vec::new();
        for start in 0..words.len() {
            let mut key = words[start].1.clone();
            for end in start + 1..words.len().min(start + self.longest) {
                // A word the analyzer dropped (too long) breaks the run, as it breaks a phrase.
                if words[end].0 != words[end - 1].0 + 1 {
                    break;
                }
                key.push(' ');
                key.push_str(&words[end].1);
                if self.known.contains(&key) {
                    found.push(key.clone());
                }
            }
        }
        found
    }
}

/// A phrase as [`Fields::variant_phrases`] holds it: its words, one space between.
pub fn phrase_key(words: &[String]) -> String {
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use tantivy::schema::Value;

    use super::*;
    use crate::vocabulary::VariantTerm;

    fn vocabulary() -> Vocabulary {
        let term = |group: &str, term: &str, ambiguous: bool| VariantTerm {
            group: group.into(),
            term: term.into(),
            lang: "vi".into(),
            region: "any".into(),
            note: None,
            ambiguous,
        };
        Vocabulary::new(
            "t",
            vec![
                term("compost", "phân hữu cơ", false),
                term("compost", "phân bón hữu cơ", false),
                term("compost", "compost", false),
                term("maize", "bắp", true),
                term("maize", "ngô", false),
                term("maize", "bắp ngọt", true),
            ],
        )
    }

    #[test]
    fn every_occurrence_of_a_phrase_of_several_words_is_found_as_spelled() {
        let phrases = VariantPhrases::of(&vocabulary());
        assert_eq!(
            phrases.found_in("Phân bón hữu cơ vi sinh; phân hữu cơ từ rơm, PHÂN HỮU CƠ"),
            ["phân bón hữu cơ", "phân hữu cơ", "phân hữu cơ"]
        );
        // Folded text is not the exact spelling; one-word and ambiguous terms are left to
        // the other fields.
        assert!(phrases.found_in("phan huu co, compost, bắp ngọt").is_empty());
    }

    #[test]
    fn a_phrase_does_not_run_over_a_dropped_word() {
        let phrases = VariantPhrases::of(&vocabulary());
        let long = "x".repeat(MAX_TOKEN_BYTES + 1);
        assert!(phrases.found_in(&format!("phân {long} hữu cơ")).is_empty());
        assert_eq!(phrases.found_in(&format!("{long} phân hữu cơ")), ["phân hữu cơ"]);
    }

    #[test]
    fn a_listing_holds_the_phrases_of_each_part_but_none_across_parts() {
        let (_, fields) = build();
        let phrases = VariantPhrases::of(&vocabulary());
        let listing = ListingDoc::with_text("l1", "Sản xuất phân", "hữu cơ từ rơm rạ", "Phân hữu cơ cho lúa");
        let doc = document(&fields, &phrases, &listing);
        let held: Vec<&str> = doc.get_all(fields.variant_phrases).filter_map(|v| v.as_str()).collect();
        assert_eq!(held, ["phân hữu cơ"]);
    }
}
