//! The province's review, shared by everything it reviews (organizations, listings): the
//! decision a moderator sends, the conflicts two officers can run into, telling the owners,
//! and the queue of what waits. The features feed it; it imports none of them.

pub mod conflict;
pub mod decision;
pub mod owners;
pub mod queue;
pub mod snapshot;

pub use conflict::{Reviewed, check_version, not_allowed, stale};
pub use decision::{Commentable, Decision, DecisionRequest, ReviewAction, parse_decision};
pub use owners::{Owner, OwnerNotice, tell_owners};
pub use queue::{QueueQuery, QueueSource, ReviewQueues};

/// The longest reason a decision may give.
pub const REASON_MAX: usize = 2000;
/// The longest comment on one field.
pub const COMMENT_MAX: usize = 1000;
