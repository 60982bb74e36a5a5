//! `/province/{code}/matches`: the matches that touch the province, by state, with the
//! reasons sides gave for declining; and a match proposed by hand (facilitation).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{Part, Workspace, open};
use crate::app::AppState;
use crate::error::AppError;
use crate::http::ClientIp;
use crate::matching::lifecycle::MatchState;
use crate::matching::pages::decline_label;
use crate::matching::routes::officers::{ProposalRequest, propose_match};
use crate::matching::routes::reading::{MatchListParams, matches_page};
use crate::review::ReviewQueues;
use crate::web::labels::code;
use crate::web::layout::Section;
use crate::web::page::query_string;
use crate::web::{FieldErrors, Frame, PageForm, SignedIn, StaffSignedIn, render, see_other};

pub struct Row {
    pub id: String,
    pub offer: String,
    pub need: String,
    pub provinces: String,
    pub state: String,
    pub state_label: String,
    pub origin: String,
    pub score: String,
}

#[derive(Template)]
#[template(path = "workspace/matches.html")]
struct MatchesPage<'a> {
    frame: Frame<'a>,
    ws: Workspace,
    rows: Vec<Row>,
    states: Vec<(String, String)>,
    state: String,
    total: i64,
    reasons: Vec<(String, i64)>,
    previous: Option<String>,
    next: Option<String>,
    offer_id: String,
    need_id: String,
    note: String,
    errors: FieldErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    done: String,
}

#[derive(Default)]
struct Typed {
    offer_id: String,
    need_id: String,
    note: String,
}

async fn page(
    state: &web::Data<AppState>,
    queues: &web::Data<ReviewQueues>,
    signed: &SignedIn,
    code_path: String,
    query: ListQuery,
    typed: Typed,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let ws = open(state, queues, signed, &code_path, Part::Matches).await?;
    let lang = signed.visitor.lang;
    let page_number = query.page.trim().parse::<u32>().unwrap_or(1).max(1);
    let chosen = MatchState::parse(&query.state).map(|s| s.as_str().to_owned());
    let listed = matches_page(
        state,
        signed.principal.clone(),
        MatchListParams {
            listing_id: None,
            province: Some(code_path.clone()),
            state: chosen.clone(),
            page: Some(page_number),
            per_page: Some(25),
        },
    )
    .await?;
    let labels = crate::web::page::labels(state, lang).await?;
    let title = |listing: &crate::matching::views::MatchedListing| {
        listing.title_vi.clone().unwrap_or_else(|| listing.organization_name.clone())
    };
    let rows = listed
        .items
        .iter()
        .map(|m| Row {
            id: m.id.clone(),
            offer: title(&m.offer),
            need: title(&m.need),
            provinces: format!("{} – {}", labels.province(&m.offer.province), labels.province(&m.need.province)),
            state_label: code(&m.state, lang),
            state: m.state.clone(),
            origin: match m.origin.as_str() {
                "facilitated" => lang.pick("Cán bộ đề xuất", "Proposed by an officer"),
                "interest" => lang.pick("Một bên quan tâm", "Asked by one side"),
                _ => lang.pick("Hệ thống gợi ý", "Suggested by the system"),
            }
            .to_owned(),
            score: format!("{:.0}%", m.score * 100.0),
        })
        .collect();
    let pages = u32::try_from((listed.total + 24) / 25).unwrap_or(1).max(1);
    let state_filter = chosen.clone().unwrap_or_default();
    let link = |n: u32| {
        format!("/province/{code_path}/matches?{}", query_string(&[("state", &state_filter), ("page", &n.to_string())]))
    };
    let flash = (query.done == "proposed").then(|| {
        lang.pick("Đã đề xuất kết nối; hai bên đã được báo.", "The match is proposed; both sides are told.").to_owned()
    });
    render(&MatchesPage {
        frame: Frame::new(&signed.visitor, lang.pick("Kết nối của tỉnh", "The province's matches"), Section::Review)
            .with_flash(flash),
        rows,
        states: MatchState::CODES.iter().map(|c| ((*c).to_owned(), code(c, lang))).collect(),
        state: state_filter.clone(),
        total: listed.total,
        reasons: listed.decline_reasons.iter().map(|r| (decline_label(&r.reason, lang), r.count)).collect(),
        previous: (page_number > 1).then(|| link(page_number - 1)),
        next: (page_number < pages).then(|| link(page_number + 1)),
        offer_id: typed.offer_id,
        need_id: typed.need_id,
        note: typed.note,
        errors,
        ws,
    })
}

pub async fn list(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    code_path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    page(&state, &queues, &signed, code_path.into_inner(), query.into_inner(), Typed::default(), FieldErrors::default())
        .await
}

#[derive(Debug, Default, Deserialize)]
pub struct ProposeForm {
    #[serde(default)]
    offer_id: String,
    #[serde(default)]
    need_id: String,
    #[serde(default)]
    note: String,
}

/// The listing id typed or pasted: an address of a listing page gives its last segment.
fn listing_id(raw: &str) -> Option<String> {
    let trimmed = raw.trim().trim_end_matches('/');
    let id = trimmed.rsplit('/').next().unwrap_or(trimmed).split(['?', '#']).next().unwrap_or_default();
    Some(id.to_owned()).filter(|id| !id.is_empty())
}

pub async fn propose(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    code_path: web::Path<String>,
    PageForm(form): PageForm<ProposeForm>,
) -> Result<HttpResponse, AppError> {
    let code_path = code_path.into_inner();
    let ws = open(&state, &queues, &signed, &code_path, Part::Matches).await?;
    if !ws.may_decide {
        return Err(AppError::NotFound);
    }
    let request = ProposalRequest {
        offer_id: listing_id(&form.offer_id),
        need_id: listing_id(&form.need_id),
        note: Some(form.note.clone()).filter(|n| !n.trim().is_empty()),
    };
    match propose_match(&state, signed.principal.clone(), ip, request).await {
        Ok(view) => Ok(see_other(&format!("/province/{code_path}/matches?done=proposed#match-{}", view.id))),
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. } | AppError::NotFound)) => {
            let errors = match error {
                // A listing that is not published, or in no province of this officer.
                AppError::NotFound => {
                    let mut errors = FieldErrors::default();
                    errors.add(
                        &crate::error::FieldError::invalid(
                            "offer_id",
                            crate::error::Text::new(
                                "Không tìm thấy hai tin đã đăng này, hoặc không tin nào thuộc tỉnh của bạn.",
                                "These two published listings were not found, or neither is in your province.",
                            ),
                        ),
                        signed.visitor.lang,
                    );
                    errors
                }
                other => FieldErrors::from_error(&other, signed.visitor.lang),
            };
            let typed = Typed { offer_id: form.offer_id, need_id: form.need_id, note: form.note };
            page(&state, &queues, &signed, code_path, ListQuery::default(), typed, errors).await
        }
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_address_gives_the_listing_id() {
        assert_eq!(listing_id(" 0193a5b2-77 ").as_deref(), Some("0193a5b2-77"));
        assert_eq!(listing_id("https://techbridge.vn/listings/0193a5b2-77?x=1").as_deref(), Some("0193a5b2-77"));
        assert_eq!(listing_id("/listings/abc/").as_deref(), Some("abc"));
        assert_eq!(listing_id("  "), None);
    }
}
