//! Invitations, and the rule that an organization always keeps an owner.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::MemberRole;
use crate::db::DbConnection;
use crate::db::schema::organization_invitations;
use crate::error::AppError;

pub const INVITATION_VALID_DAYS: i64 = 7;

/// Whether changing a member from `current` to `next` (`None` = removed) would leave the
/// organization without an owner.
pub fn leaves_no_owner(owners: i64, current: MemberRole, next: Option<MemberRole>) -> bool {
    current == MemberRole::Owner && next != Some(MemberRole::Owner) && owners <= 1
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organization_invitations)]
pub struct Invitation {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub role: String,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
}

pub struct NewInvitation<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    pub email: &'a str,
    pub role: MemberRole,
    pub token_hash: &'a str,
    pub invited_by: &'a str,
    pub expires_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, invitation: &NewInvitation<'_>, now: NaiveDateTime) -> Result<(), AppError> {
    diesel::insert_into(organization_invitations::table)
        .values((
            organization_invitations::id.eq(invitation.id),
            organization_invitations::org_id.eq(invitation.org_id),
            organization_invitations::email.eq(invitation.email),
            organization_invitations::role.eq(invitation.role.as_str()),
            organization_invitations::token_hash.eq(invitation.token_hash),
            organization_invitations::invited_by.eq(invitation.invited_by),
            organization_invitations::expires_at.eq(invitation.expires_at),
            organization_invitations::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_by_token(conn: &mut DbConnection, token_hash: &str) -> Result<Option<Invitation>, AppError> {
    Ok(organization_invitations::table
        .filter(organization_invitations::token_hash.eq(token_hash))
        .select(Invitation::as_select())
        .first(conn)
        .optional()?)
}

/// When the invitation to this address that is still waiting expires, if there is one.
pub fn pending_until(
    conn: &mut DbConnection,
    org_id: &str,
    email: &str,
    now: NaiveDateTime,
) -> Result<Option<NaiveDateTime>, AppError> {
    Ok(organization_invitations::table
        .filter(organization_invitations::org_id.eq(org_id))
        .filter(organization_invitations::email.eq(email))
        .filter(organization_invitations::accepted_at.is_null())
        .filter(organization_invitations::expires_at.gt(now))
        .select(organization_invitations::expires_at)
        .order(organization_invitations::expires_at.desc())
        .first(conn)
        .optional()?)
}

/// The times the organization sent invitations since `since`, oldest first.
pub fn sent_since(conn: &mut DbConnection, org_id: &str, since: NaiveDateTime) -> Result<Vec<NaiveDateTime>, AppError> {
    Ok(organization_invitations::table
        .filter(organization_invitations::org_id.eq(org_id))
        .filter(organization_invitations::created_at.gt(since))
        .select(organization_invitations::created_at)
        .order(organization_invitations::created_at.asc())
        .load(conn)?)
}

/// Seconds until an organization that sent invitations at `sent` (oldest first, within
/// the last day) may send another, or `None` while it is under its daily `limit`.
pub fn wait_before_next(sent: &[NaiveDateTime], limit: i64, now: NaiveDateTime) -> Option<u64> {
    let limit = usize::try_from(limit.max(1)).unwrap_or(usize::MAX);
    if sent.len() < limit {
        return None;
    }
    // The invitation that must leave the 24-hour window before one more fits in it.
    let freeing = sent[sent.len() - limit];
    let wait = (freeing + chrono::Duration::days(1) - now).num_seconds();
    Some(u64::try_from(wait).unwrap_or(0).max(1))
}

/// Marks the invitation used; false when it was used (or expired) meanwhile.
pub fn accept(conn: &mut DbConnection, id: &str, user_id: &str, now: NaiveDateTime) -> Result<bool, AppError> {
    let rows = diesel::update(
        organization_invitations::table
            .find(id)
            .filter(organization_invitations::accepted_at.is_null())
            .filter(organization_invitations::expires_at.gt(now)),
    )
    .set((organization_invitations::accepted_at.eq(Some(now)), organization_invitations::accepted_by.eq(Some(user_id))))
    .execute(conn)?;
    Ok(rows == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_daily_invitation_limit_waits_for_the_oldest_to_leave_the_window() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(12, 0, 0).unwrap();
        let hours_ago = |h: i64| now - chrono::Duration::hours(h);
        assert_eq!(wait_before_next(&[], 2, now), None);
        assert_eq!(wait_before_next(&[hours_ago(5)], 2, now), None);
        // Two sent 20 and 5 hours ago, limit 2: the older leaves the window in 4 hours.
        assert_eq!(wait_before_next(&[hours_ago(20), hours_ago(5)], 2, now), Some(4 * 3600));
        // Over the limit (a lowered setting): the one that makes room is the limit-th newest.
        assert_eq!(wait_before_next(&[hours_ago(23), hours_ago(20), hours_ago(5)], 2, now), Some(4 * 3600));
        assert_eq!(wait_before_next(&[now], 1, now), Some(24 * 3600));
        assert_eq!(wait_before_next(&[now], 0, now), Some(24 * 3600), "a limit below one counts as one");
    }

    #[test]
    fn the_last_owner_stays() {
        use MemberRole::{Editor, Owner};
        assert!(leaves_no_owner(1, Owner, None));
        assert!(leaves_no_owner(1, Owner, Some(Editor)));
        assert!(!leaves_no_owner(1, Owner, Some(Owner)));
        assert!(!leaves_no_owner(2, Owner, None));
        assert!(!leaves_no_owner(2, Owner, Some(Editor)));
        assert!(!leaves_no_owner(1, Editor, None));
    }
}
