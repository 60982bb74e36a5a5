//! A moderator's decision as the API receives it, checked once for everything reviewed.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{COMMENT_MAX, REASON_MAX};
use crate::error::{AppError, FieldError, Text, Violations};
use crate::text::clean_block;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct DecisionRequest {
    /// approve, reject, request_changes; for organizations also suspend or reinstate.
    #[schema(required = true)]
    pub action: Option<String>,
    /// Required for every action but approve.
    pub reason: Option<String>,
    /// The version the moderator saw; if the item changed since, 409.
    #[schema(required = true)]
    pub version: Option<i32>,
    /// With request_changes: a comment per field, e.g. {"tax_code": "…"}.
    pub field_comments: Option<BTreeMap<String, String>>,
}

/// The lifecycle actions of a reviewed thing, as far as a decision needs to know them.
pub trait ReviewAction: Copy + PartialEq + Sized {
    /// The codes a moderator may send, in the order the error message names them.
    const DECISION_CODES: &'static [&'static str];
    fn parse_code(raw: &str) -> Option<Self>;
    fn is_decision(self) -> bool;
    fn needs_reason(self) -> bool;
    /// Asking for changes, the one decision that carries per-field comments.
    fn requests_changes(self) -> bool;
}

/// The fields a moderator may comment on, and how to say that a field is not one of them.
pub struct Commentable {
    pub accepts: fn(&str) -> bool,
    pub no_such_field: Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision<A> {
    pub action: A,
    pub reason: Option<String>,
    pub version: i32,
    pub field_comments: BTreeMap<String, String>,
}

/// Checks a decision request and names every field that is wrong.
pub fn parse_decision<A: ReviewAction>(
    body: DecisionRequest,
    commentable: &Commentable,
) -> Result<Decision<A>, AppError> {
    let mut v = Violations::new();
    let action = v.require("action", body.action, |raw| {
        A::parse_code(&raw).filter(|a| a.is_decision()).ok_or_else(|| FieldError::one_of("action", A::DECISION_CODES))
    });
    let version = v.require("version", body.version, Ok);
    let reason = match body.reason.map(|raw| clean_block(&raw)) {
        Some(None) => Err(FieldError::control_characters("reason")),
        Some(Some(text)) if text.chars().count() > REASON_MAX => Err(FieldError::too_long("reason", REASON_MAX)),
        Some(Some(text)) if !text.is_empty() => Ok(Some(text)),
        _ if action.is_some_and(A::needs_reason) => Err(FieldError::required("reason")),
        _ => Ok(None),
    };
    let reason = v.check(reason).flatten();
    let mut field_comments = BTreeMap::new();
    for (field, comment) in body.field_comments.unwrap_or_default() {
        if !action.is_some_and(A::requests_changes) {
            v.push(FieldError::new(
                "field_comments",
                "not_applicable",
                Text::new(
                    "Chỉ góp ý theo mục khi yêu cầu chỉnh sửa.",
                    "Per-field comments go with request_changes only.",
                ),
            ));
            break;
        }
        if !(commentable.accepts)(&field) {
            v.push(FieldError::new(
                format!("field_comments.{}", field.chars().take(40).collect::<String>()),
                "unknown_field",
                commentable.no_such_field.clone(),
            ));
            continue;
        }
        match clean_block(&comment) {
            Some(text) if !text.is_empty() && text.chars().count() <= COMMENT_MAX => {
                field_comments.insert(field, text);
            }
            _ => v.push(FieldError::length(format!("field_comments.{field}"), 1, COMMENT_MAX)),
        }
    }
    let decision = action.zip(version).map(|(action, version)| Decision { action, reason, version, field_comments });
    v.finish(decision)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Action {
        Submit,
        Approve,
        Reject,
        RequestChanges,
    }

    impl ReviewAction for Action {
        const DECISION_CODES: &'static [&'static str] = &["approve", "reject", "request_changes"];
        fn parse_code(raw: &str) -> Option<Self> {
            match raw {
                "submit" => Some(Action::Submit),
                "approve" => Some(Action::Approve),
                "reject" => Some(Action::Reject),
                "request_changes" => Some(Action::RequestChanges),
                _ => None,
            }
        }
        fn is_decision(self) -> bool {
            self != Action::Submit
        }
        fn needs_reason(self) -> bool {
            matches!(self, Action::Reject | Action::RequestChanges)
        }
        fn requests_changes(self) -> bool {
            self == Action::RequestChanges
        }
    }

    const FIELDS: Commentable =
        Commentable { accepts: |field| field == "title", no_such_field: Text::new("Không có.", "No such field.") };

    fn request(action: &str, reason: Option<&str>, comments: &[(&str, &str)]) -> DecisionRequest {
        DecisionRequest {
            action: Some(action.into()),
            reason: reason.map(Into::into),
            version: Some(3),
            field_comments: (!comments.is_empty())
                .then(|| comments.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()),
        }
    }

    fn fields_of(result: Result<Decision<Action>, AppError>) -> Vec<String> {
        match result {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field.to_string()).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn an_approval_needs_no_reason_and_keeps_the_version() {
        let decision = parse_decision::<Action>(request("approve", None, &[]), &FIELDS).unwrap();
        assert_eq!((decision.action, decision.version, decision.reason), (Action::Approve, 3, None));
    }

    #[test]
    fn a_request_for_changes_carries_its_reason_and_comments() {
        let decision = parse_decision::<Action>(
            request("request_changes", Some(" Sửa tiêu đề "), &[("title", "Ngắn hơn")]),
            &FIELDS,
        )
        .unwrap();
        assert_eq!(decision.reason.as_deref(), Some("Sửa tiêu đề"));
        assert_eq!(decision.field_comments.get("title").map(String::as_str), Some("Ngắn hơn"));
    }

    #[test]
    fn every_wrong_part_is_named() {
        assert_eq!(fields_of(parse_decision(request("submit", None, &[]), &FIELDS)), vec!["action"]);
        assert_eq!(fields_of(parse_decision(request("reject", None, &[]), &FIELDS)), vec!["reason"]);
        assert_eq!(
            fields_of(parse_decision(request("approve", None, &[("title", "x")]), &FIELDS)),
            vec!["field_comments"]
        );
        assert_eq!(
            fields_of(parse_decision(request("request_changes", Some("r"), &[("price", "x"), ("title", "")]), &FIELDS)),
            vec!["field_comments.price", "field_comments.title"]
        );
        let too_long = "a".repeat(REASON_MAX + 1);
        assert_eq!(fields_of(parse_decision(request("reject", Some(&too_long), &[]), &FIELDS)), vec!["reason"]);
        let missing = DecisionRequest::default();
        assert_eq!(fields_of(parse_decision::<Action>(missing, &FIELDS)), vec!["action", "version"]);
    }
}
