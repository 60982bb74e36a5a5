//! The state every request handler and job is given: the core's services (database,
//! clock, mail, queue, keys) and the few shared ones of the features (the search index,
//! the reference lists, the token keys and the password hasher). The core never names
//! it: each core module takes only what it needs. `startup` builds it.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::auth::password::PasswordHasher;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;
use crate::email::{Delivery, Mailer};
use crate::jobs::JobQueue;
use crate::ops::{self, Metrics};
use crate::search::indexing::Search;
use crate::secrets::ServerKeys;
use crate::taxonomy::Taxonomy;
use crate::vocabulary::Vocabulary;

pub struct AppState {
    pub settings: Settings,
    pub db: Db,
    pub clock: Clock,
    pub jwt: JwtKeys,
    pub passwords: PasswordHasher,
    pub mailer: Mailer,
    pub jobs: JobQueue,
    pub metrics: Metrics,
    pub taxonomy: Taxonomy,
    /// Regional and technical variants, for search and matching.
    pub vocabulary: Arc<Vocabulary>,
    /// Listings' topical profiles, for matching.
    pub topics: crate::matching::topic::TopicCache,
    pub search: Arc<Search>,
    pub unsubscribe: crate::notify::unsubscribe::UnsubscribeKey,
    /// Keys derived from the server's secret, each for one purpose.
    pub keys: ServerKeys,
    /// Verification and reset emails per address.
    pub mailbox_limits: ops::MailboxLimiter,
}

impl AppState {
    /// What the `send_email` job needs.
    pub fn delivery(&self) -> Delivery<'_> {
        Delivery { db: &self.db, mailer: &self.mailer, keys: &self.keys, clock: &self.clock }
    }
}

/// The state as handlers, jobs and timed work hold it.
pub type SharedState = actix_web::web::Data<AppState>;
