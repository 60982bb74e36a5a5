//! Reference classifications (S&T fields, strategic technologies, transfer modes, VSIC
//! sections). The database holds them; a copy in memory validates codes without a query.

pub mod routes;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::db::schema::taxonomy_terms;
use crate::error::{AppError, FieldError, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    StField,
    StrategicTechnology,
    TransferMode,
    VsicSection,
    /// What a deal transferred (Law on Technology Transfer, Art. 4).
    TransferObject,
    /// The rights a deal gave (Law on Technology Transfer, Art. 7).
    DealRight,
    /// ISO 3166-1 alpha-2 country codes.
    Country,
    /// ISO 4217 currency codes.
    Currency,
    /// The economies the figures count as developed (IMF WEO "advanced economies").
    DevelopedEconomy,
}

impl Scheme {
    pub fn key(self) -> &'static str {
        match self {
            Scheme::StField => "st_field",
            Scheme::StrategicTechnology => "strategic_technology",
            Scheme::TransferMode => "transfer_mode",
            Scheme::VsicSection => "vsic_section",
            Scheme::TransferObject => "transfer_object",
            Scheme::DealRight => "deal_right",
            Scheme::Country => "country",
            Scheme::Currency => "currency",
            Scheme::DevelopedEconomy => "developed_economy",
        }
    }

    fn from_key(key: &str) -> Option<Scheme> {
        [
            Scheme::StField,
            Scheme::StrategicTechnology,
            Scheme::TransferMode,
            Scheme::VsicSection,
            Scheme::TransferObject,
            Scheme::DealRight,
            Scheme::Country,
            Scheme::Currency,
            Scheme::DevelopedEconomy,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = taxonomy_terms)]
pub struct Term {
    #[serde(skip)]
    pub scheme: String,
    #[serde(skip)]
    pub version: String,
    pub code: String,
    pub parent_code: Option<String>,
    pub level: i32,
    /// For transfer modes: `form`, `method`, `right` or `licence_scope`.
    pub kind: Option<String>,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub source: String,
    #[serde(skip)]
    pub is_current: bool,
    #[serde(skip)]
    pub position: i32,
}

/// A code together with the version of the list it was taken from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CodeRef {
    pub code: String,
    pub version: String,
}

#[derive(Clone, Default)]
pub struct Taxonomy {
    terms: Arc<Vec<Term>>,
    index: Arc<HashMap<(Scheme, String, String), usize>>,
    current: Arc<HashMap<Scheme, String>>,
}

impl Taxonomy {
    pub fn load(conn: &mut DbConnection) -> Result<Taxonomy, AppError> {
        let terms: Vec<Term> = taxonomy_terms::table
            .order((taxonomy_terms::scheme, taxonomy_terms::version, taxonomy_terms::position))
            .select(Term::as_select())
            .load(conn)?;
        Ok(Self::from_terms(terms))
    }

    pub fn from_terms(terms: Vec<Term>) -> Taxonomy {
        let mut index = HashMap::new();
        let mut current = HashMap::new();
        for (i, term) in terms.iter().enumerate() {
            if let Some(scheme) = Scheme::from_key(&term.scheme) {
                index.insert((scheme, term.version.clone(), term.code.clone()), i);
                if term.is_current {
                    current.insert(scheme, term.version.clone());
                }
            }
        }
        Taxonomy { terms: Arc::new(terms), index: Arc::new(index), current: Arc::new(current) }
    }

    pub fn current_version(&self, scheme: Scheme) -> &str {
        self.current.get(&scheme).map(String::as_str).unwrap_or("")
    }

    pub fn versions(&self, scheme: Scheme) -> Vec<String> {
        let versions: BTreeSet<&str> =
            self.terms.iter().filter(|t| t.scheme == scheme.key()).map(|t| t.version.as_str()).collect();
        versions.into_iter().rev().map(str::to_owned).collect()
    }

    pub fn term(&self, scheme: Scheme, version: &str, code: &str) -> Option<&Term> {
        self.index.get(&(scheme, version.to_owned(), code.to_owned())).map(|&i| &self.terms[i])
    }

    /// The terms of one list, in the order of the source.
    pub fn terms(&self, scheme: Scheme, version: &str) -> Vec<&Term> {
        self.terms.iter().filter(|t| t.scheme == scheme.key() && t.version == version).collect()
    }

    pub fn is_current_code(&self, scheme: Scheme, code: &str) -> bool {
        self.term(scheme, self.current_version(scheme), code).is_some()
    }

    /// Checks codes against the current list: trimmed, de-duplicated, at most `max`.
    pub fn validate_codes(
        &self,
        scheme: Scheme,
        field: &'static str,
        codes: &[String],
        max: usize,
    ) -> Result<Vec<CodeRef>, FieldError> {
        if codes.len() > max {
            return Err(FieldError::new(
                field,
                "too_many",
                Text::owned(format!("Tối đa {max} mã."), format!("At most {max} codes.")),
            ));
        }
        let version = self.current_version(scheme);
        let mut seen = BTreeSet::new();
        for raw in codes {
            let code = raw.trim();
            if self.term(scheme, version, code).is_none() {
                let shown: String = code.chars().take(40).collect();
                return Err(FieldError::new(
                    field,
                    "unknown_code",
                    Text::owned(
                        format!("Mã \"{shown}\" không có trong danh mục hiện hành ({version})."),
                        format!("Code \"{shown}\" is not in the current list ({version})."),
                    ),
                ));
            }
            seen.insert(code.to_owned());
        }
        Ok(seen.into_iter().map(|code| CodeRef { code, version: version.to_owned() }).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(scheme: &str, version: &str, code: &str, current: bool) -> Term {
        Term {
            scheme: scheme.into(),
            version: version.into(),
            code: code.into(),
            parent_code: None,
            level: 1,
            kind: None,
            name_vi: code.into(),
            name_en: None,
            source: "test".into(),
            is_current: current,
            position: 0,
        }
    }

    #[test]
    fn validates_against_the_current_version_only() {
        let taxonomy = Taxonomy::from_terms(vec![
            term("strategic_technology", "2026", "g01", true),
            term("strategic_technology", "2025", "g11", false),
            term("st_field", "2008", "202", true),
        ]);
        assert_eq!(taxonomy.current_version(Scheme::StrategicTechnology), "2026");
        let ok =
            taxonomy.validate_codes(Scheme::StrategicTechnology, "tags", &[" g01".into(), "g01".into()], 5).unwrap();
        assert_eq!(ok, vec![CodeRef { code: "g01".into(), version: "2026".into() }]);
        assert_eq!(
            taxonomy.validate_codes(Scheme::StrategicTechnology, "tags", &["g11".into()], 5).unwrap_err().code,
            "unknown_code"
        );
        assert_eq!(
            taxonomy.validate_codes(Scheme::StField, "f", &vec!["202".to_owned(); 6], 5).unwrap_err().code,
            "too_many"
        );
        assert_eq!(taxonomy.versions(Scheme::StrategicTechnology), vec!["2026", "2025"]);
    }
}
