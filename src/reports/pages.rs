//! The figures of a province as pages: charts drawn on the server, each with its table and
//! downloads, over a period the reader picks. `/provinces/{code}` is the public view; the
//! officers' dashboard (the workspace) draws the full view with the same pieces.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::charts::{self, Figure};
use super::model::ProvinceFigures;
use super::period::Period;
use super::service::{self, View};
use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::labels::Labels;
use crate::web::layout::Section;
use crate::web::page::{labels, query_string};
use crate::web::{FieldErrors, Frame, Visitor, render};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/provinces/{code}", web::get().to(province))
        .route("/provinces/{code}/figures.{format}", web::get().to(public_download));
}

/// The period of a figures page, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// With a CSV download: only this chart's table.
    #[serde(default)]
    pub chart: String,
}

impl PeriodQuery {
    pub fn period(&self) -> Result<Period, AppError> {
        Period::parse(Some(&self.from), Some(&self.to)).map_err(AppError::Validation)
    }

    /// `from=…&to=…` for the links that keep the period.
    pub fn query(&self) -> String {
        query_string(&[("from", &self.from), ("to", &self.to)])
    }
}

/// The periods offered as links: this year, the last 12 months, all time.
pub fn presets(now: NaiveDateTime, lang: Lang) -> Vec<(String, String)> {
    let today = crate::notify::digest::local_time(now).date();
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let year_ago = today - Duration::days(365);
    vec![
        (lang.pick("Năm nay", "This year").to_owned(), query_string(&[("from", &year_start.to_string())])),
        (lang.pick("12 tháng qua", "The last 12 months").to_owned(), query_string(&[("from", &year_ago.to_string())])),
        (lang.pick("Toàn bộ", "All time").to_owned(), String::new()),
    ]
}

/// The figures of one province in `view`, over the period asked for.
pub async fn figures_of(
    state: &AppState,
    code: String,
    period: Period,
    view: View,
) -> Result<ProvinceFigures, AppError> {
    let now = state.clock.now();
    let taxonomy = state.taxonomy.clone();
    state
        .db
        .run(move |conn| {
            let province = crate::tenants::store::find_active(conn, &code)?;
            service::province_figures(conn, &taxonomy, &province, period, view, now)
        })
        .await
}

/// A download of figures: the API's JSON, or the charts' tables as CSV (one chart when
/// `chart` names one).
pub fn download(
    figures: &ProvinceFigures,
    drawn: Vec<Figure>,
    format: &str,
    chart: &str,
    name: &str,
) -> Result<HttpResponse, AppError> {
    match format {
        "json" => Ok(HttpResponse::Ok()
            .insert_header(("content-disposition", format!("attachment; filename=\"{name}.json\"")))
            .json(figures)),
        "csv" => {
            let chosen: Vec<Figure> = drawn.into_iter().filter(|f| chart.is_empty() || f.key == chart).collect();
            let body = charts::csv(&chosen).map_err(AppError::internal)?;
            let file = if chart.is_empty() { name.to_owned() } else { format!("{name}-{chart}") };
            Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header(("content-disposition", format!("attachment; filename=\"{file}.csv\"")))
                .body(body))
        }
        _ => Err(AppError::NotFound),
    }
}

#[derive(Template)]
#[template(path = "reports/province.html")]
struct ProvincePage<'a> {
    frame: Frame<'a>,
    figures: Option<ProvinceFigures>,
    drawn: Vec<Figure>,
    code: String,
    name: String,
    from: String,
    to: String,
    action: String,
    presets: Vec<(String, String)>,
    downloads: String,
    period_query: String,
    published_value: String,
    errors: FieldErrors,
}

/// `/provinces/{code}?from&to`: what a province reports on, the public view.
async fn province(
    state: web::Data<AppState>,
    visitor: Visitor,
    code_path: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let code = code_path.into_inner();
    let query = query.into_inner();
    let lang = visitor.lang;
    let labels: Labels<'_> = labels(&state, lang).await?;
    let (figures, errors) = match query.period() {
        Ok(period) => (Some(figures_of(&state, code.clone(), period, View::Public).await?), FieldErrors::default()),
        Err(error) => (None, FieldErrors::from_error(&error, lang)),
    };
    let name = match &figures {
        Some(figures) => figures.province.name_vi.clone(),
        None => {
            let lookup = code.clone();
            state.db.run(move |conn| crate::tenants::store::find_active(conn, &lookup)).await?.name_vi
        }
    };
    let drawn = figures.as_ref().map(|f| charts::province(f, &labels)).unwrap_or_default();
    let published_value = figures.as_ref().map(|f| labels.amount(f.deals.totals.value_vnd)).unwrap_or_default();
    render(&ProvincePage {
        frame: Frame::new(&visitor, name.clone(), Section::None),
        drawn,
        figures,
        action: format!("/provinces/{code}"),
        downloads: format!("/provinces/{code}/figures"),
        period_query: query.query(),
        presets: presets(state.clock.now(), lang),
        from: query.from,
        to: query.to,
        code,
        name,
        published_value,
        errors,
    })
}

/// `/provinces/{code}/figures.csv|json`: the public figures as a file.
async fn public_download(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let (code, format) = path.into_inner();
    if !matches!(format.as_str(), "csv" | "json") {
        return Err(AppError::NotFound);
    }
    let figures = figures_of(&state, code.clone(), query.period()?, View::Public).await?;
    let labels = labels(&state, visitor.lang).await?;
    let drawn = charts::province(&figures, &labels);
    download(&figures, drawn, &format, &query.chart, &format!("techbridge-{code}"))
}
