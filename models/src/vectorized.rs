//! Elementwise math that the compiler can vectorise, compiled for the CPU it
//! runs on.
//!
//! Profiled on the int8 path (`perf`, AMD EPYC Zen 5), GELU's `erf`, the
//! softmax's `exp` and the quantizer's `round` took a third of the time: each
//! was a scalar libm call per element, because the binary targets baseline
//! x86-64. Here they are written as plain arithmetic (Cody–Waite range
//! reduction and a polynomial for `exp`; the 1.5·2²³ trick for rounding),
//! which LLVM vectorises, and [`multiversion!`] compiles each hot loop three
//! times — AVX-512, AVX2 + FMA, baseline — and picks one at run time. No
//! operation is contracted into an FMA, so every version gives the same bits.

/// Defines `fn $name(args)` whose body is compiled for AVX-512, for AVX2 + FMA
/// and for baseline x86-64, and runs the best the CPU has.
macro_rules! multiversion {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
                unsafe fn v4($($arg: $ty),*) $(-> $ret)? $body
                #[target_feature(enable = "avx2,fma")]
                unsafe fn v3($($arg: $ty),*) $(-> $ret)? $body
                if is_x86_feature_detected!("avx512f")
                    && is_x86_feature_detected!("avx512bw")
                    && is_x86_feature_detected!("avx512dq")
                    && is_x86_feature_detected!("avx512vl")
                {
                    // Safety: the CPU has the features `v4` is compiled for.
                    return unsafe { v4($($arg),*) };
                }
                if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                    // Safety: as above, for `v3`.
                    return unsafe { v3($($arg),*) };
                }
            }
            $body
        }
    };
}
pub(crate) use multiversion;

/// Adding then subtracting this rounds an f32 of magnitude below 2²² to the
/// nearest integer (ties to even), in plain arithmetic.
const ROUNDING: f32 = 12_582_912.0;

/// `x` rounded to the nearest integer, for |x| < 2²².
#[inline(always)]
pub(crate) fn round_small(x: f32) -> f32 {
    (x + ROUNDING) - ROUNDING
}

/// Σ values in 16 interleaved partial sums: a serial float sum cannot be
/// vectorised (its order is fixed), this fixed order can, on every CPU alike.
#[inline(always)]
pub(crate) fn sum(values: &[f32]) -> f32 {
    let mut lanes = [0f32; 16];
    let chunks = values.chunks_exact(16);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (l, &v) in lanes.iter_mut().zip(chunk) {
            *l += v;
        }
    }
    lanes.iter().sum::<f32>() + rest.iter().sum::<f32>()
}

/// (min, max) of values and 0, in 16 lanes like [`sum`].
#[inline(always)]
pub(crate) fn min_max_with_zero(values: &[f32]) -> (f32, f32) {
    let (mut lo, mut hi) = ([0f32; 16], [0f32; 16]);
    let chunks = values.chunks_exact(16);
    let rest = chunks.remainder();
    for chunk in chunks {
        for ((l, h), &v) in lo.iter_mut().zip(hi.iter_mut()).zip(chunk) {
            *l = if v < *l { v } else { *l };
            *h = if v > *h { v } else { *h };
        }
    }
    let fold = |(a, b): (f32, f32), &v: &f32| (a.min(v), b.max(v));
    let acc = lo.iter().fold((0f32, 0f32), fold);
    let acc = hi.iter().fold(acc, fold);
    rest.iter().fold(acc, fold)
}

/// eˣ to about 2 ulp (Cephes `expf`), for x in −87..88; clamped outside.
#[inline(always)]
pub(crate) fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.0, 88.0);
    let n = round_small(x * std::f32::consts::LOG2_E);
    // ln 2 split in two, so `n · ln 2` subtracts without losing r's bits.
    let r = x - n * 0.693_359_4 + n * 2.121_944_4e-4;
    let mut p = 1.987_569_1e-4;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let y = p * r * r + r + 1.0;
    y * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// erf by Abramowitz & Stegun 7.1.26: absolute error below 1.5e-7, well
/// under f32 noise of the surrounding matmuls, at one `exp` per value.
#[inline(always)]
pub(crate) fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152_1 + t * 1.061_405_4))));
    (1.0 - poly * exp(-a * a)).copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_accurate() {
        let mut worst = 0f64;
        let mut x = -80f32;
        while x < 80.0 {
            let want = (x as f64).exp();
            let rel = ((exp(x) as f64 - want) / want).abs();
            worst = worst.max(rel);
            x += 0.013;
        }
        assert!(worst < 5e-7, "worst relative error {worst}");
        assert!(exp(-1000.0) < 1e-37 && exp(-1000.0) >= 0.0);
    }

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
    fn rounding_matches_the_standard_library_away_from_ties() {
        for i in -3000..3000 {
            let x = i as f32 * 0.0937;
            if (x.fract().abs() - 0.5).abs() > 1e-4 {
                assert_eq!(round_small(x), x.round(), "{x}");
            }
        }
    }
}
