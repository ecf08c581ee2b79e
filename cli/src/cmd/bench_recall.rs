//! `qabilet bench recall`: what the vector search's sign-sketch pre-filter misses,
//! measured on the index of DATA_DIR (an agency's own vectors, or a benchmark
//! corpus given with `--index`). For stored vectors spread over each store as
//! queries, it compares the top k of the pre-filtered search with the exact int8
//! scan of every row, and prints the recall and both searches' times per store.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use comfy_table::Table;
use qabilet_indexer::Index;

#[derive(Args)]
pub struct BenchRecallArgs {
    /// Stored vectors used as queries, per store.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub queries: u64,
    /// Results compared per query (300 is the shortlist's retrieval depth).
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub k: u64,
    /// The index folder; default DATA_DIR/index.
    #[arg(long)]
    pub index: Option<PathBuf>,
}

pub fn bench_recall(args: BenchRecallArgs, data_dir: &Path) -> anyhow::Result<()> {
    let dir = args.index.unwrap_or_else(|| data_dir.join("index"));
    if !dir.is_dir() {
        anyhow::bail!(
            "no index in {}: build one with `qabilet index rebuild`, or name it with --index",
            dir.display()
        );
    }
    let index = Index::open_read_only(&dir)
        .with_context(|| format!("opening the index in {}", dir.display()))?;
    let bar = indicatif::ProgressBar::new_spinner().with_message(format!(
        "searching {} queries per store twice",
        args.queries
    ));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let reports = index.sketch_recall(args.queries as usize, args.k as usize)?;
    bar.finish_and_clear();
    if reports.is_empty() {
        anyhow::bail!("the index in {} holds no vectors", dir.display());
    }
    println!("{}", super::bench_matching::machine());
    let mut t = Table::new();
    t.set_header([
        "store",
        "rows",
        "queries",
        "recall@k mean",
        "recall@k min",
        "exact p50 ms",
        "pre-filtered p50 ms",
    ]);
    for (name, mut r) in reports {
        let mean = r.recalls.iter().sum::<f64>() / r.recalls.len() as f64;
        let min = r.recalls.iter().copied().fold(1.0, f64::min);
        t.add_row([
            name.to_owned(),
            r.rows.to_string(),
            r.recalls.len().to_string(),
            format!("{mean:.4}"),
            format!("{min:.4}"),
            format!(
                "{:.1}",
                super::bench_matching::percentile(&mut r.exact_ms, 50.0)
            ),
            format!(
                "{:.1}",
                super::bench_matching::percentile(&mut r.sketched_ms, 50.0)
            ),
        ]);
    }
    println!(
        "Vector search, top {}: pre-filtered by sign sketches against exact\n{t}",
        args.k
    );
    Ok(())
}
