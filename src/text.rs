//! Vietnamese text helpers shared by search, slugs and name matching.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Canonical composition, so that text typed on different systems compares equal.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// Lower case without diacritics: "Công nghệ Đà Nẵng" → "cong nghe da nang".
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// A URL slug: folded, with runs of other characters turned into single hyphens.
pub fn slugify(text: &str) -> String {
    let folded = fold(text);
    let mut slug = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// Trims and collapses inner whitespace (newlines and tabs included); refuses other
/// control characters (`None`).
pub fn clean_line(text: &str) -> Option<String> {
    if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return None;
    }
    Some(nfc(&text.split_whitespace().collect::<Vec<_>>().join(" ")))
}

/// Trims a multi-line text and refuses control characters other than newlines and tabs.
pub fn clean_block(text: &str) -> Option<String> {
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return None;
    }
    Some(nfc(text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Công nghệ sinh học"), "cong nghe sinh hoc");
        assert_eq!(fold("ĐÀ NẴNG"), "da nang");
        assert_eq!(fold("Thành phố Hồ Chí Minh"), "thanh pho ho chi minh");
        assert_eq!(fold("xử lý nước thải"), "xu ly nuoc thai");
        // Decomposed input (as typed on some systems) folds the same way.
        let decomposed: String = "nước".nfd().collect();
        assert_eq!(fold(&decomposed), "nuoc");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Hồ Chí Minh"), "ho-chi-minh");
        assert_eq!(slugify("  Bà Rịa – Vũng Tàu "), "ba-ria-vung-tau");
        assert_eq!(slugify("Đắk Lắk"), "dak-lak");
    }

    #[test]
    fn cleaning() {
        assert_eq!(clean_line("  Công   ty\tABC "), Some("Công ty ABC".to_owned()));
        assert_eq!(clean_line("a\u{0}b"), None);
        assert_eq!(clean_block(" dòng 1\ndòng 2 "), Some("dòng 1\ndòng 2".to_owned()));
        assert_eq!(clean_block("a\u{7}"), None);
    }
}
