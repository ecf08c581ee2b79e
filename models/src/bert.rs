//! The BERT / XLM-RoBERTa encoder, written against candle.
//!
//! Structs and tensor names mirror the Hugging Face reference
//! (`modeling_bert.py`) name for name: embeddings, encoder, layer, attention
//! (self + output), intermediate, output. XLM-RoBERTa is the same network with
//! position ids starting at `pad_token_id + 1`, so one implementation serves
//! both. Liberties taken for speed, all numerically equivalent: Q, K and V
//! are concatenated at load time into one matrix (one matmul instead of
//! three), the attention scale is folded into the query weights, bias and
//! activation (or bias and residual) run as one fused pass (`ops`), and
//! attention is one op that computes only each text's real tokens
//! (`attention`). At [`Precision::Int8`] the dense layers' weights are int8
//! (`int8`); embeddings, softmax and LayerNorm stay f32.

use std::sync::Arc;

use candle_core::{CpuStorage, CustomOp1, DType, Device, Layout, Module, Shape, Tensor, D};
use candle_nn::{Embedding, LayerNorm, VarBuilder};

use crate::attention::attention;
use crate::config::{Config, Family, HiddenAct, Precision};
use crate::int8::{Int8Weight, Kernel};
use crate::ops::{bias_act, bias_residual};

/// A dense layer's weight, in the precision the model was loaded at.
#[derive(Clone)]
enum DenseWeight {
    /// `Wᵀ`, stored transposed and contiguous once, so every matmul reads it in
    /// the layout gemm packs fastest.
    F32(Tensor),
    Int8(Arc<Int8Weight>),
}

/// A dense layer `y = x Wᵀ + b` applied to the last dimension.
///
/// Inputs are flattened to 2-D first: candle's `Linear` broadcasts the weight
/// per batch element, which runs one small gemm per text instead of one large
/// gemm for the whole batch.
#[derive(Clone)]
struct Dense {
    weight: DenseWeight,
    bias: Tensor,
    /// Activation fused into the bias pass (only the intermediate layer has one).
    act: Option<HiddenAct>,
}

impl Dense {
    fn load(
        vb: VarBuilder,
        in_dim: usize,
        out_dim: usize,
        precision: Precision,
    ) -> candle_core::Result<Self> {
        let weight = vb.get((out_dim, in_dim), "weight")?;
        let bias = vb.get(out_dim, "bias")?;
        Self::from_parts(weight, bias, precision)
    }

    fn from_parts(weight: Tensor, bias: Tensor, precision: Precision) -> candle_core::Result<Self> {
        let weight = match precision {
            Precision::Fp32 => DenseWeight::F32(weight.t()?.contiguous()?),
            Precision::Int8 => {
                let (out_dim, in_dim) = weight.dims2()?;
                let values = weight.flatten_all()?.to_vec1::<f32>()?;
                DenseWeight::Int8(Arc::new(Int8Weight::quantize(
                    &values,
                    out_dim,
                    in_dim,
                    Kernel::detect(),
                )))
            }
        };
        Ok(Self {
            weight,
            bias,
            act: None,
        })
    }

    /// `x Wᵀ` over the flattened rows, without the bias.
    fn product(&self, xs: &Tensor) -> candle_core::Result<(Tensor, Vec<usize>)> {
        let mut dims = xs.dims().to_vec();
        let last = dims[dims.len() - 1];
        let rows = xs.elem_count() / last;
        let xs = xs.reshape((rows, last))?;
        let ys = match &self.weight {
            DenseWeight::F32(weight_t) => xs.matmul(weight_t)?,
            DenseWeight::Int8(w) => xs.contiguous()?.apply_op1_no_bwd(&Int8Product(w.clone()))?,
        };
        let n = dims.len();
        dims[n - 1] = ys.dim(1)?;
        Ok((ys, dims))
    }

    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        let (ys, dims) = self.product(xs)?;
        bias_act(&ys, &self.bias, self.act)?.reshape(dims)
    }

    /// `x Wᵀ + b + residual`, for the blocks that end in a LayerNorm.
    fn forward_plus(&self, xs: &Tensor, residual: &Tensor) -> candle_core::Result<Tensor> {
        let (ys, dims) = self.product(xs)?;
        let residual = residual.reshape(ys.shape())?.contiguous()?;
        bias_residual(&ys, &self.bias, &residual)?.reshape(dims)
    }
}

/// The int8 product as a candle op, so both precisions run the same graph.
struct Int8Product(Arc<Int8Weight>);

impl CustomOp1 for Int8Product {
    fn name(&self) -> &'static str {
        "int8-product"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let CpuStorage::F32(xs) = storage else {
            candle_core::bail!("int8-product: only f32 input is supported")
        };
        let (Some((start, end)), Ok((rows, _))) =
            (layout.contiguous_offsets(), layout.shape().dims2())
        else {
            candle_core::bail!("int8-product: input must be contiguous rows")
        };
        let out = self.0.matmul(&xs[start..end], rows);
        Ok((CpuStorage::F32(out), Shape::from((rows, self.0.out_dim()))))
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
}

impl BertSelfAttention {
    fn load(vb: VarBuilder, cfg: &Config, precision: Precision) -> candle_core::Result<Self> {
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
            qkv: Dense::from_parts(weight, bias, precision)?,
            num_attention_heads: cfg.num_attention_heads,
        })
    }

    /// `lengths[i]`: text i's real tokens; the rest of its row is padding.
    fn forward(&self, xs: &Tensor, lengths: &[usize]) -> candle_core::Result<Tensor> {
        attention(&self.qkv.forward(xs)?, self.num_attention_heads, lengths)
    }
}

/// `BertSelfOutput`: projection, residual, LayerNorm.
struct BertSelfOutput {
    dense: Dense,
    layer_norm: LayerNorm,
}

impl BertSelfOutput {
    fn load(vb: VarBuilder, cfg: &Config, precision: Precision) -> candle_core::Result<Self> {
        let h = cfg.hidden_size;
        Ok(Self {
            dense: Dense::load(vb.pp("dense"), h, h, precision)?,
            layer_norm: layer_norm(vb.pp("LayerNorm"), h, cfg.layer_norm_eps)?,
        })
    }

    fn forward(&self, xs: &Tensor, input: &Tensor) -> candle_core::Result<Tensor> {
        self.layer_norm
            .forward(&self.dense.forward_plus(xs, input)?)
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
    fn load(vb: VarBuilder, cfg: &Config, precision: Precision) -> candle_core::Result<Self> {
        let (h, ff) = (cfg.hidden_size, cfg.intermediate_size);
        let out_vb = vb.pp("output");
        Ok(Self {
            attention: BertAttention {
                self_attention: BertSelfAttention::load(vb.pp("attention.self"), cfg, precision)?,
                output: BertSelfOutput::load(vb.pp("attention.output"), cfg, precision)?,
            },
            intermediate: BertIntermediate {
                dense: Dense {
                    act: Some(cfg.hidden_act),
                    ..Dense::load(vb.pp("intermediate.dense"), h, ff, precision)?
                },
            },
            output: BertOutput {
                dense: Dense::load(out_vb.pp("dense"), ff, h, precision)?,
                layer_norm: layer_norm(out_vb.pp("LayerNorm"), h, cfg.layer_norm_eps)?,
            },
        })
    }

    fn forward(&self, xs: &Tensor, lengths: &[usize]) -> candle_core::Result<Tensor> {
        let attn = self.attention.self_attention.forward(xs, lengths)?;
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
    pub fn load(
        vb: VarBuilder,
        cfg: &Config,
        family: Family,
        precision: Precision,
    ) -> candle_core::Result<Self> {
        let root = ["", "bert", "roberta", "model"]
            .into_iter()
            .map(|p| if p.is_empty() { vb.clone() } else { vb.pp(p) })
            .find(|v| v.contains_tensor("embeddings.word_embeddings.weight"))
            .unwrap_or_else(|| vb.clone());
        let embeddings = BertEmbeddings::load(root.pp("embeddings"), cfg, family)?;
        let layer = (0..cfg.num_hidden_layers)
            .map(|i| BertLayer::load(root.pp(format!("encoder.layer.{i}")), cfg, precision))
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Self {
            embeddings,
            encoder: BertEncoder { layer },
            device: vb.device().clone(),
        })
    }

    /// Runs the encoder. `input_ids` is (batch, seq) u32, right-padded:
    /// text i's real tokens are its first `lengths[i]`. Returns the last
    /// hidden state (batch, seq, hidden); rows past a text's length are
    /// meaningless and must be masked by the caller.
    pub fn forward(&self, input_ids: &Tensor, lengths: &[usize]) -> candle_core::Result<Tensor> {
        let mut xs = self.embeddings.forward(input_ids)?;
        for layer in &self.encoder.layer {
            xs = layer.forward(&xs, lengths)?;
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
