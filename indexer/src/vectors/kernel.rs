//! The search kernel of the vector store: int8 quantisation and the scan that ranks
//! every row by int8 dot product, kept apart so its hot loop can be read (and its
//! assembly checked) on its own.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

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

/// A candidate: approximate score and row. Ordered by score, ties by row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Scored {
    pub(super) score: f32,
    pub(super) row: u32,
}

impl Eq for Scored {}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.row.cmp(&self.row))
    }
}

/// The best `keep` rows of one chunk by approximate score.
pub(super) fn scan_chunk(
    chunk: &[u8],
    first: usize,
    q: &[i8],
    meta: &[RowMeta],
    keep: usize,
) -> Vec<Scored> {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { scan_chunk_avx2(chunk, first, q, meta, keep) };
        }
    }
    scan_chunk_portable(chunk, first, q, meta, keep)
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
    scan_chunk_portable(chunk, first, q, meta, keep)
}

/// Inlined into each caller so the dot product is compiled for that caller's
/// target features.
#[inline(always)]
fn scan_chunk_portable(
    chunk: &[u8],
    first: usize,
    q: &[i8],
    meta: &[RowMeta],
    keep: usize,
) -> Vec<Scored> {
    // Min-heap of the best `keep` so far (Reverse order via negated compare).
    let mut heap: BinaryHeap<std::cmp::Reverse<Scored>> = BinaryHeap::with_capacity(keep + 1);
    let mut floor = f32::NEG_INFINITY;
    for (i, row) in chunk.chunks_exact(q.len()).enumerate() {
        let r = first + i;
        let m = meta[r];
        if !m.live {
            continue;
        }
        let score = m.scale * dot_i8(row, q) as f32;
        if heap.len() < keep || score > floor {
            heap.push(std::cmp::Reverse(Scored {
                score,
                row: r as u32,
            }));
            if heap.len() > keep {
                heap.pop();
            }
            if heap.len() == keep {
                floor = heap.peek().map_or(f32::NEG_INFINITY, |s| s.0.score);
            }
        }
    }
    heap.into_iter().map(|s| s.0).collect()
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
