//! What a valid technology offer or need looks like. Pure.

use chrono::NaiveDate;
use serde::Deserialize;

use super::model::{IpStatus, ListingKind, Trl, Vnd};
use crate::error::{AppError, FieldError, Text, Violations};
use crate::registry::rules::Context;
use crate::taxonomy::{CodeRef, Scheme};
use crate::text::{clean_block, clean_line};

pub const TITLE_MIN: usize = 5;
pub const TITLE_MAX: usize = 200;
pub const SUMMARY_MAX: usize = 1000;
pub const DESCRIPTION_MAX: usize = 10_000;
pub const CONFIDENTIAL_MAX: usize = 5000;
pub const KEYWORDS_MAX: usize = 20;
pub const KEYWORD_MAX_CHARS: usize = 50;
pub const MAX_CODES: usize = 10;
/// How far ahead a listing's own validity end may be set.
pub const MAX_VALIDITY_DAYS: i64 = 3 * 365;

/// A listing as a client sends it (create), or the fields it changes (update).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ListingInput {
    /// `offer` (a technology for transfer) or `need` (a technology demand).
    pub kind: Option<String>,
    pub title_vi: Option<String>,
    pub title_en: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub keywords: Option<Vec<String>>,
    /// S&T field codes.
    pub st_fields: Option<Vec<String>>,
    /// Strategic technology codes.
    pub strategic_tags: Option<Vec<String>>,
    /// Transfer mode codes (rights, methods, forms) from `GET /taxonomy/transfer-modes`.
    pub transfer_modes: Option<Vec<String>>,
    /// Needs: the VSIC 2025 section (A–V) of the business.
    pub vsic_section: Option<String>,
    /// Needs: a more detailed VSIC 2025 code (2–5 digits), optional.
    pub vsic_code: Option<String>,
    /// Offers: the technology's current TRL; needs: the lowest acceptable TRL (1–9).
    pub trl: Option<i64>,
    /// Offers: asking price in VND.
    pub price_vnd: Option<i64>,
    /// Offers: the price is negotiable.
    pub price_negotiable: Option<bool>,
    /// Needs: budget range in VND.
    pub budget_min_vnd: Option<i64>,
    pub budget_max_vnd: Option<i64>,
    /// patent_granted, patent_pending, utility_solution, know_how or none.
    pub ip_status: Option<String>,
    /// With patent_granted: the patent number.
    pub patent_number: Option<String>,
    /// Where the technology is or is needed (province code); the organization's province by default.
    pub location: Option<String>,
    /// Needs: answers wanted by this date (YYYY-MM-DD).
    pub deadline: Option<String>,
    /// The listing is valid until this date (YYYY-MM-DD); it expires then at the latest.
    pub valid_until: Option<String>,
    /// Shown only to the other side of a connected match.
    pub confidential_details: Option<String>,
    /// On update: the version the client last saw.
    pub version: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub kind: ListingKind,
    pub title_vi: String,
    pub title_en: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub keywords: Vec<String>,
    pub st_fields: Vec<CodeRef>,
    pub strategic_tags: Vec<CodeRef>,
    pub transfer_modes: Vec<CodeRef>,
    pub vsic_section: Option<CodeRef>,
    pub vsic_code: Option<String>,
    pub trl: Option<Trl>,
    pub price: Option<Vnd>,
    pub price_negotiable: bool,
    pub budget_min: Option<Vnd>,
    pub budget_max: Option<Vnd>,
    pub ip_status: Option<IpStatus>,
    pub patent_number: Option<String>,
    pub location_tenant_id: String,
    pub deadline: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub confidential_details: Option<String>,
}

impl Listing {
    pub fn changed(&self, other: &Listing) -> bool {
        self != other
    }
}

fn line(field: &'static str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    let value = clean_line(raw).ok_or_else(|| FieldError::control_characters(field))?;
    match value.chars().count() {
        0 => Ok(None),
        n if n > max => Err(FieldError::too_long(field, max)),
        _ => Ok(Some(value)),
    }
}

fn block(field: &'static str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    let value = clean_block(raw).ok_or_else(|| FieldError::control_characters(field))?;
    match value.chars().count() {
        0 => Ok(None),
        n if n > max => Err(FieldError::too_long(field, max)),
        _ => Ok(Some(value)),
    }
}

fn only_for(field: &'static str, kind: ListingKind) -> FieldError {
    let (vi, en) = match kind {
        ListingKind::Offer => ("Chỉ dành cho nhu cầu công nghệ (need).", "Only technology needs have this field."),
        ListingKind::Need => ("Chỉ dành cho chào bán công nghệ (offer).", "Only technology offers have this field."),
    };
    FieldError::new(field, "not_applicable", Text::new(vi, en))
}

fn date(field: &'static str, raw: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        FieldError::new(
            field,
            "invalid_date",
            Text::new(
                "Ngày phải có dạng YYYY-MM-DD, ví dụ 2027-06-30.",
                "Dates are written YYYY-MM-DD, e.g. 2027-06-30.",
            ),
        )
    })
}

fn future_date(field: &'static str, raw: &str, today: NaiveDate, max_days: i64) -> Result<NaiveDate, FieldError> {
    let value = date(field, raw)?;
    if value < today {
        return Err(FieldError::new(field, "in_past", Text::new("Ngày này đã qua.", "This date has already passed.")));
    }
    if (value - today).num_days() > max_days {
        return Err(FieldError::new(
            field,
            "too_far",
            Text::owned(
                format!("Không được quá {max_days} ngày kể từ hôm nay."),
                format!("Must be within {max_days} days from today."),
            ),
        ));
    }
    Ok(value)
}

/// Checks a whole listing and names every field that is wrong. `home_tenant` is the
/// organization's province, the default location.
pub fn validate(input: ListingInput, home_tenant: &str, ctx: &Context<'_>) -> Result<Listing, AppError> {
    let mut v = Violations::new();
    let kind = v.require("kind", input.kind, |raw| ListingKind::parse_field("kind", &raw));
    let title_vi = match input.title_vi.map(|raw| line("title_vi", &raw, TITLE_MAX)) {
        Some(Ok(Some(title))) if title.chars().count() >= TITLE_MIN => Some(title),
        Some(Ok(Some(_))) => {
            v.push(FieldError::length("title_vi", TITLE_MIN, TITLE_MAX));
            None
        }
        Some(Ok(None)) | None => {
            v.push(FieldError::required("title_vi"));
            None
        }
        Some(Err(error)) => {
            v.push(error);
            None
        }
    };
    let title_en = input.title_en.and_then(|raw| v.check(line("title_en", &raw, TITLE_MAX))).flatten();
    let summary = input.summary.and_then(|raw| v.check(block("summary", &raw, SUMMARY_MAX))).flatten();
    let description = input.description.and_then(|raw| v.check(block("description", &raw, DESCRIPTION_MAX))).flatten();
    let confidential_details = input
        .confidential_details
        .and_then(|raw| v.check(block("confidential_details", &raw, CONFIDENTIAL_MAX)))
        .flatten();

    let mut keywords: Vec<String> = Vec::new();
    let raw_keywords = input.keywords.unwrap_or_default();
    if raw_keywords.len() > KEYWORDS_MAX {
        v.push(FieldError::new(
            "keywords",
            "too_many",
            Text::owned(format!("Tối đa {KEYWORDS_MAX} từ khóa."), format!("At most {KEYWORDS_MAX} keywords.")),
        ));
    } else {
        for raw in raw_keywords {
            match line("keywords", &raw, KEYWORD_MAX_CHARS) {
                Ok(Some(word)) if !keywords.contains(&word) => keywords.push(word),
                Ok(_) => {}
                Err(error) => {
                    v.push(error);
                    break;
                }
            }
        }
    }

    let codes = |v: &mut Violations, scheme: Scheme, field: &'static str, raw: Option<Vec<String>>, max: usize| {
        v.check(ctx.taxonomy.validate_codes(scheme, field, &raw.unwrap_or_default(), max)).unwrap_or_default()
    };
    let st_fields = codes(&mut v, Scheme::StField, "st_fields", input.st_fields, MAX_CODES);
    let strategic_tags = codes(&mut v, Scheme::StrategicTechnology, "strategic_tags", input.strategic_tags, MAX_CODES);
    let transfer_modes = codes(&mut v, Scheme::TransferMode, "transfer_modes", input.transfer_modes, 20);

    let trl = input.trl.and_then(|level| v.check(Trl::parse("trl", level)));
    let ip_status = input
        .ip_status
        .filter(|s| !s.trim().is_empty())
        .and_then(|raw| v.check(IpStatus::parse_field("ip_status", &raw)));
    let patent_number = input.patent_number.and_then(|raw| v.check(line("patent_number", &raw, 50))).flatten();
    if ip_status == Some(IpStatus::PatentGranted) && patent_number.is_none() {
        v.push(FieldError::required("patent_number"));
    }

    let location_tenant_id = match input.location.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()) {
        Some(code) if ctx.active_tenants.contains(&code) => Some(code),
        Some(_) => {
            v.push(FieldError::new(
                "location",
                "unknown_province",
                Text::new(
                    "Không có tỉnh, thành phố với mã này (xem GET /api/v1/tenants).",
                    "No province has this code (see GET /api/v1/tenants).",
                ),
            ));
            None
        }
        None => Some(home_tenant.to_owned()),
    };
    let valid_until = input
        .valid_until
        .filter(|d| !d.trim().is_empty())
        .and_then(|raw| v.check(future_date("valid_until", &raw, ctx.today, MAX_VALIDITY_DAYS)));

    // Kind-specific fields: price for offers; budget, industry and deadline for needs.
    let price = input.price_vnd.and_then(|amount| v.check(Vnd::parse("price_vnd", amount)));
    let price_negotiable = input.price_negotiable.unwrap_or(false);
    let budget_min = input.budget_min_vnd.and_then(|amount| v.check(Vnd::parse("budget_min_vnd", amount)));
    let budget_max = input.budget_max_vnd.and_then(|amount| v.check(Vnd::parse("budget_max_vnd", amount)));
    let vsic_section = input
        .vsic_section
        .filter(|s| !s.trim().is_empty())
        .and_then(|raw| {
            let code = raw.trim().to_uppercase();
            v.check(ctx.taxonomy.validate_codes(Scheme::VsicSection, "vsic_section", &[code], 1))
        })
        .and_then(|codes| codes.into_iter().next());
    let vsic_code = input.vsic_code.filter(|s| !s.trim().is_empty()).and_then(|raw| {
        let code = raw.trim().to_owned();
        v.check(if (2..=5).contains(&code.len()) && code.chars().all(|c| c.is_ascii_digit()) {
            Ok(code)
        } else {
            Err(FieldError::invalid(
                "vsic_code",
                Text::new("Mã ngành VSIC gồm 2–5 chữ số.", "A VSIC code has 2 to 5 digits."),
            ))
        })
    });
    let deadline = input
        .deadline
        .filter(|d| !d.trim().is_empty())
        .and_then(|raw| v.check(future_date("deadline", &raw, ctx.today, MAX_VALIDITY_DAYS)));

    match kind {
        Some(ListingKind::Offer) => {
            for (field, given) in [
                ("budget_min_vnd", budget_min.is_some()),
                ("budget_max_vnd", budget_max.is_some()),
                ("vsic_section", vsic_section.is_some()),
                ("vsic_code", vsic_code.is_some()),
                ("deadline", deadline.is_some()),
            ] {
                if given {
                    v.push(only_for(field, ListingKind::Offer));
                }
            }
            if price.is_some() && price_negotiable {
                v.push(FieldError::new(
                    "price_negotiable",
                    "conflict",
                    Text::new(
                        "Chọn một: giá cụ thể hoặc giá thỏa thuận.",
                        "Give either a price or \"negotiable\", not both.",
                    ),
                ));
            }
        }
        Some(ListingKind::Need) => {
            for (field, given) in [("price_vnd", price.is_some()), ("price_negotiable", price_negotiable)] {
                if given {
                    v.push(only_for(field, ListingKind::Need));
                }
            }
            if let (Some(min), Some(max)) = (budget_min, budget_max)
                && min > max
            {
                v.push(FieldError::new(
                    "budget_min_vnd",
                    "greater_than_max",
                    Text::new(
                        "Ngân sách tối thiểu không được lớn hơn ngân sách tối đa.",
                        "The minimum budget cannot exceed the maximum budget.",
                    ),
                ));
            }
            if vsic_code.is_some() && vsic_section.is_none() {
                v.push(FieldError::required("vsic_section"));
            }
        }
        None => {}
    }

    let listing = match (kind, title_vi, location_tenant_id) {
        (Some(kind), Some(title_vi), Some(location_tenant_id)) => Some(Listing {
            kind,
            title_vi,
            title_en,
            summary,
            description,
            keywords,
            st_fields,
            strategic_tags,
            transfer_modes,
            vsic_section,
            vsic_code,
            trl,
            price,
            price_negotiable,
            budget_min,
            budget_max,
            ip_status,
            patent_number,
            location_tenant_id,
            deadline,
            valid_until,
            confidential_details,
        }),
        _ => None,
    };
    v.finish(listing)
}

#[cfg(test)]
mod tests;
