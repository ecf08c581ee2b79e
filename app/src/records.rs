//! The audit log (admins and auditors, read-only) and the HRM event feed (the HRM
//! client, admins). Nothing here changes the log: there is no use case that could.
//! Verifying the log against a signed checkpoint is [`crate::checkpoints::verify`].

use chrono::{DateTime, Utc};
use qabilet_domain::AuditEntry;
use qabilet_store::{OutboxEvent, Role};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::{page_limit, Actor, App, AppResult};

/// Audit entries after `after` (0 to start).
pub async fn audit_log(
    app: &App,
    actor: &Actor,
    after: i64,
    limit: Option<i64>,
) -> AppResult<Vec<AuditEntry>> {
    actor.require(&[Role::Admin, Role::Auditor])?;
    Ok(app
        .store()
        .audit_entries(after, page_limit(app, limit)?)
        .await?)
}

/// One event of the HRM feed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedEvent {
    pub seq: i64,
    /// What a webhook delivery carries as `Idempotency-Key`.
    pub idempotency_key: String,
    pub kind: String,
    pub aggregate_kind: String,
    pub aggregate_id: String,
    pub created_at: DateTime<Utc>,
    pub payload: Value,
    /// Dead letters only: delivery attempts and the last error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

impl FeedEvent {
    fn of(e: &OutboxEvent, dead: bool) -> FeedEvent {
        // The payload was stored as JSON text by us; if it ever fails to parse, hand
        // it over as a string rather than failing the whole page.
        let payload: Value =
            serde_json::from_str(&e.payload).unwrap_or_else(|_| Value::String(e.payload.clone()));
        FeedEvent {
            seq: e.seq,
            idempotency_key: e.idempotency_key(),
            kind: e.kind.as_str().to_owned(),
            aggregate_kind: e.aggregate_kind.clone(),
            aggregate_id: e.aggregate_id.clone(),
            created_at: e.created_at,
            payload,
            attempts: dead.then_some(e.attempts),
            last_error: if dead { e.last_error.clone() } else { None },
        }
    }
}

/// A page of the feed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventFeed {
    pub events: Vec<FeedEvent>,
    /// The cursor to continue from (the last `seq` of this page).
    pub next_cursor: i64,
}

/// Events after the cursor `after` (the last `seq` seen; 0 to start).
pub async fn events(
    app: &App,
    actor: &Actor,
    after: i64,
    limit: Option<i64>,
) -> AppResult<EventFeed> {
    actor.require(&[Role::Hrm, Role::Admin])?;
    let events = app
        .store()
        .events_after(after, page_limit(app, limit)?)
        .await?;
    let next_cursor = events.last().map_or(after, |e| e.seq);
    Ok(EventFeed {
        events: events.iter().map(|e| FeedEvent::of(e, false)).collect(),
        next_cursor,
    })
}

/// Dead letters: events that failed delivery too often.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeadEvents {
    pub events: Vec<FeedEvent>,
}

/// Events that failed delivery too often (the HRM client, admins).
pub async fn dead_events(app: &App, actor: &Actor, limit: Option<i64>) -> AppResult<DeadEvents> {
    actor.require(&[Role::Hrm, Role::Admin])?;
    let dead = app.store().dead_events(page_limit(app, limit)?).await?;
    Ok(DeadEvents {
        events: dead.iter().map(|e| FeedEvent::of(e, true)).collect(),
    })
}
