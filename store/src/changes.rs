//! The change feed: every insert, update and delete of a vacancy or profile gets a
//! sequence number, written in the same transaction as the change itself. The
//! derived index remembers the last number it applied and, after a crash or on a
//! replica, catches up by reading the feed from there.

use chrono::{DateTime, Utc};

use crate::{on_backend, Store, StoreError};

/// What kind of record changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Vacancy,
    Profile,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Vacancy => "vacancy",
            RecordKind::Profile => "profile",
        }
    }

    fn parse(s: &str) -> Option<RecordKind> {
        match s {
            "vacancy" => Some(RecordKind::Vacancy),
            "profile" => Some(RecordKind::Profile),
            _ => None,
        }
    }
}

/// What happened to it. `Upsert` means "read the current record and index it";
/// `Remove` means "drop it from every derived structure" (deletion or revoked consent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeOp {
    Upsert,
    Remove,
}

impl ChangeOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Upsert => "upsert",
            ChangeOp::Remove => "remove",
        }
    }
}

/// One entry of the change feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub kind: RecordKind,
    pub record_id: String,
    pub op: ChangeOp,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Changes with a sequence number above `after`, oldest first, at most `limit`.
    pub async fn changes_after(&self, after: i64, limit: i64) -> Result<Vec<Change>, StoreError> {
        let backend = self.for_reading().await;
        let rows: Vec<(i64, String, String, String, DateTime<Utc>)> = on_backend!(&backend, pool => {
            sqlx::query_as(
                "SELECT seq, kind, record_id, op, at FROM changes \
                 WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(seq, kind, record_id, op, at)| {
                let kind = RecordKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
                    kind: "change",
                    id: seq.to_string(),
                    message: format!("unknown record kind {kind:?}"),
                })?;
                let op = match op.as_str() {
                    "upsert" => ChangeOp::Upsert,
                    "remove" => ChangeOp::Remove,
                    other => {
                        return Err(StoreError::Corrupt {
                            kind: "change",
                            id: seq.to_string(),
                            message: format!("unknown op {other:?}"),
                        })
                    }
                };
                Ok(Change {
                    seq,
                    kind,
                    record_id,
                    op,
                    at,
                })
            })
            .collect()
    }

    /// The newest sequence number in the feed (0 when empty).
    pub async fn last_change_seq(&self) -> Result<i64, StoreError> {
        let (seq,): (Option<i64>,) = on_backend!(&self.backend, pool => {
            sqlx::query_as("SELECT MAX(seq) FROM changes").fetch_one(pool).await?
        });
        Ok(seq.unwrap_or(0))
    }
}
