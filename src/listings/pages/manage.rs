//! Posting and managing offers and needs: the form (every field, errors beside each, what
//! was typed kept), and the member's steps (submit, close, renew).

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::MaybePrincipal;
use crate::error::{AppError, FieldError};
use crate::http::ClientIp;
use crate::listings::lifecycle::ListingAction;
use crate::listings::model::IpStatus;
use crate::listings::routes::manage::{create_listing, member_step, update_listing};
use crate::listings::rules::ListingInput;
use crate::listings::views::ListingView;
use crate::taxonomy::Scheme;
use crate::web::labels::code;
use crate::web::layout::Section;
use crate::web::page::provinces;
use crate::web::picker::{PickerOption, options};
use crate::web::{FieldErrors, Frame, PageForm, SignedIn, Visitor, render, see_other};

/// The listing form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListingForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title_vi: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    description: String,
    /// Comma-separated.
    #[serde(default)]
    keywords: String,
    #[serde(default)]
    st_fields: Vec<String>,
    #[serde(default)]
    strategic_tags: Vec<String>,
    #[serde(default)]
    transfer_modes: Vec<String>,
    #[serde(default)]
    vsic_section: String,
    #[serde(default)]
    vsic_code: String,
    #[serde(default)]
    trl: String,
    #[serde(default)]
    price_vnd: String,
    price_negotiable: Option<String>,
    #[serde(default)]
    budget_min_vnd: String,
    #[serde(default)]
    budget_max_vnd: String,
    #[serde(default)]
    ip_status: String,
    #[serde(default)]
    patent_number: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    valid_until: String,
    #[serde(default)]
    confidential_details: String,
    #[serde(default)]
    version: String,
}

impl ListingForm {
    fn of(view: &ListingView) -> ListingForm {
        let codes = |c: &[crate::taxonomy::CodeRef]| c.iter().map(|c| c.code.clone()).collect();
        let amount = |a: Option<i64>| a.map(|a| a.to_string()).unwrap_or_default();
        ListingForm {
            kind: view.kind.clone(),
            title_vi: view.title_vi.clone(),
            title_en: view.title_en.clone().unwrap_or_default(),
            summary: view.summary.clone().unwrap_or_default(),
            description: view.description.clone().unwrap_or_default(),
            keywords: view.keywords.join(", "),
            st_fields: codes(&view.st_fields),
            strategic_tags: codes(&view.strategic_tags),
            transfer_modes: codes(&view.transfer_modes),
            vsic_section: view.vsic.as_ref().map(|v| v.section.clone()).unwrap_or_default(),
            vsic_code: view.vsic.as_ref().and_then(|v| v.code.clone()).unwrap_or_default(),
            trl: view.trl.map(|t| t.to_string()).unwrap_or_default(),
            price_vnd: amount(view.price_vnd),
            price_negotiable: view.price_negotiable.then(|| "yes".to_owned()),
            budget_min_vnd: amount(view.budget_min_vnd),
            budget_max_vnd: amount(view.budget_max_vnd),
            ip_status: view.ip_status.clone().unwrap_or_default(),
            patent_number: view.patent_number.clone().unwrap_or_default(),
            location: view.location.clone(),
            deadline: view.deadline.map(|d| d.to_string()).unwrap_or_default(),
            valid_until: view.valid_until.map(|d| d.to_string()).unwrap_or_default(),
            confidential_details: view
                .private
                .as_ref()
                .and_then(|p| p.confidential_details.clone())
                .unwrap_or_default(),
            version: view.private.as_ref().map(|p| p.version.to_string()).unwrap_or_default(),
        }
    }

    pub fn is_offer(&self) -> bool {
        self.kind == "offer"
    }

    /// The API's input. On an edit every field is sent as typed (an empty one clears it).
    fn input(&self, editing: bool, errors: &mut Vec<FieldError>) -> ListingInput {
        use crate::web::form::{number, text};
        let kept = |value: &str| if editing { Some(value.trim().to_owned()) } else { text(value) };
        let offer = self.is_offer();
        let keywords: Vec<String> =
            self.keywords.split([',', ';', '\n']).map(str::trim).filter(|k| !k.is_empty()).map(str::to_owned).collect();
        ListingInput {
            kind: text(&self.kind),
            title_vi: Some(self.title_vi.clone()),
            title_en: kept(&self.title_en),
            summary: kept(&self.summary),
            description: kept(&self.description),
            keywords: Some(keywords),
            st_fields: Some(self.st_fields.clone()),
            strategic_tags: Some(self.strategic_tags.clone()),
            transfer_modes: Some(self.transfer_modes.clone()),
            vsic_section: if offer { None } else { text(&self.vsic_section) },
            vsic_code: if offer { None } else { kept(&self.vsic_code) },
            trl: number("trl", &self.trl, errors),
            price_vnd: if offer { number("price_vnd", &self.price_vnd, errors) } else { None },
            price_negotiable: offer.then_some(self.price_negotiable.is_some()),
            budget_min_vnd: if offer { None } else { number("budget_min_vnd", &self.budget_min_vnd, errors) },
            budget_max_vnd: if offer { None } else { number("budget_max_vnd", &self.budget_max_vnd, errors) },
            ip_status: if offer { text(&self.ip_status) } else { None },
            patent_number: if offer { kept(&self.patent_number) } else { None },
            location: text(&self.location),
            deadline: if offer { None } else { kept(&self.deadline) },
            valid_until: kept(&self.valid_until),
            confidential_details: kept(&self.confidential_details),
            version: self.version.trim().parse().ok(),
        }
    }
}

#[derive(Template)]
#[template(path = "listings/form.html")]
struct ListingFormPage<'a> {
    frame: Frame<'a>,
    form: ListingForm,
    errors: FieldErrors,
    action: String,
    editing: bool,
    org_name: String,
    trl_hint: &'static str,
    provinces: Vec<(String, String)>,
    sections: Vec<(String, String)>,
    ip_statuses: Vec<(String, String)>,
    field_options: Vec<PickerOption>,
    tag_options: Vec<PickerOption>,
    mode_options: Vec<PickerOption>,
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    visitor: &Visitor,
    form: ListingForm,
    errors: FieldErrors,
    action: String,
    editing: bool,
    org_name: String,
) -> Result<HttpResponse, AppError> {
    let lang = visitor.lang;
    let title = match (editing, form.is_offer()) {
        (false, true) => visitor.t("Đăng công nghệ chào bán", "Post a technology offer"),
        (false, false) => visitor.t("Đăng nhu cầu công nghệ", "Post a technology need"),
        (true, _) => visitor.t("Sửa tin", "Edit the listing"),
    };
    let sections = state
        .taxonomy
        .terms(Scheme::VsicSection, state.taxonomy.current_version(Scheme::VsicSection))
        .into_iter()
        .map(|t| {
            let name = match lang {
                crate::i18n::Lang::En => {
                    t.name_en.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| t.name_vi.clone())
                }
                crate::i18n::Lang::Vi => t.name_vi.clone(),
            };
            (t.code.clone(), format!("{} — {name}", t.code))
        })
        .collect();
    let trl_hint = if form.is_offer() {
        visitor.t("Mức hiện tại của công nghệ.", "The technology's current level.")
    } else {
        visitor.t("Mức thấp nhất chấp nhận được.", "The lowest level you accept.")
    };
    render(&ListingFormPage {
        frame: Frame::new(visitor, title, Section::Organizations),
        trl_hint,
        provinces: provinces(state).await?,
        sections,
        ip_statuses: IpStatus::CODES.iter().map(|c| ((*c).to_owned(), code(c, lang))).collect(),
        field_options: options(&state.taxonomy, Scheme::StField, lang, &form.st_fields, ""),
        tag_options: options(&state.taxonomy, Scheme::StrategicTechnology, lang, &form.strategic_tags, ""),
        mode_options: options(&state.taxonomy, Scheme::TransferMode, lang, &form.transfer_modes, ""),
        form,
        errors,
        action,
        editing,
        org_name,
    })
}

#[derive(Debug, Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
}

/// The organization's name, for a member; 404 for anyone else.
async fn org_of_member(
    state: &web::Data<AppState>,
    signed: &SignedIn,
    org_id: &str,
) -> Result<(String, String), AppError> {
    let view = crate::registry::routes::organizations::organization_view(
        state,
        MaybePrincipal(Some(signed.principal.clone())),
        org_id.to_owned(),
    )
    .await?;
    if view.private.as_ref().is_none_or(|p| p.my_role.is_none()) {
        return Err(AppError::NotFound);
    }
    Ok((view.legal_name, view.province))
}

/// `/orgs/{id}/listings/new?kind=offer|need`.
pub async fn new_form(
    state: web::Data<AppState>,
    signed: SignedIn,
    org_id: web::Path<String>,
    query: web::Query<KindQuery>,
) -> Result<HttpResponse, AppError> {
    let org_id = org_id.into_inner();
    let (org_name, province) = org_of_member(&state, &signed, &org_id).await?;
    let kind = match query.kind.as_deref() {
        Some("need") => "need",
        _ => "offer",
    };
    let form = ListingForm { kind: kind.into(), location: province, ..Default::default() };
    let action = format!("/orgs/{org_id}/listings/new");
    form_page(&state, &signed.visitor, form, FieldErrors::default(), action, false, org_name).await
}

pub async fn create(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    org_id: web::Path<String>,
    PageForm(form): PageForm<ListingForm>,
) -> Result<HttpResponse, AppError> {
    let org_id = org_id.into_inner();
    let mut typed = Vec::new();
    let input = form.input(false, &mut typed);
    let result = if typed.is_empty() {
        create_listing(&state, signed.principal.clone(), ip, org_id.clone(), input).await
    } else {
        Err(AppError::Validation(typed))
    };
    match result {
        Ok(view) => Ok(see_other(&format!("/listings/{}?done=created", view.id))),
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let (org_name, _) = org_of_member(&state, &signed, &org_id).await?;
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            let action = format!("/orgs/{org_id}/listings/new");
            form_page(&state, &signed.visitor, form, errors, action, false, org_name).await
        }
        Err(other) => Err(other),
    }
}

async fn member_view(state: &web::Data<AppState>, signed: &SignedIn, id: &str) -> Result<ListingView, AppError> {
    let principal = signed.principal.clone();
    let id = id.to_owned();
    let view = state
        .db
        .run(move |conn| {
            let (record, access) = crate::listings::service::load(conn, Some(&principal), &id)?;
            if access.member.is_none() {
                return Err(AppError::NotFound);
            }
            Ok(ListingView::private(&record, access.member.map(|r| r.as_str().to_owned())))
        })
        .await?;
    Ok(view)
}

pub async fn edit_form(
    state: web::Data<AppState>,
    signed: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let view = member_view(&state, &signed, &id).await?;
    let comments: BTreeMap<String, String> = view
        .private
        .as_ref()
        .and_then(|p| p.field_comments.as_ref())
        .and_then(|c| c.as_object())
        .map(|c| c.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default();
    let errors = FieldErrors::default().with_notes(comments);
    let org_name = view.organization.legal_name.clone();
    form_page(&state, &signed.visitor, ListingForm::of(&view), errors, format!("/listings/{id}/edit"), true, org_name)
        .await
}

pub async fn update(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(form): PageForm<ListingForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let mut typed = Vec::new();
    let input = form.input(true, &mut typed);
    let result = if typed.is_empty() {
        update_listing(&state, signed.principal.clone(), ip, id.clone(), input).await
    } else {
        Err(AppError::Validation(typed))
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/listings/{id}?done=saved"))),
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let view = member_view(&state, &signed, &id).await?;
            let errors = FieldErrors::from_error(&error, signed.visitor.lang);
            let org_name = view.organization.legal_name.clone();
            form_page(&state, &signed.visitor, form, errors, format!("/listings/{id}/edit"), true, org_name).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

async fn step(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: String,
    action: ListingAction,
    version: &str,
    done: &str,
) -> Result<HttpResponse, AppError> {
    member_step(&state, signed.principal, ip, id.clone(), action, version.trim().parse().ok()).await?;
    Ok(see_other(&format!("/listings/{id}?done={done}")))
}

pub async fn submit(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(form): PageForm<VersionForm>,
) -> Result<HttpResponse, AppError> {
    step(state, signed, ip, id.into_inner(), ListingAction::Submit, &form.version, "submitted").await
}

pub async fn close(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(form): PageForm<VersionForm>,
) -> Result<HttpResponse, AppError> {
    step(state, signed, ip, id.into_inner(), ListingAction::Close, &form.version, "closed").await
}

pub async fn renew(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(form): PageForm<VersionForm>,
) -> Result<HttpResponse, AppError> {
    step(state, signed, ip, id.into_inner(), ListingAction::Renew, &form.version, "renewed").await
}
