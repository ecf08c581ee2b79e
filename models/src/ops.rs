//! Fused CPU kernels the encoder runs between matmuls.
//!
//! candle's elementwise ops run on one thread and allocate per op; after
//! every dense layer that meant one pass for the bias and another for the
//! activation, the GELU's `erf` being the costliest. This fuses "add bias,
//! then activate" into one parallel pass over the rows.

use candle_core::{bail, CpuStorage, CustomOp2, Layout, Shape, Tensor};
use rayon::prelude::*;

use crate::config::HiddenAct;

/// `act(x + bias)` over the last dimension; `None` adds the bias only.
pub(crate) fn bias_act(
    xs: &Tensor,
    bias: &Tensor,
    act: Option<HiddenAct>,
) -> candle_core::Result<Tensor> {
    xs.apply_op2_no_bwd(bias, &BiasAct(act))
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
            .for_each(|(o, x)| {
                for (orow, xrow) in o.chunks_mut(n).zip(x.chunks(n)) {
                    for ((o, &x), &b) in orow.iter_mut().zip(xrow).zip(bias) {
                        let v = x + b;
                        *o = match act {
                            None => v,
                            Some(HiddenAct::Gelu) => {
                                0.5 * v * (1.0 + erf(v * std::f32::consts::FRAC_1_SQRT_2))
                            }
                            Some(HiddenAct::GeluApprox) => {
                                let inner = 0.797_884_6 * (v + 0.044_715 * v * v * v);
                                0.5 * v * (1.0 + inner.tanh())
                            }
                            Some(HiddenAct::Relu) => v.max(0.0),
                        };
                    }
                }
            });
        Ok((CpuStorage::F32(out), l1.shape().clone()))
    }
}

/// erf by Abramowitz & Stegun 7.1.26: absolute error below 1.5e-7, well
/// under f32 noise of the surrounding matmuls, at one `exp` per value.
fn erf(x: f32) -> f32 {
    let sign = x.signum();
    let x = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152_1 + t * 1.061_405_4))));
    sign * (1.0 - poly * (-x * x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn erf_is_accurate() {
        // Reference values of erf to 7 decimals.
        for (x, want) in [
            (0.0, 0.0),
            (0.5, 0.520_499_9),
            (1.0, 0.842_700_8),
            (-2.0, -0.995_322_3),
            (3.5, 0.999_999_3),
        ] {
            assert!((erf(x) - want).abs() < 3e-7, "erf({x}) = {}", erf(x));
        }
    }

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
