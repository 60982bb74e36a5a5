//! Emails about listings to the owning organization's owners.

use chrono::NaiveDateTime;

use super::lifecycle::ListingAction;
use crate::i18n::Lang;

/// What happened to the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingEvent {
    Decision(ListingAction),
    ExpiresSoon { expires_at: NaiveDateTime },
    Expired,
}

pub struct ListingNotice<'a> {
    pub lang: Lang,
    pub title: &'a str,
    pub province_name: &'a str,
    pub event: ListingEvent,
    pub reason: Option<&'a str>,
    pub field_comments: &'a [(String, String)],
}

/// The subject and paragraphs telling owners what happened to their listing.
pub fn notice(n: &ListingNotice<'_>) -> (String, Vec<String>) {
    let lang = n.lang;
    let title = n.title;
    let (subject, sentence) = match (n.event, lang) {
        (ListingEvent::Decision(ListingAction::Approve), Lang::Vi) => (
            format!("Tin \"{title}\" đã được duyệt và đăng trên sàn"),
            format!("Sở KH&CN {} đã duyệt tin \"{title}\". Tin đã hiển thị trên sàn công nghệ.", n.province_name),
        ),
        (ListingEvent::Decision(ListingAction::Approve), Lang::En) => (
            format!("\"{title}\" is approved and published"),
            format!(
                "The Department of S&T of {} approved \"{title}\". It is now listed on the technology marketplace.",
                n.province_name
            ),
        ),
        (ListingEvent::Decision(ListingAction::Reject), Lang::Vi) => {
            (format!("Tin \"{title}\" bị từ chối"), format!("Sở KH&CN {} đã từ chối tin \"{title}\".", n.province_name))
        }
        (ListingEvent::Decision(ListingAction::Reject), Lang::En) => (
            format!("\"{title}\" was rejected"),
            format!("The Department of S&T of {} rejected \"{title}\".", n.province_name),
        ),
        (ListingEvent::Decision(_), Lang::Vi) => (
            format!("Tin \"{title}\" cần chỉnh sửa"),
            format!("Sở KH&CN {} đề nghị chỉnh sửa tin \"{title}\" trước khi đăng.", n.province_name),
        ),
        (ListingEvent::Decision(_), Lang::En) => (
            format!("\"{title}\" needs changes"),
            format!(
                "The Department of S&T of {} asks for changes to \"{title}\" before publishing it.",
                n.province_name
            ),
        ),
        (ListingEvent::ExpiresSoon { expires_at }, Lang::Vi) => (
            format!("Tin \"{title}\" sắp hết hạn"),
            format!(
                "Tin \"{title}\" sẽ hết hạn vào {}. Hãy gia hạn nếu công nghệ hoặc nhu cầu vẫn còn.",
                expires_at.format("%d/%m/%Y")
            ),
        ),
        (ListingEvent::ExpiresSoon { expires_at }, Lang::En) => (
            format!("\"{title}\" expires soon"),
            format!("\"{title}\" expires on {}. Renew it if it is still current.", expires_at.format("%Y-%m-%d")),
        ),
        (ListingEvent::Expired, Lang::Vi) => (
            format!("Tin \"{title}\" đã hết hạn"),
            format!("Tin \"{title}\" đã hết hạn và không còn hiển thị trên sàn. Bạn có thể gia hạn bất cứ lúc nào."),
        ),
        (ListingEvent::Expired, Lang::En) => (
            format!("\"{title}\" has expired"),
            format!("\"{title}\" has expired and is no longer listed. You can renew it at any time."),
        ),
    };
    let mut paragraphs = vec![sentence];
    if let Some(reason) = n.reason {
        paragraphs.push(format!("{}: {reason}", lang.pick("Lý do", "Reason")));
    }
    if !n.field_comments.is_empty() {
        let mut comments = format!("{}:", lang.pick("Góp ý theo từng mục", "Comments per field"));
        for (field, comment) in n.field_comments {
            comments.push_str(&format!("\n- {field}: {comment}"));
        }
        paragraphs.push(comments);
    }
    (subject, paragraphs)
}

/// The first part of the notice's email key.
pub fn event_key(event: ListingEvent) -> &'static str {
    match event {
        ListingEvent::Decision(_) => "listing-decision",
        ListingEvent::ExpiresSoon { .. } => "listing-expiry-reminder",
        ListingEvent::Expired => "listing-expired",
    }
}

/// Which preference governs the notice.
pub fn kind(event: ListingEvent) -> crate::notify::Kind {
    match event {
        ListingEvent::Decision(_) => crate::notify::Kind::ReviewDecision,
        ListingEvent::ExpiresSoon { .. } | ListingEvent::Expired => crate::notify::Kind::ExpiryReminder,
    }
}
