//! The personal-data pages: the notice, and "my data" (a copy, withdrawing a consent,
//! deleting the account).

use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::consent;
use crate::app::AppState;
use crate::db::schema::consents;
use crate::error::AppError;
use crate::web::cookies;
use crate::web::layout::Section;
use crate::web::{FieldErrors, Frame, PageForm, SignedIn, Visitor, render, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/privacy", web::get().to(notice))
        .route("/account/my-data", web::get().to(my_data))
        .route("/account/my-data.json", web::get().to(download))
        .route("/account/consents/digests/withdraw", web::post().to(withdraw_digests))
        .route("/account/delete", web::post().to(delete));
}

#[derive(Template)]
#[template(path = "privacy/notice.html")]
struct NoticePage<'a> {
    frame: Frame<'a>,
    version: &'static str,
}

/// `/privacy`: the personal-data notice, in the page's language, with its version.
async fn notice(visitor: Visitor) -> Result<HttpResponse, AppError> {
    render(&NoticePage {
        frame: Frame::new(
            &visitor,
            visitor.t("Thông báo về xử lý dữ liệu cá nhân", "Personal-data notice"),
            Section::None,
        ),
        version: consent::NOTICE_VERSION,
    })
}

/// A consent as the page lists it.
pub struct ConsentLine {
    pub purpose: String,
    pub version: String,
    pub granted: String,
    pub withdrawn: Option<String>,
}

#[derive(Template)]
#[template(path = "privacy/my_data.html")]
struct MyDataPage<'a> {
    frame: Frame<'a>,
    consents: Vec<ConsentLine>,
    digests_active: bool,
    errors: FieldErrors,
}

async fn my_data_page(
    state: &AppState,
    signed: &SignedIn,
    errors: FieldErrors,
    flash: Option<String>,
) -> Result<HttpResponse, AppError> {
    let user_id = signed.principal.user_id.clone();
    let rows: Vec<(String, String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> = state
        .db
        .run(move |conn| {
            Ok(consents::table
                .filter(consents::user_id.eq(&user_id))
                .order(consents::granted_at)
                .select((consents::purpose, consents::notice_version, consents::granted_at, consents::withdrawn_at))
                .load(conn)?)
        })
        .await?;
    let lang = signed.visitor.lang;
    let digests_active = rows.iter().any(|(p, _, _, w)| p == consent::DIGESTS && w.is_none());
    let consents = rows
        .into_iter()
        .map(|(purpose, version, granted, withdrawn)| ConsentLine {
            purpose: match purpose.as_str() {
                consent::ACCOUNT => lang.pick("Tài khoản", "The account").to_owned(),
                consent::DIGESTS => {
                    lang.pick("Bản tin và thông báo qua email", "Digests and alerts by email").to_owned()
                }
                other => other.to_owned(),
            },
            version,
            granted: crate::web::display::moment(granted, lang),
            withdrawn: withdrawn.map(|w| crate::web::display::moment(w, lang)),
        })
        .collect();
    render(&MyDataPage {
        frame: Frame::new(&signed.visitor, signed.visitor.t("Dữ liệu của tôi", "My data"), Section::Account)
            .with_flash(flash),
        consents,
        digests_active,
        errors,
    })
}

async fn my_data(state: web::Data<AppState>, signed: SignedIn) -> Result<HttpResponse, AppError> {
    my_data_page(&state, &signed, FieldErrors::default(), None).await
}

/// The copy of everything held, as one JSON file.
async fn download(state: web::Data<AppState>, signed: SignedIn) -> Result<HttpResponse, AppError> {
    let (user_id, now) = (signed.principal.user_id.clone(), state.clock.now());
    let data = state.db.run(move |conn| super::subject::export(conn, &user_id, now)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("content-disposition", "attachment; filename=\"techbridge-my-data.json\""))
        .json(data))
}

#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

async fn withdraw_digests(
    state: web::Data<AppState>,
    signed: SignedIn,
    _form: PageForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (user_id, now) = (signed.principal.user_id.clone(), state.clock.now());
    state.db.write(move |conn| super::subject::withdraw(conn, &user_id, consent::DIGESTS, now)).await?;
    let flash =
        signed.visitor.t("Đã rút lại đồng ý. Bản tin hằng ngày đã tắt.", "Consent withdrawn. Daily digests are off.");
    my_data_page(&state, &signed, FieldErrors::default(), Some(flash.to_owned())).await
}

#[derive(Debug, Default, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    password: String,
}

async fn delete(
    state: web::Data<AppState>,
    signed: SignedIn,
    PageForm(form): PageForm<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    match super::routes::delete_account(&state, &signed.principal.user_id, Some(form.password)).await {
        Ok(()) => {
            let secure = cookies::secure(&state.settings.server.public_url);
            let mut answer = see_other("/?deleted=1");
            let _ = answer.add_cookie(&cookies::session_removed(secure));
            Ok(answer)
        }
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            my_data_page(&state, &signed, FieldErrors::from_error(&error, signed.visitor.lang), None).await
        }
        Err(other) => Err(other),
    }
}
