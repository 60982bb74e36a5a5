//! The index layout: every text twice — exact (lower-cased) and folded (no diacritics, đ→d) —
//! so that a query matches either way and exact spelling scores higher.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, TantivyDocument};

use crate::search::ListingDoc;
use crate::text::nfc;

pub const EXACT: &str = "vi_exact";
pub const FOLDED: &str = "vi_folded";
/// Longer tokens are noise (hashes, URLs) and are dropped.
pub const MAX_TOKEN_BYTES: usize = 40;
/// Microseconds since the epoch (named apart from the seconds an earlier version stored,
/// so that such an index is rebuilt rather than misread).
pub const PUBLISHED_AT: &str = "published_us";

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
}

fn text(analyzer: &str, stored: bool) -> TextOptions {
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
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
        title_exact: builder.add_text_field("title_exact", text(EXACT, false)),
        title_folded: builder.add_text_field("title_folded", text(FOLDED, true)),
        summary_exact: builder.add_text_field("summary_exact", text(EXACT, false)),
        summary_folded: builder.add_text_field("summary_folded", text(FOLDED, true)),
        body_exact: builder.add_text_field("body_exact", text(EXACT, false)),
        body_folded: builder.add_text_field("body_folded", text(FOLDED, false)),
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
    })
}

pub fn document(fields: &Fields, doc: &ListingDoc) -> TantivyDocument {
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
    out
}
