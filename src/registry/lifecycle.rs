//! The organization lifecycle as a pure state machine.
//!
//! draft → submitted → approved | rejected | changes_requested;
//! changes_requested → submitted; approved ⇄ suspended; and an approved organization whose
//! reviewed fields change goes back to submitted.

use crate::code_enum;

code_enum! {
    pub enum OrgStatus {
        Draft => "draft",
        Submitted => "submitted",
        Approved => "approved",
        Rejected => "rejected",
        ChangesRequested => "changes_requested",
        Suspended => "suspended",
    }
}

code_enum! {
    pub enum OrgAction {
        /// Members send a draft (or a corrected one) for review.
        Submit => "submit",
        Approve => "approve",
        Reject => "reject",
        RequestChanges => "request_changes",
        Suspend => "suspend",
        Reinstate => "reinstate",
        /// An approved organization changed a field its province reviews.
        Resubmit => "resubmit",
    }
}

impl OrgAction {
    /// The actions a province's moderators take through `POST /orgs/{id}/decisions`.
    pub const DECISIONS: [OrgAction; 5] =
        [OrgAction::Approve, OrgAction::Reject, OrgAction::RequestChanges, OrgAction::Suspend, OrgAction::Reinstate];

    pub fn is_decision(self) -> bool {
        Self::DECISIONS.contains(&self)
    }

    /// Refusing, asking for changes, suspending and reinstating must say why.
    pub fn needs_reason(self) -> bool {
        matches!(self, OrgAction::Reject | OrgAction::RequestChanges | OrgAction::Suspend | OrgAction::Reinstate)
    }
}

impl crate::review::ReviewAction for OrgAction {
    const DECISION_CODES: &'static [&'static str] = &["approve", "reject", "request_changes", "suspend", "reinstate"];

    fn parse_code(raw: &str) -> Option<Self> {
        Self::parse(raw)
    }

    fn is_decision(self) -> bool {
        OrgAction::is_decision(self)
    }

    fn needs_reason(self) -> bool {
        OrgAction::needs_reason(self)
    }

    fn requests_changes(self) -> bool {
        self == OrgAction::RequestChanges
    }
}

impl OrgStatus {
    /// Members may change the organization freely in these states.
    pub fn is_editable(self) -> bool {
        matches!(self, OrgStatus::Draft | OrgStatus::ChangesRequested)
    }

    /// Shown in the public directory.
    pub fn is_public(self) -> bool {
        self == OrgStatus::Approved
    }

    /// Waiting for the province.
    pub fn is_pending(self) -> bool {
        self == OrgStatus::Submitted
    }
}

/// The state after `action`, or `None` when the action is not allowed from `from`.
pub fn transition(from: OrgStatus, action: OrgAction) -> Option<OrgStatus> {
    use OrgAction as A;
    use OrgStatus as S;
    match (from, action) {
        (S::Draft | S::ChangesRequested, A::Submit) => Some(S::Submitted),
        (S::Submitted, A::Approve) => Some(S::Approved),
        (S::Submitted, A::Reject) => Some(S::Rejected),
        (S::Submitted, A::RequestChanges) => Some(S::ChangesRequested),
        (S::Approved, A::Suspend) => Some(S::Suspended),
        (S::Suspended, A::Reinstate) => Some(S::Approved),
        (S::Approved, A::Resubmit) => Some(S::Submitted),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decision_codes_are_the_decisions() {
        use crate::review::ReviewAction;
        let codes: Vec<&str> = OrgAction::DECISIONS.iter().map(|a| a.as_str()).collect();
        assert_eq!(codes, <OrgAction as ReviewAction>::DECISION_CODES);
    }

    /// Every (state, action) pair, written out: the allowed ones and their target.
    #[test]
    fn every_state_and_action() {
        use OrgAction as A;
        use OrgStatus as S;
        let allowed = [
            (S::Draft, A::Submit, S::Submitted),
            (S::ChangesRequested, A::Submit, S::Submitted),
            (S::Submitted, A::Approve, S::Approved),
            (S::Submitted, A::Reject, S::Rejected),
            (S::Submitted, A::RequestChanges, S::ChangesRequested),
            (S::Approved, A::Suspend, S::Suspended),
            (S::Suspended, A::Reinstate, S::Approved),
            (S::Approved, A::Resubmit, S::Submitted),
        ];
        let mut checked = 0;
        for &state in OrgStatus::ALL {
            for &action in OrgAction::ALL {
                let expected = allowed.iter().find(|(s, a, _)| *s == state && *a == action).map(|(_, _, to)| *to);
                assert_eq!(transition(state, action), expected, "{state} --{action}-->");
                checked += 1;
            }
        }
        assert_eq!(checked, OrgStatus::ALL.len() * OrgAction::ALL.len());
    }

    #[test]
    fn rejected_is_final() {
        assert!(OrgAction::ALL.iter().all(|a| transition(OrgStatus::Rejected, *a).is_none()));
    }

    #[test]
    fn reasons_and_visibility() {
        assert!(!OrgAction::Approve.needs_reason());
        assert!(OrgAction::DECISIONS.iter().filter(|a| **a != OrgAction::Approve).all(|a| a.needs_reason()));
        assert!(!OrgAction::Submit.is_decision() && !OrgAction::Resubmit.is_decision());
        let public: Vec<_> = OrgStatus::ALL.iter().filter(|s| s.is_public()).collect();
        assert_eq!(public, vec![&OrgStatus::Approved]);
        let editable: Vec<_> = OrgStatus::ALL.iter().filter(|s| s.is_editable()).collect();
        assert_eq!(editable, vec![&OrgStatus::Draft, &OrgStatus::ChangesRequested]);
    }
}
