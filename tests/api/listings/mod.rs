mod isolation;
mod lifecycle;
mod marketplace;
mod reindex;

/// A query-string value, percent-encoded.
pub fn q(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
