//! The public figures of a province, as a page.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::model::ProvinceFigures;
use super::period::Period;
use super::service::{self, View};
use crate::app::AppState;
use crate::error::AppError;
use crate::web::labels::code;
use crate::web::layout::Section;
use crate::web::{Frame, Visitor, render};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/provinces/{code}", web::get().to(province));
}

#[derive(Template)]
#[template(path = "reports/province.html")]
struct ProvincePage<'a> {
    frame: Frame<'a>,
    figures: ProvinceFigures,
    kinds: Vec<(String, i64)>,
    fields: Vec<(String, i64, i64)>,
}

/// `/provinces/{code}`: what a province reports on, the public view.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

async fn province(
    state: web::Data<AppState>,
    visitor: Visitor,
    code_path: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let province_code = code_path.into_inner();
    let from = query.from.as_deref().filter(|f| !f.is_empty());
    let to = query.to.as_deref().filter(|t| !t.is_empty());
    let period = Period::parse(from, to).map_err(AppError::Validation)?;
    let now = state.clock.now();
    let taxonomy = state.taxonomy.clone();
    let figures = state
        .db
        .run(move |conn| {
            let province = crate::tenants::store::find_active(conn, &province_code)?;
            service::province_figures(conn, &taxonomy, &province, period, View::Public, now)
        })
        .await?;
    let lang = visitor.lang;
    let kinds = figures.organizations.approved_by_kind.iter().map(|k| (code(&k.kind, lang), k.count)).collect();
    let fields = figures
        .listings
        .by_st_field
        .iter()
        .map(|f| {
            let name = match lang {
                crate::i18n::Lang::En => {
                    f.name_en.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| f.name_vi.clone())
                }
                crate::i18n::Lang::Vi => f.name_vi.clone(),
            };
            (format!("{} {name}", f.code), f.offers, f.needs)
        })
        .collect();
    render(&ProvincePage {
        frame: Frame::new(&visitor, figures.province.name_vi.clone(), Section::None),
        figures,
        kinds,
        fields,
    })
}
