//! Audit entries: an append-only, hash-chained record of who did what.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One audited action. Entries are chained: `hash` covers the entry's content and
/// `prev_hash`, so removing or editing any entry breaks every hash after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Position in the log, from 1.
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Who acted: a user id, an API client id or `system`.
    pub actor: String,
    /// What was done, e.g. `shortlist.view`, `stage.record`, `profile.import`.
    pub action: String,
    /// Kind of the record acted on, e.g. `vacancy`.
    pub subject_kind: String,
    pub subject_id: String,
    /// Free text or JSON with the details (reasons for decisions and overrides).
    pub detail: String,
    /// Hex SHA-256 of the previous entry; 64 zeros for the first.
    pub prev_hash: String,
    /// Hex SHA-256 of this entry.
    pub hash: String,
}

impl AuditEntry {
    /// The bytes the hash covers, in a fixed order with unambiguous separators.
    pub fn hash_input(&self) -> String {
        serde_json::json!([
            self.seq,
            self.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            self.actor,
            self.action,
            self.subject_kind,
            self.subject_id,
            self.detail,
            self.prev_hash,
        ])
        .to_string()
    }
}
