//! Words as the vocabulary compares them. Pure.

use unicode_normalization::UnicodeNormalization;

use crate::text::nfc;

/// The five Vietnamese tone marks, as combining characters.
const TONE_MARKS: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

/// One word of a text: as written, lower-cased, its tone-placement-free key and folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub lower: String,
    pub key: String,
    pub folded: String,
}

impl Token {
    pub fn new(text: &str) -> Token {
        Token::from_nfc(&nfc(text))
    }

    /// A word already in NFC: its key and folded spelling from one decomposition.
    fn from_nfc(text: &str) -> Token {
        let lower = text.to_lowercase();
        let (mut base, mut tones, mut folded) = (String::with_capacity(lower.len()), String::new(), String::new());
        for c in lower.nfd() {
            if TONE_MARKS.contains(&c) {
                tones.push(c);
                continue;
            }
            base.push(c);
            if !unicode_normalization::char::is_combining_mark(c) {
                folded.push(if c == 'đ' { 'd' } else { c });
            }
        }
        let mut key: String = base.nfc().collect();
        key.push_str(&tones);
        Token { key, folded, lower, text: text.to_owned() }
    }

    /// Written in capitals, as abbreviations are (AI, RO, UAV).
    pub fn is_upper(&self) -> bool {
        self.text.chars().any(char::is_alphabetic) && !self.text.chars().any(char::is_lowercase)
    }
}

/// A word with its tone mark moved to the end, so that the older and newer placements
/// ("hoá" and "hóa", "thuỷ" and "thủy") compare equal while "lúa" and "lụa" do not.
pub fn syllable_key(word: &str) -> String {
    let mut base = String::with_capacity(word.len());
    let mut tones = String::new();
    for c in word.nfd() {
        if TONE_MARKS.contains(&c) {
            tones.push(c);
        } else {
            base.push(c);
        }
    }
    let mut key: String = base.nfc().collect();
    key.push_str(&tones);
    key
}

/// The words of a text, split where tantivy's tokenizer splits: at every character that
/// is not a letter or a digit.
pub fn tokens(text: &str) -> Vec<Token> {
    nfc(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(Token::from_nfc).collect()
}

/// Whether a text carries any Vietnamese mark: a text typed without them is compared on
/// folded words.
pub fn has_marks(text: &str) -> bool {
    text.nfd().any(|c| unicode_normalization::char::is_combining_mark(c) || c == 'đ' || c == 'Đ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_placement_does_not_matter_but_tones_do() {
        assert_eq!(syllable_key("hoá"), syllable_key("hóa"));
        assert_eq!(syllable_key("thuỷ"), syllable_key("thủy"));
        assert_ne!(syllable_key("lúa"), syllable_key("lụa"));
        assert_ne!(syllable_key("dứa"), syllable_key("dưa"));
    }

    #[test]
    fn words_split_like_the_index() {
        let words: Vec<String> = tokens("Khoai mì (sắn), UAV-drone!").into_iter().map(|t| t.lower).collect();
        assert_eq!(words, vec!["khoai", "mì", "sắn", "uav", "drone"]);
        assert!(tokens("AI")[0].is_upper() && !tokens("ai")[0].is_upper() && !tokens("Ai")[0].is_upper());
    }

    #[test]
    fn keys_and_folds_agree_with_the_text_helpers() {
        for word in ["Hoá", "ĐỒNG", "nghiêng", "UAV", "lụa", "thuỷ"] {
            let token = Token::new(word);
            assert_eq!(token.folded, crate::text::fold(word), "{word}");
            assert_eq!(token.key, syllable_key(&word.to_lowercase()), "{word}");
        }
    }

    #[test]
    fn marks_are_noticed() {
        assert!(has_marks("khoai mì") && has_marks("đu đủ") && !has_marks("khoai mi") && !has_marks("UAV 20 lit"));
    }
}
