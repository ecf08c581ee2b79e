//! `qabilet bench index`: how fast a large pool becomes searchable, per model
//! (issue 15: 1M profiles searchable in ≤ 15 minutes).
//!
//! It builds (once, reused later) a store of N demo profiles, then times
//! `qabilet index rebuild --static` on it end to end, as an agency would run it:
//! every profile read from SQLite, analysed into tantivy and given an interim vector
//! of the distilled static model; vacancies embedded by the transformer. Then it
//! times the upgrade to transformer vectors on a sample (`--sample`) of the same
//! index and prints the time the whole upgrade would take at that rate. The table
//! shows profiles/s for each model.

use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::Instant;

use anyhow::Context as _;
use chrono::Utc;
use clap::Args;
use comfy_table::Table;
use qabilet_demo::{DemoConfig, Generator};
use qabilet_indexer::sync::{self, Embedder, Embedders, Progress as _};
use qabilet_indexer::{Index, IndexConfig};
use qabilet_store::Store;

/// Marks a store that holds the whole corpus.
const STORE_READY: &str = "store-ready";
/// The target for 1M profiles, in seconds.
const TARGET_SECONDS_PER_MILLION: f64 = 15.0 * 60.0;

#[derive(Args)]
pub struct BenchIndexArgs {
    /// Profiles in the corpus.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub profiles: u64,
    /// Profiles the transformer upgrade is timed on.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub sample: u64,
    /// Where the corpus is built and kept; default DATA_DIR/bench/index-N.
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// Builds (or reuses) a store of `n` demo profiles, without any index.
async fn corpus(dir: &Path, n: u64) -> anyhow::Result<Store> {
    std::fs::create_dir_all(dir)?;
    let ready = dir.join(STORE_READY).exists();
    let store = Store::open_embedded(dir).await?;
    if ready {
        return Ok(store);
    }
    eprintln!(
        "building a store of {n} profiles in {} (once; later runs reuse it)",
        dir.display()
    );
    let g = Generator::new(DemoConfig {
        profiles: n as usize,
        reference_date: Utc::now().date_naive(),
        ..DemoConfig::default()
    });
    super::bench_matching::load_corpus(&store, &g, &g.vacancies(), |_| Ok(())).await?;
    std::fs::write(dir.join(STORE_READY), b"")?;
    Ok(store)
}

pub async fn bench_index(args: BenchIndexArgs, data_dir: &Path) -> anyhow::Result<()> {
    let transformer = super::default_model(data_dir)?
        .context("no transformer: run `qabilet models fetch` first")?;
    let fast = super::static_model(data_dir)?;
    let dir = args.dir.clone().unwrap_or_else(|| {
        data_dir
            .join("bench")
            .join(format!("index-{}", args.profiles))
    });
    let store = corpus(&dir, args.profiles).await?;
    let counts = store.counts().await?;
    let index_dir = dir.join("index");
    // A rebuild reuses the vectors of the index it replaces: start from none.
    std::fs::remove_dir_all(&index_dir).or_else(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Ok(()),
        _ => Err(e),
    })?;
    let cpu = super::bench_embed::cpu_name();
    eprintln!("CPU: {cpu}");

    let embedders = Embedders {
        main: Some(&transformer),
        interim: Some(&fast),
    };
    let config = IndexConfig {
        commit_every: 100_000,
        ..IndexConfig::default()
    };
    let bars = super::index::Bars::default();
    let started = Instant::now();
    let report = sync::rebuild_with(&store, &index_dir, config, embedders, &bars).await?;
    let bulk_seconds = started.elapsed().as_secs_f64();
    bars.end();

    let index = Index::open(&index_dir, IndexConfig::default())?;
    let searchable = index.counts().1;
    let interim = index.interim_count() as u64;
    let index = RwLock::new(index);
    let started = Instant::now();
    let upgraded = sync::upgrade(
        &store,
        &index,
        &transformer,
        256,
        Some(args.sample),
        &bars,
        &|| false,
    )
    .await?;
    let upgrade_seconds = started.elapsed().as_secs_f64();
    bars.end();

    let per_second = |n: u64, s: f64| n as f64 / s.max(1e-9);
    let bulk_rate = per_second(report.profiles, bulk_seconds);
    let upgrade_rate = per_second(upgraded.upgraded, upgrade_seconds);
    let mut t = Table::new();
    t.set_header([
        "model (vectors)",
        "what",
        "profiles",
        "seconds",
        "profiles/s",
        "time for 1M",
    ]);
    t.add_row([
        format!("{} (interim)", Embedder::model_id(&fast)),
        "rebuild --static: read, tantivy, vectors".to_owned(),
        report.profiles.to_string(),
        format!("{bulk_seconds:.1}"),
        format!("{bulk_rate:.0}"),
        super::index::human_duration(1e6 / bulk_rate),
    ]);
    t.add_row([
        format!("{} (final)", Embedder::model_id(&transformer)),
        "upgrade: read, embed, swap".to_owned(),
        upgraded.upgraded.to_string(),
        format!("{upgrade_seconds:.1}"),
        format!("{upgrade_rate:.1}"),
        super::index::human_duration(1e6 / upgrade_rate.max(1e-9)),
    ]);
    println!(
        "bulk indexing, {} profiles in the store ({cpu})",
        counts.profiles
    );
    println!("{t}");
    println!(
        "searchable after the bulk index: {searchable} profiles, {interim} with interim vectors; \
         {} vacancies embedded by the transformer",
        report.embedded.saturating_sub(report.profiles)
    );
    // Only a full-size run says: a small one is dominated by embedding the
    // vacancies with the transformer, which does not grow with the profiles.
    if report.profiles >= 1_000_000 {
        println!(
            "1M profiles searchable in {} (≤ {} min: {})",
            super::index::human_duration(bulk_seconds),
            TARGET_SECONDS_PER_MILLION / 60.0,
            if bulk_seconds <= TARGET_SECONDS_PER_MILLION {
                "met"
            } else {
                "NOT met"
            },
        );
    } else {
        println!(
            "{} profiles searchable in {}; the 1M target is checked with --profiles 1000000",
            report.profiles,
            super::index::human_duration(bulk_seconds)
        );
    }
    println!(
        "upgrading all {interim} to the transformer: about {} at {upgrade_rate:.1} profiles/s",
        super::index::human_duration(interim as f64 / upgrade_rate.max(1e-9))
    );
    Ok(())
}
