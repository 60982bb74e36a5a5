//! The match score, as a broker reasons. Pure.
//!
//! Topical relevance is a gate: without it nothing else counts. Hard constraints exclude
//! (the offer's TRL two or more below the need's minimum, a price above twice the budget's
//! maximum, no right or method in common); soft misses lower the fit (TRL one below, price
//! within twice the budget); field, province and strategic tags only order near-equals.
//! Every part is kept, with what it compared, and an excluded pair says why.

use serde::{Deserialize, Serialize};

use super::topic::{self, TopicProfile};
use crate::config::MatchingSettings;
use crate::i18n::Lang;

/// What scoring needs to know of one side.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub topic: std::sync::Arc<TopicProfile>,
    pub fields: Vec<String>,
    pub tags: Vec<String>,
    /// What the buyer receives, as the listing offers or accepts it: rights (assignment,
    /// licence) and methods (documents, training, expert assistance, machinery with the
    /// technology). Forms and licence scopes describe the deal and are left out.
    pub receives: Vec<String>,
    pub province: String,
    pub trl: Option<i32>,
    /// Offers.
    pub price: Option<i64>,
    pub negotiable: bool,
    /// Needs.
    pub budget_min: Option<i64>,
    pub budget_max: Option<i64>,
}

/// What earlier answers taught about a pair's two listings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lessons {
    /// The need declined an offer of this TRL as too low.
    pub need_declined_trl: Option<i32>,
    /// One side declined a match as "already solved": its listing gets no new proposals.
    pub offer_solved: bool,
    pub need_solved: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub floor: f64,
    pub trl_one_below: f64,
    pub price_over_budget: f64,
    pub tie_field: f64,
    pub tie_province: f64,
    pub tie_tag: f64,
}

impl Rules {
    pub fn from_settings(settings: &MatchingSettings) -> Rules {
        Rules {
            floor: settings.floor,
            trl_one_below: settings.trl_one_below.clamp(0.0, 1.0),
            price_over_budget: settings.price_over_budget.clamp(0.0, 1.0),
            tie_field: settings.ties.field.max(0.0),
            tie_province: settings.ties.province.max(0.0),
            tie_tag: settings.ties.strategic_tag.max(0.0),
        }
    }
}

/// Why a pair is not proposed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Exclusion {
    /// Too little of what the need asks is what the offer is about.
    NotTopical {
        topic: f64,
        floor: f64,
    },
    TrlTooLow {
        offer_trl: i32,
        need_min_trl: i32,
    },
    OverBudget {
        price_vnd: i64,
        budget_max_vnd: i64,
    },
    /// Nothing the buyer would receive in common.
    NoCommonMode {
        offer: Vec<String>,
        need: Vec<String>,
    },
    /// Topical, but soft misses took the fit below the floor.
    BelowFloor {
        fit: f64,
        floor: f64,
    },
    /// The need declined an offer of this TRL or higher as too low.
    DeclinedTrl {
        offer_trl: i32,
        declined_trl: i32,
    },
    /// A side declined a match as already solved: no new proposals for it.
    AlreadySolved {
        side: String,
    },
}

fn money(vnd: i64) -> String {
    let digits = vnd.unsigned_abs().to_string();
    let mut out = String::new();
    for (n, c) in digits.chars().enumerate() {
        if n > 0 && (digits.len() - n).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} ₫")
}

impl Exclusion {
    /// One line for a moderator: "excluded: TRL 4, at least 7 asked".
    pub fn describe(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            Exclusion::NotTopical { topic, floor } => (
                format!("loại: không cùng chủ đề (mức liên quan {topic:.2}, cần ít nhất {floor:.2})"),
                format!("excluded: not on the same subject (topic {topic:.2}, at least {floor:.2} needed)"),
            ),
            Exclusion::TrlTooLow { offer_trl, need_min_trl } => (
                format!("loại: TRL {offer_trl}, bên cần yêu cầu ít nhất {need_min_trl}"),
                format!("excluded: TRL {offer_trl}, at least {need_min_trl} asked"),
            ),
            Exclusion::OverBudget { price_vnd, budget_max_vnd } => (
                format!("loại: giá {} vượt quá hai lần ngân sách tối đa {}", money(*price_vnd), money(*budget_max_vnd)),
                format!(
                    "excluded: price {} is above twice the maximum budget {}",
                    money(*price_vnd),
                    money(*budget_max_vnd)
                ),
            ),
            Exclusion::NoCommonMode { offer, need } => (
                format!(
                    "loại: không có phương thức chuyển giao chung (bên bán: {}; bên cần: {})",
                    offer.join(", "),
                    need.join(", ")
                ),
                format!(
                    "excluded: no transfer mode in common (offered: {}; accepted: {})",
                    offer.join(", "),
                    need.join(", ")
                ),
            ),
            Exclusion::BelowFloor { fit, floor } => (
                format!("loại: độ phù hợp {fit:.2} sau khi trừ điểm, dưới ngưỡng {floor:.2}"),
                format!("excluded: fit {fit:.2} after penalties, below the floor {floor:.2}"),
            ),
            Exclusion::DeclinedTrl { offer_trl, declined_trl } => (
                format!("loại: TRL {offer_trl}, bên cần đã từ chối TRL {declined_trl} vì còn thấp"),
                format!("excluded: TRL {offer_trl}, the need declined TRL {declined_trl} as too low"),
            ),
            Exclusion::AlreadySolved { side } => (
                format!(
                    "loại: bên {} đã báo vấn đề đã được giải quyết",
                    if side == "offer" { "chào bán" } else { "cần" }
                ),
                format!("excluded: the {side} side said it is already solved"),
            ),
        };
        lang.pick(&vi, &en).to_owned()
    }
}

/// gate, constraint or tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartRole {
    /// Without it, no proposal.
    Gate,
    /// Excludes, or lowers the fit.
    #[default]
    Constraint,
    /// Orders near-equals.
    Tie,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScorePart {
    /// topic, trl, price, transfer_mode, field, province, strategic_tag.
    pub name: String,
    #[serde(default)]
    pub role: PartRole,
    /// How well this aspect fits, 0 to 1 (for a constraint, the share of the fit it keeps).
    pub value: f64,
    /// For a tie, what a full fit adds; for the gate and constraints, 1.
    pub weight: f64,
    /// What it changed in the score.
    pub contribution: f64,
    /// What was compared.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Score {
    /// The fit plus the ties, 0 to 1: the order of proposals.
    pub total: f64,
    /// The topic times what the soft misses keep: what the floor and the margin judge.
    #[serde(default)]
    pub fit: f64,
    pub parts: Vec<ScorePart>,
    /// Why the pair is not to be proposed, if it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<Exclusion>,
}

/// Different codes of one family: one inside the other, or children of one parent.
fn related(a: &str, b: &str) -> bool {
    let parent = |code: &str| -> String {
        match code.len() {
            0 | 1 => code.to_owned(),
            3 => code[..1].to_owned(),
            n => code[..n - 2].to_owned(),
        }
    };
    a != b && (a.starts_with(b) || b.starts_with(a) || parent(a) == parent(b))
}

fn part(
    name: &str,
    role: PartRole,
    value: f64,
    weight: f64,
    contribution: f64,
    detail: serde_json::Value,
) -> ScorePart {
    ScorePart { name: name.to_owned(), role, value, weight, contribution, detail }
}

/// Scores an (offer, need) pair.
pub fn assess(offer: &Profile, need: &Profile, rules: &Rules, lessons: &Lessons) -> Score {
    let topic = topic::topic(&offer.topic, &need.topic);
    let mut excluded: Option<Exclusion> = None;
    let mut exclude = |e: Exclusion| {
        if excluded.is_none() {
            excluded = Some(e);
        }
    };
    if lessons.need_solved {
        exclude(Exclusion::AlreadySolved { side: "need".into() });
    }
    if lessons.offer_solved {
        exclude(Exclusion::AlreadySolved { side: "offer".into() });
    }
    if let (Some(have), Some(declined)) = (offer.trl, lessons.need_declined_trl)
        && have <= declined
    {
        exclude(Exclusion::DeclinedTrl { offer_trl: have, declined_trl: declined });
    }
    if topic.value < rules.floor {
        exclude(Exclusion::NotTopical { topic: topic.value, floor: rules.floor });
    }

    let (trl_value, trl_verdict) = match (offer.trl, need.trl) {
        (Some(have), Some(want)) if have <= want - 2 => {
            exclude(Exclusion::TrlTooLow { offer_trl: have, need_min_trl: want });
            (0.0, "excluded")
        }
        (Some(have), Some(want)) if have == want - 1 => (rules.trl_one_below, "one_below"),
        (Some(_), Some(_)) => (1.0, "fits"),
        _ => (1.0, "not_stated"),
    };
    let (price_value, price_verdict) = match (offer.price, need.budget_max) {
        _ if offer.negotiable => (1.0, "negotiable"),
        (Some(price), Some(max)) if price > max.saturating_mul(2) => {
            exclude(Exclusion::OverBudget { price_vnd: price, budget_max_vnd: max });
            (0.0, "excluded")
        }
        (Some(price), Some(max)) if price > max => (rules.price_over_budget, "within_twice"),
        (Some(_), Some(_)) => (1.0, "fits"),
        _ => (1.0, "not_stated"),
    };
    let common: Vec<&String> = offer.receives.iter().filter(|m| need.receives.contains(m)).collect();
    let mode_value = if offer.receives.is_empty() || need.receives.is_empty() {
        1.0
    } else if common.is_empty() {
        exclude(Exclusion::NoCommonMode { offer: offer.receives.clone(), need: need.receives.clone() });
        0.0
    } else {
        1.0
    };
    let fit = topic.value * trl_value * price_value * mode_value;
    if fit < rules.floor {
        exclude(Exclusion::BelowFloor { fit, floor: rules.floor });
    }

    let same_field: Vec<&String> = offer.fields.iter().filter(|f| need.fields.contains(f)).collect();
    let related_fields: Vec<&String> =
        offer.fields.iter().filter(|f| !need.fields.contains(f) && need.fields.iter().any(|n| related(f, n))).collect();
    let field_value = if !same_field.is_empty() {
        1.0
    } else if !related_fields.is_empty() {
        0.5
    } else {
        0.0
    };
    let province_value = if offer.province == need.province { 1.0 } else { 0.0 };
    let common_tags: Vec<&String> = offer.tags.iter().filter(|t| need.tags.contains(t)).collect();
    let tag_value = if common_tags.is_empty() { 0.0 } else { 1.0 };
    let ties = field_value * rules.tie_field + province_value * rules.tie_province + tag_value * rules.tie_tag;
    let total = (fit + ties).clamp(0.0, 1.0);

    let parts = vec![
        part(
            "topic",
            PartRole::Gate,
            topic.value,
            1.0,
            topic.value,
            serde_json::json!({
                "need_coverage": topic.need_coverage,
                "offer_coverage": topic.offer_coverage,
                "shared_terms": topic.shared_terms,
                "floor": rules.floor,
            }),
        ),
        part(
            "trl",
            PartRole::Constraint,
            trl_value,
            1.0,
            topic.value * (trl_value - 1.0),
            serde_json::json!({ "offer_trl": offer.trl, "need_min_trl": need.trl, "verdict": trl_verdict }),
        ),
        part(
            "price",
            PartRole::Constraint,
            price_value,
            1.0,
            topic.value * trl_value * (price_value - 1.0),
            serde_json::json!({
                "offer_price_vnd": offer.price,
                "negotiable": offer.negotiable,
                "need_budget_min_vnd": need.budget_min,
                "need_budget_max_vnd": need.budget_max,
                "verdict": price_verdict,
            }),
        ),
        part(
            "transfer_mode",
            PartRole::Constraint,
            mode_value,
            1.0,
            topic.value * trl_value * price_value * (mode_value - 1.0),
            serde_json::json!({ "common": common, "offer": offer.receives, "need": need.receives }),
        ),
        part(
            "field",
            PartRole::Tie,
            field_value,
            rules.tie_field,
            field_value * rules.tie_field,
            serde_json::json!({ "same_field": same_field, "same_parent": related_fields }),
        ),
        part(
            "province",
            PartRole::Tie,
            province_value,
            rules.tie_province,
            province_value * rules.tie_province,
            serde_json::json!({ "offer": offer.province, "need": need.province }),
        ),
        part(
            "strategic_tag",
            PartRole::Tie,
            tag_value,
            rules.tie_tag,
            tag_value * rules.tie_tag,
            serde_json::json!({ "common": common_tags }),
        ),
    ];
    Score { total, fit, parts, excluded }
}

#[cfg(test)]
mod tests;
