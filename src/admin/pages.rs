//! `/admin`: the platform administrators' pages. The provinces (added, renamed,
//! deactivated) and their admins; the job queue (what is queued, running or dead with its
//! last error; a dead job retried, audited); the national figures, one chart per indicator
//! and a table sortable by any column. Anyone else gets a 404 page.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::TenantRole;
use crate::error::AppError;
use crate::http::ClientIp;
use crate::jobs::JobSummary;
use crate::reports::charts::{self, Figure, Indicator, NATIONAL_INDICATORS};
use crate::reports::model::{NationalFigures, NationalRow};
use crate::reports::pages::{PeriodQuery, presets};
use crate::reports::service::View;
use crate::tenants::routes::provinces::{NewTenantRequest, TenantChangeRequest, add_province, change_province};
use crate::tenants::routes::staff::{RoleGrantRequest, grant};
use crate::tenants::store::TenantRow;
use crate::web::layout::Section;
use crate::web::page::query_string;
use crate::web::{FieldErrors, Frame, PageForm, SignedIn, StaffSignedIn, render, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(overview))
        .route("/admin/provinces", web::post().to(add))
        .route("/admin/provinces/{code}", web::post().to(change))
        .route("/admin/tenant-admins", web::post().to(grant_admin))
        .route("/admin/jobs", web::get().to(jobs))
        .route("/admin/jobs/{id}/retry", web::post().to(retry))
        .route("/admin/figures", web::get().to(figures))
        .route("/admin/figures.{format}", web::get().to(figures_download));
}

/// Platform admins only; everyone else is told nothing is here.
fn admin_only(signed: &SignedIn) -> Result<(), AppError> {
    if signed.principal.is_platform_admin { Ok(()) } else { Err(AppError::NotFound) }
}

#[derive(Debug, Default, Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

fn flash(done: &str, lang: crate::i18n::Lang) -> Option<String> {
    let text = match done {
        "added" => lang.pick("Đã thêm tỉnh, thành phố.", "The province is added."),
        "changed" => lang.pick("Đã lưu thay đổi.", "The change is saved."),
        "granted" => lang.pick("Đã cấp quyền quản trị của tỉnh.", "The province admin role is granted."),
        "retried" => lang.pick("Việc đã được đưa lại vào hàng đợi.", "The job is back in the queue."),
        _ => return None,
    };
    Some(text.to_owned())
}

// --- provinces and their admins -----------------------------------------------------

pub struct ProvinceRow {
    pub province: TenantRow,
    pub admins: Vec<String>,
}

/// The new-province form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct NewProvinceForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_vi: String,
    #[serde(default)]
    full_name_vi: String,
    #[serde(default)]
    kind: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    province: String,
}

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct OverviewPage<'a> {
    frame: Frame<'a>,
    rows: Vec<ProvinceRow>,
    counts: crate::jobs::JobCounts,
    new_province: NewProvinceForm,
    grant: GrantForm,
    /// Which form the errors belong to: `add`, `grant`, or a province's code.
    failed: String,
    errors: FieldErrors,
}

async fn overview_page(
    state: &web::Data<AppState>,
    signed: &SignedIn,
    new_province: NewProvinceForm,
    grant_form: GrantForm,
    failed: String,
    errors: FieldErrors,
    flash: Option<String>,
) -> Result<HttpResponse, AppError> {
    admin_only(signed)?;
    let (rows, counts) = state
        .db
        .run(|conn| {
            let provinces = crate::tenants::store::list(conn, true)?;
            let admins = crate::tenants::store::tenant_admins_everywhere(conn)?;
            let rows = provinces
                .into_iter()
                .map(|province| {
                    let admins = admins
                        .iter()
                        .filter(|(tenant, _)| *tenant == province.id)
                        .map(|(_, m)| format!("{} <{}>", m.full_name, m.email))
                        .collect();
                    ProvinceRow { province, admins }
                })
                .collect();
            Ok((rows, crate::jobs::counts(conn)?))
        })
        .await?;
    let lang = signed.visitor.lang;
    render(&OverviewPage {
        frame: Frame::new(&signed.visitor, lang.pick("Quản trị nền tảng", "Platform administration"), Section::None)
            .with_flash(flash),
        rows,
        counts,
        new_province,
        grant: grant_form,
        failed,
        errors,
    })
}

async fn overview(
    state: web::Data<AppState>,
    StaffSignedIn(signed): StaffSignedIn,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let flash = flash(&done.done, signed.visitor.lang);
    let grant_form = GrantForm::default();
    overview_page(&state, &signed, NewProvinceForm::default(), grant_form, String::new(), FieldErrors::default(), flash)
        .await
}

async fn add(
    state: web::Data<AppState>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    PageForm(form): PageForm<NewProvinceForm>,
) -> Result<HttpResponse, AppError> {
    admin_only(&signed)?;
    let request = NewTenantRequest {
        code: Some(form.code.clone()).filter(|c| !c.trim().is_empty()),
        name_vi: Some(form.name_vi.clone()).filter(|n| !n.trim().is_empty()),
        full_name_vi: Some(form.full_name_vi.clone()).filter(|n| !n.trim().is_empty()),
        kind: Some(form.kind.clone()).filter(|k| !k.is_empty()),
        slug: None,
    };
    match add_province(&state, signed.principal.clone(), ip, request).await {
        Ok(_) => Ok(see_other("/admin?done=added")),
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            overview_page(&state, &signed, form, GrantForm::default(), "add".into(), errors, None).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    name_vi: String,
    #[serde(default)]
    full_name_vi: String,
    /// `activate`, `deactivate`, or empty for a rename.
    #[serde(default)]
    active: String,
}

async fn change(
    state: web::Data<AppState>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    code: web::Path<String>,
    PageForm(form): PageForm<ChangeForm>,
) -> Result<HttpResponse, AppError> {
    admin_only(&signed)?;
    let code = code.into_inner();
    let request = TenantChangeRequest {
        name_vi: Some(form.name_vi.clone()).filter(|n| !n.trim().is_empty()),
        full_name_vi: Some(form.full_name_vi.clone()).filter(|n| !n.trim().is_empty()),
        active: match form.active.as_str() {
            "activate" => Some(true),
            "deactivate" => Some(false),
            _ => None,
        },
    };
    match change_province(&state, signed.principal.clone(), ip, code.clone(), request).await {
        Ok(_) => Ok(see_other("/admin?done=changed")),
        Err(error @ AppError::Validation(_)) => {
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            overview_page(&state, &signed, NewProvinceForm::default(), GrantForm::default(), code, errors, None).await
        }
        Err(other) => Err(other),
    }
}

async fn grant_admin(
    state: web::Data<AppState>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    PageForm(form): PageForm<GrantForm>,
) -> Result<HttpResponse, AppError> {
    admin_only(&signed)?;
    let request = RoleGrantRequest {
        email: Some(form.email.clone()).filter(|e| !e.trim().is_empty()),
        role: Some(TenantRole::TenantAdmin.as_str().to_owned()),
    };
    let result = if form.province.is_empty() {
        Err(AppError::Validation(vec![crate::error::FieldError::required("province")]))
    } else {
        grant(&state, signed.principal.clone(), ip, &form.province, request).await.map(|_| ())
    };
    match result {
        Ok(()) => Ok(see_other("/admin?done=granted")),
        Err(error @ (AppError::Validation(_) | AppError::NotFound)) => {
            let error = match error {
                AppError::NotFound => AppError::Validation(vec![crate::error::FieldError::invalid(
                    "province",
                    crate::error::Text::new("Không có tỉnh, thành phố này.", "No such province."),
                )]),
                other => other,
            };
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            overview_page(&state, &signed, NewProvinceForm::default(), form, "grant".into(), errors, None).await
        }
        Err(other) => Err(other),
    }
}

// --- the job queue ---------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct JobsQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    done: String,
}

pub struct JobRow {
    pub job: JobSummary,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "admin/jobs.html")]
struct JobsPage<'a> {
    frame: Frame<'a>,
    status: String,
    rows: Vec<JobRow>,
    counts: crate::jobs::JobCounts,
    total: i64,
    previous: Option<String>,
    next: Option<String>,
    errors: FieldErrors,
}

async fn jobs_page(
    state: &web::Data<AppState>,
    signed: &SignedIn,
    query: JobsQuery,
    errors: FieldErrors,
    flash: Option<String>,
) -> Result<HttpResponse, AppError> {
    admin_only(signed)?;
    let lang = signed.visitor.lang;
    let page_number = query.page.trim().parse::<u32>().unwrap_or(1).max(1);
    let status = match query.status.as_str() {
        "queued" | "running" | "dead" | "done" => query.status.clone(),
        _ => String::new(),
    };
    let page = super::jobs::jobs_page(
        state,
        &signed.principal,
        super::jobs::JobParams {
            status: Some(status.clone()).filter(|s| !s.is_empty()),
            page: Some(page_number),
            per_page: Some(50),
        },
    )
    .await?;
    let counts = state.db.run(crate::jobs::counts).await?;
    let pages = u32::try_from((page.total + 49) / 50).unwrap_or(1).max(1);
    let link = |n: u32| format!("/admin/jobs?{}", query_string(&[("status", &status), ("page", &n.to_string())]));
    render(&JobsPage {
        frame: Frame::new(&signed.visitor, lang.pick("Hàng đợi công việc", "The job queue"), Section::None)
            .with_flash(flash),
        rows: page
            .items
            .into_iter()
            .map(|job| JobRow { updated: crate::web::display::moment(job.updated_at, lang), job })
            .collect(),
        counts,
        total: page.total,
        previous: (page_number > 1).then(|| link(page_number - 1)),
        next: (page_number < pages).then(|| link(page_number + 1)),
        status,
        errors,
    })
}

async fn jobs(
    state: web::Data<AppState>,
    StaffSignedIn(signed): StaffSignedIn,
    query: web::Query<JobsQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let flash = flash(&query.done, signed.visitor.lang);
    jobs_page(&state, &signed, query, FieldErrors::default(), flash).await
}

async fn retry(
    state: web::Data<AppState>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(_form): PageForm<Done>,
) -> Result<HttpResponse, AppError> {
    admin_only(&signed)?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    match super::jobs::retry(&state, &signed.principal, id, ip.0).await {
        Ok(_) => Ok(see_other("/admin/jobs?status=dead&done=retried")),
        Err(error @ AppError::Conflict { .. }) => {
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            let query = JobsQuery { status: "dead".into(), ..JobsQuery::default() };
            jobs_page(&state, &signed, query, errors, None).await
        }
        Err(other) => Err(other),
    }
}

// --- national figures --------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct FiguresQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    dir: String,
}

pub struct Column {
    pub key: &'static str,
    pub label: String,
    /// Where a click on the heading goes: this column, the other way round when it is the
    /// current one.
    pub href: String,
    /// `ascending`/`descending` for the current sort (aria-sort), else empty.
    pub sorted: &'static str,
}

pub struct TableRow {
    pub code: String,
    pub name: String,
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/figures.html")]
struct FiguresPage<'a> {
    frame: Frame<'a>,
    drawn: Vec<Figure>,
    columns: Vec<Column>,
    rows: Vec<TableRow>,
    totals: Vec<String>,
    from: String,
    to: String,
    action: String,
    presets: Vec<(String, String)>,
    downloads: String,
    period_query: String,
    errors: FieldErrors,
}

fn value_of(row: &NationalRow, key: &str) -> Option<f64> {
    NATIONAL_INDICATORS.iter().find(|(k, ..)| *k == key).and_then(|(_, _, _, value)| value(row))
}

/// The national table sorted by `key` (a column of the indicators, or `name`).
pub fn sorted_rows<'a>(figures: &'a NationalFigures, key: &str, descending: bool) -> Vec<&'a NationalRow> {
    let mut rows: Vec<&NationalRow> = figures.provinces.iter().collect();
    rows.sort_by(|a, b| {
        let order = if key == "name" {
            crate::text::fold(&a.name_vi).cmp(&crate::text::fold(&b.name_vi))
        } else {
            value_of(a, key).unwrap_or(-1.0).total_cmp(&value_of(b, key).unwrap_or(-1.0))
        };
        let order = if descending { order.reverse() } else { order };
        order.then_with(|| a.code.cmp(&b.code))
    });
    rows
}

async fn figures(
    state: web::Data<AppState>,
    StaffSignedIn(signed): StaffSignedIn,
    query: web::Query<FiguresQuery>,
) -> Result<HttpResponse, AppError> {
    admin_only(&signed)?;
    let query = query.into_inner();
    let lang = signed.visitor.lang;
    let period_query = PeriodQuery { from: query.from.clone(), to: query.to.clone(), chart: String::new() };
    let (figures, errors) = match period_query.period() {
        Ok(period) => {
            let now = state.clock.now();
            let figures = state
                .db
                .run(move |conn| {
                    let provinces = crate::tenants::store::list(conn, false)?;
                    crate::reports::service::national_figures(conn, &provinces, period, View::Full, now)
                })
                .await?;
            (Some(figures), FieldErrors::default())
        }
        Err(error) => (None, FieldErrors::from_error(&error, lang)),
    };
    let key = if query.sort == "name" || NATIONAL_INDICATORS.iter().any(|(k, ..)| *k == query.sort) {
        query.sort.as_str()
    } else {
        "name"
    };
    let descending = if query.dir.is_empty() { key != "name" } else { query.dir == "desc" };
    let shown: Vec<&Indicator> = NATIONAL_INDICATORS
        .iter()
        .filter(|(_, _, _, value)| figures.as_ref().is_some_and(|f| f.provinces.iter().any(|p| value(p).is_some())))
        .collect();
    let href = |column: &str| {
        let dir = if column == key {
            if descending { "asc" } else { "desc" }
        } else if column == "name" {
            "asc"
        } else {
            "desc"
        };
        format!(
            "/admin/figures?{}",
            query_string(&[("from", &query.from), ("to", &query.to), ("sort", column), ("dir", dir)])
        )
    };
    let sorted_label =
        |column: &str| if column == key { if descending { "descending" } else { "ascending" } } else { "" };
    let mut columns = vec![Column {
        key: "name",
        label: lang.pick("Tỉnh, thành", "Province").to_owned(),
        href: href("name"),
        sorted: sorted_label("name"),
    }];
    columns.extend(shown.iter().map(|(k, vi, en, _)| Column {
        key: k,
        label: lang.pick(vi, en).to_owned(),
        href: href(k),
        sorted: sorted_label(k),
    }));
    let cells = |row: &NationalRow| {
        shown
            .iter()
            .map(|(_, _, _, value)| value(row).map(crate::web::charts::number).unwrap_or_default())
            .collect::<Vec<_>>()
    };
    let (rows, totals, drawn) = match &figures {
        Some(figures) => (
            sorted_rows(figures, key, descending)
                .into_iter()
                .map(|r| TableRow { code: r.code.clone(), name: r.name_vi.clone(), cells: cells(r) })
                .collect(),
            cells(&figures.totals),
            charts::national(figures, lang),
        ),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    render(&FiguresPage {
        frame: Frame::new(&signed.visitor, lang.pick("Số liệu toàn quốc", "National figures"), Section::None),
        drawn,
        columns,
        rows,
        totals,
        action: "/admin/figures".into(),
        presets: presets(state.clock.now(), lang),
        downloads: "/admin/figures".into(),
        period_query: period_query.query(),
        from: query.from,
        to: query.to,
        errors,
    })
}

/// `/admin/figures.csv|json`: the national figures as a file.
async fn figures_download(
    state: web::Data<AppState>,
    StaffSignedIn(signed): StaffSignedIn,
    format: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    admin_only(&signed)?;
    let period = query.period()?;
    let now = state.clock.now();
    let figures = state
        .db
        .run(move |conn| {
            let provinces = crate::tenants::store::list(conn, false)?;
            crate::reports::service::national_figures(conn, &provinces, period, View::Full, now)
        })
        .await?;
    match format.as_str() {
        "json" => Ok(HttpResponse::Ok()
            .insert_header(("content-disposition", "attachment; filename=\"techbridge-national.json\""))
            .json(&figures)),
        "csv" => {
            let drawn: Vec<Figure> = charts::national(&figures, signed.visitor.lang)
                .into_iter()
                .filter(|f| query.chart.is_empty() || f.key == query.chart)
                .collect();
            Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header(("content-disposition", "attachment; filename=\"techbridge-national.csv\""))
                .body(charts::csv(&drawn).map_err(AppError::internal)?))
        }
        _ => Err(AppError::NotFound),
    }
}
