//! Who sees and does what with one organization. Pure: decided from the caller's roles,
//! the organization's province and state, and the caller's membership.

use super::lifecycle::OrgStatus;
use super::model::MemberRole;
use crate::auth::{Principal, TenantScope};

#[derive(Debug, Clone)]
pub struct OrgAccess {
    /// Sees contact details and review information.
    pub private: bool,
    pub member: Option<MemberRole>,
    /// The province's staff (or a platform admin) reading; `may_decide` on it says who decides.
    pub review: Option<TenantScope>,
}

impl OrgAccess {
    pub fn may_edit(&self) -> bool {
        self.member.is_some()
    }

    pub fn is_owner(&self) -> bool {
        self.member == Some(MemberRole::Owner)
    }

    pub fn may_decide(&self) -> bool {
        self.review.as_ref().is_some_and(TenantScope::may_decide)
    }

    /// The review history: owners and the province's staff (and platform admins).
    pub fn may_read_history(&self) -> bool {
        self.is_owner() || self.review.is_some()
    }
}

/// `None` when the caller may not even know the organization exists (answer 404).
pub fn access(
    caller: Option<&Principal>,
    tenant_id: &str,
    status: OrgStatus,
    member: Option<MemberRole>,
) -> Option<OrgAccess> {
    access_to(caller, tenant_id, status.is_public(), member)
}

/// The same rule for anything an organization owns (its listings): members and the home
/// province's officers see it privately; everyone sees it when it is public.
pub fn access_to(
    caller: Option<&Principal>,
    tenant_id: &str,
    public: bool,
    member: Option<MemberRole>,
) -> Option<OrgAccess> {
    let review = caller.and_then(|p| p.review_scope(tenant_id));
    let private = member.is_some() || review.is_some();
    (private || public).then_some(OrgAccess { private, member, review })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::TenantRole;

    fn principal(platform_admin: bool, roles: &[(&str, TenantRole)]) -> Principal {
        Principal {
            user_id: "u".into(),
            session_id: "s".into(),
            is_platform_admin: platform_admin,
            roles: roles.iter().map(|(t, r)| ((*t).to_owned(), *r)).collect(),
        }
    }

    #[test]
    fn visibility_by_caller_and_state() {
        let home_moderator = principal(false, &[("24", TenantRole::Moderator)]);
        let other_moderator = principal(false, &[("48", TenantRole::Moderator)]);
        let other_admin = principal(false, &[("48", TenantRole::TenantAdmin)]);
        let platform = principal(true, &[]);
        let stranger = principal(false, &[]);

        for status in [OrgStatus::Draft, OrgStatus::Submitted, OrgStatus::Rejected, OrgStatus::Suspended] {
            assert!(access(None, "24", status, None).is_none(), "{status}");
            assert!(access(Some(&stranger), "24", status, None).is_none());
            assert!(access(Some(&other_moderator), "24", status, None).is_none());
            assert!(access(Some(&other_admin), "24", status, None).is_none());
            let home = access(Some(&home_moderator), "24", status, None).unwrap();
            assert!(home.private && home.may_decide() && !home.may_edit());
            let admin = access(Some(&platform), "24", status, None).unwrap();
            assert!(admin.private && !admin.may_decide());
            let editor = access(Some(&stranger), "24", status, Some(MemberRole::Editor)).unwrap();
            assert!(editor.private && editor.may_edit() && !editor.is_owner() && !editor.may_read_history());
        }
        let public = access(None, "24", OrgStatus::Approved, None).unwrap();
        assert!(!public.private && !public.may_edit() && !public.may_decide());
        let other = access(Some(&other_moderator), "24", OrgStatus::Approved, None).unwrap();
        assert!(!other.private && !other.may_decide());
        let owner = access(Some(&stranger), "24", OrgStatus::Approved, Some(MemberRole::Owner)).unwrap();
        assert!(owner.may_read_history());
    }
}
