//! Fused CPU kernels the encoder runs between matmuls.
//!
//! candle's elementwise ops run on one thread and allocate per op; after
//! every dense layer that meant one pass for the bias and another for the
//! activation, the GELU's `erf` being the costliest. This fuses "add bias,
//! then activate" into one parallel pass over the rows, and "add bias, then
//! the residual" (before each LayerNorm) into another.

use candle_core::{bail, CpuStorage, CustomOp2, CustomOp3, Layout, Shape, Tensor};
use rayon::prelude::*;

use crate::config::HiddenAct;
use crate::vectorized::{erf, exp, multiversion};

/// A raw pointer that rayon tasks writing disjoint parts of one buffer share
/// (the attention and int8 ops).
#[derive(Clone, Copy)]
pub(crate) struct SendPtr(pub(crate) *mut f32);
unsafe impl Send for SendPtr {}
unsafe impl Sync for SendPtr {}

impl SendPtr {
    /// Through a method, so closures capture the wrapper, not its raw field.
    pub(crate) fn get(self) -> *mut f32 {
        self.0
    }
}

/// `act(x + bias)` over the last dimension; `None` adds the bias only.
pub(crate) fn bias_act(
    xs: &Tensor,
    bias: &Tensor,
    act: Option<HiddenAct>,
) -> candle_core::Result<Tensor> {
    xs.apply_op2_no_bwd(bias, &BiasAct(act))
}

/// `x + bias + residual`, the bias over the last dimension.
pub(crate) fn bias_residual(
    xs: &Tensor,
    bias: &Tensor,
    residual: &Tensor,
) -> candle_core::Result<Tensor> {
    xs.apply_op3_no_bwd(bias, residual, &BiasResidual)
}

struct BiasResidual;

impl CustomOp3 for BiasResidual {
    fn name(&self) -> &'static str {
        "bias-residual"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (CpuStorage::F32(xs), CpuStorage::F32(bias), CpuStorage::F32(res)) = (s1, s2, s3)
        else {
            bail!("bias-residual: only f32 is supported")
        };
        let (Some((a0, a1)), Some((b0, b1)), Some((c0, c1))) = (
            l1.contiguous_offsets(),
            l2.contiguous_offsets(),
            l3.contiguous_offsets(),
        ) else {
            bail!("bias-residual: inputs must be contiguous")
        };
        let (xs, bias, res) = (&xs[a0..a1], &bias[b0..b1], &res[c0..c1]);
        let n = bias.len();
        if n == 0 || l1.dims().last() != Some(&n) || res.len() != xs.len() {
            bail!("bias-residual: bias of {n} for input {:?}", l1.dims())
        }
        let mut out = vec![0f32; xs.len()];
        let rows_per_task = (16_384 / n).max(1);
        out.par_chunks_mut(n * rows_per_task)
            .zip(xs.par_chunks(n * rows_per_task))
            .zip(res.par_chunks(n * rows_per_task))
            .for_each(|((o, x), r)| {
                for ((orow, xrow), rrow) in o.chunks_mut(n).zip(x.chunks(n)).zip(r.chunks(n)) {
                    for (((o, &x), &b), &r) in orow.iter_mut().zip(xrow).zip(bias).zip(rrow) {
                        *o = x + b + r;
                    }
                }
            });
        Ok((CpuStorage::F32(out), l1.shape().clone()))
    }
}

struct BiasAct(Option<HiddenAct>);

impl CustomOp2 for BiasAct {
    fn name(&self) -> &'static str {
        "bias-act"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (CpuStorage::F32(xs), CpuStorage::F32(bias)) = (s1, s2) else {
            bail!("bias-act: only f32 is supported")
        };
        let (Some((a0, a1)), Some((b0, b1))) = (l1.contiguous_offsets(), l2.contiguous_offsets())
        else {
            bail!("bias-act: inputs must be contiguous")
        };
        let (xs, bias) = (&xs[a0..a1], &bias[b0..b1]);
        let n = bias.len();
        if n == 0 || l1.dims().last() != Some(&n) {
            bail!("bias-act: bias of {n} for input {:?}", l1.dims())
        }
        let act = self.0;
        let mut out = vec![0f32; xs.len()];
        // Several rows per task: one row is too little work to hand out.
        let rows_per_task = (16_384 / n).max(1);
        out.par_chunks_mut(n * rows_per_task)
            .zip(xs.par_chunks(n * rows_per_task))
            .for_each(|(o, x)| bias_act_rows(o, x, bias, act));
        Ok((CpuStorage::F32(out), l1.shape().clone()))
    }
}

multiversion! {
    /// `out = act(x + bias)` row by row; one loop per activation so each
    /// vectorises on its own.
    fn bias_act_rows(out: &mut [f32], xs: &[f32], bias: &[f32], act: Option<HiddenAct>) {
        let n = bias.len();
        for (orow, xrow) in out.chunks_mut(n).zip(xs.chunks(n)) {
            let rows = orow.iter_mut().zip(xrow).zip(bias);
            match act {
                None => rows.for_each(|((o, &x), &b)| *o = x + b),
                Some(HiddenAct::Gelu) => rows.for_each(|((o, &x), &b)| {
                    let v = x + b;
                    *o = 0.5 * v * (1.0 + erf(v * std::f32::consts::FRAC_1_SQRT_2));
                }),
                Some(HiddenAct::GeluApprox) => rows.for_each(|((o, &x), &b)| {
                    let v = x + b;
                    let inner = 0.797_884_6 * (v + 0.044_715 * v * v * v);
                    // tanh(u) = 1 − 2 / (e^{2u} + 1)
                    *o = 0.5 * v * (2.0 - 2.0 / (exp(2.0 * inner) + 1.0));
                }),
                Some(HiddenAct::Relu) => rows.for_each(|((o, &x), &b)| *o = (x + b).max(0.0)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn matches_candle_reference_ops() -> candle_core::Result<()> {
        let xs = Tensor::arange(-40f32, 40.0, &Device::Cpu)?
            .affine(0.1, 0.0)?
            .reshape((10, 8))?;
        let bias = Tensor::new(&[0.1f32, -0.2, 0.3, 0.0, 1.0, -1.0, 0.5, 2.0], &Device::Cpu)?;
        let summed = xs.broadcast_add(&bias)?;
        let cases = [
            (None, summed.clone()),
            (Some(HiddenAct::Gelu), summed.gelu_erf()?),
            (Some(HiddenAct::GeluApprox), summed.gelu()?),
            (Some(HiddenAct::Relu), summed.relu()?),
        ];
        for (act, want) in cases {
            let got = bias_act(&xs, &bias, act)?;
            let diff = (got - want)?.abs()?.max_all()?.to_scalar::<f32>()?;
            assert!(diff < 1e-5, "{act:?}: max diff {diff}");
        }
        Ok(())
    }
}
