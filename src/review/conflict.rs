//! The two conflicts of a review, worded once: the item changed since the officer saw it,
//! or the action is not possible from its state. Both answer 409 with the current state
//! and version, so that a page can say what happened and offer to reload.

use std::fmt::Display;

use serde_json::json;

use crate::error::{AppError, Text};

/// What is reviewed, as a sentence names it.
#[derive(Debug, Clone, Copy)]
pub struct Reviewed {
    /// Lower case: "hồ sơ", "tin".
    pub vi: &'static str,
    /// Without article: "organization", "listing".
    pub en: &'static str,
}

impl Reviewed {
    fn vi_capitalised(self) -> String {
        let mut chars = self.vi.chars();
        chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
    }
}

/// 409: the item changed since the officer read `version`.
pub fn stale(what: Reviewed, current_state: &str, version: i32) -> AppError {
    AppError::conflict_with(
        Text::owned(
            format!(
                "{} đã thay đổi (phiên bản hiện tại {version}, trạng thái {current_state}). Hãy tải lại rồi thử lại.",
                what.vi_capitalised()
            ),
            format!(
                "The {} has changed (current version {version}, state {current_state}). Reload and try again.",
                what.en
            ),
        ),
        [("current_state", json!(current_state)), ("current_version", json!(version))],
    )
}

/// 409: `action` is not possible from the current state.
pub fn not_allowed(what: Reviewed, current_state: &str, action: impl Display, version: i32) -> AppError {
    AppError::conflict_with(
        Text::owned(
            format!("Không thể thực hiện \"{action}\" khi {} đang ở trạng thái \"{current_state}\".", what.vi),
            format!("\"{action}\" is not possible while the {} is \"{current_state}\".", what.en),
        ),
        [("current_state", json!(current_state)), ("current_version", json!(version))],
    )
}

/// The version check of a step: the officer must have seen the version that is stored.
pub fn check_version(what: Reviewed, expected: Option<i32>, current_state: &str, version: i32) -> Result<(), AppError> {
    match expected {
        Some(expected) if expected != version => Err(stale(what, current_state, version)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    const LISTING: Reviewed = Reviewed { vi: "tin", en: "listing" };

    #[test]
    fn a_stale_version_is_refused_with_what_is_current() {
        assert!(check_version(LISTING, None, "published", 4).is_ok());
        assert!(check_version(LISTING, Some(4), "published", 4).is_ok());
        let AppError::Conflict { detail: message, extra } =
            check_version(LISTING, Some(3), "published", 4).unwrap_err()
        else {
            panic!("a conflict")
        };
        assert_eq!(
            message.get(Lang::Vi),
            "Tin đã thay đổi (phiên bản hiện tại 4, trạng thái published). Hãy tải lại rồi thử lại."
        );
        assert_eq!(
            message.get(Lang::En),
            "The listing has changed (current version 4, state published). Reload and try again."
        );
        assert_eq!(extra.len(), 2);
    }

    #[test]
    fn an_action_from_the_wrong_state_names_both() {
        let AppError::Conflict { detail: message, .. } = not_allowed(LISTING, "draft", "approve", 1) else {
            panic!("a conflict")
        };
        assert_eq!(message.get(Lang::En), "\"approve\" is not possible while the listing is \"draft\".");
    }
}
