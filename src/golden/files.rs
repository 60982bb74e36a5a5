//! Golden files of outgoing emails: a rendered message is compared with the files kept
//! under `tests/golden/emails`, or written over them when `UPDATE_GOLDEN=1`.

use std::path::{Path, PathBuf};

use crate::email::OutgoingEmail;
use crate::i18n::Lang;

const UPDATE_VARIABLE: &str = "UPDATE_GOLDEN";
const GOLDEN_DIR: &str = "tests/golden/emails";
const REGENERATE: &str = "UPDATE_GOLDEN=1 cargo test --lib golden";

/// Checks `email` against `<kind>.<lang>.headers`, `.txt` and `.html`, reporting every
/// file that differs or is missing; with `UPDATE_GOLDEN=1`, writes them instead.
pub fn assert_golden(kind: &str, lang: Lang, email: &OutgoingEmail) {
    let updating = std::env::var(UPDATE_VARIABLE).is_ok_and(|value| value == "1");
    let mut failures = Vec::new();
    for (extension, actual) in [("headers", headers(email)), ("txt", email.text.clone()), ("html", email.html.clone())]
    {
        let relative = format!("{GOLDEN_DIR}/{kind}.{}.{extension}", lang.code());
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(&relative);
        if updating {
            write_if_changed(&path, &actual);
        } else if let Some(failure) = check(&path, &relative, &actual) {
            failures.push(failure);
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf the change is deliberate: {REGENERATE}, then review the diff.",
        failures.join("\n\n")
    );
}

/// Everything of the message besides its two bodies, one field a line.
fn headers(email: &OutgoingEmail) -> String {
    let optional = |value: &Option<String>| value.clone().unwrap_or_else(|| "(none)".to_owned());
    format!(
        "key: {}\nto: {}\nto_name: {}\nsender_name: {}\nsubject: {}\nunsubscribe_url: {}\nlink_token_id: {}\n",
        email.key,
        email.to,
        optional(&email.to_name),
        optional(&email.sender_name),
        email.subject,
        optional(&email.unsubscribe_url),
        optional(&email.link_token_id),
    )
}

fn check(path: &PathBuf, relative: &str, actual: &str) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(expected) => first_difference(&expected, actual).map(|difference| format!("{relative}: {difference}")),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Some(format!("{relative}: no such golden file")),
        Err(error) => Some(format!("{relative}: cannot read the golden file ({error})")),
    }
}

fn write_if_changed(path: &PathBuf, actual: &str) {
    if std::fs::read_to_string(path).is_ok_and(|expected| expected == actual) {
        return;
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, actual).unwrap();
}

/// Where `actual` first departs from `expected`, line by line; `None` when they are equal.
/// Lines are shown quoted, so that a trailing space or a carriage return shows.
fn first_difference(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let mut expected_lines = expected.split('\n');
    let mut actual_lines = actual.split('\n');
    let mut number = 1;
    loop {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(want), Some(got)) if want == got => number += 1,
            (want, got) => {
                let shown = |line: Option<&str>| line.map_or("(end of file)".to_owned(), |line| format!("{line:?}"));
                let column = match (want, got) {
                    (Some(want), Some(got)) => {
                        let same = want.chars().zip(got.chars()).take_while(|(a, b)| a == b).count();
                        format!(", column {}", same + 1)
                    }
                    _ => String::new(),
                };
                return Some(format!(
                    "line {number}{column} differs\n  expected: {}\n  actual:   {}",
                    shown(want),
                    shown(got)
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_difference() {
        assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
    }

    #[test]
    fn names_the_first_differing_line_and_column() {
        let difference = first_difference("Xin chào,\nTin \"A\"\n", "Xin chào,\nTin \"B\"\n").unwrap();
        assert_eq!(
            difference,
            "line 2, column 6 differs\n  expected: \"Tin \\\"A\\\"\"\n  actual:   \"Tin \\\"B\\\"\""
        );
    }

    #[test]
    fn a_missing_or_extra_line_shows_the_end_of_file() {
        let difference = first_difference("a\n", "a\nb\n").unwrap();
        assert!(difference.starts_with("line 2, column 1 differs"), "{difference}");
        let difference = first_difference("a\nb", "a").unwrap();
        assert_eq!(difference, "line 2 differs\n  expected: \"b\"\n  actual:   (end of file)");
    }

    #[test]
    fn a_trailing_space_is_visible() {
        let difference = first_difference("a\n", "a \n").unwrap();
        assert!(difference.contains("\"a \""), "{difference}");
    }
}
