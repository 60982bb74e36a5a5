//! The tenant admin's pages: the province's moderators (granted and revoked by email), its
//! settings (automatic publication, which edits go back to review, how long listings stay
//! published) and its targets per indicator and year.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{Part, Workspace, open};
use crate::app::AppState;
use crate::auth::TenantRole;
use crate::error::AppError;
use crate::http::ClientIp;
use crate::reports::model::{Indicator, TargetProgress};
use crate::reports::routes::targets::{TargetRequest, remove_target, set_target_value};
use crate::review::ReviewQueues;
use crate::tenants::routes::settings::{
    TenantSettings, TenantSettingsChange, change_settings, settings as read_settings,
};
use crate::tenants::routes::staff::{RoleGrantRequest, grant as grant_role, revoke as revoke_role, staff_of};
use crate::tenants::rules::may_manage_role;
use crate::tenants::store::StaffMember;
use crate::web::labels::code;
use crate::web::layout::Section;
use crate::web::{FieldErrors, Frame, PageForm, SignedIn, StaffSignedIn, render, see_other};

/// The admin part of the workspace: 404 for the province's moderators too.
async fn open_admin(
    state: &AppState,
    queues: &web::Data<ReviewQueues>,
    signed: &SignedIn,
    code_path: &str,
    part: Part,
) -> Result<Workspace, AppError> {
    let ws = open(state, queues, signed, code_path, part).await?;
    if !ws.may_administer {
        return Err(AppError::NotFound);
    }
    Ok(ws)
}

fn flash(done: &str, lang: crate::i18n::Lang) -> Option<String> {
    let text = match done {
        "granted" => lang.pick("Đã cấp vai trò.", "The role is granted."),
        "revoked" => lang.pick("Đã thu hồi vai trò.", "The role is revoked."),
        "saved" => lang.pick("Đã lưu.", "Saved."),
        _ => return None,
    };
    Some(text.to_owned())
}

#[derive(Debug, Default, Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

// --- staff ---------------------------------------------------------------------------

pub struct StaffRow {
    pub member: StaffMember,
    pub role_label: String,
    pub granted: String,
    pub may_revoke: bool,
}

#[derive(Template)]
#[template(path = "workspace/staff.html")]
struct StaffPage<'a> {
    frame: Frame<'a>,
    ws: Workspace,
    rows: Vec<StaffRow>,
    /// (code, label) of the roles this admin may grant.
    roles: Vec<(String, String)>,
    email: String,
    role: String,
    errors: FieldErrors,
}

async fn staff_page(
    state: &web::Data<AppState>,
    queues: &web::Data<ReviewQueues>,
    signed: &SignedIn,
    code_path: String,
    typed: (String, String),
    errors: FieldErrors,
    flash: Option<String>,
) -> Result<HttpResponse, AppError> {
    let ws = open_admin(state, queues, signed, &code_path, Part::Staff).await?;
    let lang = signed.visitor.lang;
    let members = staff_of(state, &signed.principal, &code_path).await?;
    let rows = members
        .into_iter()
        .map(|member| {
            let role = TenantRole::parse(&member.role);
            StaffRow {
                role_label: code(&member.role, lang),
                granted: crate::web::display::moment(member.granted_at, lang),
                may_revoke: role.is_some_and(|r| may_manage_role(&signed.principal, &code_path, r)),
                member,
            }
        })
        .collect();
    let roles = [TenantRole::Moderator, TenantRole::TenantAdmin]
        .into_iter()
        .filter(|r| may_manage_role(&signed.principal, &code_path, *r))
        .map(|r| (r.as_str().to_owned(), code(r.as_str(), lang)))
        .collect();
    render(&StaffPage {
        frame: Frame::new(&signed.visitor, lang.pick("Cán bộ của tỉnh", "The province's staff"), Section::Review)
            .with_flash(flash),
        rows,
        roles,
        email: typed.0,
        role: typed.1,
        errors,
        ws,
    })
}

pub async fn staff(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    code_path: web::Path<String>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let flash = flash(&done.done, signed.visitor.lang);
    let typed = (String::new(), TenantRole::Moderator.as_str().to_owned());
    staff_page(&state, &queues, &signed, code_path.into_inner(), typed, FieldErrors::default(), flash).await
}

#[derive(Debug, Default, Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

pub async fn grant(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    code_path: web::Path<String>,
    PageForm(form): PageForm<GrantForm>,
) -> Result<HttpResponse, AppError> {
    let code_path = code_path.into_inner();
    open_admin(&state, &queues, &signed, &code_path, Part::Staff).await?;
    let request = RoleGrantRequest {
        email: Some(form.email.clone()).filter(|e| !e.trim().is_empty()),
        role: Some(form.role.clone()).filter(|r| !r.is_empty()),
    };
    match grant_role(&state, signed.principal.clone(), ip, &code_path, request).await {
        Ok(_) => Ok(see_other(&format!("/province/{code_path}/staff?done=granted"))),
        Err(error @ (AppError::Validation(_) | AppError::Forbidden(_))) => {
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            staff_page(&state, &queues, &signed, code_path, (form.email, form.role), errors, None).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    role: String,
}

pub async fn revoke(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    code_path: web::Path<String>,
    PageForm(form): PageForm<RevokeForm>,
) -> Result<HttpResponse, AppError> {
    let code_path = code_path.into_inner();
    open_admin(&state, &queues, &signed, &code_path, Part::Staff).await?;
    match revoke_role(&state, signed.principal.clone(), ip, &code_path, form.user_id, &form.role).await {
        Ok(()) => Ok(see_other(&format!("/province/{code_path}/staff?done=revoked"))),
        Err(error @ AppError::Forbidden(_)) => {
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            let typed = (String::new(), TenantRole::Moderator.as_str().to_owned());
            staff_page(&state, &queues, &signed, code_path, typed, errors, None).await
        }
        Err(other) => Err(other),
    }
}

// --- settings ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "workspace/settings.html")]
struct SettingsPage<'a> {
    frame: Frame<'a>,
    ws: Workspace,
    /// (code, label, ticked)
    fields: Vec<(String, String, bool)>,
    auto_publish: bool,
    validity_days: String,
    validity_hint: String,
    errors: FieldErrors,
}

/// The settings form as it is filled in: from the stored settings, or as typed.
struct SettingsTyped<'a> {
    ticked: &'a [String],
    auto_publish: bool,
    validity_days: String,
}

fn settings_page_of<'a>(
    signed: &'a SignedIn,
    ws: Workspace,
    settings: &TenantSettings,
    typed: SettingsTyped<'_>,
    errors: FieldErrors,
    flash: Option<String>,
) -> SettingsPage<'a> {
    let SettingsTyped { ticked, auto_publish, validity_days } = typed;
    let lang = signed.visitor.lang;
    SettingsPage {
        frame: Frame::new(&signed.visitor, lang.pick("Cài đặt của tỉnh", "The province's settings"), Section::Review)
            .with_flash(flash),
        // The fields the rule lets a province review again, named as the review names them.
        fields: super::review::ORG_FIELDS
            .iter()
            .filter(|(name, ..)| crate::registry::rules::REVIEWABLE_FIELDS.contains(name))
            .map(|(name, vi, en)| ((*name).to_owned(), lang.pick(vi, en).to_owned(), ticked.iter().any(|t| t == name)))
            .collect(),
        auto_publish,
        validity_days,
        validity_hint: match lang {
            crate::i18n::Lang::Vi => format!(
                "Từ 7 đến 1095 ngày; để trống là mặc định của nền tảng: {} ngày.",
                settings.default_listing_validity_days
            ),
            crate::i18n::Lang::En => {
                format!(
                    "7 to 1095 days; empty keeps the platform's default: {} days.",
                    settings.default_listing_validity_days
                )
            }
        },
        errors,
        ws,
    }
}

pub async fn settings(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    code_path: web::Path<String>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let code_path = code_path.into_inner();
    let ws = open_admin(&state, &queues, &signed, &code_path, Part::Settings).await?;
    let current = read_settings(&state, &signed.principal, &code_path).await?;
    let validity = current.listing_validity_days.map(|d| d.to_string()).unwrap_or_default();
    let flash = flash(&done.done, signed.visitor.lang);
    render(&settings_page_of(
        &signed,
        ws,
        &current,
        SettingsTyped {
            ticked: &current.org_review_fields,
            auto_publish: current.auto_publish_listings,
            validity_days: validity,
        },
        FieldErrors::default(),
        flash,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    org_review_fields: Vec<String>,
    #[serde(default)]
    auto_publish_listings: String,
    #[serde(default)]
    listing_validity_days: String,
}

pub async fn save_settings(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    code_path: web::Path<String>,
    PageForm(form): PageForm<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let code_path = code_path.into_inner();
    let ws = open_admin(&state, &queues, &signed, &code_path, Part::Settings).await?;
    let mut typed = Vec::new();
    let days = crate::web::form::number("listing_validity_days", &form.listing_validity_days, &mut typed);
    let auto_publish = form.auto_publish_listings == "on";
    let result = if typed.is_empty() {
        let change = TenantSettingsChange {
            org_review_fields: Some(form.org_review_fields.clone()),
            auto_publish_listings: Some(auto_publish),
            // An empty box goes back to the platform's default.
            listing_validity_days: Some(days.map_or(Ok(0), i32::try_from).unwrap_or(i32::MAX)),
        };
        change_settings(&state, signed.principal.clone(), ip, &code_path, change).await
    } else {
        Err(AppError::Validation(typed))
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/province/{code_path}/settings?done=saved"))),
        Err(error @ AppError::Validation(_)) => {
            let current = read_settings(&state, &signed.principal, &code_path).await?;
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            render(&settings_page_of(
                &signed,
                ws,
                &current,
                SettingsTyped {
                    ticked: &form.org_review_fields,
                    auto_publish,
                    validity_days: form.listing_validity_days,
                },
                errors,
                None,
            ))
        }
        Err(other) => Err(other),
    }
}

// --- targets -------------------------------------------------------------------------

pub struct TargetRow {
    pub indicator: String,
    pub label: String,
    pub actual: i64,
    pub value: String,
    pub year: String,
}

#[derive(Template)]
#[template(path = "workspace/targets.html")]
struct TargetsPage<'a> {
    frame: Frame<'a>,
    ws: Workspace,
    rows: Vec<TargetRow>,
    /// The indicator whose form came back with errors.
    failed: String,
    errors: FieldErrors,
}

/// What each indicator counts, as the targets page names it.
pub fn indicator_label(indicator: &str, lang: crate::i18n::Lang) -> String {
    let (vi, en) = match Indicator::parse(indicator) {
        Some(Indicator::StEnterprises) => ("Doanh nghiệp KH&CN", "S&T enterprises"),
        Some(Indicator::Startups) => ("Doanh nghiệp khởi nghiệp sáng tạo", "Innovative startups"),
        Some(Indicator::ResearchGroups) => ("Nhóm nghiên cứu", "Research groups"),
        Some(Indicator::Institutes) => ("Viện, trường", "Institutes and universities"),
        Some(Indicator::Incubators) => ("Cơ sở ươm tạo", "Incubators"),
        Some(Indicator::Intermediaries) => ("Tổ chức trung gian", "Intermediaries"),
        Some(Indicator::Funds) => ("Quỹ", "Funds"),
        Some(Indicator::Organizations) => ("Tổ chức đã duyệt", "Approved organizations"),
        Some(Indicator::PublishedOffers) => ("Chào bán đang đăng", "Published offers"),
        Some(Indicator::PublishedNeeds) => ("Nhu cầu đang đăng", "Published needs"),
        Some(Indicator::Connections) => ("Kết nối", "Connections"),
        Some(Indicator::Deals) => ("Giao dịch", "Deals"),
        Some(Indicator::DealValueVnd) => ("Giá trị giao dịch (đồng)", "Deal value (VND)"),
        None => return indicator.to_owned(),
    };
    lang.pick(vi, en).to_owned()
}

async fn targets_page(
    state: &web::Data<AppState>,
    queues: &web::Data<ReviewQueues>,
    signed: &SignedIn,
    code_path: String,
    typed: Option<(String, String, String)>,
    errors: FieldErrors,
    flash: Option<String>,
) -> Result<HttpResponse, AppError> {
    let ws = open_admin(state, queues, signed, &code_path, Part::Targets).await?;
    let lang = signed.visitor.lang;
    let tenant = code_path.clone();
    let progress: Vec<TargetProgress> =
        state.db.run(move |conn| crate::reports::service::targets_of(conn, &tenant)).await?;
    let rows = progress
        .into_iter()
        .map(|p| {
            let (value, year) = match &typed {
                Some((indicator, value, year)) if *indicator == p.indicator => (value.clone(), year.clone()),
                _ => (
                    p.target.map(|t| t.to_string()).unwrap_or_default(),
                    p.target_year.map(|y| y.to_string()).unwrap_or_default(),
                ),
            };
            TargetRow {
                label: indicator_label(&p.indicator, lang),
                actual: p.actual,
                indicator: p.indicator,
                value,
                year,
            }
        })
        .collect();
    render(&TargetsPage {
        frame: Frame::new(&signed.visitor, lang.pick("Chỉ tiêu của tỉnh", "The province's targets"), Section::Review)
            .with_flash(flash),
        rows,
        failed: typed.map(|t| t.0).unwrap_or_default(),
        errors,
        ws,
    })
}

pub async fn targets(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    code_path: web::Path<String>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let flash = flash(&done.done, signed.visitor.lang);
    targets_page(&state, &queues, &signed, code_path.into_inner(), None, FieldErrors::default(), flash).await
}

#[derive(Debug, Default, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    year: String,
}

/// Sets one indicator's target; both boxes emptied removes it.
pub async fn save_target(
    state: web::Data<AppState>,
    queues: web::Data<ReviewQueues>,
    StaffSignedIn(signed): StaffSignedIn,
    ip: ClientIp,
    code_path: web::Path<String>,
    PageForm(form): PageForm<TargetForm>,
) -> Result<HttpResponse, AppError> {
    let code_path = code_path.into_inner();
    open_admin(&state, &queues, &signed, &code_path, Part::Targets).await?;
    let result = if form.value.trim().is_empty() && form.year.trim().is_empty() {
        match remove_target(&state, signed.principal.clone(), ip, &code_path, &form.indicator).await {
            // Nothing to remove is not an error here: the box was already empty.
            Err(AppError::NotFound) => Ok(()),
            other => other,
        }
    } else {
        let mut typed = Vec::new();
        let value = crate::web::form::number("value", &form.value, &mut typed);
        let year = crate::web::form::number("year", &form.year, &mut typed);
        if typed.is_empty() {
            let request =
                TargetRequest { value, year: year.and_then(|y| i32::try_from(y).ok()).or(year.map(|_| i32::MAX)) };
            set_target_value(&state, signed.principal.clone(), ip, &code_path, &form.indicator, request)
                .await
                .map(|_| ())
        } else {
            Err(AppError::Validation(typed))
        }
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/province/{code_path}/targets?done=saved"))),
        Err(error @ AppError::Validation(_)) => {
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            let typed = Some((form.indicator, form.value, form.year));
            targets_page(&state, &queues, &signed, code_path, typed, errors, None).await
        }
        Err(other) => Err(other),
    }
}
