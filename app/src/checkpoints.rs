//! Checkpoints that anchor the audit log outside itself.
//!
//! The hash chain (`qabilet_store`'s audit module) shows that no entry was edited
//! and none removed from the middle, but deleting the *newest* entries leaves a
//! shorter chain that is still intact. So, at a fixed interval (the server) and
//! on demand (`qabilet audit checkpoint`), the head of the chain — its number and
//! hash — is signed with the deployment's Ed25519 key and sent out of reach of
//! whoever controls the database: published to the HRM event feed, where the HRM
//! system keeps it, and written to a file. [`verify`] then checks the chain against
//! a checkpoint: if the entry it vouches for is gone, or differs, the log was cut
//! or rewritten after the checkpoint was taken.
//!
//! **Keys** ([`AuditKeys`]). The signing key is 32 random bytes, hex, in
//! `DATA_DIR/audit-signing.key` (made on first use, readable by the owner only), or
//! in the file `QABILET_AUDIT_KEY_FILE` names, so that every node of a deployment
//! signs alike. It must not live in the database it vouches for. Verification
//! trusts the current key's public half and every public key kept in
//! `DATA_DIR/audit-keys/*.pub`; a checkpoint names its key by `key_id` (the first 16
//! hex digits of the SHA-256 of the public key). Rotation is in `docs/audit.md`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use qabilet_store::{EventKind, Role};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::{Actor, App, AppError, AppResult};

/// What a checkpoint file says it is, and the version of its signed message.
pub const FORMAT: &str = "qabilet-audit-checkpoint/1";
/// The environment variable naming a shared signing-key file.
pub const KEY_FILE_ENV: &str = "QABILET_AUDIT_KEY_FILE";
/// The signing key's file in the data directory, when no shared one is named.
pub const KEY_FILE: &str = "audit-signing.key";
/// Public keys kept for verifying older checkpoints after a rotation.
pub const TRUSTED_DIR: &str = "audit-keys";
/// Where checkpoint files are written.
pub const CHECKPOINT_DIR: &str = "checkpoints";

/// A signed statement: "the audit log's entry `seq` had hash `hash` at `at`".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// Always [`FORMAT`].
    pub format: String,
    pub seq: i64,
    /// The entry's hash, 64 hex digits.
    pub hash: String,
    pub at: DateTime<Utc>,
    /// Which key signed it.
    pub key_id: String,
    /// The public key, 64 hex digits (for reading; trust comes from the deployment).
    pub public_key: String,
    /// Ed25519 signature of [`Checkpoint::message`], 128 hex digits.
    pub signature: String,
}

impl Checkpoint {
    /// The bytes signed: the format, number, hash and time, one per line.
    pub fn message(&self) -> String {
        format!(
            "{FORMAT}\n{}\n{}\n{}",
            self.seq,
            self.hash,
            self.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
        )
    }

    fn signed(seq: i64, hash: String, key: &SigningKey) -> Checkpoint {
        let public = key.verifying_key();
        let mut checkpoint = Checkpoint {
            format: FORMAT.to_owned(),
            seq,
            hash,
            at: crate::now_micros(),
            key_id: key_id(&public),
            public_key: hex::encode(public.as_bytes()),
            signature: String::new(),
        };
        checkpoint.signature = hex::encode(key.sign(checkpoint.message().as_bytes()).to_bytes());
        checkpoint
    }

    /// Checks the signature against the keys the deployment trusts.
    pub fn check_signature(&self, trusted: &[VerifyingKey]) -> Result<(), String> {
        if self.format != FORMAT {
            return Err(format!("not a checkpoint of format {FORMAT}"));
        }
        let key = trusted
            .iter()
            .find(|k| key_id(k) == self.key_id)
            .ok_or_else(|| {
                format!(
                    "signed by key {}, which this deployment does not trust (see {TRUSTED_DIR}/)",
                    self.key_id
                )
            })?;
        let bytes: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("the signature is not 128 hex digits")?;
        key.verify(self.message().as_bytes(), &Signature::from_bytes(&bytes))
            .map_err(|_| "the signature does not match: the checkpoint was altered".to_owned())
    }
}

/// `key_id` of a public key: see the module docs.
pub fn key_id(key: &VerifyingKey) -> String {
    hex::encode(&Sha256::digest(key.as_bytes())[..8])
}

/// Where this deployment keeps its audit keys and checkpoint files, and how often
/// the server takes a checkpoint.
#[derive(Debug, Clone)]
pub struct AuditKeys {
    /// The signing key's file; `None`: checkpoints cannot be taken (a bare test app).
    pub key_file: Option<PathBuf>,
    /// Public keys of earlier signing keys.
    pub trusted_dir: Option<PathBuf>,
    /// Where checkpoints are written; `None`: not written to a file.
    pub checkpoint_dir: Option<PathBuf>,
    /// The server's interval between checkpoints.
    pub interval: Duration,
}

impl Default for AuditKeys {
    fn default() -> Self {
        AuditKeys {
            key_file: None,
            trusted_dir: None,
            checkpoint_dir: None,
            interval: Duration::from_secs(3600),
        }
    }
}

impl AuditKeys {
    /// The keys of the deployment in `data_dir` (see the module docs).
    pub fn of(data_dir: &Path) -> AuditKeys {
        let key_file = std::env::var_os(KEY_FILE_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join(KEY_FILE));
        AuditKeys {
            key_file: Some(key_file),
            trusted_dir: Some(data_dir.join(TRUSTED_DIR)),
            checkpoint_dir: Some(data_dir.join(CHECKPOINT_DIR)),
            ..AuditKeys::default()
        }
    }

    /// The signing key, made (and written, owner-readable only) when the data
    /// directory's own file does not exist yet. A shared file named by
    /// [`KEY_FILE_ENV`] is never made here: a node that made its own would sign
    /// differently from the others.
    pub fn signing_key(&self) -> AppResult<SigningKey> {
        let path = self.key_file.as_ref().ok_or_else(|| {
            AppError::Unavailable("this deployment has no audit signing key".into())
        })?;
        let bad = |m: String| AppError::internal(format!("{}: {m}", path.display()));
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let bytes: [u8; 32] = hex::decode(text.trim())
                    .ok()
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| bad("not 64 hex digits".into()))?;
                Ok(SigningKey::from_bytes(&bytes))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !shared_key_named() => {
                let mut bytes = [0u8; 32];
                getrandom::getrandom(&mut bytes).map_err(|e| bad(e.to_string()))?;
                write_private(path, &hex::encode(bytes)).map_err(|e| bad(e.to_string()))?;
                tracing::info!(path = %path.display(), "made the audit signing key");
                Ok(SigningKey::from_bytes(&bytes))
            }
            Err(e) => Err(bad(e.to_string())),
        }
    }

    /// The public keys checkpoints may be signed with: the current key's and every
    /// `*.pub` (64 hex digits) in the trusted directory. An unreadable file there
    /// is skipped with a warning rather than failing every verification.
    pub fn trusted(&self) -> Vec<VerifyingKey> {
        let mut keys = Vec::new();
        if let Some(Ok(key)) = self
            .key_file
            .as_ref()
            .filter(|p| p.exists())
            .map(|_| self.signing_key())
        {
            keys.push(key.verifying_key());
        }
        let entries = self
            .trusted_dir
            .as_ref()
            .and_then(|dir| std::fs::read_dir(dir).ok());
        for entry in entries.into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "pub") {
                continue;
            }
            let key = std::fs::read_to_string(&path)
                .ok()
                .and_then(|t| hex::decode(t.trim()).ok())
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .and_then(|b| VerifyingKey::from_bytes(&b).ok());
            match key {
                Some(key) => keys.push(key),
                None => tracing::warn!(path = %path.display(), "not a public key; skipped"),
            }
        }
        keys
    }
}

fn shared_key_named() -> bool {
    std::env::var_os(KEY_FILE_ENV).is_some_and(|v| !v.is_empty())
}

/// Writes `text` to `path`, readable and writable by the owner only.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

/// Signs the head of the audit log (admins and the server itself): records the
/// checkpoint in the log, publishes it to the HRM event feed in the same
/// transaction, and writes it to the checkpoint directory. `None` when the log is
/// empty or its head is already checkpointed (the server's interval then does
/// nothing).
pub async fn take(app: &App, actor: &Actor) -> AppResult<Option<Checkpoint>> {
    actor.require(&[Role::Admin])?;
    let key = app.config().audit.signing_key()?;
    let mut tx = app.store().begin().await?;
    let Some((seq, hash)) = tx.audit_head().await? else {
        return Ok(None);
    };
    let last = tx.audit_head_of_action("audit.checkpoint").await?;
    // The checkpoint entry itself is the newest one after a checkpoint: nothing
    // has happened since.
    if last.is_some_and(|(s, _)| s == seq) {
        return Ok(None);
    }
    let checkpoint = Checkpoint::signed(seq, hash, &key);
    let body = serde_json::to_value(&checkpoint).map_err(|e| AppError::internal(e.to_string()))?;
    tx.enqueue_event(
        EventKind::AuditCheckpoint,
        "audit_log",
        &seq.to_string(),
        &body,
    )
    .await?;
    let detail = serde_json::json!({
        "seq": seq, "hash": checkpoint.hash, "key_id": checkpoint.key_id,
    });
    tx.audit(
        actor.audit_name(),
        "audit.checkpoint",
        "audit_log",
        &seq.to_string(),
        &detail.to_string(),
    )
    .await?;
    tx.commit().await?;
    if let Some(dir) = &app.config().audit.checkpoint_dir {
        let path = dir.join(format!("checkpoint-{seq:012}.json"));
        let written = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&path, format!("{body:#}\n")));
        // Committed and published already: a failed file is a warning, not a loss.
        if let Err(e) = written {
            tracing::warn!(path = %path.display(), error = %e, "checkpoint file not written");
        }
    }
    Ok(Some(checkpoint))
}

/// The newest checkpoint file in the checkpoint directory, if any.
pub fn latest_file(app: &App) -> AppResult<Option<Checkpoint>> {
    let Some(dir) = &app.config().audit.checkpoint_dir else {
        return Ok(None);
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(None);
    };
    let mut names: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    match names.last() {
        None => Ok(None),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| AppError::internal(format!("{}: {e}", path.display())))?;
            parse(&text).map(Some)
        }
    }
}

/// Reads a checkpoint (a file's or a request's text), naming what is wrong.
pub fn parse(text: &str) -> AppResult<Checkpoint> {
    let checkpoint: Checkpoint = serde_json::from_str(text).map_err(|e| {
        AppError::bad_request(
            "invalid_checkpoint",
            format!("not a checkpoint ({FORMAT}): {e}"),
        )
    })?;
    checkpoint.check_shape()?;
    Ok(checkpoint)
}

impl Checkpoint {
    /// Refuses fields of the wrong form, naming the field: the hex fields have
    /// their fixed lengths, the number is positive.
    pub fn check_shape(&self) -> AppResult<()> {
        let hex_of = |field: &str, value: &str, digits: usize| {
            let ok = value.len() == digits && value.bytes().all(|b| b.is_ascii_hexdigit());
            if ok {
                Ok(())
            } else {
                Err(AppError::invalid(
                    field,
                    format!("{field} is {digits} hex digits"),
                ))
            }
        };
        hex_of("hash", &self.hash, 64)?;
        hex_of("key_id", &self.key_id, 16)?;
        hex_of("public_key", &self.public_key, 64)?;
        hex_of("signature", &self.signature, 128)?;
        if self.seq < 1 {
            return Err(AppError::invalid(
                "seq",
                "seq is an audit entry's number, from 1",
            ));
        }
        Ok(())
    }
}

/// The audit log checked against a checkpoint.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnchoredVerification {
    /// The chain is intact and agrees with the checkpoint (when one was given).
    pub intact: bool,
    /// Entries in the log now.
    pub entries: i64,
    /// The checkpoint checked against, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<Checkpoint>,
    /// What is wrong, in words, when not intact.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// Recomputes the chain and checks it against `checkpoint` (admins, auditors): its
/// signature must be the deployment's, and the entry it vouches for must still be
/// in the log with the same hash.
pub async fn verify(
    app: &App,
    actor: &Actor,
    checkpoint: Option<Checkpoint>,
) -> AppResult<AnchoredVerification> {
    actor.require(&[Role::Admin, Role::Auditor])?;
    if let Some(c) = &checkpoint {
        c.check_shape()?;
    }
    let mut problems = Vec::new();
    if let Err(broken) = app.store().verify_audit_chain().await? {
        problems.push(broken.to_string());
    }
    let head = app.store().audit_head().await?.map_or(0, |(seq, _)| seq);
    if let Some(c) = &checkpoint {
        if let Err(e) = c.check_signature(&app.config().audit.trusted()) {
            problems.push(format!("checkpoint: {e}"));
        } else {
            match app.store().audit_entry(c.seq).await? {
                None if head < c.seq => problems.push(format!(
                    "the log ends at entry {head}, but the checkpoint of {} vouches for \
                     entry {}: the newest {} entries were deleted",
                    c.at.format("%Y-%m-%d %H:%M UTC"),
                    c.seq,
                    c.seq - head
                )),
                None => problems.push(format!("entry {} is missing", c.seq)),
                Some(e) if e.hash != c.hash => problems.push(format!(
                    "entry {} is not the one the checkpoint of {} vouches for: the log \
                     was rewritten from there",
                    c.seq,
                    c.at.format("%Y-%m-%d %H:%M UTC")
                )),
                Some(_) => {}
            }
        }
    }
    Ok(AnchoredVerification {
        intact: problems.is_empty(),
        entries: head,
        checkpoint,
        problems,
    })
}

/// Takes a checkpoint every [`AuditKeys::interval`] until the process ends. On a
/// deployment of several servers each tries every interval, and the one that gets
/// the job's deployment-wide lock takes it (the others find the lock held, or the
/// head already checkpointed).
pub async fn run_interval(app: App) {
    let actor = Actor::system("audit-checkpoint");
    let mut tick = tokio::time::interval(app.config().audit.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let lock = match app.store().try_job_lock("audit-checkpoint").await {
            Ok(Some(lock)) => lock,
            Ok(None) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "audit checkpoint: cannot take the job's lock");
                continue;
            }
        };
        match take(&app, &actor).await {
            Ok(Some(c)) => tracing::info!(seq = c.seq, "audit checkpoint taken"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "audit checkpoint not taken"),
        }
        lock.release().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_verifies_only_unaltered_and_under_a_trusted_key() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let c = Checkpoint::signed(41, "ab".repeat(32), &key);
        let trusted = [key.verifying_key()];
        assert_eq!(c.check_signature(&trusted), Ok(()));
        let mut altered = c.clone();
        altered.seq = 40;
        assert!(altered
            .check_signature(&trusted)
            .unwrap_err()
            .contains("altered"));
        let other = SigningKey::from_bytes(&[8u8; 32]);
        assert!(c
            .check_signature(&[other.verifying_key()])
            .unwrap_err()
            .contains("does not trust"));
        // Round trip through its file form.
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(parse(&text).unwrap(), c);
    }
}
