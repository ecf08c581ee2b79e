//! The audit log: append-only and hash-chained.
//!
//! Each entry's hash covers its content and the previous entry's hash, so editing or
//! deleting any entry — even directly in the database — breaks the chain from that
//! point on, and [`Store::verify_audit_chain`] says where. The database also refuses
//! UPDATE and DELETE on the table (triggers in the migrations).

use qabilet_domain::AuditEntry;
use sha2::{Digest, Sha256};

use crate::write::{on_tx, WriteTx};
use crate::{on_backend, Store, StoreError};

/// The hash that precedes the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit log entry {seq} {problem}")]
pub struct AuditChainError {
    pub seq: i64,
    pub problem: String,
}

fn hash_of(entry: &AuditEntry) -> String {
    hex::encode(Sha256::digest(entry.hash_input().as_bytes()))
}

type AuditRow = (
    i64,
    chrono::DateTime<chrono::Utc>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

fn entry_from_row(row: AuditRow) -> AuditEntry {
    let (seq, at, actor, action, subject_kind, subject_id, detail, prev_hash, hash) = row;
    AuditEntry {
        seq,
        at,
        actor,
        action,
        subject_kind,
        subject_id,
        detail,
        prev_hash,
        hash,
    }
}

impl WriteTx {
    /// The newest entry's number and hash (`None` for an empty log), as this
    /// transaction sees it: what a document issued in it can cite as "the log as
    /// it stood".
    pub async fn audit_head(&mut self) -> Result<Option<(i64, String)>, StoreError> {
        Ok(on_tx!(&mut self.tx, tx => {
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut **tx)
                .await?
        }))
    }

    /// The newest entry of `action` (number and hash), as this transaction sees it.
    pub async fn audit_head_of_action(
        &mut self,
        action: &str,
    ) -> Result<Option<(i64, String)>, StoreError> {
        Ok(on_tx!(&mut self.tx, tx => {
            sqlx::query_as(
                "SELECT seq, hash FROM audit_log WHERE action = $1 ORDER BY seq DESC LIMIT 1",
            )
            .bind(action)
            .fetch_optional(&mut **tx)
            .await?
        }))
    }

    /// Appends an entry in this transaction: it is recorded exactly when the audited
    /// change is, never without it.
    pub async fn audit(
        &mut self,
        actor: &str,
        action: &str,
        subject_kind: &str,
        subject_id: &str,
        detail: &str,
    ) -> Result<AuditEntry, StoreError> {
        let last: Option<(i64, String)> = on_tx!(&mut self.tx, tx => {
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut **tx)
                .await?
        });
        let (prev_seq, prev_hash) = last.unwrap_or((0, GENESIS_HASH.to_owned()));
        let mut entry = AuditEntry {
            seq: prev_seq + 1,
            at: self.now,
            actor: actor.to_owned(),
            action: action.to_owned(),
            subject_kind: subject_kind.to_owned(),
            subject_id: subject_id.to_owned(),
            detail: detail.to_owned(),
            prev_hash,
            hash: String::new(),
        };
        entry.hash = hash_of(&entry);
        on_tx!(&mut self.tx, tx => {
            // A concurrent writer that read the same last entry fails here on the
            // primary key instead of forking the chain.
            sqlx::query(
                "INSERT INTO audit_log (seq, at, actor, action, subject_kind, subject_id, detail, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(entry.seq)
            .bind(entry.at)
            .bind(&entry.actor)
            .bind(&entry.action)
            .bind(&entry.subject_kind)
            .bind(&entry.subject_id)
            .bind(&entry.detail)
            .bind(&entry.prev_hash)
            .bind(&entry.hash)
            .execute(&mut **tx)
            .await
            .map_err(|e| StoreError::from_constraint(e, || "the audit log moved on concurrently; retry".to_owned()))?;
        });
        Ok(entry)
    }
}

impl Store {
    /// Audit entries after `after_seq`, oldest first, at most `limit`.
    pub async fn audit_entries(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows: Vec<AuditRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT seq, at, actor, action, subject_kind, subject_id, detail, prev_hash, hash \
                 FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(after_seq)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(entry_from_row).collect())
    }

    /// The newest `limit` entries of `action`, newest first.
    pub async fn newest_audit_entries_of(
        &self,
        action: &str,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows: Vec<AuditRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT seq, at, actor, action, subject_kind, subject_id, detail, prev_hash, hash \
                 FROM audit_log WHERE action = $1 ORDER BY seq DESC LIMIT $2",
            )
            .bind(action)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(entry_from_row).collect())
    }

    /// Entry `seq`, if the log holds it.
    pub async fn audit_entry(&self, seq: i64) -> Result<Option<AuditEntry>, StoreError> {
        Ok(self
            .audit_entries(seq - 1, 1)
            .await?
            .into_iter()
            .find(|e| e.seq == seq))
    }

    /// The newest entry's number and hash (`None` for an empty log).
    pub async fn audit_head(&self) -> Result<Option<(i64, String)>, StoreError> {
        Ok(on_backend!(&self.backend, pool => {
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Every entry of one action, oldest first, at most `limit`.
    pub async fn audit_entries_of(
        &self,
        action: &str,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows: Vec<AuditRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT seq, at, actor, action, subject_kind, subject_id, detail, prev_hash, hash \
                 FROM audit_log WHERE action = $1 ORDER BY seq LIMIT $2",
            )
            .bind(action)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(entry_from_row).collect())
    }

    /// Recomputes the whole chain; returns the number of entries checked, or the first
    /// entry where it breaks.
    pub async fn verify_audit_chain(&self) -> Result<Result<i64, AuditChainError>, StoreError> {
        let mut prev_hash = GENESIS_HASH.to_owned();
        let mut expected_seq = 1;
        loop {
            let page = self.audit_entries(expected_seq - 1, 1000).await?;
            if page.is_empty() {
                return Ok(Ok(expected_seq - 1));
            }
            for entry in page {
                let fail = |problem: &str| {
                    Ok(Err(AuditChainError {
                        seq: entry.seq,
                        problem: problem.to_owned(),
                    }))
                };
                if entry.seq != expected_seq {
                    return fail(&format!("follows a gap: expected entry {expected_seq}"));
                }
                if entry.prev_hash != prev_hash {
                    return fail("does not link to the previous entry's hash");
                }
                if hash_of(&entry) != entry.hash {
                    return fail("was altered: its hash does not match its content");
                }
                prev_hash = entry.hash;
                expected_seq += 1;
            }
        }
    }
}

impl WriteTx {
    /// Keeps a ranking record (see the `ranking_records` migration) in this
    /// transaction, unless one with the same hash is kept already.
    pub async fn keep_ranking_record(&mut self, hash: &str, body: &str) -> Result<(), StoreError> {
        let now = self.now;
        on_tx!(&mut self.tx, tx => {
            sqlx::query(
                "INSERT INTO ranking_records (hash, body, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (hash) DO NOTHING",
            )
            .bind(hash)
            .bind(body)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }
}

impl Store {
    /// The ranking record kept under `hash`, as its exact text.
    pub async fn ranking_record(&self, hash: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as("SELECT body FROM ranking_records WHERE hash = $1")
                .bind(hash)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(body,)| body))
    }
}
