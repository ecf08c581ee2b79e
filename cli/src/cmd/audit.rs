//! `qabilet audit`: the audit log's checkpoints and their verification
//! (`qabilet_app::checkpoints`).
//!
//! - `audit checkpoint [--out FILE]` signs the head of the log now, publishes the
//!   checkpoint to the HRM feed, writes it to `DATA_DIR/checkpoints/` and, with
//!   `--out`, to FILE too (to hand to whoever keeps it);
//! - `audit verify [--checkpoint FILE]` recomputes the hash chain and checks it
//!   against the checkpoint (by default the newest file in `DATA_DIR/checkpoints/`);
//!   a log cut short or rewritten after the checkpoint exits non-zero.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use qabilet_app::{checkpoints, Actor, App};

/// `qabilet audit …`.
#[derive(Subcommand)]
pub enum AuditCommand {
    /// Sign the head of the audit log now (see `docs/audit.md`).
    Checkpoint(CheckpointArgs),
    /// Recompute the hash chain and check it against a checkpoint.
    Verify(VerifyArgs),
    /// Print the signing key's id and public half (made if there is none yet):
    /// what to keep in `audit-keys/` when the key is rotated.
    Key,
}

#[derive(Args)]
pub struct CheckpointArgs {
    /// Also write the checkpoint to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The checkpoint to check against (default: the newest in DATA_DIR/checkpoints).
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
    /// Print the result as JSON (the API's).
    #[arg(long)]
    pub json: bool,
}

pub async fn run(command: &AuditCommand, app: &App) -> anyhow::Result<()> {
    let actor = Actor::operator_from_env();
    match command {
        AuditCommand::Key => {
            let key = app.config().audit.signing_key()?.verifying_key();
            println!("key_id {}", checkpoints::key_id(&key));
            println!("public_key {}", hex::encode(key.as_bytes()));
            Ok(())
        }
        AuditCommand::Checkpoint(args) => {
            let checkpoint = match checkpoints::take(app, &actor).await? {
                Some(c) => c,
                None => {
                    let Some(latest) = checkpoints::latest_file(app)? else {
                        anyhow::bail!("the audit log is empty: nothing to checkpoint");
                    };
                    println!(
                        "Nothing new since the last checkpoint (entry {}).",
                        latest.seq
                    );
                    latest
                }
            };
            let text = serde_json::to_string_pretty(&checkpoint)?;
            if let Some(out) = &args.out {
                std::fs::write(out, format!("{text}\n"))
                    .with_context(|| format!("writing {}", out.display()))?;
            }
            println!(
                "Checkpoint of entry {} (hash {}…) signed with key {}{}",
                checkpoint.seq,
                checkpoint.hash.get(..16).unwrap_or(&checkpoint.hash),
                checkpoint.key_id,
                args.out
                    .as_ref()
                    .map(|p| format!("; written to {}", p.display()))
                    .unwrap_or_default()
            );
            Ok(())
        }
        AuditCommand::Verify(args) => {
            let checkpoint = match &args.checkpoint {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    Some(
                        checkpoints::parse(&text)
                            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
                    )
                }
                None => checkpoints::latest_file(app)?,
            };
            let result = checkpoints::verify(app, &actor, checkpoint).await?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&result)?);
            } else if result.intact {
                match &result.checkpoint {
                    Some(c) => println!(
                        "The audit log is intact: {} entries, and entry {} is the one the \
                         checkpoint of {} (key {}) vouches for.",
                        result.entries,
                        c.seq,
                        c.at.format("%Y-%m-%d %H:%M UTC"),
                        c.key_id
                    ),
                    None => println!(
                        "The hash chain is intact: {} entries. No checkpoint to check \
                         against: deleting the newest entries would not show; take one \
                         with `qabilet audit checkpoint`.",
                        result.entries
                    ),
                }
            }
            if !result.intact {
                for p in &result.problems {
                    eprintln!("{p}");
                }
                anyhow::bail!("the audit log does not verify");
            }
            Ok(())
        }
    }
}
