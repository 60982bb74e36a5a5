//! The listing lifecycle as a pure state machine.
//!
//! draft → pending_review → published | rejected | changes_requested;
//! changes_requested → pending_review; published → closed | expired; a published or
//! expired listing can be renewed; a published listing whose content changes goes back
//! to review unless its province publishes automatically.

use crate::code_enum;

code_enum! {
    pub enum ListingStatus {
        Draft => "draft",
        PendingReview => "pending_review",
        Published => "published",
        Rejected => "rejected",
        ChangesRequested => "changes_requested",
        Closed => "closed",
        Expired => "expired",
    }
}

code_enum! {
    pub enum ListingAction {
        Submit => "submit",
        Approve => "approve",
        Reject => "reject",
        RequestChanges => "request_changes",
        Close => "close",
        Expire => "expire",
        Renew => "renew",
        /// A published listing changed and goes back to review.
        Resubmit => "resubmit",
    }
}

impl ListingAction {
    /// The actions of a province's moderators.
    pub const DECISIONS: [ListingAction; 3] =
        [ListingAction::Approve, ListingAction::Reject, ListingAction::RequestChanges];

    pub fn is_decision(self) -> bool {
        Self::DECISIONS.contains(&self)
    }

    pub fn needs_reason(self) -> bool {
        matches!(self, ListingAction::Reject | ListingAction::RequestChanges)
    }
}

impl crate::review::ReviewAction for ListingAction {
    const DECISION_CODES: &'static [&'static str] = &["approve", "reject", "request_changes"];

    fn parse_code(raw: &str) -> Option<Self> {
        Self::parse(raw)
    }

    fn is_decision(self) -> bool {
        ListingAction::is_decision(self)
    }

    fn needs_reason(self) -> bool {
        ListingAction::needs_reason(self)
    }

    fn requests_changes(self) -> bool {
        self == ListingAction::RequestChanges
    }
}

impl ListingStatus {
    /// Members change the listing freely in these states.
    pub fn is_editable(self) -> bool {
        matches!(self, ListingStatus::Draft | ListingStatus::ChangesRequested)
    }

    /// Over, for matching and for the marketplace.
    pub fn is_finished(self) -> bool {
        matches!(self, ListingStatus::Rejected | ListingStatus::Closed | ListingStatus::Expired)
    }
}

/// The state after `action`, or `None` when it is not allowed from `from`.
pub fn transition(from: ListingStatus, action: ListingAction) -> Option<ListingStatus> {
    use ListingAction as A;
    use ListingStatus as S;
    match (from, action) {
        (S::Draft | S::ChangesRequested, A::Submit) => Some(S::PendingReview),
        (S::PendingReview, A::Approve) => Some(S::Published),
        (S::PendingReview, A::Reject) => Some(S::Rejected),
        (S::PendingReview, A::RequestChanges) => Some(S::ChangesRequested),
        (S::Published | S::Expired, A::Close) => Some(S::Closed),
        (S::Published, A::Expire) => Some(S::Expired),
        (S::Published | S::Expired, A::Renew) => Some(S::Published),
        (S::Published, A::Resubmit) => Some(S::PendingReview),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decision_codes_are_the_decisions() {
        use crate::review::ReviewAction;
        let codes: Vec<&str> = ListingAction::DECISIONS.iter().map(|a| a.as_str()).collect();
        assert_eq!(codes, <ListingAction as ReviewAction>::DECISION_CODES);
    }

    #[test]
    fn every_state_and_action() {
        use ListingAction as A;
        use ListingStatus as S;
        let allowed = [
            (S::Draft, A::Submit, S::PendingReview),
            (S::ChangesRequested, A::Submit, S::PendingReview),
            (S::PendingReview, A::Approve, S::Published),
            (S::PendingReview, A::Reject, S::Rejected),
            (S::PendingReview, A::RequestChanges, S::ChangesRequested),
            (S::Published, A::Close, S::Closed),
            (S::Expired, A::Close, S::Closed),
            (S::Published, A::Expire, S::Expired),
            (S::Published, A::Renew, S::Published),
            (S::Expired, A::Renew, S::Published),
            (S::Published, A::Resubmit, S::PendingReview),
        ];
        for &state in ListingStatus::ALL {
            for &action in ListingAction::ALL {
                let expected = allowed.iter().find(|(s, a, _)| *s == state && *a == action).map(|(_, _, to)| *to);
                assert_eq!(transition(state, action), expected, "{state} --{action}-->");
            }
        }
    }

    #[test]
    fn finished_states_stay_finished_except_by_renewal() {
        for state in [ListingStatus::Rejected, ListingStatus::Closed] {
            assert!(ListingAction::ALL.iter().all(|a| transition(state, *a).is_none()), "{state}");
        }
        assert_eq!(transition(ListingStatus::Expired, ListingAction::Renew), Some(ListingStatus::Published));
    }
}
