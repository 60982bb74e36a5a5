//! Listing kinds and the small value types of a listing, which parse (or refuse) at the edge.

use crate::code_enum;
use crate::error::{FieldError, Text};

code_enum! {
    pub enum ListingKind {
        /// A technology offered for transfer.
        Offer => "offer",
        /// A business's technology demand.
        Need => "need",
    }
}

code_enum! {
    /// Intellectual property protecting the technology.
    pub enum IpStatus {
        PatentGranted => "patent_granted",
        PatentPending => "patent_pending",
        UtilitySolution => "utility_solution",
        KnowHow => "know_how",
        None => "none",
    }
}

/// Technology readiness level, 1 (basic principles) to 9 (proven in operation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Trl(u8);

impl Trl {
    pub fn parse(field: &'static str, value: i64) -> Result<Trl, FieldError> {
        match u8::try_from(value) {
            Ok(level @ 1..=9) => Ok(Trl(level)),
            _ => Err(FieldError::out_of_range(field, 1, 9)),
        }
    }

    pub fn level(self) -> u8 {
        self.0
    }
}

/// An amount in đồng: whole, not negative, below a million billion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Vnd(i64);

impl Vnd {
    pub const MAX: i64 = 1_000_000_000_000_000;

    pub fn parse(field: &'static str, value: i64) -> Result<Vnd, FieldError> {
        if (0..=Self::MAX).contains(&value) {
            Ok(Vnd(value))
        } else if value < 0 {
            Err(FieldError::new(
                field,
                "negative",
                Text::new("Số tiền không được âm.", "An amount cannot be negative."),
            ))
        } else {
            Err(FieldError::out_of_range(field, 0, Self::MAX))
        }
    }

    pub fn amount(self) -> i64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn trl_bounds() {
        assert!(Trl::parse("trl", 0).is_err());
        assert_eq!(Trl::parse("trl", 1).unwrap().level(), 1);
        assert_eq!(Trl::parse("trl", 9).unwrap().level(), 9);
        assert!(Trl::parse("trl", 10).is_err());
        assert!(Trl::parse("trl", -1).is_err());
        assert!(Trl::parse("trl", i64::MAX).is_err());
    }

    #[test]
    fn vnd_bounds() {
        assert_eq!(Vnd::parse("price", 0).unwrap().amount(), 0);
        assert_eq!(Vnd::parse("price", -1).unwrap_err().code, "negative");
        assert_eq!(Vnd::parse("price", Vnd::MAX + 1).unwrap_err().code, "out_of_range");
    }

    proptest! {
        #[test]
        fn trl_accepts_exactly_one_to_nine(value in any::<i64>()) {
            prop_assert_eq!(Trl::parse("trl", value).is_ok(), (1..=9).contains(&value));
        }

        #[test]
        fn vnd_round_trips_and_refuses_negatives(value in any::<i64>()) {
            match Vnd::parse("price", value) {
                Ok(vnd) => prop_assert_eq!(vnd.amount(), value),
                Err(_) => prop_assert!(!(0..=Vnd::MAX).contains(&value)),
            }
        }
    }
}
