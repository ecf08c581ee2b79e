//! The upgrade: replacing interim profile vectors with the transformer's, in the
//! background, resumably.
//!
//! It walks the interim store in batches. Each batch picks profiles under a read
//! lock, loads them from the store and embeds them *without* any lock (the slow
//! part: seconds per batch), then takes the write lock only to swap the vectors and
//! commit. A profile edited meanwhile (its text no longer the interim vector's) is
//! left alone: the change feed gives it a vector of its own.
//!
//! Nothing but the two vector stores records how far it got, so stopping it (or a
//! crash, or a restart of the service) loses at most one batch and the next run
//! goes on from there. After each batch it writes `upgrade.json` into the index
//! directory (the rate and what remains), which `qabilet index status` and
//! `/metrics` read for the ETA. The rate is over wall time since the previous
//! batch, smoothed: the server's follower upgrades one batch per tick, so the time
//! between its batches counts too.

use std::collections::HashSet;
use std::path::Path;
use std::sync::RwLock;
use std::time::Instant;

use qabilet_domain::ConsentPurpose;
use qabilet_store::Store;
use serde::{Deserialize, Serialize};

use super::follow::{holding, read, write};
use super::{embed, Embedder, Phase, Progress, SyncReport};
use crate::schema::profile_embedding_text;
use crate::vectors::text_hash;
use crate::{Error, Index, Result};

/// File in the index directory with the last progress of the upgrade.
const PROGRESS_FILE: &str = "upgrade.json";
/// Batches further apart than this belong to separate runs: the rate starts anew.
const SAME_RUN_MS: i64 = 60_000;
/// Weight of the newest batch in the smoothed rate.
const RATE_SMOOTHING: f64 = 0.2;

/// What the upgrade recorded after its last batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpgradeProgress {
    /// The transformer the vectors are upgraded to.
    pub model: String,
    /// Profiles upgraded by the run that wrote this (batches less than a minute
    /// apart are one run).
    pub upgraded: u64,
    /// Profiles still with an interim vector.
    pub remaining: u64,
    /// Profiles per second of wall time, smoothed over the run's batches.
    pub per_second: f64,
    /// When it was written (Unix seconds).
    pub updated_at: i64,
    /// The same in milliseconds, for the rate.
    #[serde(default)]
    pub updated_at_ms: i64,
}

impl UpgradeProgress {
    /// The progress recorded in the index directory `dir`, if any.
    pub fn read(dir: &Path) -> Option<UpgradeProgress> {
        let bytes = std::fs::read(dir.join(PROGRESS_FILE)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Seconds until every profile is upgraded at the recorded rate.
    pub fn eta_seconds(&self) -> Option<f64> {
        (self.per_second > 0.0).then(|| self.remaining as f64 / self.per_second)
    }

    /// The progress after a batch of `done` profiles that took `seconds`, carried on
    /// from the previous batch's record when it is of the same run.
    fn after_batch(dir: &Path, model: &str, done: u64, seconds: f64, remaining: u64) -> Self {
        let now = chrono::Utc::now();
        let now_ms = now.timestamp_millis();
        let previous = UpgradeProgress::read(dir).filter(|p| {
            p.model == model
                && p.updated_at_ms > 0
                && (0..SAME_RUN_MS).contains(&(now_ms - p.updated_at_ms))
        });
        let (upgraded, per_second) = match previous {
            Some(p) => {
                let since = ((now_ms - p.updated_at_ms) as f64 / 1e3)
                    .max(seconds)
                    .max(1e-3);
                let rate = done as f64 / since;
                let smoothed = if p.per_second > 0.0 {
                    (1.0 - RATE_SMOOTHING) * p.per_second + RATE_SMOOTHING * rate
                } else {
                    rate
                };
                (p.upgraded + done, smoothed)
            }
            None => (done, done as f64 / seconds.max(1e-3)),
        };
        UpgradeProgress {
            model: model.to_owned(),
            upgraded,
            remaining,
            per_second,
            updated_at: now.timestamp(),
            updated_at_ms: now_ms,
        }
    }

    fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(PROGRESS_FILE);
        let tmp = dir.join(format!("{PROGRESS_FILE}.tmp"));
        let bytes = serde_json::to_vec(self).map_err(|e| Error::Corrupt {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        std::fs::write(&tmp, bytes).map_err(Error::io(format!("writing {}", tmp.display())))?;
        std::fs::rename(&tmp, &path).map_err(Error::io(format!("replacing {}", path.display())))
    }
}

/// What one [`upgrade`] run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpgradeReport {
    /// Profiles whose interim vector was replaced.
    pub upgraded: u64,
    /// Profiles left to the change feed (deleted, consent revoked or edited while
    /// the batch was embedded).
    pub skipped: u64,
    /// Profiles still with an interim vector when the run stopped.
    pub remaining: u64,
    /// Wall time of the run.
    pub seconds: f64,
    /// The longest single hold of the index's write lock, in microseconds: what a
    /// search may have waited for.
    pub longest_hold_micros: u64,
}

/// Upgrades interim vectors to `embedder`'s, `batch` profiles at a time, until none
/// is left, `limit` profiles are done, or `stop()` says so between batches. See the
/// module docs. Blocking work (the embedder) runs on the calling task.
pub async fn upgrade(
    store: &Store,
    index: &RwLock<Index>,
    embedder: &dyn Embedder,
    batch: usize,
    limit: Option<u64>,
    progress: &dyn Progress,
    stop: &(dyn Fn() -> bool + Send + Sync),
) -> Result<UpgradeReport> {
    let started = Instant::now();
    let model = embedder.model_id();
    prepare(&mut write(index), embedder)?;
    let mut report = UpgradeReport {
        remaining: read(index).interim_count() as u64,
        ..UpgradeReport::default()
    };
    let total = limit.map_or(report.remaining, |l| l.min(report.remaining));
    progress.begin(Phase::Upgrade, total);
    let mut skip: HashSet<String> = HashSet::new();
    // Only its holds of the write lock are kept, for the report.
    let mut holds = SyncReport::default();
    let batch = batch.max(1);
    while !stop() && limit.is_none_or(|l| report.upgraded < l) {
        let room = limit.map_or(batch, |l| batch.min((l - report.upgraded) as usize));
        let picked = read(index).interim_profiles(room, &skip);
        if picked.is_empty() {
            break;
        }
        let ids: Vec<&str> = picked.iter().map(|(id, _)| id.as_str()).collect();
        let batch_started = Instant::now();
        let profiles = store.profiles_by_ids(&ids).await?;
        let mut wanted = Vec::with_capacity(picked.len());
        for (id, hash) in &picked {
            let text = profiles
                .get(id)
                .filter(|p| p.consents_to(ConsentPurpose::Processing))
                .map(profile_embedding_text)
                .filter(|text| text_hash(text) == *hash);
            match text {
                Some(text) => wanted.push((id, *hash, text)),
                None => {
                    skip.insert(id.clone());
                    report.skipped += 1;
                }
            }
        }
        let texts: Vec<&str> = wanted.iter().map(|(_, _, t)| t.as_str()).collect();
        let vectors = embed(embedder, &texts)?;
        let done = holding(index, &mut holds, "upgrade", |index, _| {
            let mut done = 0u64;
            for ((id, hash, _), vector) in wanted.iter().zip(&vectors) {
                if index.upgrade_profile_vector(id, *hash, vector)? {
                    done += 1;
                } else {
                    skip.insert((*id).clone());
                    report.skipped += 1;
                }
            }
            Ok(done)
        })?;
        // Synced beside searches, published under the write lock (see `follow`).
        let seq = read(index).persist()?;
        report.remaining = holding(index, &mut holds, "publish", |index, _| {
            index.publish(seq)?;
            Ok(index.interim_count() as u64)
        })?;
        report.longest_hold_micros = holds.longest_hold_micros;
        report.upgraded += done;
        progress.advance(done);
        let dir = read(index).dir().to_owned();
        let seconds = batch_started.elapsed().as_secs_f64();
        UpgradeProgress::after_batch(&dir, &model, done, seconds, report.remaining).write(&dir)?;
    }
    progress.end();
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The transformer vectors must be of `embedder`'s model (recorded now if the
/// index has none yet).
fn prepare(index: &mut Index, embedder: &dyn Embedder) -> Result<()> {
    let model = embedder.model_id();
    if index.vector_model() == Some(model.as_str()) {
        return Ok(());
    }
    let (vacancies, profiles) = index.vector_counts();
    if vacancies + profiles == 0 && index.dim() == embedder.dim() {
        index.set_vector_model(Some(&model));
        return Ok(());
    }
    Err(Error::Unusable {
        path: index.dir().display().to_string(),
        reason: format!(
            "its vectors are of {} ({} dimensions), not of {model} ({}); \
             run `qabilet index sync` first",
            index.vector_model().unwrap_or("an unknown model"),
            index.dim(),
            embedder.dim()
        ),
    })
}
