//! Province and national figures over a period, public or full.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::MaybePrincipal;
use crate::error::{AppError, FieldError};
use crate::http::ApiQuery;
use crate::reports::model::{NationalFigures, ProvinceFigures};
use crate::reports::period::Period;
use crate::reports::service::{self, View};
use crate::tenants;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// First day counted, YYYY-MM-DD (Vietnam time). Open when absent.
    pub from: Option<String>,
    /// Last day counted, YYYY-MM-DD. Open when absent.
    pub to: Option<String>,
    /// `full` or `public`; by default the fullest the caller may see.
    pub view: Option<String>,
}

fn period_of(params: &StatsParams) -> Result<Period, AppError> {
    Period::parse(params.from.as_deref(), params.to.as_deref()).map_err(AppError::Validation)
}

/// The view asked for, if the caller may have it. Asking for the full figures without the
/// right is answered as if they did not exist.
fn view_of(requested: Option<&str>, may_see_full: bool) -> Result<View, AppError> {
    match requested.map(str::trim).filter(|v| !v.is_empty()) {
        None if may_see_full => Ok(View::Full),
        None | Some("public") => Ok(View::Public),
        Some("full") if may_see_full => Ok(View::Full),
        Some("full") => Err(AppError::NotFound),
        Some(_) => Err(AppError::Validation(vec![FieldError::one_of("view", &["full", "public"])])),
    }
}

/// What a province reports on. Figures count what happened in the period: organizations
/// and listings created in it (by their state now), matches suggested in it, connections
/// made and deals agreed in it, review decisions taken in it. Targets and the review queue
/// are as they stand now. The province's moderators and admins (and platform admins) see
/// everything; anyone else sees the public subset, without review internals, states other
/// than public ones, or deal values.
#[utoipa::path(
    tag = "reports",
    security((), ("bearer" = [])),
    params(("code" = String, Path, description = "Province code"), StatsParams),
    responses(
        (status = 200, body = ProvinceFigures),
        (status = 404, description = "No such province, or `view=full` for someone who is not its officer", body = crate::error::ProblemBody),
        (status = 422, description = "Malformed or inverted dates", body = crate::error::ProblemBody),
    )
)]
#[get("/tenants/{code}/stats")]
pub async fn province_stats(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    code: web::Path<String>,
    params: ApiQuery<StatsParams>,
) -> Result<HttpResponse, AppError> {
    let params = params.0;
    let period = period_of(&params)?;
    let code = code.into_inner();
    let may_see_full = caller.0.as_ref().is_some_and(|p| p.review_scope(&code).is_some());
    let now = state.clock.now();
    let taxonomy = state.taxonomy.clone();
    let figures = state
        .db
        .run(move |conn| {
            let province = tenants::store::find_active(conn, &code)?;
            let view = view_of(params.view.as_deref(), may_see_full)?;
            service::province_figures(conn, &taxonomy, &province, period, view, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(figures))
}

/// Every province side by side with the national totals. Platform admins see the review
/// and deal figures; anyone else the public subset.
#[utoipa::path(
    tag = "reports",
    security((), ("bearer" = [])),
    params(StatsParams),
    responses(
        (status = 200, body = NationalFigures),
        (status = 404, description = "`view=full` for someone who is not a platform admin", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
    )
)]
#[get("/stats")]
pub async fn national_stats(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    params: ApiQuery<StatsParams>,
) -> Result<HttpResponse, AppError> {
    let params = params.0;
    let period = period_of(&params)?;
    let view = view_of(params.view.as_deref(), caller.0.as_ref().is_some_and(|p| p.is_platform_admin))?;
    let now = state.clock.now();
    let figures = state
        .db
        .run(move |conn| {
            let provinces = tenants::store::list(conn, false)?;
            service::national_figures(conn, &provinces, period, view, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(figures))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_follow_the_callers_rights() {
        assert_eq!(view_of(None, true).unwrap(), View::Full);
        assert_eq!(view_of(None, false).unwrap(), View::Public);
        assert_eq!(view_of(Some("public"), true).unwrap(), View::Public);
        assert_eq!(view_of(Some("full"), true).unwrap(), View::Full);
        assert!(matches!(view_of(Some("full"), false), Err(AppError::NotFound)));
        assert!(matches!(view_of(Some("everything"), true), Err(AppError::Validation(_))));
    }
}
