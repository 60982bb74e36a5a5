//! Who is calling: extractors for the signed-in user and their roles, and the tenant scope
//! that tenant-owned private data can only be reached through.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use serde::{Deserialize, Serialize};

use super::jwt::{Claims, TokenRejected};
use super::store;
use crate::app::AppState;
use crate::error::{AppError, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TenantRole {
    TenantAdmin,
    Moderator,
}

impl TenantRole {
    pub const ALL: [TenantRole; 2] = [TenantRole::TenantAdmin, TenantRole::Moderator];

    pub fn as_str(self) -> &'static str {
        match self {
            TenantRole::TenantAdmin => "tenant_admin",
            TenantRole::Moderator => "moderator",
        }
    }

    pub fn parse(value: &str) -> Option<TenantRole> {
        Self::ALL.into_iter().find(|role| role.as_str() == value)
    }
}

/// The signed-in user and everything they may do, loaded fresh for each request so that a
/// revoked role or session stops working at once.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: String,
    pub session_id: String,
    pub is_platform_admin: bool,
    pub roles: Vec<(String, TenantRole)>,
}

/// Access to one tenant's private data. Only [`Principal`] can produce one, and store
/// functions over tenant-owned private rows require it.
#[derive(Debug, Clone)]
pub struct TenantScope {
    tenant_id: String,
    may_decide: bool,
    may_administer: bool,
}

impl TenantScope {
    pub fn tenant_id(&self) -> &str {
        &self.tenant_id
    }

    /// Moderators and the tenant's admins decide reviews; platform admins only look.
    pub fn may_decide(&self) -> bool {
        self.may_decide
    }

    pub fn may_administer(&self) -> bool {
        self.may_administer
    }
}

impl Principal {
    pub fn has_role(&self, tenant_id: &str, role: TenantRole) -> bool {
        self.roles.iter().any(|(t, r)| t == tenant_id && *r == role)
    }

    pub fn has_any_role_in(&self, tenant_id: &str) -> bool {
        self.roles.iter().any(|(t, _)| t == tenant_id)
    }

    /// Reading and reviewing a tenant's private data: its moderators and admins, and
    /// (read-only) platform admins.
    pub fn review_scope(&self, tenant_id: &str) -> Option<TenantScope> {
        let staff =
            self.has_role(tenant_id, TenantRole::Moderator) || self.has_role(tenant_id, TenantRole::TenantAdmin);
        (staff || self.is_platform_admin).then(|| TenantScope {
            tenant_id: tenant_id.to_owned(),
            may_decide: staff,
            may_administer: self.has_role(tenant_id, TenantRole::TenantAdmin) || self.is_platform_admin,
        })
    }

    /// Managing a tenant's settings and moderators: its admins and platform admins.
    pub fn admin_scope(&self, tenant_id: &str) -> Option<TenantScope> {
        let admin = self.has_role(tenant_id, TenantRole::TenantAdmin);
        (admin || self.is_platform_admin).then(|| TenantScope {
            tenant_id: tenant_id.to_owned(),
            may_decide: admin,
            may_administer: true,
        })
    }

    /// Tenants whose review queues this user works on.
    pub fn reviewed_tenants(&self) -> Vec<&str> {
        let mut tenants: Vec<&str> = self.roles.iter().map(|(t, _)| t.as_str()).collect();
        tenants.dedup();
        tenants
    }
}

fn unauthorized_missing() -> AppError {
    AppError::Unauthorized(Text::new(
        "Cần đăng nhập: thiếu mã truy cập (Authorization: Bearer …).",
        "Sign-in required: no access token (Authorization: Bearer …).",
    ))
}

fn unauthorized_invalid(rejection: &TokenRejected) -> AppError {
    match rejection {
        TokenRejected::Expired => AppError::Unauthorized(Text::new(
            "Mã truy cập đã hết hạn. Hãy làm mới bằng refresh token.",
            "The access token has expired. Refresh it with the refresh token.",
        )),
        TokenRejected::Invalid(_) => {
            AppError::Unauthorized(Text::new("Mã truy cập không hợp lệ.", "The access token is not valid."))
        }
    }
}

fn session_ended() -> AppError {
    AppError::Unauthorized(Text::new(
        "Phiên đăng nhập đã kết thúc. Hãy đăng nhập lại.",
        "This session has ended. Sign in again.",
    ))
}

/// Reads and checks the bearer token; `Ok(None)` when the request carries none.
fn bearer_claims(req: &HttpRequest) -> Result<Option<Claims>, AppError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .ok_or_else(|| unauthorized_invalid(&TokenRejected::Invalid("not a bearer token".into())))?;
    let state = app_state(req)?;
    state.jwt.verify(token, state.clock.now()).map(Some).map_err(|rejection| unauthorized_invalid(&rejection))
}

fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>().cloned().ok_or_else(|| AppError::Internal("application state missing".into()))
}

async fn load_principal(state: web::Data<AppState>, claims: Claims) -> Result<Principal, AppError> {
    let Claims { sub, sid, .. } = claims;
    state.db.run(move |conn| Ok(signed_in(conn, &sub, &sid)?.0)).await
}

/// The principal of an active session (an access token's, or a browser's), with the user
/// row; 401 when the session has ended or the user is gone.
pub fn signed_in(
    conn: &mut crate::db::DbConnection,
    user_id: &str,
    session_id: &str,
) -> Result<(Principal, store::UserRow), AppError> {
    let user = store::find_user(conn, user_id)?.ok_or_else(session_ended)?;
    if !store::session_is_active(conn, user_id, session_id)? {
        return Err(session_ended());
    }
    let roles = store::roles_of(conn, user_id)?
        .into_iter()
        .filter_map(|grant| TenantRole::parse(&grant.role).map(|role| (grant.tenant_id, role)))
        .collect();
    let principal = Principal {
        user_id: user.id.clone(),
        session_id: session_id.to_owned(),
        is_platform_admin: user.is_platform_admin,
        roles,
    };
    Ok((principal, user))
}

impl FromRequest for Principal {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let claims = bearer_claims(req);
        let state = app_state(req);
        Box::pin(async move {
            let claims = claims?.ok_or_else(unauthorized_missing)?;
            load_principal(state?, claims).await
        })
    }
}

/// For public endpoints that show more to some callers: anonymous when no token is sent,
/// 401 when a token is sent but is not valid.
#[derive(Debug, Clone)]
pub struct MaybePrincipal(pub Option<Principal>);

impl FromRequest for MaybePrincipal {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let claims = bearer_claims(req);
        let state = app_state(req);
        Box::pin(async move {
            match claims? {
                None => Ok(MaybePrincipal(None)),
                Some(claims) => load_principal(state?, claims).await.map(|p| MaybePrincipal(Some(p))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(platform_admin: bool, roles: &[(&str, TenantRole)]) -> Principal {
        Principal {
            user_id: "u".into(),
            session_id: "s".into(),
            is_platform_admin: platform_admin,
            roles: roles.iter().map(|(t, r)| ((*t).to_owned(), *r)).collect(),
        }
    }

    #[test]
    fn scopes_follow_roles() {
        let moderator = principal(false, &[("48", TenantRole::Moderator)]);
        let scope = moderator.review_scope("48").unwrap();
        assert!(scope.may_decide() && !scope.may_administer());
        assert!(moderator.review_scope("92").is_none());
        assert!(moderator.admin_scope("48").is_none());

        let admin = principal(false, &[("48", TenantRole::TenantAdmin)]);
        assert!(admin.review_scope("48").unwrap().may_decide());
        assert!(admin.admin_scope("48").unwrap().may_administer());
        assert!(admin.admin_scope("92").is_none());

        let platform = principal(true, &[]);
        let scope = platform.review_scope("92").unwrap();
        assert!(!scope.may_decide(), "platform admins read but do not decide reviews");
        assert!(platform.admin_scope("92").is_some());

        let nobody = principal(false, &[]);
        assert!(nobody.review_scope("48").is_none() && nobody.admin_scope("48").is_none());
    }
}
