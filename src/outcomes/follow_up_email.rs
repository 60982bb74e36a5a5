//! The follow-up email: what became of the match, answered with one click. Pure.

use askama::Template;

use super::follow_ups::FollowUpAnswer;
use crate::email::{Frame, OutgoingEmail};
use crate::i18n::Lang;
use crate::matching::lifecycle::Side;
use crate::registry::emails::province_sender;
use crate::templates::tagline;

pub struct FollowUpEmail<'a> {
    pub lang: Lang,
    pub user_id: &'a str,
    pub to: &'a str,
    pub to_name: &'a str,
    pub province_name: &'a str,
    pub match_id: &'a str,
    pub side: Side,
    pub milestone: i32,
    pub other_org_name: &'a str,
    pub public_url: &'a str,
    /// The signed token of each offered answer, in the order of `FollowUpAnswer::OFFERED`.
    pub answer_tokens: &'a [(FollowUpAnswer, String)],
    pub unsubscribe_url: &'a str,
}

struct Choice {
    label: &'static str,
    url: String,
}

struct FollowUpMessage<'a> {
    greeting: String,
    question: String,
    hint: &'static str,
    choices: Vec<Choice>,
    match_line: &'static str,
    match_url: String,
    footer: &'static str,
    unsubscribe_line: &'static str,
    unsubscribe_url: &'a str,
}

#[derive(Template)]
#[template(path = "outcomes/follow_up_email.html")]
struct FollowUpHtml<'a> {
    frame: Frame<'a>,
    m: &'a FollowUpMessage<'a>,
}

#[derive(Template)]
#[template(path = "outcomes/follow_up_email.txt")]
struct FollowUpText<'a> {
    m: &'a FollowUpMessage<'a>,
}

/// Its idempotency key: one per (match, side, milestone) and recipient.
pub fn key(match_id: &str, side: Side, milestone: i32, user_id: &str) -> String {
    format!("follow_up:{match_id}:{}:{milestone}:{user_id}", side.as_str())
}

pub fn follow_up(email: &FollowUpEmail<'_>) -> OutgoingEmail {
    let lang = email.lang;
    let site = email.public_url.trim_end_matches('/');
    let (subject, question) = match lang {
        Lang::Vi => (
            format!("Kết nối với {} sau {} ngày: kết quả thế nào?", email.other_org_name, email.milestone),
            format!(
                "Đã {} ngày kể từ khi tổ chức của bạn được kết nối với {}. Sở KH&CN muốn biết kết quả: hãy chọn một câu trả lời.",
                email.milestone, email.other_org_name
            ),
        ),
        Lang::En => (
            format!("Your match with {}, {} days on: what became of it?", email.other_org_name, email.milestone),
            format!(
                "It is {} days since your organization was connected with {}. The Department would like to know what became of it: pick one answer.",
                email.milestone, email.other_org_name
            ),
        ),
    };
    let footer = tagline(lang);
    let m = FollowUpMessage {
        greeting: crate::notify::greeting(lang, email.to_name),
        question,
        hint: lang.pick(
            "Không cần đăng nhập; chỉ câu trả lời đầu tiên được ghi nhận.",
            "No sign-in needed; only the first answer is recorded.",
        ),
        choices: email
            .answer_tokens
            .iter()
            .map(|(answer, token)| Choice { label: answer.label(lang), url: format!("{site}/follow-ups/{token}") })
            .collect(),
        match_line: lang.pick("Ghi nhận hợp đồng hoặc xem kết nối:", "Record the contract or see the match:"),
        match_url: format!("{site}/matches/{}", email.match_id),
        footer,
        unsubscribe_line: lang
            .pick("Không muốn nhận email hỏi thăm nữa? Hủy đăng ký:", "No more follow-up emails? Unsubscribe:"),
        unsubscribe_url: email.unsubscribe_url,
    };
    let frame = Frame { lang: lang.code(), title: &subject, footer };
    let (html, text) = crate::email::render(&FollowUpHtml { frame, m: &m }, &FollowUpText { m: &m });
    OutgoingEmail {
        key: key(email.match_id, email.side, email.milestone, email.user_id),
        to: email.to.to_owned(),
        to_name: Some(email.to_name.to_owned()),
        sender_name: Some(province_sender(email.province_name)),
        html,
        subject,
        text,
        unsubscribe_url: Some(email.unsubscribe_url.to_owned()),
        link_token_id: None,
    }
}
