//! The configuration files of a model folder, as serde structs.
//!
//! `config.json` is the Hugging Face transformer config; `1_Pooling/config.json`
//! and `sentence_bert_config.json` come from sentence-transformers; `qabilet.json`
//! is our own sidecar written by `fetch`, holding the prefixes a model was
//! trained with (e5 needs `query: ` / `passage: `, most models need none).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ModelError;

/// The encoder families this crate implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// BERT: position ids start at 0.
    Bert,
    /// XLM-RoBERTa: position ids start at `pad_token_id + 1`.
    XlmRoberta,
}

/// Hidden activation of the feed-forward block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) enum HiddenAct {
    /// Exact GELU with erf, what BERT's `"gelu"` means.
    #[serde(rename = "gelu")]
    Gelu,
    /// Tanh approximation of GELU.
    #[serde(rename = "gelu_new", alias = "gelu_pytorch_tanh")]
    GeluApprox,
    /// Rectified linear unit.
    #[serde(rename = "relu")]
    Relu,
}

/// `config.json` of a BERT or XLM-RoBERTa model: only the fields the forward
/// pass needs, named as in the reference implementation.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Config {
    /// `"bert"` or `"xlm-roberta"`; anything else is refused.
    #[serde(default)]
    pub model_type: String,
    /// Informational, reported when the architecture is refused.
    #[serde(default)]
    pub architectures: Vec<String>,
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub hidden_act: HiddenAct,
    pub max_position_embeddings: usize,
    #[serde(default = "default_type_vocab")]
    pub type_vocab_size: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    /// XLM-R offsets positions by `pad_token_id + 1`.
    #[serde(default)]
    pub pad_token_id: usize,
    /// Only absolute position embeddings exist in our code.
    #[serde(default = "default_pos_type")]
    pub position_embedding_type: String,
}

fn default_type_vocab() -> usize {
    2
}
fn default_eps() -> f64 {
    1e-12
}
fn default_pos_type() -> String {
    "absolute".into()
}

impl Config {
    /// Reads and validates `config.json`.
    pub fn read(path: &Path) -> Result<(Self, Family), ModelError> {
        let cfg: Config = read_json(path)?;
        let family = match cfg.model_type.as_str() {
            "bert" => Family::Bert,
            "xlm-roberta" | "roberta" => Family::XlmRoberta,
            _ => {
                return Err(ModelError::UnsupportedArchitecture {
                    model_type: cfg.model_type,
                    architectures: cfg.architectures,
                })
            }
        };
        if cfg.position_embedding_type != "absolute" {
            return Err(ModelError::UnsupportedSetting {
                path: path.into(),
                what: format!(
                    "position_embedding_type {:?} (allowed: \"absolute\")",
                    cfg.position_embedding_type
                ),
            });
        }
        if cfg.num_attention_heads == 0 || !cfg.hidden_size.is_multiple_of(cfg.num_attention_heads)
        {
            return Err(ModelError::corrupt(
                path,
                "hidden_size is not a multiple of num_attention_heads",
            ));
        }
        Ok((cfg, family))
    }

    /// First position id of a sequence: 0 for BERT, `pad + 1` for XLM-R.
    pub fn position_offset(&self, family: Family) -> usize {
        match family {
            Family::Bert => 0,
            Family::XlmRoberta => self.pad_token_id + 1,
        }
    }
}

/// `1_Pooling/config.json` from sentence-transformers.
#[derive(Debug, Clone, Deserialize, Default)]
pub(crate) struct PoolingConfig {
    #[serde(default)]
    pub pooling_mode_cls_token: bool,
    #[serde(default)]
    pub pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pub pooling_mode_max_tokens: bool,
    #[serde(default)]
    pub pooling_mode_mean_sqrt_len_tokens: bool,
}

/// How token vectors become one text vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pooling {
    /// Average of the token vectors under the attention mask.
    Mean,
    /// The first token's vector.
    Cls,
}

impl PoolingConfig {
    /// Maps the flags to a [`Pooling`], refusing combinations we do not run.
    pub fn pooling(&self, path: &Path) -> Result<Pooling, ModelError> {
        match (
            self.pooling_mode_mean_tokens,
            self.pooling_mode_cls_token,
            self.pooling_mode_max_tokens || self.pooling_mode_mean_sqrt_len_tokens,
        ) {
            (true, false, false) => Ok(Pooling::Mean),
            (false, true, false) => Ok(Pooling::Cls),
            _ => Err(ModelError::UnsupportedSetting {
                path: path.into(),
                what: "pooling mode (allowed: exactly one of pooling_mode_mean_tokens, \
                       pooling_mode_cls_token)"
                    .into(),
            }),
        }
    }
}

/// `sentence_bert_config.json`: the window the model was trained with.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SentenceBertConfig {
    pub max_seq_length: Option<usize>,
}

/// `qabilet.json`, our sidecar written by `fetch_models`.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub(crate) struct Sidecar {
    /// Short model name used in `model_id()`.
    pub name: String,
    /// Prepended to every query (`"query: "` for e5).
    #[serde(default)]
    pub query_prefix: String,
    /// Prepended to every passage (`"passage: "` for e5).
    #[serde(default)]
    pub passage_prefix: String,
    /// Where the weights came from, for the record.
    #[serde(default)]
    pub source: String,
}

/// Reads a JSON file into `T`, naming the file in any error.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ModelError> {
    let bytes = read_file(path)?;
    serde_json::from_slice(&bytes).map_err(|e| ModelError::corrupt(path, e))
}

/// Reads a whole file, turning "not found" into [`ModelError::MissingFile`].
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, ModelError> {
    std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ModelError::MissingFile { path: path.into() },
        _ => ModelError::io(path, e),
    })
}

/// The arithmetic of the encoder's dense layers, chosen per deployment
/// (`models.precision`). Vectors made at one precision are not mixed with
/// the other's: the model id names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// f32 weights, the reference.
    #[default]
    Fp32,
    /// int8 weights per output channel, activations quantized per token.
    Int8,
}

impl Precision {
    /// `fp32` or `int8`.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Int8 => "int8",
        }
    }
}

impl std::str::FromStr for Precision {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fp32" => Ok(Precision::Fp32),
            "int8" => Ok(Precision::Int8),
            other => Err(format!(
                "unknown precision {other:?}: expected fp32 or int8"
            )),
        }
    }
}
