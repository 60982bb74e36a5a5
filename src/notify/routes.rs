use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::{Kind, Mode};
use super::saved_searches::{self, Frequency, SavedQuery, SavedSearchView};
use super::store::{self, Notification};
use super::unsubscribe::{DIGEST_SCOPE, TokenError};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::{ApiJson, ApiQuery, PageParams};
use crate::text::clean_line;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(unread_count)
        .service(read_all)
        .service(mark_read)
        .service(get_preferences)
        .service(put_preferences)
        .service(list_saved)
        .service(create_saved)
        .service(delete_saved);
}

/// Unsubscribe pages live outside `/api/v1`: they are opened from emails.
pub fn configure_root(cfg: &mut ServiceConfig) {
    cfg.service(unsubscribe_page).service(unsubscribe);
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationParams {
    /// Only the unread ones.
    pub unread: Option<bool>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
    pub unread: i64,
}

/// The caller's notifications, newest first.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), params(NotificationParams), responses((status = 200, body = NotificationPage)))]
#[get("/notifications")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    params: ApiQuery<NotificationParams>,
) -> Result<HttpResponse, AppError> {
    let (page, per_page) = PageParams { page: params.0.page, per_page: params.0.per_page }.resolve()?;
    let unread_only = params.0.unread.unwrap_or(false);
    let page_out = state
        .db
        .run(move |conn| {
            let (items, total) = store::list(
                conn,
                &principal.user_id,
                unread_only,
                PageParams::offset(page, per_page),
                i64::from(per_page),
            )?;
            let unread = store::unread_count(conn, &principal.user_id)?;
            Ok(NotificationPage { items, page, per_page, total, unread })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page_out))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnreadCount {
    pub unread: i64,
}

/// How many notifications the caller has not read.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses((status = 200, body = UnreadCount)))]
#[get("/notifications/unread-count")]
pub async fn unread_count(state: web::Data<AppState>, principal: Principal) -> Result<HttpResponse, AppError> {
    let unread = state.db.run(move |conn| store::unread_count(conn, &principal.user_id)).await?;
    Ok(HttpResponse::Ok().json(UnreadCount { unread }))
}

/// Marks one notification read.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 204, description = "Read"), (status = 404, description = "Not one of the caller's", body = crate::error::ProblemBody))
)]
#[post("/notifications/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let found = state.db.write(move |conn| store::mark_read(conn, &principal.user_id, &id, now)).await?;
    if found { Ok(HttpResponse::NoContent().finish()) } else { Err(AppError::NotFound) }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Marked {
    pub marked: usize,
}

/// Marks every notification read.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses((status = 200, body = Marked)))]
#[post("/notifications/read-all")]
pub async fn read_all(state: web::Data<AppState>, principal: Principal) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let marked = state.db.write(move |conn| store::mark_all_read(conn, &principal.user_id, now)).await?;
    Ok(HttpResponse::Ok().json(Marked { marked }))
}

/// Email preference per kind: `instant`, `daily` (digest) or `off`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema, Default)]
pub struct Preferences {
    pub new_match: Option<String>,
    pub match_response: Option<String>,
    pub review_decision: Option<String>,
    pub saved_search: Option<String>,
    pub expiry_reminder: Option<String>,
    /// Province admins: the Monday summary of the week before.
    pub weekly_summary: Option<String>,
    /// Organization owners: what became of a connected match, 30, 90 and 180 days on.
    pub follow_up: Option<String>,
}

fn preferences_view(prefs: Vec<(Kind, Mode)>) -> Preferences {
    let of = |kind: Kind| prefs.iter().find(|(k, _)| *k == kind).map(|(_, m)| m.as_str().to_owned());
    Preferences {
        new_match: of(Kind::NewMatch),
        match_response: of(Kind::MatchResponse),
        review_decision: of(Kind::ReviewDecision),
        saved_search: of(Kind::SavedSearch),
        expiry_reminder: of(Kind::ExpiryReminder),
        weekly_summary: of(Kind::WeeklySummary),
        follow_up: of(Kind::FollowUp),
    }
}

/// A user's email preferences, every kind named.
pub async fn preferences(state: &AppState, user_id: &str) -> Result<Preferences, AppError> {
    let user_id = user_id.to_owned();
    Ok(preferences_view(state.db.run(move |conn| store::preferences(conn, &user_id)).await?))
}

/// The caller's email preferences.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses((status = 200, body = Preferences)))]
#[get("/me/notification-preferences")]
pub async fn get_preferences(state: web::Data<AppState>, principal: Principal) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(preferences(&state, &principal.user_id).await?))
}

/// Sets email preferences; kinds left out keep theirs.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), request_body = Preferences, responses((status = 200, body = Preferences), (status = 422, body = crate::error::ProblemBody)))]
#[put("/me/notification-preferences")]
pub async fn put_preferences(
    state: web::Data<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<Preferences>,
) -> Result<HttpResponse, AppError> {
    let answer = set_preferences(&state, principal, body).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// What `put_preferences` does, for the API and the pages alike.
pub async fn set_preferences(
    state: &web::Data<AppState>,
    principal: Principal,
    body: Preferences,
) -> Result<Preferences, AppError> {
    let mut v = Violations::new();
    let mut changes = Vec::new();
    for (kind, field, value) in [
        (Kind::NewMatch, "new_match", body.new_match),
        (Kind::MatchResponse, "match_response", body.match_response),
        (Kind::ReviewDecision, "review_decision", body.review_decision),
        (Kind::SavedSearch, "saved_search", body.saved_search),
        (Kind::ExpiryReminder, "expiry_reminder", body.expiry_reminder),
        (Kind::WeeklySummary, "weekly_summary", body.weekly_summary),
        (Kind::FollowUp, "follow_up", body.follow_up),
    ] {
        if let Some(raw) = value
            && let Some(mode) = v.check(Mode::parse_field(field, &raw))
        {
            changes.push((kind, mode));
        }
    }
    v.into_result()?;
    let now = state.clock.now();
    let prefs = state
        .db
        .write(move |conn| {
            for (kind, mode) in changes {
                store::set_preference(conn, &principal.user_id, kind, mode, now)?;
            }
            store::preferences(conn, &principal.user_id)
        })
        .await?;
    Ok(preferences_view(prefs))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SavedSearchRequest {
    #[schema(required = true)]
    pub name: Option<String>,
    #[schema(required = true)]
    pub query: Option<SavedQuery>,
    /// `instant` (default), `daily` or `weekly`.
    pub frequency: Option<String>,
}

const MAX_SAVED_SEARCHES: i64 = 50;

/// The caller's saved searches.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses((status = 200, body = Vec<SavedSearchView>)))]
#[get("/me/saved-searches")]
pub async fn list_saved(state: web::Data<AppState>, principal: Principal) -> Result<HttpResponse, AppError> {
    let rows = state.db.run(move |conn| saved_searches::of_user(conn, &principal.user_id)).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(SavedSearchView::from).collect::<Vec<_>>()))
}

/// Saves a marketplace search; listings published from now on that match it are notified,
/// each once.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), request_body = SavedSearchRequest, responses((status = 201, body = SavedSearchView), (status = 422, body = crate::error::ProblemBody)))]
#[post("/me/saved-searches")]
pub async fn create_saved(
    state: web::Data<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<SavedSearchRequest>,
) -> Result<HttpResponse, AppError> {
    let answer = save_search(&state, principal, body).await?;
    Ok(HttpResponse::Created().json(answer))
}

/// What `create_saved` does, for the API and the pages alike.
pub async fn save_search(
    state: &web::Data<AppState>,
    principal: Principal,
    body: SavedSearchRequest,
) -> Result<SavedSearchView, AppError> {
    let mut v = Violations::new();
    let name = v.require("name", body.name, |raw| match clean_line(&raw) {
        Some(name) if (1..=100).contains(&name.chars().count()) => Ok(name),
        _ => Err(FieldError::length("name", 1, 100)),
    });
    let query = v.require("query", body.query, |query| {
        crate::listings::routes::search_query(state, query.params()).map(|_| query).map_err(|error| match error {
            AppError::Validation(mut errors) if !errors.is_empty() => {
                let first = errors.remove(0);
                FieldError::new(format!("query.{}", first.field), first.code, first.message)
            }
            _ => FieldError::invalid("query", Text::new("Tìm kiếm không hợp lệ.", "Not a valid search.")),
        })
    });
    let frequency = match body.frequency {
        Some(raw) => v.check(Frequency::parse_field("frequency", &raw)),
        None => Some(Frequency::Instant),
    };
    let ((name, query), frequency) = v.finish(name.zip(query).zip(frequency))?;
    let now = state.clock.now();
    let view = state
        .db
        .write(move |conn| {
            if saved_searches::count_of_user(conn, &principal.user_id)? >= MAX_SAVED_SEARCHES {
                return Err(AppError::conflict(Text::new(
                    "Mỗi tài khoản lưu tối đa 50 tìm kiếm.",
                    "An account keeps at most 50 saved searches.",
                )));
            }
            let id = uuid::Uuid::now_v7().to_string();
            saved_searches::insert(conn, &id, &principal.user_id, &name, &query, frequency, now)?;
            saved_searches::of_user(conn, &principal.user_id)?
                .into_iter()
                .find(|s| s.id == id)
                .ok_or(AppError::NotFound)
        })
        .await?;
    Ok(SavedSearchView::from(view))
}

/// Deletes one of the caller's saved searches.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 204, description = "Deleted"), (status = 404, body = crate::error::ProblemBody)))]
#[delete("/me/saved-searches/{id}")]
pub async fn delete_saved(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let deleted = state.db.write(move |conn| saved_searches::delete(conn, &principal.user_id, &id)).await?;
    if deleted { Ok(HttpResponse::NoContent().finish()) } else { Err(AppError::NotFound) }
}

fn token_error(error: TokenError) -> AppError {
    match error {
        TokenError::Malformed => {
            AppError::BadRequest(Text::new("Liên kết hủy đăng ký không hợp lệ.", "This unsubscribe link is not valid."))
        }
        TokenError::Forged => AppError::NotFound,
    }
}

/// What a token stops: its user, and the kinds it covers.
fn resolve(state: &AppState, token: &str) -> Result<(String, Vec<Kind>, bool), AppError> {
    let (user_id, scope) = state.unsubscribe.verify(token).map_err(token_error)?;
    if scope == DIGEST_SCOPE {
        return Ok((user_id, Vec::new(), true));
    }
    let kind = Kind::parse(&scope).ok_or(AppError::NotFound)?;
    Ok((user_id, vec![kind], false))
}

#[derive(askama::Template)]
#[template(path = "notify/unsubscribe.html")]
struct UnsubscribePage<'a> {
    frame: crate::web::Frame<'a>,
    body: &'a str,
    form_action: Option<&'a str>,
    button: &'a str,
}

fn page(
    visitor: &crate::web::Visitor,
    title: &str,
    body: &str,
    form_action: Option<&str>,
) -> Result<HttpResponse, AppError> {
    crate::web::render(&UnsubscribePage {
        frame: crate::web::Frame::new(visitor, title, crate::web::layout::Section::Account),
        body,
        form_action,
        button: visitor.lang.pick("Hủy đăng ký", "Unsubscribe"),
    })
}

/// The page an unsubscribe link opens: it changes nothing until its button is pressed, so
/// that mail scanners following links do not unsubscribe anyone.
#[utoipa::path(
    tag = "notifications",
    params(("token" = String, Path)),
    responses((status = 200, description = "A confirmation page", content_type = "text/html"), (status = 400, body = crate::error::ProblemBody), (status = 404, body = crate::error::ProblemBody))
)]
#[get("/unsubscribe/{token}")]
pub async fn unsubscribe_page(
    state: web::Data<AppState>,
    token: web::Path<String>,
    visitor: crate::web::Visitor,
) -> Result<HttpResponse, AppError> {
    let (user_id, _, _) = resolve(&state, &token)?;
    state.db.run(move |conn| store::recipient(conn, &user_id)).await?.ok_or(AppError::NotFound)?;
    page(
        &visitor,
        visitor.t("Hủy đăng ký email", "Unsubscribe"),
        visitor.t("Bấm nút dưới đây để ngừng nhận loại email này.", "Press the button to stop emails of this kind."),
        Some(&format!("/unsubscribe/{token}")),
    )
}

/// One-click unsubscribe (RFC 8058): no sign-in, only for the user and kind the link was
/// made for.
#[utoipa::path(
    tag = "notifications",
    params(("token" = String, Path)),
    responses((status = 200, description = "Unsubscribed", content_type = "text/html"), (status = 400, body = crate::error::ProblemBody), (status = 404, body = crate::error::ProblemBody))
)]
#[post("/unsubscribe/{token}")]
pub async fn unsubscribe(
    state: web::Data<AppState>,
    token: web::Path<String>,
    visitor: crate::web::Visitor,
) -> Result<HttpResponse, AppError> {
    let (user_id, kinds, digest) = resolve(&state, &token)?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            store::recipient(conn, &user_id)?.ok_or(AppError::NotFound)?;
            if digest {
                for (kind, mode) in store::preferences(conn, &user_id)? {
                    if mode == Mode::Daily {
                        store::set_preference(conn, &user_id, kind, Mode::Off, now)?;
                    }
                }
            }
            for kind in kinds {
                store::set_preference(conn, &user_id, kind, Mode::Off, now)?;
            }
            Ok(())
        })
        .await?;
    page(
        &visitor,
        visitor.t("Đã hủy đăng ký", "Unsubscribed"),
        visitor.t(
            "Bạn sẽ không nhận loại email này nữa. Có thể bật lại trong phần cài đặt thông báo.",
            "You will no longer receive these emails. You can turn them back on in your notification settings.",
        ),
        None,
    )
}
