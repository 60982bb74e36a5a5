//! Forms sent by pages: the body read as `application/x-www-form-urlencoded` (repeated
//! names become lists), the CSRF token checked first, and the refusals of a service turned
//! into messages beside the fields they concern.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;

use super::cookies;
use super::visitor::csrf_seed;
use crate::app::AppState;
use crate::error::{AppError, FieldError, Text};
use crate::i18n::Lang;

/// The largest form a page sends.
const FORM_LIMIT: usize = 256 * 1024;

/// A form body whose CSRF token matched; `T` holds its fields as typed (strings), so that a
/// form sent back with errors shows what was typed.
#[derive(Debug)]
pub struct PageForm<T>(pub T);

fn csrf_refused() -> AppError {
    AppError::Forbidden(Text::new(
        "Biểu mẫu này đã hết hạn hoặc không được gửi từ TechBridge. Hãy tải lại trang rồi gửi lại.",
        "This form has expired or was not sent from TechBridge. Reload the page and send it again.",
    ))
}

impl<T: DeserializeOwned + 'static> FromRequest for PageForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let seed = csrf_seed(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let is_form = req
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let mut payload = payload.take();
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::Internal("application state missing".into()))?;
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| AppError::BadRequest(Text::owned(e.to_string(), e.to_string())))?;
                if body.len() + chunk.len() > FORM_LIMIT {
                    return Err(AppError::PayloadTooLarge { limit: FORM_LIMIT });
                }
                body.extend_from_slice(&chunk);
            }
            if !is_form && !body.is_empty() {
                return Err(AppError::UnsupportedMediaType);
            }
            let presented = form_urlencoded::parse(&body)
                .find(|(name, _)| name == "csrf")
                .map(|(_, value)| value.into_owned())
                .unwrap_or_default();
            if !cookies::csrf_matches(state.keys.cookies.expose_secret(), &seed, &presented) {
                return Err(csrf_refused());
            }
            serde_html_form::from_bytes::<T>(&body).map(PageForm).map_err(|e| {
                AppError::BadRequest(Text::owned(
                    format!("Biểu mẫu không đọc được: {e}"),
                    format!("The form could not be read: {e}"),
                ))
            })
        })
    }
}

/// The messages to show beside the fields of a form, in the page's language.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors {
    messages: BTreeMap<String, String>,
    /// Remarks shown beside fields that are not refusals: a province's comments on the
    /// fields it asked to change.
    notes: BTreeMap<String, String>,
    /// Refusals that concern no field of the form (a conflict, a rule over several fields).
    pub general: Vec<String>,
}

impl FieldErrors {
    /// Sorts a service's refusal into messages per field (`st_fields.3` shows at
    /// `st_fields`); anything that is not about fields goes to `general`.
    pub fn from_error(error: &AppError, lang: Lang) -> FieldErrors {
        let mut errors = FieldErrors::default();
        match error {
            AppError::Validation(fields) => {
                for field in fields {
                    errors.add(field, lang);
                }
            }
            other => errors.general.push(other.detail(lang)),
        }
        errors
    }

    pub fn add(&mut self, field: &FieldError, lang: Lang) {
        let name = field.field.split(['.', '[']).next().unwrap_or(&field.field).to_owned();
        let message = field.message.get(lang).to_owned();
        self.messages.entry(name).and_modify(|m| m.push_str(&format!(" {message}"))).or_insert(message);
    }

    /// Adds remarks to show beside their fields.
    pub fn with_notes(mut self, notes: impl IntoIterator<Item = (String, String)>) -> Self {
        self.notes.extend(notes);
        self
    }

    /// The remark for a field, if any.
    pub fn note(&self, field: &str) -> Option<&str> {
        self.notes.get(field).map(String::as_str)
    }

    /// The message for a field, for the template beside it.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.messages.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.messages.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty() && self.general.is_empty()
    }

    /// How many fields are wrong, for the summary at the top of the form.
    pub fn count(&self) -> usize {
        self.messages.len()
    }

    /// Fields with messages, in order, for the summary's links.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.messages.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// A whole number typed in a form field: empty is none, anything else must be a number.
pub fn number(field: &'static str, raw: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    let cleaned: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '.' && *c != ',').collect();
    if cleaned.is_empty() {
        return None;
    }
    match cleaned.parse::<i64>() {
        Ok(value) => Some(value),
        Err(_) => {
            errors.push(FieldError::invalid(field, Text::new("Hãy nhập một số nguyên.", "Enter a whole number.")));
            None
        }
    }
}

/// Optional text typed in a form: blank is none.
pub fn text(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_land_beside_their_fields() {
        let error = AppError::Validation(vec![
            FieldError::required("title_vi"),
            FieldError::invalid("st_fields.1", Text::new("Mã không có.", "Unknown code.")),
        ]);
        let errors = FieldErrors::from_error(&error, Lang::En);
        assert_eq!(errors.get("title_vi"), Some("This field is required."));
        assert_eq!(errors.get("st_fields"), Some("Unknown code."));
        assert_eq!(errors.count(), 2);
        let conflict = FieldErrors::from_error(&AppError::conflict(Text::new("Đã có.", "Exists.")), Lang::Vi);
        assert_eq!(conflict.general, vec!["Đã có.".to_owned()]);
    }

    #[test]
    fn numbers_as_people_type_them() {
        let mut errors = Vec::new();
        assert_eq!(number("price", "1.500.000", &mut errors), Some(1_500_000));
        assert_eq!(number("price", " 2 000 ", &mut errors), Some(2000));
        assert_eq!(number("price", "", &mut errors), None);
        assert!(errors.is_empty());
        assert_eq!(number("trl", "bảy", &mut errors), None);
        assert_eq!(errors.len(), 1);
    }
}
