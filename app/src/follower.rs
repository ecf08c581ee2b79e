//! The index follower: keeps the search index in step with the store while the
//! server runs.
//!
//! Every tick (~500 ms) it compares the store's last change number with the index's
//! and, when the index lags, applies the change feed with
//! [`qabilet_indexer::sync::follow`] — embedding changed records when a model is
//! loaded. A revoked consent therefore leaves search within about a second, without
//! waiting for `qabilet index sync`.
//!
//! It runs on the blocking pool through [`qabilet_indexer::sync::follow`], which
//! loads the changed records and embeds them without the index's write lock and
//! takes it only in short holds ([`qabilet_indexer::sync::APPLY_HOLD`]) to apply
//! changes and to publish each commit of [`qabilet_indexer::sync::APPLY_CHUNK`]
//! changes: a bulk import with a model no longer pauses search while it embeds (it
//! used to hold the write lock through loading and embedding a whole batch).
//!
//! Then, when the index lacks vectors the loaded models could compute (built
//! without a model, or the model changed), it computes them for about
//! [`BACKFILL_BUDGET`] ([`qabilet_indexer::sync::backfill_some`]), resuming next
//! tick where it stopped: the feed goes first, so a change never waits behind a
//! backfill of thousands of records.
//!
//! When the index holds interim (static-model) profile vectors and the transformer
//! is loaded, each tick then upgrades one small batch of them
//! ([`qabilet_indexer::sync::upgrade`]): embedded outside the lock, swapped under it.
//! A batch of [`UPGRADE_BATCH`] takes about half a second on two cores (int8), so a
//! change waits at most that much longer, and a restart resumes where it stopped.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use qabilet_indexer::sync::{
    backfill_some, follow, upgrade, BackfillCursor, Embedder, Embedders, SyncReport, UpgradeReport,
};
use qabilet_models::{EmbeddingModel, StaticModel};
use qabilet_store::Store;

use crate::SharedIndex;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often the follower looks at the change feed.
pub const DEFAULT_TICK: Duration = Duration::from_millis(500);

/// Interim vectors upgraded per tick.
pub const UPGRADE_BATCH: usize = 32;

/// How long one tick's backfill embeds at most (beyond its first chunk of
/// [`qabilet_indexer::sync::BACKFILL_CHUNK`] records): what a change may wait for
/// behind it.
pub const BACKFILL_BUDGET: Duration = Duration::from_millis(250);

/// Computes, for about `budget`, vectors missing from the index, resuming at
/// `cursor`: vacancies' with the transformer, profiles' with the bulk model when
/// given (interim vectors, upgraded later) and with the transformer otherwise.
/// Returns the cursor to resume at, and the report when anything was embedded.
pub async fn backfill_once(
    store: &Store,
    index: &SharedIndex,
    model: Option<&Arc<EmbeddingModel>>,
    bulk: Option<&BulkModel>,
    mut cursor: BackfillCursor,
    budget: Duration,
) -> (BackfillCursor, Result<Option<SyncReport>, String>) {
    let Some(model) = model.cloned() else {
        return (cursor, Ok(None));
    };
    let interim = bulk.map(|b| b.model.clone());
    let stepped = on_blocking_pool(store, index, move |store, index, runtime| {
        let embedders = Embedders {
            main: Some(&*model as &dyn Embedder),
            interim: interim.as_deref().map(|m| m as &dyn Embedder),
        };
        let done = runtime.block_on(backfill_some(store, index, embedders, &mut cursor, budget));
        (cursor, done)
    });
    match stepped.await {
        Ok((cursor, done)) => {
            let done = done.map_err(|e| e.to_string()).map(|report| {
                LONGEST_HOLD.fetch_max(report.longest_hold_micros, Ordering::Relaxed);
                Some(report).filter(|r| r.embedded > 0)
            });
            (cursor, done)
        }
        // The cursor went with the task: the next tick starts a new pass.
        Err(e) => (BackfillCursor::default(), Err(e)),
    }
}

/// Upgrades one batch of interim profile vectors to `model`'s; `None` when there
/// are none.
pub async fn upgrade_once(
    store: &Store,
    index: &SharedIndex,
    model: &Arc<EmbeddingModel>,
    batch: usize,
) -> Result<Option<UpgradeReport>, String> {
    let model = model.clone();
    on_blocking_pool(store, index, move |store, index, runtime| {
        let waiting = index
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .interim_count();
        if waiting == 0 {
            return Ok(None);
        }
        let limit = Some(batch as u64);
        let never = || false;
        runtime
            .block_on(upgrade(store, index, &*model, batch, limit, &(), &never))
            .map(Some)
    })
    .await?
    .map_err(|e| e.to_string())
}

/// Runs `job` on the blocking pool with the store, the index and the runtime (to
/// block on the store there): every job of the follower may wait for the index's
/// lock or embed for a while, which must never stall an async worker.
async fn on_blocking_pool<T: Send + 'static>(
    store: &Store,
    index: &SharedIndex,
    job: impl FnOnce(&Store, &SharedIndex, &tokio::runtime::Handle) -> T + Send + 'static,
) -> Result<T, String> {
    let (store, index) = (store.clone(), index.clone());
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || job(&store, &index, &runtime))
        .await
        .map_err(|e| format!("index follower task: {e}"))
}

/// The longest the follower has held the index's write lock in this process,
/// in microseconds: what a search may have waited for at most (see
/// [`crate::index_read_waits`] for what they did wait).
pub fn longest_write_hold_micros() -> u64 {
    LONGEST_HOLD.load(Ordering::Relaxed)
}

static LONGEST_HOLD: AtomicU64 = AtomicU64::new(0);

/// A backlog of at least this many changes (a bulk import) gives the profiles
/// it changes interim vectors of the index's static model, upgraded afterwards
/// like a bulk load's, instead of the transformer's. The national load test
/// imported 100,000 profiles beside a server with the transformer loaded: it
/// embeds each feed batch of 1,000 before committing, and six minutes later
/// `/readyz` still reported 97,000 changes behind; the static model took the same
/// import in 160 s. Edits of a few profiles still get the transformer at once.
pub const BULK_BACKLOG: u64 = 2_000;

/// Changes the transformer embeds per follower call when a static model could
/// take a bulk backlog (see [`BulkModel`]).
pub const TRANSFORMER_STEP: u64 = 64;

/// The static model a follower gives a bulk backlog's profiles (see
/// [`BULK_BACKLOG`]), and from how many changes behind.
#[derive(Clone)]
pub struct BulkModel {
    pub model: Arc<StaticModel>,
    pub from_backlog: u64,
}

/// Applies the changes the index has not seen yet; `None` when it was up to date.
pub async fn follow_once(
    store: &Store,
    index: &SharedIndex,
    model: Option<&Arc<EmbeddingModel>>,
) -> Result<Option<SyncReport>, String> {
    follow_once_with(store, index, model, None).await
}

/// [`follow_once`], embedding a backlog of `bulk.from_backlog` changes or more
/// with `bulk.model` for profiles.
pub async fn follow_once_with(
    store: &Store,
    index: &SharedIndex,
    model: Option<&Arc<EmbeddingModel>>,
    bulk: Option<&BulkModel>,
) -> Result<Option<SyncReport>, String> {
    let target = store.last_change_seq().await.map_err(|e| e.to_string())?;
    let target = u64::try_from(target).unwrap_or(0);
    let bulk = bulk.cloned();
    let model = model.cloned();
    on_blocking_pool(store, index, move |store, index, runtime| {
        let applied = index
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .last_applied_seq();
        if target <= applied {
            return Ok(None);
        }
        let (interim, up_to) = match &bulk {
            Some(b) if target - applied >= b.from_backlog => (Some(b.model.clone()), None),
            // The transformer takes a few changes per call while the static model
            // is at hand, so that an import which has just begun (its first tick
            // sees a short backlog) is taken as a bulk one at the next tick rather
            // than after minutes of embedding a whole feed batch.
            Some(_) => (None, Some(applied + TRANSFORMER_STEP)),
            None => (None, None),
        };
        let embedders = Embedders {
            main: model.as_deref().map(|m| m as &dyn Embedder),
            interim: interim.as_deref().map(|m| m as &dyn Embedder),
        };
        let report = runtime.block_on(follow(store, index, embedders, up_to, &()));
        report.map(|report| {
            LONGEST_HOLD.fetch_max(report.longest_hold_micros, Ordering::Relaxed);
            Some(report)
        })
    })
    .await?
    .map_err(|e| e.to_string())
}

/// Runs [`follow_once`] every `tick` until `stop` turns true, computing missing
/// vectors ([`backfill_once`]) and upgrading interim ones as it goes. Failures are
/// logged and retried on the next tick: the index
/// only lags, it never diverges, because the next run replays from the last
/// committed change.
pub fn spawn_follower(
    store: Store,
    index: SharedIndex,
    model: Option<Arc<EmbeddingModel>>,
    tick: Duration,
    stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    spawn_follower_with(store, index, model, tick, stop, true, None)
}

/// [`spawn_follower`], upgrading interim vectors only when `upgrade` is true, and
/// giving a bulk backlog's profiles `bulk`'s vectors (see [`BULK_BACKLOG`]). After
/// a national bulk load the upgrade keeps about one core busy for hours (a batch of
/// [`UPGRADE_BATCH`] per tick), so an operator may leave it to `qabilet index
/// upgrade` off-peak (`qabilet serve --no-interim-upgrade`).
pub fn spawn_follower_with(
    store: Store,
    index: SharedIndex,
    model: Option<Arc<EmbeddingModel>>,
    tick: Duration,
    mut stop: watch::Receiver<bool>,
    upgrade: bool,
    bulk: Option<BulkModel>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut cursor = BackfillCursor::default();
        loop {
            tokio::select! {
                _ = tokio::time::sleep(tick) => {}
                _ = stop.wait_for(|s| *s) => break,
            }
            match follow_once_with(&store, &index, model.as_ref(), bulk.as_ref()).await {
                Ok(Some(r)) => tracing::debug!(
                    changes = r.changes,
                    upserted = r.upserted,
                    removed = r.removed,
                    embedded = r.embedded,
                    to_seq = r.to_seq,
                    "index caught up"
                ),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "index follower: will retry"),
            }
            let done;
            (cursor, done) = backfill_once(
                &store,
                &index,
                model.as_ref(),
                bulk.as_ref(),
                cursor,
                BACKFILL_BUDGET,
            )
            .await;
            match done {
                Ok(Some(r)) => tracing::debug!(embedded = r.embedded, "missing vectors computed"),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "index backfill: will retry"),
            }
            let Some(model) = model.as_ref().filter(|_| upgrade) else {
                continue;
            };
            match upgrade_once(&store, &index, model, UPGRADE_BATCH).await {
                Ok(Some(r)) => {
                    LONGEST_HOLD.fetch_max(r.longest_hold_micros, Ordering::Relaxed);
                    tracing::debug!(
                        upgraded = r.upgraded,
                        remaining = r.remaining,
                        "interim vectors upgraded"
                    )
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "index upgrade: will retry"),
            }
        }
    })
}
