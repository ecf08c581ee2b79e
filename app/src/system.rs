//! Whether the service can serve: the store answers, and how far the index has
//! followed it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{App, AppError, AppResult};

/// The answer of a readiness check.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Readiness {
    pub status: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The store's last change number.
    pub last_change_seq: i64,
    /// Whether search is available (an index is open).
    pub search: bool,
    /// The last change the index has applied, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_seq: Option<u64>,
}

/// Changes the index may lag the store by and the server still count as ready:
/// under a steady stream of writes the follower is always a tick behind; a node
/// that just started on a large store, or fell far behind, is not ready.
pub const READY_INDEX_LAG: u64 = 500;

/// The store answers and the index has caught up with it (within
/// [`READY_INDEX_LAG`] changes); else [`AppError::Unavailable`], which a load
/// balancer takes as "send no traffic here yet".
pub async fn readiness(app: &App) -> AppResult<Readiness> {
    // MAX(seq) on the primary key: cheap even with a million profiles.
    let seq = app.store().last_change_seq().await.map_err(|e| {
        tracing::warn!(error = %e, "store not reachable");
        AppError::Unavailable("the store is not reachable".into())
    })?;
    let index_seq = crate::index_seq(app).await?;
    if let Some(applied) = index_seq {
        let behind = u64::try_from(seq).unwrap_or(0).saturating_sub(applied);
        if behind > READY_INDEX_LAG {
            return Err(AppError::Unavailable(format!(
                "the search index is catching up: {behind} changes behind the store"
            )));
        }
    }
    Ok(Readiness {
        status: "ready".into(),
        backend: app.store().backend_name().into(),
        last_change_seq: seq,
        search: app.index().is_some(),
        index_seq,
    })
}

/// The environment variable naming a file with the webhook signing secret (hex),
/// for a deployment that keeps its secrets outside the database.
pub const WEBHOOK_SECRET_ENV: &str = "QABILET_WEBHOOK_SECRET_FILE";

/// The secret that signs HRM webhooks, the same on every server: the file
/// [`WEBHOOK_SECRET_ENV`] names, else the deployment's secret in the store, made
/// once from `DATA_DIR/webhook.key` when an older single-server deployment has
/// one (so the HRM system's copy stays valid), else at random.
pub async fn webhook_secret(app: &App, data_dir: &std::path::Path) -> AppResult<Vec<u8>> {
    let read_hex = |path: &std::path::Path| -> AppResult<Vec<u8>> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AppError::internal(format!("{}: {e}", path.display())))?;
        hex::decode(text.trim())
            .map_err(|_| AppError::internal(format!("{} is not hex", path.display())))
    };
    if let Some(file) = std::env::var_os(WEBHOOK_SECRET_ENV).filter(|v| !v.is_empty()) {
        return read_hex(std::path::Path::new(&file));
    }
    let legacy = data_dir.join("webhook.key");
    let from_file = legacy.exists().then(|| read_hex(&legacy)).transpose()?;
    let made = match &from_file {
        Some(key) => hex::encode(key),
        None => hex::encode(crate::accounts::random_bytes()?),
    };
    let secret = app.store().deployment_secret("webhook", || made).await?;
    let secret = hex::decode(&secret)
        .map_err(|_| AppError::internal("the stored webhook secret is not hex"))?;
    if from_file.as_ref().is_some_and(|f| *f != secret) {
        tracing::warn!(
            file = %legacy.display(),
            "this data directory's webhook.key differs from the deployment's secret in the \
             store, which signs: give the HRM system `qabilet keys webhook-secret`"
        );
    }
    Ok(secret)
}

/// How far the index is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct IndexLag {
    /// The store's last change number.
    pub store_seq: i64,
    /// The last change the index has applied.
    pub index_seq: u64,
}

impl IndexLag {
    /// Changes the index has yet to apply.
    pub fn behind(&self) -> u64 {
        u64::try_from(self.store_seq)
            .unwrap_or(0)
            .saturating_sub(self.index_seq)
    }
}

/// Where the index stands against the store; `None` without an index.
pub async fn index_lag(app: &App) -> AppResult<Option<IndexLag>> {
    let Some(index_seq) = crate::index_seq(app).await? else {
        return Ok(None);
    };
    let store_seq = app.store().last_change_seq().await?;
    Ok(Some(IndexLag {
        store_seq,
        index_seq,
    }))
}

/// Gauges for the metrics endpoint: the outbox's backlog (-1 when the store does
/// not answer), the query embeddings cached, and how long searches waited for the
/// index while the follower wrote it.
pub async fn gauges(app: &App) -> Vec<(&'static str, &'static str, i64)> {
    let (pending, dead) = app.store().outbox_backlog().await.unwrap_or((-1, -1));
    let upgrade = crate::interim::upgrade_state(app);
    let waits = crate::index_read_waits();
    let int = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    vec![
        (
            "qabilet_index_reads",
            "Reads of the search index by searches and rankings since start.",
            int(waits.reads),
        ),
        (
            "qabilet_index_read_waits",
            "Of those, reads that waited for the index lock (the follower writing).",
            int(waits.waited),
        ),
        (
            "qabilet_index_read_waits_over_10ms",
            "Reads that waited more than 10 ms for the index lock.",
            int(waits.over_10ms),
        ),
        (
            "qabilet_index_read_waits_over_100ms",
            "Reads that waited more than 100 ms for the index lock.",
            int(waits.over_100ms),
        ),
        (
            "qabilet_index_read_wait_max_microseconds",
            "The longest wait of a read for the index lock since start.",
            int(waits.max_micros),
        ),
        (
            "qabilet_index_read_wait_microseconds",
            "All waits of reads for the index lock together since start.",
            int(waits.total_micros),
        ),
        (
            "qabilet_index_write_hold_max_microseconds",
            "The longest the follower held the index's write lock since start.",
            int(crate::follower::longest_write_hold_micros()),
        ),
        (
            "qabilet_outbox_pending",
            "HRM events waiting for delivery (-1: store unreachable).",
            pending,
        ),
        (
            "qabilet_outbox_dead",
            "HRM events moved to the dead-letter list.",
            dead,
        ),
        (
            "qabilet_query_embeddings_cached",
            "Query embeddings kept by text.",
            app.embeddings().len() as i64,
        ),
        (
            "qabilet_query_embeddings_computed",
            "Query embeddings computed by the model since start (a cache miss each).",
            app.embeddings().computed() as i64,
        ),
        (
            "qabilet_index_interim_vectors",
            "Profiles whose vector is still the static model's, awaiting the upgrade \
             (-1: index busy or absent).",
            upgrade.map_or(-1, |(remaining, _)| remaining as i64),
        ),
        (
            "qabilet_index_upgrade_eta_seconds",
            "Seconds until every interim vector is upgraded at the last rate (-1: unknown).",
            upgrade
                .and_then(|(_, eta)| eta)
                .map_or(-1, |eta| eta.round() as i64),
        ),
    ]
}
