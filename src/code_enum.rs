//! Closed sets of codes (kinds, states, roles) that travel as snake_case strings.

/// Declares an enum whose variants are written as fixed strings in JSON and the database,
/// with `ALL`, `as_str`, `parse`, and `parse_field` (a 422 naming the allowed values).
///
/// The codes are taken as plain tokens rather than `literal` fragments: a `literal` reaches
/// the derives wrapped in an invisible group, which serde reads but utoipa does not, and
/// the OpenAPI document would then name the variants instead of their codes.
#[macro_export]
macro_rules! code_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $code:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const CODES: &'static [&'static str] = &[$($code),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn parse(value: &str) -> Option<$name> {
                match value.trim() {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }

            pub fn parse_field(field: &'static str, value: &str) -> Result<$name, $crate::error::FieldError> {
                Self::parse(value).ok_or_else(|| $crate::error::FieldError::one_of(field, Self::CODES))
            }

            /// An optional filter: absent or empty means none; anything else must be a code.
            pub fn parse_filter(field: &'static str, value: Option<&str>) -> Result<Option<$name>, $crate::error::AppError> {
                value
                    .filter(|v| !v.is_empty())
                    .map(|v| Self::parse_field(field, v))
                    .transpose()
                    .map_err(|e| $crate::error::AppError::Validation(vec![e]))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
