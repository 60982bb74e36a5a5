//! Notifications: in the app always, and by email as each user prefers for each kind —
//! at once, in a daily digest, or not at all. Every notification email can be stopped with
//! one click.

pub mod digest;
pub mod emails;
pub mod model;
pub mod pages;
pub mod routes;
pub mod saved_searches;
pub mod store;
pub mod unsubscribe;

use chrono::NaiveDateTime;

pub use model::{Kind, Mode};

use crate::app::AppState;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::i18n::Lang;

/// One event told to one person.
pub struct Notice<'a> {
    pub user_id: &'a str,
    pub kind: Kind,
    /// Unique for this event and this recipient; the email's idempotency key.
    pub event_key: String,
    pub lang: Lang,
    pub to: &'a str,
    pub to_name: &'a str,
    /// The province the event belongs to: its name is the sender's.
    pub province_name: Option<&'a str>,
    pub tenant_id: Option<&'a str>,
    /// One line: the in-app title and the email subject.
    pub title: String,
    /// The message, a paragraph per entry, in the recipient's language.
    pub paragraphs: Vec<String>,
    pub link: Option<String>,
    pub entity: Option<(&'a str, &'a str)>,
}

/// Stores the notification and, by the recipient's preference for its kind, queues its
/// email now, keeps it for the daily digest, or sends none — in the caller's transaction.
pub fn publish(
    conn: &mut DbConnection,
    state: &AppState,
    notice: Notice<'_>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let mode = store::preference(conn, notice.user_id, notice.kind)?;
    let id = uuid::Uuid::now_v7().to_string();
    let email_state = match mode {
        Mode::Instant => model::email_state::INSTANT,
        Mode::Daily => model::email_state::DIGEST,
        Mode::Off => model::email_state::OFF,
    };
    let body = notice.paragraphs.join("\n\n");
    store::insert(
        conn,
        &store::NewNotification {
            id: &id,
            user_id: notice.user_id,
            kind: notice.kind,
            title: &notice.title,
            body: &body,
            link: notice.link.as_deref(),
            entity: notice.entity,
            tenant_id: notice.tenant_id,
            email_state,
        },
        now,
    )?;
    if mode == Mode::Instant {
        let unsubscribe = unsubscribe_url(state, notice.user_id, notice.kind.as_str());
        let email = emails::single(&notice, &unsubscribe);
        crate::email::enqueue(conn, &state.jobs, &email)?;
    }
    Ok(())
}

pub fn unsubscribe_url(state: &AppState, user_id: &str, scope: &str) -> String {
    unsubscribe_link(&state.settings.server.public_url, &state.unsubscribe, user_id, scope)
}

/// The signed one-click unsubscribe address of `user_id` for `scope`. Pure.
pub fn unsubscribe_link(public_url: &str, key: &unsubscribe::UnsubscribeKey, user_id: &str, scope: &str) -> String {
    format!("{}/unsubscribe/{}", public_url.trim_end_matches('/'), key.sign(user_id, scope))
}

/// Greeting in the recipient's language.
pub fn greeting(lang: Lang, name: &str) -> String {
    match lang {
        Lang::Vi => format!("Xin chào {name},"),
        Lang::En => format!("Hello {name},"),
    }
}

/// Daily digests and saved searches, on the timer.
pub fn register(timed: &mut crate::schedule::TimedWork<crate::app::SharedState>) {
    timed
        .add("daily digests", |state: crate::app::SharedState| async move { Ok(digest::run_due(&state).await? as u64) })
        .add("saved searches", |state: crate::app::SharedState| async move {
            Ok(saved_searches::run_due(&state).await? as u64)
        });
}
