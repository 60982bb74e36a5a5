//! What a valid account looks like. Pure functions; the routes only call them.

use std::borrow::Cow;

use crate::error::{FieldError, Text, Violations};
use crate::i18n::Lang;
use crate::text::clean_line;

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const FULL_NAME_MAX_CHARS: usize = 200;
pub const EMAIL_MAX_CHARS: usize = 254;

/// An email address as stored: trimmed, lower case, and accepted by the mail library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(field: impl Into<Cow<'static, str>>, raw: &str) -> Result<Email, FieldError> {
        let candidate = raw.trim().to_lowercase();
        let valid = candidate.chars().count() <= EMAIL_MAX_CHARS
            && candidate.parse::<lettre::Address>().is_ok()
            && candidate.rsplit_once('@').is_some_and(|(_, domain)| domain.contains('.'));
        if valid {
            Ok(Email(candidate))
        } else {
            Err(FieldError::new(
                field,
                "invalid_email",
                Text::new("Địa chỉ email không hợp lệ.", "This is not a valid email address."),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A password that meets the length policy (counted in characters, not bytes).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    pub fn parse(field: impl Into<Cow<'static, str>>, raw: String) -> Result<Password, FieldError> {
        let chars = raw.chars().count();
        if (PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&chars) {
            Ok(Password(raw))
        } else {
            Err(FieldError::length(field, PASSWORD_MIN_CHARS, PASSWORD_MAX_CHARS))
        }
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

pub fn parse_full_name(raw: &str) -> Result<String, FieldError> {
    let name = clean_line(raw).ok_or_else(|| FieldError::control_characters("full_name"))?;
    let chars = name.chars().count();
    if chars == 0 {
        return Err(FieldError::required("full_name"));
    }
    if chars > FULL_NAME_MAX_CHARS {
        return Err(FieldError::too_long("full_name", FULL_NAME_MAX_CHARS));
    }
    Ok(name)
}

pub fn parse_language(raw: &str) -> Result<Lang, FieldError> {
    Lang::parse(raw).ok_or_else(|| FieldError::one_of("language", &["vi", "en"]))
}

#[derive(Debug)]
pub struct Registration {
    pub email: Email,
    pub password: Password,
    pub full_name: String,
    pub language: Lang,
}

/// Checks every field of a registration and names each one that is wrong.
pub fn validate_registration(
    email: Option<String>,
    password: Option<String>,
    full_name: Option<String>,
    language: Option<String>,
) -> Result<Registration, crate::error::AppError> {
    let mut violations = Violations::new();
    let email = violations.require("email", email, |raw| Email::parse("email", &raw));
    let password = violations.require("password", password, |raw| Password::parse("password", raw));
    let full_name = violations.require("full_name", full_name, |raw| parse_full_name(&raw));
    let language = match language {
        Some(raw) => violations.check(parse_language(&raw)),
        None => Some(Lang::Vi),
    };
    let registration = match (email, password, full_name, language) {
        (Some(email), Some(password), Some(full_name), Some(language)) => {
            Some(Registration { email, password, full_name, language })
        }
        _ => None,
    };
    violations.finish(registration)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::error::AppError;

    fn fields(result: Result<Registration, AppError>) -> Vec<(String, &'static str)> {
        match result {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| (e.field.to_string(), e.code)).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn accepts_a_good_registration() {
        let r = validate_registration(
            Some("  An.Nguyen@Example.VN ".into()),
            Some("mật khẩu an toàn".into()),
            Some("  Nguyễn   Văn An ".into()),
            Some("en".into()),
        )
        .unwrap();
        assert_eq!(r.email.as_str(), "an.nguyen@example.vn");
        assert_eq!(r.full_name, "Nguyễn Văn An");
        assert_eq!(r.language, Lang::En);
    }

    #[test]
    fn names_every_bad_field() {
        assert_eq!(
            fields(validate_registration(None, None, None, None)),
            vec![("email".into(), "required"), ("password".into(), "required"), ("full_name".into(), "required")]
        );
        assert_eq!(
            fields(validate_registration(
                Some("not-an-email".into()),
                Some("short".into()),
                Some("   ".into()),
                Some("fr".into())
            )),
            vec![
                ("email".into(), "invalid_email"),
                ("password".into(), "length"),
                ("full_name".into(), "required"),
                ("language".into(), "one_of"),
            ]
        );
    }

    #[test]
    fn password_length_is_counted_in_characters() {
        assert!(Password::parse("p", "ệệệệệệệệệệ".into()).is_ok()); // 10 chars, 30 bytes
        assert!(Password::parse("p", "123456789".into()).is_err());
        assert!(Password::parse("p", "a".repeat(128)).is_ok());
        assert!(Password::parse("p", "a".repeat(129)).is_err());
    }

    #[test]
    fn emails() {
        for good in ["a@b.vn", "nguyen.van.an+tb@so-khcn.danang.gov.vn"] {
            assert!(Email::parse("email", good).is_ok(), "{good}");
        }
        for bad in ["", "a", "a@", "@b.vn", "a b@c.vn", "a@localhost", "a@@b.vn"] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn email_parsing_never_panics_and_is_idempotent(raw in "\\PC{0,300}") {
            if let Ok(email) = Email::parse("email", &raw) {
                let again = Email::parse("email", email.as_str()).unwrap();
                prop_assert_eq!(again, email);
            }
        }

        #[test]
        fn registration_validation_never_panics(
            email in proptest::option::of("\\PC{0,80}"),
            password in proptest::option::of("\\PC{0,200}"),
            name in proptest::option::of("\\PC{0,250}"),
            lang in proptest::option::of("[a-z]{0,3}"),
        ) {
            let _ = validate_registration(email, password, name, lang);
        }
    }
}
