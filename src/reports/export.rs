//! Open data: public listings and organizations, and a province's review queue, as CSV or
//! JSON streamed a page at a time, so that an export of any size holds one page in memory.

use std::collections::HashMap;

use actix_web::HttpResponse;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::web::Bytes;
use chrono::NaiveDateTime;
use futures_util::stream;
use serde::Serialize;

use super::csv_cell::Cell;
use crate::db::{Db, DbConnection};
use crate::error::AppError;
use crate::listings::views::ListingView;
use crate::registry::views::OrganizationView;
use crate::reports::store::QueuedItem;
use crate::taxonomy::{CodeRef, Scheme, Taxonomy};

/// Rows fetched and encoded per step.
pub const PAGE: i64 = 500;
/// Excel reads UTF-8 only after a byte order mark.
const BOM: &str = "\u{feff}";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// What the CSV cells need beyond the row: names of codes and provinces.
#[derive(Clone)]
pub struct Names {
    pub taxonomy: Taxonomy,
    pub provinces: HashMap<String, String>,
}

impl Names {
    fn province(&self, code: &str) -> String {
        self.provinces.get(code).cloned().unwrap_or_default()
    }

    fn codes(codes: &[CodeRef]) -> String {
        codes.iter().map(|c| c.code.as_str()).collect::<Vec<_>>().join("; ")
    }

    fn code_names(&self, scheme: Scheme, codes: &[CodeRef]) -> String {
        codes
            .iter()
            .map(|c| self.taxonomy.term(scheme, &c.version, &c.code).map(|t| t.name_vi.as_str()).unwrap_or(&c.code))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A row of an export: the JSON is the API's own public view, the CSV a flat line of it.
pub trait Exported: Serialize {
    const HEADERS: &'static [&'static str];
    fn record(&self, names: &Names) -> Vec<Cell>;
}

fn instant(value: Option<NaiveDateTime>) -> Cell {
    Cell::optional(value.map(crate::http::time::rfc3339))
}

impl Exported for ListingView {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "kind",
        "title_vi",
        "title_en",
        "summary",
        "description",
        "keywords",
        "organization_id",
        "organization",
        "province",
        "province_name",
        "location",
        "st_fields",
        "st_field_names",
        "strategic_tags",
        "strategic_tag_names",
        "transfer_modes",
        "vsic_section",
        "trl",
        "price_vnd",
        "price_negotiable",
        "budget_min_vnd",
        "budget_max_vnd",
        "ip_status",
        "patent_number",
        "deadline",
        "valid_until",
        "published_at",
        "expires_at",
    ];

    fn record(&self, names: &Names) -> Vec<Cell> {
        vec![
            Cell::text(self.id.as_str()),
            Cell::text(self.kind.as_str()),
            Cell::text(self.title_vi.as_str()),
            Cell::optional(self.title_en.as_ref()),
            Cell::optional(self.summary.as_ref()),
            Cell::optional(self.description.as_ref()),
            Cell::text(self.keywords.join("; ")),
            Cell::text(self.organization.id.as_str()),
            Cell::text(self.organization.legal_name.as_str()),
            Cell::text(self.organization.province.as_str()),
            Cell::text(names.province(&self.organization.province)),
            Cell::text(self.location.as_str()),
            Cell::text(Names::codes(&self.st_fields)),
            Cell::text(names.code_names(Scheme::StField, &self.st_fields)),
            Cell::text(Names::codes(&self.strategic_tags)),
            Cell::text(names.code_names(Scheme::StrategicTechnology, &self.strategic_tags)),
            Cell::text(Names::codes(&self.transfer_modes)),
            Cell::optional(self.vsic.as_ref().map(|v| &v.section)),
            Cell::figure(self.trl),
            Cell::figure(self.price_vnd),
            Cell::text(self.price_negotiable.to_string()),
            Cell::figure(self.budget_min_vnd),
            Cell::figure(self.budget_max_vnd),
            Cell::optional(self.ip_status.as_ref()),
            Cell::optional(self.patent_number.as_ref()),
            Cell::optional(self.deadline),
            Cell::optional(self.valid_until),
            instant(self.published_at),
            instant(self.expires_at),
        ]
    }
}

impl Exported for OrganizationView {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "kind",
        "intermediary_type",
        "legal_name",
        "name_en",
        "short_name",
        "tax_code",
        "province",
        "province_name",
        "address",
        "website",
        "year_founded",
        "size_band",
        "st_fields",
        "st_field_names",
        "strategic_tags",
        "strategic_tag_names",
        "description_vi",
        "description_en",
        "host_institution",
        "certificate_number",
        "certificate_date",
        "certificate_issuer",
        "approved_at",
    ];

    fn record(&self, names: &Names) -> Vec<Cell> {
        vec![
            Cell::text(self.id.as_str()),
            Cell::text(self.kind.as_str()),
            Cell::optional(self.intermediary_type.as_ref()),
            Cell::text(self.legal_name.as_str()),
            Cell::optional(self.name_en.as_ref()),
            Cell::optional(self.short_name.as_ref()),
            Cell::optional(self.tax_code.as_ref()),
            Cell::text(self.province.as_str()),
            Cell::text(names.province(&self.province)),
            Cell::optional(self.address.as_ref()),
            Cell::optional(self.website.as_ref()),
            Cell::figure(self.year_founded),
            Cell::optional(self.size_band.as_ref()),
            Cell::text(Names::codes(&self.st_fields)),
            Cell::text(names.code_names(Scheme::StField, &self.st_fields)),
            Cell::text(Names::codes(&self.strategic_tags)),
            Cell::text(names.code_names(Scheme::StrategicTechnology, &self.strategic_tags)),
            Cell::optional(self.description_vi.as_ref()),
            Cell::optional(self.description_en.as_ref()),
            Cell::optional(self.host_institution.as_ref()),
            Cell::optional(self.certificate_number.as_ref()),
            Cell::optional(self.certificate_date),
            Cell::optional(self.certificate_issuer.as_ref()),
            instant(self.approved_at),
        ]
    }
}

impl Exported for crate::outcomes::open_data::PublicDeal {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "status",
        "signed_month",
        "offer_province",
        "offer_province_name",
        "need_province",
        "need_province_name",
        "objects",
        "object_names",
        "rights",
        "modes",
        "ip_asset_kinds",
        "origin",
        "origin_country",
        "from_developed_country",
        "value_vnd",
    ];

    fn record(&self, names: &Names) -> Vec<Cell> {
        vec![
            Cell::text(self.id.as_str()),
            Cell::text(self.status.as_str()),
            Cell::text(self.signed_month.as_str()),
            Cell::text(self.offer_province.as_str()),
            Cell::text(names.province(&self.offer_province)),
            Cell::text(self.need_province.as_str()),
            Cell::text(names.province(&self.need_province)),
            Cell::text(Names::codes(&self.objects)),
            Cell::text(names.code_names(Scheme::TransferObject, &self.objects)),
            Cell::text(Names::codes(&self.rights)),
            Cell::text(Names::codes(&self.modes)),
            Cell::text(self.ip_asset_kinds.join("; ")),
            Cell::optional(self.origin.as_ref()),
            Cell::optional(self.origin_country.as_ref()),
            Cell::text(self.from_developed_country.to_string()),
            Cell::figure(self.value_vnd),
        ]
    }
}

/// A queued item as exported, with how long it has waited.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueLine {
    #[serde(rename = "type")]
    pub item_type: &'static str,
    pub id: String,
    pub kind: String,
    pub name: String,
    pub organization: String,
    pub version: i32,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    pub submitted_at: Option<NaiveDateTime>,
    pub waiting_hours: Option<f64>,
}

impl QueueLine {
    pub fn new(item: QueuedItem, now: NaiveDateTime) -> QueueLine {
        QueueLine {
            waiting_hours: item.submitted_at.map(|at| super::figures::round2((now - at).num_seconds() as f64 / 3600.0)),
            item_type: item.item_type,
            id: item.id,
            kind: item.kind,
            name: item.name,
            organization: item.organization,
            version: item.version,
            submitted_at: item.submitted_at,
        }
    }
}

impl Exported for QueueLine {
    const HEADERS: &'static [&'static str] =
        &["type", "id", "kind", "name", "organization", "version", "submitted_at", "waiting_hours"];

    fn record(&self, _: &Names) -> Vec<Cell> {
        vec![
            Cell::text(self.item_type),
            Cell::text(self.id.as_str()),
            Cell::text(self.kind.as_str()),
            Cell::text(self.name.as_str()),
            Cell::text(self.organization.as_str()),
            Cell::figure(Some(self.version)),
            instant(self.submitted_at),
            Cell::figure(self.waiting_hours),
        ]
    }
}

/// Encodes one page; `first` says whether anything came before it (JSON commas).
pub fn encode<T: Exported>(format: Format, rows: &[T], names: &Names, first: bool) -> Result<Bytes, AppError> {
    match format {
        Format::Csv => {
            let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::with_capacity(64 * 1024));
            for row in rows {
                let cells = row.record(names);
                let written: Vec<_> = cells.iter().map(Cell::written).collect();
                writer.write_record(written.iter().map(|cell| cell.as_bytes())).map_err(AppError::internal)?;
            }
            Ok(Bytes::from(writer.into_inner().map_err(AppError::internal)?))
        }
        Format::Json => {
            let mut out = Vec::with_capacity(64 * 1024);
            for (i, row) in rows.iter().enumerate() {
                if !(first && i == 0) {
                    out.extend_from_slice(b",\n");
                }
                serde_json::to_writer(&mut out, row).map_err(AppError::internal)?;
            }
            Ok(Bytes::from(out))
        }
    }
}

fn prefix<T: Exported>(format: Format) -> Result<Bytes, AppError> {
    match format {
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(BOM.as_bytes().to_vec());
            writer.write_record(T::HEADERS).map_err(AppError::internal)?;
            Ok(Bytes::from(writer.into_inner().map_err(AppError::internal)?))
        }
        Format::Json => Ok(Bytes::from_static(b"[\n")),
    }
}

fn suffix(format: Format) -> Bytes {
    match format {
        Format::Csv => Bytes::new(),
        Format::Json => Bytes::from_static(b"\n]\n"),
    }
}

/// The cursor after a full page, taken from its last row; none when the page was the last.
pub fn after_full_page<T, C>(rows: &[T], cursor_of: impl FnOnce(&T) -> Option<C>) -> Option<C> {
    if (rows.len() as i64) < PAGE {
        return None;
    }
    rows.last().and_then(cursor_of)
}

/// One page of rows, and the cursor of the next page if there is one.
pub type PageOf<P> = (Vec<<P as Pager>::Row>, Option<<P as Pager>::Cursor>);

/// Reads one page after a cursor.
pub trait Pager: Clone + Send + 'static {
    type Row: Exported + Send;
    type Cursor: Clone + Send + 'static;
    fn page(&self, conn: &mut DbConnection, cursor: &Self::Cursor) -> Result<PageOf<Self>, AppError>;
}

enum Step<C> {
    Start(C),
    Page(C, bool),
    Finish,
    Done,
}

/// The export as a streamed response. Each page is read when the client has taken the
/// previous one, so a slow reader holds back the database, not memory.
pub fn respond<P: Pager>(
    db: Db,
    pager: P,
    first: P::Cursor,
    format: Format,
    names: Names,
    filename: &str,
) -> Result<HttpResponse, AppError> {
    let head = prefix::<P::Row>(format)?;
    let body = stream::unfold(Step::Start(first), move |step| {
        let (db, pager, names, head) = (db.clone(), pager.clone(), names.clone(), head.clone());
        async move {
            match step {
                Step::Start(cursor) => Some((Ok(head), Step::Page(cursor, true))),
                Step::Page(cursor, first) => {
                    let page = db
                        .run(move |conn| {
                            let (rows, next) = pager.page(conn, &cursor)?;
                            Ok((encode(format, &rows, &names, first)?, rows.is_empty(), next))
                        })
                        .await;
                    match page {
                        Ok((bytes, empty, Some(next))) => Some((Ok(bytes), Step::Page(next, first && empty))),
                        Ok((bytes, _, None)) => Some((Ok(bytes), Step::Finish)),
                        Err(error) => {
                            tracing::error!(%error, "export stopped");
                            Some((Err(error), Step::Done))
                        }
                    }
                }
                Step::Finish => Some((Ok(suffix(format)), Step::Done)),
                Step::Done => None,
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(format!("{filename}.{}", format.extension()))],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str) -> QueueLine {
        QueueLine {
            item_type: "org",
            id: "id-1".into(),
            kind: "startup".into(),
            name: name.into(),
            organization: name.into(),
            version: 2,
            submitted_at: None,
            waiting_hours: Some(1.5),
        }
    }

    fn names() -> Names {
        Names { taxonomy: Taxonomy::default(), provinces: HashMap::new() }
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_keeps_vietnamese() {
        let head = prefix::<QueueLine>(Format::Csv).unwrap();
        assert!(head.starts_with(BOM.as_bytes()));
        let page = encode(Format::Csv, &[line("Công ty \"Sao Việt\", Hà Nội")], &names(), true).unwrap();
        let text = String::from_utf8(page.to_vec()).unwrap();
        assert_eq!(
            text,
            "org,id-1,startup,\"Công ty \"\"Sao Việt\"\", Hà Nội\",\"Công ty \"\"Sao Việt\"\", Hà Nội\",2,,1.5\n"
        );
    }

    #[test]
    fn csv_text_cannot_become_a_formula_but_figures_keep_their_sign() {
        let mut hostile = line(r#"=HYPERLINK("http://evil.example","x")"#);
        hostile.organization = "@SUM(A1)".into();
        hostile.waiting_hours = Some(-0.25);
        let page = encode(Format::Csv, &[hostile], &names(), true).unwrap();
        let text = String::from_utf8(page.to_vec()).unwrap();
        assert_eq!(
            text,
            "org,id-1,startup,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",'@SUM(A1),2,,-0.25\n"
        );
    }

    #[test]
    fn json_pages_join_into_one_array() {
        let mut out = prefix::<QueueLine>(Format::Json).unwrap().to_vec();
        out.extend_from_slice(&encode(Format::Json, &[line("A"), line("B")], &names(), true).unwrap());
        out.extend_from_slice(&encode(Format::Json, &[line("C")], &names(), false).unwrap());
        out.extend_from_slice(&suffix(Format::Json));
        let parsed: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
        let names: Vec<&str> = parsed.iter().map(|v| v["name"].as_str().unwrap()).collect();
        assert_eq!(names, vec!["A", "B", "C"]);
        assert_eq!(parsed[0]["type"], "org");
    }
}
