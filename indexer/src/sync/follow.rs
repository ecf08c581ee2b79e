//! [`follow`]: [`super::catch_up_with`] for an index that searches share, so that
//! a large import does not pause search.
//!
//! A server keeps its index behind an `RwLock`: searches read it, and the follower
//! writes. Holding the write lock through a whole catch-up held it while records
//! were loaded from the store and embedded (seconds per thousand profiles with the
//! transformer), and every search waited that long. Here each batch of the change
//! feed goes through three steps, and only the last one writes:
//!
//! 1. the changed records are loaded from the store, with no lock;
//! 2. which of them need a vector is read under the *read* lock (a hash lookup
//!    each), and their texts are embedded with no lock at all;
//! 3. the batch is applied in chunks of [`APPLY_CHUNK`] changes, each under the
//!    write lock in holds of at most [`APPLY_HOLD`] (the lock is let go between
//!    them, so waiting searches run); each chunk is then committed in two halves:
//!    the slow one ([`Index::persist`]: a dozen `fsync`s, tantivy's commit and
//!    reload, the ids of new segments) under the *read* lock, beside searches, and
//!    the quick one ([`Index::publish`]: the new rows made searchable) under the
//!    write lock. Holding the write lock through the whole commit made searches wait
//!    up to 369 ms during a 100,000-profile import, and through a whole chunk's
//!    upserts 136 ms (`docs/performance.md`).
//!
//! Only the follower writes the index (the server's tasks run one after another,
//! and tantivy's writer lock keeps other processes out), so what step 2 read is
//! still true in step 3. Vectors missing from records indexed earlier are not
//! computed here but by [`super::backfill_some`], a bounded step at a time, so
//! that they never hold the feed back.
//!
//! The store's order is kept: chunks are applied in feed order and each commit
//! records the last change applied, so a crash between chunks replays the rest.

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use qabilet_store::Store;

use super::{
    apply_step, embed_wanted, load, to_i64, to_u64, use_models, wanted_texts, Embedders, Phase,
    Progress, SyncReport, FEED_BATCH,
};
use crate::{Index, Result};

/// Changes applied per commit (tantivy flushes a segment, the vectors are synced):
/// smaller chunks make more, smaller segments for tantivy to merge, and larger ones
/// let searches see an import later. What searches waited during a
/// 100,000-profile import is in `docs/performance.md`.
pub const APPLY_CHUNK: usize = 250;

/// The longest one hold of the write lock goes on applying changes before it lets
/// searches in (it finishes the change it is on).
pub const APPLY_HOLD: Duration = Duration::from_millis(5);

pub(super) fn read(index: &RwLock<Index>) -> RwLockReadGuard<'_, Index> {
    index.read().unwrap_or_else(|p| p.into_inner())
}

pub(super) fn write(index: &RwLock<Index>) -> RwLockWriteGuard<'_, Index> {
    index.write().unwrap_or_else(|p| p.into_inner())
}

/// Commits what was applied: [`Index::persist`] (the syncs, tantivy's commit and
/// reload) under the *read* lock, so searches go on, then [`Index::publish`] under
/// the write lock. Only the follower writes, so nothing is applied between the two.
pub(super) fn commit(index: &RwLock<Index>, report: &mut SyncReport) -> Result<u64> {
    let seq = read(index).persist()?;
    holding(index, report, "publish", |index, _| {
        index.publish(seq)?;
        Ok(index.last_applied_seq())
    })
}

/// Applies `items` one by one with `apply` under the write lock, letting go of it
/// whenever a hold has lasted [`APPLY_HOLD`]: what a search waits for is then one
/// short hold, whatever the chunk's size or the machine's load (a thread preempted
/// while it holds the lock makes every search wait with it).
pub(super) fn apply_in_short_holds<T>(
    index: &RwLock<Index>,
    report: &mut SyncReport,
    items: impl IntoIterator<Item = T>,
    mut apply: impl FnMut(&mut Index, T, &mut SyncReport) -> Result<()>,
) -> Result<()> {
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        holding(index, report, "apply", |index, report| {
            let taken = Instant::now();
            while taken.elapsed() < APPLY_HOLD {
                let Some(item) = items.next() else { break };
                apply(index, item, report)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// Runs `f` under the write lock and records how long the lock was held; a hold
/// over [`SLOW_HOLD`] is logged with `what` it was for, since every search waited
/// for it.
pub(super) fn holding<T>(
    index: &RwLock<Index>,
    report: &mut SyncReport,
    what: &'static str,
    f: impl FnOnce(&mut Index, &mut SyncReport) -> Result<T>,
) -> Result<T> {
    let mut guard = write(index);
    let taken = Instant::now();
    let out = f(&mut guard, report);
    drop(guard);
    let held = taken.elapsed();
    if held > SLOW_HOLD {
        tracing::info!(
            what,
            held_us = held.as_micros() as u64,
            "long hold of the index write lock"
        );
    }
    let held = u64::try_from(held.as_micros()).unwrap_or(u64::MAX);
    report.longest_hold_micros = report.longest_hold_micros.max(held);
    out
}

/// A hold of the write lock longer than this is logged.
const SLOW_HOLD: Duration = Duration::from_millis(20);

/// Applies every change of the store's feed after the index's last applied one
/// (up to change `up_to` when given), like the feed half of
/// [`super::catch_up_with`], taking the write lock only to apply and commit short
/// chunks (see the module docs); [`super::backfill_some`] is the other half. Blocking work (the embedder, commits) runs on
/// the calling task.
pub async fn follow(
    store: &Store,
    index: &RwLock<Index>,
    embedders: Embedders<'_>,
    up_to: Option<u64>,
    progress: &dyn Progress,
) -> Result<SyncReport> {
    let mut report = SyncReport {
        from_seq: read(index).last_applied_seq(),
        ..SyncReport::default()
    };
    // A new model (rare: a deployment changes it) drops every vector at once.
    holding(index, &mut report, "models", |index, report| {
        if use_models(index, embedders, report)? {
            index.commit()?;
        }
        Ok(())
    })?;

    let last_in_store = to_u64(store.last_change_seq().await?);
    let target = up_to.map_or(last_in_store, |up_to| up_to.min(last_in_store));
    let mut after = report.from_seq;
    progress.begin(Phase::Changes, target.saturating_sub(after));
    while after < target {
        let mut changes = store.changes_after(to_i64(after), FEED_BATCH).await?;
        changes.retain(|c| to_u64(c.seq) <= target);
        let Some(last) = changes.last().map(|c| to_u64(c.seq)) else {
            break;
        };
        let mut steps = load(store, &changes).await?;
        let wanted = wanted_texts(&read(index), &steps, embedders);
        let mut vectors = embed_wanted(wanted, steps.len(), embedders, &mut report)?;
        while !steps.is_empty() {
            let rest = steps.split_off(steps.len().min(APPLY_CHUNK));
            let rest_vectors = vectors.split_off(steps.len());
            let chunk = steps.into_iter().zip(vectors);
            apply_in_short_holds(
                index,
                &mut report,
                chunk,
                |index, (step, vector), report| apply_step(index, step, vector, report),
            )?;
            let seq = commit(index, &mut report)?;
            progress.committed(seq);
            (steps, vectors) = (rest, rest_vectors);
        }
        report.changes += changes.len() as u64;
        progress.advance(last.saturating_sub(after));
        after = last;
    }
    progress.end();
    report.to_seq = read(index).last_applied_seq();
    Ok(report)
}
