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

/// The store answers (else [`AppError::Unavailable`]) and where the index stands.
pub async fn readiness(app: &App) -> AppResult<Readiness> {
    // MAX(seq) on the primary key: cheap even with a million profiles.
    let seq = app.store().last_change_seq().await.map_err(|e| {
        tracing::warn!(error = %e, "store not reachable");
        AppError::Unavailable("the store is not reachable".into())
    })?;
    let index_seq = crate::index_seq(app).await?;
    Ok(Readiness {
        status: "ready".into(),
        backend: app.store().backend_name().into(),
        last_change_seq: seq,
        search: app.index().is_some(),
        index_seq,
    })
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
/// not answer) and the query embeddings cached.
pub async fn gauges(app: &App) -> Vec<(&'static str, &'static str, i64)> {
    let (pending, dead) = app.store().outbox_backlog().await.unwrap_or((-1, -1));
    let upgrade = crate::interim::upgrade_state(app);
    vec![
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
