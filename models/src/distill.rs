//! Distilling a static model from the transformer, model2vec-style.
//!
//! 1. Every vocabulary token is embedded alone by the transformer
//!    (`<s> token </s>`, mean-pooled, normalised); special tokens get zero.
//! 2. PCA: the vectors are centred and projected on the top `dims`
//!    eigenvectors of their covariance (cyclic Jacobi on the d×d matrix, in
//!    f64: a few seconds for d = 384, which did not justify a linear-algebra
//!    crate's build time).
//! 3. Each row is weighted by the smooth inverse frequency of its token,
//!    `1e-3 / (1e-3 + p)`, so frequent pieces ("the", "и", "-") weigh little in
//!    a text's mean. `p` is the unigram model's own probability where the
//!    tokenizer has one (XLM-R's SentencePiece scores), else a Zipf law over
//!    the ids.
//!
//! The folder is written in a temporary sibling and renamed into place, so a
//! stopped distillation leaves no half model.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::static_model::{StaticConfig, StaticSidecar, TENSOR};
use crate::{EmbeddingModel, ModelError};

/// Tokens embedded per transformer call.
const TOKENS_PER_CALL: usize = 1024;

/// How to distil.
#[derive(Debug, Clone)]
pub struct DistillOptions {
    /// Dimensions kept by PCA.
    pub dims: usize,
    /// Only these tokens are embedded (the rest get zero rows); `None` for
    /// the whole vocabulary. For tests, which cannot spend minutes on it.
    pub only_tokens: Option<Vec<u32>>,
    /// Show a progress bar on stderr.
    pub progress: bool,
}

/// Distils `teacher` (loaded from `teacher_dir`) into a static model in
/// `out`. Returns the SHA-256 of its weights.
pub fn distill(
    teacher: &EmbeddingModel,
    teacher_dir: &Path,
    out: &Path,
    options: &DistillOptions,
) -> Result<String, ModelError> {
    let (dims, progress) = (options.dims, options.progress);
    let tok_path = teacher_dir.join("tokenizer.json");
    let tok_json: serde_json::Value = crate::config::read_json(&tok_path)?;
    let vocab = teacher.vocab_size();
    if dims == 0 || dims > teacher.dim() {
        return Err(ModelError::corrupt(
            teacher_dir,
            format!(
                "{dims} dimensions asked of a {}-dimensional teacher",
                teacher.dim()
            ),
        ));
    }
    let specials = special_ids(&tok_json);
    let probability = token_probabilities(&tok_json, vocab);

    // 1. One vector per token.
    let bar = if progress {
        ProgressBar::new(vocab as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:>12} [{bar:40}] {human_pos}/{human_len} tokens ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message("distilling");
    let d = teacher.dim();
    let mut vectors = vec![0f32; vocab * d];
    let mut ids: Vec<u32> = match &options.only_tokens {
        Some(only) => only
            .iter()
            .copied()
            .filter(|&id| (id as usize) < vocab)
            .collect(),
        None => (0..vocab as u32).collect(),
    };
    ids.sort_unstable();
    ids.dedup();
    ids.retain(|id| !specials.contains(id));
    bar.set_length(ids.len() as u64);
    for chunk in ids.chunks(TOKENS_PER_CALL) {
        let pooled = teacher.embed_token_ids(chunk)?;
        for (&id, v) in chunk.iter().zip(pooled) {
            vectors[id as usize * d..(id as usize + 1) * d].copy_from_slice(&v);
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();

    // 2. PCA over the real tokens.
    let rows: Vec<&[f32]> = ids
        .iter()
        .map(|&id| &vectors[id as usize * d..(id as usize + 1) * d])
        .collect();
    let (mean, components) = principal_components(&rows, d, dims);

    // 3. Project and weight.
    let mut table = vec![0f32; vocab * dims];
    table
        .par_chunks_mut(dims)
        .enumerate()
        .filter(|(id, _)| ids.binary_search(&(*id as u32)).is_ok())
        .for_each(|(id, row)| {
            let x = &vectors[id * d..(id + 1) * d];
            let weight = 1e-3 / (1e-3 + probability[id]);
            for (k, out) in row.iter_mut().enumerate() {
                let mut acc = 0f64;
                for i in 0..d {
                    acc += (x[i] as f64 - mean[i]) * components[i * dims + k];
                }
                *out = (acc * weight) as f32;
            }
        });

    write_folder(teacher, teacher_dir, out, &table, vocab, dims)
}

fn write_folder(
    teacher: &EmbeddingModel,
    teacher_dir: &Path,
    out: &Path,
    table: &[f32],
    vocab: usize,
    dims: usize,
) -> Result<String, ModelError> {
    let parent = out.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| ModelError::io(parent, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".partial-static-")
        .tempdir_in(parent)
        .map_err(|e| ModelError::io(parent, e))?;
    let bytes: Vec<u8> = table.iter().flat_map(|v| v.to_le_bytes()).collect();
    let view =
        safetensors::tensor::TensorView::new(safetensors::Dtype::F32, vec![vocab, dims], &bytes)
            .map_err(|e| ModelError::corrupt(out, e))?;
    let weights =
        safetensors::serialize([(TENSOR, view)], None).map_err(|e| ModelError::corrupt(out, e))?;
    let sha256 = hex::encode(Sha256::digest(&weights));
    let write = |name: &str, data: &[u8]| -> Result<(), ModelError> {
        let path: PathBuf = tmp.path().join(name);
        std::fs::write(&path, data).map_err(|e| ModelError::io(&path, e))
    };
    write("model.safetensors", &weights)?;
    let tok = std::fs::read(teacher_dir.join("tokenizer.json"))
        .map_err(|e| ModelError::io(teacher_dir.join("tokenizer.json"), e))?;
    write("tokenizer.json", &tok)?;
    let config = StaticConfig {
        model_type: "model2vec".into(),
        hidden_dim: dims,
        vocab_size: vocab,
    };
    write(
        "config.json",
        &serde_json::to_vec_pretty(&config).expect("config serialises"),
    )?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "static".into());
    let (query_prefix, passage_prefix) = teacher.prefixes();
    let sidecar = StaticSidecar {
        name,
        teacher: teacher.model_id().to_owned(),
        sha256: sha256.clone(),
        query_prefix: query_prefix.to_owned(),
        passage_prefix: passage_prefix.to_owned(),
    };
    write(
        "qabilet.json",
        &serde_json::to_vec_pretty(&sidecar).expect("sidecar serialises"),
    )?;
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| ModelError::io(out, e))?;
    }
    let kept = tmp.keep();
    std::fs::rename(&kept, out).map_err(|e| ModelError::io(out, e))?;
    Ok(sha256)
}

/// Ids of the tokenizer's special tokens (`added_tokens` marked special).
fn special_ids(tok: &serde_json::Value) -> Vec<u32> {
    tok["added_tokens"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["special"].as_bool().unwrap_or(false))
        .filter_map(|t| t["id"].as_u64().map(|id| id as u32))
        .collect()
}

/// Each token's probability: the unigram model's score (a log probability)
/// where there is one, else Zipf over the ids.
fn token_probabilities(tok: &serde_json::Value, vocab: usize) -> Vec<f64> {
    let harmonic = (vocab as f64).ln() + 0.577;
    let mut p: Vec<f64> = (0..vocab)
        .map(|r| 1.0 / ((r + 1) as f64 * harmonic))
        .collect();
    if tok["model"]["type"] == "Unigram" {
        if let Some(entries) = tok["model"]["vocab"].as_array() {
            for (id, entry) in entries.iter().enumerate().take(vocab) {
                if let Some(score) = entry[1].as_f64() {
                    // SentencePiece gives its specials a score of 0 (p = 1):
                    // they are zeroed anyway.
                    p[id] = score.exp();
                }
            }
        }
    }
    p
}

/// Mean and the top `k` principal axes (d × k, column k the k-th axis) of rows.
fn principal_components(rows: &[&[f32]], d: usize, k: usize) -> (Vec<f64>, Vec<f64>) {
    let n = rows.len().max(1) as f64;
    let mut mean = vec![0f64; d];
    for r in rows {
        for (m, &x) in mean.iter_mut().zip(*r) {
            *m += x as f64;
        }
    }
    mean.iter_mut().for_each(|m| *m /= n);
    let cov = rows
        .par_chunks(4096)
        .map(|chunk| {
            let mut c = vec![0f64; d * d];
            let mut centred = vec![0f64; d];
            for r in chunk {
                for ((c, &x), m) in centred.iter_mut().zip(*r).zip(&mean) {
                    *c = x as f64 - m;
                }
                for i in 0..d {
                    let xi = centred[i];
                    let row = &mut c[i * d..(i + 1) * d];
                    for (cij, &xj) in row.iter_mut().zip(&centred) {
                        *cij += xi * xj;
                    }
                }
            }
            c
        })
        .reduce(
            || vec![0f64; d * d],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    let cov: Vec<f64> = cov.into_iter().map(|c| c / n).collect();
    let (values, vectors) = symmetric_eigen(cov, d);
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    let mut components = vec![0f64; d * k];
    for (col, &axis) in order.iter().take(k).enumerate() {
        for i in 0..d {
            components[i * k + col] = vectors[i * d + axis];
        }
    }
    (mean, components)
}

/// Eigenvalues and eigenvectors (column j of the row-major n×n result) of a
/// symmetric matrix, by cyclic Jacobi rotations.
fn symmetric_eigen(mut a: Vec<f64>, n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0f64; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    let total: f64 = a.iter().map(|x| x * x).sum::<f64>().max(f64::MIN_POSITIVE);
    for _sweep in 0..60 {
        let off: f64 = (0..n)
            .flat_map(|p| ((p + 1)..n).map(move |q| (p, q)))
            .map(|(p, q)| a[p * n + q] * a[p * n + q])
            .sum();
        if off <= 1e-24 * total {
            break;
        }
        for p in 0..n {
            for q in (p + 1)..n {
                let apq = a[p * n + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i * n + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jacobi_finds_the_eigenpairs() {
        let n = 6;
        let mut a = vec![0f64; n * n];
        for i in 0..n {
            for j in 0..n {
                a[i * n + j] = 1.0 / (1.0 + (i + j) as f64) + if i == j { i as f64 } else { 0.0 };
            }
        }
        let (values, vectors) = symmetric_eigen(a.clone(), n);
        for k in 0..n {
            for i in 0..n {
                let av: f64 = (0..n).map(|j| a[i * n + j] * vectors[j * n + k]).sum();
                assert!(
                    (av - values[k] * vectors[i * n + k]).abs() < 1e-9,
                    "pair {k}"
                );
            }
        }
    }

    #[test]
    fn principal_axis_of_a_line_is_the_line() {
        let rows: Vec<Vec<f32>> = (0..100)
            .map(|i| {
                let t = i as f32 - 50.0;
                vec![3.0 * t, 4.0 * t, 0.01 * (i % 3) as f32]
            })
            .collect();
        let refs: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
        let (_, axes) = principal_components(&refs, 3, 1);
        let (x, y) = (axes[0].abs(), axes[1].abs());
        assert!((x - 0.6).abs() < 1e-6 && (y - 0.8).abs() < 1e-6, "{axes:?}");
    }
}
