//! One module per command group; `main.rs` only parses and dispatches.

pub mod bench;
pub mod demo;
pub mod export;
pub mod import;
pub mod models;
pub mod proctor;

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
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
        Ok(store)
    }
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
