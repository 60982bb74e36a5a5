//! Email leaves only through the job queue: a feature renders a message and enqueues it in
//! the transaction of the change it reports; the `send_email` job hands it to the
//! configured transport once, keyed by its idempotency key.

mod transport;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

pub use transport::{Mailer, SendError};

use crate::clock::Clock;
use crate::db::schema::sent_emails;
use crate::db::{Db, DbConnection, insert_ignoring_duplicates};
use crate::error::AppError;
use crate::jobs::{Job, JobError, JobQueue};
use crate::secrets::ServerKeys;

/// Stands in a rendered message for the single-use token of its link. The `send_email`
/// job puts the token in at the last moment, rebuilt from `link_token_id`, so that the
/// token itself is never stored in the queue (nor anywhere else).
pub const LINK_TOKEN: &str = "@@link-token@@";

/// A rendered message waiting to be sent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// Idempotency key: one logical message, however often its job runs.
    pub key: String,
    pub to: String,
    pub to_name: Option<String>,
    /// Shown as the sender's name, e.g. the province's Department of S&T.
    pub sender_name: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// One-click unsubscribe address (RFC 8058), for notification emails.
    pub unsubscribe_url: Option<String>,
    /// The id the token of this message's link is rebuilt from (see [`LINK_TOKEN`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_token_id: Option<String>,
}

/// Sending one message is the `send_email` job.
impl Job for OutgoingEmail {
    const KIND: &'static str = "send_email";
}

impl OutgoingEmail {
    /// The message as it is sent: the link's token in place of [`LINK_TOKEN`].
    pub fn with_link_token(mut self, token: &str) -> OutgoingEmail {
        self.text = self.text.replace(LINK_TOKEN, token);
        self.html = self.html.replace(LINK_TOKEN, token);
        self
    }

    /// The message as the transport gets it: the token of its link, if it has one, rebuilt
    /// from `link_token_id` and put in.
    pub fn for_transport(self, keys: &ServerKeys) -> OutgoingEmail {
        match self.link_token_id.clone() {
            Some(token_id) => self.with_link_token(&keys.link_token(&token_id)),
            None => self,
        }
    }
}

/// What the layout of every HTML message shows: its language, its title (also the
/// subject) and the line at its foot. Each message's template has it as `frame`.
pub struct Frame<'a> {
    pub lang: &'a str,
    pub title: &'a str,
    pub footer: &'a str,
}

/// Renders a message's HTML and text bodies. The templates are checked when the crate
/// is compiled and write only to strings, so rendering cannot fail in practice; if it
/// did, the message would go out with the part that failed left empty, and it is logged.
pub fn render(html: &impl askama::Template, text: &impl askama::Template) -> (String, String) {
    let rendered = |template: &dyn askama::DynTemplate| {
        template.dyn_render().unwrap_or_else(|error| {
            tracing::error!(%error, "an email template failed to render");
            String::new()
        })
    };
    (rendered(html), rendered(text))
}

/// Enqueues the message in the caller's transaction. Messages to one recipient are sent
/// in the order they were enqueued.
pub fn enqueue(conn: &mut DbConnection, queue: &JobQueue, email: &OutgoingEmail) -> Result<bool, AppError> {
    let job = email
        .to_job()?
        .ordered_by(format!("mail:{}", email.to.to_lowercase()))
        .deduplicated_by(format!("mail:{}", email.key));
    queue.enqueue(conn, job)
}

/// What the `send_email` job needs.
pub struct Delivery<'a> {
    pub db: &'a Db,
    pub mailer: &'a Mailer,
    pub keys: &'a ServerKeys,
    pub clock: &'a Clock,
}

/// The `send_email` job.
pub async fn deliver(with: Delivery<'_>, email: OutgoingEmail) -> Result<(), JobError> {
    let key = email.key.clone();
    let already_sent = with
        .db
        .run(move |conn| {
            Ok(sent_emails::table
                .find(&key)
                .select(sent_emails::message_key)
                .first::<String>(conn)
                .optional()?
                .is_some())
        })
        .await?;
    if already_sent {
        return Ok(());
    }
    let email = email.for_transport(with.keys);

    let message_id = with.mailer.send(&email).await.map_err(|error| match error {
        SendError::Permanent(reason) => JobError::Permanent(reason),
        SendError::Transient(reason) => JobError::Retry(reason),
    })?;

    // Recorded right after the transport accepted the message: a crash between the two is
    // the only window in which a retry can send it again (see README, "Email delivery").
    let now = with.clock.now();
    with.db
        .run(move |conn| {
            insert_ignoring_duplicates(conn, |conn| {
                diesel::insert_into(sent_emails::table)
                    .values((
                        sent_emails::message_key.eq(&email.key),
                        sent_emails::recipient.eq(&email.to),
                        sent_emails::subject.eq(&email.subject),
                        sent_emails::message_id.eq(&message_id),
                        sent_emails::sent_at.eq(now),
                    ))
                    .execute(conn)
            })?;
            Ok(())
        })
        .await?;
    Ok(())
}
