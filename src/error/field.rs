use std::borrow::Cow;

use serde::Serialize;

use super::{AppError, Text};
use crate::i18n::Lang;

/// One reason why one field of a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Cow<'static, str>,
    pub code: &'static str,
    pub message: Text,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<Cow<'static, str>>, code: &'static str, message: Text) -> Self {
        FieldError { field: field.into(), code, message }
    }

    /// Text that holds control characters (other than the line breaks a block may have).
    pub fn control_characters(field: impl Into<Cow<'static, str>>) -> Self {
        Self::new(
            field,
            "invalid",
            Text::new("Không được chứa ký tự điều khiển.", "Must not contain control characters."),
        )
    }

    pub fn required(field: impl Into<Cow<'static, str>>) -> Self {
        Self::new(field, "required", Text::new("Trường này là bắt buộc.", "This field is required."))
    }

    pub fn length(field: impl Into<Cow<'static, str>>, min: usize, max: usize) -> Self {
        Self::new(
            field,
            "length",
            Text::owned(
                format!("Độ dài phải từ {min} đến {max} ký tự."),
                format!("Must be between {min} and {max} characters long."),
            ),
        )
    }

    pub fn too_long(field: impl Into<Cow<'static, str>>, max: usize) -> Self {
        Self::new(
            field,
            "too_long",
            Text::owned(format!("Không được dài quá {max} ký tự."), format!("Must be at most {max} characters long.")),
        )
    }

    pub fn one_of(field: impl Into<Cow<'static, str>>, allowed: &[&str]) -> Self {
        let list = allowed.join(", ");
        Self::new(
            field,
            "one_of",
            Text::owned(format!("Giá trị phải là một trong: {list}."), format!("Must be one of: {list}.")),
        )
    }

    pub fn out_of_range(field: impl Into<Cow<'static, str>>, min: i64, max: i64) -> Self {
        Self::new(
            field,
            "out_of_range",
            Text::owned(format!("Giá trị phải từ {min} đến {max}."), format!("Must be between {min} and {max}.")),
        )
    }

    pub fn invalid(field: impl Into<Cow<'static, str>>, message: Text) -> Self {
        Self::new(field, "invalid", message)
    }

    pub fn body(&self, lang: Lang) -> FieldErrorBody {
        FieldErrorBody {
            field: self.field.to_string(),
            code: self.code.to_owned(),
            message: self.message.get(lang).to_owned(),
        }
    }
}

/// Collects every field error of a request so that one answer names them all.
#[derive(Debug, Default)]
pub struct Violations(Vec<FieldError>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// Keeps the parsed value, or records why it could not be parsed.
    pub fn check<T>(&mut self, parsed: Result<T, FieldError>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }

    /// Like [`Violations::check`] for a field the request must carry.
    pub fn require<T, U>(
        &mut self,
        field: &'static str,
        value: Option<T>,
        parse: impl FnOnce(T) -> Result<U, FieldError>,
    ) -> Option<U> {
        match value {
            Some(value) => self.check(parse(value)),
            None => {
                self.0.push(FieldError::required(field));
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result(self) -> Result<(), AppError> {
        if self.0.is_empty() { Ok(()) } else { Err(AppError::Validation(self.0)) }
    }

    /// Returns the value when every check passed; the `Option` is then always `Some`.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, AppError> {
        match (self.0.is_empty(), value) {
            (true, Some(value)) => Ok(value),
            (true, None) => {
                Err(AppError::Internal("a validated value was missing without a recorded violation".into()))
            }
            (false, _) => Err(AppError::Validation(self.0)),
        }
    }
}
