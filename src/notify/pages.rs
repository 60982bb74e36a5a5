//! The notifications' pages: the inbox, the email preferences per kind, the saved
//! searches, and the unsubscribe page an emailed link opens.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::routes::{Preferences, SavedSearchRequest, preferences, save_search, set_preferences};
use super::saved_searches::{self, SavedQuery, SavedSearchView};
use super::store::{self, Notification};
use crate::app::AppState;
use crate::error::AppError;
use crate::http::PageParams;
use crate::i18n::Lang;
use crate::templates::filters;
use crate::web::layout::Section;
use crate::web::{FieldErrors, Frame, PageForm, SignedIn, render, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/notifications", web::get().to(inbox))
        .route("/notifications/{id}/read", web::post().to(mark_read))
        .route("/notifications/read-all", web::post().to(read_all))
        .route("/account/notifications", web::get().to(preferences_form))
        .route("/account/notifications", web::post().to(save_preferences))
        .route("/me/saved-searches", web::get().to(saved))
        .route("/me/saved-searches", web::post().to(save))
        .route("/me/saved-searches/{id}/delete", web::post().to(delete_saved));
}

#[derive(Template)]
#[template(path = "notify/inbox.html")]
struct InboxPage<'a> {
    frame: Frame<'a>,
    items: Vec<(Notification, String)>,
    unread: i64,
}

/// `/notifications`: newest first; the unread marked.
async fn inbox(state: web::Data<AppState>, signed: SignedIn) -> Result<HttpResponse, AppError> {
    let user_id = signed.principal.user_id.clone();
    let (items, unread) = state
        .db
        .run(move |conn| {
            let (items, _) = store::list(conn, &user_id, false, PageParams::offset(1, 100), 100)?;
            Ok((items, store::unread_count(conn, &user_id)?))
        })
        .await?;
    let lang = signed.visitor.lang;
    render(&InboxPage {
        frame: Frame::new(&signed.visitor, signed.visitor.t("Thông báo", "Notifications"), Section::Notifications),
        items: items
            .into_iter()
            .map(|n| {
                let at = crate::web::display::moment(n.created_at, lang);
                (n, at)
            })
            .collect(),
        unread,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

/// Marks one read and opens what it is about.
async fn mark_read(
    state: web::Data<AppState>,
    signed: SignedIn,
    id: web::Path<String>,
    _form: PageForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (user_id, id, now) = (signed.principal.user_id.clone(), id.into_inner(), state.clock.now());
    let link = state
        .db
        .write(move |conn| {
            if !store::mark_read(conn, &user_id, &id, now)? {
                return Err(AppError::NotFound);
            }
            let (items, _) = store::list(conn, &user_id, false, 0, 500)?;
            Ok(items.into_iter().find(|n| n.id == id).and_then(|n| n.link))
        })
        .await?;
    // Emailed links carry the public address; inside the site the path is enough.
    let target = link
        .map(|l| match l.find("://").and_then(|at| l[at + 3..].find('/').map(|p| at + 3 + p)) {
            Some(path) => l[path..].to_owned(),
            None => l,
        })
        .map(|l| crate::web::safe_next(Some(&l)))
        .unwrap_or_else(|| "/notifications".to_owned());
    Ok(see_other(&target))
}

async fn read_all(
    state: web::Data<AppState>,
    signed: SignedIn,
    _form: PageForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (user_id, now) = (signed.principal.user_id.clone(), state.clock.now());
    state.db.write(move |conn| store::mark_all_read(conn, &user_id, now)).await?;
    Ok(see_other("/notifications"))
}

/// One kind of notification on the preferences form.
pub struct KindChoice {
    pub name: &'static str,
    pub label: &'static str,
    pub mode: String,
}

#[derive(Template)]
#[template(path = "notify/preferences.html")]
struct PreferencesPage<'a> {
    frame: Frame<'a>,
    kinds: Vec<KindChoice>,
    errors: FieldErrors,
}

fn choices(prefs: &Preferences, lang: Lang) -> Vec<KindChoice> {
    let choice = |name, vi, en, mode: &Option<String>| KindChoice {
        name,
        label: lang.pick(vi, en),
        mode: mode.clone().unwrap_or_else(|| "instant".into()),
    };
    vec![
        choice("new_match", "Gợi ý kết nối mới", "New suggested matches", &prefs.new_match),
        choice("match_response", "Bên kia trả lời kết nối", "The other side answers a match", &prefs.match_response),
        choice(
            "review_decision",
            "Quyết định duyệt của Sở KH&CN",
            "The Department's review decisions",
            &prefs.review_decision,
        ),
        choice("saved_search", "Tin mới cho tìm kiếm đã lưu", "New listings for saved searches", &prefs.saved_search),
        choice("expiry_reminder", "Nhắc tin sắp hết hạn", "Listings about to expire", &prefs.expiry_reminder),
        choice(
            "weekly_summary",
            "Tóm tắt tuần (quản trị tỉnh)",
            "Weekly summary (province admins)",
            &prefs.weekly_summary,
        ),
        choice("follow_up", "Hỏi thăm kết quả kết nối", "What became of a match", &prefs.follow_up),
    ]
}

async fn preferences_form(state: web::Data<AppState>, signed: SignedIn) -> Result<HttpResponse, AppError> {
    let prefs = preferences(&state, &signed.principal.user_id).await?;
    render(&PreferencesPage {
        kinds: choices(&prefs, signed.visitor.lang),
        frame: Frame::new(
            &signed.visitor,
            signed.visitor.t("Nhận thông báo", "Notification settings"),
            Section::Account,
        ),
        errors: FieldErrors::default(),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct PreferencesForm {
    new_match: Option<String>,
    match_response: Option<String>,
    review_decision: Option<String>,
    saved_search: Option<String>,
    expiry_reminder: Option<String>,
    weekly_summary: Option<String>,
    follow_up: Option<String>,
}

async fn save_preferences(
    state: web::Data<AppState>,
    signed: SignedIn,
    PageForm(form): PageForm<PreferencesForm>,
) -> Result<HttpResponse, AppError> {
    let wanted = Preferences {
        new_match: form.new_match,
        match_response: form.match_response,
        review_decision: form.review_decision,
        saved_search: form.saved_search,
        expiry_reminder: form.expiry_reminder,
        weekly_summary: form.weekly_summary,
        follow_up: form.follow_up,
    };
    match set_preferences(&state, signed.principal.clone(), wanted).await {
        Ok(prefs) => render(&PreferencesPage {
            kinds: choices(&prefs, signed.visitor.lang),
            frame: Frame::new(
                &signed.visitor,
                signed.visitor.t("Nhận thông báo", "Notification settings"),
                Section::Account,
            )
            .with_flash(Some(signed.visitor.t("Đã lưu.", "Saved.").to_owned())),
            errors: FieldErrors::default(),
        }),
        Err(error @ AppError::Validation(_)) => {
            let prefs = preferences(&state, &signed.principal.user_id).await?;
            render(&PreferencesPage {
                kinds: choices(&prefs, signed.visitor.lang),
                frame: Frame::new(
                    &signed.visitor,
                    signed.visitor.t("Nhận thông báo", "Notification settings"),
                    Section::Account,
                ),
                errors: FieldErrors::from_error(&error, signed.visitor.lang),
            })
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "notify/saved.html")]
struct SavedPage<'a> {
    frame: Frame<'a>,
    searches: Vec<(SavedSearchView, String)>,
    errors: FieldErrors,
}

async fn saved_page(
    state: &AppState,
    signed: &SignedIn,
    errors: FieldErrors,
    flash: Option<String>,
) -> Result<HttpResponse, AppError> {
    let user_id = signed.principal.user_id.clone();
    let rows = state.db.run(move |conn| saved_searches::of_user(conn, &user_id)).await?;
    render(&SavedPage {
        frame: Frame::new(&signed.visitor, signed.visitor.t("Tìm kiếm đã lưu", "Saved searches"), Section::Account)
            .with_flash(flash),
        searches: rows
            .into_iter()
            .map(SavedSearchView::from)
            .map(|view| {
                let href = format!("/listings?{}", marketplace_query(&view.query));
                (view, href)
            })
            .collect(),
        errors,
    })
}

/// The marketplace address that runs a saved search again.
fn marketplace_query(query: &SavedQuery) -> String {
    let numbers = [("trl_min", query.trl_min), ("price_min", query.price_min), ("price_max", query.price_max)]
        .map(|(name, value)| (name, value.map(|v| v.to_string()).unwrap_or_default()));
    let texts = [
        ("q", query.q.clone()),
        ("kind", query.kind.clone()),
        ("province", query.province.clone()),
        ("st_field", query.st_field.clone()),
        ("tag", query.tag.clone()),
        ("transfer_mode", query.transfer_mode.clone()),
    ]
    .map(|(name, value)| (name, value.unwrap_or_default()));
    let pairs: Vec<(&str, &str)> = texts.iter().chain(numbers.iter()).map(|(n, v)| (*n, v.as_str())).collect();
    crate::web::page::query_string(&pairs)
}

async fn saved(state: web::Data<AppState>, signed: SignedIn) -> Result<HttpResponse, AppError> {
    saved_page(&state, &signed, FieldErrors::default(), None).await
}

#[derive(Debug, Default, Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    name: String,
    /// The marketplace query, as JSON (the marketplace page writes it).
    #[serde(default)]
    query: String,
    #[serde(default)]
    frequency: String,
}

async fn save(
    state: web::Data<AppState>,
    signed: SignedIn,
    PageForm(form): PageForm<SaveForm>,
) -> Result<HttpResponse, AppError> {
    let query: Option<SavedQuery> = serde_json::from_str(&form.query).ok();
    let request = SavedSearchRequest {
        name: Some(form.name.clone()),
        query: Some(query.unwrap_or_default()),
        frequency: Some(form.frequency.clone()).filter(|f| !f.is_empty()),
    };
    match save_search(&state, signed.principal.clone(), request).await {
        Ok(_) => {
            saved_page(
                &state,
                &signed,
                FieldErrors::default(),
                Some(signed.visitor.t("Đã lưu tìm kiếm.", "Search saved.").to_owned()),
            )
            .await
        }
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            saved_page(&state, &signed, FieldErrors::from_error(&error, signed.visitor.lang), None).await
        }
        Err(other) => Err(other),
    }
}

async fn delete_saved(
    state: web::Data<AppState>,
    signed: SignedIn,
    id: web::Path<String>,
    _form: PageForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (user_id, id) = (signed.principal.user_id.clone(), id.into_inner());
    if !state.db.write(move |conn| saved_searches::delete(conn, &user_id, &id)).await? {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/me/saved-searches"))
}
