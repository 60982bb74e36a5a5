//! The match lifecycle as a pure state machine: a suggestion waits for both sides; a
//! request (one side said "we are interested" on the other's listing) waits for the other;
//! both interested connects them; one declining ends it; a connection may go on to a trial
//! (piloting) and ends in a deal, is stopped with a reason, or is closed.

use crate::code_enum;

code_enum! {
    pub enum MatchState {
        Suggested => "suggested",
        Requested => "requested",
        Connected => "connected",
        Piloting => "piloting",
        Deal => "deal",
        Stopped => "stopped",
        Declined => "declined",
        Closed => "closed",
    }
}

code_enum! {
    pub enum Side {
        Offer => "offer",
        Need => "need",
    }
}

code_enum! {
    pub enum Response {
        Interested => "interested",
        Declined => "declined",
    }
}

code_enum! {
    /// Why a side declined; the other side sees these in aggregate.
    pub enum DeclineReason {
        FieldNotRelevant => "field_not_relevant",
        TrlTooLow => "trl_too_low",
        PriceOrBudget => "price_or_budget",
        TransferMode => "transfer_mode",
        Location => "location",
        AlreadySolved => "already_solved",
        Timing => "timing",
        Other => "other",
    }
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::Offer => Side::Need,
            Side::Need => Side::Offer,
        }
    }
}

/// Where a match stands: its state and each side's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub state: MatchState,
    pub offer: Option<Response>,
    pub need: Option<Response>,
}

code_enum! {
    /// Why two connected sides stopped talking; reported in aggregate.
    pub enum StopReason {
        NoBudget => "no_budget",
        TechnologyUnfit => "technology_unfit",
        PartnerUnresponsive => "partner_unresponsive",
        FoundElsewhere => "found_elsewhere",
        Other => "other",
    }
}

impl MatchState {
    /// Connected, trying the technology out, or agreed: contacts stay revealed (as they
    /// do not once a match is stopped or closed).
    pub fn is_connected(self) -> bool {
        matches!(self, MatchState::Connected | MatchState::Piloting | MatchState::Deal)
    }

    /// Connected and not ended yet: follow-ups still ask what became of it.
    pub fn is_under_way(self) -> bool {
        matches!(self, MatchState::Connected | MatchState::Piloting)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Respond(Side, Response),
    Pilot,
    Deal,
    Stop,
    Close,
}

impl Status {
    pub const NEW: Status = Status { state: MatchState::Suggested, offer: None, need: None };

    /// A request: the side that asked is interested already.
    pub fn requested_by(side: Side) -> Status {
        let interested = Some(Response::Interested);
        match side {
            Side::Offer => Status { state: MatchState::Requested, offer: interested, need: None },
            Side::Need => Status { state: MatchState::Requested, offer: None, need: interested },
        }
    }

    pub fn response(&self, side: Side) -> Option<Response> {
        match side {
            Side::Offer => self.offer,
            Side::Need => self.need,
        }
    }
}

/// The status after `action`, or `None` when it is not allowed. Each side answers once.
pub fn apply(status: Status, action: Action) -> Option<Status> {
    match (status.state, action) {
        (MatchState::Suggested | MatchState::Requested, Action::Respond(side, response))
            if status.response(side).is_none() =>
        {
            let mut next = status;
            match side {
                Side::Offer => next.offer = Some(response),
                Side::Need => next.need = Some(response),
            }
            next.state = match (response, next.response(side.other())) {
                (Response::Declined, _) => MatchState::Declined,
                (Response::Interested, Some(Response::Interested)) => MatchState::Connected,
                _ => status.state,
            };
            Some(next)
        }
        (MatchState::Connected, Action::Pilot) => Some(Status { state: MatchState::Piloting, ..status }),
        (MatchState::Connected | MatchState::Piloting, Action::Deal) => {
            Some(Status { state: MatchState::Deal, ..status })
        }
        (MatchState::Connected | MatchState::Piloting, Action::Stop) => {
            Some(Status { state: MatchState::Stopped, ..status })
        }
        (
            MatchState::Suggested | MatchState::Requested | MatchState::Connected | MatchState::Piloting,
            Action::Close,
        ) => Some(Status { state: MatchState::Closed, ..status }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MatchState as S;
    use Response::{Declined as D, Interested as I};

    fn status(state: MatchState, offer: Option<Response>, need: Option<Response>) -> Status {
        Status { state, offer, need }
    }

    /// Every reachable status against every action, written out.
    #[test]
    fn every_status_and_action() {
        let statuses = [
            status(S::Suggested, None, None),
            status(S::Suggested, Some(I), None),
            status(S::Suggested, None, Some(I)),
            status(S::Requested, None, Some(I)),
            status(S::Requested, Some(I), None),
            status(S::Connected, Some(I), Some(I)),
            status(S::Piloting, Some(I), Some(I)),
            status(S::Deal, Some(I), Some(I)),
            status(S::Stopped, Some(I), Some(I)),
            status(S::Declined, Some(D), None),
            status(S::Closed, None, None),
        ];
        let actions = [
            Action::Respond(Side::Offer, I),
            Action::Respond(Side::Offer, D),
            Action::Respond(Side::Need, I),
            Action::Respond(Side::Need, D),
            Action::Pilot,
            Action::Deal,
            Action::Stop,
            Action::Close,
        ];
        #[rustfmt::skip]
        let expected: [[Option<Status>; 8]; 11] = [
            // suggested, nobody answered
            [Some(status(S::Suggested, Some(I), None)), Some(status(S::Declined, Some(D), None)),
             Some(status(S::Suggested, None, Some(I))), Some(status(S::Declined, None, Some(D))),
             None, None, None, Some(status(S::Closed, None, None))],
            // suggested, the offer side interested
            [None, None,
             Some(status(S::Connected, Some(I), Some(I))), Some(status(S::Declined, Some(I), Some(D))),
             None, None, None, Some(status(S::Closed, Some(I), None))],
            // suggested, the need side interested
            [Some(status(S::Connected, Some(I), Some(I))), Some(status(S::Declined, Some(D), Some(I))),
             None, None,
             None, None, None, Some(status(S::Closed, None, Some(I)))],
            // requested by the need side: the offer's owners accept or decline
            [Some(status(S::Connected, Some(I), Some(I))), Some(status(S::Declined, Some(D), Some(I))),
             None, None,
             None, None, None, Some(status(S::Closed, None, Some(I)))],
            // requested by the offer side: the need's owners accept or decline
            [None, None,
             Some(status(S::Connected, Some(I), Some(I))), Some(status(S::Declined, Some(I), Some(D))),
             None, None, None, Some(status(S::Closed, Some(I), None))],
            // connected: a trial, a deal, a stop or closing
            [None, None, None, None,
             Some(status(S::Piloting, Some(I), Some(I))), Some(status(S::Deal, Some(I), Some(I))),
             Some(status(S::Stopped, Some(I), Some(I))), Some(status(S::Closed, Some(I), Some(I)))],
            // piloting: no second trial, but each ending
            [None, None, None, None,
             None, Some(status(S::Deal, Some(I), Some(I))),
             Some(status(S::Stopped, Some(I), Some(I))), Some(status(S::Closed, Some(I), Some(I)))],
            // deal
            [None, None, None, None, None, None, None, None],
            // stopped
            [None, None, None, None, None, None, None, None],
            // declined
            [None, None, None, None, None, None, None, None],
            // closed
            [None, None, None, None, None, None, None, None],
        ];
        for (row, from) in statuses.iter().enumerate() {
            for (column, action) in actions.iter().enumerate() {
                assert_eq!(apply(*from, *action), expected[row][column], "{from:?} --{action:?}-->");
            }
        }
    }

    #[test]
    fn only_connected_and_piloting_are_under_way() {
        let under_way: Vec<_> = MatchState::ALL.iter().copied().filter(|s| s.is_under_way()).collect();
        assert_eq!(under_way, vec![S::Connected, S::Piloting]);
        assert!(!S::Suggested.is_connected() && !S::Declined.is_connected() && !S::Closed.is_connected());
        assert!(S::Piloting.is_connected() && S::Deal.is_connected() && !S::Stopped.is_connected());
    }

    #[test]
    fn a_request_starts_with_the_asking_side_interested() {
        assert_eq!(Status::requested_by(Side::Need), status(S::Requested, None, Some(I)));
        let accepted = apply(Status::requested_by(Side::Need), Action::Respond(Side::Offer, I)).unwrap();
        assert_eq!(accepted.state, MatchState::Connected);
    }

    #[test]
    fn both_orders_of_interest_connect() {
        let a = apply(apply(Status::NEW, Action::Respond(Side::Offer, I)).unwrap(), Action::Respond(Side::Need, I))
            .unwrap();
        let b = apply(apply(Status::NEW, Action::Respond(Side::Need, I)).unwrap(), Action::Respond(Side::Offer, I))
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.state, MatchState::Connected);
    }
}
