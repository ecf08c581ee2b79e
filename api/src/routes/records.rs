//! The audit log (admins, read-only) and the HRM event feed.

use axum::extract::State;
use axum::Json;
use qabilet_domain::AuditEntry;
use qabilet_store::{OutboxEvent, Role};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiQuery;
use crate::routes::MAX_PAGE;
use crate::{ApiError, AppState, Principal};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Cursor {
    /// The last `seq` already seen; 0 to start.
    #[serde(default)]
    after: i64,
    limit: Option<i64>,
}

impl Cursor {
    fn limit(&self) -> i64 {
        self.limit.unwrap_or(100).clamp(1, MAX_PAGE)
    }
}

/// `GET /audit?after=SEQ`: admins only. There is no route that changes the log.
pub(crate) async fn audit_log(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(c): ApiQuery<Cursor>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    p.require(&[Role::Admin])?;
    Ok(Json(state.store.audit_entries(c.after, c.limit()).await?))
}

/// `GET /audit/verify`: admins only; recomputes the hash chain.
pub(crate) async fn verify_audit(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Value>, ApiError> {
    p.require(&[Role::Admin])?;
    Ok(Json(match state.store.verify_audit_chain().await? {
        Ok(entries) => json!({ "intact": true, "entries": entries }),
        Err(broken) => json!({ "intact": false, "seq": broken.seq, "problem": broken.to_string() }),
    }))
}

fn event_json(e: &OutboxEvent) -> Value {
    // The payload was stored as JSON text by us; if it ever fails to parse, hand it
    // over as a string rather than failing the whole page.
    let payload: Value =
        serde_json::from_str(&e.payload).unwrap_or_else(|_| Value::String(e.payload.clone()));
    json!({
        "seq": e.seq,
        "idempotency_key": e.idempotency_key(),
        "kind": e.kind.as_str(),
        "aggregate_kind": e.aggregate_kind,
        "aggregate_id": e.aggregate_id,
        "created_at": e.created_at,
        "payload": payload,
    })
}

/// `GET /events?after=CURSOR`: the pull feed for the HRM client and admins. The
/// cursor is the last `seq` seen; `next_cursor` continues from this page.
pub(crate) async fn events(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(c): ApiQuery<Cursor>,
) -> Result<Json<Value>, ApiError> {
    p.require(&[Role::Hrm, Role::Admin])?;
    let events = state.store.events_after(c.after, c.limit()).await?;
    let next = events.last().map_or(c.after, |e| e.seq);
    let events: Vec<Value> = events.iter().map(event_json).collect();
    Ok(Json(json!({ "events": events, "next_cursor": next })))
}

/// `GET /events/dead`: events that failed delivery too often; HRM client, admins.
pub(crate) async fn dead_events(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(c): ApiQuery<Cursor>,
) -> Result<Json<Value>, ApiError> {
    p.require(&[Role::Hrm, Role::Admin])?;
    let dead = state.store.dead_events(c.limit()).await?;
    let events: Vec<Value> = dead
        .iter()
        .map(|e| {
            let mut v = event_json(e);
            v["attempts"] = e.attempts.into();
            v["last_error"] = e.last_error.clone().into();
            v
        })
        .collect();
    Ok(Json(json!({ "events": events })))
}
