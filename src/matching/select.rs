//! Which of a listing's scored candidates are proposed. Pure.
//!
//! Only candidates that nothing excludes, whose fit is above the floor (see the score) and
//! within a margin of the best candidate's, and at most a few per run: every proposal is
//! an email to two organizations.

use serde::Serialize;

use super::score::Exclusion;
use crate::i18n::Lang;

/// A pair's match as it stands before the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Existing {
    None,
    /// Still waiting for answers: re-scored, never proposed twice.
    Open,
    /// Answered or ended (declined, connected, closed, …): never proposed again.
    Settled(String),
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub fit: f64,
    pub excluded: Option<Exclusion>,
    pub existing: Existing,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Proposed,
    /// Already suggested or requested: its score is refreshed.
    Refreshed,
    Excluded {
        exclusion: Exclusion,
    },
    /// Settled before (declined, connected, closed…): left as it is.
    AlreadyMatched {
        state: String,
    },
    /// Fit too far below the best candidate's.
    FarFromBest {
        fit: f64,
        best: f64,
    },
    /// Good enough, but the run already proposed its most.
    OverLimit,
}

impl Outcome {
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Outcome::Proposed => lang.pick("đề xuất", "proposed").to_owned(),
            Outcome::Refreshed => {
                lang.pick("đã đề xuất trước, cập nhật điểm", "proposed before, score refreshed").to_owned()
            }
            Outcome::Excluded { exclusion } => exclusion.describe(lang),
            Outcome::AlreadyMatched { state } => match lang {
                Lang::Vi => format!("đã có kết nối ({state}), không đề xuất lại"),
                Lang::En => format!("matched before ({state}), not proposed again"),
            },
            Outcome::FarFromBest { fit, best } => match lang {
                Lang::Vi => format!("không đề xuất: độ phù hợp {fit:.2}, kém xa ứng viên tốt nhất ({best:.2})"),
                Lang::En => format!("not proposed: fit {fit:.2}, far below the best candidate ({best:.2})"),
            },
            Outcome::OverLimit => lang
                .pick("không đề xuất: đã đủ số đề xuất của lượt này", "not proposed: this run proposed its most")
                .to_owned(),
        }
    }
}

/// The outcome of each choice, given in the order they rank (best first).
pub fn select(choices: &[Choice], margin: f64, max_new: usize) -> Vec<Outcome> {
    let eligible = |c: &Choice| c.excluded.is_none() && !matches!(c.existing, Existing::Settled(_));
    let best = choices.iter().filter(|c| eligible(c)).map(|c| c.fit).fold(0.0_f64, f64::max);
    let near = best * (1.0 - margin.clamp(0.0, 1.0));
    let mut proposed = 0;
    choices
        .iter()
        .map(|choice| {
            if let Some(exclusion) = &choice.excluded {
                return Outcome::Excluded { exclusion: exclusion.clone() };
            }
            if let Existing::Settled(state) = &choice.existing {
                return Outcome::AlreadyMatched { state: state.clone() };
            }
            if choice.fit < near {
                return Outcome::FarFromBest { fit: choice.fit, best };
            }
            if choice.existing == Existing::Open {
                return Outcome::Refreshed;
            }
            if proposed < max_new {
                proposed += 1;
                Outcome::Proposed
            } else {
                Outcome::OverLimit
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(fit: f64) -> Choice {
        Choice { fit, excluded: None, existing: Existing::None }
    }

    #[test]
    fn the_best_and_those_near_it_at_most_the_limit() {
        let outcomes = select(&[choice(0.8), choice(0.7), choice(0.5), choice(0.47)], 0.4, 3);
        assert_eq!(
            outcomes,
            vec![
                Outcome::Proposed,
                Outcome::Proposed,
                Outcome::Proposed,
                Outcome::FarFromBest { fit: 0.47, best: 0.8 }
            ]
        );
        let limited = select(&[choice(0.8), choice(0.79), choice(0.78), choice(0.77)], 0.4, 3);
        assert_eq!(limited[3], Outcome::OverLimit);
    }

    #[test]
    fn excluded_and_settled_neither_count_nor_set_the_best() {
        let excluded = Choice {
            fit: 0.9,
            excluded: Some(Exclusion::TrlTooLow { offer_trl: 4, need_min_trl: 7 }),
            existing: Existing::None,
        };
        let declined = Choice { fit: 0.85, excluded: None, existing: Existing::Settled("declined".into()) };
        let outcomes = select(&[excluded, declined, choice(0.5)], 0.4, 3);
        assert!(matches!(outcomes[0], Outcome::Excluded { .. }));
        assert_eq!(outcomes[1], Outcome::AlreadyMatched { state: "declined".into() });
        assert_eq!(outcomes[2], Outcome::Proposed, "the best eligible one is the measure");
    }

    #[test]
    fn an_open_match_is_refreshed_not_proposed_again() {
        let open = Choice { fit: 0.8, excluded: None, existing: Existing::Open };
        assert_eq!(select(&[open, choice(0.7)], 0.4, 1), vec![Outcome::Refreshed, Outcome::Proposed]);
    }

    #[test]
    fn nothing_to_choose_from() {
        assert!(select(&[], 0.4, 3).is_empty());
    }
}
