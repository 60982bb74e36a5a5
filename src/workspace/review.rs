//! An item of the review queue, as the officer decides on it: every field (with a box for
//! a comment beside each), what changed since the last approved version, its history, and
//! the decision carrying the version the officer saw. When another officer decided first,
//! the page says who decided what and when; nothing is overwritten.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{Part, Workspace, open};
use crate::app::AppState;
use crate::audit::{self, AuditRecord};
use crate::error::AppError;
use crate::http::ClientIp;
use crate::i18n::Lang;
use crate::review::snapshot::ChangesView;
use crate::review::{DecisionRequest, ReviewQueues};
use crate::templates::filters;
use crate::web::labels::{Labels, code};
use crate::web::layout::Section;
use crate::web::page::labels;
use crate::web::{FieldErrors, Frame, PageForm, SignedIn, StaffSignedIn, render, see_other};

/// One field of the item: its name, its value as shown, and whether an officer may
/// comment on it.
pub struct FieldRow {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub commentable: bool,
    /// The comment typed for it (kept when the form comes back with errors).
    pub comment: String,
    /// The province's comment of its last request for changes.
    pub earlier_comment: Option<String>,
}

pub struct ChangeRow {
    pub label: String,
    pub before: String,
    pub after: String,
}

pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub states: String,
    pub reason: Option<String>,
}

/// Who decided what and when, when another officer was first.
pub struct Decided {
    pub sentence: String,
}

#[derive(Template)]
#[template(path = "workspace/item.html")]
struct ItemPage<'a> {
    frame: Frame<'a>,
    ws: Workspace,
    /// `orgs` or `listings`, for the addresses.
    path: &'static str,
    id: String,
    title: String,
    kind_label: String,
    state: String,
    state_label: String,
    version: i32,
    public_href: String,
    fields: Vec<FieldRow>,
    changes: Vec<ChangeRow>,
    reviewed_version: Option<i32>,
    /// "approved" / "sent back for changes", with when.
    reviewed: Option<String>,
    history: Vec<HistoryRow>,
    /// (code, label) of the decisions possible from the current state.
    actions: Vec<(String, String)>,
    action: String,
    reason: String,
    decided: Option<Decided>,
    errors: FieldErrors,
}

/// The form of a decision as typed: `action`, `reason`, `version` and `comment.<field>`.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct DecisionForm(Vec<(String, String)>);

impl DecisionForm {
    fn get(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    fn comments(&self) -> BTreeMap<String, String> {
        self.0
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("comment.").map(|field| (field.to_owned(), v.clone())))
            .filter(|(_, v)| !v.trim().is_empty())
            .collect()
    }

    fn request(&self) -> DecisionRequest {
        let comments = self.comments();
        DecisionRequest {
            action: Some(self.get("action")).filter(|a| !a.is_empty()),
            reason: Some(self.get("reason")).filter(|r| !r.trim().is_empty()),
            version: self.get("version").trim().parse().ok(),
            field_comments: (!comments.is_empty()).then_some(comments),
        }
    }
}

/// What the form showed when it comes back: the chosen action, the reason, the comments.
#[derive(Default)]
struct Typed {
    action: String,
    reason: String,
    comments: BTreeMap<String, String>,
}

fn history_rows(records: Vec<(AuditRecord, Option<String>)>, lang: Lang) -> Vec<HistoryRow> {
    records
        .into_iter()
        .rev()
        .map(|(record, name)| HistoryRow {
            at: crate::web::display::moment(record.created_at, lang),
            actor: name.unwrap_or_else(|| lang.pick("Hệ thống", "The system").to_owned()),
            action: code(&record.action, lang),
            states: match (&record.from_state, &record.to_state) {
                (Some(from), Some(to)) if from != to => format!("{} → {}", code(from, lang), code(to, lang)),
                _ => String::new(),
            },
            reason: record.reason,
        })
        .collect()
}

/// "approved at …" / "sent back for changes at …": the decision the changes are counted from.
fn reviewed_sentence(changes: &ChangesView, labels: &Labels<'_>, lang: Lang) -> Option<String> {
    let at = labels.moment(&changes.reviewed_at?);
    Some(match (changes.reviewed_decision.as_deref(), lang) {
        (Some("request_changes"), Lang::Vi) => format!("yêu cầu chỉnh sửa lúc {at}"),
        (Some("request_changes"), Lang::En) => format!("sent back for changes at {at}"),
        (_, Lang::Vi) => format!("duyệt lúc {at}"),
        (_, Lang::En) => format!("approved at {at}"),
    })
}

/// The latest decision of the history, as a sentence: "Nguyễn An approved it at …".
fn last_decision(records: &[(AuditRecord, Option<String>)], decisions: &[&str], lang: Lang) -> Option<Decided> {
    records.iter().rev().find(|(r, _)| decisions.contains(&r.action.as_str())).map(|(record, name)| {
        let who = name.clone().unwrap_or_else(|| lang.pick("Một cán bộ khác", "Another officer").to_owned());
        let when = crate::web::display::moment(record.created_at, lang);
        let what = code(&record.action, lang).to_lowercase();
        Decided {
            sentence: match lang {
                Lang::Vi => format!("{who} đã {what} lúc {when}; quyết định đó được giữ nguyên."),
                Lang::En => format!("{who} decided first: {what}, at {when}. That decision stands."),
            },
        }
    })
}

/// The per-field comments of the last request for changes, shown beside the fields the
/// owner was asked to correct (the item itself drops them once it is sent again).
fn earlier_comments(history: &[(AuditRecord, Option<String>)]) -> BTreeMap<String, String> {
    history
        .iter()
        .rev()
        .find(|(record, _)| record.action == "request_changes")
        .and_then(|(record, _)| record.details.as_deref())
        .and_then(|details| serde_json::from_str::<serde_json::Value>(details).ok())
        .and_then(|details| details.get("field_comments").and_then(|c| c.as_object()).cloned())
        .map(|comments| {
            comments.into_iter().map(|(field, text)| (field, text.as_str().unwrap_or_default().to_owned())).collect()
        })
        .unwrap_or_default()
}

fn change_rows(changes: &ChangesView, label_of: impl Fn(&str) -> String) -> Vec<ChangeRow> {
    changes
        .changes
        .iter()
        .map(|change| ChangeRow {
            label: label_of(&change.field),
            before: change.before.clone().unwrap_or_default(),
            after: change.after.clone().unwrap_or_default(),
        })
        .collect()
}

fn joined(values: Vec<String>) -> String {
    values.into_iter().filter(|v| !v.is_empty()).collect::<Vec<_>>().join("; ")
}

// --- organizations -------------------------------------------------------------------

/// The organization's fields as the officer reads them, named in the page's language.
pub(super) const ORG_FIELDS: &[(&str, &str, &str)] = &[
    ("kind", "Loại tổ chức", "Kind"),
    ("intermediary_type", "Loại hình trung gian", "Intermediary type"),
    ("legal_name", "Tên pháp lý", "Legal name"),
    ("name_en", "Tên tiếng Anh", "English name"),
    ("short_name", "Tên viết tắt", "Short name"),
    ("tax_code", "Mã số thuế", "Tax code"),
    ("province", "Tỉnh, thành", "Province"),
    ("address", "Địa chỉ", "Address"),
    ("website", "Trang web", "Website"),
    ("year_founded", "Năm thành lập", "Year founded"),
    ("size_band", "Quy mô", "Size"),
    ("st_fields", "Lĩnh vực KH&CN", "S&T fields"),
    ("strategic_tags", "Công nghệ chiến lược", "Strategic technologies"),
    ("description_vi", "Giới thiệu", "Description"),
    ("description_en", "Giới thiệu (tiếng Anh)", "Description (English)"),
    ("host_institution", "Đơn vị chủ quản", "Host institution"),
    ("certificate", "Giấy chứng nhận DN KH&CN", "S&T enterprise certificate"),
    ("contact", "Người liên hệ", "Contact person"),
];

fn org_label(field: &str, lang: Lang) -> String {
    let field = match field {
        f if f.starts_with("certificate") => "certificate",
        f if f.starts_with("contact") => "contact",
        f => f,
    };
    ORG_FIELDS
        .iter()
        .find(|(name, ..)| *name == field)
        .map(|(_, vi, en)| lang.pick(vi, en).to_owned())
        .unwrap_or_else(|| field.to_owned())
}

fn org_fields(
    view: &crate::registry::views::OrganizationView,
    labels: &Labels<'_>,
    typed: &Typed,
    earlier: &BTreeMap<String, String>,
) -> Vec<FieldRow> {
    let private = view.private.as_ref();
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    ORG_FIELDS
        .iter()
        .map(|(name, vi, en)| {
            let value = match *name {
                "kind" => labels.code(&view.kind),
                "intermediary_type" => view.intermediary_type.as_deref().map(|t| labels.code(t)).unwrap_or_default(),
                "legal_name" => view.legal_name.clone(),
                "name_en" => text(&view.name_en),
                "short_name" => text(&view.short_name),
                "tax_code" => text(&view.tax_code),
                "province" => labels.province(&view.province),
                "address" => text(&view.address),
                "website" => text(&view.website),
                "year_founded" => view.year_founded.map(|y| y.to_string()).unwrap_or_default(),
                "size_band" => view.size_band.as_deref().map(|s| labels.code(s)).unwrap_or_default(),
                "st_fields" => {
                    joined(view.st_fields.iter().map(|f| format!("{} {}", f.code, labels.field(f))).collect())
                }
                "strategic_tags" => joined(view.strategic_tags.iter().map(|t| labels.tag(t)).collect()),
                "description_vi" => text(&view.description_vi),
                "description_en" => text(&view.description_en),
                "host_institution" => text(&view.host_institution),
                "certificate" => joined(vec![
                    text(&view.certificate_number),
                    view.certificate_date.map(|d| labels.date(&d)).unwrap_or_default(),
                    text(&view.certificate_issuer),
                ]),
                "contact" => private
                    .map(|p| joined(vec![text(&p.contact_name), text(&p.contact_email), text(&p.contact_phone)]))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            FieldRow {
                name,
                label: labels.lang.pick(vi, en),
                value,
                commentable: true,
                comment: typed.comments.get(*name).cloned().unwrap_or_default(),
                earlier_comment: earlier.get(*name).cloned(),
            }
        })
        .collect()
}

/// What the officer's last post left on the page: the typed form, its errors, and whether
/// someone else had decided first.
#[derive(Default)]
struct Answer {
    typed: Typed,
    errors: FieldErrors,
    conflict: bool,
}

async fn organization_page(
    state: &web::Data<AppState>,
    queues: &web::Data<ReviewQueues>,
    signed: &SignedIn,
    code_path: String,
    id: String,
    answer: Answer,
) -> Result<HttpResponse, AppError> {
    let Answer { typed, errors, conflict } = answer;
    let ws = open(state, queues, signed, &code_path, Part::Item).await?;
    let principal = signed.principal.clone();
    let tenant = ws.code.clone();
    let lookup = id.clone();
    let (changes, history) = state
        .db
        .run(move |conn| {
            let (record, access) = crate::registry::service::load(conn, Some(&principal), &lookup)?;
            if record.row.tenant_id != tenant || !access.may_read_history() {
                return Err(AppError::NotFound);
            }
            let changes = crate::registry::service::changes_since_review(conn, &record)?;
            let history = audit::history_with_names(conn, crate::registry::service::ENTITY, &lookup)?;
            Ok((changes, history))
        })
        .await?;
    // Reading the contact person's details from outside the organization is logged here.
    let view = crate::registry::routes::organizations::organization_view(
        state,
        crate::auth::MaybePrincipal(Some(signed.principal.clone())),
        id.clone(),
    )
    .await?;
    let lang = signed.visitor.lang;
    let labels = labels(state, lang).await?;
    let status = crate::registry::lifecycle::OrgStatus::parse(&view.status);
    let actions = crate::registry::lifecycle::OrgAction::DECISIONS
        .iter()
        .filter(|action| {
            ws.may_decide && status.is_some_and(|s| crate::registry::lifecycle::transition(s, **action).is_some())
        })
        .map(|action| (action.as_str().to_owned(), code(action.as_str(), lang)))
        .collect();
    let decided = conflict
        .then(|| {
            last_decision(
                &history,
                crate::registry::lifecycle::OrgAction::DECISIONS.map(|a| a.as_str()).as_slice(),
                lang,
            )
        })
        .flatten();
    let fields = org_fields(&view, &labels, &typed, &earlier_comments(&history));
    render(&ItemPage {
        frame: Frame::new(&signed.visitor, view.legal_name.clone(), Section::Review),
        path: "orgs",
        title: view.legal_name.clone(),
        kind_label: labels.code(&view.kind),
        state_label: labels.code(&view.status),
        state: view.status.clone(),
        version: view.private.as_ref().map_or(0, |p| p.version),
        public_href: format!("/orgs/{id}"),
        fields,
        changes: change_rows(&changes, |f| org_label(f, lang)),
        reviewed_version: changes.reviewed_version,
        reviewed: reviewed_sentence(&changes, &labels, lang),
        history: history_rows(history, lang),
        actions,
        action: typed.action,
        reason: typed.reason,
        decided,
        errors,
        id,
        ws,
    })
}

pub async fn organization(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (code_path, id) = path.into_inner();
    organization_page(&state, &queues, &signed, code_path, id, Answer::default()).await
}

pub async fn decide_organization(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    path: web::Path<(String, String)>,
    PageForm(form): PageForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let (code_path, id) = path.into_inner();
    // Only this province's officers reach the decision.
    open(&state, &queues, &signed, &code_path, Part::Item).await?;
    let request = form.request();
    let result =
        crate::registry::routes::review::decide_organization(&state, signed.principal.clone(), ip, id.clone(), request)
            .await;
    handle_decision(result.map(|_| ()), &signed, &code_path, form, |answer| {
        organization_page(&state, &queues, &signed, code_path.clone(), id.clone(), answer)
    })
    .await
}

/// After a decision: back to the queue, or the item again with the errors beside their
/// fields, or (409) with who decided first.
async fn handle_decision<F, Fut>(
    result: Result<(), AppError>,
    signed: &SignedIn,
    code_path: &str,
    form: DecisionForm,
    page: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(Answer) -> Fut,
    Fut: std::future::Future<Output = Result<HttpResponse, AppError>>,
{
    let typed = Typed { action: form.get("action"), reason: form.get("reason"), comments: form.comments() };
    match result {
        Ok(()) => Ok(see_other(&format!("/province/{code_path}?done=decided"))),
        Err(error @ AppError::Validation(_)) => {
            let mut errors = FieldErrors::from_error(&error, signed.visitor.lang);
            // Comments are named `field_comments.<field>` by the service and `comment.<field>` here.
            if let AppError::Validation(fields) = &error {
                for field in fields.iter().filter(|f| f.field.starts_with("field_comments.")) {
                    let mut renamed = field.clone();
                    renamed.field = format!("comment-{}", field.field.trim_start_matches("field_comments.")).into();
                    errors.add(&renamed, signed.visitor.lang);
                }
            }
            page(Answer { typed, errors, conflict: false }).await
        }
        Err(error @ AppError::Conflict { .. }) => {
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            page(Answer { typed: Typed::default(), errors, conflict: true }).await
        }
        Err(other) => Err(other),
    }
}

// --- listings ----------------------------------------------------------------------

const LISTING_FIELDS: &[(&str, &str, &str)] = &[
    ("kind", "Loại tin", "Kind"),
    ("title_vi", "Tiêu đề", "Title"),
    ("title_en", "Tiêu đề tiếng Anh", "English title"),
    ("summary", "Tóm tắt", "Summary"),
    ("description", "Mô tả", "Description"),
    ("keywords", "Từ khóa", "Keywords"),
    ("st_fields", "Lĩnh vực KH&CN", "S&T fields"),
    ("strategic_tags", "Công nghệ chiến lược", "Strategic technologies"),
    ("transfer_modes", "Phương thức chuyển giao", "Transfer modes"),
    ("vsic_section", "Ngành kinh tế (VSIC)", "Industry (VSIC)"),
    ("trl", "Mức sẵn sàng công nghệ (TRL)", "Technology readiness (TRL)"),
    ("price_vnd", "Giá", "Price"),
    ("price_negotiable", "Giá thỏa thuận", "Price negotiable"),
    ("budget_min_vnd", "Ngân sách từ", "Budget from"),
    ("budget_max_vnd", "Ngân sách đến", "Budget up to"),
    ("ip_status", "Tình trạng sở hữu trí tuệ", "IP status"),
    ("patent_number", "Số bằng", "Patent number"),
    ("location", "Nơi triển khai", "Location"),
    ("deadline", "Hạn cần có", "Needed by"),
    ("valid_until", "Hiệu lực đến", "Valid until"),
    ("confidential_details", "Thông tin bảo mật", "Confidential details"),
];

fn listing_label(field: &str, lang: Lang) -> String {
    let field = if field == "vsic" { "vsic_section" } else { field };
    LISTING_FIELDS
        .iter()
        .find(|(name, ..)| *name == field)
        .map(|(_, vi, en)| lang.pick(vi, en).to_owned())
        .unwrap_or_else(|| field.to_owned())
}

fn listing_fields(
    view: &crate::listings::views::ListingView,
    labels: &Labels<'_>,
    typed: &Typed,
    earlier: &BTreeMap<String, String>,
) -> Vec<FieldRow> {
    let private = view.private.as_ref();
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let money = |value: Option<i64>| value.map(|v| labels.amount(v)).unwrap_or_default();
    let yes_no =
        |flag: bool| labels.lang.pick(if flag { "Có" } else { "Không" }, if flag { "Yes" } else { "No" }).to_owned();
    LISTING_FIELDS
        .iter()
        .map(|(name, vi, en)| {
            let value = match *name {
                "kind" => labels.code(&view.kind),
                "title_vi" => view.title_vi.clone(),
                "title_en" => text(&view.title_en),
                "summary" => text(&view.summary),
                "description" => text(&view.description),
                "keywords" => view.keywords.join(", "),
                "st_fields" => {
                    joined(view.st_fields.iter().map(|f| format!("{} {}", f.code, labels.field(f))).collect())
                }
                "strategic_tags" => joined(view.strategic_tags.iter().map(|t| labels.tag(t)).collect()),
                "transfer_modes" => joined(view.transfer_modes.iter().map(|m| labels.mode(m)).collect()),
                "vsic_section" => view
                    .vsic
                    .as_ref()
                    .map(|v| {
                        format!(
                            "{}{} (VSIC {})",
                            v.section,
                            v.code.as_deref().map(|c| format!(" {c}")).unwrap_or_default(),
                            v.version
                        )
                    })
                    .unwrap_or_default(),
                "trl" => view.trl.map(|t| t.to_string()).unwrap_or_default(),
                "price_vnd" => money(view.price_vnd),
                "price_negotiable" => {
                    if view.kind == "offer" {
                        yes_no(view.price_negotiable)
                    } else {
                        String::new()
                    }
                }
                "budget_min_vnd" => money(view.budget_min_vnd),
                "budget_max_vnd" => money(view.budget_max_vnd),
                "ip_status" => view.ip_status.as_deref().map(|s| labels.code(s)).unwrap_or_default(),
                "patent_number" => text(&view.patent_number),
                "location" => labels.province(&view.location),
                "deadline" => view.deadline.map(|d| labels.date(&d)).unwrap_or_default(),
                "valid_until" => view.valid_until.map(|d| labels.date(&d)).unwrap_or_default(),
                "confidential_details" => private.and_then(|p| p.confidential_details.clone()).unwrap_or_default(),
                _ => String::new(),
            };
            FieldRow {
                name,
                label: labels.lang.pick(vi, en),
                value,
                commentable: crate::listings::routes::review::COMMENTABLE_FIELDS.contains(name),
                comment: typed.comments.get(*name).cloned().unwrap_or_default(),
                earlier_comment: earlier.get(*name).cloned(),
            }
        })
        .collect()
}

async fn listing_page(
    state: &web::Data<AppState>,
    queues: &web::Data<ReviewQueues>,
    signed: &SignedIn,
    code_path: String,
    id: String,
    answer: Answer,
) -> Result<HttpResponse, AppError> {
    let Answer { typed, errors, conflict } = answer;
    let ws = open(state, queues, signed, &code_path, Part::Item).await?;
    let principal = signed.principal.clone();
    let tenant = ws.code.clone();
    let lookup = id.clone();
    let (view, changes, history) = state
        .db
        .run(move |conn| {
            let (record, access) = crate::listings::service::load(conn, Some(&principal), &lookup)?;
            if record.row.tenant_id != tenant || !access.may_read_history() {
                return Err(AppError::NotFound);
            }
            let changes = crate::listings::service::changes_since_review(conn, &record)?;
            let history = audit::history_with_names(conn, crate::listings::service::ENTITY, &lookup)?;
            Ok((crate::listings::views::ListingView::private(&record, None), changes, history))
        })
        .await?;
    let lang = signed.visitor.lang;
    let labels = labels(state, lang).await?;
    use crate::listings::lifecycle::{ListingAction, ListingStatus, transition};
    let status = ListingStatus::parse(&view.status);
    let actions = ListingAction::DECISIONS
        .iter()
        .filter(|action| ws.may_decide && status.is_some_and(|s| transition(s, **action).is_some()))
        .map(|action| (action.as_str().to_owned(), code(action.as_str(), lang)))
        .collect();
    let decided = conflict
        .then(|| last_decision(&history, ListingAction::DECISIONS.map(|a| a.as_str()).as_slice(), lang))
        .flatten();
    let fields = listing_fields(&view, &labels, &typed, &earlier_comments(&history));
    render(&ItemPage {
        frame: Frame::new(&signed.visitor, view.title_vi.clone(), Section::Review),
        path: "listings",
        title: view.title_vi.clone(),
        kind_label: format!("{} · {}", labels.code(&view.kind), view.organization.legal_name),
        state_label: labels.code(&view.status),
        state: view.status.clone(),
        version: view.private.as_ref().map_or(0, |p| p.version),
        public_href: format!("/listings/{id}"),
        fields,
        changes: change_rows(&changes, |f| listing_label(f, lang)),
        reviewed_version: changes.reviewed_version,
        reviewed: reviewed_sentence(&changes, &labels, lang),
        history: history_rows(history, lang),
        actions,
        action: typed.action,
        reason: typed.reason,
        decided,
        errors,
        id,
        ws,
    })
}

pub async fn listing(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (code_path, id) = path.into_inner();
    listing_page(&state, &queues, &signed, code_path, id, Answer::default()).await
}

pub async fn decide_listing(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    path: web::Path<(String, String)>,
    PageForm(form): PageForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let (code_path, id) = path.into_inner();
    open(&state, &queues, &signed, &code_path, Part::Item).await?;
    let request = form.request();
    let result =
        crate::listings::routes::review::decide_listing(&state, signed.principal.clone(), ip, id.clone(), request)
            .await;
    handle_decision(result.map(|_| ()), &signed, &code_path, form, |answer| {
        listing_page(&state, &queues, &signed, code_path.clone(), id.clone(), answer)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_a_decision_with_its_comments() {
        let form = DecisionForm(vec![
            ("csrf".into(), "x".into()),
            ("action".into(), "request_changes".into()),
            ("reason".into(), "Mã số thuế sai".into()),
            ("version".into(), "3".into()),
            ("comment.tax_code".into(), "Kiểm tra lại chữ số cuối".into()),
            ("comment.legal_name".into(), "  ".into()),
        ]);
        let request = form.request();
        assert_eq!(request.action.as_deref(), Some("request_changes"));
        assert_eq!(request.version, Some(3));
        let comments = request.field_comments.unwrap();
        assert_eq!(comments.len(), 1, "blank comments are not sent");
        assert_eq!(comments["tax_code"], "Kiểm tra lại chữ số cuối");
    }

    #[test]
    fn a_form_without_a_decision_sends_none() {
        let request = DecisionForm(vec![("version".into(), "x".into())]).request();
        assert!(request.action.is_none() && request.version.is_none() && request.field_comments.is_none());
    }
}
