//! CSV cells that a spreadsheet cannot take for a formula. Exports are public and their text
//! comes from users, so a title like `=HYPERLINK("http://evil.example","x")` must open as
//! text in Excel or LibreOffice, never as a live formula (OWASP's CSV injection rule).

use std::borrow::Cow;
use std::fmt::Display;

/// A cell starting with one of these is read as a formula, or (tab, carriage return) is
/// shifted by the spreadsheet into one that is.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The text as a spreadsheet will show it literally: prefixed with a single quote when it
/// begins like a formula, unchanged otherwise.
pub fn neutralise_formula(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// Number types a figure cell can be made from, so that no text passes as a figure.
pub trait Figure: Display {}

impl Figure for i32 {}
impl Figure for i64 {}
impl Figure for f64 {}

/// One cell of an exported row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, possibly typed by a user: neutralised when written.
    Text(String),
    /// A number the server formatted itself; a negative one keeps its minus sign so that
    /// the column stays numeric.
    Figure(String),
}

impl Cell {
    pub fn text(value: impl Into<String>) -> Cell {
        Cell::Text(value.into())
    }

    /// Text, or an empty cell for nothing.
    pub fn optional<T: ToString>(value: Option<T>) -> Cell {
        Cell::Text(value.map(|v| v.to_string()).unwrap_or_default())
    }

    /// A number, or an empty cell for nothing.
    pub fn figure<N: Figure>(value: Option<N>) -> Cell {
        Cell::Figure(value.map(|v| v.to_string()).unwrap_or_default())
    }

    /// What goes into the file.
    pub fn written(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(text) => neutralise_formula(text),
            Cell::Figure(number) => Cow::Borrowed(number),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formula_starts_get_a_quote() {
        for (text, written) in [
            (r#"=HYPERLINK("http://evil.example","x")"#, r#"'=HYPERLINK("http://evil.example","x")"#),
            ("+84 912 345 678", "'+84 912 345 678"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
        ] {
            assert_eq!(neutralise_formula(text), written, "{text:?}");
        }
    }

    #[test]
    fn other_text_is_unchanged() {
        for text in ["", "Công ty Cổ phần Sinh học Hà Nội", "2026-03-04", " =1+1", "'=1+1", "a=b", "12/DNKHCN", "\n=1"]
        {
            assert!(matches!(neutralise_formula(text), Cow::Borrowed(_)), "{text:?}");
        }
    }

    #[test]
    fn figures_keep_their_sign_and_text_does_not() {
        assert_eq!(Cell::figure(Some(-1.5)).written(), "-1.5");
        assert_eq!(Cell::figure(Some(-42_i64)).written(), "-42");
        assert_eq!(Cell::figure(None::<i32>).written(), "");
        assert_eq!(Cell::text("-42").written(), "'-42");
        assert_eq!(Cell::optional(Some("=1")).written(), "'=1");
        assert_eq!(Cell::optional(None::<String>).written(), "");
    }

    proptest! {
        #[test]
        fn written_text_never_starts_a_formula(text in "\\PC*|[=+\\-@\\t\\r]\\PC*") {
            let written = neutralise_formula(&text);
            prop_assert!(!written.starts_with(FORMULA_STARTS));
            // Nothing is lost: the text is either untouched or behind one quote.
            if written != text {
                prop_assert_eq!(written.strip_prefix('\''), Some(text.as_str()));
            }
        }

        #[test]
        fn a_csv_reader_sees_no_formula(text in "[=+\\-@\\t\\r]?[\\PC\\n\",]*") {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record([Cell::text(text.clone()).written().as_bytes()]).unwrap();
            let bytes = writer.into_inner().unwrap();
            let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes.as_slice());
            let record = reader.records().next().unwrap().unwrap();
            prop_assert!(!record[0].starts_with(FORMULA_STARTS));
            let expected = neutralise_formula(&text);
            prop_assert_eq!(&record[0], expected.as_ref());
        }
    }
}
