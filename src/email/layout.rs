/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// Wraps an already escaped HTML fragment in the common email layout.
pub fn html_document(lang: &str, title: &str, body_html: &str, footer: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
<body style=\"font-family: Arial, Helvetica, sans-serif; color: #1f2933; line-height: 1.5; max-width: 640px; margin: 0 auto; padding: 16px;\">\n\
<h2 style=\"color: #0b5394;\">{title}</h2>\n{body_html}\n\
<hr style=\"border: none; border-top: 1px solid #d9e2ec; margin-top: 32px;\">\n\
<p style=\"font-size: 12px; color: #627d98;\">{footer}</p>\n</body></html>\n",
        title = escape_html(title),
        footer = escape_html(footer),
    )
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
