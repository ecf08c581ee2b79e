//! The transactional outbox of events for the HRM system.
//!
//! An event is written by [`WriteTx::enqueue_event`] in the same transaction as the
//! change it reports, so the HRM system hears of a decision exactly when the
//! decision is recorded — never of one that rolled back, never missing one that
//! committed. Delivery workers (in the API crate, one per server) claim due events
//! here with a lease ([`Store::claim_next_event`]), post them, and mark them; the
//! pull feed reads them by `seq`.

use chrono::{DateTime, Utc};

use crate::write::{on_tx, WriteTx};
use crate::{on_backend, Store, StoreError};

/// The kinds of event the HRM system receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    ShortlistPublished,
    StageResult,
    Decision,
    ReserveMatch,
    ProctoringFlagConfirmed,
    /// A signed checkpoint of the audit log, for the HRM system to keep out of
    /// reach of this database (see `qabilet_app::checkpoints`).
    AuditCheckpoint,
}

impl EventKind {
    pub const ALL: [EventKind; 6] = [
        EventKind::ShortlistPublished,
        EventKind::StageResult,
        EventKind::Decision,
        EventKind::ReserveMatch,
        EventKind::ProctoringFlagConfirmed,
        EventKind::AuditCheckpoint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ShortlistPublished => "shortlist_published",
            EventKind::StageResult => "stage_result",
            EventKind::Decision => "decision",
            EventKind::ReserveMatch => "reserve_match",
            EventKind::ProctoringFlagConfirmed => "proctoring_flag_confirmed",
            EventKind::AuditCheckpoint => "audit_checkpoint",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One event in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    /// Position in the outbox; the pull feed's cursor.
    pub seq: i64,
    pub kind: EventKind,
    /// The record the event is about (`vacancy`, `application`, …); events of one
    /// aggregate are delivered in `seq` order.
    pub aggregate_kind: String,
    pub aggregate_id: String,
    /// The JSON body, exactly as written.
    pub payload: String,
    pub created_at: DateTime<Utc>,
    /// Delivery attempts so far.
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Set when the event was moved to the dead-letter list.
    pub dead_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

impl OutboxEvent {
    /// The key receivers deduplicate by. `seq` is never reused (AUTOINCREMENT,
    /// BIGSERIAL), so it is unique for the life of the database.
    pub fn idempotency_key(&self) -> String {
        format!("qabilet-event-{}", self.seq)
    }
}

type EventRow = (
    i64,
    String,
    String,
    String,
    String,
    DateTime<Utc>,
    i32,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<String>,
);

const EVENT_COLUMNS: &str = "seq, kind, aggregate_kind, aggregate_id, payload, created_at, \
     attempts, next_attempt_at, delivered_at, dead_at, last_error";

fn event_from_row(row: EventRow) -> Result<OutboxEvent, StoreError> {
    let (
        seq,
        kind,
        aggregate_kind,
        aggregate_id,
        payload,
        created_at,
        attempts,
        next,
        delivered,
        dead,
        error,
    ) = row;
    let kind = EventKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
        kind: "outbox event",
        id: seq.to_string(),
        message: format!("unknown event kind {kind:?}"),
    })?;
    Ok(OutboxEvent {
        seq,
        kind,
        aggregate_kind,
        aggregate_id,
        payload,
        created_at,
        attempts,
        next_attempt_at: next,
        delivered_at: delivered,
        dead_at: dead,
        last_error: error,
    })
}

impl WriteTx {
    /// Adds an event to the outbox in this transaction; returns its `seq`.
    pub async fn enqueue_event(
        &mut self,
        kind: EventKind,
        aggregate_kind: &str,
        aggregate_id: &str,
        payload: &serde_json::Value,
    ) -> Result<i64, StoreError> {
        let now = self.now;
        let payload = payload.to_string();
        let (seq,): (i64,) = on_tx!(&mut self.tx, tx => {
            sqlx::query_as(
                "INSERT INTO outbox (kind, aggregate_kind, aggregate_id, payload, created_at, attempts, next_attempt_at) \
                 VALUES ($1, $2, $3, $4, $5, 0, $5) RETURNING seq",
            )
            .bind(kind.as_str())
            .bind(aggregate_kind)
            .bind(aggregate_id)
            .bind(&payload)
            .bind(now)
            .fetch_one(&mut **tx)
            .await?
        });
        Ok(seq)
    }
}

impl Store {
    /// Events after `after` (the pull feed's cursor), oldest first, at most `limit`.
    pub async fn events_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<OutboxEvent>, StoreError> {
        let sql =
            format!("SELECT {EVENT_COLUMNS} FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2");
        let rows: Vec<EventRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(&sql).bind(after).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter().map(event_from_row).collect()
    }

    /// The events about one person, newest first, at most `limit`: the results of
    /// their applications (`application_ids`) and the reserve matches that name
    /// `profile_id`. What a candidate's inbox shows.
    pub async fn events_about(
        &self,
        profile_id: &str,
        application_ids: &[String],
        limit: i64,
    ) -> Result<Vec<OutboxEvent>, StoreError> {
        let mut rows: Vec<EventRow> = Vec::new();
        let by_aggregate = format!(
            "SELECT {EVENT_COLUMNS} FROM outbox WHERE aggregate_kind = 'application' \
             AND aggregate_id = $1 ORDER BY seq DESC LIMIT $2"
        );
        for id in application_ids {
            let found: Vec<EventRow> = on_backend!(&self.backend, pool => {
                sqlx::query_as(&by_aggregate).bind(id).bind(limit).fetch_all(pool).await?
            });
            rows.extend(found);
        }
        // The payload is the event's JSON as written (compact serde_json); the LIKE
        // narrows, the parsed `profile_id` decides.
        let needle = format!(
            "%\"profile_id\":\"{}\"%",
            profile_id
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let matches = format!(
            "SELECT {EVENT_COLUMNS} FROM outbox WHERE kind = $1 AND payload LIKE $2 ESCAPE '\\' \
             ORDER BY seq DESC LIMIT $3"
        );
        let found: Vec<EventRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(&matches)
                .bind(EventKind::ReserveMatch.as_str())
                .bind(&needle)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.extend(found.into_iter().filter(|row| {
            serde_json::from_str::<serde_json::Value>(&row.4)
                .is_ok_and(|p| p["profile_id"] == profile_id)
        }));
        let mut events = rows
            .into_iter()
            .map(event_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        events.sort_by_key(|e| std::cmp::Reverse(e.seq));
        events.dedup_by_key(|e| e.seq);
        events.truncate(limit.max(0) as usize);
        Ok(events)
    }

    /// Claims the next event due for delivery for `node` until `until`, or none.
    ///
    /// Due: neither delivered nor dead-lettered, its next attempt's time come, no
    /// other node's claim still running, and no earlier event of the same aggregate
    /// still waiting — so each aggregate's events arrive in the order they
    /// happened, while events of different aggregates go out in parallel from
    /// several nodes. On PostgreSQL the candidate row is locked `FOR UPDATE SKIP
    /// LOCKED`, so concurrent claimers take different events and never wait on each
    /// other; the claim's `WHERE` is checked again on the row it locks, so an event
    /// is held by one node at a time. SQLite has one writer, which makes the same
    /// statement atomic. A node that crashes mid-delivery leaves its claim to run
    /// out; another node then takes the event over (the receiver deduplicates by
    /// the event's `Idempotency-Key`).
    pub async fn claim_next_event(
        &self,
        node: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Option<OutboxEvent>, StoreError> {
        let lock = match &self.backend {
            crate::Backend::Postgres(_) => "FOR UPDATE SKIP LOCKED",
            crate::Backend::Sqlite(_) => "",
        };
        let sql = format!(
            "UPDATE outbox SET claimed_by = $1, claimed_until = $3 WHERE seq = ( \
                 SELECT o.seq FROM outbox o \
                 WHERE o.delivered_at IS NULL AND o.dead_at IS NULL AND o.next_attempt_at <= $2 \
                   AND (o.claimed_until IS NULL OR o.claimed_until < $2) \
                   AND NOT EXISTS (SELECT 1 FROM outbox e \
                       WHERE e.aggregate_kind = o.aggregate_kind AND e.aggregate_id = o.aggregate_id \
                         AND e.seq < o.seq AND e.delivered_at IS NULL AND e.dead_at IS NULL) \
                 ORDER BY o.seq LIMIT 1 {lock}) \
             AND (claimed_until IS NULL OR claimed_until < $2) \
             RETURNING {EVENT_COLUMNS}"
        );
        let row: Option<EventRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(&sql)
                .bind(node)
                .bind(now)
                .bind(until)
                .fetch_optional(pool)
                .await?
        });
        row.map(event_from_row).transpose()
    }

    /// When the next event of the outbox falls due, if any is waiting (for a
    /// delivery worker with nothing to claim now, to know how long to sleep).
    pub async fn next_event_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let row: Option<(DateTime<Utc>,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT next_attempt_at FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL \
                 ORDER BY next_attempt_at LIMIT 1",
            )
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(at,)| at))
    }

    /// Marks an event delivered.
    pub async fn mark_event_delivered(
        &self,
        seq: i64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_backend!(&self.backend, pool => {
            sqlx::query("UPDATE outbox SET delivered_at = $2, attempts = attempts + 1, last_error = NULL, claimed_until = NULL WHERE seq = $1")
                .bind(seq)
                .bind(at)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Records a failed attempt: retry at `next_attempt_at`, or, when `dead`, move
    /// the event to the dead-letter list.
    pub async fn mark_event_failed(
        &self,
        seq: i64,
        error: &str,
        next_attempt_at: DateTime<Utc>,
        dead: bool,
    ) -> Result<(), StoreError> {
        let dead_at = dead.then(Utc::now);
        on_backend!(&self.backend, pool => {
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, dead_at = $4, \
                 claimed_until = NULL WHERE seq = $1",
            )
            .bind(seq)
            .bind(error)
            .bind(next_attempt_at)
            .bind(dead_at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The dead-letter list, oldest first.
    pub async fn dead_events(&self, limit: i64) -> Result<Vec<OutboxEvent>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM outbox WHERE dead_at IS NOT NULL ORDER BY seq LIMIT $1"
        );
        let rows: Vec<EventRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(&sql).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter().map(event_from_row).collect()
    }

    /// How many events wait for delivery, and how many are dead-lettered.
    pub async fn outbox_backlog(&self) -> Result<(i64, i64), StoreError> {
        let row: (i64, i64) = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL), \
                        (SELECT COUNT(*) FROM outbox WHERE dead_at IS NOT NULL)",
            )
            .fetch_one(pool)
            .await?
        });
        Ok(row)
    }
}
