//! The match score: a weighted sum of parts that each say why. Pure.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::config::MatchWeights;
use crate::text::fold;

/// What scoring needs to know of one side.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Title, summary and keywords.
    pub texts: Vec<String>,
    pub fields: Vec<String>,
    pub tags: Vec<String>,
    pub modes: Vec<String>,
    pub province: String,
    pub trl: Option<i32>,
    /// Offers.
    pub price: Option<i64>,
    pub negotiable: bool,
    /// Needs.
    pub budget_min: Option<i64>,
    pub budget_max: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScorePart {
    /// text, field, trl, price, transfer_mode, province, strategic_tag.
    pub name: String,
    /// How well this aspect fits, 0 to 1.
    pub value: f64,
    pub weight: f64,
    /// `value × weight`, what it adds to the score.
    pub contribution: f64,
    /// What was compared.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Score {
    /// 0 to 1.
    pub total: f64,
    pub parts: Vec<ScorePart>,
}

/// Syllables and pairs that every listing uses and that say nothing about the technology.
const STOP_SYLLABLES: &[&str] = &[
    "can", "cho", "va", "cua", "cac", "nhung", "voi", "trong", "de", "la", "duoc", "tu", "tai", "theo", "mot", "bang",
    "o", "co", "khong", "nay", "do", "ve", "tren", "cung", "nhu", "hoac",
];
const GENERIC_PAIRS: &[&str] =
    &["cong nghe", "giai phap", "he thong", "thiet bi", "quy mo", "ung dung", "doanh nghiep"];

/// The distinctive terms of a text: pairs of adjacent syllables (Vietnamese words are
/// mostly two syllables), folded, without stop syllables and generic pairs.
pub fn terms(texts: &[String]) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    for text in texts {
        let syllables: Vec<String> =
            fold(text).split(|c: char| !c.is_alphanumeric()).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        for pair in syllables.windows(2) {
            if STOP_SYLLABLES.contains(&pair[0].as_str()) || STOP_SYLLABLES.contains(&pair[1].as_str()) {
                continue;
            }
            let joined = format!("{} {}", pair[0], pair[1]);
            if !GENERIC_PAIRS.contains(&joined.as_str()) {
                terms.insert(joined);
            }
        }
    }
    terms
}

fn text_part(offer: &Profile, need: &Profile) -> (f64, serde_json::Value) {
    let (a, b) = (terms(&offer.texts), terms(&need.texts));
    if a.is_empty() || b.is_empty() {
        return (0.0, serde_json::json!({ "shared_terms": [] }));
    }
    let shared: Vec<&String> = a.intersection(&b).collect();
    // Dice coefficient: shared terms against the terms of both sides.
    let value = (2 * shared.len()) as f64 / (a.len() + b.len()) as f64;
    (value, serde_json::json!({ "shared_terms": shared }))
}

/// A code's parent: the code without its last level (codes extend their parent's digits).
fn parent(code: &str) -> &str {
    match code.len() {
        0 | 1 => code,
        3 => &code[..1],
        n => &code[..n - 2],
    }
}

/// Different codes of one family: one inside the other, or children of one parent.
fn related(a: &str, b: &str) -> bool {
    a != b && (a.starts_with(b) || b.starts_with(a) || parent(a) == parent(b))
}

fn field_part(offer: &Profile, need: &Profile) -> (f64, serde_json::Value) {
    let same: Vec<&String> = offer.fields.iter().filter(|f| need.fields.contains(f)).collect();
    let same_parent: Vec<String> = offer
        .fields
        .iter()
        .filter(|f| !need.fields.contains(f))
        .filter(|f| need.fields.iter().any(|n| related(f, n)))
        .cloned()
        .collect();
    let value = if !same.is_empty() {
        1.0
    } else if !same_parent.is_empty() {
        0.5
    } else {
        0.0
    };
    (value, serde_json::json!({ "same_field": same, "same_parent": same_parent }))
}

fn trl_part(offer: &Profile, need: &Profile) -> (f64, serde_json::Value) {
    let value = match (offer.trl, need.trl) {
        (Some(have), Some(want)) if have >= want => 1.0,
        (Some(have), Some(want)) if have + 1 == want => 0.5,
        (Some(_), Some(_)) => 0.0,
        _ => 0.5,
    };
    (value, serde_json::json!({ "offer_trl": offer.trl, "need_min_trl": need.trl }))
}

fn price_part(offer: &Profile, need: &Profile) -> (f64, serde_json::Value) {
    // Cheaper than the budget is as good as within it; up to a fifth above is half a fit.
    let value = match (offer.price, need.budget_max) {
        (Some(price), Some(max)) if price <= max => 1.0,
        (Some(price), Some(max)) if price <= max + max / 5 => 0.5,
        (Some(_), Some(_)) => 0.0,
        _ => 0.5,
    };
    (
        value,
        serde_json::json!({
            "offer_price_vnd": offer.price,
            "negotiable": offer.negotiable,
            "need_budget_min_vnd": need.budget_min,
            "need_budget_max_vnd": need.budget_max,
        }),
    )
}

fn mode_part(offer: &Profile, need: &Profile) -> (f64, serde_json::Value) {
    let common: Vec<&String> = offer.modes.iter().filter(|m| need.modes.contains(m)).collect();
    let value = if !common.is_empty() {
        1.0
    } else if offer.modes.is_empty() || need.modes.is_empty() {
        0.5
    } else {
        0.0
    };
    (value, serde_json::json!({ "common": common }))
}

fn province_part(offer: &Profile, need: &Profile) -> (f64, serde_json::Value) {
    let value = if offer.province == need.province { 1.0 } else { 0.0 };
    (value, serde_json::json!({ "offer": offer.province, "need": need.province }))
}

fn tag_part(offer: &Profile, need: &Profile) -> (f64, serde_json::Value) {
    let common: Vec<&String> = offer.tags.iter().filter(|t| need.tags.contains(t)).collect();
    (if common.is_empty() { 0.0 } else { 1.0 }, serde_json::json!({ "common": common }))
}

pub fn score(offer: &Profile, need: &Profile, weights: &MatchWeights) -> Score {
    let parts: Vec<(&str, f64, (f64, serde_json::Value))> = vec![
        ("text", weights.text, text_part(offer, need)),
        ("field", weights.field, field_part(offer, need)),
        ("trl", weights.trl, trl_part(offer, need)),
        ("price", weights.price, price_part(offer, need)),
        ("transfer_mode", weights.transfer_mode, mode_part(offer, need)),
        ("province", weights.province, province_part(offer, need)),
        ("strategic_tag", weights.strategic_tag, tag_part(offer, need)),
    ];
    let total_weight: f64 = parts.iter().map(|(_, w, _)| w.max(0.0)).sum();
    let scale = if total_weight > 0.0 { 1.0 / total_weight } else { 0.0 };
    let parts: Vec<ScorePart> = parts
        .into_iter()
        .map(|(name, weight, (value, detail))| {
            let weight = weight.max(0.0) * scale;
            ScorePart { name: name.to_owned(), value, weight, contribution: value * weight, detail }
        })
        .collect();
    let total = parts.iter().map(|p| p.contribution).sum::<f64>().clamp(0.0, 1.0);
    Score { total, parts }
}

#[cfg(test)]
mod tests;
