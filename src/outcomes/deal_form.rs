//! The deal form of the match page: every term the API takes, as typed, with each refusal
//! beside its field (an IP asset's fields beside their own row).

use serde::Deserialize;

use super::routes::DealRequest;
use super::rules::{DealTermsInput, IpAssetInput, IpKind, Origin};
use crate::error::{AppError, FieldError};
use crate::taxonomy::{Scheme, Taxonomy};
use crate::web::labels::Labels;

/// Rows for IP assets on the page; the API takes more.
pub const IP_ROWS: usize = 3;

/// The deal form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct DealForm {
    #[serde(default)]
    pub objects: Vec<String>,
    #[serde(default)]
    pub rights: Vec<String>,
    #[serde(default)]
    pub modes: Vec<String>,
    #[serde(default)]
    pub ip_kind_0: String,
    #[serde(default)]
    pub ip_number_0: String,
    #[serde(default)]
    pub ip_title_0: String,
    #[serde(default)]
    pub ip_kind_1: String,
    #[serde(default)]
    pub ip_number_1: String,
    #[serde(default)]
    pub ip_title_1: String,
    #[serde(default)]
    pub ip_kind_2: String,
    #[serde(default)]
    pub ip_number_2: String,
    #[serde(default)]
    pub ip_title_2: String,
    #[serde(default)]
    pub value_vnd: String,
    #[serde(default)]
    pub foreign_currency: String,
    #[serde(default)]
    pub foreign_amount: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub duration_months: String,
    #[serde(default)]
    pub origin: String,
    #[serde(default)]
    pub origin_country: String,
    #[serde(default)]
    pub registration_number: String,
    #[serde(default)]
    pub registration_date: String,
    /// A checkbox: present when this side lets the value be published.
    #[serde(default)]
    pub publish_value: Option<String>,
    #[serde(default)]
    pub version: String,
}

/// One IP asset row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpRow {
    pub index: usize,
    pub kind: String,
    pub number: String,
    pub title: String,
}

impl IpRow {
    fn is_blank(&self) -> bool {
        self.kind.trim().is_empty() && self.number.trim().is_empty() && self.title.trim().is_empty()
    }
}

fn filled(raw: &str) -> Option<String> {
    crate::web::form::text(raw)
}

impl DealForm {
    pub fn ip_rows(&self) -> Vec<IpRow> {
        let typed = [
            (&self.ip_kind_0, &self.ip_number_0, &self.ip_title_0),
            (&self.ip_kind_1, &self.ip_number_1, &self.ip_title_1),
            (&self.ip_kind_2, &self.ip_number_2, &self.ip_title_2),
        ];
        typed
            .into_iter()
            .enumerate()
            .map(|(index, (kind, number, title))| IpRow {
                index,
                kind: kind.clone(),
                number: number.clone(),
                title: title.clone(),
            })
            .collect()
    }

    /// The API's request: the rows up to the last one filled in (a blank row in between is
    /// an asset without its kind, named on its row).
    pub fn request(&self) -> Result<DealRequest, AppError> {
        let mut typed: Vec<FieldError> = Vec::new();
        let value_vnd = crate::web::form::number("value_vnd", &self.value_vnd, &mut typed);
        let duration = crate::web::form::number("duration_months", &self.duration_months, &mut typed)
            .map(|m| i32::try_from(m).unwrap_or(i32::MAX));
        if !typed.is_empty() {
            return Err(AppError::Validation(typed));
        }
        let rows = self.ip_rows();
        let used = rows.iter().rposition(|r| !r.is_blank()).map_or(0, |last| last + 1);
        Ok(DealRequest {
            terms: DealTermsInput {
                objects: self.objects.clone(),
                rights: self.rights.clone(),
                modes: self.modes.clone(),
                ip_assets: rows[..used]
                    .iter()
                    .map(|r| IpAssetInput { kind: filled(&r.kind), number: filled(&r.number), title: filled(&r.title) })
                    .collect(),
                value_vnd,
                foreign_currency: filled(&self.foreign_currency),
                foreign_amount: filled(&self.foreign_amount),
                date: filled(&self.date),
                duration_months: duration,
                origin: filled(&self.origin),
                origin_country: filled(&self.origin_country),
                registration_number: filled(&self.registration_number),
                registration_date: filled(&self.registration_date),
            },
            publish_value: Some(self.publish_value.is_some()),
            side: None,
            version: self.version.trim().parse().ok(),
        })
    }
}

/// The API names an asset's field `ip_assets[1].number`; the page's field is `ip_number_1`.
pub fn on_page_fields(error: AppError) -> AppError {
    match error {
        AppError::Validation(fields) => AppError::Validation(
            fields
                .into_iter()
                .map(|mut field| {
                    if let Some(rest) = field.field.strip_prefix("ip_assets[")
                        && let Some((index, part)) = rest.split_once("].")
                    {
                        field.field = format!("ip_{part}_{index}").into();
                    }
                    field
                })
                .collect(),
        ),
        other => other,
    }
}

/// A box to tick: its code, its words, and whether it was ticked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub code: String,
    pub label: String,
    pub checked: bool,
}

/// What the deal form shows: the lists to choose from and what was typed.
#[derive(Debug, Clone, Default)]
pub struct DealFormView {
    pub objects: Vec<Choice>,
    pub rights: Vec<Choice>,
    pub modes: Vec<Choice>,
    pub ip_kinds: Vec<(String, String)>,
    pub ip_rows: Vec<IpRow>,
    pub origins: Vec<(String, String)>,
    pub typed: DealForm,
}

impl DealFormView {
    pub fn new(taxonomy: &Taxonomy, labels: &Labels<'_>, typed: DealForm) -> DealFormView {
        let lang = labels.lang;
        let choices = |scheme: Scheme, keep: &dyn Fn(&crate::taxonomy::Term) -> bool, ticked: &[String]| {
            taxonomy
                .terms(scheme, taxonomy.current_version(scheme))
                .into_iter()
                .filter(|t| keep(t))
                .map(|t| Choice {
                    code: t.code.clone(),
                    label: labels.current(scheme, &t.code),
                    checked: ticked.iter().any(|c| c == &t.code),
                })
                .collect()
        };
        let ip_label = |kind: IpKind| -> String {
            let (vi, en) = match kind {
                IpKind::Patent => ("Sáng chế", "Patent"),
                IpKind::UtilitySolution => ("Giải pháp hữu ích", "Utility solution"),
                IpKind::IndustrialDesign => ("Kiểu dáng công nghiệp", "Industrial design"),
                IpKind::KnowHow => ("Bí quyết kỹ thuật", "Know-how"),
            };
            lang.pick(vi, en).to_owned()
        };
        let origin_label = |origin: Origin| -> String {
            let (vi, en) = match origin {
                Origin::DomesticInstitute => ("Viện, trường đại học trong nước", "A domestic institute or university"),
                Origin::DomesticEnterprise => ("Doanh nghiệp trong nước", "A domestic enterprise"),
                Origin::Foreign => ("Nước ngoài", "Abroad"),
            };
            lang.pick(vi, en).to_owned()
        };
        DealFormView {
            objects: choices(Scheme::TransferObject, &|_| true, &typed.objects),
            rights: choices(Scheme::DealRight, &|_| true, &typed.rights),
            modes: choices(
                Scheme::TransferMode,
                &|t| matches!(t.kind.as_deref(), Some("form" | "method")),
                &typed.modes,
            ),
            ip_kinds: IpKind::ALL.iter().map(|k| (k.as_str().to_owned(), ip_label(*k))).collect(),
            ip_rows: typed.ip_rows(),
            origins: Origin::ALL.iter().map(|o| (o.as_str().to_owned(), origin_label(*o))).collect(),
            typed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sent_up_to_the_last_one_filled_in() {
        let form = DealForm {
            ip_kind_1: "patent".into(),
            ip_number_1: "1-0034567".into(),
            value_vnd: "500.000.000".into(),
            publish_value: Some("yes".into()),
            version: "3".into(),
            ..DealForm::default()
        };
        let request = form.request().unwrap();
        assert_eq!(request.terms.ip_assets.len(), 2, "the blank first row is sent, to be named");
        assert_eq!(request.terms.ip_assets[0].kind, None);
        assert_eq!(request.terms.ip_assets[1].number.as_deref(), Some("1-0034567"));
        assert_eq!(
            (request.terms.value_vnd, request.publish_value, request.version),
            (Some(500_000_000), Some(true), Some(3))
        );
        assert_eq!(DealForm::default().request().unwrap().terms.ip_assets.len(), 0);
    }

    #[test]
    fn words_where_numbers_go_are_named_on_their_fields() {
        let form =
            DealForm { value_vnd: "năm trăm".into(), duration_months: "hai năm".into(), ..DealForm::default() };
        let Err(AppError::Validation(fields)) = form.request() else { panic!("refused") };
        let named: Vec<&str> = fields.iter().map(|f| f.field.as_ref()).collect();
        assert_eq!(named, vec!["value_vnd", "duration_months"]);
    }

    #[test]
    fn an_assets_fields_land_on_its_row() {
        let error = AppError::Validation(vec![
            FieldError::required("ip_assets[2].number"),
            FieldError::required("ip_assets[0].kind"),
            FieldError::required("date"),
        ]);
        let AppError::Validation(fields) = on_page_fields(error) else { panic!("still a refusal") };
        let named: Vec<&str> = fields.iter().map(|f| f.field.as_ref()).collect();
        assert_eq!(named, vec!["ip_number_2", "ip_kind_0", "date"]);
    }
}
