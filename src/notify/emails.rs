//! Notification emails: one per notification, or one digest of several. Each carries a
//! one-click unsubscribe link (RFC 8058).

use chrono::NaiveDateTime;

use super::Notice;
use super::store::Notification;
use askama::Template;

use crate::email::{Frame, OutgoingEmail};
use crate::i18n::Lang;
use crate::registry::emails::province_sender;
use crate::templates::{filters, tagline};

fn unsubscribe_line(lang: Lang) -> &'static str {
    lang.pick("Không muốn nhận loại email này nữa? Hủy đăng ký:", "No more emails like this? Unsubscribe:")
}

struct NoticeMessage<'a> {
    greeting: &'a str,
    paragraphs: &'a [String],
    link: Option<&'a str>,
    footer: &'a str,
    unsubscribe_line: &'a str,
    unsubscribe_url: &'a str,
}

#[derive(Template)]
#[template(path = "notify/notice_email.html")]
struct NoticeHtml<'a> {
    frame: Frame<'a>,
    m: &'a NoticeMessage<'a>,
}

#[derive(Template)]
#[template(path = "notify/notice_email.txt")]
struct NoticeText<'a> {
    m: &'a NoticeMessage<'a>,
}

pub fn single(notice: &Notice<'_>, unsubscribe_url: &str) -> OutgoingEmail {
    let lang = notice.lang;
    let greeting = super::greeting(lang, notice.to_name);
    let footer = tagline(lang);
    let m = NoticeMessage {
        greeting: &greeting,
        paragraphs: &notice.paragraphs,
        link: notice.link.as_deref(),
        footer,
        unsubscribe_line: unsubscribe_line(lang),
        unsubscribe_url,
    };
    let frame = Frame { lang: lang.code(), title: &notice.title, footer };
    let (html, text) = crate::email::render(&NoticeHtml { frame, m: &m }, &NoticeText { m: &m });
    OutgoingEmail {
        key: notice.event_key.clone(),
        to: notice.to.to_owned(),
        to_name: Some(notice.to_name.to_owned()),
        sender_name: notice.province_name.map(province_sender),
        html,
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

struct DigestItem<'a> {
    at: String,
    title: &'a str,
    link: Option<&'a str>,
}

struct DigestMessage<'a> {
    greeting: &'a str,
    intro: &'a str,
    items: Vec<DigestItem<'a>>,
    footer: &'a str,
    unsubscribe_line: &'a str,
    unsubscribe_url: &'a str,
}

#[derive(Template)]
#[template(path = "notify/digest_email.html")]
struct DigestHtml<'a> {
    frame: Frame<'a>,
    m: &'a DigestMessage<'a>,
}

#[derive(Template)]
#[template(path = "notify/digest_email.txt")]
struct DigestText<'a> {
    m: &'a DigestMessage<'a>,
}

pub fn digest(email: &DigestEmail<'_>) -> OutgoingEmail {
    let lang = email.lang;
    let count = email.items.len();
    let subject = match lang {
        Lang::Vi => format!("TechBridge: {count} thông báo mới trong ngày"),
        Lang::En => format!("TechBridge: {count} new notifications today"),
    };
    let greeting = super::greeting(lang, email.to_name);
    let footer = tagline(lang);
    let m = DigestMessage {
        greeting: &greeting,
        intro: lang.pick("Những gì đã diễn ra kể từ bản tin trước:", "What happened since the last digest:"),
        items: email
            .items
            .iter()
            .map(|item| DigestItem { at: when(lang, item.created_at), title: &item.title, link: item.link.as_deref() })
            .collect(),
        footer,
        unsubscribe_line: lang
            .pick("Không muốn nhận bản tin hằng ngày? Hủy đăng ký:", "No more daily digests? Unsubscribe:"),
        unsubscribe_url: email.unsubscribe_url,
    };
    let frame = Frame { lang: lang.code(), title: &subject, footer };
    let (html, text) = crate::email::render(&DigestHtml { frame, m: &m }, &DigestText { m: &m });
    OutgoingEmail {
        key: format!("digest:{}:{}", email.user_id, email.date),
        to: email.to.to_owned(),
        to_name: Some(email.to_name.to_owned()),
        sender_name: None,
        html,
        subject,
        text,
        unsubscribe_url: Some(email.unsubscribe_url.to_owned()),
        link_token_id: None,
    }
}
