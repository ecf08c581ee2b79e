//! One module per command group; `main.rs` only parses and dispatches.

pub mod analytics;
pub mod audit;
pub mod bench;
pub mod bench_embed;
pub mod bench_index;
pub mod bench_matching;
pub mod bench_recall;
pub mod demo;
pub mod demo_accounts;
pub mod demo_proctoring;
pub mod eval;
pub mod export;
pub mod fairness;
pub mod import;
pub mod index;
pub mod models;
pub mod proctor;
pub mod protocol;
pub mod replay;
pub mod reserve;
pub mod search;
pub mod serve;
pub mod shortlist;
pub mod up;
pub mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use std::sync::{Arc, RwLock};

use anyhow::Context as _;

use indicatif::{ProgressBar, ProgressStyle};
use qabilet_app::{App, AppParts, Config, RankingThreads};
use qabilet_indexer::Index;
use qabilet_models::{EmbeddingModel, E5_DIR_NAME};
use qabilet_store::Store;

use crate::Context;

impl Context {
    /// Opens the configured store: PostgreSQL when a URL is given, else the
    /// embedded SQLite file in the data directory.
    pub async fn store(&self) -> anyhow::Result<Store> {
        let store = match &self.database_url {
            Some(url) => Store::connect(url).await?,
            None => Store::open_embedded(&self.data_dir).await?,
        };
        match &self.replica_url {
            Some(url) => Ok(store
                .with_replica(url, std::time::Duration::from_millis(self.replica_wait_ms))
                .await?),
            None => Ok(store),
        }
    }

    /// The application core for a read-only command over `store`: the deployment's
    /// configuration, the committed index opened read-only (so it works while
    /// `qabilet serve` keeps the index), the embedding model if fetched, ranking on
    /// every core.
    pub fn reading_app(&self, store: Store) -> anyhow::Result<App> {
        let config = Config::load(&self.data_dir)?;
        let dir = index_dir(&self.data_dir);
        let index = match Index::open_read_only(&dir) {
            Ok(index) => Some(Arc::new(RwLock::new(index))),
            Err(qabilet_indexer::Error::Unusable { .. }) => None,
            Err(e) => {
                return Err(e).with_context(|| format!("opening the index in {}", dir.display()))
            }
        };
        let model = default_model(&self.data_dir)?.map(Arc::new);
        let app = App::new(AppParts {
            store,
            config,
            index,
            model,
            ranking_threads: RankingThreads::Parallel,
        });
        attach_interim_model(&app, &self.data_dir)?;
        Ok(app)
    }

    /// The application core over `store` alone (no index, no model): for commands
    /// that neither search nor rank.
    pub fn store_app(&self, store: Store) -> anyhow::Result<App> {
        Ok(App::new(AppParts {
            store,
            config: Config::load(&self.data_dir)?,
            index: None,
            model: None,
            ranking_threads: RankingThreads::Parallel,
        }))
    }
}

/// Warns when the index has not caught up with the store, so a search does not
/// answer from stale data without a word; with `strict`, that is an error.
pub async fn check_index_fresh(app: &App, strict: bool) -> anyhow::Result<()> {
    let Some(lag) = qabilet_app::system::index_lag(app).await? else {
        return Ok(());
    };
    if lag.behind() == 0 {
        return Ok(());
    }
    let message = format!(
        "the index is {} changes behind the store (at change {} of {}): recent records \
         are missing from the results; run `qabilet index sync` (a running server \
         catches up by itself)",
        lag.behind(),
        lag.index_seq,
        lag.store_seq
    );
    if strict {
        anyhow::bail!("{message}");
    }
    eprintln!("warning: {message}");
    Ok(())
}

/// A use case's refusal as the CLI says it: the message, and what to run when the
/// index is missing.
pub fn refused(e: qabilet_app::AppError) -> anyhow::Error {
    match e.kind() {
        qabilet_app::ErrorKind::Unavailable => {
            anyhow::anyhow!("{e}; run `qabilet index sync` first")
        }
        qabilet_app::ErrorKind::Forbidden if e.to_string().contains("declaration") => {
            anyhow::anyhow!("{e}; on the command line, add --declare")
        }
        _ => anyhow::Error::new(e),
    }
}

/// The precision this deployment's encoder runs at (`models.json`), which
/// `QABILET_MODELS_PRECISION` overrides.
pub fn model_precision(data_dir: &Path) -> anyhow::Result<qabilet_models::Precision> {
    if let Ok(value) = std::env::var("QABILET_MODELS_PRECISION") {
        return value
            .parse()
            .map_err(|e: String| anyhow::anyhow!("QABILET_MODELS_PRECISION: {e}"));
    }
    Ok(qabilet_app::config::ModelSettings::load(data_dir)?.precision)
}

/// The default embedding model (multilingual-e5-small) if it has been fetched,
/// at the deployment's precision.
pub fn default_model(data_dir: &Path) -> anyhow::Result<Option<EmbeddingModel>> {
    let dir = data_dir.join("models").join(E5_DIR_NAME);
    if !dir.is_dir() {
        return Ok(None);
    }
    let model = EmbeddingModel::load_with(&dir, model_precision(data_dir)?)
        .with_context(|| format!("loading the embedding model in {}", dir.display()))?;
    Ok(Some(model))
}

/// The distilled static model, which `qabilet models distill` writes.
pub fn static_model(data_dir: &Path) -> anyhow::Result<qabilet_models::StaticModel> {
    let dir = data_dir
        .join("models")
        .join(qabilet_models::STATIC_E5_DIR_NAME);
    qabilet_models::StaticModel::load(&dir)
        .with_context(|| format!("{}: run `qabilet models distill` first", dir.display()))
}

/// Loads the static model into `app` when its index holds interim vectors of it,
/// so ranking scores those profiles with their own model. A missing model is a
/// note, not an error: ranking goes on without their dense signal.
pub fn attach_interim_model(app: &App, data_dir: &Path) -> anyhow::Result<()> {
    let Some(index) = app.index() else {
        return Ok(());
    };
    let wanted = index
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .interim_model()
        .map(str::to_owned);
    let Some(wanted) = wanted else {
        return Ok(());
    };
    match static_model(data_dir) {
        Ok(m) if m.model_id() == wanted => app.set_interim_model(Arc::new(m)),
        Ok(m) => eprintln!(
            "note: the index's interim vectors are of {wanted}, the static model is {}; \
             those profiles rank without a dense signal until upgraded",
            m.model_id()
        ),
        Err(e) => eprintln!(
            "note: {e:#}; profiles with interim vectors rank without a dense signal \
             until upgraded"
        ),
    }
    Ok(())
}

/// Where the search index lives.
pub fn index_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("index")
}

/// A progress bar on stderr for `len` steps (hidden when stderr is not a terminal).
pub fn progress(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:>12} [{bar:40}] {human_pos}/{human_len} ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
