//! What every template shares, emails and pages alike: how HTML is escaped, the filters
//! that turn plain text into markup safely, and the brand's words.
//!
//! Templates live under `templates/` (askama, compiled with the crate). `.html` files are
//! escaped with [`HtmlEscaper`]; `.txt` files are not escaped at all.

use std::fmt::{self, Write};

use crate::i18n::Lang;

/// Escapes text for HTML element content and attribute values.
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlEscaper;

impl askama::filters::Escaper for HtmlEscaper {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        let mut last = 0;
        for (index, byte) in string.bytes().enumerate() {
            let escaped = match byte {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#39;",
                _ => continue,
            };
            dest.write_str(&string[last..index])?;
            dest.write_str(escaped)?;
            last = index + 1;
        }
        dest.write_str(&string[last..])
    }
}

/// Escapes text for HTML (as templates do).
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 16);
    // Writing to a String cannot fail.
    let _ = askama::filters::Escaper::write_escaped_str(&HtmlEscaper, &mut escaped, text);
    escaped
}

/// The line under every message and page.
pub fn tagline(lang: Lang) -> &'static str {
    lang.pick("TechBridge — kết nối cung cầu công nghệ", "TechBridge — connecting technology supply and demand")
}

/// Filters for templates: `use crate::templates::filters;` beside a template struct.
pub mod filters {
    use std::fmt::Display;

    use askama::filters::Safe;

    /// Plain text with its line breaks kept: escaped, each `\n` a `<br>`.
    #[askama::filter_fn]
    pub fn lines(value: impl Display, _env: &dyn askama::Values) -> askama::Result<Safe<String>> {
        Ok(Safe(super::escape_html(&value.to_string()).replace('\n', "<br>")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape_html("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape_html("Công nghệ"), "Công nghệ");
    }
}
