use diesel::Connection;
use diesel::result::{DatabaseErrorKind, Error};

use super::DbConnection;

/// Runs an insert that may collide with a unique key, inside a savepoint so that a
/// collision leaves the surrounding transaction usable on PostgreSQL too.
/// Returns whether a row was inserted.
pub fn insert_ignoring_duplicates<F>(conn: &mut DbConnection, insert: F) -> Result<bool, Error>
where
    F: FnOnce(&mut DbConnection) -> Result<usize, Error>,
{
    match conn.transaction(insert) {
        Ok(rows) => Ok(rows > 0),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(other) => Err(other),
    }
}

/// A `LIKE` pattern matching `text` anywhere, with the wildcard characters of the text
/// itself escaped (use with `ESCAPE '\'`).
pub fn fold_like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(fold_like_pattern("abc"), "%abc%");
        assert_eq!(fold_like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
