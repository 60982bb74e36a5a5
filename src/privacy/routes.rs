//! The personal-data routes of the API: my data, withdrawing a consent, deleting my
//! account; and, for platform admins, the log of reads of private contact details.

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

use super::subject::{self, PersonalData};
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::schema::private_reads;
use crate::error::{AppError, FieldError, Text};
use crate::http::{ApiJson, ApiQuery, Page, PageParams};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(my_data).service(withdraw_consent).service(delete_me).service(private_reads_log);
}

/// Everything TechBridge holds about the caller, as one JSON document.
#[utoipa::path(
    tag = "personal data",
    security(("bearer" = [])),
    responses((status = 200, body = PersonalData), (status = 401, body = crate::error::ProblemBody))
)]
#[get("/me/data")]
pub async fn my_data(state: web::Data<AppState>, principal: Principal) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let data = state.db.run(move |conn| subject::export(conn, &principal.user_id, now)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("content-disposition", "attachment; filename=\"techbridge-my-data.json\""))
        .json(data))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Withdrawn {
    /// False when the consent was not given (or already withdrawn).
    pub withdrawn: bool,
}

/// Withdraws an optional consent (`digests`); the account's own consent is withdrawn by
/// deleting the account.
#[utoipa::path(
    tag = "personal data",
    security(("bearer" = [])),
    params(("purpose" = String, Path, description = "`digests`")),
    responses(
        (status = 200, body = Withdrawn),
        (status = 404, description = "No such purpose", body = crate::error::ProblemBody),
        (status = 409, description = "`account`: delete the account instead", body = crate::error::ProblemBody),
    )
)]
#[post("/me/consents/{purpose}/withdraw")]
pub async fn withdraw_consent(
    state: web::Data<AppState>,
    principal: Principal,
    purpose: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let withdrawn = state.db.write(move |conn| subject::withdraw(conn, &principal.user_id, &purpose, now)).await?;
    Ok(HttpResponse::Ok().json(Withdrawn { withdrawn }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct DeleteRequest {
    /// The account's password, to confirm.
    #[schema(required = true)]
    pub password: Option<String>,
}

/// Deletes the caller's account: the personal values are erased or replaced by a
/// pseudonym, every sign-in ends, the audit records stay with the actor pseudonymised.
/// Refused while the caller is the last owner of an organization.
#[utoipa::path(
    tag = "personal data",
    security(("bearer" = [])),
    request_body = DeleteRequest,
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "The last owner of an organization", body = crate::error::ProblemBody),
        (status = 422, description = "Missing or wrong password", body = crate::error::ProblemBody),
    )
)]
#[post("/me/delete")]
pub async fn delete_me(
    state: web::Data<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<DeleteRequest>,
) -> Result<HttpResponse, AppError> {
    delete_account(&state, &principal.user_id, body.password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Deletes an account once its password is confirmed (the API and the page).
pub async fn delete_account(
    state: &web::Data<AppState>,
    user_id: &str,
    password: Option<String>,
) -> Result<(), AppError> {
    let password = password
        .filter(|p| !p.is_empty())
        .ok_or_else(|| AppError::Validation(vec![FieldError::required("password")]))?;
    let lookup = user_id.to_owned();
    let user =
        state.db.run(move |conn| crate::auth::store::find_user(conn, &lookup)).await?.ok_or(AppError::NotFound)?;
    if !state.passwords.verify_off_thread(Some(user.password_hash), password).await? {
        return Err(AppError::Validation(vec![FieldError::new(
            "password",
            "wrong_password",
            Text::new("Mật khẩu không đúng.", "The password is wrong."),
        )]));
    }
    let now = state.clock.now();
    let user_id = user_id.to_owned();
    state.db.write(move |conn| subject::delete_account(conn, &user_id, now)).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadsParams {
    /// Reads of this organization only.
    pub org_id: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Debug, Serialize, Queryable, utoipa::ToSchema)]
pub struct PrivateRead {
    pub id: String,
    pub reader_id: String,
    pub org_id: String,
    /// What was read: organization_contact, match_contacts, listing_confidential_details.
    pub what: String,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub read_at: NaiveDateTime,
}

/// Who read which organization's private contact details from outside it, newest first
/// (platform admins), kept `privacy.private_reads_keep_days`.
#[utoipa::path(
    tag = "personal data",
    security(("bearer" = [])),
    params(ReadsParams),
    responses((status = 200, body = Page<PrivateRead>), (status = 404, description = "Not a platform admin", body = crate::error::ProblemBody))
)]
#[get("/admin/private-reads")]
pub async fn private_reads_log(
    state: web::Data<AppState>,
    principal: Principal,
    params: ApiQuery<ReadsParams>,
) -> Result<HttpResponse, AppError> {
    if !principal.is_platform_admin {
        return Err(AppError::NotFound);
    }
    let params = params.0;
    let (page, per_page) = PageParams { page: params.page, per_page: params.per_page }.resolve()?;
    let org = params.org_id.filter(|o| !o.is_empty());
    let (items, total) = state
        .db
        .run(move |conn| {
            let filtered = || {
                let mut query = private_reads::table.into_boxed();
                if let Some(org) = &org {
                    query = query.filter(private_reads::org_id.eq(org.clone()));
                }
                query
            };
            let total: i64 = filtered().count().get_result(conn)?;
            let items: Vec<PrivateRead> = filtered()
                .order((private_reads::read_at.desc(), private_reads::id.desc()))
                .offset(PageParams::offset(page, per_page))
                .limit(i64::from(per_page))
                .select((
                    private_reads::id,
                    private_reads::reader_id,
                    private_reads::org_id,
                    private_reads::what,
                    private_reads::read_at,
                ))
                .load(conn)?;
            Ok((items, total))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page { items, page, per_page, total }))
}

/// Removes reads older than the configured period (timed work).
pub fn prune(conn: &mut crate::db::DbConnection, before: NaiveDateTime) -> Result<usize, AppError> {
    Ok(diesel::delete(private_reads::table.filter(private_reads::read_at.lt(before))).execute(conn)?)
}
