//! The change log the search indexes follow: one row per listing change, appended in the
//! transaction of the change, read in order by every instance.
//!
//! PostgreSQL hands out sequence numbers before commit, so a reader can see seq 12
//! committed while seq 11 is still in flight. A follower therefore stops at the first
//! gap, and waits for it for a while before deciding that its transaction rolled back.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{index_changes, index_positions};
use crate::error::AppError;

/// How long a gap in the log may be a transaction still in flight.
pub const GAP_PATIENCE: Duration = Duration::from_secs(30);
/// Where a rebuilt index starts following: a little before the end of the log, so that
/// changes still in flight when it was read are applied after it.
pub const REBUILD_OVERLAP: chrono::Duration = chrono::Duration::seconds(60);
/// The row of `index_positions` that says up to where the log has been pruned.
const PRUNED: &str = "_pruned";

/// Appends a change of this listing, in the caller's transaction.
pub fn record(conn: &mut DbConnection, listing_id: &str) -> Result<(), AppError> {
    diesel::insert_into(index_changes::table)
        .values((index_changes::listing_id.eq(listing_id), index_changes::created_at.eq(wall_clock())))
        .execute(conn)?;
    Ok(())
}

/// The log is operational, not business data: its times are the machine's.
fn wall_clock() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Changes after `position`, oldest first.
pub fn after(conn: &mut DbConnection, position: i64, limit: i64) -> Result<Vec<(i64, String)>, AppError> {
    Ok(index_changes::table
        .filter(index_changes::seq.gt(position))
        .order(index_changes::seq.asc())
        .select((index_changes::seq, index_changes::listing_id))
        .limit(limit)
        .load(conn)?)
}

/// The position a rebuilt index starts from (see [`REBUILD_OVERLAP`]).
pub fn rebuild_start(conn: &mut DbConnection) -> Result<i64, AppError> {
    let settled = wall_clock() - REBUILD_OVERLAP;
    let last: Option<i64> = index_changes::table
        .filter(index_changes::created_at.le(settled))
        .select(diesel::dsl::max(index_changes::seq))
        .first(conn)?;
    Ok(last.unwrap_or(0).max(pruned_up_to(conn)?))
}

/// The position of a shared index, kept in the database under its name.
pub fn stored_position(conn: &mut DbConnection, name: &str) -> Result<Option<i64>, AppError> {
    Ok(index_positions::table.find(name).select(index_positions::position).first(conn).optional()?)
}

/// Moves a shared index's stored position forward (never back: several instances may
/// follow it at once).
pub fn store_position(conn: &mut DbConnection, name: &str, position: i64) -> Result<(), AppError> {
    let moved = diesel::update(index_positions::table.find(name).filter(index_positions::position.lt(position)))
        .set(index_positions::position.eq(position))
        .execute(conn)?;
    if moved == 0 && stored_position(conn, name)?.is_none() {
        crate::db::insert_ignoring_duplicates(conn, |conn| {
            diesel::insert_into(index_positions::table)
                .values((index_positions::name.eq(name), index_positions::position.eq(position)))
                .execute(conn)
        })?;
    }
    Ok(())
}

/// Up to where the log has been pruned: an index behind this must be rebuilt.
pub fn pruned_up_to(conn: &mut DbConnection) -> Result<i64, AppError> {
    Ok(stored_position(conn, PRUNED)?.unwrap_or(0))
}

/// Deletes changes older than `keep`, remembering up to where.
pub fn prune(conn: &mut DbConnection, keep: chrono::Duration) -> Result<usize, AppError> {
    let before = wall_clock() - keep;
    let last: Option<i64> = index_changes::table
        .filter(index_changes::created_at.lt(before))
        .select(diesel::dsl::max(index_changes::seq))
        .first(conn)?;
    let Some(last) = last else {
        return Ok(0);
    };
    store_position(conn, PRUNED, last)?;
    Ok(diesel::delete(index_changes::table.filter(index_changes::seq.le(last))).execute(conn)?)
}

/// Gaps seen in the log (by their first missing number), with when each was first seen.
#[derive(Debug, Default)]
pub struct Gaps(BTreeMap<i64, Instant>);

/// How far a follower at `position` may move, having read these sequence numbers
/// (ascending): to the end of the first run without a gap, where a gap older than
/// `patience` counts as a rolled-back transaction. Returns the new position and whether a
/// gap held it back.
pub fn contiguous_end(position: i64, seqs: &[i64], gaps: &mut Gaps, now: Instant, patience: Duration) -> (i64, bool) {
    let mut reached = position;
    for &seq in seqs {
        if reached + 1 < seq {
            // Numbers reached+1 ..= seq-1 are missing: one gap, timed from its first sight.
            let first_seen = *gaps.0.entry(reached + 1).or_insert(now);
            if now.duration_since(first_seen) < patience {
                gaps.0.retain(|&gap, _| gap > reached);
                return (reached, true);
            }
        }
        reached = reached.max(seq);
    }
    gaps.0.retain(|&gap, _| gap > reached);
    (reached, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATIENCE: Duration = Duration::from_secs(30);

    #[test]
    fn a_follower_moves_to_the_end_of_an_unbroken_run() {
        let mut gaps = Gaps::default();
        let now = Instant::now();
        assert_eq!(contiguous_end(0, &[1, 2, 3], &mut gaps, now, PATIENCE), (3, false));
        assert_eq!(contiguous_end(3, &[], &mut gaps, now, PATIENCE), (3, false));
    }

    #[test]
    fn a_gap_holds_the_follower_back_until_it_is_filled_or_too_old() {
        let mut gaps = Gaps::default();
        let start = Instant::now();
        // 3 is still in flight: stop at 2.
        assert_eq!(contiguous_end(0, &[1, 2, 4, 5], &mut gaps, start, PATIENCE), (2, true));
        // It commits: everything follows.
        assert_eq!(contiguous_end(2, &[3, 4, 5], &mut gaps, start + Duration::from_secs(1), PATIENCE), (5, false));
        assert!(gaps.0.is_empty());
        // 6 never commits (rolled back): after the patience, it is passed over.
        assert_eq!(contiguous_end(5, &[7], &mut gaps, start, PATIENCE), (5, true));
        assert_eq!(contiguous_end(5, &[7], &mut gaps, start + Duration::from_secs(10), PATIENCE), (5, true));
        assert_eq!(contiguous_end(5, &[7, 8], &mut gaps, start + Duration::from_secs(31), PATIENCE), (8, false));
        assert!(gaps.0.is_empty());
    }

    #[test]
    fn a_wide_gap_is_one_gap_and_a_partly_filled_one_keeps_its_age() {
        let mut gaps = Gaps::default();
        let start = Instant::now();
        assert_eq!(contiguous_end(0, &[5], &mut gaps, start, PATIENCE), (0, true));
        // 2 commits meanwhile; the gap still starts at 1 and is as old as before.
        let later = start + Duration::from_secs(20);
        assert_eq!(contiguous_end(0, &[2, 5], &mut gaps, later, PATIENCE), (0, true));
        // Past the patience, 1 is passed over; 3..=4 is a new gap, timed from now.
        let past = start + Duration::from_secs(31);
        assert_eq!(contiguous_end(0, &[2, 5], &mut gaps, past, PATIENCE), (2, true));
        assert_eq!(contiguous_end(2, &[5], &mut gaps, past + PATIENCE, PATIENCE), (5, false));
        assert!(gaps.0.is_empty());
    }
}
