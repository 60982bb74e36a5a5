//! Emails about listings to the owning organization's owners.

use chrono::NaiveDateTime;

use super::lifecycle::ListingAction;
use crate::email::{OutgoingEmail, escape_html, html_document};
use crate::i18n::Lang;
use crate::registry::emails::province_sender;

/// What happened to the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingEvent {
    Decision(ListingAction),
    ExpiresSoon { expires_at: NaiveDateTime },
    Expired,
}

pub struct ListingEmail<'a> {
    pub lang: Lang,
    pub to: &'a str,
    pub to_name: &'a str,
    pub user_id: &'a str,
    pub listing_id: &'a str,
    pub title: &'a str,
    pub province_name: &'a str,
    pub event: ListingEvent,
    pub reason: Option<&'a str>,
    pub field_comments: &'a [(String, String)],
    pub public_url: &'a str,
    /// Distinguishes one event of the listing from the next (its version, or expiry time).
    pub occurrence: String,
}

fn sentence(email: &ListingEmail<'_>) -> (String, String) {
    let title = email.title;
    match (email.event, email.lang) {
        (ListingEvent::Decision(ListingAction::Approve), Lang::Vi) => (
            format!("Tin \"{title}\" đã được duyệt và đăng trên sàn"),
            format!("Sở KH&CN {} đã duyệt tin \"{title}\". Tin đã hiển thị trên sàn công nghệ.", email.province_name),
        ),
        (ListingEvent::Decision(ListingAction::Approve), Lang::En) => (
            format!("\"{title}\" is approved and published"),
            format!(
                "The Department of S&T of {} approved \"{title}\". It is now listed on the technology marketplace.",
                email.province_name
            ),
        ),
        (ListingEvent::Decision(ListingAction::Reject), Lang::Vi) => (
            format!("Tin \"{title}\" bị từ chối"),
            format!("Sở KH&CN {} đã từ chối tin \"{title}\".", email.province_name),
        ),
        (ListingEvent::Decision(ListingAction::Reject), Lang::En) => (
            format!("\"{title}\" was rejected"),
            format!("The Department of S&T of {} rejected \"{title}\".", email.province_name),
        ),
        (ListingEvent::Decision(_), Lang::Vi) => (
            format!("Tin \"{title}\" cần chỉnh sửa"),
            format!("Sở KH&CN {} đề nghị chỉnh sửa tin \"{title}\" trước khi đăng.", email.province_name),
        ),
        (ListingEvent::Decision(_), Lang::En) => (
            format!("\"{title}\" needs changes"),
            format!(
                "The Department of S&T of {} asks for changes to \"{title}\" before publishing it.",
                email.province_name
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
    }
}

fn kind_key(event: ListingEvent) -> &'static str {
    match event {
        ListingEvent::Decision(_) => "listing-decision",
        ListingEvent::ExpiresSoon { .. } => "listing-expiry-reminder",
        ListingEvent::Expired => "listing-expired",
    }
}

pub fn render(email: &ListingEmail<'_>) -> OutgoingEmail {
    let lang = email.lang;
    let (subject, body) = sentence(email);
    let greeting = match lang {
        Lang::Vi => format!("Xin chào {},", email.to_name),
        Lang::En => format!("Hello {},", email.to_name),
    };
    let link = format!("{}/listings/{}", email.public_url.trim_end_matches('/'), email.listing_id);
    let footer =
        lang.pick("TechBridge — kết nối cung cầu công nghệ", "TechBridge — connecting technology supply and demand");
    let mut text = format!("{greeting}\n\n{body}\n");
    let mut html = format!("<p>{}</p>\n<p>{}</p>\n", escape_html(&greeting), escape_html(&body));
    if let Some(reason) = email.reason {
        let label = lang.pick("Lý do", "Reason");
        text.push_str(&format!("\n{label}: {reason}\n"));
        html.push_str(&format!("<p><strong>{label}:</strong> {}</p>\n", escape_html(reason)));
    }
    if !email.field_comments.is_empty() {
        let label = lang.pick("Góp ý theo từng mục", "Comments per field");
        text.push_str(&format!("\n{label}:\n"));
        html.push_str(&format!("<p><strong>{label}:</strong></p>\n<ul>\n"));
        for (field, comment) in email.field_comments {
            text.push_str(&format!("- {field}: {comment}\n"));
            html.push_str(&format!("<li><code>{}</code>: {}</li>\n", escape_html(field), escape_html(comment)));
        }
        html.push_str("</ul>\n");
    }
    text.push_str(&format!("\n{link}\n\n--\n{footer}\n"));
    html.push_str(&format!("<p><a href=\"{0}\">{0}</a></p>", escape_html(&link)));
    OutgoingEmail {
        key: format!("{}:{}:{}:{}", kind_key(email.event), email.listing_id, email.occurrence, email.user_id),
        to: email.to.to_owned(),
        to_name: Some(email.to_name.to_owned()),
        sender_name: Some(province_sender(email.province_name)),
        html: html_document(lang.code(), &subject, &html, footer),
        subject,
        text,
        unsubscribe_url: None,
    }
}
