//! The email channel's bookkeeping: its own cursor in the outbox and one record per
//! candidate notification it took up.
//!
//! The channel (the API crate's `email` worker) reads the same outbox the HRM is
//! fed from, but keeps its own place in it ([`Store::advance_email_cursor`]), so
//! the two never wait for each other. Moving the cursor past a notification and
//! recording it as a pending message happen in one transaction, and the move is a
//! compare-and-set: two servers on one database take each event up once.
//! Each attempt is claimed the same way ([`Store::begin_email_attempt`]), so a
//! message is sent by one server at a time.

use chrono::{DateTime, Utc};

use crate::{on_backend, Backend, Store, StoreError};

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailStatus {
    /// Taken up, not sent yet (waiting for its first attempt or a retry).
    Pending,
    /// Accepted by the SMTP relay.
    Sent,
    /// Not sent, on purpose: no address, no consent (the detail says which).
    Skipped,
    /// Not sent: the attempts were used up, the relay refused it for good, or the
    /// event could not be read.
    Failed,
}

impl EmailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Pending => "pending",
            EmailStatus::Sent => "sent",
            EmailStatus::Skipped => "skipped",
            EmailStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<EmailStatus> {
        [
            EmailStatus::Pending,
            EmailStatus::Sent,
            EmailStatus::Skipped,
            EmailStatus::Failed,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// What the channel did with one notification event.
#[derive(Debug, Clone, PartialEq)]
pub struct EmailMessage {
    /// The outbox event it comes from.
    pub seq: i64,
    /// The person it is for; `None` when the event could not be read.
    pub profile_id: Option<String>,
    pub status: EmailStatus,
    /// The address it went, or was to go, to.
    pub recipient: Option<String>,
    /// Attempts begun so far.
    pub attempts: i32,
    /// When a pending message is next due (a claimed attempt's lease until then).
    pub next_attempt_at: DateTime<Utc>,
    /// Why it was skipped, or the last delivery error.
    pub detail: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// What the cursor's move does with the event it moves past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailTakeUp<'a> {
    /// Nothing: not a candidate notification (or a run of such events).
    Pass,
    /// A notification for this profile: a pending message, due now.
    Message { profile_id: &'a str },
    /// An event that could not be read as a notification: recorded failed.
    Unreadable { error: &'a str },
}

type MessageRow = (
    i64,
    Option<String>,
    String,
    Option<String>,
    i32,
    DateTime<Utc>,
    Option<String>,
    DateTime<Utc>,
);

const MESSAGE_COLUMNS: &str =
    "seq, profile_id, status, recipient, attempts, next_attempt_at, detail, updated_at";

fn message_from_row(row: MessageRow) -> Result<EmailMessage, StoreError> {
    let (seq, profile_id, status, recipient, attempts, next, detail, updated_at) = row;
    let status = EmailStatus::parse(&status).ok_or_else(|| StoreError::Corrupt {
        kind: "email message",
        id: seq.to_string(),
        message: format!("unknown status {status:?}"),
    })?;
    Ok(EmailMessage {
        seq,
        profile_id,
        status,
        recipient,
        attempts,
        next_attempt_at: next,
        detail,
        updated_at,
    })
}

impl Store {
    /// The channel's cursor, created at the end of the outbox the first time the
    /// channel starts (notifications written before it was switched on are in the
    /// inbox, not mailed); later starts go on from where it stood.
    pub async fn start_email_cursor(&self) -> Result<i64, StoreError> {
        // `WHERE true`: SQLite reads `ON CONFLICT` after a bare `FROM t` as a join.
        on_backend!(&self.backend, pool => {
            sqlx::query(
                "INSERT INTO email_cursor (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM outbox \
                 WHERE true ON CONFLICT (id) DO NOTHING",
            )
            .execute(pool)
            .await?;
        });
        Ok(self.email_cursor().await?.unwrap_or(0))
    }

    /// The last outbox `seq` the channel has moved past; `None` before its first start.
    pub async fn email_cursor(&self) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as("SELECT seq FROM email_cursor WHERE id = 1")
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(seq,)| seq))
    }

    /// Moves the cursor from `from` to `to` (the event at `to` is the one
    /// `take_up` is about), in one transaction with the message it records.
    /// `false`: the cursor was no longer at `from` (another server moved it), and
    /// nothing was written.
    pub async fn advance_email_cursor(
        &self,
        from: i64,
        to: i64,
        take_up: EmailTakeUp<'_>,
    ) -> Result<bool, StoreError> {
        let now = Utc::now();
        let (profile_id, status, detail) = match take_up {
            EmailTakeUp::Pass => (None, None, None),
            EmailTakeUp::Message { profile_id } => {
                (Some(profile_id), Some(EmailStatus::Pending), None)
            }
            EmailTakeUp::Unreadable { error } => (None, Some(EmailStatus::Failed), Some(error)),
        };
        macro_rules! advance {
            ($tx:expr) => {{
                let moved = sqlx::query("UPDATE email_cursor SET seq = $2 WHERE id = 1 AND seq = $1")
                    .bind(from)
                    .bind(to)
                    .execute(&mut *$tx)
                    .await?
                    .rows_affected();
                if moved != 1 {
                    return Ok(false);
                }
                if let Some(status) = status {
                    sqlx::query(
                        "INSERT INTO email_messages (seq, profile_id, status, attempts, next_attempt_at, detail, updated_at) \
                         VALUES ($1, $2, $3, 0, $4, $5, $4)",
                    )
                    .bind(to)
                    .bind(profile_id)
                    .bind(status.as_str())
                    .bind(now)
                    .bind(detail)
                    .execute(&mut *$tx)
                    .await?;
                }
                $tx.commit().await?;
            }};
        }
        match &self.backend {
            // IMMEDIATE: the write lock first, as `WriteTx` does.
            Backend::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                advance!(tx)
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                advance!(tx)
            }
        }
        Ok(true)
    }

    /// Pending messages, oldest first, at most `limit`.
    pub async fn pending_emails(&self, limit: i64) -> Result<Vec<EmailMessage>, StoreError> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM email_messages WHERE status = 'pending' ORDER BY seq LIMIT $1"
        );
        let rows: Vec<MessageRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(&sql).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter().map(message_from_row).collect()
    }

    /// Messages after `after`, oldest first, at most `limit`: what the channel did.
    pub async fn email_messages(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<EmailMessage>, StoreError> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM email_messages WHERE seq > $1 ORDER BY seq LIMIT $2"
        );
        let rows: Vec<MessageRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(&sql).bind(after).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter().map(message_from_row).collect()
    }

    /// Claims the next attempt at a pending message that has had `attempts` so far:
    /// counts it and holds the message until `lease_until` (a server that dies
    /// mid-attempt leaves it to be retried then). `false`: someone else claimed it,
    /// or it is no longer pending.
    pub async fn begin_email_attempt(
        &self,
        seq: i64,
        attempts: i32,
        lease_until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let claimed = on_backend!(&self.backend, pool => {
            sqlx::query(
                "UPDATE email_messages SET attempts = attempts + 1, next_attempt_at = $3, updated_at = $4 \
                 WHERE seq = $1 AND status = 'pending' AND attempts = $2",
            )
            .bind(seq)
            .bind(attempts)
            .bind(lease_until)
            .bind(Utc::now())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(claimed == 1)
    }

    /// Records the outcome of a pending message: `Sent`, `Skipped` or `Failed`
    /// (final), or `Pending` again to be retried at `next_attempt_at`.
    pub async fn mark_email(
        &self,
        seq: i64,
        status: EmailStatus,
        recipient: Option<&str>,
        detail: Option<&str>,
        next_attempt_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_backend!(&self.backend, pool => {
            sqlx::query(
                "UPDATE email_messages SET status = $2, recipient = COALESCE($3, recipient), detail = $4, \
                 next_attempt_at = $5, updated_at = $6 WHERE seq = $1 AND status = 'pending'",
            )
            .bind(seq)
            .bind(status.as_str())
            .bind(recipient)
            .bind(detail)
            .bind(next_attempt_at)
            .bind(Utc::now())
            .execute(pool)
            .await?;
        });
        Ok(())
    }
}
