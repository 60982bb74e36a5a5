use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::rules::Email;
use crate::auth::{Principal, tokens};
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::{ApiJson, ClientIp};
use crate::i18n::Lang;
use crate::registry::emails::{self, InvitationEmail};
use crate::registry::membership::{self, INVITATION_VALID_DAYS, NewInvitation, leaves_no_owner};
use crate::registry::model::MemberRole;
use crate::registry::service::{self, ENTITY};
use crate::registry::store::{self, Member};

/// The organization's members (for members and the province's officers).
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<Member>), (status = 404, body = crate::error::ProblemBody))
)]
#[get("/orgs/{id}/members")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let answer = members_of(&state, principal, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// What `list` does, for the API and the pages alike.
pub async fn members_of(
    state: &web::Data<AppState>,
    principal: Principal,
    id: String,
) -> Result<Vec<Member>, AppError> {
    let members = state
        .db
        .run(move |conn| {
            let (_, access) = service::load(conn, Some(&principal), &id)?;
            if !access.private {
                return Err(AppError::NotFound);
            }
            store::members(conn, &id)
        })
        .await?;
    Ok(members)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct InvitationRequest {
    #[schema(required = true)]
    pub email: Option<String>,
    /// `owner` or `editor` (default).
    pub role: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    pub role: String,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub expires_at: chrono::NaiveDateTime,
}

fn owners_only(access: &crate::registry::access::OrgAccess) -> Result<(), AppError> {
    if access.is_owner() {
        Ok(())
    } else {
        Err(service::refuse(
            access,
            "Chỉ chủ sở hữu mới quản lý được thành viên.",
            "Only owners manage the organization's members.",
        ))
    }
}

/// Invites someone by email to manage the organization; the single-use link expires after
/// 7 days. Owners only.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = InvitationRequest,
    responses(
        (status = 201, body = InvitationView),
        (status = 403, description = "Not an owner", body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
        (status = 409, description = "Already a member, or an invitation to this address is still waiting", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
        (status = 429, description = "The organization's invitations for the day are used up; see Retry-After", body = crate::error::ProblemBody),
    )
)]
#[post("/orgs/{id}/invitations")]
pub async fn invite(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    ApiJson(body): ApiJson<InvitationRequest>,
) -> Result<HttpResponse, AppError> {
    let answer = invite_member(&state, principal, ip, id.into_inner(), body).await?;
    Ok(HttpResponse::Created().json(answer))
}

/// What `invite` does, for the API and the pages alike.
pub async fn invite_member(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    body: InvitationRequest,
) -> Result<InvitationView, AppError> {
    let now = state.clock.now();
    let app = state.clone();
    let view = state
        .db
        .write(move |conn| {
            let (record, access) = service::load(conn, Some(&principal), &id)?;
            owners_only(&access)?;
            let mut v = Violations::new();
            let email = v.require("email", body.email, |raw| Email::parse("email", &raw));
            let role = match body.role {
                Some(raw) => v.check(MemberRole::parse_field("role", &raw)),
                None => Some(MemberRole::Editor),
            };
            let (email, role) = v.finish(email.zip(role))?;
            let invitee = crate::auth::store::find_user_by_email(conn, email.as_str())?;
            if let Some(user) = &invitee
                && store::member_role(conn, &id, &user.id)?.is_some()
            {
                return Err(AppError::conflict(Text::new(
                    "Người này đã là thành viên của tổ chức.",
                    "This person is already a member of the organization.",
                )));
            }
            if let Some(until) = membership::pending_until(conn, &id, email.as_str(), now)? {
                return Err(AppError::conflict(Text::owned(
                    format!("Đã có lời mời đang chờ địa chỉ này, hiệu lực đến {}.", until.format("%d/%m/%Y %H:%M UTC")),
                    format!(
                        "An invitation to this address is already waiting, valid until {}.",
                        until.format("%Y-%m-%d %H:%M UTC")
                    ),
                )));
            }
            let sent = membership::sent_since(conn, &id, now - Duration::days(1))?;
            let limit = app.settings.rate_limit.invitations_per_org_per_day;
            if let Some(retry_after_secs) = membership::wait_before_next(&sent, limit, now) {
                return Err(AppError::RateLimited { retry_after_secs });
            }
            let inviter = crate::auth::store::find_user(conn, &principal.user_id)?.ok_or(AppError::NotFound)?;
            let invitation_id = uuid::Uuid::now_v7().to_string();
            // The email job rebuilds the token from the invitation's id; only its hash is kept.
            let token = app.keys.link_token(&invitation_id);
            let expires_at = now + Duration::days(INVITATION_VALID_DAYS);
            membership::insert(
                conn,
                &NewInvitation {
                    id: &invitation_id,
                    org_id: &id,
                    email: email.as_str(),
                    role,
                    token_hash: &tokens::digest(&token),
                    invited_by: &principal.user_id,
                    expires_at,
                },
                now,
            )?;
            let lang = invitee.as_ref().and_then(|u| Lang::parse(&u.language)).unwrap_or_default();
            let message = emails::invitation(&InvitationEmail {
                lang,
                to: email.as_str(),
                inviter_name: &inviter.full_name,
                org_name: &record.row.legal_name,
                role,
                invitation_id: &invitation_id,
                public_url: &app.settings.server.public_url,
                valid_days: INVITATION_VALID_DAYS,
            });
            crate::email::enqueue(conn, &app.jobs, &message)?;
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&record.row.tenant_id),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &id,
                    action: "invite",
                    details: Some(serde_json::json!({ "email": email.as_str(), "role": role.as_str() })),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            Ok(InvitationView {
                id: invitation_id,
                email: email.into_string(),
                role: role.as_str().to_owned(),
                expires_at,
            })
        })
        .await?;
    state.jobs.wake();
    Ok(view)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Joined {
    pub org_id: String,
    pub role: String,
}

/// Accepts an invitation. The signed-in account must have the invited email address.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("token" = String, Path, description = "The code from the invitation email")),
    responses(
        (status = 200, body = Joined),
        (status = 403, description = "The invitation was sent to another address", body = crate::error::ProblemBody),
        (status = 404, description = "Unknown, used or expired invitation", body = crate::error::ProblemBody),
        (status = 409, description = "Already a member", body = crate::error::ProblemBody),
    )
)]
#[post("/invitations/{token}/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let answer = accept_invitation(&state, principal, ip, token.into_inner()).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// What `accept` does, for the API and the pages alike.
pub async fn accept_invitation(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    token: String,
) -> Result<Joined, AppError> {
    let now = state.clock.now();
    let joined = state
        .db
        .write(move |conn| {
            let invitation = membership::find_by_token(conn, &tokens::digest(&token))?
                .filter(|i| i.accepted_at.is_none() && i.expires_at > now)
                .ok_or(AppError::NotFound)?;
            let user = crate::auth::store::find_user(conn, &principal.user_id)?.ok_or(AppError::NotFound)?;
            if !user.email.eq_ignore_ascii_case(&invitation.email) {
                return Err(AppError::Forbidden(Text::new(
                    "Lời mời này được gửi tới một địa chỉ email khác.",
                    "This invitation was sent to another email address.",
                )));
            }
            if store::member_role(conn, &invitation.org_id, &user.id)?.is_some() {
                return Err(AppError::conflict(Text::new(
                    "Bạn đã là thành viên của tổ chức này.",
                    "You are already a member of this organization.",
                )));
            }
            if !membership::accept(conn, &invitation.id, &user.id, now)? {
                return Err(AppError::NotFound);
            }
            let role = MemberRole::parse(&invitation.role).unwrap_or(MemberRole::Editor);
            store::add_member(conn, &invitation.org_id, &user.id, role, now)?;
            let tenant = store::find(conn, &invitation.org_id)?.map(|r| r.row.tenant_id);
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: tenant.as_deref(),
                    actor_id: Some(&user.id),
                    entity_type: ENTITY,
                    entity_id: &invitation.org_id,
                    action: "join",
                    details: Some(serde_json::json!({ "role": role.as_str() })),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            Ok(Joined { org_id: invitation.org_id, role: role.as_str().to_owned() })
        })
        .await?;
    Ok(joined)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RoleChange {
    /// `owner` or `editor`.
    #[schema(required = true)]
    pub role: Option<String>,
}

fn last_owner() -> AppError {
    AppError::conflict(Text::new(
        "Tổ chức phải luôn có ít nhất một chủ sở hữu.",
        "An organization must always keep at least one owner.",
    ))
}

/// Changes a member's role. Owners only; the last owner stays an owner.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path), ("user_id" = String, Path)),
    request_body = RoleChange,
    responses(
        (status = 200, body = Member),
        (status = 403, body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
        (status = 409, description = "Would leave no owner", body = crate::error::ProblemBody),
    )
)]
#[patch("/orgs/{id}/members/{user_id}")]
pub async fn change_role(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    path: web::Path<(String, String)>,
    ApiJson(body): ApiJson<RoleChange>,
) -> Result<HttpResponse, AppError> {
    let (id, user_id) = path.into_inner();
    let now = state.clock.now();
    let member = state
        .db
        .write(move |conn| {
            let (record, access) = service::load(conn, Some(&principal), &id)?;
            owners_only(&access)?;
            let new_role = match body.role {
                Some(raw) => MemberRole::parse_field("role", &raw).map_err(|e| AppError::Validation(vec![e]))?,
                None => return Err(AppError::Validation(vec![FieldError::required("role")])),
            };
            store::lock_for_membership_change(conn, &id, now)?;
            let current = store::member_role(conn, &id, &user_id)?.ok_or(AppError::NotFound)?;
            if leaves_no_owner(store::owner_count(conn, &id)?, current, Some(new_role)) {
                return Err(last_owner());
            }
            store::set_member_role(conn, &id, &user_id, new_role)?;
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&record.row.tenant_id),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &id,
                    action: "member_role",
                    details: Some(
                        serde_json::json!({ "user_id": user_id, "from": current.as_str(), "to": new_role.as_str() }),
                    ),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            store::members(conn, &id)?.into_iter().find(|m| m.user_id == user_id).ok_or(AppError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(member))
}

/// Removes a member (owners), or leaves the organization (any member, for themselves).
/// The last owner cannot leave.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path), ("user_id" = String, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, body = crate::error::ProblemBody),
        (status = 404, body = crate::error::ProblemBody),
        (status = 409, description = "Would leave no owner", body = crate::error::ProblemBody),
    )
)]
#[delete("/orgs/{id}/members/{user_id}")]
pub async fn remove(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, user_id) = path.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            let (record, access) = service::load(conn, Some(&principal), &id)?;
            if user_id != principal.user_id || access.member.is_none() {
                owners_only(&access)?;
            }
            store::lock_for_membership_change(conn, &id, now)?;
            let current = store::member_role(conn, &id, &user_id)?.ok_or(AppError::NotFound)?;
            if leaves_no_owner(store::owner_count(conn, &id)?, current, None) {
                return Err(last_owner());
            }
            store::remove_member(conn, &id, &user_id)?;
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&record.row.tenant_id),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &id,
                    action: "member_removed",
                    details: Some(serde_json::json!({ "user_id": user_id, "role": current.as_str() })),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
