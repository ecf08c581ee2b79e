//! `qabilet index`: rebuild, sync and inspect the search index.
//!
//! The index is derived from the store (see `qabilet_indexer::sync`): `sync` applies
//! the store's changes since the last run, `rebuild` builds a fresh index beside the
//! old one and swaps it in, and `status` shows how far the index lags behind. They
//! take an embedding model when one is available; without one, text search is kept
//! up to date and records whose text changed lose their vector until a run with a
//! model computes it.

use std::path::Path;
use std::sync::Mutex;

use anyhow::Context as _;
use clap::Subcommand;
use comfy_table::{presets::UTF8_FULL, Table};
use indicatif::ProgressBar;
use qabilet_indexer::sync::{self, Embedder, Phase, Progress};
use qabilet_indexer::{Index, IndexConfig};
use qabilet_store::Store;

/// What to do with the index.
#[derive(Subcommand)]
pub enum IndexCommand {
    /// Rebuild the index from every record of the store, beside the current one,
    /// then swap it in. Vectors whose text and model are unchanged are reused.
    /// Stop the server first: it holds the index.
    Rebuild,
    /// Apply the changes made in the store since the last sync.
    Sync,
    /// Show what the index holds and how far it lags behind the store.
    Status,
}

/// Runs one index command. `embedder` computes vectors; `None` keeps text search in
/// step and leaves vectors of changed records to a later run with a model.
pub async fn run(
    cmd: IndexCommand,
    store: &Store,
    index_dir: &Path,
    embedder: Option<&dyn Embedder>,
) -> anyhow::Result<()> {
    match cmd {
        IndexCommand::Rebuild => rebuild(store, index_dir, embedder).await,
        IndexCommand::Sync => sync(store, index_dir, embedder).await,
        IndexCommand::Status => status(store, index_dir).await,
    }
}

async fn rebuild(
    store: &Store,
    index_dir: &Path,
    embedder: Option<&dyn Embedder>,
) -> anyhow::Result<()> {
    let bars = Bars::default();
    let report = sync::rebuild(store, index_dir, IndexConfig::default(), embedder, &bars)
        .await
        .with_context(|| format!("rebuilding the index in {}", index_dir.display()))?;
    bars.end();
    if let Some(reason) = &report.old_index_unreadable {
        eprintln!("note: the old index could not be read ({reason}); it was replaced");
    }
    println!(
        "Indexed {} vacancies and {} profiles ({} vectors computed, {} reused); \
         then {} changes made meanwhile. Index at change {}.",
        report.vacancies,
        report.profiles,
        report.embedded + report.catch_up.embedded,
        report.reused,
        report.catch_up.changes,
        report.catch_up.to_seq,
    );
    no_model_note(embedder);
    Ok(())
}

pub async fn sync(
    store: &Store,
    index_dir: &Path,
    embedder: Option<&dyn Embedder>,
) -> anyhow::Result<()> {
    let mut index = open(index_dir, embedder)?;
    let bars = Bars::default();
    let report = sync::catch_up(store, &mut index, embedder, &bars)
        .await
        .with_context(|| format!("syncing the index in {}", index_dir.display()))?;
    bars.end();
    if report.vectors_reset {
        eprintln!("The embedding model changed: every vector was recomputed.");
    }
    // On stderr: `eval --json` and others sync first and keep stdout for their output.
    eprintln!(
        "Applied {} changes ({} records indexed, {} removed, {} vectors computed); \
         index at change {} (was {}).",
        report.changes,
        report.upserted,
        report.removed,
        report.embedded,
        report.to_seq,
        report.from_seq,
    );
    no_model_note(embedder);
    Ok(())
}

/// Opens the index with the dimension it was built with, so that a model of another
/// dimension gets the "run rebuild" error from the sync rather than an open failure.
fn open(index_dir: &Path, embedder: Option<&dyn Embedder>) -> anyhow::Result<Index> {
    let defaults = IndexConfig::default();
    let dim = Index::stored_dim(index_dir)?
        .or(embedder.map(|e| e.dim()))
        .unwrap_or(defaults.dim);
    Index::open(index_dir, IndexConfig { dim, ..defaults }).with_context(|| {
        format!(
            "opening the index in {} (if the server is running, it keeps the index \
             in step itself)",
            index_dir.display()
        )
    })
}

fn no_model_note(embedder: Option<&dyn Embedder>) {
    if embedder.is_none() {
        eprintln!("note: no embedding model: changed records have no vector until a run with one");
    }
}

async fn status(store: &Store, index_dir: &Path) -> anyhow::Result<()> {
    let store_seq = store.last_change_seq().await?;
    let counts = store.counts().await?;
    let Some(status) = Index::status(index_dir)
        .with_context(|| format!("reading the index in {}", index_dir.display()))?
    else {
        println!(
            "No index in {}; the store is at change {store_seq}. \
             Run `qabilet index rebuild`.",
            index_dir.display()
        );
        return Ok(());
    };
    let applied = i64::try_from(status.last_applied_seq).unwrap_or(i64::MAX);
    let mut t = Table::new();
    t.load_preset(UTF8_FULL)
        .set_header(vec!["", "Index", "Store"]);
    t.add_row(vec![
        "Vacancies".to_owned(),
        status.vacancies.to_string(),
        counts.vacancies.to_string(),
    ]);
    t.add_row(vec![
        "Profiles (store: with or without consent)".to_owned(),
        status.profiles.to_string(),
        counts.profiles.to_string(),
    ]);
    t.add_row(vec![
        "Vectors: vacancies / profiles".to_owned(),
        format!("{} / {}", status.vacancy_vectors, status.profile_vectors),
        String::new(),
    ]);
    t.add_row(vec![
        "Embedding model".to_owned(),
        format!(
            "{} ({} dimensions)",
            status.model.as_deref().unwrap_or("none recorded"),
            status.dim
        ),
        String::new(),
    ]);
    t.add_row(vec![
        "Last change applied / in the store".to_owned(),
        status.last_applied_seq.to_string(),
        store_seq.to_string(),
    ]);
    t.add_row(vec![
        "Lag (changes to apply)".to_owned(),
        store_seq.saturating_sub(applied).max(0).to_string(),
        String::new(),
    ]);
    println!("{t}");
    Ok(())
}

/// Shows each phase of a sync or rebuild as its own progress bar on stderr.
#[derive(Default)]
struct Bars {
    /// The bar of the current phase. A mutex because `Progress` is `Sync` (indexing
    /// may run on another task); it is never held across an `.await`.
    current: Mutex<Option<ProgressBar>>,
}

impl Bars {
    fn with(&self, f: impl FnOnce(&mut Option<ProgressBar>)) {
        // A panic elsewhere poisons the lock; progress display carries on regardless.
        let mut guard = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard);
    }
}

impl Progress for Bars {
    fn begin(&self, phase: Phase, total: u64) {
        self.with(|bar| {
            if let Some(old) = bar.take() {
                old.finish();
            }
            *bar = Some(crate::cmd::progress(total, phase.as_str()));
        });
    }

    fn advance(&self, steps: u64) {
        self.with(|bar| {
            if let Some(bar) = bar {
                bar.inc(steps);
            }
        });
    }

    fn end(&self) {
        self.with(|bar| {
            if let Some(bar) = bar.take() {
                bar.finish();
            }
        });
    }
}
