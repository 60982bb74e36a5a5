//! Who may grant which tenant role, and what a valid tenant looks like.

use crate::auth::{Principal, TenantRole};
use crate::error::{FieldError, Text};
use crate::text::clean_line;

/// Platform admins appoint tenant admins; a tenant's admins appoint and remove its moderators.
pub fn may_manage_role(principal: &Principal, tenant_id: &str, role: TenantRole) -> bool {
    match role {
        TenantRole::TenantAdmin => principal.is_platform_admin,
        TenantRole::Moderator => principal.is_platform_admin || principal.has_role(tenant_id, TenantRole::TenantAdmin),
    }
}

/// Administrative codes are two or three digits ("01", "79").
pub fn parse_code(raw: &str) -> Result<String, FieldError> {
    let code = raw.trim();
    if (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_digit()) {
        Ok(code.to_owned())
    } else {
        Err(FieldError::invalid(
            "code",
            Text::new("Mã phải gồm 2–3 chữ số, ví dụ 79.", "The code must be 2–3 digits, e.g. 79."),
        ))
    }
}

pub fn parse_name(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let name = clean_line(raw).ok_or_else(|| FieldError::control_characters(field))?;
    match name.chars().count() {
        0 => Err(FieldError::required(field)),
        1..=120 => Ok(name),
        _ => Err(FieldError::too_long(field, 120)),
    }
}

pub fn parse_kind(raw: &str) -> Result<String, FieldError> {
    match raw.trim() {
        kind @ ("province" | "city") => Ok(kind.to_owned()),
        _ => Err(FieldError::one_of("kind", &["province", "city"])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(platform_admin: bool, roles: &[(&str, TenantRole)]) -> Principal {
        Principal {
            user_id: "u".into(),
            session_id: "s".into(),
            is_platform_admin: platform_admin,
            roles: roles.iter().map(|(t, r)| ((*t).to_owned(), *r)).collect(),
        }
    }

    #[test]
    fn role_management_matrix() {
        use TenantRole::{Moderator, TenantAdmin};
        let cases = [
            // (who, tenant, role, allowed)
            (principal(true, &[]), "48", TenantAdmin, true),
            (principal(true, &[]), "48", Moderator, true),
            (principal(false, &[("48", TenantAdmin)]), "48", TenantAdmin, false),
            (principal(false, &[("48", TenantAdmin)]), "48", Moderator, true),
            (principal(false, &[("48", TenantAdmin)]), "92", Moderator, false),
            (principal(false, &[("48", Moderator)]), "48", Moderator, false),
            (principal(false, &[("48", Moderator)]), "48", TenantAdmin, false),
            (principal(false, &[]), "48", Moderator, false),
        ];
        for (who, tenant, role, allowed) in cases {
            assert_eq!(may_manage_role(&who, tenant, role), allowed, "{who:?} {tenant} {role:?}");
        }
    }

    #[test]
    fn codes() {
        assert_eq!(parse_code(" 79 ").unwrap(), "79");
        assert!(parse_code("7").is_err());
        assert!(parse_code("7a").is_err());
        assert!(parse_code("1234").is_err());
    }
}
