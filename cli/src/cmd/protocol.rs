//! `qabilet protocol issue VACANCY_ID --out FILE` writes the competition's protocol
//! PDF (`qabilet_app::protocol::issue`, recorded in the audit log with its
//! SHA-256); `qabilet protocol verify FILE` checks a PDF against the log and exits
//! non-zero unless this exact file was issued and the log is intact.

use std::path::PathBuf;

use anyhow::{bail, Context};
use qabilet_app::commission::{self, DeclarationInput};
use qabilet_app::protocol::{self, MAX_PDF_BYTES};
use qabilet_app::{Actor, App};
use qabilet_domain::VacancyId;

#[derive(clap::Subcommand)]
pub enum ProtocolCommand {
    /// Issue the protocol of a vacancy's competition as a PDF.
    Issue {
        vacancy_id: VacancyId,
        /// Where to write the PDF.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Who issues it, for the audit log (default: $USER).
        #[arg(long)]
        by: Option<String>,
        /// Declare first that you have no conflict of interest with any applicant
        /// (recorded and audited once per vacancy): the protocol names them.
        #[arg(long, value_name = "STATEMENT", num_args = 0..=1, default_missing_value = "")]
        declare: Option<String>,
    },
    /// Check a protocol PDF against the audit log.
    Verify { file: PathBuf },
}

pub async fn run(command: &ProtocolCommand, app: &App) -> anyhow::Result<()> {
    match command {
        ProtocolCommand::Issue {
            vacancy_id,
            out,
            by,
            declare,
        } => {
            let actor = by
                .as_deref()
                .map_or_else(Actor::operator_from_env, Actor::operator);
            if let Some(statement) = declare {
                let input = DeclarationInput {
                    no_conflict_of_interest: true,
                    statement: statement.clone(),
                };
                commission::declare(app, &actor, vacancy_id, &input)
                    .await
                    .map_err(super::refused)?;
            }
            let issued = protocol::issue(app, &actor, vacancy_id, "cli")
                .await
                .map_err(super::refused)?;
            std::fs::write(out, &issued.pdf)
                .with_context(|| format!("writing {}", out.display()))?;
            println!(
                "{}: the protocol of {vacancy_id}, {} bytes, SHA-256 {} (audit entry #{})",
                out.display(),
                issued.pdf.len(),
                issued.sha256,
                issued.issue_seq
            );
            Ok(())
        }
        ProtocolCommand::Verify { file } => {
            let size = std::fs::metadata(file)
                .with_context(|| format!("reading {}", file.display()))?
                .len();
            if size > MAX_PDF_BYTES as u64 {
                bail!(
                    "{}: {size} bytes; a protocol is at most {MAX_PDF_BYTES}",
                    file.display()
                );
            }
            let bytes =
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            let check = protocol::verify(app, &Actor::operator_from_env(), &bytes)
                .await
                .map_err(super::refused)?;
            if check.valid {
                println!(
                    "{}: valid — the protocol of {} issued by {} at {} (audit entry #{}), SHA-256 {}; the audit log is intact",
                    file.display(),
                    check.vacancy_id.as_deref().unwrap_or(""),
                    check.issued_by.as_deref().unwrap_or(""),
                    check.issued_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                    check.issue_seq.unwrap_or_default(),
                    check.sha256
                );
                Ok(())
            } else {
                bail!(
                    "{}: NOT valid — {} (SHA-256 {})",
                    file.display(),
                    check.problem.as_deref().unwrap_or("unknown"),
                    check.sha256
                )
            }
        }
    }
}
