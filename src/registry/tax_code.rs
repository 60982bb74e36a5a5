//! Vietnamese enterprise tax codes (mã số thuế): 10 digits with a check digit, or a branch
//! code of those 10 digits, a hyphen and 001–999.

use std::fmt;

use crate::error::{FieldError, Text};

const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaxCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxCodeError {
    Format,
    CheckDigit,
    Branch,
}

impl TaxCode {
    /// Accepts spaces and dots as separators ("0100 109 106", "0100.109.106") and a
    /// branch suffix with or without its hyphen; stores the canonical form.
    pub fn parse(raw: &str) -> Result<TaxCode, TaxCodeError> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
        if !compact.is_ascii() {
            return Err(TaxCodeError::Format);
        }
        let (main, branch) = match compact.split_once('-') {
            Some((main, branch)) => (main, Some(branch)),
            None if compact.len() == 13 => (&compact[..10], Some(&compact[10..])),
            None => (compact.as_str(), None),
        };
        if main.len() != 10 || !main.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TaxCodeError::Format);
        }
        let digits: Vec<u32> = main.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = WEIGHTS.iter().zip(&digits).map(|(w, d)| w * d).sum();
        let check = 10 - sum % 11;
        if check == 10 || check != digits[9] {
            return Err(TaxCodeError::CheckDigit);
        }
        match branch {
            None => Ok(TaxCode(main.to_owned())),
            Some(branch) if branch.len() == 3 && branch.bytes().all(|b| b.is_ascii_digit()) && branch != "000" => {
                Ok(TaxCode(format!("{main}-{branch}")))
            }
            Some(_) => Err(TaxCodeError::Branch),
        }
    }

    pub fn parse_field(field: &'static str, raw: &str) -> Result<TaxCode, FieldError> {
        Self::parse(raw).map_err(|error| {
            let (code, message) = match error {
                TaxCodeError::Format => (
                    "invalid_format",
                    Text::new(
                        "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số của chi nhánh.",
                        "A tax code has 10 digits, or 10 digits, a hyphen and a 3-digit branch number.",
                    ),
                ),
                TaxCodeError::CheckDigit => (
                    "invalid_check_digit",
                    Text::new(
                        "Mã số thuế không hợp lệ: chữ số kiểm tra không khớp.",
                        "This tax code is not valid: its check digit does not match.",
                    ),
                ),
                TaxCodeError::Branch => (
                    "invalid_branch",
                    Text::new("Số chi nhánh phải từ 001 đến 999.", "The branch number must be between 001 and 999."),
                ),
            };
            FieldError::new(field, code, message)
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TaxCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_documented_examples() {
        for valid in ["0100109106", "0101248141", "0300588569", "0100233488"] {
            assert_eq!(TaxCode::parse(valid).unwrap().as_str(), valid);
        }
        assert_eq!(TaxCode::parse("0314409058-002").unwrap().as_str(), "0314409058-002");
        assert_eq!(TaxCode::parse("0100233480"), Err(TaxCodeError::CheckDigit));
    }

    #[test]
    fn normalises_separators() {
        assert_eq!(TaxCode::parse(" 0100 109 106 ").unwrap().as_str(), "0100109106");
        assert_eq!(TaxCode::parse("0100.109.106").unwrap().as_str(), "0100109106");
        assert_eq!(TaxCode::parse("0314409058002").unwrap().as_str(), "0314409058-002");
        assert_eq!(TaxCode::parse("0314 409 058 - 002").unwrap().as_str(), "0314409058-002");
    }

    #[test]
    fn refuses_malformed_codes() {
        for bad in ["", "123", "01001091060", "010010910a", "0100109106-", "-001", "abcdefghij", "０１００１０９１０６"]
        {
            assert!(TaxCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(TaxCode::parse("0314409058-000"), Err(TaxCodeError::Branch));
        assert_eq!(TaxCode::parse("0314409058-1"), Err(TaxCodeError::Branch));
        assert_eq!(TaxCode::parse("0314409058-0021"), Err(TaxCodeError::Branch));
        assert_eq!(TaxCode::parse("0314409058-00a"), Err(TaxCodeError::Branch));
    }

    fn check_digit(nine: &[u32]) -> Option<u32> {
        let sum: u32 = WEIGHTS.iter().zip(nine).map(|(w, d)| w * d).sum();
        let check = 10 - sum % 11;
        (check < 10).then_some(check)
    }

    proptest! {
        #[test]
        fn never_panics(raw in "\\PC{0,40}") {
            let _ = TaxCode::parse(&raw);
        }

        #[test]
        fn canonical_forms_round_trip(digits in proptest::collection::vec(0u32..10, 9), branch in proptest::option::of(1u32..1000)) {
            if let Some(check) = check_digit(&digits) {
                let main: String = digits.iter().chain(std::iter::once(&check)).map(|d| char::from_digit(*d, 10).unwrap()).collect();
                let raw = match branch { Some(b) => format!("{main}-{b:03}"), None => main.clone() };
                let parsed = TaxCode::parse(&raw).unwrap();
                prop_assert_eq!(parsed.as_str(), raw.as_str());
                prop_assert_eq!(TaxCode::parse(parsed.as_str()).unwrap(), parsed);
            }
        }

        #[test]
        fn any_wrong_check_digit_is_refused(digits in proptest::collection::vec(0u32..10, 9), wrong in 0u32..10) {
            if check_digit(&digits) != Some(wrong) {
                let raw: String = digits.iter().chain(std::iter::once(&wrong)).map(|d| char::from_digit(*d, 10).unwrap()).collect();
                prop_assert_eq!(TaxCode::parse(&raw), Err(TaxCodeError::CheckDigit));
            }
        }
    }
}
