//! What a valid organization looks like. Pure: the caller passes the taxonomy, the
//! provinces and today's date.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::model::{IntermediaryType, OrgKind, SizeBand};
use super::tax_code::TaxCode;
use crate::auth::rules::Email;
use crate::error::{AppError, FieldError, Text, Violations};
use crate::taxonomy::{CodeRef, Scheme, Taxonomy};
use crate::text::{clean_block, clean_line, fold};

pub const NAME_MAX: usize = 300;
pub const SHORT_NAME_MAX: usize = 100;
pub const ADDRESS_MAX: usize = 500;
pub const WEBSITE_MAX: usize = 300;
pub const DESCRIPTION_MAX: usize = 5000;
pub const MAX_CODES: usize = 10;
pub const EARLIEST_FOUNDING_YEAR: i32 = 1900;
/// Version of the personal-data notice a contact person consents to (Decree 356/2025).
pub const CONTACT_NOTICE_VERSION: &str = "2026-01";

/// An organization as a client sends it (create), or the fields it changes (update).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OrganizationInput {
    /// st_enterprise, startup, research_group, institute, incubator, intermediary, fund, enterprise.
    pub kind: Option<String>,
    /// For intermediaries: technology_exchange, transfer_centre, consulting, assessment_valuation, brokerage, ip_services.
    pub intermediary_type: Option<String>,
    /// Legal name in Vietnamese.
    pub legal_name: Option<String>,
    pub name_en: Option<String>,
    pub short_name: Option<String>,
    /// Required for legal entities (every kind but research_group).
    pub tax_code: Option<String>,
    /// Home province: its administrative code, e.g. "24" for Bắc Ninh.
    pub province: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub year_founded: Option<i32>,
    /// micro, small, medium, large.
    pub size_band: Option<String>,
    /// S&T field codes from `GET /taxonomy/st-fields`.
    pub st_fields: Option<Vec<String>>,
    /// Strategic technology codes from `GET /taxonomy/strategic-technologies`.
    pub strategic_tags: Option<Vec<String>>,
    pub description_vi: Option<String>,
    pub description_en: Option<String>,
    /// For research groups: the institution that hosts the group.
    pub host_institution: Option<String>,
    /// For S&T enterprises: the certificate number, e.g. "12/DNKHCN".
    pub certificate_number: Option<String>,
    /// For S&T enterprises: first issue date, YYYY-MM-DD.
    pub certificate_date: Option<String>,
    /// For S&T enterprises: who issued it, e.g. "UBND tỉnh Bắc Ninh".
    pub certificate_issuer: Option<String>,
    /// Contact person (private: only members and the province's officers see it).
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// The contact person agreed to the personal-data notice; must be sent as `true`
    /// whenever contact details are given.
    pub contact_consent: Option<bool>,
    /// On update: the version the client last saw.
    pub version: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub number: String,
    pub date: NaiveDate,
    pub issuer: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl Contact {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.phone.is_none()
    }
}

/// A valid organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub kind: OrgKind,
    pub intermediary_type: Option<IntermediaryType>,
    pub legal_name: String,
    pub name_en: Option<String>,
    pub short_name: Option<String>,
    pub tax_code: Option<TaxCode>,
    pub tenant_id: String,
    pub address: Option<String>,
    pub website: Option<String>,
    pub year_founded: Option<i32>,
    pub size_band: Option<SizeBand>,
    pub st_fields: Vec<CodeRef>,
    pub strategic_tags: Vec<CodeRef>,
    pub description_vi: Option<String>,
    pub description_en: Option<String>,
    pub host_institution: Option<String>,
    pub certificate: Option<Certificate>,
    pub contact: Contact,
}

impl Organization {
    /// The folded names the directory searches.
    pub fn search_name(&self) -> String {
        [Some(&self.legal_name), self.short_name.as_ref(), self.name_en.as_ref()]
            .into_iter()
            .flatten()
            .map(|n| fold(n))
            .collect::<Vec<_>>()
            .join(" | ")
    }

    /// The names of the public fields that differ between two versions.
    pub fn changed_fields(&self, other: &Organization) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let mut check = |name: &'static str, differs: bool| {
            if differs {
                changed.push(name);
            }
        };
        check("kind", self.kind != other.kind);
        check("intermediary_type", self.intermediary_type != other.intermediary_type);
        check("legal_name", self.legal_name != other.legal_name);
        check("name_en", self.name_en != other.name_en);
        check("short_name", self.short_name != other.short_name);
        check("tax_code", self.tax_code != other.tax_code);
        check("province", self.tenant_id != other.tenant_id);
        check("address", self.address != other.address);
        check("website", self.website != other.website);
        check("year_founded", self.year_founded != other.year_founded);
        check("size_band", self.size_band != other.size_band);
        check("st_fields", self.st_fields != other.st_fields);
        check("strategic_tags", self.strategic_tags != other.strategic_tags);
        check("description_vi", self.description_vi != other.description_vi);
        check("description_en", self.description_en != other.description_en);
        check("host_institution", self.host_institution != other.host_institution);
        check("certificate", self.certificate != other.certificate);
        check("contact", self.contact != other.contact);
        changed
    }
}

/// Fields a province may choose to review again when an approved organization changes them.
pub const REVIEWABLE_FIELDS: &[&str] = &[
    "kind",
    "intermediary_type",
    "legal_name",
    "name_en",
    "short_name",
    "tax_code",
    "address",
    "website",
    "year_founded",
    "size_band",
    "st_fields",
    "strategic_tags",
    "description_vi",
    "description_en",
    "host_institution",
    "certificate",
    "contact",
];

/// What the rules need to know about the world.
pub struct Context<'a> {
    pub taxonomy: &'a Taxonomy,
    pub active_tenants: &'a [String],
    pub today: NaiveDate,
}

fn text_line(field: &'static str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    let value = clean_line(raw).ok_or_else(|| FieldError::control_characters(field))?;
    match value.chars().count() {
        0 => Ok(None),
        n if n > max => Err(FieldError::too_long(field, max)),
        _ => Ok(Some(value)),
    }
}

fn text_block(field: &'static str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    let value = clean_block(raw).ok_or_else(|| FieldError::control_characters(field))?;
    match value.chars().count() {
        0 => Ok(None),
        n if n > max => Err(FieldError::too_long(field, max)),
        _ => Ok(Some(value)),
    }
}

fn not_for_kind(field: &'static str, vi: &'static str, en: &'static str) -> FieldError {
    FieldError::new(field, "not_applicable", Text::new(vi, en))
}

fn parse_website(raw: &str) -> Result<Option<String>, FieldError> {
    let Some(url) = text_line("website", raw, WEBSITE_MAX)? else {
        return Ok(None);
    };
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let host = rest.and_then(|r| r.split(['/', '?', '#']).next()).unwrap_or("");
    if host.contains('.') && !url.contains(char::is_whitespace) && !host.contains(['<', '>', '"', '\'']) {
        Ok(Some(url))
    } else {
        Err(FieldError::invalid(
            "website",
            Text::new(
                "Địa chỉ web phải bắt đầu bằng http:// hoặc https://, ví dụ https://congty.vn.",
                "The website must start with http:// or https://, e.g. https://company.vn.",
            ),
        ))
    }
}

fn parse_phone(raw: &str) -> Result<Option<String>, FieldError> {
    let Some(phone) = text_line("contact_phone", raw, 30)? else {
        return Ok(None);
    };
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if allowed && (8..=15).contains(&digits) {
        Ok(Some(phone))
    } else {
        Err(FieldError::invalid(
            "contact_phone",
            Text::new(
                "Số điện thoại gồm 8–15 chữ số, có thể có +, dấu cách, dấu gạch ngang.",
                "A phone number has 8–15 digits, optionally with +, spaces and hyphens.",
            ),
        ))
    }
}

fn parse_date(field: &'static str, raw: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        FieldError::new(
            field,
            "invalid_date",
            Text::new(
                "Ngày phải có dạng YYYY-MM-DD, ví dụ 2024-05-31.",
                "Dates are written YYYY-MM-DD, e.g. 2024-05-31.",
            ),
        )
    })
}

/// Checks a whole organization and names every field that is wrong.
pub fn validate(input: OrganizationInput, ctx: &Context<'_>) -> Result<Organization, AppError> {
    let mut v = Violations::new();
    let kind = v.require("kind", input.kind, |raw| OrgKind::parse_field("kind", &raw));

    let intermediary_type = match (kind, input.intermediary_type) {
        (Some(OrgKind::Intermediary), Some(raw)) => {
            v.check(IntermediaryType::parse_field("intermediary_type", &raw)).map(Some)
        }
        (Some(OrgKind::Intermediary), None) => {
            v.push(FieldError::required("intermediary_type"));
            None
        }
        (Some(_), Some(raw)) if !raw.trim().is_empty() => {
            v.push(not_for_kind(
                "intermediary_type",
                "Chỉ tổ chức trung gian mới có loại hình trung gian.",
                "Only intermediaries have an intermediary type.",
            ));
            None
        }
        _ => Some(None),
    }
    .flatten();

    let legal_name = match input.legal_name.map(|raw| text_line("legal_name", &raw, NAME_MAX)) {
        Some(Ok(Some(name))) if name.chars().count() >= 2 => Some(name),
        Some(Ok(Some(_))) => {
            v.push(FieldError::length("legal_name", 2, NAME_MAX));
            None
        }
        Some(Ok(None)) | None => {
            v.push(FieldError::required("legal_name"));
            None
        }
        Some(Err(error)) => {
            v.push(error);
            None
        }
    };
    let name_en = input.name_en.and_then(|raw| v.check(text_line("name_en", &raw, NAME_MAX))).flatten();
    let short_name = input.short_name.and_then(|raw| v.check(text_line("short_name", &raw, SHORT_NAME_MAX))).flatten();

    let tax_code = match input.tax_code.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(raw) => v.check(TaxCode::parse_field("tax_code", raw)),
        None => {
            if kind.is_some_and(OrgKind::requires_tax_code) {
                v.push(FieldError::required("tax_code"));
            }
            None
        }
    };

    let tenant_id = v.require("province", input.province, |raw| {
        let code = raw.trim().to_owned();
        if ctx.active_tenants.contains(&code) {
            Ok(code)
        } else {
            Err(FieldError::new(
                "province",
                "unknown_province",
                Text::new(
                    "Không có tỉnh, thành phố với mã này (xem GET /api/v1/tenants).",
                    "No province has this code (see GET /api/v1/tenants).",
                ),
            ))
        }
    });

    let address = input.address.and_then(|raw| v.check(text_line("address", &raw, ADDRESS_MAX))).flatten();
    let website = input.website.and_then(|raw| v.check(parse_website(&raw))).flatten();
    let year_founded = input.year_founded.and_then(|year| {
        v.check(if (EARLIEST_FOUNDING_YEAR..=ctx.today.year()).contains(&year) {
            Ok(year)
        } else {
            Err(FieldError::out_of_range(
                "year_founded",
                i64::from(EARLIEST_FOUNDING_YEAR),
                i64::from(ctx.today.year()),
            ))
        })
    });
    let size_band = input
        .size_band
        .filter(|s| !s.trim().is_empty())
        .and_then(|raw| v.check(SizeBand::parse_field("size_band", &raw)));
    let st_fields = v
        .check(ctx.taxonomy.validate_codes(
            Scheme::StField,
            "st_fields",
            &input.st_fields.unwrap_or_default(),
            MAX_CODES,
        ))
        .unwrap_or_default();
    let strategic_tags = v
        .check(ctx.taxonomy.validate_codes(
            Scheme::StrategicTechnology,
            "strategic_tags",
            &input.strategic_tags.unwrap_or_default(),
            MAX_CODES,
        ))
        .unwrap_or_default();
    let description_vi =
        input.description_vi.and_then(|raw| v.check(text_block("description_vi", &raw, DESCRIPTION_MAX))).flatten();
    let description_en =
        input.description_en.and_then(|raw| v.check(text_block("description_en", &raw, DESCRIPTION_MAX))).flatten();

    let host_institution =
        input.host_institution.and_then(|raw| v.check(text_line("host_institution", &raw, NAME_MAX))).flatten();
    match kind {
        Some(OrgKind::ResearchGroup) if host_institution.is_none() => v.push(FieldError::required("host_institution")),
        Some(k) if k != OrgKind::ResearchGroup && host_institution.is_some() => v.push(not_for_kind(
            "host_institution",
            "Chỉ nhóm nghiên cứu mới khai cơ quan chủ quản.",
            "Only research groups name a host institution.",
        )),
        _ => {}
    }

    let certificate = certificate(
        &mut v,
        kind,
        input.certificate_number,
        input.certificate_date,
        input.certificate_issuer,
        ctx.today,
    );

    let contact = Contact {
        name: input.contact_name.and_then(|raw| v.check(text_line("contact_name", &raw, 200))).flatten(),
        email: input
            .contact_email
            .filter(|raw| !raw.trim().is_empty())
            .and_then(|raw| v.check(Email::parse("contact_email", &raw)))
            .map(Email::into_string),
        phone: input.contact_phone.and_then(|raw| v.check(parse_phone(&raw))).flatten(),
    };
    if !contact.is_empty() && input.contact_consent != Some(true) {
        v.push(FieldError::new(
            "contact_consent",
            "consent_required",
            Text::new(
                "Cần xác nhận người liên hệ đồng ý cho xử lý dữ liệu cá nhân (contact_consent: true).",
                "Confirm that the contact person agreed to the processing of their personal data (contact_consent: true).",
            ),
        ));
    }

    let organization = match (kind, legal_name, tenant_id) {
        (Some(kind), Some(legal_name), Some(tenant_id)) => Some(Organization {
            kind,
            intermediary_type,
            legal_name,
            name_en,
            short_name,
            tax_code,
            tenant_id,
            address,
            website,
            year_founded,
            size_band,
            st_fields,
            strategic_tags,
            description_vi,
            description_en,
            host_institution,
            certificate,
            contact,
        }),
        _ => None,
    };
    v.finish(organization)
}

fn certificate(
    v: &mut Violations,
    kind: Option<OrgKind>,
    number: Option<String>,
    date: Option<String>,
    issuer: Option<String>,
    today: NaiveDate,
) -> Option<Certificate> {
    let number = number.and_then(|raw| v.check(text_line("certificate_number", &raw, 50))).flatten();
    let date = date.filter(|d| !d.trim().is_empty());
    let date_given = date.is_some();
    let date = date.and_then(|raw| {
        v.check(parse_date("certificate_date", &raw).and_then(|date| {
            let earliest = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(date);
            if date > today {
                Err(FieldError::new(
                    "certificate_date",
                    "in_future",
                    Text::new("Ngày cấp không được ở tương lai.", "The issue date cannot be in the future."),
                ))
            } else if date < earliest {
                Err(FieldError::new(
                    "certificate_date",
                    "too_early",
                    Text::new(
                        "Ngày cấp chứng nhận doanh nghiệp KH&CN không thể trước năm 2000.",
                        "An S&T enterprise certificate cannot predate 2000.",
                    ),
                ))
            } else {
                Ok(date)
            }
        }))
    });
    let issuer = issuer.and_then(|raw| v.check(text_line("certificate_issuer", &raw, 200))).flatten();
    let Some(kind) = kind else {
        // Which fields belong depends on the kind, which is itself wrong.
        return None;
    };
    if kind == OrgKind::StEnterprise {
        if number.is_none() {
            v.push(FieldError::required("certificate_number"));
        }
        if !date_given {
            v.push(FieldError::required("certificate_date"));
        }
        Some(Certificate { number: number?, date: date?, issuer })
    } else {
        if number.is_some() || date.is_some() || issuer.is_some() {
            v.push(not_for_kind(
                "certificate_number",
                "Chỉ doanh nghiệp KH&CN mới khai giấy chứng nhận.",
                "Only S&T enterprises give certificate details.",
            ));
        }
        None
    }
}

/// Company-form words that say nothing about which company it is.
const LEGAL_FORM_WORDS: &[&str] = &[
    "cong",
    "ty",
    "tnhh",
    "co",
    "phan",
    "cp",
    "mtv",
    "mot",
    "thanh",
    "vien",
    "trach",
    "nhiem",
    "huu",
    "han",
    "tap",
    "doan",
    "jsc",
    "ltd",
    "llc",
    "company",
    "limited",
    "joint",
    "stock",
    "corporation",
    "corp",
    "and",
    "va",
];

fn name_tokens(name: &str) -> BTreeSet<String> {
    fold(name)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty() && !LEGAL_FORM_WORDS.contains(t))
        .map(str::to_owned)
        .collect()
}

/// Two names that probably mean the same organization: the same distinctive words, or
/// nearly so, once case, diacritics and company-form words are set aside.
pub fn names_look_alike(a: &str, b: &str) -> bool {
    let (a, b) = (name_tokens(a), name_tokens(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let shared = a.intersection(&b).count();
    let all = a.union(&b).count();
    shared * 4 >= all * 3
}

#[cfg(test)]
mod tests;
