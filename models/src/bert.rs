//! The BERT / XLM-RoBERTa encoder, written against candle.
//!
//! Structs and tensor names mirror the Hugging Face reference
//! (`modeling_bert.py`) name for name: embeddings, encoder, layer, attention
//! (self + output), intermediate, output. XLM-RoBERTa is the same network with
//! position ids starting at `pad_token_id + 1`, so one implementation serves
//! both. Liberties taken for speed, all numerically equivalent: Q, K and V
//! are concatenated at load time into one matrix (one matmul instead of
//! three), the attention scale is folded into the query weights, bias and
//! activation run as one fused pass (`ops`), and the attention mask is
//! skipped for batches without padding.

use candle_core::{DType, Device, Module, Tensor, D};
use candle_nn::{Embedding, LayerNorm, VarBuilder};

use crate::config::{Config, Family, HiddenAct};
use crate::ops::bias_act;

/// A dense layer `y = x Wᵀ + b` applied to the last dimension.
///
/// Inputs are flattened to 2-D first: candle's `Linear` broadcasts the weight
/// per batch element, which runs one small gemm per text instead of one large
/// gemm for the whole batch.
#[derive(Debug, Clone)]
struct Dense {
    weight_t: Tensor,
    bias: Tensor,
    /// Activation fused into the bias pass (only the intermediate layer has one).
    act: Option<HiddenAct>,
}

impl Dense {
    fn load(vb: VarBuilder, in_dim: usize, out_dim: usize) -> candle_core::Result<Self> {
        let weight = vb.get((out_dim, in_dim), "weight")?;
        let bias = vb.get(out_dim, "bias")?;
        Self::from_parts(weight, bias)
    }

    fn from_parts(weight: Tensor, bias: Tensor) -> candle_core::Result<Self> {
        // Stored transposed and contiguous once, so every matmul reads it in
        // the layout gemm packs fastest.
        Ok(Self {
            weight_t: weight.t()?.contiguous()?,
            bias,
            act: None,
        })
    }

    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        let dims = xs.dims().to_vec();
        let last = dims[dims.len() - 1];
        let rows = xs.elem_count() / last;
        let xs = xs.reshape((rows, last))?;
        let ys = bias_act(&xs.matmul(&self.weight_t)?, &self.bias, self.act)?;
        let mut out_dims = dims;
        let n = out_dims.len();
        out_dims[n - 1] = self.weight_t.dim(1)?;
        ys.reshape(out_dims)
    }
}

fn layer_norm(vb: VarBuilder, size: usize, eps: f64) -> candle_core::Result<LayerNorm> {
    let weight = vb.get(size, "weight")?;
    let bias = vb.get(size, "bias")?;
    Ok(LayerNorm::new(weight, bias, eps))
}

/// `BertEmbeddings`: word + position + token-type embeddings, then LayerNorm.
struct BertEmbeddings {
    word_embeddings: Embedding,
    position_embeddings: Tensor,
    /// Row 0 of the token-type table: sentence embedders use one segment.
    token_type_row: Tensor,
    layer_norm: LayerNorm,
    position_offset: usize,
}

impl BertEmbeddings {
    fn load(vb: VarBuilder, cfg: &Config, family: Family) -> candle_core::Result<Self> {
        let h = cfg.hidden_size;
        let word = vb.get((cfg.vocab_size, h), "word_embeddings.weight")?;
        let position_embeddings = vb.get(
            (cfg.max_position_embeddings, h),
            "position_embeddings.weight",
        )?;
        let token_type = vb.get((cfg.type_vocab_size, h), "token_type_embeddings.weight")?;
        Ok(Self {
            word_embeddings: Embedding::new(word, h),
            position_embeddings,
            token_type_row: token_type.get(0)?,
            layer_norm: layer_norm(vb.pp("LayerNorm"), h, cfg.layer_norm_eps)?,
            position_offset: cfg.position_offset(family),
        })
    }

    /// `input_ids`: (batch, seq) u32 → (batch, seq, hidden).
    fn forward(&self, input_ids: &Tensor) -> candle_core::Result<Tensor> {
        let seq = input_ids.dim(1)?;
        let words = self.word_embeddings.forward(input_ids)?;
        // Padding positions get ordinary position ids here (HF gives XLM-R
        // pads `pad_token_id`); they are masked out of attention and pooling,
        // so the real tokens' vectors are unaffected.
        let positions = self
            .position_embeddings
            .narrow(0, self.position_offset, seq)?;
        let summed = words
            .broadcast_add(&positions)?
            .broadcast_add(&self.token_type_row)?;
        self.layer_norm.forward(&summed)
    }
}

/// `BertSelfAttention` with Q, K, V fused into one projection.
struct BertSelfAttention {
    qkv: Dense,
    num_attention_heads: usize,
    attention_head_size: usize,
}

impl BertSelfAttention {
    fn load(vb: VarBuilder, cfg: &Config) -> candle_core::Result<Self> {
        let h = cfg.hidden_size;
        let part = |name: &str| -> candle_core::Result<(Tensor, Tensor)> {
            let p = vb.pp(name);
            Ok((p.get((h, h), "weight")?, p.get(h, "bias")?))
        };
        // 1/sqrt(head size) is folded into the query projection once here
        // instead of scaling every query tensor at run time.
        let scale = 1.0 / ((h / cfg.num_attention_heads) as f64).sqrt();
        let (qw, qb) = part("query")?;
        let (qw, qb) = ((qw * scale)?, (qb * scale)?);
        let (kw, kb) = part("key")?;
        let (vw, vbias) = part("value")?;
        let weight = Tensor::cat(&[qw, kw, vw], 0)?;
        let bias = Tensor::cat(&[qb, kb, vbias], 0)?;
        Ok(Self {
            qkv: Dense::from_parts(weight, bias)?,
            num_attention_heads: cfg.num_attention_heads,
            attention_head_size: h / cfg.num_attention_heads,
        })
    }

    /// `mask`: (batch, 1, 1, seq) additive, 0 for tokens and -inf-ish for
    /// pads; `None` when the batch has no padding.
    fn forward(&self, xs: &Tensor, mask: Option<&Tensor>) -> candle_core::Result<Tensor> {
        let (b, s, h) = xs.dims3()?;
        let (nh, hd) = (self.num_attention_heads, self.attention_head_size);
        // (b, s, 3, nh, hd) → three (b, nh, s, hd) tensors.
        let qkv = self.qkv.forward(xs)?.reshape((b, s, 3, nh, hd))?;
        let heads = |i: usize| {
            qkv.narrow(2, i, 1)?
                .squeeze(2)?
                .transpose(1, 2)?
                .contiguous()
        };
        let q = heads(0)?;
        let k = heads(1)?;
        let v = heads(2)?;
        let mut scores = q.matmul(&k.t()?)?;
        if let Some(mask) = mask {
            scores = scores.broadcast_add(mask)?;
        }
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        probs
            .matmul(&v)?
            .transpose(1, 2)?
            .contiguous()?
            .reshape((b, s, h))
    }
}

/// `BertSelfOutput`: projection, residual, LayerNorm.
struct BertSelfOutput {
    dense: Dense,
    layer_norm: LayerNorm,
}

impl BertSelfOutput {
    fn load(vb: VarBuilder, cfg: &Config) -> candle_core::Result<Self> {
        let h = cfg.hidden_size;
        Ok(Self {
            dense: Dense::load(vb.pp("dense"), h, h)?,
            layer_norm: layer_norm(vb.pp("LayerNorm"), h, cfg.layer_norm_eps)?,
        })
    }

    fn forward(&self, xs: &Tensor, input: &Tensor) -> candle_core::Result<Tensor> {
        self.layer_norm.forward(&(self.dense.forward(xs)? + input)?)
    }
}

/// `BertAttention`: self-attention followed by its output block.
struct BertAttention {
    self_attention: BertSelfAttention,
    output: BertSelfOutput,
}

/// `BertIntermediate`: the widening projection and activation (fused
/// into the dense layer's bias pass).
struct BertIntermediate {
    dense: Dense,
}

impl BertIntermediate {
    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        self.dense.forward(xs)
    }
}

/// `BertOutput`: the narrowing projection, residual, LayerNorm.
type BertOutput = BertSelfOutput;

/// `BertLayer`: attention, intermediate, output.
struct BertLayer {
    attention: BertAttention,
    intermediate: BertIntermediate,
    output: BertOutput,
}

impl BertLayer {
    fn load(vb: VarBuilder, cfg: &Config) -> candle_core::Result<Self> {
        let (h, ff) = (cfg.hidden_size, cfg.intermediate_size);
        let out_vb = vb.pp("output");
        Ok(Self {
            attention: BertAttention {
                self_attention: BertSelfAttention::load(vb.pp("attention.self"), cfg)?,
                output: BertSelfOutput::load(vb.pp("attention.output"), cfg)?,
            },
            intermediate: BertIntermediate {
                dense: Dense {
                    act: Some(cfg.hidden_act),
                    ..Dense::load(vb.pp("intermediate.dense"), h, ff)?
                },
            },
            output: BertOutput {
                dense: Dense::load(out_vb.pp("dense"), ff, h)?,
                layer_norm: layer_norm(out_vb.pp("LayerNorm"), h, cfg.layer_norm_eps)?,
            },
        })
    }

    fn forward(&self, xs: &Tensor, mask: Option<&Tensor>) -> candle_core::Result<Tensor> {
        let attn = self.attention.self_attention.forward(xs, mask)?;
        let attn = self.attention.output.forward(&attn, xs)?;
        let mid = self.intermediate.forward(&attn)?;
        self.output.forward(&mid, &attn)
    }
}

/// `BertEncoder`: the stack of layers.
struct BertEncoder {
    layer: Vec<BertLayer>,
}

/// `BertModel` without the pooler (sentence embedders pool themselves).
pub(crate) struct BertModel {
    embeddings: BertEmbeddings,
    encoder: BertEncoder,
    device: Device,
}

impl BertModel {
    /// Loads the weights. Accepts checkpoints saved from `BertModel` (no
    /// prefix) and from task heads (`bert.` / `roberta.` prefix).
    pub fn load(vb: VarBuilder, cfg: &Config, family: Family) -> candle_core::Result<Self> {
        let root = ["", "bert", "roberta", "model"]
            .into_iter()
            .map(|p| if p.is_empty() { vb.clone() } else { vb.pp(p) })
            .find(|v| v.contains_tensor("embeddings.word_embeddings.weight"))
            .unwrap_or_else(|| vb.clone());
        let embeddings = BertEmbeddings::load(root.pp("embeddings"), cfg, family)?;
        let layer = (0..cfg.num_hidden_layers)
            .map(|i| BertLayer::load(root.pp(format!("encoder.layer.{i}")), cfg))
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Self {
            embeddings,
            encoder: BertEncoder { layer },
            device: vb.device().clone(),
        })
    }

    /// Runs the encoder. `input_ids` and `attention_mask` are (batch, seq)
    /// u32; returns the last hidden state (batch, seq, hidden).
    pub fn forward(
        &self,
        input_ids: &Tensor,
        attention_mask: &Tensor,
    ) -> candle_core::Result<Tensor> {
        let (b, s) = input_ids.dims2()?;
        // 0 where attended, a large negative where padded; not -inf so a
        // (never produced) all-pad row would give a uniform, not NaN, softmax.
        let additive =
            ((attention_mask.to_dtype(DType::F32)? - 1.0)? * 1e9)?.reshape((b, 1, 1, s))?;
        // Length-sorted batches are often pad-free; skip a pass over the
        // (batch, heads, seq, seq) scores then.
        let padded = attention_mask.flatten_all()?.min(0)?.to_scalar::<u32>()? == 0;
        let mask = padded.then_some(&additive);
        let mut xs = self.embeddings.forward(input_ids)?;
        for layer in &self.encoder.layer {
            xs = layer.forward(&xs, mask)?;
        }
        Ok(xs)
    }

    /// The device the weights live on.
    pub fn device(&self) -> &Device {
        &self.device
    }
}

/// Mean of the token vectors under the mask: (b, s, h) → (b, h).
pub(crate) fn mean_pool(hidden: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
    let mask = mask.to_dtype(DType::F32)?.unsqueeze(D::Minus1)?;
    let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
    let counts = mask.sum(1)?;
    summed.broadcast_div(&counts)
}
