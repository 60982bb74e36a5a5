use actix_web::{HttpResponse, get, patch, post, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::principal::Principal;
use crate::auth::store::{self, RoleGrant, UserRow};
use crate::error::AppError;
use crate::http::ApiJson;
use crate::i18n::Lang;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoleView {
    pub tenant_id: String,
    pub role: String,
}

/// An account as its owner sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub language: Lang,
    pub email_verified: bool,
    pub is_platform_admin: bool,
    pub roles: Vec<RoleView>,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub created_at: NaiveDateTime,
}

impl AccountView {
    pub fn new(user: UserRow, roles: Vec<RoleGrant>) -> Self {
        AccountView {
            email_verified: user.email_verified_at.is_some(),
            language: Lang::parse(&user.language).unwrap_or_default(),
            id: user.id,
            email: user.email,
            full_name: user.full_name,
            is_platform_admin: user.is_platform_admin,
            roles: roles.into_iter().map(|g| RoleView { tenant_id: g.tenant_id, role: g.role }).collect(),
            created_at: user.created_at,
        }
    }
}

async fn load_account(state: &AppState, user_id: String) -> Result<AccountView, AppError> {
    state
        .db
        .run(move |conn| {
            let user = store::find_user(conn, &user_id)?.ok_or(AppError::NotFound)?;
            let roles = store::roles_of(conn, &user_id)?;
            Ok(AccountView::new(user, roles))
        })
        .await
}

/// The signed-in account, with its tenant roles.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, body = AccountView),
        (status = 401, description = "Not signed in", body = crate::error::ProblemBody),
    )
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, principal: Principal) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(load_account(&state, principal.user_id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ProfileChange {
    pub full_name: Option<String>,
    /// `vi` or `en`.
    pub language: Option<String>,
}

/// Changes the account's name or email language.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = ProfileChange,
    responses(
        (status = 200, body = AccountView),
        (status = 422, description = "Invalid fields", body = crate::error::ProblemBody),
    )
)]
#[patch("/me")]
pub async fn update_me(
    state: web::Data<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<ProfileChange>,
) -> Result<HttpResponse, AppError> {
    crate::auth::service::update_profile(&state, &principal.user_id, body.full_name, body.language).await?;
    Ok(HttpResponse::Ok().json(load_account(&state, principal.user_id).await?))
}

/// The account's sign-ins that have not ended (API clients and browsers alike).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<crate::auth::service::SessionView>),
        (status = 401, description = "Not signed in", body = crate::error::ProblemBody),
    )
)]
#[get("/me/sessions")]
pub async fn sessions(state: web::Data<AppState>, principal: Principal) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok()
        .json(crate::auth::service::sessions(&state, &principal.user_id, &principal.session_id).await?))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SignedOut {
    /// How many sign-ins ended, this one included.
    pub ended: usize,
}

/// Ends every sign-in of the account, this one included, in browsers and API clients.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, body = SignedOut),
        (status = 401, description = "Not signed in", body = crate::error::ProblemBody),
    )
)]
#[post("/me/sessions/sign-out-everywhere")]
pub async fn sign_out_everywhere(state: web::Data<AppState>, principal: Principal) -> Result<HttpResponse, AppError> {
    let ended = crate::auth::service::sign_out_everywhere(&state, &principal.user_id).await?;
    Ok(HttpResponse::Ok().json(SignedOut { ended }))
}
