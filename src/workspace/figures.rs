//! `/province/{code}/figures`: the province's dashboard, the full view of its figures
//! drawn as charts, each with its table and downloads, over a period the officer picks.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{Part, Workspace, open};
use crate::app::AppState;
use crate::error::AppError;
use crate::reports::charts::{self, Figure};
use crate::reports::model::ProvinceFigures;
use crate::reports::pages::{PeriodQuery, download as write_download, figures_of, presets};
use crate::reports::service::View;
use crate::review::ReviewQueues;
use crate::web::layout::Section;
use crate::web::page::labels;
use crate::web::{FieldErrors, Frame, StaffSignedIn, render};

#[derive(Template)]
#[template(path = "workspace/figures.html")]
struct DashboardPage<'a> {
    frame: Frame<'a>,
    ws: Workspace,
    figures: Option<ProvinceFigures>,
    drawn: Vec<Figure>,
    from: String,
    to: String,
    action: String,
    presets: Vec<(String, String)>,
    downloads: String,
    period_query: String,
    deal_value: Option<String>,
    verified_value: String,
    errors: FieldErrors,
}

pub async fn dashboard(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    code: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let ws = open(&state, &queues, &signed, &code, Part::Figures).await?;
    let query = query.into_inner();
    let lang = signed.visitor.lang;
    let labels = labels(&state, lang).await?;
    let (figures, errors) = match query.period() {
        Ok(period) => (Some(figures_of(&state, code.clone(), period, View::Full).await?), FieldErrors::default()),
        Err(error) => (None, FieldErrors::from_error(&error, lang)),
    };
    let drawn = figures.as_ref().map(|f| charts::province(f, &labels)).unwrap_or_default();
    let deal_value = figures.as_ref().and_then(|f| f.matches.deal_value_vnd).map(|v| labels.amount(v));
    let verified_value = figures.as_ref().map(|f| labels.amount(f.deals.totals.value_vnd)).unwrap_or_default();
    render(&DashboardPage {
        frame: Frame::new(&signed.visitor, lang.pick("Số liệu của tỉnh", "The province's figures"), Section::Review),
        drawn,
        figures,
        action: format!("/province/{code}/figures"),
        downloads: format!("/province/{code}/figures"),
        period_query: query.query(),
        presets: presets(state.clock.now(), lang),
        from: query.from,
        to: query.to,
        deal_value,
        verified_value,
        errors,
        ws,
    })
}

/// `/province/{code}/figures.csv|json`: the full figures as a file, for the officers.
pub async fn download(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    path: web::Path<(String, String)>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let (code, format) = path.into_inner();
    if !matches!(format.as_str(), "csv" | "json") {
        return Err(AppError::NotFound);
    }
    open(&state, &queues, &signed, &code, Part::Figures).await?;
    let figures = figures_of(&state, code.clone(), query.period()?, View::Full).await?;
    let labels = labels(&state, signed.visitor.lang).await?;
    let drawn = charts::province(&figures, &labels);
    write_download(&figures, drawn, &format, &query.chart, &format!("techbridge-{code}-full"))
}
