//! Liveness, readiness, metrics and signing in.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{check_login, issue_session};
use crate::error::ApiJson;
use crate::{ApiError, AppState};

/// `GET /healthz`: the process is up. Touches nothing, so it cannot hang.
pub(crate) async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the store answers (503 otherwise), and whether search is available.
pub(crate) async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    // MAX(seq) on the primary key: cheap even with a million profiles.
    let seq = state.store.last_change_seq().await.map_err(|e| {
        tracing::warn!(error = %e, "store not reachable");
        ApiError::Unavailable("the store is not reachable".into())
    })?;
    Ok(Json(json!({
        "status": "ready",
        "backend": state.store.backend_name(),
        "last_change_seq": seq,
        "search": state.index.is_some(),
    })))
}

/// `GET /metrics`: Prometheus text format. Unauthenticated, like every scrape
/// target; it shows counts by route, never records.
pub(crate) async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let (pending, dead) = state.store.outbox_backlog().await.unwrap_or((-1, -1));
    let text = state.metrics.render(&[
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
    ]);
    ([(CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Login {
    user_id: String,
    secret: String,
}

/// `POST /sessions`: exchanges a user's login secret for a session token.
pub(crate) async fn login(
    State(state): State<AppState>,
    ApiJson(login): ApiJson<Login>,
) -> Result<Json<Value>, ApiError> {
    let user = check_login(&state.store, &login.user_id, &login.secret)
        .await?
        // One message for an unknown user and a wrong secret: no user enumeration.
        .ok_or_else(|| ApiError::Unauthenticated("unknown user or wrong secret".into()))?;
    let ttl = chrono::Duration::from_std(state.config.session_ttl)
        .map_err(|e| ApiError::Internal(format!("session ttl: {e}")))?;
    let expires_at = Utc::now() + ttl;
    let token = issue_session(&state.config.session_key, &user.id, expires_at);
    Ok(Json(json!({
        "token": token,
        "user_id": user.id,
        "role": user.role.as_str(),
        "expires_at": expires_at,
    })))
}
