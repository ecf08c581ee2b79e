//! `qabilet reserve …`: the talent reserve and the second-best registry from the
//! terminal, through the same use cases as `GET/POST /reserve` (the same consent
//! rule, the same ids — adding again renews — the same bounds on days), audited as
//! the operator (`--by`, default `$USER`).

use chrono::{DateTime, Utc};
use clap::Subcommand;
use comfy_table::Table;
use qabilet_app::reserve::{self, Extension, NewEntry, ReserveQuery};
use qabilet_app::{Actor, App};
use qabilet_domain::{ProfileId, ReserveEntryId, ReserveKind, VacancyId};

/// The talent reserve and the second-best registry.
#[derive(Subcommand)]
pub enum ReserveCommand {
    /// List entries.
    List {
        /// Only entries in force.
        #[arg(long)]
        active: bool,
        /// `reserve` or `second_best`.
        #[arg(long)]
        kind: Option<String>,
        /// Entries from this vacancy's competition.
        #[arg(long)]
        vacancy: Option<VacancyId>,
        /// At most this many; every entry unless given.
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Keep a person in the talent reserve (they must consent to it); adding again
    /// renews the entry.
    Add {
        profile_id: ProfileId,
        #[arg(long)]
        reason: String,
        /// Days the entry stays in force (1 to 1,095).
        #[arg(long, default_value_t = 365)]
        days: i64,
        /// The competition the person is kept from.
        #[arg(long)]
        vacancy: Option<VacancyId>,
        /// Who decided, for the audit log (default: $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// Move an entry's expiry to a later date (at most 1,095 days from now).
    Extend {
        entry_id: ReserveEntryId,
        #[arg(long)]
        until: DateTime<Utc>,
        #[arg(long, default_value = "extended by the operator")]
        reason: String,
        #[arg(long)]
        by: Option<String>,
    },
    /// Remove an entry.
    Remove {
        entry_id: ReserveEntryId,
        #[arg(long)]
        by: Option<String>,
    },
}

fn operator(by: &Option<String>) -> Actor {
    match by {
        Some(by) => Actor::operator(by),
        None => Actor::operator_from_env(),
    }
}

pub async fn run(command: &ReserveCommand, app: &App) -> anyhow::Result<()> {
    match command {
        ReserveCommand::List {
            active,
            kind,
            vacancy,
            limit,
            json,
        } => {
            let kind = match kind.as_deref() {
                None => None,
                Some("reserve") => Some(ReserveKind::Reserve),
                Some("second_best") => Some(ReserveKind::SecondBest),
                Some(other) => {
                    anyhow::bail!("unknown kind {other:?}; expected reserve or second_best")
                }
            };
            // Pages of the API's size, as an HRM client would read them.
            let page = app.limits().page as usize;
            let mut entries = Vec::new();
            loop {
                let want = limit.map_or(page, |l| (l - entries.len()).min(page));
                if want == 0 {
                    break;
                }
                let query = ReserveQuery {
                    kind,
                    active: active.then_some(true),
                    vacancy: vacancy.clone(),
                    after: entries
                        .last()
                        .map(|e: &qabilet_domain::ReserveEntry| e.id.to_string()),
                    limit: Some(want),
                };
                let got = reserve::list(app, &Actor::operator_from_env(), &query).await?;
                let done = got.len() < want;
                entries.extend(got);
                if done {
                    break;
                }
            }
            if *json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
                return Ok(());
            }
            let mut t = Table::new();
            t.set_header([
                "entry", "profile", "kind", "from", "rank", "expires", "reason",
            ]);
            for e in &entries {
                t.add_row([
                    e.id.to_string(),
                    e.profile_id.to_string(),
                    e.kind.code().to_owned(),
                    e.origin_vacancy_id
                        .as_ref()
                        .map_or(String::new(), |v| v.to_string()),
                    e.rank.map_or(String::new(), |r| r.to_string()),
                    e.expires_at.date_naive().to_string(),
                    e.reason.clone(),
                ]);
            }
            println!("{t}");
        }
        ReserveCommand::Add {
            profile_id,
            reason,
            days,
            vacancy,
            by,
        } => {
            let input = NewEntry {
                profile_id: profile_id.clone(),
                reason: reason.clone(),
                days: Some(*days),
                vacancy_id: vacancy.clone(),
            };
            let entry = reserve::add(app, &operator(by), &input).await?;
            println!(
                "kept {} in the reserve as {} until {}",
                entry.profile_id,
                entry.id,
                entry.expires_at.date_naive()
            );
        }
        ReserveCommand::Extend {
            entry_id,
            until,
            reason,
            by,
        } => {
            let input = Extension {
                until: *until,
                reason: reason.clone(),
            };
            let entry = reserve::extend_entry(app, &operator(by), entry_id, &input).await?;
            println!("{} now expires {}", entry.id, entry.expires_at);
        }
        ReserveCommand::Remove { entry_id, by } => {
            reserve::remove(app, &operator(by), entry_id).await?;
            println!("removed {entry_id}");
        }
    }
    Ok(())
}
