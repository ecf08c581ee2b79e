//! The static model of interim profile vectors, as ranking and the server use it.
//!
//! A bulk index may give profiles interim vectors of the distilled static model
//! first (`qabilet index rebuild --static`; see `qabilet_indexer::sync::upgrade`).
//! Ranking then embeds the vacancy's query with that model too, so that those
//! profiles keep a dense signal of their own model until the upgrade replaces their
//! vectors, and the server's follower runs the upgrade in small batches between
//! its catch-ups.

use std::sync::Arc;

use qabilet_indexer::sync::UpgradeProgress;

use crate::{App, AppResult};

/// The query embedding of `text` by the interim model, with that model's id, when
/// one is loaded. It costs microseconds (a table lookup per token), so it is not
/// cached. Blocking: call it on a blocking thread.
pub(crate) fn query_vector(app: &App, text: &str) -> AppResult<Option<(String, Vec<f32>)>> {
    let Some(model) = app.interim_model() else {
        return Ok(None);
    };
    Ok(model
        .embed_queries(&[text])?
        .pop()
        .map(|v| (model.model_id().to_owned(), v)))
}

/// Profiles still with interim vectors, and the upgrade's ETA in seconds at its
/// last recorded rate; `None` when the index is busy (the follower is writing) or
/// absent. Never waits for the index lock: it is read from async code.
pub fn upgrade_state(app: &App) -> Option<(u64, Option<f64>)> {
    let index: &Arc<_> = app.index()?;
    let index = index.try_read().ok()?;
    let remaining = index.interim_count() as u64;
    let eta = UpgradeProgress::read(index.dir())
        .filter(|p| p.per_second > 0.0)
        .map(|p| remaining as f64 / p.per_second);
    Some((remaining, eta))
}
