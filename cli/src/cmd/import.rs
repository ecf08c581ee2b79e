//! `qabilet import`: loads a file into the store, all or nothing.
//!
//! The file is read twice. The first pass parses and validates every record and
//! checks ids are unique, collecting errors as `file:line: field: problem`; if there
//! is any, nothing is written. The second pass writes every record through one
//! `qabilet_app::import::Import` — one transaction, the same rules, audit entry and
//! reserve matching as `POST /import/…` — so even a database error half-way leaves
//! the store as it was. Reading twice keeps memory flat for a million-profile file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::bail;
use chrono::Utc;
use clap::{Args, ValueEnum};
use qabilet_app::import::{Import, ImportKind as Kind};
use qabilet_app::{Actor, App, AppResult};
use qabilet_domain::repair::Repaired;
use qabilet_domain::{Application, FieldError, Organisation, Profile, ReserveEntry, Vacancy};
use qabilet_store::Put;
use serde::Serialize;

use crate::formats::{csv_profiles, csv_vacancies, json_resume, jsonl, Item, TextPolicy};

/// How many record errors to print before giving up on listing them.
const MAX_REPORTED_ERRORS: usize = 20;

/// Import records from a file. Existing records with the same id are replaced, so
/// importing the same file twice changes nothing.
#[derive(Args)]
pub struct ImportArgs {
    /// What the file holds.
    #[arg(value_enum)]
    pub kind: ImportKind,
    /// The file: JSON Lines (one record per line; see docs/import.md), CSV
    /// (vacancies, profiles) or JSON Resume (profiles).
    pub file: PathBuf,
    /// File format; by default taken from the extension (.csv → csv, else jsonl).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// For JSON Resume and CSV profiles: attest that each person consented to the
    /// processing of their data (those formats have no consent field). Recorded as
    /// granted now.
    #[arg(long)]
    pub consent_granted: bool,
    /// Repair text garbled by a wrong character encoding (UTF-8 read as
    /// Windows-1252 or Latin-1) and drop control characters, and report how many
    /// records it changed. On by default for JSON Resume and CSV, which come from
    /// outside; JSON Lines is refused instead, naming this option.
    #[arg(long, overrides_with = "no_repair_text")]
    pub repair_text: bool,
    /// Refuse garbled text even in JSON Resume and CSV.
    #[arg(long)]
    pub no_repair_text: bool,
    /// Leave the search index as it is (by default it is brought up to date after
    /// the import, so what was imported is searchable at once).
    #[arg(long)]
    pub no_index: bool,
    /// Who is importing, for the audit log.
    #[arg(long, env = "USER", default_value = "cli")]
    pub actor: String,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    Organisations,
    Vacancies,
    Profiles,
    Applications,
    Reserve,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Jsonl,
    Csv,
    JsonResume,
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub records: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Records whose text was repaired.
    pub repaired: u64,
    /// The first repair, as `line N, field: «before» → «after»`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repair_example: Option<String>,
}

/// A record kind the importer can write.
pub trait Importable: Sized {
    const KIND: Kind;
    fn id(&self) -> &str;
    fn put<'a>(
        &'a self,
        import: &'a mut Import<'_>,
    ) -> impl std::future::Future<Output = AppResult<Put>> + 'a;
}

macro_rules! importable {
    ($type:ty, $kind:expr, $method:ident) => {
        impl Importable for $type {
            const KIND: Kind = $kind;
            fn id(&self) -> &str {
                self.id.as_str()
            }
            fn put<'a>(
                &'a self,
                import: &'a mut Import<'_>,
            ) -> impl std::future::Future<Output = AppResult<Put>> + 'a {
                import.$method(self)
            }
        }
    };
}
importable!(Organisation, Kind::Organisations, organisation);
importable!(Vacancy, Kind::Vacancies, vacancy);
importable!(Profile, Kind::Profiles, profile);
importable!(Application, Kind::Applications, application);
importable!(ReserveEntry, Kind::Reserve, reserve_entry);

pub async fn run(args: ImportArgs, app: &App) -> anyhow::Result<()> {
    let summary = import_file(app, &args).await?;
    println!(
        "{}: {} records — {} new, {} updated, {} unchanged",
        args.file.display(),
        summary.records,
        summary.inserted,
        summary.updated,
        summary.unchanged
    );
    if summary.repaired > 0 {
        println!(
            "{} of {} records had their text repaired (mis-encoded characters, control \
             characters); the first: {}",
            summary.repaired,
            summary.records,
            summary.repair_example.as_deref().unwrap_or_default()
        );
    }
    Ok(())
}

/// The text policy of `args` for a file of `format`: see [`ImportArgs::repair_text`].
fn text_policy(args: &ImportArgs, format: Format) -> TextPolicy {
    let from_outside = matches!(format, Format::Csv | Format::JsonResume);
    if args.repair_text || (from_outside && !args.no_repair_text) {
        TextPolicy::Repair
    } else {
        TextPolicy::Strict
    }
}

/// `line N, field: «before» → «after»`, each side cut to the neighbourhood of the
/// first change.
fn repair_example(line: u64, r: &Repaired) -> String {
    let before: Vec<char> = r.before.chars().collect();
    let after: Vec<char> = r.after.chars().collect();
    let common = before
        .iter()
        .zip(&after)
        .take_while(|(a, b)| a == b)
        .count();
    let from = common.saturating_sub(20);
    let cut = |chars: &[char]| -> String {
        let end = (from + 60).min(chars.len());
        let text: String = chars[from.min(end)..end].iter().collect();
        let text = text.replace(['\n', '\r'], " ");
        // Control characters are shown as escapes, not sent to the terminal.
        text.chars()
            .flat_map(|c| {
                if c.is_control() {
                    c.escape_unicode().collect::<Vec<_>>()
                } else {
                    vec![c]
                }
            })
            .collect()
    };
    format!(
        "line {line}, {}: «{}» → «{}»",
        r.field,
        cut(&before),
        cut(&after)
    )
}

/// Imports one file as `args` describe.
pub async fn import_file(app: &App, args: &ImportArgs) -> anyhow::Result<ImportSummary> {
    let path = args.file.as_path();
    if !path.is_file() {
        bail!("{}: no such file", path.display());
    }
    let format = args.format.unwrap_or(
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            Format::Csv
        } else {
            Format::Jsonl
        },
    );
    let actor = &Actor::operator(&args.actor);
    let policy = text_policy(args, format);
    let attested = || -> anyhow::Result<chrono::DateTime<Utc>> {
        if !args.consent_granted {
            bail!(
                "this format carries no consent record; pass --consent-granted to attest \
                 that every person in {} consented to the processing of their data",
                path.display()
            );
        }
        Ok(Utc::now())
    };
    match (args.kind, format) {
        (ImportKind::Vacancies, Format::Csv) => {
            import(app, path, actor, || csv_vacancies::read(path, policy)).await
        }
        (ImportKind::Profiles, Format::Csv) => {
            let at = attested()?;
            let (_, notes) = csv_profiles::read(path, at, policy)?;
            if !notes.ignored_columns.is_empty() {
                eprintln!(
                    "note: columns {} are no profile field and were left out",
                    notes.ignored_columns.join(", ")
                );
            }
            if notes.repeated_rows > 0 {
                eprintln!(
                    "note: {} rows repeat an earlier row exactly and were skipped",
                    notes.repeated_rows
                );
            }
            import(app, path, actor, || {
                Ok(csv_profiles::read(path, at, policy)?.0.into_iter())
            })
            .await
        }
        (ImportKind::Profiles, Format::JsonResume) => {
            let at = attested()?;
            import(app, path, actor, || {
                Ok(json_resume::read(path, at, policy)?.into_iter())
            })
            .await
        }
        (_, Format::Csv) => {
            bail!("CSV is supported for vacancies and profiles only; use JSON Lines")
        }
        (_, Format::JsonResume) => bail!("JSON Resume is a format for profiles only"),
        (ImportKind::Organisations, Format::Jsonl) => {
            import::<Organisation, _>(app, path, actor, || Ok(jsonl::read(path, policy)?)).await
        }
        (ImportKind::Vacancies, Format::Jsonl) => {
            import::<Vacancy, _>(app, path, actor, || Ok(jsonl::read(path, policy)?)).await
        }
        (ImportKind::Profiles, Format::Jsonl) => {
            import::<Profile, _>(app, path, actor, || Ok(jsonl::read(path, policy)?)).await
        }
        (ImportKind::Applications, Format::Jsonl) => {
            import::<Application, _>(app, path, actor, || Ok(jsonl::read(path, policy)?)).await
        }
        (ImportKind::Reserve, Format::Jsonl) => {
            import::<ReserveEntry, _>(app, path, actor, || Ok(jsonl::read(path, policy)?)).await
        }
    }
}

fn located(path: &Path, line: u64, e: &FieldError) -> String {
    if e.path.is_empty() {
        format!("{}:{line}: {}", path.display(), e.message)
    } else {
        format!("{}:{line}: {}: {}", path.display(), e.path, e.message)
    }
}

/// Validates everything, then writes everything in one transaction.
pub async fn import<T, I>(
    app: &App,
    path: &Path,
    actor: &Actor,
    read: impl Fn() -> anyhow::Result<I>,
) -> anyhow::Result<ImportSummary>
where
    T: Importable,
    I: Iterator<Item = Item<T>>,
{
    // Pass 1: validate, find duplicates; write nothing.
    let mut errors = Vec::new();
    let mut error_count = 0usize;
    let mut first_line_of: HashMap<String, u64> = HashMap::new();
    let mut records = 0u64;
    let (mut repaired, mut repair_example) = (0u64, None);
    for Item {
        line,
        record,
        repaired: repair,
    } in read()?
    {
        records += 1;
        if let Some(r) = repair {
            repaired += 1;
            repair_example.get_or_insert_with(|| self::repair_example(line, &r));
        }
        let problem = match record {
            Err(e) => Some(e),
            Ok(r) => match first_line_of.get(r.id()) {
                Some(first) => Some(FieldError {
                    code: qabilet_domain::problem::INVALID,
                    path: "id".into(),
                    message: format!("{:?} already appears on line {first}", r.id()),
                }),
                None => {
                    first_line_of.insert(r.id().to_owned(), line);
                    None
                }
            },
        };
        if let Some(e) = problem {
            error_count += 1;
            if errors.len() < MAX_REPORTED_ERRORS {
                errors.push(located(path, line, &e));
            }
        }
    }
    drop(first_line_of);
    if error_count > 0 {
        let more = error_count.saturating_sub(errors.len());
        let mut message = errors.join("\n");
        if more > 0 {
            message.push_str(&format!("\n… and {more} more"));
        }
        bail!(
            "{message}\n{error_count} of {records} {} rejected; nothing from {} was imported",
            T::KIND.name(),
            path.display()
        );
    }
    if records == 0 {
        bail!("{}: the file holds no {}", path.display(), T::KIND.name());
    }

    // Pass 2: write all of it in one transaction.
    let bar = super::progress(records, T::KIND.name());
    let mut summary = ImportSummary {
        records,
        repaired,
        repair_example,
        ..Default::default()
    };
    let mut import = Import::begin(app, actor, T::KIND).await?;
    for Item { line, record, .. } in read()? {
        let record = record.map_err(|e| anyhow::anyhow!(located(path, line, &e)))?;
        let put = record.put(&mut import).await.map_err(|e| {
            anyhow::anyhow!(
                "{}:{line}: {e}\nnothing from {} was imported",
                path.display(),
                path.display()
            )
        })?;
        match put {
            Put::Inserted => summary.inserted += 1,
            Put::Updated => summary.updated += 1,
            Put::Unchanged => summary.unchanged += 1,
        }
        bar.inc(1);
    }
    let tally = import.commit(&path.display().to_string()).await?;
    bar.finish_and_clear();
    if let Some(n) = tally.reserve_matches.filter(|n| *n > 0) {
        eprintln!("{n} reserve matches notified for the vacancies that opened");
    }
    for m in &tally.matched_by_iin {
        eprintln!(
            "{}: its IIN is on file as {}, which it updated (one person, one profile)",
            m.given_id, m.profile_id
        );
    }
    Ok(summary)
}
