//! The pages a follow-up link opens, without sign-in: the link itself says which match,
//! side, milestone and answer. Opening it changes nothing (mail scanners follow links);
//! its one button records the answer, once.

use actix_web::{HttpResponse, web};

use super::follow_ups::{self, FollowUpAnswer, FollowUpRef};
use super::store;
use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::error::{AppError, Text};
use crate::matching::engine::ENTITY;
use crate::matching::lifecycle::{MatchState, Side, StopReason, apply};
use crate::notify::unsubscribe::TokenError;
use crate::web::{Frame, Visitor, render};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/follow-ups/{token}", web::get().to(open)).route("/follow-ups/{token}", web::post().to(answer));
}

#[derive(askama::Template)]
#[template(path = "outcomes/follow_up.html")]
struct FollowUpPage<'a> {
    frame: Frame<'a>,
    body: String,
    already: bool,
    form_action: Option<String>,
    button: &'a str,
    /// Where to go on from here: (address, words).
    next: Option<(String, String)>,
}

/// The follow-up and answer a genuine link names; altered or forged links are not found.
fn resolve(state: &AppState, token: &str) -> Result<(FollowUpRef, FollowUpAnswer), AppError> {
    let (subject, code) = state.unsubscribe.verify(token).map_err(|e| match e {
        TokenError::Malformed => {
            AppError::BadRequest(Text::new("Liên kết trả lời không hợp lệ.", "This answer link is not valid."))
        }
        TokenError::Forged => AppError::NotFound,
    })?;
    let reference = follow_ups::parse_subject(&subject).ok_or(AppError::NotFound)?;
    let answer = FollowUpAnswer::parse(&code).ok_or(AppError::NotFound)?;
    Ok((reference, answer))
}

fn already_said(visitor: &Visitor, earlier: Option<&str>) -> String {
    let earlier = earlier.and_then(FollowUpAnswer::parse).map(|a| a.label(visitor.lang)).unwrap_or("");
    match visitor.lang {
        crate::i18n::Lang::Vi => {
            format!("Câu trả lời đã được ghi nhận trước đó (\"{earlier}\"); không có gì thay đổi.")
        }
        crate::i18n::Lang::En => format!("An answer was recorded before (\"{earlier}\"); nothing changed."),
    }
}

fn page(visitor: &Visitor, body: String, already: bool, form_action: Option<String>) -> Result<HttpResponse, AppError> {
    page_then(visitor, body, already, form_action, None)
}

fn page_then(
    visitor: &Visitor,
    body: String,
    already: bool,
    form_action: Option<String>,
    next: Option<(String, String)>,
) -> Result<HttpResponse, AppError> {
    render(&FollowUpPage {
        frame: Frame::new(
            visitor,
            visitor.t("Kết quả kết nối", "What became of the match"),
            crate::web::layout::Section::Matches,
        ),
        body,
        already,
        form_action,
        button: visitor.t("Gửi câu trả lời", "Send the answer"),
        next,
    })
}

async fn open(
    state: web::Data<AppState>,
    token: web::Path<String>,
    visitor: Visitor,
) -> Result<HttpResponse, AppError> {
    let ((match_id, side, milestone), answer) = resolve(&state, &token)?;
    let earlier = state
        .db
        .run(move |conn| store::follow_up_answer(conn, &match_id, side, milestone))
        .await?
        .ok_or(AppError::NotFound)?;
    match earlier {
        Some(earlier) => page(&visitor, already_said(&visitor, Some(&earlier)), true, None),
        None => {
            let body = match visitor.lang {
                crate::i18n::Lang::Vi => {
                    format!("Câu trả lời của bạn: \"{}\". Bấm nút để gửi.", answer.label(visitor.lang))
                }
                crate::i18n::Lang::En => {
                    format!("Your answer: \"{}\". Press the button to send it.", answer.label(visitor.lang))
                }
            };
            page(&visitor, body, false, Some(format!("/follow-ups/{token}")))
        }
    }
}

enum Recorded {
    Now,
    Before(Option<String>),
}

async fn answer(
    state: web::Data<AppState>,
    token: web::Path<String>,
    visitor: Visitor,
) -> Result<HttpResponse, AppError> {
    let ((match_id, side, milestone), answer) = resolve(&state, &token)?;
    let the_match = match_id.clone();
    let now = state.clock.now();
    let recorded = state
        .db
        .write(move |conn| {
            let earlier = store::follow_up_answer(conn, &match_id, side, milestone)?.ok_or(AppError::NotFound)?;
            if earlier.is_some() || !store::answer_follow_up(conn, &match_id, side, milestone, &answer.code(), now)? {
                let earlier = store::follow_up_answer(conn, &match_id, side, milestone)?.flatten();
                return Ok(Recorded::Before(earlier));
            }
            let row = crate::matching::store::find(conn, &match_id)?.ok_or(AppError::NotFound)?;
            // The match moves when the answer says so and it still can (the other side may
            // have moved it already).
            let next = answer.action().and_then(|action| apply(row.status(), action));
            if let Some(next) = next {
                let reason = match answer {
                    FollowUpAnswer::Stopped(reason) => Some(reason),
                    _ => None,
                };
                let stopping = reason.map(|r: StopReason| (r, None));
                if store::move_on(conn, &row.id, row.version, next.state, stopping, now)? {
                    audit::record(
                        conn,
                        AuditEntry {
                            tenant_id: Some(if side == Side::Offer {
                                &row.offer_tenant_id
                            } else {
                                &row.need_tenant_id
                            }),
                            entity_type: ENTITY,
                            entity_id: &row.id,
                            action: if next.state == MatchState::Stopped { "stop" } else { "pilot" },
                            from_state: Some(&row.state),
                            to_state: Some(next.state.as_str()),
                            reason: reason.map(StopReason::as_str),
                            details: Some(serde_json::json!({
                                "via": "follow_up", "side": side.as_str(), "milestone": milestone,
                            })),
                            ..Default::default()
                        },
                        now,
                    )?;
                }
            }
            Ok(Recorded::Now)
        })
        .await?;
    match recorded {
        // A deal needs its terms: the answer leads to the match page's deal form (after
        // signing in, which comes back to it).
        Recorded::Now if answer == FollowUpAnswer::DealSigned => page_then(
            &visitor,
            visitor
                .t(
                    "Cảm ơn bạn, câu trả lời đã được ghi nhận. Hãy ghi nhận các điều khoản của hợp đồng để giao dịch được tính vào số liệu của tỉnh.",
                    "Thank you, your answer is recorded. Record the contract's terms so that the deal counts in the province's figures.",
                )
                .to_owned(),
            false,
            None,
            Some((
                format!("/matches/{the_match}#deal-heading"),
                visitor.t("Ghi nhận giao dịch", "Record the deal").to_owned(),
            )),
        ),
        Recorded::Now => page(
            &visitor,
            visitor.t("Cảm ơn bạn, câu trả lời đã được ghi nhận.", "Thank you, your answer is recorded.").to_owned(),
            false,
            None,
        ),
        Recorded::Before(earlier) => page(&visitor, already_said(&visitor, earlier.as_deref()), true, None),
    }
}
