use std::borrow::Cow;

use crate::i18n::Lang;

/// A sentence said to a person, carried in both languages until the response knows which one
/// the reader asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub vi: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Text {
    pub const fn new(vi: &'static str, en: &'static str) -> Text {
        Text { vi: Cow::Borrowed(vi), en: Cow::Borrowed(en) }
    }

    pub fn owned(vi: String, en: String) -> Text {
        Text { vi: Cow::Owned(vi), en: Cow::Owned(en) }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}
