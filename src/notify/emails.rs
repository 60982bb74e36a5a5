//! Notification emails: one per notification, or one digest of several. Each carries a
//! one-click unsubscribe link (RFC 8058).

use chrono::NaiveDateTime;

use super::Notice;
use super::store::Notification;
use crate::email::{OutgoingEmail, escape_html, html_document};
use crate::i18n::Lang;
use crate::registry::emails::province_sender;

fn footer(lang: Lang) -> &'static str {
    lang.pick("TechBridge — kết nối cung cầu công nghệ", "TechBridge — connecting technology supply and demand")
}

fn unsubscribe_line(lang: Lang) -> &'static str {
    lang.pick("Không muốn nhận loại email này nữa? Hủy đăng ký:", "No more emails like this? Unsubscribe:")
}

pub fn single(notice: &Notice<'_>, unsubscribe_url: &str) -> OutgoingEmail {
    let lang = notice.lang;
    let greeting = super::greeting(lang, notice.to_name);
    let mut text = format!("{greeting}\n\n");
    let mut html = format!("<p>{}</p>\n", escape_html(&greeting));
    for paragraph in &notice.paragraphs {
        text.push_str(paragraph);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>\n", escape_html(paragraph).replace('\n', "<br>")));
    }
    if let Some(link) = &notice.link {
        text.push_str(&format!("{link}\n\n"));
        html.push_str(&format!("<p><a href=\"{0}\">{0}</a></p>\n", escape_html(link)));
    }
    text.push_str(&format!("--\n{}\n{} {unsubscribe_url}\n", footer(lang), unsubscribe_line(lang)));
    html.push_str(&format!(
        "<p style=\"font-size: 12px; color: #627d98;\">{} <a href=\"{1}\">{1}</a></p>",
        escape_html(unsubscribe_line(lang)),
        escape_html(unsubscribe_url)
    ));
    OutgoingEmail {
        key: notice.event_key.clone(),
        to: notice.to.to_owned(),
        to_name: Some(notice.to_name.to_owned()),
        sender_name: notice.province_name.map(province_sender),
        html: html_document(lang.code(), &notice.title, &html, footer(lang)),
        subject: notice.title.clone(),
        text,
        unsubscribe_url: Some(unsubscribe_url.to_owned()),
        link_token_id: None,
    }
}

pub struct DigestEmail<'a> {
    pub lang: Lang,
    pub user_id: &'a str,
    pub to: &'a str,
    pub to_name: &'a str,
    pub items: &'a [Notification],
    /// The local date of the digest, part of its idempotency key.
    pub date: chrono::NaiveDate,
    pub unsubscribe_url: &'a str,
}

fn when(lang: Lang, at: NaiveDateTime) -> String {
    // Shown in Vietnam's time (UTC+7).
    let local = at + chrono::Duration::hours(7);
    match lang {
        Lang::Vi => local.format("%H:%M %d/%m").to_string(),
        Lang::En => local.format("%Y-%m-%d %H:%M").to_string(),
    }
}

pub fn digest(email: &DigestEmail<'_>) -> OutgoingEmail {
    let lang = email.lang;
    let count = email.items.len();
    let subject = match lang {
        Lang::Vi => format!("TechBridge: {count} thông báo mới trong ngày"),
        Lang::En => format!("TechBridge: {count} new notifications today"),
    };
    let greeting = super::greeting(lang, email.to_name);
    let intro = lang.pick("Những gì đã diễn ra kể từ bản tin trước:", "What happened since the last digest:");
    let mut text = format!("{greeting}\n\n{intro}\n\n");
    let mut html = format!("<p>{}</p>\n<p>{}</p>\n<ul>\n", escape_html(&greeting), escape_html(intro));
    for item in email.items {
        let at = when(lang, item.created_at);
        text.push_str(&format!("- [{at}] {}\n", item.title));
        if let Some(link) = &item.link {
            text.push_str(&format!("  {link}\n"));
        }
        let title = escape_html(&item.title);
        match &item.link {
            Some(link) => html.push_str(&format!("<li>[{at}] <a href=\"{}\">{title}</a></li>\n", escape_html(link))),
            None => html.push_str(&format!("<li>[{at}] {title}</li>\n")),
        }
    }
    html.push_str("</ul>\n");
    let stop = lang.pick("Không muốn nhận bản tin hằng ngày? Hủy đăng ký:", "No more daily digests? Unsubscribe:");
    text.push_str(&format!("\n--\n{}\n{stop} {}\n", footer(lang), email.unsubscribe_url));
    html.push_str(&format!(
        "<p style=\"font-size: 12px; color: #627d98;\">{} <a href=\"{1}\">{1}</a></p>",
        escape_html(stop),
        escape_html(email.unsubscribe_url)
    ));
    OutgoingEmail {
        key: format!("digest:{}:{}", email.user_id, email.date),
        to: email.to.to_owned(),
        to_name: Some(email.to_name.to_owned()),
        sender_name: None,
        html: html_document(lang.code(), &subject, &html, footer(lang)),
        subject,
        text,
        unsubscribe_url: Some(email.unsubscribe_url.to_owned()),
        link_token_id: None,
    }
}
