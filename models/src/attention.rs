//! Scaled dot-product attention over the fused Q·K·V projection, as one op.
//!
//! Written as candle ops, attention cost more than its arithmetic: the
//! (batch, heads) products ran as one gemm call per head, each split over
//! threads although it is a few microseconds of work; Q, K and V were copied
//! into head-major layout and the context copied back; the padding mask was a
//! full pass over the scores. Here every (text, head) pair is one task: its
//! scores, softmax and weighted sum run on one thread straight from the
//! projection's rows (strided reads, no copies), and only the text's real
//! tokens are computed, so padding costs nothing. The query scale is already
//! folded into the projection weights.

use candle_core::{bail, CpuStorage, CustomOp1, Layout, Shape, Tensor};
use gemm::{gemm, Parallelism};
use rayon::prelude::*;

use crate::ops::SendPtr;
use crate::vectorized::{exp, multiversion, sum};

/// Self-attention of `qkv` (batch, seq, 3·hidden) → context (batch, seq, hidden).
/// `lengths[b]` is text b's count of real tokens; positions past it are padding
/// (their rows of the result are zero and never read).
pub(crate) fn attention(
    qkv: &Tensor,
    heads: usize,
    lengths: &[usize],
) -> candle_core::Result<Tensor> {
    qkv.apply_op1_no_bwd(&Attention {
        heads,
        lengths: lengths.to_vec(),
    })
}

struct Attention {
    heads: usize,
    lengths: Vec<usize>,
}

impl CustomOp1 for Attention {
    fn name(&self) -> &'static str {
        "attention"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let CpuStorage::F32(qkv) = storage else {
            bail!("attention: only f32 is supported")
        };
        let Some((start, end)) = layout.contiguous_offsets() else {
            bail!("attention: input must be contiguous")
        };
        let qkv = &qkv[start..end];
        let &[b, s, h3] = layout.dims() else {
            bail!(
                "attention: expected (batch, seq, 3·hidden), got {:?}",
                layout.dims()
            )
        };
        let h = h3 / 3;
        if h3 % 3 != 0 || h % self.heads != 0 || self.lengths.len() != b {
            bail!(
                "attention: shape {:?} for {} heads and {} lengths",
                layout.dims(),
                self.heads,
                self.lengths.len()
            )
        }
        if self.lengths.iter().any(|&l| l > s) {
            bail!("attention: a length exceeds the sequence")
        }
        let hd = h / self.heads;
        let mut out = vec![0f32; b * s * h];
        let out_ptr = SendPtr(out.as_mut_ptr());
        (0..b * self.heads).into_par_iter().for_each(|task| {
            let (text, head) = (task / self.heads, task % self.heads);
            let len = self.lengths[text];
            if len == 0 {
                return;
            }
            let base = text * s * h3;
            let q = &qkv[base + head * hd..];
            let k = &qkv[base + h + head * hd..];
            let v = &qkv[base + 2 * h + head * hd..];
            let mut scores = vec![0f32; len * len];
            // Safety: every slice above holds `len` rows of stride `h3` from
            // its offset, `scores` is `len × len`, and each task writes only
            // its own (text, head) block of `out`.
            unsafe {
                // scores = Q Kᵀ (Kᵀ: K's rows read as columns)
                product(
                    (len, len, hd),
                    (scores.as_mut_ptr(), len),
                    (q.as_ptr(), h3, 1),
                    (k.as_ptr(), 1, h3),
                );
            }
            for row in scores.chunks_mut(len) {
                softmax_in_place(row);
            }
            unsafe {
                // context = P V, written at the head's columns of its text's rows.
                product(
                    (len, hd, len),
                    (out_ptr.get().add(text * s * h + head * hd), h),
                    (scores.as_ptr(), len, 1),
                    (v.as_ptr(), h3, 1),
                );
            }
        });
        Ok((CpuStorage::F32(out), Shape::from((b, s, h))))
    }
}

/// `dst = lhs · rhs` on one thread, for (m, n, k) = (rows, columns, inner).
/// `dst` is (pointer, row stride) with contiguous columns; `lhs` and `rhs` are
/// (pointer, row stride, column stride).
///
/// # Safety
/// Every pointer must reach all the elements its shape and strides name.
unsafe fn product(
    (m, n, k): (usize, usize, usize),
    (dst, dst_rs): (*mut f32, usize),
    (lhs, lhs_rs, lhs_cs): (*const f32, usize, usize),
    (rhs, rhs_rs, rhs_cs): (*const f32, usize, usize),
) {
    gemm(
        m,
        n,
        k,
        dst,
        1,
        dst_rs as isize,
        false,
        lhs,
        lhs_cs as isize,
        lhs_rs as isize,
        rhs,
        rhs_cs as isize,
        rhs_rs as isize,
        0.0,
        1.0,
        false,
        false,
        false,
        Parallelism::None,
    );
}

multiversion! {
    fn softmax_in_place(row: &mut [f32]) {
        let max = row.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        row.iter_mut().for_each(|v| *v = exp(*v - max));
        let inv = 1.0 / sum(row);
        row.iter_mut().for_each(|v| *v *= inv);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, D};

    /// The op against attention written in plain candle ops, with padding.
    #[test]
    fn matches_reference_attention() -> candle_core::Result<()> {
        let (b, s, heads, hd) = (3, 7, 4, 8);
        let h = heads * hd;
        let qkv = Tensor::arange(0f32, (b * s * 3 * h) as f32, &Device::Cpu)?
            .affine(0.37, 0.0)?
            .sin()?
            .reshape((b, s, 3 * h))?;
        let lengths = [7, 4, 1];
        let got = attention(&qkv, heads, &lengths)?;
        for (text, &len) in lengths.iter().enumerate() {
            let x = qkv
                .get(text)?
                .narrow(0, 0, len)?
                .reshape((len, 3, heads, hd))?;
            let part = |i| x.narrow(1, i, 1)?.squeeze(1)?.transpose(0, 1)?.contiguous();
            let (q, k, v) = (part(0)?, part(1)?, part(2)?);
            let probs = candle_nn::ops::softmax(&q.matmul(&k.t()?)?, D::Minus1)?;
            let want = probs
                .matmul(&v)?
                .transpose(0, 1)?
                .contiguous()?
                .reshape((len, h))?;
            let have = got.get(text)?.narrow(0, 0, len)?;
            let diff = (have - want)?.abs()?.max_all()?.to_scalar::<f32>()?;
            assert!(diff < 1e-5, "text {text}: max diff {diff}");
        }
        Ok(())
    }
}
