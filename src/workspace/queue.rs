//! `/province/{code}`: what waits for the province's decision, oldest first, with its age.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, NaiveDateTime};
use serde::Deserialize;
use serde_json::Value;

use super::{Part, Workspace, open};
use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::review::{QueueQuery, ReviewQueues};
use crate::web::labels::code as code_label;
use crate::web::layout::Section;
use crate::web::page::query_string;
use crate::web::{FieldErrors, Frame, StaffSignedIn, render};

#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    #[serde(default, rename = "type")]
    item_type: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    done: String,
}

/// One waiting item as the queue lists it.
pub struct Row {
    pub href: String,
    pub title: String,
    pub kind: String,
    pub organization: Option<String>,
    pub submitted: String,
    pub age: String,
    /// Waiting more than a week.
    pub late: bool,
}

#[derive(Template)]
#[template(path = "workspace/queue.html")]
struct QueuePage<'a> {
    frame: Frame<'a>,
    ws: Workspace,
    item_type: String,
    kind: String,
    q: String,
    kinds: Vec<(String, String)>,
    rows: Vec<Row>,
    total: i64,
    previous: Option<String>,
    next: Option<String>,
    errors: FieldErrors,
}

/// How long an item has waited, as a person says it.
pub fn age(hours: i64, lang: Lang) -> String {
    match hours {
        h if h < 1 => lang.pick("dưới 1 giờ", "under an hour").to_owned(),
        h if h < 48 => match lang {
            Lang::Vi => format!("{h} giờ"),
            Lang::En => format!("{h} hours"),
        },
        h => match lang {
            Lang::Vi => format!("{} ngày", h / 24),
            Lang::En => format!("{} days", h / 24),
        },
    }
}

fn submitted_at(item: &Value) -> Option<NaiveDateTime> {
    item.get("submitted_at")
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.naive_utc())
}

fn text(item: &Value, key: &str) -> String {
    item.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

pub async fn queue(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    code: web::Path<String>,
    params: web::Query<QueueParams>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let ws = open(&state, &queues, &signed, &code, Part::Queue).await?;
    let params = params.into_inner();
    let lang = signed.visitor.lang;
    let item_type = if params.item_type == "listing" { "listing" } else { "org" };
    let page = params.page.trim().parse::<u32>().unwrap_or(1).max(1);
    let per_page = 25_u32;
    let query = QueueQuery {
        kind: Some(params.kind.clone()).filter(|k| !k.is_empty()),
        q: Some(params.q.clone()).filter(|q| !q.trim().is_empty()),
        page,
        per_page,
    };
    let scope = ws.scope.clone();
    let source = queues.clone();
    let result = state.db.run(move |conn| source.page(conn, Some(item_type), &scope, &query)).await;
    let (items, total, errors) = match result {
        Ok((items, total)) => (items, total, FieldErrors::default()),
        Err(error @ AppError::Validation(_)) => (Vec::new(), 0, FieldErrors::from_error(&error, lang)),
        Err(other) => return Err(other),
    };
    let now = state.clock.now();
    let rows = items
        .iter()
        .map(|item| {
            let waited = submitted_at(item).map(|at| (now - at).num_hours().max(0));
            let (title, organization, path) = if item_type == "listing" {
                let organization = item.get("organization").map(|o| text(o, "legal_name"));
                (text(item, "title_vi"), organization, "listings")
            } else {
                (text(item, "legal_name"), None, "orgs")
            };
            Row {
                href: format!("/province/{code}/{path}/{}", text(item, "id")),
                title,
                kind: code_label(&text(item, "kind"), lang),
                organization,
                submitted: submitted_at(item).map(|at| crate::web::display::moment(at, lang)).unwrap_or_default(),
                age: waited.map(|h| age(h, lang)).unwrap_or_default(),
                late: waited.is_some_and(|h| h >= 24 * 7),
            }
        })
        .collect();
    let kinds: &[&str] =
        if item_type == "listing" { &["offer", "need"] } else { crate::registry::model::OrgKind::CODES };
    let link = |page: u32| {
        format!(
            "/province/{code}?{}",
            query_string(&[("type", item_type), ("kind", &params.kind), ("q", &params.q), ("page", &page.to_string())])
        )
    };
    let pages = u32::try_from((total + i64::from(per_page) - 1) / i64::from(per_page)).unwrap_or(1).max(1);
    let flash = (params.done == "decided")
        .then(|| lang.pick("Đã ghi nhận quyết định.", "The decision is recorded.").to_owned());
    render(&QueuePage {
        frame: Frame::new(&signed.visitor, lang.pick("Hàng chờ duyệt", "Review queue"), Section::Review)
            .with_flash(flash),
        item_type: item_type.to_owned(),
        kind: params.kind.clone(),
        q: params.q.clone(),
        kinds: kinds.iter().map(|k| ((*k).to_owned(), code_label(k, lang))).collect(),
        rows,
        total,
        previous: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        errors,
        ws,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_in_hours_then_days() {
        assert_eq!(age(0, Lang::Vi), "dưới 1 giờ");
        assert_eq!(age(5, Lang::En), "5 hours");
        assert_eq!(age(47, Lang::Vi), "47 giờ");
        assert_eq!(age(24 * 9 + 3, Lang::Vi), "9 ngày");
        assert_eq!(age(72, Lang::En), "3 days");
    }
}
