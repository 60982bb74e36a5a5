//! Follow-ups, pure: which milestone is due for a connected match, the one-click answers
//! and what each does to the match, and what a signed link names.

use chrono::NaiveDateTime;

use crate::matching::lifecycle::{Action, Side, StopReason};

/// Days after the connection at which each side is asked what became of it.
pub const MILESTONES: [i32; 3] = [30, 90, 180];

/// The latest milestone reached, if any. Only that one is sent: a match found late (after
/// an outage, say) is asked about where it stands now, not about every milestone it passed.
pub fn due_milestone(connected_at: NaiveDateTime, now: NaiveDateTime) -> Option<i32> {
    let days = (now - connected_at).num_days();
    MILESTONES.iter().rev().copied().find(|m| days >= i64::from(*m))
}

/// What a side answers with one click.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpAnswer {
    StillTalking,
    Piloting,
    DealSigned,
    Stopped(StopReason),
}

impl FollowUpAnswer {
    /// The answers an email offers; "other" needs words, so it is left to the match page.
    pub const OFFERED: [FollowUpAnswer; 7] = [
        FollowUpAnswer::StillTalking,
        FollowUpAnswer::Piloting,
        FollowUpAnswer::DealSigned,
        FollowUpAnswer::Stopped(StopReason::NoBudget),
        FollowUpAnswer::Stopped(StopReason::TechnologyUnfit),
        FollowUpAnswer::Stopped(StopReason::PartnerUnresponsive),
        FollowUpAnswer::Stopped(StopReason::FoundElsewhere),
    ];

    pub fn code(self) -> String {
        match self {
            FollowUpAnswer::StillTalking => "still_talking".into(),
            FollowUpAnswer::Piloting => "piloting".into(),
            FollowUpAnswer::DealSigned => "deal_signed".into(),
            FollowUpAnswer::Stopped(reason) => format!("stopped.{}", reason.as_str()),
        }
    }

    pub fn parse(code: &str) -> Option<FollowUpAnswer> {
        match code {
            "still_talking" => Some(FollowUpAnswer::StillTalking),
            "piloting" => Some(FollowUpAnswer::Piloting),
            "deal_signed" => Some(FollowUpAnswer::DealSigned),
            other => other
                .strip_prefix("stopped.")
                .and_then(StopReason::parse)
                .filter(|r| *r != StopReason::Other)
                .map(FollowUpAnswer::Stopped),
        }
    }

    /// How the answer moves the match. A signed deal is recorded with its terms on the
    /// match page, so the answer alone moves nothing.
    pub fn action(self) -> Option<Action> {
        match self {
            FollowUpAnswer::Piloting => Some(Action::Pilot),
            FollowUpAnswer::Stopped(_) => Some(Action::Stop),
            FollowUpAnswer::StillTalking | FollowUpAnswer::DealSigned => None,
        }
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        let (vi, en) = match self {
            FollowUpAnswer::StillTalking => ("Vẫn đang trao đổi", "Still talking"),
            FollowUpAnswer::Piloting => ("Đang thử nghiệm", "Trying it out"),
            FollowUpAnswer::DealSigned => ("Đã ký hợp đồng", "Deal signed"),
            FollowUpAnswer::Stopped(StopReason::NoBudget) => ("Đã dừng: không có kinh phí", "Stopped: no budget"),
            FollowUpAnswer::Stopped(StopReason::TechnologyUnfit) => {
                ("Đã dừng: công nghệ không phù hợp", "Stopped: the technology does not fit")
            }
            FollowUpAnswer::Stopped(StopReason::PartnerUnresponsive) => {
                ("Đã dừng: bên kia không phản hồi", "Stopped: the other side does not answer")
            }
            FollowUpAnswer::Stopped(StopReason::FoundElsewhere) => {
                ("Đã dừng: đã tìm được nơi khác", "Stopped: found elsewhere")
            }
            FollowUpAnswer::Stopped(StopReason::Other) => ("Đã dừng", "Stopped"),
        };
        lang.pick(vi, en)
    }
}

const SUBJECT_PREFIX: &str = "follow-up/";

/// The follow-up a link is for: (match, side, milestone).
pub type FollowUpRef = (String, Side, i32);

/// What a link signs: the follow-up. Prefixed so that no unsubscribe token (which names a
/// user) can be taken for one.
pub fn subject(match_id: &str, side: Side, milestone: i32) -> String {
    format!("{SUBJECT_PREFIX}{match_id}/{}/{milestone}", side.as_str())
}

pub fn parse_subject(subject: &str) -> Option<FollowUpRef> {
    let rest = subject.strip_prefix(SUBJECT_PREFIX)?;
    let mut parts = rest.split('/');
    let (id, side, milestone) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || id.is_empty() {
        return None;
    }
    let milestone: i32 = milestone.parse().ok().filter(|m| MILESTONES.contains(m))?;
    Some((id.to_owned(), Side::parse(side)?, milestone))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn at(days: i64, hours: i64) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(8, 0, 0).unwrap()
            + Duration::days(days)
            + Duration::hours(hours)
    }

    #[test]
    fn the_latest_milestone_reached_is_due() {
        let connected = at(0, 0);
        assert_eq!(due_milestone(connected, at(29, 23)), None);
        assert_eq!(due_milestone(connected, at(30, 0)), Some(30));
        assert_eq!(due_milestone(connected, at(89, 0)), Some(30));
        assert_eq!(due_milestone(connected, at(90, 0)), Some(90));
        assert_eq!(due_milestone(connected, at(180, 1)), Some(180));
        assert_eq!(due_milestone(connected, at(900, 0)), Some(180));
    }

    #[test]
    fn answers_round_trip_and_move_the_match() {
        for answer in FollowUpAnswer::OFFERED {
            assert_eq!(FollowUpAnswer::parse(&answer.code()), Some(answer));
        }
        assert_eq!(FollowUpAnswer::parse("stopped.other"), None);
        assert_eq!(FollowUpAnswer::parse("stopped."), None);
        assert_eq!(FollowUpAnswer::parse("deal"), None);
        assert_eq!(FollowUpAnswer::Piloting.action(), Some(Action::Pilot));
        assert_eq!(FollowUpAnswer::Stopped(StopReason::NoBudget).action(), Some(Action::Stop));
        assert_eq!(FollowUpAnswer::DealSigned.action(), None);
    }

    #[test]
    fn subjects_name_one_follow_up_exactly() {
        let s = subject("m-1", Side::Need, 90);
        assert_eq!(parse_subject(&s), Some(("m-1".into(), Side::Need, 90)));
        for bad in [
            "m-1/need/90",
            "follow-up/m-1/need/45",
            "follow-up/m-1/buyer/30",
            "follow-up//need/30",
            "follow-up/a/need/30/x",
        ] {
            assert_eq!(parse_subject(bad), None, "{bad}");
        }
    }
}
