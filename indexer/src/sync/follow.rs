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
//! 3. the batch is applied under the write lock in chunks of [`APPLY_CHUNK`]
//!    changes; each chunk is then committed in two halves: the slow one
//!    ([`Index::persist`]: a dozen `fsync`s, tantivy's commit and reload, the ids
//!    of new segments) under the *read* lock, beside searches, and the quick one
//!    ([`Index::publish`]: the new vectors mapped) under the write lock. A search
//!    waits for at most one chunk's upserts or one publish. Holding the write lock
//!    through the whole commit made searches wait up to 369 ms during a
//!    100,000-profile import (`docs/performance.md`).
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
use std::time::Instant;

use qabilet_store::Store;

use super::{
    apply_steps, embed_wanted, load, to_i64, to_u64, use_models, wanted_texts, Embedders, Phase,
    Progress, SyncReport, FEED_BATCH,
};
use crate::{Index, Result};

/// Changes applied and committed per hold of the write lock: a search waits for
/// at most one chunk's upserts and commit (tantivy flushes a segment, the vectors
/// are synced). Smaller chunks make more, smaller segments for tantivy to merge.
/// What searches waited during a 100,000-profile import is in
/// `docs/performance.md`.
pub const APPLY_CHUNK: usize = 250;

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
    holding(index, report, |index, _| {
        index.publish(seq)?;
        Ok(index.last_applied_seq())
    })
}

/// Runs `f` under the write lock and records how long the lock was held.
pub(super) fn holding<T>(
    index: &RwLock<Index>,
    report: &mut SyncReport,
    f: impl FnOnce(&mut Index, &mut SyncReport) -> Result<T>,
) -> Result<T> {
    let mut guard = write(index);
    let taken = Instant::now();
    let out = f(&mut guard, report);
    drop(guard);
    let held = u64::try_from(taken.elapsed().as_micros()).unwrap_or(u64::MAX);
    report.longest_hold_micros = report.longest_hold_micros.max(held);
    out
}

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
    holding(index, &mut report, |index, report| {
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
            holding(index, &mut report, |index, report| {
                apply_steps(index, steps, vectors, report, &mut |_| {})
            })?;
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
