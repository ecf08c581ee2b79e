//! ONNX Runtime as the yardstick of `bench embed`.
//!
//! ONNX Runtime is the engine most deployments would reach for, so the
//! benchmark runs it beside ours on the same weights: a Python script
//! (`onnx/ort_yardstick.py`) builds an ONNX graph of the BERT / XLM-R encoder
//! from the model folder's own safetensors (no export from a hub, no torch),
//! quantizes a copy to dynamic int8, and times both with the same batching as
//! ours. It is fed our token ids, so both engines see identical input; only
//! the arithmetic differs. `onnxruntime` comes from PyPI into a venv under the
//! cache (`onnx/ort-yardstick` makes it once, pinned); nothing of it is used
//! outside the benchmark.

use std::path::Path;
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::bench::{sentences, Figures, Workload};
// The candle path's budget, so batches are cut the same way.
use crate::embed::BATCH_TOKEN_BUDGET;
use crate::fetch::run as run_command;
use crate::{EmbeddingModel, ModelError};

const SCRIPT: &str = include_str!("onnx/ort_yardstick.py");
const WRAPPER: &str = include_str!("onnx/ort-yardstick");

/// One ONNX Runtime configuration's results.
pub struct OrtEngine {
    /// `fp32` or `int8`.
    pub name: String,
    /// Timings.
    pub figures: Figures,
    /// The benchmark passages' vectors.
    pub passages: Vec<Vec<f32>>,
    /// The bundled sentences' vectors.
    pub sentences: Vec<Vec<f32>>,
}

/// What the yardstick printed.
pub struct OrtRun {
    /// `onnxruntime.__version__`.
    pub version: String,
    /// fp32 then int8.
    pub engines: Vec<OrtEngine>,
}

#[derive(Serialize)]
struct Input {
    passages: Vec<Vec<Vec<u32>>>,
    sentences: Vec<Vec<Vec<u32>>>,
    query: Vec<Vec<u32>>,
    reps: usize,
    batch_token_budget: usize,
    threads: usize,
}

#[derive(Deserialize)]
struct Output {
    onnxruntime_version: String,
    engines: std::collections::BTreeMap<String, EngineOutput>,
}

#[derive(Deserialize)]
struct EngineOutput {
    passages_per_sec: f64,
    cpu_seconds: f64,
    query_p50_ms: f64,
    vectors: Vec<Vec<f32>>,
    #[serde(default)]
    sentence_vectors: Vec<Vec<f32>>,
}

/// Runs ONNX Runtime fp32 and int8 on `work` with the weights in `model_dir`
/// (tokenized by `model`); the venv and graphs are kept under `cache`.
pub fn run(
    model_dir: &Path,
    model: &EmbeddingModel,
    work: &Workload,
    cache: &Path,
) -> Result<OrtRun, ModelError> {
    let dir = cache.join("onnx");
    let graphs = dir.join(model.model_id().replace(['@', '+', '/'], "-"));
    std::fs::create_dir_all(&graphs).map_err(|e| ModelError::io(&graphs, e))?;
    let script = dir.join("ort_yardstick.py");
    let wrapper = dir.join("ort-yardstick");
    for (path, text) in [(&script, SCRIPT), (&wrapper, WRAPPER)] {
        std::fs::write(path, text).map_err(|e| ModelError::io(path, e))?;
    }

    let windows = |texts: &[&str]| -> Result<Vec<Vec<Vec<u32>>>, ModelError> {
        texts
            .iter()
            .map(|t| model.token_windows(t, false))
            .collect()
    };
    let input = Input {
        passages: windows(&work.refs())?,
        sentences: windows(&sentences())?,
        query: model.token_windows(&work.query, true)?,
        reps: work.reps,
        batch_token_budget: BATCH_TOKEN_BUDGET,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let input_path = dir.join(format!("input-{}.json", std::process::id()));
    let output_path = dir.join(format!("output-{}.json", std::process::id()));
    let json = serde_json::to_vec(&input).map_err(|e| ModelError::corrupt(&input_path, e))?;
    std::fs::write(&input_path, json).map_err(|e| ModelError::io(&input_path, e))?;

    let mut cmd = Command::new("bash");
    cmd.arg(&wrapper)
        .arg(dir.join("venv"))
        .arg("--")
        .arg("--model")
        .arg(model_dir)
        .arg("--input")
        .arg(&input_path)
        .arg("--out")
        .arg(&output_path)
        .arg("--work")
        .arg(&graphs);
    let result = run_command(&mut cmd);
    let _ = std::fs::remove_file(&input_path);
    result?;
    let output = read_output(&output_path);
    let _ = std::fs::remove_file(&output_path);
    let output = output?;
    let engines = ["fp32", "int8"]
        .into_iter()
        .filter_map(|name| {
            output.engines.get(name).map(|e| OrtEngine {
                name: name.to_owned(),
                figures: Figures {
                    passages_per_sec: e.passages_per_sec,
                    cpu_seconds: Some(e.cpu_seconds),
                    query_p50_ms: e.query_p50_ms,
                },
                passages: e.vectors.clone(),
                sentences: e.sentence_vectors.clone(),
            })
        })
        .collect();
    Ok(OrtRun {
        version: output.onnxruntime_version,
        engines,
    })
}

fn read_output(path: &Path) -> Result<Output, ModelError> {
    let bytes = std::fs::read(path).map_err(|e| ModelError::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| ModelError::corrupt(path, e))
}
