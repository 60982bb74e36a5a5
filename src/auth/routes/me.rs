use actix_web::{HttpResponse, get, patch, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::principal::Principal;
use crate::auth::rules::{parse_full_name, parse_language};
use crate::auth::store::{self, RoleGrant, UserRow};
use crate::error::{AppError, Violations};
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
    let mut violations = Violations::new();
    let full_name = body.full_name.and_then(|raw| violations.check(parse_full_name(&raw)));
    let language = body.language.and_then(|raw| violations.check(parse_language(&raw)));
    violations.into_result()?;
    let now = state.clock.now();
    let user_id = principal.user_id.clone();
    state
        .db
        .write(move |conn| store::update_profile(conn, &user_id, full_name.as_deref(), language.map(Lang::code), now))
        .await?;
    Ok(HttpResponse::Ok().json(load_account(&state, principal.user_id).await?))
}
