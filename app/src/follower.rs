//! The index follower: keeps the search index in step with the store while the
//! server runs.
//!
//! Every tick (~500 ms) it compares the store's last change number with the index's
//! and, when the index lags, applies the change feed with
//! [`qabilet_indexer::sync::catch_up`] — embedding changed records when a model is
//! loaded. A revoked consent therefore leaves search within about a second, without
//! waiting for `qabilet index sync`.
//!
//! `catch_up` needs the index mutably, so it runs under the write lock on the
//! blocking pool; searches wait for that batch. Steady-state batches are a handful of
//! changes (milliseconds); a bulk import with a model embeds while holding the lock,
//! which delays searches for that time rather than serving a half-applied batch.
//!
//! When the index holds interim (static-model) profile vectors and the transformer
//! is loaded, each tick then upgrades one small batch of them
//! ([`qabilet_indexer::sync::upgrade`]): embedded outside the lock, swapped under it.
//! A batch of [`UPGRADE_BATCH`] takes about half a second on two cores (int8), so a
//! change waits at most that much longer, and a restart resumes where it stopped.

use std::sync::Arc;
use std::time::Duration;

use qabilet_indexer::sync::{catch_up, upgrade, Embedder, SyncReport, UpgradeReport};
use qabilet_models::EmbeddingModel;
use qabilet_store::Store;

use crate::SharedIndex;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often the follower looks at the change feed.
pub const DEFAULT_TICK: Duration = Duration::from_millis(500);

/// Interim vectors upgraded per tick.
pub const UPGRADE_BATCH: usize = 32;

/// Upgrades one batch of interim profile vectors to `model`'s; `None` when there
/// are none.
pub async fn upgrade_once(
    store: &Store,
    index: &SharedIndex,
    model: &Arc<EmbeddingModel>,
    batch: usize,
) -> Result<Option<UpgradeReport>, String> {
    let (store, index, model) = (store.clone(), index.clone(), model.clone());
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let waiting = index
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .interim_count();
        if waiting == 0 {
            return Ok(None);
        }
        let limit = Some(batch as u64);
        runtime
            .block_on(upgrade(&store, &index, &*model, batch, limit, &(), &|| {
                false
            }))
            .map(Some)
    })
    .await
    .map_err(|e| format!("index upgrade task: {e}"))?
    .map_err(|e| e.to_string())
}

/// Applies the changes the index has not seen yet; `None` when it was up to date.
pub async fn follow_once(
    store: &Store,
    index: &SharedIndex,
    model: Option<&Arc<EmbeddingModel>>,
) -> Result<Option<SyncReport>, String> {
    let target = store.last_change_seq().await.map_err(|e| e.to_string())?;
    // On the blocking pool: never block an async worker on the index lock.
    let reading = index.clone();
    let applied = tokio::task::spawn_blocking(move || {
        reading
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .last_applied_seq()
    })
    .await
    .map_err(|e| format!("index follower task: {e}"))?;
    if u64::try_from(target).unwrap_or(0) <= applied {
        return Ok(None);
    }
    let (store, index, model) = (store.clone(), index.clone(), model.cloned());
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let mut index = index.write().unwrap_or_else(|p| p.into_inner());
        let embedder = model.as_deref().map(|m| m as &dyn Embedder);
        runtime.block_on(catch_up(&store, &mut index, embedder, &()))
    })
    .await
    .map_err(|e| format!("index follower task: {e}"))?
    .map(Some)
    .map_err(|e| e.to_string())
}

/// Runs [`follow_once`] every `tick` until `stop` turns true. Failures are logged
/// and retried on the next tick: the index only lags, it never diverges, because
/// the next run replays from the last committed change.
pub fn spawn_follower(
    store: Store,
    index: SharedIndex,
    model: Option<Arc<EmbeddingModel>>,
    tick: Duration,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(tick) => {}
                _ = stop.wait_for(|s| *s) => break,
            }
            match follow_once(&store, &index, model.as_ref()).await {
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
            let Some(model) = &model else { continue };
            match upgrade_once(&store, &index, model, UPGRADE_BATCH).await {
                Ok(Some(r)) => tracing::debug!(
                    upgraded = r.upgraded,
                    remaining = r.remaining,
                    "interim vectors upgraded"
                ),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "index upgrade: will retry"),
            }
        }
    })
}
