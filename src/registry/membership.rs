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
