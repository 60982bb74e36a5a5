//! The one source of "now" for rules that depend on time (token lifetimes, job backoff,
//! expiry, digests), so that tests can move time forward instead of sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{Duration, NaiveDateTime, Utc};

#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Seconds added to the system time; only ever non-zero in tests.
    offset_secs: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::default()
    }

    /// Current time in UTC, as stored in the database.
    pub fn now(&self) -> NaiveDateTime {
        Utc::now().naive_utc() + Duration::seconds(self.offset_secs.load(Ordering::Relaxed))
    }

    /// Moves this clock (and every copy of it) forward.
    pub fn advance(&self, by: Duration) {
        self.offset_secs.fetch_add(by.num_seconds(), Ordering::Relaxed);
    }

    /// Sets this clock (and every copy of it) to a given moment, from which it runs on.
    pub fn travel_to(&self, at: NaiveDateTime) {
        let offset = (at - Utc::now().naive_utc()).num_seconds();
        self.offset_secs.store(offset, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_every_copy() {
        let clock = Clock::system();
        let copy = clock.clone();
        let before = copy.now();
        clock.advance(Duration::days(2));
        assert!(copy.now() - before >= Duration::days(2));
        let target = before - Duration::days(30);
        clock.travel_to(target);
        assert!((copy.now() - target).num_seconds().abs() <= 1);
    }
}
