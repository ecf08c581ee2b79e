//! [`EmbeddingModel`]: a loaded model folder that turns texts into vectors.
//!
//! The pipeline per call: validate the texts, prepend the model's query or
//! passage prefix, tokenize without truncation, cut each text into windows of
//! at most the model's window, run the windows in length-sorted batches,
//! mean-pool each window, average a text's windows weighted by their token
//! counts, and L2-normalise. Long CVs are therefore covered end to end; a
//! window boundary only limits how far attention reaches.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use tokenizers::Tokenizer;

use crate::bert::{mean_pool, BertModel};
use crate::config::{
    read_file, read_json, Config, Pooling, PoolingConfig, SentenceBertConfig, Sidecar,
};
use crate::{ModelError, Precision};

/// Largest text accepted, in bytes. A long CV is tens of kilobytes; a
/// megabyte means the wrong file was fed in, and refusing it early keeps one
/// bad input from holding the machine for minutes.
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// Upper bound on padded tokens in one forward pass: large enough that the
/// matmuls run at full speed, small enough that attention scores of 512-token
/// windows stay within a few hundred MB.
pub(crate) const BATCH_TOKEN_BUDGET: usize = 4096;

/// A sentence-embedding model loaded from a Hugging Face folder.
///
/// Owned by whoever embeds; all methods take `&self` and the type is `Sync`,
/// so one loaded model can serve concurrent requests.
pub struct EmbeddingModel {
    /// The encoder network.
    model: BertModel,
    /// Tokenizer from `tokenizer.json`, with truncation and padding disabled:
    /// windowing is done here so nothing is silently cut.
    tokenizer: Tokenizer,
    /// Mean or CLS, from the sentence-transformers pooling config.
    pooling: Pooling,
    /// Prepended to queries (e5: `query: `).
    query_prefix: String,
    /// Prepended to passages (e5: `passage: `).
    passage_prefix: String,
    /// Special tokens put before each window (`[CLS]` / `<s>`).
    head: Vec<u32>,
    /// Special tokens put after each window (`[SEP]` / `</s>`).
    tail: Vec<u32>,
    /// Content tokens per window, specials excluded.
    window: usize,
    /// Padding id for batches; padded positions are masked anyway.
    pad_id: u32,
    /// Output dimension.
    dim: usize,
    /// `name@sha256-prefix` of the folder's content, `+int8` at int8.
    id: String,
    /// The dense layers' arithmetic.
    precision: Precision,
}

// One loaded model is shared by concurrent requests: keep it thread-safe.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<EmbeddingModel>();
};

/// One window of one text, ready to batch.
struct Window {
    text: usize,
    ids: Vec<u32>,
    /// Content tokens in the window: the weight of its vector in the text's average.
    weight: f32,
}

impl EmbeddingModel {
    /// Loads a model folder: `config.json`, `model.safetensors`,
    /// `tokenizer.json`, and optionally `modules.json` /
    /// `1_Pooling/config.json`, `sentence_bert_config.json`,
    /// `config_sentence_transformers.json` and our `qabilet.json`.
    pub fn load(dir: &Path) -> Result<Self, ModelError> {
        Self::load_with(dir, Precision::Fp32)
    }

    /// Loads a model folder to run at `precision`.
    pub fn load_with(dir: &Path, precision: Precision) -> Result<Self, ModelError> {
        keep_large_buffers_in_the_heap();
        let config_path = dir.join("config.json");
        let (cfg, family) = Config::read(&config_path)?;
        let config_bytes = read_file(&config_path)?;

        let tok_path = dir.join("tokenizer.json");
        let tok_bytes = read_file(&tok_path)?;
        let mut tokenizer =
            Tokenizer::from_bytes(&tok_bytes).map_err(|e| ModelError::corrupt(&tok_path, e))?;
        tokenizer
            .with_truncation(None)
            .map_err(|e| ModelError::corrupt(&tok_path, e))?;
        tokenizer.with_padding(None);

        let weights_path = dir.join("model.safetensors");
        let weights = read_file(&weights_path)?;
        let mut hasher = Sha256::new();
        for part in [&config_bytes, &tok_bytes, &weights] {
            hasher.update(part);
        }
        let digest = hex::encode(hasher.finalize());

        let device = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)
            .map_err(|e| ModelError::corrupt(&weights_path, e))?;
        let model = BertModel::load(vb, &cfg, family, precision)
            .map_err(|e| ModelError::corrupt(&weights_path, e))?;

        let pooling = read_pooling(dir)?;
        let sidecar = read_sidecar(dir)?;

        // Learn the special tokens from the tokenizer's own post-processor,
        // so BERT ([CLS] x [SEP]) and XLM-R (<s> x </s>) need no special case.
        let specials = tokenizer
            .encode_fast("", true)
            .map_err(|e| ModelError::Tokenizer(e.to_string()))?
            .get_ids()
            .to_vec();
        let (head, tail) = match specials.len() {
            0 => (vec![], vec![]),
            _ => (specials[..1].to_vec(), specials[1..].to_vec()),
        };
        let st_max =
            match read_optional_json::<SentenceBertConfig>(&dir.join("sentence_bert_config.json"))?
            {
                Some(c) => c.max_seq_length,
                None => None,
            };
        let positions = cfg
            .max_position_embeddings
            .saturating_sub(cfg.position_offset(family));
        let max_len = st_max.unwrap_or(positions).min(positions).min(512);
        let window = max_len.saturating_sub(head.len() + tail.len());
        if window == 0 {
            return Err(ModelError::corrupt(&config_path, "window of 0 tokens"));
        }
        let pad_id = tokenizer
            .get_padding()
            .map(|p| p.pad_id)
            .unwrap_or(cfg.pad_token_id as u32);

        Ok(Self {
            model,
            tokenizer,
            pooling,
            query_prefix: sidecar.query_prefix,
            passage_prefix: sidecar.passage_prefix,
            head,
            tail,
            window,
            pad_id,
            dim: cfg.hidden_size,
            // fp32 keeps the id it always had, so existing indexes stay valid.
            id: match precision {
                Precision::Fp32 => format!("{}@{}", sidecar.name, &digest[..16]),
                other => format!("{}@{}+{}", sidecar.name, &digest[..16], other.as_str()),
            },
            precision,
        })
    }

    /// Embeds search queries (with the model's query prefix).
    pub fn embed_queries(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, ModelError> {
        self.embed_with_prefix(texts, &self.query_prefix)
    }

    /// Embeds documents: profiles, CVs, vacancies (with the passage prefix).
    pub fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, ModelError> {
        self.embed_with_prefix(texts, &self.passage_prefix)
    }

    /// Length of every vector returned.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// `name@hash`: the model's name and the first 16 hex digits of the
    /// SHA-256 of its config, tokenizer and weights. Store it beside vectors
    /// so an index built with other weights is detected.
    pub fn model_id(&self) -> &str {
        &self.id
    }

    /// Tokens in the vocabulary, added tokens included.
    pub fn vocab_size(&self) -> usize {
        self.tokenizer.get_vocab_size(true)
    }

    /// The (query, passage) prefixes the model was trained with.
    pub(crate) fn prefixes(&self) -> (&str, &str) {
        (&self.query_prefix, &self.passage_prefix)
    }

    /// Each token alone (`head token tail`), mean-pooled and normalised: the
    /// rows a static model is distilled from.
    pub(crate) fn embed_token_ids(&self, ids: &[u32]) -> Result<Vec<Vec<f32>>, ModelError> {
        let windows: Vec<Window> = ids
            .iter()
            .enumerate()
            .map(|(text, &id)| {
                let mut w = self.head.clone();
                w.push(id);
                w.extend_from_slice(&self.tail);
                Window {
                    text,
                    ids: w,
                    weight: 1.0,
                }
            })
            .collect();
        let mut out = self.run_batch(&windows)?;
        out.iter_mut().for_each(|v| l2_normalise(v));
        Ok(out)
    }

    /// The dense layers' arithmetic.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// Token ids exactly as the model sees them for a query or passage,
    /// window by window (specials included). For parity checks and debugging.
    pub fn token_windows(&self, text: &str, query: bool) -> Result<Vec<Vec<u32>>, ModelError> {
        let prefix = if query {
            &self.query_prefix
        } else {
            &self.passage_prefix
        };
        check_text(0, text)?;
        Ok(self
            .windows(0, &format!("{prefix}{text}"))?
            .into_iter()
            .map(|w| w.ids)
            .collect())
    }

    fn embed_with_prefix(&self, texts: &[&str], prefix: &str) -> Result<Vec<Vec<f32>>, ModelError> {
        for (i, t) in texts.iter().enumerate() {
            check_text(i, t)?;
        }
        // Tokenizing is independent per text: spread it over the cores.
        let per_text: Vec<Vec<Window>> = texts
            .par_iter()
            .enumerate()
            .map(|(i, t)| self.windows(i, &format!("{prefix}{t}")))
            .collect::<Result<_, _>>()?;
        let mut windows: Vec<Window> = per_text.into_iter().flatten().collect();
        // Similar lengths together: padding is wasted work.
        windows.sort_by_key(|w| w.ids.len());

        let mut sums = vec![vec![0f32; self.dim]; texts.len()];
        let mut weights = vec![0f32; texts.len()];
        let mut start = 0;
        while start < windows.len() {
            let mut end = start + 1;
            while end < windows.len()
                && (end + 1 - start) * windows[end].ids.len() <= BATCH_TOKEN_BUDGET
            {
                end += 1;
            }
            let batch = &windows[start..end];
            let pooled = self.run_batch(batch)?;
            for (w, v) in batch.iter().zip(pooled) {
                for (acc, x) in sums[w.text].iter_mut().zip(v) {
                    *acc += w.weight * x;
                }
                weights[w.text] += w.weight;
            }
            start = end;
        }
        Ok(sums
            .into_iter()
            .zip(weights)
            .map(|(mut v, wsum)| {
                let inv = if wsum > 0.0 { 1.0 / wsum } else { 1.0 };
                v.iter_mut().for_each(|x| *x *= inv);
                l2_normalise(&mut v);
                v
            })
            .collect())
    }

    /// Tokenizes one (prefixed) text and cuts it into windows.
    fn windows(&self, text: usize, prefixed: &str) -> Result<Vec<Window>, ModelError> {
        let enc = self
            .tokenizer
            .encode_fast(prefixed, false)
            .map_err(|e| ModelError::Tokenizer(e.to_string()))?;
        let ids = enc.get_ids();
        let make = |chunk: &[u32]| {
            let mut w = Vec::with_capacity(chunk.len() + self.head.len() + self.tail.len());
            w.extend_from_slice(&self.head);
            w.extend_from_slice(chunk);
            w.extend_from_slice(&self.tail);
            Window {
                text,
                ids: w,
                weight: chunk.len().max(1) as f32,
            }
        };
        if ids.is_empty() {
            return Ok(vec![make(&[])]);
        }
        Ok(ids.chunks(self.window).map(make).collect())
    }

    /// Runs one padded batch and returns one pooled (unnormalised) vector per window.
    fn run_batch(&self, batch: &[Window]) -> Result<Vec<Vec<f32>>, ModelError> {
        let seq = batch.iter().map(|w| w.ids.len()).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(batch.len() * seq);
        let mut mask = Vec::with_capacity(batch.len() * seq);
        for w in batch {
            ids.extend_from_slice(&w.ids);
            ids.extend(std::iter::repeat_n(self.pad_id, seq - w.ids.len()));
            mask.extend(std::iter::repeat_n(1u32, w.ids.len()));
            mask.extend(std::iter::repeat_n(0u32, seq - w.ids.len()));
        }
        let device = self.model.device();
        let ids = Tensor::from_vec(ids, (batch.len(), seq), device)?;
        let mask = Tensor::from_vec(mask, (batch.len(), seq), device)?;
        let lengths: Vec<usize> = batch.iter().map(|w| w.ids.len()).collect();
        let hidden = self.model.forward(&ids, &lengths)?;
        let pooled = match self.pooling {
            Pooling::Mean => mean_pool(&hidden, &mask)?,
            Pooling::Cls => hidden.narrow(1, 0, 1)?.squeeze(1)?,
        };
        Ok(pooled.to_vec2::<f32>()?)
    }
}

/// Every layer of a batch allocates buffers of 1–25 MB. glibc serves blocks
/// that large with a fresh `mmap` and returns them with `munmap`, so each one
/// was page-faulted and zeroed by the kernel again: measured with `perf` on
/// AMD EPYC Zen 5, 0.6 s of system time in a 3.7 s run of 150 CVs at int8.
/// Raising the thresholds (to glibc's cap of 32 MiB for mmap) keeps them in
/// the heap for reuse; the process holds
/// on to at most about one batch's worth of freed memory.
fn keep_large_buffers_in_the_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            // Safety: mallopt only changes allocator parameters; it is called
            // once, before the buffers it concerns exist.
            unsafe {
                libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
                libc::mallopt(libc::M_TRIM_THRESHOLD, 512 << 20);
            }
        });
    }
}

/// Refuses empty and oversized texts before any work is done.
pub(crate) fn check_text(index: usize, text: &str) -> Result<(), ModelError> {
    if text.trim().is_empty() {
        return Err(ModelError::EmptyText { index });
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(ModelError::TextTooLong {
            index,
            bytes: text.len(),
            limit: MAX_TEXT_BYTES,
        });
    }
    Ok(())
}

fn l2_normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    v.iter_mut().for_each(|x| *x /= norm);
}

fn read_optional_json<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> Result<Option<T>, ModelError> {
    if path.exists() {
        read_json(path).map(Some)
    } else {
        Ok(None)
    }
}

/// Finds the pooling config through `modules.json` (the sentence-transformers
/// way), falling back to `1_Pooling/`, then to mean pooling.
fn read_pooling(dir: &Path) -> Result<Pooling, ModelError> {
    #[derive(serde::Deserialize)]
    struct Module {
        path: String,
        #[serde(rename = "type")]
        kind: String,
    }
    let modules_path = dir.join("modules.json");
    let pooling_dir: PathBuf = match read_optional_json::<Vec<Module>>(&modules_path)? {
        Some(mods) => match mods.into_iter().find(|m| m.kind.ends_with("Pooling")) {
            Some(m) => dir.join(m.path),
            None => dir.join("1_Pooling"),
        },
        None => dir.join("1_Pooling"),
    };
    let path = pooling_dir.join("config.json");
    match read_optional_json::<PoolingConfig>(&path)? {
        Some(cfg) => cfg.pooling(&path),
        None => Ok(Pooling::Mean),
    }
}

/// Reads `qabilet.json`; without it, takes prompts from
/// `config_sentence_transformers.json`, and recognises e5 by its folder name
/// (e5 models silently lose quality without their prefixes).
fn read_sidecar(dir: &Path) -> Result<Sidecar, ModelError> {
    if let Some(s) = read_optional_json::<Sidecar>(&dir.join("qabilet.json"))? {
        return Ok(s);
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model".into());
    #[derive(serde::Deserialize, Default)]
    struct StConfig {
        #[serde(default)]
        prompts: std::collections::HashMap<String, String>,
    }
    let st: StConfig =
        read_optional_json(&dir.join("config_sentence_transformers.json"))?.unwrap_or_default();
    let (mut q, mut p) = (
        st.prompts.get("query").cloned().unwrap_or_default(),
        st.prompts
            .get("passage")
            .or_else(|| st.prompts.get("document"))
            .cloned()
            .unwrap_or_default(),
    );
    if q.is_empty() && p.is_empty() && name.to_lowercase().contains("e5") {
        (q, p) = ("query: ".into(), "passage: ".into());
    }
    Ok(Sidecar {
        name,
        query_prefix: q,
        passage_prefix: p,
        source: String::new(),
    })
}
