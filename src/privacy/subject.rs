//! A person's rights over their data: a copy of everything held about them, withdrawing
//! an optional consent, and deleting the account.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::consent;
use crate::db::DbConnection;
use crate::db::schema::{
    audit_log, consents, jobs, notification_preferences, notifications, organization_invitations, organization_members,
    organizations, private_reads, refresh_tokens, saved_search_hits, saved_searches, sent_emails, tenant_roles,
    user_tokens, users,
};
use crate::error::{AppError, Text};

/// Everything held about one person, as they download it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonalData {
    /// The notice the data is processed under.
    pub notice_version: &'static str,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub exported_at: NaiveDateTime,
    #[schema(value_type = Object)]
    pub account: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub consents: Vec<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub sign_ins: Vec<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub roles: Vec<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub memberships: Vec<serde_json::Value>,
    /// Invitations sent to this person's address.
    #[schema(value_type = Vec<Object>)]
    pub invitations: Vec<serde_json::Value>,
    /// Organizations that name this person as their contact.
    #[schema(value_type = Vec<Object>)]
    pub contact_of: Vec<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub notifications: Vec<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub notification_preferences: Vec<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub saved_searches: Vec<serde_json::Value>,
    /// Emails sent to this person.
    #[schema(value_type = Vec<Object>)]
    pub emails_sent: Vec<serde_json::Value>,
    /// What this person did, as the audit log keeps it.
    #[schema(value_type = Vec<Object>)]
    pub actions: Vec<serde_json::Value>,
    /// Private contact details of organizations this person read from outside them.
    #[schema(value_type = Vec<Object>)]
    pub private_reads: Vec<serde_json::Value>,
}

fn time(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn time_opt(at: Option<NaiveDateTime>) -> serde_json::Value {
    at.map(time).map_or(serde_json::Value::Null, serde_json::Value::from)
}

/// The copy of a person's data.
#[allow(clippy::type_complexity)] // one tuple per table it reads, each read once here
pub fn export(conn: &mut DbConnection, user_id: &str, now: NaiveDateTime) -> Result<PersonalData, AppError> {
    use serde_json::json;
    let user = crate::auth::store::find_user(conn, user_id)?.ok_or(AppError::NotFound)?;
    let email = user.email.to_lowercase();
    let consents: Vec<(String, String, NaiveDateTime, Option<NaiveDateTime>)> = consents::table
        .filter(consents::user_id.eq(user_id))
        .order(consents::granted_at)
        .select((consents::purpose, consents::notice_version, consents::granted_at, consents::withdrawn_at))
        .load(conn)?;
    let sign_ins: Vec<(String, NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>)> = refresh_tokens::table
        .filter(refresh_tokens::user_id.eq(user_id))
        .order(refresh_tokens::created_at)
        .select((
            refresh_tokens::family_id,
            refresh_tokens::created_at,
            refresh_tokens::expires_at,
            refresh_tokens::revoked_at,
        ))
        .load(conn)?;
    let roles: Vec<(String, String, NaiveDateTime)> = tenant_roles::table
        .filter(tenant_roles::user_id.eq(user_id))
        .select((tenant_roles::tenant_id, tenant_roles::role, tenant_roles::created_at))
        .load(conn)?;
    let memberships: Vec<(String, String, String, NaiveDateTime)> = organization_members::table
        .inner_join(organizations::table)
        .filter(organization_members::user_id.eq(user_id))
        .select((
            organization_members::org_id,
            organizations::legal_name,
            organization_members::role,
            organization_members::created_at,
        ))
        .load(conn)?;
    let invitations: Vec<(String, String, String, NaiveDateTime, Option<NaiveDateTime>)> =
        organization_invitations::table
            .filter(organization_invitations::email.eq(&email))
            .select((
                organization_invitations::org_id,
                organization_invitations::email,
                organization_invitations::role,
                organization_invitations::created_at,
                organization_invitations::accepted_at,
            ))
            .load(conn)?;
    let contact_of: Vec<(String, String, Option<String>, Option<String>, Option<String>)> = organizations::table
        .filter(organizations::contact_email.eq(&email))
        .select((
            organizations::id,
            organizations::legal_name,
            organizations::contact_name,
            organizations::contact_email,
            organizations::contact_phone,
        ))
        .load(conn)?;
    let notices: Vec<(String, String, String, String, Option<String>, NaiveDateTime, Option<NaiveDateTime>)> =
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .order(notifications::created_at)
            .select((
                notifications::id,
                notifications::kind,
                notifications::title,
                notifications::body,
                notifications::link,
                notifications::created_at,
                notifications::read_at,
            ))
            .load(conn)?;
    let preferences: Vec<(String, String)> = notification_preferences::table
        .filter(notification_preferences::user_id.eq(user_id))
        .select((notification_preferences::kind, notification_preferences::mode))
        .load(conn)?;
    let searches: Vec<(String, String, String, NaiveDateTime)> = saved_searches::table
        .filter(saved_searches::user_id.eq(user_id))
        .select((saved_searches::name, saved_searches::query, saved_searches::frequency, saved_searches::created_at))
        .load(conn)?;
    let emails: Vec<(String, String, NaiveDateTime)> = sent_emails::table
        .filter(sent_emails::recipient.eq(&user.email))
        .order(sent_emails::sent_at)
        .select((sent_emails::recipient, sent_emails::subject, sent_emails::sent_at))
        .load(conn)?;
    let actions: Vec<(String, String, String, Option<String>, Option<String>, NaiveDateTime)> = audit_log::table
        .filter(audit_log::actor_id.eq(user_id))
        .order(audit_log::created_at)
        .select((
            audit_log::entity_type,
            audit_log::entity_id,
            audit_log::action,
            audit_log::details,
            audit_log::client_ip,
            audit_log::created_at,
        ))
        .load(conn)?;
    let reads: Vec<(String, String, NaiveDateTime)> = private_reads::table
        .filter(private_reads::reader_id.eq(user_id))
        .order(private_reads::read_at)
        .select((private_reads::org_id, private_reads::what, private_reads::read_at))
        .load(conn)?;
    Ok(PersonalData {
        notice_version: consent::NOTICE_VERSION,
        exported_at: now,
        account: json!({
            "id": user.id,
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "email_verified_at": time_opt(user.email_verified_at),
            "is_platform_admin": user.is_platform_admin,
            "created_at": time(user.created_at),
        }),
        consents: consents
            .into_iter()
            .map(|(purpose, version, granted, withdrawn)| {
                json!({ "purpose": purpose, "notice_version": version, "granted_at": time(granted), "withdrawn_at": time_opt(withdrawn) })
            })
            .collect(),
        sign_ins: sign_ins
            .into_iter()
            .map(|(family, created, expires, revoked)| {
                json!({ "sign_in": family, "created_at": time(created), "expires_at": time(expires), "ended_at": time_opt(revoked) })
            })
            .collect(),
        roles: roles
            .into_iter()
            .map(|(tenant, role, granted)| json!({ "province": tenant, "role": role, "granted_at": time(granted) }))
            .collect(),
        memberships: memberships
            .into_iter()
            .map(|(org, name, role, joined)| json!({ "organization": org, "legal_name": name, "role": role, "joined_at": time(joined) }))
            .collect(),
        invitations: invitations
            .into_iter()
            .map(|(org, email, role, created, accepted)| {
                json!({ "organization": org, "email": email, "role": role, "sent_at": time(created), "accepted_at": time_opt(accepted) })
            })
            .collect(),
        contact_of: contact_of
            .into_iter()
            .map(|(id, name, contact, email, phone)| {
                json!({ "organization": id, "legal_name": name, "contact_name": contact, "contact_email": email, "contact_phone": phone })
            })
            .collect(),
        notifications: notices
            .into_iter()
            .map(|(id, kind, title, body, link, created, read)| {
                json!({ "id": id, "kind": kind, "title": title, "body": body, "link": link, "created_at": time(created), "read_at": time_opt(read) })
            })
            .collect(),
        notification_preferences: preferences.into_iter().map(|(kind, mode)| json!({ "kind": kind, "mode": mode })).collect(),
        saved_searches: searches
            .into_iter()
            .map(|(name, query, frequency, created)| {
                let query: serde_json::Value = serde_json::from_str(&query).unwrap_or_default();
                json!({ "name": name, "query": query, "frequency": frequency, "created_at": time(created) })
            })
            .collect(),
        emails_sent: emails
            .into_iter()
            .map(|(to, subject, sent)| json!({ "to": to, "subject": subject, "sent_at": time(sent) }))
            .collect(),
        actions: actions
            .into_iter()
            .map(|(entity, id, action, details, ip, at)| {
                let details: serde_json::Value = details.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or_default();
                json!({ "entity": entity, "entity_id": id, "action": action, "details": details, "client_ip": ip, "at": time(at) })
            })
            .collect(),
        private_reads: reads
            .into_iter()
            .map(|(org, what, at)| json!({ "organization": org, "what": what, "at": time(at) }))
            .collect(),
    })
}

/// Withdraws an optional consent given earlier. Digests stop with it: every kind sent in
/// the daily digest is switched off.
pub fn withdraw(conn: &mut DbConnection, user_id: &str, purpose: &str, now: NaiveDateTime) -> Result<bool, AppError> {
    if purpose == consent::ACCOUNT {
        return Err(AppError::conflict(Text::new(
            "Đồng ý cho tài khoản chỉ rút lại được bằng cách xóa tài khoản.",
            "The consent an account rests on is withdrawn by deleting the account.",
        )));
    }
    if purpose != consent::DIGESTS {
        return Err(AppError::NotFound);
    }
    let withdrawn = diesel::update(
        consents::table
            .filter(consents::user_id.eq(user_id))
            .filter(consents::purpose.eq(purpose))
            .filter(consents::withdrawn_at.is_null()),
    )
    .set(consents::withdrawn_at.eq(Some(now)))
    .execute(conn)?;
    for (kind, mode) in crate::notify::store::preferences(conn, user_id)? {
        if mode == crate::notify::Mode::Daily {
            crate::notify::store::set_preference(conn, user_id, kind, crate::notify::Mode::Off, now)?;
        }
    }
    Ok(withdrawn > 0)
}

/// Deletes an account: its personal values erased or replaced by a pseudonym everywhere
/// they are kept, its sessions ended, the audit records kept with the actor pseudonymised.
/// Refused while the person is the last owner of an organization.
pub fn delete_account(conn: &mut DbConnection, user_id: &str, now: NaiveDateTime) -> Result<(), AppError> {
    let user =
        crate::auth::store::find_user(conn, user_id)?.filter(|u| u.deleted_at.is_none()).ok_or(AppError::NotFound)?;
    let last_owner_of: Vec<String> = crate::registry::store::organizations_of(conn, user_id)?
        .into_iter()
        .filter(|(_, role)| role == "owner")
        .map(|(org, _)| org)
        .filter_map(|org| match crate::registry::store::owner_count(conn, &org.id) {
            Ok(1) => Some(Ok(org.legal_name)),
            Ok(_) => None,
            Err(error) => Some(Err(error)),
        })
        .collect::<Result<_, _>>()?;
    if !last_owner_of.is_empty() {
        let names = last_owner_of.join("; ");
        return Err(AppError::conflict_with(
            Text::owned(
                format!(
                    "Bạn là chủ sở hữu duy nhất của: {names}. Hãy mời và chuyển quyền chủ sở hữu cho người khác trước khi xóa tài khoản."
                ),
                format!(
                    "You are the only owner of: {names}. Invite someone and make them an owner before deleting the account."
                ),
            ),
            [("last_owner_of", serde_json::json!(last_owner_of))],
        ));
    }
    let email = user.email.clone();
    let name = user.full_name.clone();
    let pseudonym = format!("deleted-{user_id}@deleted.invalid");
    // Mail waiting for or already sent to the address: its jobs carry the address and the
    // name, and are gone with them (a job a worker holds right now finishes first).
    diesel::delete(
        jobs::table
            .filter(jobs::ordering_key.eq(format!("mail:{}", email.to_lowercase())))
            .filter(jobs::status.ne(crate::jobs::status::RUNNING)),
    )
    .execute(conn)?;
    // Mail to others that names the person (an invitation they sent): history is
    // dropped, mail still waiting keeps its text without the name and the address.
    for needle in [email.as_str(), name.as_str()].into_iter().filter(|n| !n.trim().is_empty()) {
        let pattern = format!("%{}%", needle.replace('%', "").replace('_', "\\_"));
        let finished = [crate::jobs::status::DONE, crate::jobs::status::DEAD];
        diesel::delete(
            jobs::table.filter(jobs::status.eq_any(finished)).filter(jobs::payload.like(&pattern).escape('\\')),
        )
        .execute(conn)?;
        let waiting: Vec<(i64, String)> = jobs::table
            .filter(jobs::status.eq(crate::jobs::status::QUEUED))
            .filter(jobs::payload.like(&pattern).escape('\\'))
            .select((jobs::id, jobs::payload))
            .load(conn)?;
        for (id, payload) in waiting {
            diesel::update(jobs::table.find(id))
                .set(jobs::payload.eq(payload.replace(needle, "[deleted]")))
                .execute(conn)?;
        }
    }
    diesel::update(sent_emails::table.filter(sent_emails::recipient.eq(&email)))
        .set(sent_emails::recipient.eq(&pseudonym))
        .execute(conn)?;
    diesel::delete(user_tokens::table.filter(user_tokens::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(tenant_roles::table.filter(tenant_roles::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(organization_members::table.filter(organization_members::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(organization_invitations::table.filter(organization_invitations::email.eq(email.to_lowercase())))
        .execute(conn)?;
    diesel::delete(notifications::table.filter(notifications::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(notification_preferences::table.filter(notification_preferences::user_id.eq(user_id)))
        .execute(conn)?;
    let searches = saved_searches::table.filter(saved_searches::user_id.eq(user_id)).select(saved_searches::id);
    diesel::delete(saved_search_hits::table.filter(saved_search_hits::saved_search_id.eq_any(searches)))
        .execute(conn)?;
    diesel::delete(saved_searches::table.filter(saved_searches::user_id.eq(user_id))).execute(conn)?;
    diesel::update(consents::table.filter(consents::user_id.eq(user_id)).filter(consents::withdrawn_at.is_null()))
        .set(consents::withdrawn_at.eq(Some(now)))
        .execute(conn)?;
    // Organizations that name this person as their contact lose the contact.
    diesel::update(organizations::table.filter(organizations::contact_email.eq(email.to_lowercase())))
        .set((
            organizations::contact_name.eq(None::<String>),
            organizations::contact_email.eq(None::<String>),
            organizations::contact_phone.eq(None::<String>),
        ))
        .execute(conn)?;
    // The audit log keeps what was done, by a pseudonymous id: no address, name or IP.
    diesel::update(audit_log::table.filter(audit_log::actor_id.eq(user_id)))
        .set(audit_log::client_ip.eq(None::<String>))
        .execute(conn)?;
    let mentions: Vec<(String, String)> = audit_log::table
        .filter(audit_log::details.like(format!("%{}%", email.replace('%', "").replace('_', "\\_"))).escape('\\'))
        .select((audit_log::id, audit_log::details.assume_not_null()))
        .load(conn)?;
    for (id, details) in mentions {
        let scrubbed = details.replace(&email, "[deleted]");
        diesel::update(audit_log::table.find(&id)).set(audit_log::details.eq(Some(scrubbed))).execute(conn)?;
    }
    if !name.trim().is_empty() {
        let named: Vec<(String, String)> = audit_log::table
            .filter(audit_log::details.like(format!("%{}%", name.replace('%', "").replace('_', "\\_"))).escape('\\'))
            .select((audit_log::id, audit_log::details.assume_not_null()))
            .load(conn)?;
        for (id, details) in named {
            diesel::update(audit_log::table.find(&id))
                .set(audit_log::details.eq(Some(details.replace(&name, "[deleted]"))))
                .execute(conn)?;
        }
    }
    diesel::update(users::table.find(user_id))
        .set((
            users::email.eq(&pseudonym),
            users::full_name.eq(""),
            users::password_hash.eq("!"),
            users::is_platform_admin.eq(false),
            users::deleted_at.eq(Some(now)),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    crate::audit::record(
        conn,
        crate::audit::AuditEntry {
            actor_id: Some(user_id),
            entity_type: "user",
            entity_id: user_id,
            action: "account_deleted",
            ..Default::default()
        },
        now,
    )
}
