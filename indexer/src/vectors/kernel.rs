//! The search kernel of the vector store: int8 quantisation and the scan that ranks
//! every row by int8 dot product, kept apart so its hot loop can be read (and its
//! assembly checked) on its own.

use crate::top_k::TopK;

use super::RowMeta;

/// Per-vector symmetric int8 quantisation: returns the codes and the scale.
pub(super) fn quantise(v: &[f32]) -> (Vec<i8>, f32) {
    let max = v
        .iter()
        .fold(0f32, |m, x| if x.is_finite() { m.max(x.abs()) } else { m });
    if max == 0.0 {
        return (vec![0; v.len()], 0.0);
    }
    let scale = max / 127.0;
    let q = v
        .iter()
        .map(|&x| {
            if x.is_finite() {
                (x / scale).round().clamp(-127.0, 127.0) as i8
            } else {
                0
            }
        })
        .collect();
    (q, scale)
}

/// A candidate: approximate score and row.
pub(super) type Scored = crate::top_k::Scored<u32>;

/// Which dot product the scan runs: the fastest the CPU has, chosen once at run
/// time — AVX-512 VNNI (one instruction multiplies and sums 64 byte pairs; the scan
/// then runs at memory speed), else AVX2 (`avx2::dot`), else portable code.
/// `QABILET_SIMD=avx2|portable` forces a slower one, to measure what a CPU
/// without AVX-512 does (benchmarks and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimdPath {
    Vnni,
    Avx2,
    Portable,
}

impl SimdPath {
    pub fn name(self) -> &'static str {
        match self {
            SimdPath::Vnni => "AVX-512 VNNI",
            SimdPath::Avx2 => "AVX2",
            SimdPath::Portable => "portable",
        }
    }
}

/// The path this process's scans take (see [`SimdPath`]).
pub fn simd_path() -> SimdPath {
    static PATH: std::sync::OnceLock<SimdPath> = std::sync::OnceLock::new();
    *PATH.get_or_init(|| {
        let best = detect();
        let forced = match std::env::var("QABILET_SIMD").as_deref() {
            Ok("portable") => Some(SimdPath::Portable),
            Ok("avx2") if best != SimdPath::Portable => Some(SimdPath::Avx2),
            _ => None,
        };
        forced.unwrap_or(best)
    })
}

fn detect() -> SimdPath {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f")
            && std::is_x86_feature_detected!("avx512bw")
            && std::is_x86_feature_detected!("avx512vnni")
        {
            return SimdPath::Vnni;
        }
        if std::is_x86_feature_detected!("avx2") {
            return SimdPath::Avx2;
        }
    }
    SimdPath::Portable
}

/// The best `keep` rows of one chunk by approximate score, with the dot product
/// of [`simd_path`].
pub(super) fn scan_chunk(
    chunk: &[u8],
    first: usize,
    q: &[i8],
    meta: &[RowMeta],
    keep: usize,
) -> Vec<Scored> {
    match simd_path() {
        #[cfg(target_arch = "x86_64")]
        SimdPath::Vnni => {
            let query = vnni::Query::new(q);
            // SAFETY: `detect` found AVX-512 F, BW and VNNI.
            unsafe { scan_chunk_vnni(chunk, first, &query, meta, keep) }
        }
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `detect` found AVX2 (a forced path never exceeds what it found).
        SimdPath::Avx2 => unsafe { scan_chunk_avx2(chunk, first, q, meta, keep) },
        _ => top_rows(chunk, first, q.len(), meta, keep, |row| dot_i8(row, q)),
    }
}

/// The best `keep` of the given `rows` of `map` (int8 rows of `q.len()` codes) by
/// int8 dot product: the exact stage after the sketches' pre-filter.
pub(super) fn score_rows(
    map: &[u8],
    rows: &[u32],
    q: &[i8],
    meta: &[RowMeta],
    keep: usize,
) -> Vec<Scored> {
    let dim = q.len();
    let row_of = |r: u32| &map[r as usize * dim..(r as usize + 1) * dim];
    match simd_path() {
        #[cfg(target_arch = "x86_64")]
        SimdPath::Vnni => {
            let query = vnni::Query::new(q);
            // SAFETY: `detect` found AVX-512 F, BW and VNNI.
            unsafe { score_rows_vnni(rows, row_of, &query, meta, keep) }
        }
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `detect` found AVX2 (a forced path never exceeds what it found).
        SimdPath::Avx2 => unsafe { score_rows_avx2(rows, row_of, q, meta, keep) },
        _ => top_of_rows(rows, row_of, meta, keep, |row| dot_i8(row, q)),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
unsafe fn score_rows_vnni<'a>(
    rows: &[u32],
    row_of: impl Fn(u32) -> &'a [u8],
    query: &vnni::Query,
    meta: &[RowMeta],
    keep: usize,
) -> Vec<Scored> {
    // SAFETY (of the closure's call): this function only runs where the caller
    // checked the features it enables.
    top_of_rows(rows, row_of, meta, keep, |row| unsafe { query.dot(row) })
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn score_rows_avx2<'a>(
    rows: &[u32],
    row_of: impl Fn(u32) -> &'a [u8],
    q: &[i8],
    meta: &[RowMeta],
    keep: usize,
) -> Vec<Scored> {
    // SAFETY (of the closure's call): this function only runs with AVX2.
    top_of_rows(rows, row_of, meta, keep, |row| unsafe { avx2::dot(row, q) })
}

/// Rows ahead whose bytes are prefetched while one is scored.
const PREFETCH_AHEAD: usize = 8;

/// [`top_rows`] over chosen rows. They are scattered over hundreds of MB, so each
/// is a cache and TLB miss; asking for the rows a few places ahead overlaps those
/// misses instead of waiting for each in turn.
#[inline(always)]
fn top_of_rows<'a>(
    rows: &[u32],
    row_of: impl Fn(u32) -> &'a [u8],
    meta: &[RowMeta],
    keep: usize,
    dot: impl Fn(&[u8]) -> i32,
) -> Vec<Scored> {
    let mut top = TopK::new(keep);
    for (i, &r) in rows.iter().enumerate() {
        if let Some(&ahead) = rows.get(i + PREFETCH_AHEAD) {
            prefetch(row_of(ahead));
        }
        let m = meta[r as usize];
        if !m.live {
            continue;
        }
        top.push(Scored {
            score: m.scale * dot(row_of(r)) as f32,
            key: r,
        });
    }
    top.into_vec()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
unsafe fn scan_chunk_vnni(
    chunk: &[u8],
    first: usize,
    query: &vnni::Query,
    meta: &[RowMeta],
    keep: usize,
) -> Vec<Scored> {
    // SAFETY (of the closure's call): this function only runs where the caller
    // checked the features it enables.
    top_rows(chunk, first, query.dim(), meta, keep, |row| unsafe {
        query.dot(row)
    })
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn scan_chunk_avx2(
    chunk: &[u8],
    first: usize,
    q: &[i8],
    meta: &[RowMeta],
    keep: usize,
) -> Vec<Scored> {
    // SAFETY (of the closure's call): this function only runs with AVX2.
    top_rows(chunk, first, q.len(), meta, keep, |row| unsafe {
        avx2::dot(row, q)
    })
}

/// The best `keep` live rows of `chunk` by `scale · dot(row)`. Inlined into each
/// caller so the dot product is compiled for that caller's target features.
#[inline(always)]
fn top_rows(
    chunk: &[u8],
    first: usize,
    dim: usize,
    meta: &[RowMeta],
    keep: usize,
    dot: impl Fn(&[u8]) -> i32,
) -> Vec<Scored> {
    let mut top = TopK::new(keep);
    for (i, row) in chunk.chunks_exact(dim).enumerate() {
        let r = first + i;
        let m = meta[r];
        if !m.live {
            continue;
        }
        top.push(Scored {
            score: m.scale * dot(row) as f32,
            key: r as u32,
        });
    }
    top.into_vec()
}

/// Asks the CPU to bring `bytes` into its caches (a hint; nothing elsewhere).
#[inline(always)]
fn prefetch(bytes: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    for line in (0..bytes.len()).step_by(64) {
        // SAFETY: SSE is part of x86_64; a prefetch of a valid address has no
        // effect but on the caches.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                bytes.as_ptr().add(line).cast(),
            )
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = bytes;
}

/// `Σ stored[i] · query[i]` for a row of little-endian f16 bytes: the final
/// re-scoring of a search's candidates and a shortlist's applicants. With F16C
/// and FMA (every CPU with AVX2) eight values are converted and summed per step;
/// `half`'s per-value conversion checked the CPU's features for every value, a
/// millisecond per search over 812 candidates.
pub(super) fn dot_f16(stored: &[u8], query: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if f16c_available() {
        // SAFETY: the features were detected.
        return unsafe { f16c::dot(stored, query) };
    }
    dot_f16_portable(stored, query)
}

fn dot_f16_portable(stored: &[u8], query: &[f32]) -> f32 {
    stored
        .chunks_exact(2)
        .zip(query)
        .map(|(b, &x)| half::f16::from_le_bytes([b[0], b[1]]).to_f32() * x)
        .sum::<f32>()
}

#[cfg(target_arch = "x86_64")]
fn f16c_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        std::is_x86_feature_detected!("avx")
            && std::is_x86_feature_detected!("f16c")
            && std::is_x86_feature_detected!("fma")
    })
}

#[cfg(target_arch = "x86_64")]
mod f16c {
    use std::arch::x86_64::*;

    /// # Safety
    /// The CPU must support AVX, F16C and FMA.
    #[target_feature(enable = "avx,f16c,fma")]
    pub(super) unsafe fn dot(stored: &[u8], query: &[f32]) -> f32 {
        let n = (stored.len() / 2).min(query.len());
        let mut acc = _mm256_setzero_ps();
        let mut i = 0;
        while i + 8 <= n {
            // SAFETY: 8 f16 (16 bytes) and 8 f32 from i are within both slices.
            let (h, q) = unsafe {
                (
                    _mm_loadu_si128(stored.as_ptr().add(2 * i).cast()),
                    _mm256_loadu_ps(query.as_ptr().add(i)),
                )
            };
            acc = _mm256_fmadd_ps(_mm256_cvtph_ps(h), q, acc);
            i += 8;
        }
        let mut lanes = [0f32; 8];
        // SAFETY: `lanes` holds 8 f32.
        unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), acc) };
        let mut total: f32 = lanes.iter().sum();
        for j in i..n {
            total +=
                half::f16::from_le_bytes([stored[2 * j], stored[2 * j + 1]]).to_f32() * query[j];
        }
        total
    }
}

/// Integer dot product written so that LLVM turns it into pmaddwd-style SIMD: i16
/// products summed in i32 lanes.
#[inline(always)]
fn dot_i8(row: &[u8], q: &[i8]) -> i32 {
    row.iter()
        .zip(q)
        .map(|(&a, &b)| i32::from(a as i8 as i16 * i16::from(b)))
        .sum()
}

/// The AVX2 dot product, for CPUs without AVX-512 (AMD EPYC before Zen 4, many
/// Intel Xeons). `vpmaddubsw` multiplies unsigned by signed bytes and adds pairs
/// into saturating i16, which `r + 128` (the VNNI trick) would overflow; instead
/// it takes `|q|` as the unsigned side and the row with `q`'s sign as the signed
/// side, so each pair sum is at most 2 · 127 · 127 = 32,258 < 2¹⁵: exact for the
/// codes `quantise` makes (−127..=127, never −128). `vpmaddwd` by ones then sums
/// in i32. Two accumulators hide the latency of the chain. Measured against the
/// portable loop (which LLVM turns into widening `vpmaddwd`) in
/// `qabilet bench shortlist` (docs/performance.md).
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    /// `Σ row[i] · q[i]`.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn dot(row: &[u8], q: &[i8]) -> i32 {
        let n = row.len().min(q.len());
        let ones = _mm256_set1_epi16(1);
        let (mut acc0, mut acc1) = (_mm256_setzero_si256(), _mm256_setzero_si256());
        let mut i = 0;
        let step = |acc: __m256i, at: usize| {
            // SAFETY: at + 32 <= n bytes are in both slices; unaligned loads.
            let (r, x) = unsafe {
                (
                    _mm256_loadu_si256(row.as_ptr().add(at).cast()),
                    _mm256_loadu_si256(q.as_ptr().add(at).cast()),
                )
            };
            let pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(x, x), _mm256_sign_epi8(r, x));
            _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, ones))
        };
        while i + 64 <= n {
            acc0 = step(acc0, i);
            acc1 = step(acc1, i + 32);
            i += 64;
        }
        if i + 32 <= n {
            acc0 = step(acc0, i);
            i += 32;
        }
        let acc = _mm256_add_epi32(acc0, acc1);
        let sum = _mm_add_epi32(
            _mm256_castsi256_si128(acc),
            _mm256_extracti128_si256::<1>(acc),
        );
        let sum = _mm_add_epi32(sum, _mm_shuffle_epi32::<0b01_00_11_10>(sum));
        let sum = _mm_add_epi32(sum, _mm_shuffle_epi32::<0b10_11_00_01>(sum));
        let mut total = _mm_cvtsi128_si32(sum);
        for j in i..n {
            total += i32::from(row[j] as i8) * i32::from(q[j]);
        }
        total
    }
}

/// The AVX-512 VNNI dot product. `vpdpbusd` multiplies *unsigned* by signed bytes,
/// so each stored code `r` is read as `r + 128` (flipping its top bit) and the
/// surplus `128 · Σq` is subtracted once: exact, like the portable version.
#[cfg(target_arch = "x86_64")]
mod vnni {
    use std::arch::x86_64::*;

    /// The query prepared once per search.
    pub(super) struct Query<'a> {
        q: &'a [i8],
        /// `128 · Σq`, the surplus of reading codes as unsigned.
        surplus: i32,
    }

    impl<'a> Query<'a> {
        pub(super) fn new(q: &'a [i8]) -> Self {
            let sum: i32 = q.iter().map(|&x| i32::from(x)).sum();
            Query {
                q,
                surplus: 128 * sum,
            }
        }

        pub(super) fn dim(&self) -> usize {
            self.q.len()
        }

        /// `Σ row[i] · q[i]` for a row of `dim` int8 codes.
        ///
        /// # Safety
        /// The CPU must support AVX-512 F, BW and VNNI.
        #[inline]
        #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
        pub(super) unsafe fn dot(&self, row: &[u8]) -> i32 {
            debug_assert_eq!(row.len(), self.q.len());
            let n = row.len().min(self.q.len());
            let flip = _mm512_set1_epi8(i8::MIN);
            let mut acc = _mm512_setzero_si512();
            let mut i = 0;
            while i + 64 <= n {
                // SAFETY: i + 64 <= n bytes are in both slices; unaligned loads.
                let (r, q) = unsafe {
                    (
                        _mm512_loadu_si512(row.as_ptr().add(i).cast()),
                        _mm512_loadu_si512(self.q.as_ptr().add(i).cast()),
                    )
                };
                acc = _mm512_dpbusd_epi32(acc, _mm512_xor_si512(r, flip), q);
                i += 64;
            }
            if i < n {
                let mask: __mmask64 = (1u64 << (n - i)) - 1;
                // SAFETY: masked loads touch only the n - i bytes left in each slice.
                let (r, q) = unsafe {
                    (
                        _mm512_maskz_loadu_epi8(mask, row.as_ptr().add(i).cast()),
                        _mm512_maskz_loadu_epi8(mask, self.q.as_ptr().add(i).cast()),
                    )
                };
                // Masked-off lanes are 0 in q, so the flipped row bytes add nothing.
                acc = _mm512_dpbusd_epi32(acc, _mm512_xor_si512(r, flip), q);
            }
            _mm512_reduce_add_epi32(acc) - self.surplus
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kernel the CPU has gives the portable answer, at dims that are and are
    /// not multiples of 64, at the extreme codes.
    #[test]
    fn simd_dot_products_equal_the_portable_one() {
        let mut state = 7u64;
        let mut byte = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 56) as u8
        };
        for dim in [1, 4, 63, 64, 65, 127, 384, 768, 1000] {
            let q: Vec<i8> = (0..dim)
                .map(|i| match i % 5 {
                    0 => -127,
                    1 => 127,
                    _ => (byte() as i8).max(-127),
                })
                .collect();
            let row: Vec<u8> = (0..dim)
                .map(|i| match i % 3 {
                    0 => (-127i8) as u8,
                    1 => 127,
                    // Codes as `quantise` makes them: never −128.
                    _ => (byte() as i8).max(-127) as u8,
                })
                .collect();
            let want = dot_i8(&row, &q);
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: feature checked just above.
                let got = unsafe { avx2::dot(&row, &q) };
                assert_eq!(got, want, "AVX2, dim {dim}");
            }
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx512bw")
                && std::is_x86_feature_detected!("avx512vnni")
            {
                // SAFETY: features checked just above.
                let got = unsafe { vnni::Query::new(&q).dot(&row) };
                assert_eq!(got, want, "dim {dim}");
            }
            let meta = vec![
                RowMeta {
                    hash: 0,
                    scale: 1.0,
                    live: true,
                };
                1
            ];
            let top = scan_chunk(&row, 0, &q, &meta, 1);
            assert_eq!(top[0].score, want as f32, "dim {dim}");
        }
    }

    /// The F16C dot product agrees with `half`'s conversions, to rounding.
    #[test]
    fn f16_dot_products_agree() {
        for dim in [1usize, 7, 8, 9, 384, 1000] {
            let stored: Vec<u8> = (0..dim)
                .flat_map(|i| {
                    half::f16::from_f32(((i * 37 % 101) as f32 - 50.0) / 60.0).to_le_bytes()
                })
                .collect();
            let query: Vec<f32> = (0..dim)
                .map(|i| ((i * 13 % 29) as f32 - 14.0) / 20.0)
                .collect();
            let want = dot_f16_portable(&stored, &query);
            let got = dot_f16(&stored, &query);
            assert!(
                (got - want).abs() <= 1e-4 * want.abs().max(1.0),
                "dim {dim}: {got} vs {want}"
            );
        }
    }
}
