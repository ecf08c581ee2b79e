//! Dense layers with int8 weights: the encoder's matmuls at a quarter of the
//! fp32 weights' memory and two (AVX2) to four (AVX-512 VNNI) times their
//! multiply rate.
//!
//! * Weights are quantized once, at load, symmetric per output channel:
//!   `w[n][k] ≈ s_n · q[n][k]` with `q` in −127..=127.
//! * Activations are quantized as they arrive, per row (one token), asymmetric
//!   u8: `x[m][k] ≈ s_m · (u[m][k] − z_m)`. A per-tensor scale (what ONNX
//!   Runtime's dynamic quantization uses) lets one token's outlier coarsen
//!   every other token's grid; per row it cannot.
//! * `y[m][n] = s_m · s_n · (Σ_k u·q − z_m · Σ_k q)`: the sum is an exact i32 on
//!   every path, and the scaling is the same arithmetic afterwards, so the
//!   AVX-512 VNNI, AVX2 and portable kernels give bit-identical products
//!   (the rest of the encoder, f32 attention included, agrees across CPUs to
//!   float rounding, as the fp32 path does).
//!
//! The kernel is chosen at run time ([`Kernel::detect`]): `vpdpbusd` on
//! AVX-512 VNNI; on AVX2, 16-bit `vpmaddwd` (exact, where `vpmaddubsw` would
//! saturate u8·i8 pair sums above 32767); plain Rust elsewhere.
//! Bias, activation and LayerNorm stay in f32, in the callers.

use rayon::prelude::*;

use crate::ops::SendPtr;
use crate::vectorized::{min_max_with_zero, multiversion, round_small};

/// Which integer kernel runs the dot products.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// `vpdpbusd` on 512-bit registers: 64 u8·i8 products per instruction.
    Vnni512,
    /// `vpmaddwd` on 256-bit registers over 16-bit copies: 16 per instruction.
    Avx2,
    /// Portable Rust, for other CPUs.
    Portable,
}

impl Kernel {
    /// The fastest kernel this CPU runs, or the one `QABILET_INT8_KERNEL`
    /// names (`vnni512`, `avx2`, `portable`) if the CPU runs it: to measure
    /// the AVX2 kernel on an AVX-512 machine.
    pub fn detect() -> Kernel {
        let available = Kernel::available();
        if let Ok(name) = std::env::var("QABILET_INT8_KERNEL") {
            if let Some(k) = available.iter().copied().find(|k| k.key() == name) {
                return k;
            }
        }
        available[0]
    }

    fn key(self) -> &'static str {
        match self {
            Kernel::Vnni512 => "vnni512",
            Kernel::Avx2 => "avx2",
            Kernel::Portable => "portable",
        }
    }

    /// Every kernel this CPU can run, fastest first (for parity tests).
    pub fn available() -> Vec<Kernel> {
        let mut all = vec![Kernel::Portable];
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx2") {
                all.insert(0, Kernel::Avx2);
            }
            if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512vnni") {
                all.insert(0, Kernel::Vnni512);
            }
        }
        all
    }

    /// (rows, output channels) of one register tile, and the run of k one
    /// packed group holds.
    fn tile(self) -> (usize, usize, usize) {
        match self {
            Kernel::Vnni512 => (8, 32, 4),
            Kernel::Avx2 => (6, 16, 2),
            Kernel::Portable => (1, 1, 1),
        }
    }

    /// Name for benchmark output.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Vnni512 => "AVX-512 VNNI",
            Kernel::Avx2 => "AVX2",
            Kernel::Portable => "portable",
        }
    }
}

/// Packed weights, in the layout the chosen kernel streams.
enum Packed {
    /// `[n / 32][k / 4][32 channels][4 k]` bytes.
    Vnni512(Vec<i8>),
    /// `[n / 16][k / 2][16 channels][2 k]` as i16.
    Avx2(Vec<i16>),
    /// Row-major `[n][k]`.
    Portable(Vec<i8>),
}

/// The weight of one dense layer, int8 per output channel.
pub struct Int8Weight {
    kernel: Kernel,
    packed: Packed,
    /// `s_n`.
    scale: Vec<f32>,
    /// `Σ_k q[n][k]`, for the activations' zero point.
    row_sum: Vec<i32>,
    in_dim: usize,
    out_dim: usize,
    /// `in_dim` rounded up to the kernel's k group; the padding is zero.
    k_pad: usize,
    /// `out_dim` rounded up to the kernel's tile; the padding is zero.
    n_pad: usize,
}

impl Int8Weight {
    /// Quantizes a row-major `(out_dim, in_dim)` weight (PyTorch's `Linear`
    /// layout) for `kernel`.
    pub fn quantize(weight: &[f32], out_dim: usize, in_dim: usize, kernel: Kernel) -> Self {
        assert_eq!(weight.len(), out_dim * in_dim, "weight shape");
        let (_, nr, kg) = kernel.tile();
        let k_pad = in_dim.div_ceil(kg) * kg;
        let n_pad = out_dim.div_ceil(nr) * nr;
        let mut q = vec![0i8; n_pad * k_pad];
        let mut scale = vec![0f32; out_dim];
        let mut row_sum = vec![0i32; out_dim];
        for n in 0..out_dim {
            let row = &weight[n * in_dim..(n + 1) * in_dim];
            let max = row.iter().fold(0f32, |m, &w| m.max(w.abs()));
            let s = if max > 0.0 { max / 127.0 } else { 1.0 };
            let inv = 1.0 / s;
            let dst = &mut q[n * k_pad..n * k_pad + in_dim];
            for (d, &w) in dst.iter_mut().zip(row) {
                *d = (w * inv).round().clamp(-127.0, 127.0) as i8;
            }
            scale[n] = s;
            row_sum[n] = dst.iter().map(|&v| v as i32).sum();
        }
        let packed = match kernel {
            Kernel::Portable => Packed::Portable(q),
            Kernel::Vnni512 => {
                let mut p = vec![0i8; n_pad * k_pad];
                let mut i = 0;
                for nb in 0..n_pad / nr {
                    for kb in 0..k_pad / kg {
                        for c in 0..nr {
                            let src = (nb * nr + c) * k_pad + kb * kg;
                            p[i..i + kg].copy_from_slice(&q[src..src + kg]);
                            i += kg;
                        }
                    }
                }
                Packed::Vnni512(p)
            }
            Kernel::Avx2 => {
                let mut p = vec![0i16; n_pad * k_pad];
                let mut i = 0;
                for nb in 0..n_pad / nr {
                    for kb in 0..k_pad / kg {
                        for c in 0..nr {
                            let src = (nb * nr + c) * k_pad + kb * kg;
                            for j in 0..kg {
                                p[i + j] = q[src + j] as i16;
                            }
                            i += kg;
                        }
                    }
                }
                Packed::Avx2(p)
            }
        };
        Int8Weight {
            kernel,
            packed,
            scale,
            row_sum,
            in_dim,
            out_dim,
            k_pad,
            n_pad,
        }
    }

    /// Output channels.
    pub fn out_dim(&self) -> usize {
        self.out_dim
    }

    /// `x · Wᵀ` for row-major `x` of `rows × in_dim`: `rows × out_dim`, no bias.
    pub fn matmul(&self, x: &[f32], rows: usize) -> Vec<f32> {
        assert_eq!(x.len(), rows * self.in_dim, "input shape");
        let (mr, nr, _) = self.kernel.tile();
        let rows_pad = rows.div_ceil(mr) * mr;
        let acts = Activations::quantize(x, rows, rows_pad, self.in_dim, self.k_pad, self.kernel);
        let mut out = vec![0f32; rows * self.out_dim];

        // Tasks of several register tiles each: one tile is too little work to
        // hand to another thread, and a single query still has to use both
        // cores, so the split runs over channels as well as rows.
        let row_tiles_per_task = (64 / mr).max(1);
        let col_tiles_per_task = (128 / nr).max(1);
        let row_tasks = (rows_pad / mr).div_ceil(row_tiles_per_task);
        let col_tasks = (self.n_pad / nr).div_ceil(col_tiles_per_task);
        let out_ptr = SendPtr(out.as_mut_ptr());
        (0..row_tasks * col_tasks).into_par_iter().for_each(|task| {
            let (rt, ct) = (task / col_tasks, task % col_tasks);
            let r_tiles =
                rt * row_tiles_per_task..((rt + 1) * row_tiles_per_task).min(rows_pad / mr);
            let c_tiles =
                ct * col_tiles_per_task..((ct + 1) * col_tiles_per_task).min(self.n_pad / nr);
            let mut acc = vec![0i32; mr * nr];
            for c_tile in c_tiles {
                for r_tile in r_tiles.clone() {
                    self.tile(&acts, r_tile * mr, c_tile, &mut acc);
                    // Safety: tasks write disjoint (row, column) ranges of `out`.
                    unsafe { self.store(&acts, r_tile * mr, c_tile * nr, rows, &acc, out_ptr) };
                }
            }
        });
        out
    }

    /// One register tile of exact dot products into `acc` (`mr × nr`).
    fn tile(&self, acts: &Activations, row: usize, col_tile: usize, acc: &mut [i32]) {
        let k = self.k_pad;
        match (&self.packed, &acts.values) {
            #[cfg(target_arch = "x86_64")]
            (Packed::Vnni512(w), Values::U8(x)) => {
                let w = &w[col_tile * 32 * k..(col_tile + 1) * 32 * k];
                let x = &x[row * k..(row + 8) * k];
                // Safety: `Kernel::Vnni512` is chosen only where the CPU has it;
                // the slices hold exactly the tile's rows and channels.
                unsafe { x86::tile_vnni512(x.as_ptr(), k, w.as_ptr(), k / 4, acc) }
            }
            #[cfg(target_arch = "x86_64")]
            (Packed::Avx2(w), Values::I16(x)) => {
                let w = &w[col_tile * 16 * k..(col_tile + 1) * 16 * k];
                let x = &x[row * k..(row + 6) * k];
                // Safety: as above, for AVX2.
                unsafe { x86::tile_avx2(x.as_ptr(), k, w.as_ptr(), k / 2, acc) }
            }
            (Packed::Portable(w), Values::U8(x)) => {
                let w = &w[col_tile * k..(col_tile + 1) * k];
                let x = &x[row * k..(row + 1) * k];
                acc[0] = x.iter().zip(w).map(|(&a, &b)| a as i32 * b as i32).sum();
            }
            _ => unreachable!("activations are quantized for the weight's kernel"),
        }
    }

    /// Scales one tile's sums into `out`, skipping padded rows and channels.
    ///
    /// # Safety
    /// `out` points at `rows × out_dim` floats and no other thread writes
    /// this tile's part of it.
    unsafe fn store(
        &self,
        acts: &Activations,
        row: usize,
        col: usize,
        rows: usize,
        acc: &[i32],
        out: SendPtr,
    ) {
        let (mr, nr, _) = self.kernel.tile();
        let cols = nr.min(self.out_dim.saturating_sub(col));
        for r in 0..mr.min(rows.saturating_sub(row)) {
            let m = row + r;
            let dst = std::slice::from_raw_parts_mut(out.get().add(m * self.out_dim + col), cols);
            scale_row(
                dst,
                &acc[r * nr..r * nr + cols],
                acts.zero[m],
                acts.scale[m],
                &self.row_sum[col..col + cols],
                &self.scale[col..col + cols],
            );
        }
    }
}

enum Values {
    U8(Vec<u8>),
    I16(Vec<i16>),
}

/// Rows quantized to u8 with their own scale and zero point.
struct Activations {
    values: Values,
    scale: Vec<f32>,
    zero: Vec<i32>,
}

impl Activations {
    fn quantize(
        x: &[f32],
        rows: usize,
        rows_pad: usize,
        in_dim: usize,
        k_pad: usize,
        kernel: Kernel,
    ) -> Self {
        let mut u = vec![0u8; rows_pad * k_pad];
        let mut scale = vec![0f32; rows_pad];
        let mut zero = vec![0i32; rows_pad];
        u.par_chunks_mut(k_pad)
            .zip(scale.par_iter_mut())
            .zip(zero.par_iter_mut())
            .take(rows)
            .enumerate()
            .for_each(|(m, ((dst, s), z))| {
                (*s, *z) = quantize_row(dst, &x[m * in_dim..(m + 1) * in_dim]);
            });
        let values = match kernel {
            Kernel::Avx2 => Values::I16(u.par_iter().map(|&v| v as i16).collect()),
            _ => Values::U8(u),
        };
        Activations {
            values,
            scale,
            zero,
        }
    }
}

multiversion! {
    /// One row to u8 on its own grid; returns (step, zero point). The grid
    /// always holds 0 exactly, so padding and ReLU zeros stay zero.
    fn quantize_row(dst: &mut [u8], row: &[f32]) -> (f32, i32) {
        let (lo, hi) = min_max_with_zero(row);
        let step = if hi > lo { (hi - lo) / 255.0 } else { 1.0 };
        let inv = 1.0 / step;
        let zp = round_small((-lo * inv).clamp(0.0, 255.0));
        for (d, &v) in dst.iter_mut().zip(row) {
            // max/min (not clamp) turn a NaN into 0, so the value is always
            // in 0..=255 and converts without the saturating path.
            #[allow(clippy::manual_clamp)] // clamp would keep a NaN
            let q = round_small((v * inv + zp).max(0.0).min(255.0));
            // Safety: q is finite and within i32.
            *d = unsafe { q.to_int_unchecked::<i32>() } as u8;
        }
        (step, zp as i32)
    }
}

multiversion! {
    /// `out[c] = (acc[c] − zero · row_sum[c]) · (step · scale[c])`.
    fn scale_row(out: &mut [f32], acc: &[i32], zero: i32, step: f32, row_sum: &[i32], scale: &[f32]) {
        for (((o, &a), &rs), &s) in out.iter_mut().zip(acc).zip(row_sum).zip(scale) {
            *o = (a - zero * rs) as f32 * (step * s);
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// 8 rows × 32 channels. `x`: 8 rows of `stride` u8; `w`: `k4s` groups
    /// of 32 channels × 4 k.
    #[target_feature(enable = "avx512f,avx512vnni")]
    pub(super) unsafe fn tile_vnni512(
        x: *const u8,
        stride: usize,
        w: *const i8,
        k4s: usize,
        out: &mut [i32],
    ) {
        let mut acc = [[_mm512_setzero_si512(); 2]; 8];
        for k4 in 0..k4s {
            let w0 = _mm512_loadu_si512(w.add(k4 * 128) as *const __m512i);
            let w1 = _mm512_loadu_si512(w.add(k4 * 128 + 64) as *const __m512i);
            for (r, acc) in acc.iter_mut().enumerate() {
                let a =
                    _mm512_set1_epi32((x.add(r * stride + k4 * 4) as *const i32).read_unaligned());
                acc[0] = _mm512_dpbusd_epi32(acc[0], a, w0);
                acc[1] = _mm512_dpbusd_epi32(acc[1], a, w1);
            }
        }
        for (r, acc) in acc.iter().enumerate() {
            _mm512_storeu_si512(out.as_mut_ptr().add(r * 32) as *mut __m512i, acc[0]);
            _mm512_storeu_si512(out.as_mut_ptr().add(r * 32 + 16) as *mut __m512i, acc[1]);
        }
    }

    /// 6 rows × 16 channels. `x`: 6 rows of `stride` i16 (values 0..=255);
    /// `w`: `k2s` groups of 16 channels × 2 k.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn tile_avx2(
        x: *const i16,
        stride: usize,
        w: *const i16,
        k2s: usize,
        out: &mut [i32],
    ) {
        let mut acc = [[_mm256_setzero_si256(); 2]; 6];
        for k2 in 0..k2s {
            let w0 = _mm256_loadu_si256(w.add(k2 * 32) as *const __m256i);
            let w1 = _mm256_loadu_si256(w.add(k2 * 32 + 16) as *const __m256i);
            for (r, acc) in acc.iter_mut().enumerate() {
                let a =
                    _mm256_set1_epi32((x.add(r * stride + k2 * 2) as *const i32).read_unaligned());
                acc[0] = _mm256_add_epi32(acc[0], _mm256_madd_epi16(a, w0));
                acc[1] = _mm256_add_epi32(acc[1], _mm256_madd_epi16(a, w1));
            }
        }
        for (r, acc) in acc.iter().enumerate() {
            _mm256_storeu_si256(out.as_mut_ptr().add(r * 16) as *mut __m256i, acc[0]);
            _mm256_storeu_si256(out.as_mut_ptr().add(r * 16 + 8) as *mut __m256i, acc[1]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic values in about −1..1, with a few outliers.
    fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut s = seed;
        (0..n)
            .map(|i| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let v = ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0;
                if i % 97 == 0 {
                    v * 8.0
                } else {
                    v
                }
            })
            .collect()
    }

    fn reference(x: &[f32], w: &[f32], rows: usize, out: usize, k: usize) -> Vec<f32> {
        let mut y = vec![0f32; rows * out];
        for m in 0..rows {
            for n in 0..out {
                y[m * out + n] = (0..k).map(|i| x[m * k + i] * w[n * k + i]).sum();
            }
        }
        y
    }

    #[test]
    fn every_kernel_gives_the_same_bits() {
        // Shapes with ragged rows, channels and k, to cross every padding path.
        for (rows, out, k) in [(1, 32, 384), (13, 40, 37), (70, 1536, 384), (9, 384, 1536)] {
            let x = values(rows * k, 1);
            let w = values(out * k, 2);
            let portable = Int8Weight::quantize(&w, out, k, Kernel::Portable).matmul(&x, rows);
            for kernel in Kernel::available() {
                let got = Int8Weight::quantize(&w, out, k, kernel).matmul(&x, rows);
                assert_eq!(got, portable, "{kernel:?} on {rows}×{out}×{k}");
            }
        }
    }

    #[test]
    fn close_to_the_float_product() {
        let (rows, out, k) = (16, 64, 384);
        let x = values(rows * k, 3);
        let w = values(out * k, 4);
        let want = reference(&x, &w, rows, out, k);
        let got = Int8Weight::quantize(&w, out, k, Kernel::detect()).matmul(&x, rows);
        let dot: f32 = want.iter().zip(&got).map(|(a, b)| a * b).sum();
        let norm = |v: &[f32]| v.iter().map(|a| a * a).sum::<f32>().sqrt();
        let cosine = dot / (norm(&want) * norm(&got));
        assert!(cosine > 0.999, "cosine {cosine}");
    }
}
