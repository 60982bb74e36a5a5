//! The organizations' pages: the directory and each profile; registering, editing and
//! submitting one; its members and invitations; accepting an emailed invitation.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::model::{IntermediaryType, OrgKind, SizeBand};
use super::routes::members::{InvitationRequest, accept_invitation, invite_member, members_of};
use super::routes::organizations::{
    create_organization, my_organizations, organization_view, submit_organization, update_organization,
};
use super::rules::OrganizationInput;
use super::store::{DirectoryFilter, Member};
use super::views::{MyOrganization, OrganizationView};
use crate::app::AppState;
use crate::auth::MaybePrincipal;
use crate::error::{AppError, FieldError};
use crate::http::{ClientIp, PageParams, RequestLang};
use crate::taxonomy::Scheme;
use crate::web::labels::{Labels, code};
use crate::web::layout::Section;
use crate::web::page::{labels, provinces, query_string};
use crate::web::picker::{PickerOption, options};
use crate::web::{FieldErrors, Frame, PageForm, SignedIn, Visitor, render, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/orgs", web::get().to(directory))
        .route("/orgs/new", web::get().to(new_form))
        .route("/orgs/new", web::post().to(create))
        .route("/orgs/check-tax-code", web::get().to(check_tax_code))
        .route("/me/orgs", web::get().to(mine))
        .route("/orgs/{id}/edit", web::get().to(edit_form))
        .route("/orgs/{id}/edit", web::post().to(update))
        .route("/orgs/{id}/submit", web::post().to(submit))
        .route("/orgs/{id}/members", web::get().to(members))
        .route("/orgs/{id}/invitations", web::post().to(invite))
        .route("/invitations/accept", web::get().to(invitation))
        .route("/invitations/accept", web::post().to(accept));
}

fn kinds(lang: crate::i18n::Lang) -> Vec<(String, String)> {
    OrgKind::CODES.iter().map(|c| ((*c).to_owned(), code(c, lang))).collect()
}

// --- the directory -------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct DirectoryQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    st_field: String,
    #[serde(default)]
    page: String,
}

pub struct OrgCard {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub province: String,
    pub fields: Vec<String>,
}

impl OrgCard {
    fn of(view: &OrganizationView, labels: &Labels<'_>) -> OrgCard {
        OrgCard {
            id: view.id.clone(),
            name: view.legal_name.clone(),
            kind: labels.code(&view.kind),
            province: labels.province(&view.province),
            fields: view.st_fields.iter().map(|f| labels.field(f)).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "registry/directory.html")]
struct DirectoryPage<'a> {
    frame: Frame<'a>,
    query: DirectoryQuery,
    kinds: Vec<(String, String)>,
    provinces: Vec<(String, String)>,
    fields: Vec<(String, String)>,
    cards: Vec<OrgCard>,
    total: i64,
    previous: Option<String>,
    next: Option<String>,
    errors: FieldErrors,
}

/// `/orgs`: approved organizations, by name, with filters.
async fn directory(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<DirectoryQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let lang = visitor.lang;
    let mut typed = Vec::new();
    let page = crate::web::form::number("page", &query.page, &mut typed)
        .and_then(|p| u32::try_from(p).ok())
        .unwrap_or(1)
        .max(1);
    let kind = OrgKind::parse(&query.kind);
    let filter = DirectoryFilter {
        kind,
        tenant_id: Some(query.province.clone()).filter(|p| !p.is_empty()),
        st_field: Some(query.st_field.clone()).filter(|f| !f.is_empty()),
        tag: None,
        words: super::routes::query_words(Some(&query.q)),
    };
    let per_page = 20_u32;
    let (records, total) = state
        .db
        .run(move |conn| {
            super::store::directory(conn, &filter, PageParams::offset(page, per_page), i64::from(per_page))
        })
        .await?;
    let labels = labels(&state, lang).await?;
    let cards = records.iter().map(|r| OrgCard::of(&OrganizationView::public(r), &labels)).collect();
    let link = |page: u32| {
        let page = page.to_string();
        format!(
            "/orgs?{}",
            query_string(&[
                ("q", &query.q),
                ("kind", &query.kind),
                ("province", &query.province),
                ("st_field", &query.st_field),
                ("page", &page)
            ])
        )
    };
    let pages = u32::try_from((total + 19) / 20).unwrap_or(1).max(1);
    let fields =
        options(&state.taxonomy, Scheme::StField, lang, &[], "").into_iter().map(|o| (o.code, o.label)).collect();
    render(&DirectoryPage {
        frame: Frame::new(&visitor, visitor.t("Danh bạ tổ chức", "Directory of organizations"), Section::Directory),
        kinds: kinds(lang),
        provinces: provinces(&state).await?,
        fields,
        cards,
        total,
        previous: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        errors: FieldErrors::default(),
        query,
    })
}

// --- registering and editing -----------------------------------------------------------

/// The organization form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrgForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    intermediary_type: String,
    #[serde(default)]
    legal_name: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    tax_code: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    year_founded: String,
    #[serde(default)]
    size_band: String,
    #[serde(default)]
    st_fields: Vec<String>,
    #[serde(default)]
    strategic_tags: Vec<String>,
    #[serde(default)]
    description_vi: String,
    #[serde(default)]
    description_en: String,
    #[serde(default)]
    host_institution: String,
    #[serde(default)]
    certificate_number: String,
    #[serde(default)]
    certificate_date: String,
    #[serde(default)]
    certificate_issuer: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    contact_phone: String,
    contact_consent: Option<String>,
    #[serde(default)]
    version: String,
}

impl OrgForm {
    fn of(view: &OrganizationView) -> OrgForm {
        let private = view.private.as_ref();
        OrgForm {
            kind: view.kind.clone(),
            intermediary_type: view.intermediary_type.clone().unwrap_or_default(),
            legal_name: view.legal_name.clone(),
            name_en: view.name_en.clone().unwrap_or_default(),
            short_name: view.short_name.clone().unwrap_or_default(),
            tax_code: view.tax_code.clone().unwrap_or_default(),
            province: view.province.clone(),
            address: view.address.clone().unwrap_or_default(),
            website: view.website.clone().unwrap_or_default(),
            year_founded: view.year_founded.map(|y| y.to_string()).unwrap_or_default(),
            size_band: view.size_band.clone().unwrap_or_default(),
            st_fields: view.st_fields.iter().map(|c| c.code.clone()).collect(),
            strategic_tags: view.strategic_tags.iter().map(|c| c.code.clone()).collect(),
            description_vi: view.description_vi.clone().unwrap_or_default(),
            description_en: view.description_en.clone().unwrap_or_default(),
            host_institution: view.host_institution.clone().unwrap_or_default(),
            certificate_number: view.certificate_number.clone().unwrap_or_default(),
            certificate_date: view.certificate_date.map(|d| d.to_string()).unwrap_or_default(),
            certificate_issuer: view.certificate_issuer.clone().unwrap_or_default(),
            contact_name: private.and_then(|p| p.contact_name.clone()).unwrap_or_default(),
            contact_email: private.and_then(|p| p.contact_email.clone()).unwrap_or_default(),
            contact_phone: private.and_then(|p| p.contact_phone.clone()).unwrap_or_default(),
            contact_consent: None,
            version: private.map(|p| p.version.to_string()).unwrap_or_default(),
        }
    }

    fn is(&self, kind: &str) -> bool {
        self.kind == kind
    }

    /// The API's input: every field the form shows for this kind, as typed (an empty text
    /// clears it on an edit); the fields of other kinds left out.
    fn input(&self, editing: bool, errors: &mut Vec<FieldError>) -> OrganizationInput {
        let kept = |value: &str| if editing { Some(value.trim().to_owned()) } else { crate::web::form::text(value) };
        let only = |kind: &str, value: &str| if self.kind == kind { kept(value) } else { None };
        let year =
            crate::web::form::number("year_founded", &self.year_founded, errors).and_then(|y| i32::try_from(y).ok());
        let contact_given = !(self.contact_name.trim().is_empty()
            && self.contact_email.trim().is_empty()
            && self.contact_phone.trim().is_empty());
        OrganizationInput {
            kind: crate::web::form::text(&self.kind),
            intermediary_type: only("intermediary", &self.intermediary_type),
            legal_name: Some(self.legal_name.clone()),
            name_en: kept(&self.name_en),
            short_name: kept(&self.short_name),
            tax_code: kept(&self.tax_code),
            province: crate::web::form::text(&self.province),
            address: kept(&self.address),
            website: kept(&self.website),
            year_founded: year,
            size_band: crate::web::form::text(&self.size_band),
            st_fields: Some(self.st_fields.clone()),
            strategic_tags: Some(self.strategic_tags.clone()),
            description_vi: kept(&self.description_vi),
            description_en: kept(&self.description_en),
            host_institution: only("research_group", &self.host_institution),
            certificate_number: only("st_enterprise", &self.certificate_number),
            certificate_date: only("st_enterprise", &self.certificate_date),
            certificate_issuer: only("st_enterprise", &self.certificate_issuer),
            contact_name: kept(&self.contact_name),
            contact_email: kept(&self.contact_email),
            contact_phone: kept(&self.contact_phone),
            contact_consent: contact_given.then_some(self.contact_consent.is_some()),
            version: self.version.trim().parse().ok(),
        }
    }
}

#[derive(Template)]
#[template(path = "registry/form.html")]
struct OrgFormPage<'a> {
    frame: Frame<'a>,
    form: OrgForm,
    errors: FieldErrors,
    /// The form posts here: `/orgs/new` or `/orgs/{id}/edit`.
    action: String,
    editing: bool,
    kinds: Vec<(String, String)>,
    intermediary_types: Vec<(String, String)>,
    sizes: Vec<(String, String)>,
    provinces: Vec<(String, String)>,
    field_options: Vec<PickerOption>,
    tag_options: Vec<PickerOption>,
}

async fn form_page(
    state: &AppState,
    visitor: &Visitor,
    form: OrgForm,
    errors: FieldErrors,
    action: String,
    editing: bool,
) -> Result<HttpResponse, AppError> {
    let lang = visitor.lang;
    let title = if editing {
        visitor.t("Sửa hồ sơ tổ chức", "Edit the organization")
    } else {
        visitor.t("Đăng ký tổ chức", "Register an organization")
    };
    render(&OrgFormPage {
        frame: Frame::new(visitor, title, Section::Organizations),
        kinds: kinds(lang),
        intermediary_types: IntermediaryType::CODES.iter().map(|c| ((*c).to_owned(), code(c, lang))).collect(),
        sizes: SizeBand::CODES.iter().map(|c| ((*c).to_owned(), code(c, lang))).collect(),
        provinces: provinces(state).await?,
        field_options: options(&state.taxonomy, Scheme::StField, lang, &form.st_fields, ""),
        tag_options: options(&state.taxonomy, Scheme::StrategicTechnology, lang, &form.strategic_tags, ""),
        form,
        errors,
        action,
        editing,
    })
}

#[derive(Debug, Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
}

/// `/orgs/new`: the registration form (the kind chosen first decides its fields).
async fn new_form(
    state: web::Data<AppState>,
    signed: SignedIn,
    query: web::Query<KindQuery>,
) -> Result<HttpResponse, AppError> {
    let form = OrgForm { kind: query.kind.clone().unwrap_or_else(|| "enterprise".into()), ..Default::default() };
    form_page(&state, &signed.visitor, form, FieldErrors::default(), "/orgs/new".into(), false).await
}

async fn create(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    PageForm(form): PageForm<OrgForm>,
) -> Result<HttpResponse, AppError> {
    let lang = signed.visitor.lang;
    let mut typed = Vec::new();
    let input = form.input(false, &mut typed);
    let result = if typed.is_empty() {
        create_organization(&state, signed.principal.clone(), ip, RequestLang(lang), input).await
    } else {
        Err(AppError::Validation(typed))
    };
    match result {
        Ok(created) => {
            let warning = if created.warnings.is_empty() { "" } else { "&warning=similar_name" };
            Ok(see_other(&format!("/orgs/{}?done=created{warning}", created.organization.id)))
        }
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            form_page(&state, &signed.visitor, form, FieldErrors::from_error(&error, lang), "/orgs/new".into(), false)
                .await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Deserialize)]
pub struct TaxCodeQuery {
    #[serde(default)]
    tax_code: String,
}

/// `GET /orgs/check-tax-code?tax_code=…`: the tax code checked as it is typed (htmx puts
/// the answer under the field). Only the checksum: whether it is taken is said on sending.
async fn check_tax_code(visitor: Visitor, query: web::Query<TaxCodeQuery>) -> HttpResponse {
    let raw = query.tax_code.trim();
    let (class, message) = if raw.is_empty() {
        ("hint", String::new())
    } else {
        match super::tax_code::TaxCode::parse_field("tax_code", raw) {
            Ok(code) => ("hint", format!("{} {}", visitor.t("Mã số thuế hợp lệ:", "A valid tax code:"), code.as_str())),
            Err(error) => ("error-text", error.message.get(visitor.lang).to_owned()),
        }
    };
    let escaped = crate::templates::escape_html(&message);
    crate::web::html(format!("<span class=\"{class}\" id=\"tax_code-check\" aria-live=\"polite\">{escaped}</span>"))
}

async fn edit_form(
    state: web::Data<AppState>,
    signed: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let view = organization_view(&state, MaybePrincipal(Some(signed.principal.clone())), id.clone()).await?;
    if view.private.as_ref().is_none_or(|p| p.my_role.is_none()) {
        return Err(AppError::NotFound);
    }
    let comments: BTreeMap<String, String> = view
        .private
        .as_ref()
        .and_then(|p| p.field_comments.as_ref())
        .and_then(|c| c.as_object())
        .map(|c| c.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default();
    let errors = FieldErrors::default().with_notes(comments);
    form_page(&state, &signed.visitor, OrgForm::of(&view), errors, format!("/orgs/{id}/edit"), true).await
}

async fn update(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(form): PageForm<OrgForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let lang = signed.visitor.lang;
    let mut typed = Vec::new();
    let input = form.input(true, &mut typed);
    let result = if typed.is_empty() {
        update_organization(&state, signed.principal.clone(), ip, id.clone(), input).await
    } else {
        Err(AppError::Validation(typed))
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/orgs/{id}?done=saved"))),
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let errors = FieldErrors::from_error(&error, lang);
            form_page(&state, &signed.visitor, form, errors, format!("/orgs/{id}/edit"), true).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

async fn submit(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(form): PageForm<VersionForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    submit_organization(&state, signed.principal, ip, id.clone(), form.version.trim().parse().ok()).await?;
    Ok(see_other(&format!("/orgs/{id}?done=submitted")))
}

// --- mine, members, invitations ------------------------------------------------------------

#[derive(Template)]
#[template(path = "registry/mine.html")]
struct MinePage<'a> {
    frame: Frame<'a>,
    organizations: Vec<(MyOrganization, String, String)>,
}

/// `/me/orgs`: the organizations I belong to, whatever their state.
async fn mine(state: web::Data<AppState>, signed: SignedIn) -> Result<HttpResponse, AppError> {
    let lang = signed.visitor.lang;
    let organizations = my_organizations(&state, signed.principal.clone())
        .await?
        .into_iter()
        .map(|o| {
            let (status, role) = (code(&o.status, lang), code(&o.role, lang));
            (o, status, role)
        })
        .collect();
    render(&MinePage {
        frame: Frame::new(
            &signed.visitor,
            signed.visitor.t("Tổ chức của tôi", "My organizations"),
            Section::Organizations,
        ),
        organizations,
    })
}

#[derive(Template)]
#[template(path = "registry/members.html")]
struct MembersPage<'a> {
    frame: Frame<'a>,
    org: OrganizationView,
    members: Vec<(Member, String)>,
    is_owner: bool,
    email: String,
    role: String,
    errors: FieldErrors,
}

async fn members_page(
    state: &web::Data<AppState>,
    signed: &SignedIn,
    id: String,
    email: String,
    role: String,
    errors: FieldErrors,
    flash: Option<String>,
) -> Result<HttpResponse, AppError> {
    let lang = signed.visitor.lang;
    let org = organization_view(state, MaybePrincipal(Some(signed.principal.clone())), id.clone()).await?;
    let is_owner = org.private.as_ref().and_then(|p| p.my_role.as_deref()) == Some("owner");
    let members = members_of(state, signed.principal.clone(), id).await?;
    render(&MembersPage {
        frame: Frame::new(
            &signed.visitor,
            format!("{} · {}", signed.visitor.t("Thành viên", "Members"), org.legal_name),
            Section::Organizations,
        )
        .with_flash(flash),
        members: members
            .into_iter()
            .map(|m| {
                let role = code(&m.role, lang);
                (m, role)
            })
            .collect(),
        is_owner,
        email,
        role,
        errors,
        org,
    })
}

async fn members(
    state: web::Data<AppState>,
    signed: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    members_page(&state, &signed, id.into_inner(), String::new(), "editor".into(), FieldErrors::default(), None).await
}

#[derive(Debug, Default, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn invite(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    id: web::Path<String>,
    PageForm(form): PageForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let lang = signed.visitor.lang;
    let request =
        InvitationRequest { email: Some(form.email.clone()), role: Some(form.role.clone()).filter(|r| !r.is_empty()) };
    match invite_member(&state, signed.principal.clone(), ip, id.clone(), request).await {
        Ok(sent) => {
            let flash = match lang {
                crate::i18n::Lang::Vi => format!("Đã gửi lời mời tới {}.", sent.email),
                crate::i18n::Lang::En => format!("Invitation sent to {}.", sent.email),
            };
            members_page(&state, &signed, id, String::new(), "editor".into(), FieldErrors::default(), Some(flash)).await
        }
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. } | AppError::RateLimited { .. })) => {
            let errors = FieldErrors::from_error(&error, lang);
            members_page(&state, &signed, id, form.email, form.role, errors, None).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Deserialize)]
pub struct InvitationQuery {
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "registry/invitation.html")]
struct InvitationPage<'a> {
    frame: Frame<'a>,
    token: String,
    org_name: String,
    role: String,
    invited_email: String,
    /// The signed-in account has another address.
    other_account: bool,
}

/// `/invitations/accept?token=…`: what the invitation is for, and a button to accept it
/// (signed in with the invited address).
async fn invitation(
    state: web::Data<AppState>,
    signed: SignedIn,
    query: web::Query<InvitationQuery>,
) -> Result<HttpResponse, AppError> {
    let token = query.into_inner().token;
    let now = state.clock.now();
    let digest = crate::auth::tokens::digest(&token);
    let found = state
        .db
        .run(move |conn| {
            let Some(invitation) = super::membership::find_by_token(conn, &digest)?
                .filter(|i| i.accepted_at.is_none() && i.expires_at > now)
            else {
                return Ok(None);
            };
            let name = super::store::find(conn, &invitation.org_id)?.map(|r| r.row.legal_name).unwrap_or_default();
            Ok(Some((invitation, name)))
        })
        .await?;
    let (invitation, org_name) = found.ok_or(AppError::NotFound)?;
    let member = signed.visitor.member.as_ref().ok_or(AppError::NotFound)?;
    render(&InvitationPage {
        frame: Frame::new(
            &signed.visitor,
            signed.visitor.t("Lời mời tham gia tổ chức", "An invitation to join"),
            Section::Organizations,
        ),
        other_account: !member.email.eq_ignore_ascii_case(&invitation.email),
        role: code(&invitation.role, signed.visitor.lang),
        invited_email: invitation.email,
        org_name,
        token,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    token: String,
}

async fn accept(
    state: web::Data<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    PageForm(form): PageForm<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    let joined = accept_invitation(&state, signed.principal, ip, form.token).await?;
    Ok(see_other(&format!("/orgs/{}?done=joined", joined.org_id)))
}
