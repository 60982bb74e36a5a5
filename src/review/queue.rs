//! A province's review queue: what waits for a decision, oldest first. Each reviewed
//! feature feeds it with a [`QueueSource`] registered at start; the route knows none of
//! them.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::{Principal, TenantScope};
use crate::db::DbConnection;
use crate::error::{AppError, FieldError};
use crate::http::{ApiQuery, Page, PageParams};

/// The filters of a queue page, as the caller sent them (each source checks its own).
#[derive(Debug, Clone, Default)]
pub struct QueueQuery {
    pub kind: Option<String>,
    /// Words of the name or title, with or without diacritics.
    pub q: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

/// What waits for review of one type (`org`, `listing`).
pub trait QueueSource: Send + Sync + 'static {
    fn item_type(&self) -> &'static str;
    /// One page of the province's waiting items, oldest first, as the API shows them,
    /// and how many wait in all.
    fn page(
        &self,
        conn: &mut DbConnection,
        scope: &TenantScope,
        query: &QueueQuery,
    ) -> Result<(Vec<serde_json::Value>, i64), AppError>;
}

/// The queue sources, the first being the default type.
pub struct ReviewQueues {
    sources: Vec<Box<dyn QueueSource>>,
}

impl ReviewQueues {
    pub fn new(sources: Vec<Box<dyn QueueSource>>) -> ReviewQueues {
        ReviewQueues { sources }
    }

    /// The types of item the queue holds, the default first.
    pub fn types(&self) -> Vec<&'static str> {
        self.sources.iter().map(|s| s.item_type()).collect()
    }

    /// One page of the waiting items of `item_type` (the default type when `None`).
    pub fn page(
        &self,
        conn: &mut DbConnection,
        item_type: Option<&str>,
        scope: &TenantScope,
        query: &QueueQuery,
    ) -> Result<(Vec<serde_json::Value>, i64), AppError> {
        self.source(item_type)?.page(conn, scope, query)
    }

    fn source(&self, item_type: Option<&str>) -> Result<&dyn QueueSource, AppError> {
        let found = match item_type {
            None => self.sources.first(),
            Some(wanted) => self.sources.iter().find(|s| s.item_type() == wanted),
        };
        found.map(AsRef::as_ref).ok_or_else(|| {
            let types: Vec<&'static str> = self.sources.iter().map(|s| s.item_type()).collect();
            AppError::Validation(vec![FieldError::one_of("type", &types)])
        })
    }
}

/// An item waiting for a decision, as its type lists it. `type=org`: `id`, `kind`,
/// `legal_name`, `tax_code`, `province`, `status`, `version`, `submitted_at`.
/// `type=listing`: `id`, `kind`, `title_vi`, `organization` (`id`, `legal_name`,
/// `province`), `status`, `version`, `submitted_at`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes the answer in the API document; never built
pub struct ReviewQueueItem {
    id: String,
    kind: String,
    status: String,
    version: i32,
    #[schema(format = DateTime)]
    submitted_at: Option<String>,
    legal_name: Option<String>,
    tax_code: Option<String>,
    province: Option<String>,
    title_vi: Option<String>,
    organization: Option<QueuedOrganization>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // part of ReviewQueueItem
pub struct QueuedOrganization {
    id: String,
    legal_name: String,
    province: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// `org` (default) or `listing`.
    #[serde(rename = "type")]
    pub item_type: Option<String>,
    pub kind: Option<String>,
    /// Words of the name, with or without diacritics.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// A province's review queue: what waits for a decision, oldest first.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Province code"), QueueParams),
    responses(
        (status = 200, body = Page<ReviewQueueItem>),
        (status = 404, description = "Not a province the caller reviews", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[get("/tenants/{code}/review-queue")]
pub async fn queue(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    principal: Principal,
    code: web::Path<String>,
    params: ApiQuery<QueueParams>,
) -> Result<HttpResponse, AppError> {
    let scope = principal.review_scope(&code).ok_or(AppError::NotFound)?;
    let params = params.0;
    let (page, per_page) = PageParams { page: params.page, per_page: params.per_page }.resolve()?;
    let item_type = params.item_type.filter(|t| !t.is_empty());
    queues.source(item_type.as_deref())?;
    let query = QueueQuery { kind: params.kind, q: params.q, page, per_page };
    let (items, total) = state
        .db
        .run(move |conn| {
            crate::tenants::store::find_active(conn, scope.tenant_id())?;
            queues.source(item_type.as_deref())?.page(conn, &scope, &query)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page { items, page, per_page, total }))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(queue);
}
