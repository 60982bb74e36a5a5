//! The matches' pages: mine by state, and one match with its two listings side by side,
//! the score told in sentences, the answers, and — once connected — the contacts.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::lifecycle::{Action, DeclineReason, StopReason};
use super::routes::answers::{CloseRequest, ResponseRequest, close_match, record_deal, respond_to_match};
use super::routes::reading::{MatchListParams, match_view, matches_page};
use super::score::ScorePart;
use super::views::MatchView;
use crate::app::AppState;
use crate::error::AppError;
use crate::http::ClientIp;
use crate::i18n::Lang;
use crate::outcomes::deal_form::DealForm;
use crate::taxonomy::Scheme;
use crate::templates::filters;
use crate::web::labels::{Labels, code};
use crate::web::layout::Section;
use crate::web::page::labels;
use crate::web::{FieldErrors, Frame, PageForm, SignedIn, render, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/matches", web::get().to(list))
        .route("/matches/{id}", web::get().to(detail))
        .route("/matches/{id}/answer", web::post().to(answer))
        .route("/matches/{id}/deal", web::post().to(deal))
        .route("/matches/{id}/deal/confirm", web::post().to(confirm_deal))
        .route("/matches/{id}/deal/consent", web::post().to(consent))
        .route("/matches/{id}/piloting", web::post().to(piloting))
        .route("/matches/{id}/stop", web::post().to(stop))
        .route("/matches/{id}/close", web::post().to(close));
}

/// The shared terms of a topic as the listings spell them: a term is stored folded ("nuoc
/// thai"), so the same words are looked up in `texts` (the two titles) to give back their
/// diacritics; vocabulary groups (`~pig`) are internal and left out.
fn readable_terms(terms: &[String], texts: &[&str]) -> Vec<String> {
    let words: Vec<Vec<String>> = texts
        .iter()
        .map(|t| t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect())
        .collect();
    let mut out: Vec<String> = Vec::new();
    for term in terms.iter().filter(|t| !t.contains('~')) {
        let n = term.split(' ').count();
        let spelled = words
            .iter()
            .flat_map(|text| text.windows(n))
            .map(|window| window.join(" "))
            .find(|window| crate::text::fold(window) == *term)
            .unwrap_or_else(|| term.clone());
        if !out.contains(&spelled) {
            out.push(spelled);
        }
        if out.len() == 6 {
            break;
        }
    }
    out
}

/// One part of a score as a person reads it; `texts` are the two titles, for the words the
/// listings share.
pub fn sentence(part: &ScorePart, labels: &Labels<'_>, texts: &[&str]) -> String {
    let lang = labels.lang;
    let detail = &part.detail;
    let strings = |key: &str| -> Vec<String> {
        detail[key]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let current = |scheme: Scheme, codes: Vec<String>| -> String {
        codes.iter().map(|c| labels.current(scheme, c)).collect::<Vec<_>>().join(", ")
    };
    match part.name.as_str() {
        "topic" => {
            let shared = readable_terms(&strings("shared_terms"), texts);
            let coverage = detail["need_coverage"].as_f64().map(|c| (c * 100.0).round());
            let covers = coverage.map(|c| match lang {
                Lang::Vi => format!("Đáp ứng {c}% điều nhu cầu nêu"),
                Lang::En => format!("Covers {c}% of what the need asks"),
            });
            let speak = (!shared.is_empty())
                .then(|| format!("{}: {}", lang.pick("cùng nói về", "both speak of"), shared.join(", ")));
            match (covers, speak) {
                (Some(covers), Some(speak)) => format!("{covers}; {speak}"),
                (Some(covers), None) => covers,
                (None, Some(speak)) => speak,
                (None, None) => lang.pick("Không có từ khóa chung", "No terms in common").to_owned(),
            }
        }
        "field" => {
            let same = strings("same_field");
            let parent = strings("same_parent");
            if !same.is_empty() {
                format!("{}: {}", lang.pick("Cùng lĩnh vực", "Same field"), current(Scheme::StField, same))
            } else if !parent.is_empty() {
                format!(
                    "{}: {}",
                    lang.pick("Cùng nhóm lĩnh vực", "Same group of fields"),
                    current(Scheme::StField, parent)
                )
            } else {
                lang.pick("Khác lĩnh vực", "Different fields").to_owned()
            }
        }
        "trl" => match (detail["offer_trl"].as_i64(), detail["need_min_trl"].as_i64()) {
            (Some(offer), Some(need)) => match lang {
                Lang::Vi => format!("TRL {offer}, yêu cầu tối thiểu {need}"),
                Lang::En => format!("TRL {offer}, at least {need} asked"),
            },
            (Some(offer), None) => format!("TRL {offer}"),
            _ => lang.pick("Chưa nêu mức sẵn sàng (TRL)", "Readiness (TRL) not given").to_owned(),
        },
        "price" => {
            let price = detail["offer_price_vnd"].as_i64();
            let (min, max) = (detail["need_budget_min_vnd"].as_i64(), detail["need_budget_max_vnd"].as_i64());
            let budget = match (min, max) {
                (Some(min), Some(max)) => Some(format!("{} – {}", labels.amount(min), labels.amount(max))),
                (None, Some(max)) => Some(format!("{} {}", lang.pick("đến", "up to"), labels.amount(max))),
                _ => None,
            };
            match (price, budget, detail["negotiable"].as_bool().unwrap_or(false)) {
                (_, _, true) => lang.pick("Giá thỏa thuận", "Price negotiable").to_owned(),
                (Some(price), Some(budget), false) => {
                    let within = max.is_none_or(|max| price <= max) && min.is_none_or(|min| price >= min / 2);
                    match (lang, within) {
                        (Lang::Vi, true) => format!("{} nằm trong ngân sách {budget}", labels.amount(price)),
                        (Lang::Vi, false) => format!("{} so với ngân sách {budget}", labels.amount(price)),
                        (Lang::En, true) => format!("{} within the {budget} budget", labels.amount(price)),
                        (Lang::En, false) => format!("{} against the {budget} budget", labels.amount(price)),
                    }
                }
                (Some(price), None, false) => format!("{} {}", lang.pick("Giá", "Price"), labels.amount(price)),
                _ => lang.pick("Chưa nêu giá hoặc ngân sách", "No price or budget given").to_owned(),
            }
        }
        "transfer_mode" => {
            let common = strings("common");
            if common.is_empty() {
                lang.pick("Không có phương thức chuyển giao chung", "No transfer mode in common").to_owned()
            } else {
                format!(
                    "{}: {}",
                    lang.pick("Cùng phương thức", "Modes in common"),
                    current(Scheme::TransferMode, common)
                )
            }
        }
        "province" => {
            let (offer, need) = (detail["offer"].as_str().unwrap_or(""), detail["need"].as_str().unwrap_or(""));
            if offer == need {
                format!("{}: {}", lang.pick("Cùng tỉnh", "Same province"), labels.province(offer))
            } else {
                format!("{} – {}", labels.province(offer), labels.province(need))
            }
        }
        "strategic_tag" => {
            let common = strings("common");
            if common.is_empty() {
                lang.pick("Không có công nghệ chiến lược chung", "No strategic technology in common").to_owned()
            } else {
                format!(
                    "{}: {}",
                    lang.pick("Cùng công nghệ chiến lược", "Strategic technologies in common"),
                    current(Scheme::StrategicTechnology, common)
                )
            }
        }
        other => format!("{other}: {:.2}", part.value),
    }
}

pub struct MatchRow {
    pub id: String,
    pub state: String,
    pub state_label: String,
    pub offer_title: String,
    pub need_title: String,
    pub score: String,
}

#[derive(Template)]
#[template(path = "matching/list.html")]
struct ListPage<'a> {
    frame: Frame<'a>,
    rows: Vec<MatchRow>,
    states: Vec<(String, String)>,
    state: String,
    listing: String,
    total: i64,
    reasons: Vec<(String, i64)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    listing: String,
}

/// `/matches`: the matches of my organizations (or of one listing), by state.
async fn list(
    state: web::Data<AppState>,
    signed: SignedIn,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let lang = signed.visitor.lang;
    let page = matches_page(
        &state,
        signed.principal.clone(),
        MatchListParams {
            listing_id: Some(query.listing.clone()).filter(|l| !l.is_empty()),
            province: None,
            state: Some(query.state.clone()).filter(|s| !s.is_empty()),
            page: Some(1),
            per_page: Some(100),
        },
    )
    .await?;
    let rows = page
        .items
        .iter()
        .map(|m| MatchRow {
            id: m.id.clone(),
            state: m.state.clone(),
            state_label: code(&m.state, lang),
            offer_title: listing_title(&m.offer, lang),
            need_title: listing_title(&m.need, lang),
            score: format!("{:.0}%", m.score * 100.0),
        })
        .collect();
    let states = super::lifecycle::MatchState::CODES.iter().map(|c| ((*c).to_owned(), code(c, lang))).collect();
    let reasons = page.decline_reasons.iter().map(|r| (decline_label(&r.reason, lang), r.count)).collect();
    render(&ListPage {
        frame: Frame::new(&signed.visitor, signed.visitor.t("Kết nối", "Matches"), Section::Matches),
        rows,
        states,
        state: query.state,
        listing: query.listing,
        total: page.total,
        reasons,
    })
}

pub fn decline_label(reason: &str, lang: Lang) -> String {
    let (vi, en) = match reason {
        "field_not_relevant" => ("Không đúng lĩnh vực", "Not relevant"),
        "trl_too_low" => ("Công nghệ chưa đủ chín (TRL thấp)", "TRL too low"),
        "price_or_budget" => ("Giá hoặc ngân sách không phù hợp", "Price or budget"),
        "transfer_mode" => ("Phương thức chuyển giao không phù hợp", "Transfer mode"),
        "location" => ("Địa điểm", "Location"),
        "already_solved" => ("Đã giải quyết được", "Already solved"),
        "timing" => ("Thời điểm chưa phù hợp", "Timing"),
        "other" => ("Lý do khác", "Other"),
        other => return other.to_owned(),
    };
    lang.pick(vi, en).to_owned()
}

/// A side's listing title, or who asked when the side has no listing (an interest request).
fn listing_title(listing: &super::views::MatchedListing, lang: Lang) -> String {
    listing.title_vi.clone().unwrap_or_else(|| match lang {
        Lang::Vi => format!("{} (không có tin đăng)", listing.organization_name),
        Lang::En => format!("{} (no listing)", listing.organization_name),
    })
}

pub struct Side {
    /// None for an organization that asked without a listing of its own.
    pub id: Option<String>,
    pub title: String,
    pub org_id: String,
    pub org_name: String,
    pub province: String,
    pub answer: String,
}

#[derive(Template)]
#[template(path = "matching/detail.html")]
struct DetailPage<'a> {
    frame: Frame<'a>,
    view: MatchView,
    state_label: String,
    offer: Side,
    need: Side,
    sentences: Vec<String>,
    reasons: Vec<(String, String)>,
    /// The caller speaks for a side that has not answered yet.
    may_answer: bool,
    may_record_deal: bool,
    /// Trying the technology out, or stopping, while the two sides are connected.
    may_pilot: bool,
    may_stop: bool,
    stop_reasons: Vec<(String, String)>,
    deal: Option<crate::outcomes::routes::DealView>,
    /// The caller speaks for the side that did not record the deal, not yet confirmed.
    may_confirm: bool,
    /// The deal form: its lists and what was typed.
    deal_form: crate::outcomes::deal_form::DealFormView,
    /// The caller speaks for a side of a deal (and may say whether its value is published).
    may_consent: bool,
    /// That side lets the value be published now.
    consents: bool,
    may_close: bool,
    errors: FieldErrors,
}

fn stop_label(code: &str, lang: Lang) -> String {
    let (vi, en) = match code {
        "no_budget" => ("Không có kinh phí", "No budget"),
        "technology_unfit" => ("Công nghệ không phù hợp", "The technology does not fit"),
        "partner_unresponsive" => ("Bên kia không phản hồi", "The other side does not answer"),
        "found_elsewhere" => ("Đã tìm được nơi khác", "Found elsewhere"),
        _ => ("Lý do khác", "Another reason"),
    };
    lang.pick(vi, en).to_owned()
}

fn side(listing: &super::views::MatchedListing, answer: &super::views::SideAnswer, labels: &Labels<'_>) -> Side {
    Side {
        id: listing.id.clone(),
        title: listing_title(listing, labels.lang),
        org_id: listing.organization_id.clone(),
        org_name: listing.organization_name.clone(),
        province: labels.province(&listing.province),
        answer: answer
            .response
            .as_deref()
            .map(|r| labels.code(r))
            .unwrap_or_else(|| labels.lang.pick("Chưa trả lời", "No answer yet").to_owned()),
    }
}

async fn detail_page(
    state: &web::Data<AppState>,
    signed: &SignedIn,
    id: String,
    errors: FieldErrors,
    flash: Option<String>,
) -> Result<HttpResponse, AppError> {
    detail_page_typed(state, signed, id, errors, flash, DealForm::default()).await
}

async fn detail_page_typed(
    state: &web::Data<AppState>,
    signed: &SignedIn,
    id: String,
    errors: FieldErrors,
    flash: Option<String>,
    typed: DealForm,
) -> Result<HttpResponse, AppError> {
    // Reading the contacts is logged by `match_view`.
    let view = match_view(state, signed.principal.clone(), id).await?;
    let lang = signed.visitor.lang;
    let labels = labels(state, lang).await?;
    let titles: Vec<&str> =
        [&view.need.title_vi, &view.offer.title_vi].into_iter().flatten().map(String::as_str).collect();
    let sentences = view.score_parts.iter().map(|p| sentence(p, &labels, &titles)).collect();
    let open = matches!(view.state.as_str(), "suggested" | "requested");
    let answered_all = view.your_sides.iter().all(|s| match s {
        super::lifecycle::Side::Offer => view.offer_answer.response.is_some(),
        super::lifecycle::Side::Need => view.need_answer.response.is_some(),
    });
    let participant = !view.your_sides.is_empty();
    let deal = crate::outcomes::routes::deal_of(state, view.id.clone()).await?;
    let may_confirm = deal.as_ref().is_some_and(|d| {
        d.status == "recorded" && view.your_sides.iter().any(|s| Some(s.as_str()) != d.recorded_side.as_deref())
    });
    let under_way = matches!(view.state.as_str(), "connected" | "piloting");
    let my_side = view.your_sides.first().map(|s| s.as_str());
    let consents = deal.as_ref().is_some_and(|d| match my_side {
        Some("offer") => d.offer_publishes_value == Some(true),
        Some("need") => d.need_publishes_value == Some(true),
        _ => false,
    });
    render(&DetailPage {
        frame: Frame::new(&signed.visitor, signed.visitor.t("Kết nối", "Match"), Section::Matches).with_flash(flash),
        state_label: code(&view.state, lang),
        offer: side(&view.offer, &view.offer_answer, &labels),
        need: side(&view.need, &view.need_answer, &labels),
        sentences,
        reasons: DeclineReason::CODES.iter().map(|c| ((*c).to_owned(), decline_label(c, lang))).collect(),
        may_answer: participant && open && !answered_all,
        may_record_deal: participant && under_way,
        may_pilot: participant && view.state == "connected",
        may_stop: participant && under_way,
        stop_reasons: StopReason::CODES.iter().map(|c| ((*c).to_owned(), stop_label(c, lang))).collect(),
        may_consent: deal.is_some() && participant && !may_confirm,
        consents,
        deal,
        may_confirm,
        deal_form: crate::outcomes::deal_form::DealFormView::new(&state.taxonomy, &labels, typed),
        may_close: participant && matches!(view.state.as_str(), "suggested" | "requested" | "connected" | "piloting"),
        errors,
        view,
    })
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn detail(
    state: web::Data<AppState>,
    signed: SignedIn,
    id: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = signed.visitor.lang;
    let flash = match query.done.as_deref() {
        Some("answered") => Some(lang.pick("Đã ghi nhận câu trả lời.", "Your answer is recorded.")),
        Some("deal") => Some(lang.pick("Đã ghi nhận giao dịch.", "The deal is recorded.")),
        Some("closed") => Some(lang.pick("Đã đóng kết nối.", "The match is closed.")),
        Some("confirmed") => Some(lang.pick("Đã xác nhận giao dịch.", "The deal is confirmed.")),
        Some("consent") => {
            Some(lang.pick("Đã lưu lựa chọn công bố giá trị.", "Your choice about publishing the value is saved."))
        }
        Some("piloting") => Some(lang.pick("Đã ghi nhận: đang thử nghiệm.", "Recorded: a trial is under way.")),
        Some("stopped") => Some(lang.pick("Đã ghi nhận: kết nối dừng lại.", "Recorded: the match is stopped.")),
        _ => None,
    }
    .map(str::to_owned);
    detail_page(&state, &signed, id.into_inner(), FieldErrors::default(), flash).await
}

#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    response: String,
    #[serde(default)]
    reason_code: String,
    #[serde(default)]
    reason_text: String,
    #[serde(default)]
    version: String,
}

async fn answer(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(form): PageForm<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let request = ResponseRequest {
        response: Some(form.response.clone()),
        reason_code: Some(form.reason_code.clone()).filter(|r| !r.is_empty()),
        reason_text: Some(form.reason_text.clone()).filter(|r| !r.trim().is_empty()),
        side: None,
        version: form.version.trim().parse().ok(),
    };
    match respond_to_match(&state, signed.principal.clone(), ip, id.clone(), request).await {
        Ok(_) => Ok(see_other(&format!("/matches/{id}?done=answered"))),
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            detail_page(&state, &signed, id, errors, None).await
        }
        Err(other) => Err(other),
    }
}

async fn deal(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(form): PageForm<DealForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let result = match form.request() {
        Ok(request) => record_deal(&state, signed.principal.clone(), ip, id.clone(), request).await,
        Err(error) => Err(error),
    };
    match result.map_err(crate::outcomes::deal_form::on_page_fields) {
        Ok(_) => Ok(see_other(&format!("/matches/{id}?done=deal"))),
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            detail_page_typed(&state, &signed, id, errors, None, form).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    version: String,
}

async fn close(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(form): PageForm<CloseForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let request = CloseRequest {
        reason: Some(form.reason.clone()).filter(|r| !r.trim().is_empty()),
        version: form.version.trim().parse().ok(),
    };
    match close_match(&state, signed.principal.clone(), ip, id.clone(), request).await {
        Ok(_) => Ok(see_other(&format!("/matches/{id}?done=closed"))),
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            detail_page(&state, &signed, id, errors, None).await
        }
        Err(other) => Err(other),
    }
}

/// What a page action ends in: back to the match with a note, or the form with its errors.
async fn after<T>(
    state: &web::Data<AppState>,
    signed: &SignedIn,
    id: String,
    done: &str,
    result: Result<T, AppError>,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(_) => Ok(see_other(&format!("/matches/{id}?done={done}"))),
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            detail_page(state, signed, id, errors, None).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    publish_value: Option<String>,
}

async fn confirm_deal(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(form): PageForm<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let request =
        crate::outcomes::routes::ConfirmRequest { publish_value: Some(form.publish_value.is_some()), side: None };
    let result = crate::outcomes::routes::confirm(&state, signed.principal.clone(), ip, id.clone(), request).await;
    after(&state, &signed, id, "confirmed", result).await
}

async fn consent(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(form): PageForm<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let request =
        crate::outcomes::routes::ConsentRequest { publish_value: Some(form.publish_value.is_some()), side: None };
    let result = crate::outcomes::routes::give_consent(&state, signed.principal.clone(), ip, id.clone(), request).await;
    after(&state, &signed, id, "consent", result).await
}

#[derive(Debug, Default, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    reason_code: String,
    #[serde(default)]
    reason_text: String,
    #[serde(default)]
    version: String,
}

impl MoveForm {
    fn request(&self) -> crate::outcomes::routes::MoveRequest {
        crate::outcomes::routes::MoveRequest {
            reason_code: Some(self.reason_code.clone()).filter(|r| !r.is_empty()),
            reason_text: Some(self.reason_text.clone()).filter(|r| !r.trim().is_empty()),
            version: self.version.trim().parse().ok(),
        }
    }
}

async fn piloting(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(form): PageForm<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let result = crate::outcomes::routes::move_match(
        &state,
        signed.principal.clone(),
        ip,
        id.clone(),
        Action::Pilot,
        form.request(),
    )
    .await;
    after(&state, &signed, id, "piloting", result).await
}

async fn stop(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(form): PageForm<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let result = crate::outcomes::routes::move_match(
        &state,
        signed.principal.clone(),
        ip,
        id.clone(),
        Action::Stop,
        form.request(),
    )
    .await;
    after(&state, &signed, id, "stopped", result).await
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::taxonomy::Taxonomy;

    fn part(name: &str, detail: serde_json::Value) -> ScorePart {
        ScorePart { name: name.into(), role: Default::default(), value: 1.0, weight: 0.1, contribution: 0.1, detail }
    }

    #[test]
    fn score_parts_read_as_sentences() {
        let taxonomy = Taxonomy::default();
        let provinces =
            HashMap::from([("92".to_owned(), "Cần Thơ".to_owned()), ("48".to_owned(), "Đà Nẵng".to_owned())]);
        let vi = Labels::new(Lang::Vi, provinces.clone(), &taxonomy);
        let en = Labels::new(Lang::En, provinces, &taxonomy);
        let trl = part("trl", serde_json::json!({ "offer_trl": 8, "need_min_trl": 7 }));
        assert_eq!(sentence(&trl, &en, &[]), "TRL 8, at least 7 asked");
        assert_eq!(sentence(&trl, &vi, &[]), "TRL 8, yêu cầu tối thiểu 7");
        let price = part(
            "price",
            serde_json::json!({ "offer_price_vnd": 850_000_000, "negotiable": false, "need_budget_min_vnd": 700_000_000, "need_budget_max_vnd": 1_500_000_000 }),
        );
        assert_eq!(sentence(&price, &vi, &[]), "850 triệu nằm trong ngân sách 700 triệu – 1,5 tỷ");
        assert_eq!(sentence(&price, &en, &[]), "VND 850 million within the VND 700 million – VND 1.5 billion budget");
        let place = part("province", serde_json::json!({ "offer": "48", "need": "92" }));
        assert_eq!(sentence(&place, &vi, &[]), "Đà Nẵng – Cần Thơ");
        let topic = part(
            "topic",
            serde_json::json!({ "need_coverage": 0.8, "shared_terms": ["nuoc thai", "~pig", "chan nuoi", "vi sinh"] }),
        );
        let titles = ["Cần công nghệ xử lý Nước thải chăn nuôi", "Xử lý nước thải bằng vi sinh"];
        assert_eq!(
            sentence(&topic, &vi, &titles),
            "Đáp ứng 80% điều nhu cầu nêu; cùng nói về: nước thải, chăn nuôi, vi sinh"
        );
        assert_eq!(
            sentence(&topic, &en, &[]),
            "Covers 80% of what the need asks; both speak of: nuoc thai, chan nuoi, vi sinh"
        );
    }
}
