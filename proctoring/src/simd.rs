//! The SIMD kernels of the all-pairs screen ([`crate::screen`]), chosen at run
//! time: AVX-512 (F + BW: 64 items per byte comparison, masked sums of absolute
//! differences for the scores, 16 answer times per float comparison), AVX2
//! (32 items per comparison) or plain loops. `QABILET_SIMD=avx2` or `=scalar`
//! narrows the choice, to compare. Every path gives the same bits and sums
//! (tested).

use crate::pair_test::FOLLOW_WINDOW_S;
use crate::prepare::OMIT;
use crate::screen::Packed;

/// Which SIMD instructions the screen uses on this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimdPath {
    /// AVX-512 F and BW (64 items per instruction).
    Avx512,
    /// AVX2 (32 items per instruction).
    Avx2,
    /// Plain loops.
    Scalar,
}

impl SimdPath {
    /// Name as printed by the benchmark.
    pub fn name(self) -> &'static str {
        match self {
            SimdPath::Avx512 => "AVX-512 (F, BW)",
            SimdPath::Avx2 => "AVX2",
            SimdPath::Scalar => "scalar",
        }
    }
}

/// The path the screen takes on this CPU (detected at run time; the
/// environment variable `QABILET_SIMD=avx2` or `=scalar` asks for a narrower
/// one, to measure what an AVX2-only machine would do).
pub fn simd_path() -> SimdPath {
    #[cfg(target_arch = "x86_64")]
    {
        let asked = std::env::var("QABILET_SIMD").unwrap_or_default();
        if asked == "scalar" {
            return SimdPath::Scalar;
        }
        if asked != "avx2"
            && is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512bw")
        {
            return SimdPath::Avx512;
        }
        if is_x86_feature_detected!("avx2") {
            return SimdPath::Avx2;
        }
    }
    SimdPath::Scalar
}

/// Match mask of positions `c` and `s` into `m`; returns the answers part of
/// the score of each direction (c copying, s copying) in quarter-nats.
pub(crate) fn sums(path: SimdPath, p: &Packed, c: usize, s: usize, m: &mut [u64]) -> (u32, u32) {
    let r = p.stride;
    let (ac, as_) = (
        &p.answers[c * r..(c + 1) * r],
        &p.answers[s * r..(s + 1) * r],
    );
    let (wc, ws) = (&p.scores[c * r..(c + 1) * r], &p.scores[s * r..(s + 1) * r]);
    match path {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the path is only chosen when the CPU has these features.
        SimdPath::Avx512 => unsafe { x86::sums_avx512(ac, as_, wc, ws, m) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        SimdPath::Avx2 => unsafe { x86::sums_avx2(ac, as_, wc, ws, m) },
        _ => sums_scalar(ac, as_, wc, ws, m),
    }
}

fn sums_scalar(ac: &[u8], as_: &[u8], wc: &[u8], ws: &[u8], m: &mut [u64]) -> (u32, u32) {
    let (mut t1, mut t2) = (0u32, 0u32);
    m.fill(0);
    for i in 0..ac.len() {
        if ac[i] == as_[i] && ac[i] != OMIT {
            m[i / 64] |= 1 << (i % 64);
            t1 += u32::from(wc[i]);
            t2 += u32::from(ws[i]);
        }
    }
    (t1, t2)
}

/// Identical answers of `c` given within the window after `s`'s (`f_cs`) and
/// the other way round (`f_sc`).
pub(crate) fn follow_masks(
    path: SimdPath,
    p: &Packed,
    c: usize,
    s: usize,
    m: &[u64],
    f_cs: &mut [u64],
    f_sc: &mut [u64],
) {
    let r = p.stride;
    let (tc, ts) = (&p.times[c * r..(c + 1) * r], &p.times[s * r..(s + 1) * r]);
    match path {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the path is only chosen when the CPU has these features.
        SimdPath::Avx512 => unsafe { x86::follow_avx512(tc, ts, f_cs, f_sc) },
        _ => follow_scalar(tc, ts, f_cs, f_sc),
    }
    for k in 0..m.len() {
        f_cs[k] &= m[k];
        f_sc[k] &= m[k];
    }
}

fn follow_scalar(tc: &[f32], ts: &[f32], f_cs: &mut [u64], f_sc: &mut [u64]) {
    let w = FOLLOW_WINDOW_S as f32;
    f_cs.fill(0);
    f_sc.fill(0);
    for i in 0..tc.len() {
        let lag = tc[i] - ts[i];
        if lag > 0.0 && lag <= w {
            f_cs[i / 64] |= 1 << (i % 64);
        }
        if lag < 0.0 && lag >= -w {
            f_sc[i / 64] |= 1 << (i % 64);
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use crate::pair_test::FOLLOW_WINDOW_S;
    use crate::prepare::OMIT;

    #[target_feature(enable = "avx512f,avx512bw")]
    pub(super) unsafe fn sums_avx512(
        ac: &[u8],
        as_: &[u8],
        wc: &[u8],
        ws: &[u8],
        m: &mut [u64],
    ) -> (u32, u32) {
        let zero = _mm512_setzero_si512();
        let omit = _mm512_set1_epi8(OMIT as i8);
        let (mut s1, mut s2) = (zero, zero);
        for (k, mk) in m.iter_mut().enumerate() {
            let at = |v: &[u8]| _mm512_loadu_si512(v.as_ptr().add(64 * k).cast());
            let (a, b) = (at(ac), at(as_));
            let hit = _mm512_cmpeq_epi8_mask(a, b) & _mm512_cmpneq_epi8_mask(a, omit);
            *mk = hit;
            s1 = _mm512_add_epi64(
                s1,
                _mm512_sad_epu8(_mm512_maskz_mov_epi8(hit, at(wc)), zero),
            );
            s2 = _mm512_add_epi64(
                s2,
                _mm512_sad_epu8(_mm512_maskz_mov_epi8(hit, at(ws)), zero),
            );
        }
        (
            _mm512_reduce_add_epi64(s1) as u32,
            _mm512_reduce_add_epi64(s2) as u32,
        )
    }

    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn sums_avx2(
        ac: &[u8],
        as_: &[u8],
        wc: &[u8],
        ws: &[u8],
        m: &mut [u64],
    ) -> (u32, u32) {
        let zero = _mm256_setzero_si256();
        let omit = _mm256_set1_epi8(OMIT as i8);
        let (mut s1, mut s2) = (zero, zero);
        for (k, mk) in m.iter_mut().enumerate() {
            let mut bits = 0u64;
            for half in 0..2 {
                let off = 64 * k + 32 * half;
                let at = |v: &[u8]| _mm256_loadu_si256(v.as_ptr().add(off).cast());
                let (a, b) = (at(ac), at(as_));
                let same = _mm256_cmpeq_epi8(a, b);
                let hit = _mm256_andnot_si256(_mm256_cmpeq_epi8(a, omit), same);
                bits |= u64::from(_mm256_movemask_epi8(hit) as u32) << (32 * half);
                s1 = _mm256_add_epi64(s1, _mm256_sad_epu8(_mm256_and_si256(hit, at(wc)), zero));
                s2 = _mm256_add_epi64(s2, _mm256_sad_epu8(_mm256_and_si256(hit, at(ws)), zero));
            }
            *mk = bits;
        }
        let sum = |v: __m256i| {
            let mut lanes = [0u64; 4];
            _mm256_storeu_si256(lanes.as_mut_ptr().cast(), v);
            lanes.iter().sum::<u64>() as u32
        };
        (sum(s1), sum(s2))
    }

    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn follow_avx512(tc: &[f32], ts: &[f32], f_cs: &mut [u64], f_sc: &mut [u64]) {
        let w = _mm512_set1_ps(FOLLOW_WINDOW_S as f32);
        let nw = _mm512_set1_ps(-(FOLLOW_WINDOW_S as f32));
        let zero = _mm512_setzero_ps();
        for k in 0..f_cs.len() {
            let (mut a, mut b) = (0u64, 0u64);
            for q in 0..4 {
                let off = 64 * k + 16 * q;
                let lag = _mm512_sub_ps(
                    _mm512_loadu_ps(tc.as_ptr().add(off)),
                    _mm512_loadu_ps(ts.as_ptr().add(off)),
                );
                // Ordered comparisons: NaN (unknown time) is never a follow.
                let after = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(lag, zero)
                    & _mm512_cmp_ps_mask::<_CMP_LE_OQ>(lag, w);
                let before = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(lag, zero)
                    & _mm512_cmp_ps_mask::<_CMP_GE_OQ>(lag, nw);
                a |= u64::from(after) << (16 * q);
                b |= u64::from(before) << (16 * q);
            }
            f_cs[k] = a;
            f_sc[k] = b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every path computes the same masks and sums as the scalar loop.
    #[test]
    fn simd_paths_agree_with_the_scalar_loop() {
        let sim = crate::simulate::simulate(&crate::simulate::SimSpec {
            examinees: 60,
            items: 100,
            options: 5,
            cheat: Some((crate::simulate::Cheat::CopyRealTime(0.4), 4)),
            seed: 8,
        });
        let prep = crate::prepare::prepare(&sim.dataset);
        let irt = crate::irt::fit(&prep, None);
        let packed = crate::screen::Packed::new(&prep, &irt);
        let words = packed.stride / 64;
        let mut paths = vec![SimdPath::Scalar];
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx2") {
                paths.push(SimdPath::Avx2);
            }
            if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512bw") {
                paths.push(SimdPath::Avx512);
            }
        }
        let mut follows = 0;
        for c in 0..packed.n {
            for s in 0..packed.n {
                let mut reference = None;
                for &path in &paths {
                    let mut m = vec![0u64; words];
                    let (mut a, mut b) = (vec![0u64; words], vec![0u64; words]);
                    let t = sums(path, &packed, c, s, &mut m);
                    follow_masks(path, &packed, c, s, &m, &mut a, &mut b);
                    let got = (t, m, a, b);
                    match &reference {
                        None => reference = Some(got),
                        Some(r) => assert_eq!(&got, r, "{path:?} at ({c}, {s})"),
                    }
                }
                follows += reference
                    .unwrap()
                    .2
                    .iter()
                    .map(|x| x.count_ones())
                    .sum::<u32>();
            }
        }
        assert!(follows > 100, "follows seen: {follows}");
    }
}
