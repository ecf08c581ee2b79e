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

/// The best `keep` rows of one chunk by approximate score, with the fastest dot
/// product the CPU has: AVX-512 VNNI (one instruction multiplies and sums 64 byte
/// pairs; the scan then runs at memory speed on one core), else AVX2, else portable.
pub(super) fn scan_chunk(
    chunk: &[u8],
    first: usize,
    q: &[i8],
    meta: &[RowMeta],
    keep: usize,
) -> Vec<Scored> {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f")
            && std::is_x86_feature_detected!("avx512bw")
            && std::is_x86_feature_detected!("avx512vnni")
        {
            let query = vnni::Query::new(q);
            // SAFETY: the CPU supports AVX-512 F, BW and VNNI, checked just above.
            return unsafe { scan_chunk_vnni(chunk, first, &query, meta, keep) };
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { scan_chunk_avx2(chunk, first, q, meta, keep) };
        }
    }
    top_rows(chunk, first, q.len(), meta, keep, |row| dot_i8(row, q))
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
    top_rows(chunk, first, q.len(), meta, keep, |row| dot_i8(row, q))
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

/// Integer dot product written so that LLVM turns it into pmaddwd-style SIMD: i16
/// products summed in i32 lanes.
#[inline(always)]
fn dot_i8(row: &[u8], q: &[i8]) -> i32 {
    row.iter()
        .zip(q)
        .map(|(&a, &b)| i32::from(a as i8 as i16 * i16::from(b)))
        .sum()
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
                    _ => byte(),
                })
                .collect();
            let want = dot_i8(&row, &q);
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
}
