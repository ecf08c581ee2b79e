//! `qabilet index`: rebuild, sync and inspect the search index.
//!
//! The index is derived from the store (see `qabilet_indexer::sync`): `sync` applies
//! the store's changes since the last run, `rebuild` builds a fresh index beside the
//! old one and swaps it in, and `status` shows how far the index lags behind. They
//! take an embedding model when one is available; without one, text search is kept
//! up to date and records whose text changed lose their vector until a run with a
//! model computes it.
//!
//! `--static` (on `rebuild` and `sync`) is for bulk loads: profiles that have no
//! vector get an interim one from the distilled static model (about a minute for a
//! million, against hours for the transformer), and `upgrade` (or the server, in the
//! background) replaces them with the transformer's later; see
//! `qabilet_indexer::sync::upgrade`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use anyhow::Context as _;
use clap::{Args, Subcommand};
use comfy_table::{presets::UTF8_FULL, Table};
use indicatif::ProgressBar;
use qabilet_indexer::sync::{self, Embedder, Embedders, Phase, Progress};
use qabilet_indexer::{Index, IndexConfig};
use qabilet_store::Store;

/// What to do with the index.
#[derive(Subcommand)]
pub enum IndexCommand {
    /// Rebuild the index from every record of the store, beside the current one,
    /// then swap it in. Vectors whose text and model are unchanged are reused.
    /// Stop the server first: it holds the index.
    Rebuild(BulkArgs),
    /// Apply the changes made in the store since the last sync.
    Sync(BulkArgs),
    /// Replace interim (static-model) profile vectors with the transformer's, in
    /// committed batches; stop it at any time (Ctrl-C) and run it again to go on.
    /// The server does the same in the background.
    Upgrade(UpgradeArgs),
    /// Show what the index holds and how far it lags behind the store.
    Status,
}

#[derive(Args)]
pub struct BulkArgs {
    /// Give profiles that have no vector an interim one from the distilled static
    /// model (`qabilet models distill`): a large pool is searchable in minutes, and
    /// `qabilet index upgrade` (or the server) upgrades them to the transformer's.
    #[arg(long = "static")]
    pub static_first: bool,
    /// Load no transformer: records get no transformer vector now (with
    /// `--static`, profiles get interim ones), and a later `index sync` or the
    /// server computes them. Embedding 50,000 vacancies alone takes hours on two
    /// cores, so a national bulk load is searchable in minutes only without it.
    #[arg(long)]
    pub no_model: bool,
}

impl IndexCommand {
    /// Whether the command embeds with the transformer (so loads it): not when
    /// told `--no-model`, and never to show the status.
    pub fn needs_model(&self) -> bool {
        match self {
            IndexCommand::Rebuild(args) | IndexCommand::Sync(args) => !args.no_model,
            IndexCommand::Upgrade(_) => true,
            IndexCommand::Status => false,
        }
    }
}

#[derive(Args)]
pub struct UpgradeArgs {
    /// Stop after this many profiles (default: all).
    #[arg(long)]
    pub limit: Option<u64>,
    /// Profiles embedded and committed per batch.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub batch: u64,
}

/// Runs one index command. `embedder` computes vectors; `None` keeps text search in
/// step and leaves vectors of changed records to a later run with a model.
pub async fn run(
    cmd: IndexCommand,
    store: &Store,
    data_dir: &Path,
    embedder: Option<&dyn Embedder>,
) -> anyhow::Result<()> {
    let index_dir = &super::index_dir(data_dir);
    let interim = |args: &BulkArgs| -> anyhow::Result<Option<qabilet_models::StaticModel>> {
        args.static_first
            .then(|| super::static_model(data_dir))
            .transpose()
    };
    match cmd {
        IndexCommand::Rebuild(args) => {
            let fast = interim(&args)?;
            rebuild(store, index_dir, embedders(embedder, fast.as_ref())).await
        }
        IndexCommand::Sync(args) => {
            let fast = interim(&args)?;
            sync_with(store, index_dir, embedders(embedder, fast.as_ref())).await
        }
        IndexCommand::Upgrade(args) => upgrade(store, index_dir, embedder, &args).await,
        IndexCommand::Status => status(store, index_dir).await,
    }
}

fn embedders<'a>(
    main: Option<&'a dyn Embedder>,
    interim: Option<&'a qabilet_models::StaticModel>,
) -> Embedders<'a> {
    Embedders {
        main,
        interim: interim.map(|m| m as &dyn Embedder),
    }
}

async fn rebuild(store: &Store, index_dir: &Path, embedders: Embedders<'_>) -> anyhow::Result<()> {
    let embedder = embedders.main;
    let bars = Bars::default();
    let report = sync::rebuild_with(store, index_dir, IndexConfig::default(), embedders, &bars)
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
    sync_with(store, index_dir, Embedders::main(embedder)).await
}

async fn sync_with(
    store: &Store,
    index_dir: &Path,
    embedders: Embedders<'_>,
) -> anyhow::Result<()> {
    let embedder = embedders.main;
    let mut index = open(index_dir, embedder)?;
    let bars = Bars::default();
    let report = sync::catch_up_with(store, &mut index, embedders, &bars)
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

/// After an import: brings the index up to date with the embedding model, if one
/// is fetched, so what was imported is searchable at once. The import has
/// committed by then, so a failure here (most often a running server holding the
/// index, which catches up by itself) is a warning, not the import's failure.
pub async fn follow_import(store: &Store, data_dir: &Path) {
    let result = async {
        let model = super::default_model(data_dir)?;
        let embedder = model.as_ref().map(|m| m as &dyn Embedder);
        sync(store, &super::index_dir(data_dir), embedder).await
    }
    .await;
    if let Err(e) = result {
        eprintln!(
            "warning: the index was not brought up to date ({e:#}); searches will miss \
             the new records until `qabilet index sync` runs"
        );
    }
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

/// `qabilet index upgrade`: see [`IndexCommand::Upgrade`].
async fn upgrade(
    store: &Store,
    index_dir: &Path,
    embedder: Option<&dyn Embedder>,
    args: &UpgradeArgs,
) -> anyhow::Result<()> {
    let embedder = embedder.context(
        "no transformer to upgrade to: run `qabilet models fetch` (the upgrade replaces \
         interim vectors with its vectors)",
    )?;
    let index = open(index_dir, Some(embedder))?;
    if index.interim_count() == 0 {
        println!("No interim vectors: every vector is the transformer's already.");
        return Ok(());
    }
    let index = RwLock::new(index);
    let stop = Arc::new(AtomicBool::new(false));
    let on_interrupt = stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("stopping after this batch (what is done is kept)");
            on_interrupt.store(true, Ordering::Relaxed);
        }
    });
    let bars = Bars::default();
    let report = sync::upgrade(
        store,
        &index,
        embedder,
        args.batch as usize,
        args.limit,
        &bars,
        &|| stop.load(Ordering::Relaxed),
    )
    .await
    .with_context(|| format!("upgrading the vectors in {}", index_dir.display()))?;
    bars.end();
    let rate = report.upgraded as f64 / report.seconds.max(1e-9);
    println!(
        "Upgraded {} profiles to {} in {:.0} s ({rate:.1} profiles/s); {} left to the \
         change feed; {} still interim{}.",
        report.upgraded,
        embedder.model_id(),
        report.seconds,
        report.skipped,
        report.remaining,
        if report.remaining > 0 && rate > 0.0 {
            format!(
                " (about {} more at this rate)",
                human_duration(report.remaining as f64 / rate)
            )
        } else {
            String::new()
        }
    );
    Ok(())
}

/// `3 h 05 min`, `12 min 07 s`, `40 s`.
pub fn human_duration(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    match s {
        0..=119 => format!("{s} s"),
        120..=3599 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
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
    if status.interim_vectors > 0 {
        t.add_row(vec![
            "Interim profile vectors (awaiting the upgrade)".to_owned(),
            format!(
                "{} ({})",
                status.interim_vectors,
                status.interim_model.as_deref().unwrap_or("unknown model")
            ),
            String::new(),
        ]);
    }
    if let Some(u) = status
        .upgrade
        .as_ref()
        .filter(|_| status.interim_vectors > 0)
    {
        let eta = if u.per_second > 0.0 {
            human_duration(status.interim_vectors as f64 / u.per_second)
        } else {
            "unknown".to_owned()
        };
        let when = chrono::DateTime::from_timestamp(u.updated_at, 0)
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default();
        t.add_row(vec![
            "Upgrade: last rate, ETA".to_owned(),
            format!("{:.1} profiles/s (at {when}), {eta} left", u.per_second),
            String::new(),
        ]);
    }
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
pub struct Bars {
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
