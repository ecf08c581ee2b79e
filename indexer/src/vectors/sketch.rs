//! Sign sketches of the stored vectors: one bit per dimension (is the code above
//! zero), 48 bytes per row at 384 dimensions instead of the int8 row's 384. A
//! search over many rows first scores every live row's sketch against the query
//! (agreeing signs weighed by the query's magnitudes, see [`QuerySketch`]), keeps
//! the best tens of thousands, and scores only those by int8 dot product (then
//! f16, as before).
//!
//! Why: over 1M profiles the int8 scan read 384 MB per query and was bound by
//! memory bandwidth (17–35 ms on two cores, depending on the machine, and nearly
//! the same with AVX2 as with AVX-512 VNNI: `qabilet bench shortlist`'s largest
//! phase). The sketches are 48 MB and are scored with `popcnt`.
//!
//! The sketches live in memory only, derived from the int8 rows when the store is
//! opened and kept up to date by every write, so the files' format is unchanged and
//! they can never disagree with the rows. Small stores are scanned exactly; see
//! [`super::SKETCH_MIN_ROWS`]. The pre-filter trades recall for speed, so it keeps
//! [`super::SKETCH_FACTOR`] times as many rows as the exact stage re-scores;
//! `qabilet bench recall` measures what it misses on an index's own vectors.

use rayon::prelude::*;

use super::RowMeta;

/// One sign bit per dimension of every row, `words` 64-bit words per row.
pub(super) struct Sketches {
    words: usize,
    bits: Vec<u64>,
}

impl Sketches {
    pub(super) fn new(dim: usize) -> Sketches {
        Sketches {
            words: dim.div_ceil(64),
            bits: Vec::new(),
        }
    }

    /// The sketches of `rows` int8 rows of `dim` codes, computed in parallel.
    pub(super) fn of_rows(dim: usize, rows: &[u8]) -> Sketches {
        let mut sketches = Sketches::new(dim);
        let n = rows.len() / dim.max(1);
        sketches.bits = vec![0; n * sketches.words];
        let words = sketches.words;
        sketches
            .bits
            .par_chunks_mut(words * 4096)
            .zip(rows.par_chunks(dim * 4096))
            .for_each(|(bits, rows)| {
                for (sketch, row) in bits.chunks_exact_mut(words).zip(rows.chunks_exact(dim)) {
                    sketch_into(row, sketch);
                }
            });
        sketches
    }

    pub(super) fn rows(&self) -> usize {
        self.bits.len() / self.words.max(1)
    }

    /// Room for `rows` more rows without moving the others.
    pub(super) fn reserve(&mut self, rows: usize) {
        self.bits.reserve(rows * self.words);
    }

    /// Sets the sketch of `row` from its int8 codes (rows before it that were never
    /// set, which a search does not reach, stay empty).
    pub(super) fn set(&mut self, row: usize, codes: &[u8]) {
        if row >= self.rows() {
            self.bits.resize((row + 1) * self.words, 0);
        }
        let at = row * self.words;
        sketch_into(codes, &mut self.bits[at..at + self.words]);
    }

    /// The query's sketch from its int8 codes.
    pub(super) fn query(&self, codes: &[i8]) -> QuerySketch {
        QuerySketch::new(codes, self.words)
    }

    /// The (at least) `keep` live rows among the first `rows` that score best
    /// against `query` (see [`QuerySketch`]), in row order: every row above the
    /// `keep`-th's score, then rows at that score in row order until `keep` are
    /// taken.
    pub(super) fn best(
        &self,
        query: &QuerySketch,
        rows: usize,
        meta: &[RowMeta],
        keep: usize,
    ) -> Vec<u32> {
        let words = self.words;
        let rows = rows.min(self.rows());
        let top = query.top_score();
        // Scores, part by part, with each part's histogram.
        let part_rows = rows.div_ceil(2 * rayon::current_num_threads()).max(8192);
        let parts: Vec<(Vec<u16>, Vec<u32>)> = self.bits[..rows * words]
            .par_chunks(part_rows * words)
            .enumerate()
            .map(|(p, bits)| {
                let first = p * part_rows;
                let mut histogram = vec![0u32; top + 1];
                let scores = scores(bits, query, &meta[first..], &mut histogram);
                (scores, histogram)
            })
            .collect();
        let mut histogram = vec![0u32; top + 1];
        for (_, h) in &parts {
            for (total, n) in histogram.iter_mut().zip(h) {
                *total += n;
            }
        }
        // The score at which `keep` rows are reached, from the top.
        let (mut above, mut floor) = (0usize, 0usize);
        for score in (0..=top).rev() {
            let n = histogram[score] as usize;
            if above + n >= keep {
                floor = score;
                break;
            }
            above += n;
        }
        let mut at_floor = keep.saturating_sub(above);
        let mut out = Vec::with_capacity(keep.min(rows));
        for (p, (scores, _)) in parts.iter().enumerate() {
            let first = p * part_rows;
            for (i, &score) in scores.iter().enumerate() {
                if score == DEAD {
                    continue;
                }
                let score = usize::from(score);
                if score > floor {
                    out.push((first + i) as u32);
                } else if score == floor && at_floor > 0 {
                    at_floor -= 1;
                    out.push((first + i) as u32);
                }
            }
        }
        out
    }
}

/// A query against the sketches: its signs, and the magnitude of each code in
/// [`LEVELS`] steps as bit planes. A row's score is `Σ_j level_j` over the
/// dimensions where its sign agrees with the query's, an integer estimate of the
/// query's dot product with the row's signs (`Σ_j |q_j| · [signs agree]` is that
/// product, halved and shifted). Weighing agreement by the query's magnitudes is
/// what makes the pre-filter useful: on 1M random unit vectors (the worst case: no
/// neighbours stand out), plain Hamming distance kept 0.89 of the exact top 300
/// among 32 × 812 survivors, the weighted score 0.99; three bits of magnitude
/// (eight levels) scored as well as the full int8 codes.
pub(super) struct QuerySketch {
    /// Per 64 dimensions: the signs, then bits 0, 1 and 2 of each level.
    words: Vec<[u64; 4]>,
}

/// Magnitude levels of a query code, 0..=7 (three bit planes).
const LEVELS: u32 = 8;
/// The score of a dead row.
const DEAD: u16 = u16::MAX;

impl QuerySketch {
    fn new(codes: &[i8], words: usize) -> QuerySketch {
        let bytes: Vec<u8> = codes.iter().map(|&c| c as u8).collect();
        let mut signs = vec![0; words];
        sketch_into(&bytes, &mut signs);
        let max = codes
            .iter()
            .map(|c| c.unsigned_abs())
            .max()
            .unwrap_or(0)
            .max(1);
        let mut out: Vec<[u64; 4]> = signs.iter().map(|&s| [s, 0, 0, 0]).collect();
        for (j, c) in codes.iter().enumerate() {
            let level =
                (u32::from(c.unsigned_abs()) * (LEVELS - 1) + u32::from(max) / 2) / u32::from(max);
            for p in 0..3 {
                if level >> p & 1 == 1 {
                    out[j / 64][p + 1] |= 1 << (j % 64);
                }
            }
        }
        QuerySketch { words: out }
    }

    /// The highest score a row can have.
    fn top_score(&self) -> usize {
        self.words
            .iter()
            .map(|w| {
                w[1].count_ones() as usize
                    + ((w[2].count_ones() as usize) << 1)
                    + ((w[3].count_ones() as usize) << 2)
            })
            .sum()
    }

    #[inline(always)]
    fn score(&self, row: &[u64]) -> u16 {
        let mut score = 0u32;
        for (&bits, &[sign, p0, p1, p2]) in row.iter().zip(&self.words) {
            let agree = !(bits ^ sign);
            score += (agree & p0).count_ones()
                + ((agree & p1).count_ones() << 1)
                + ((agree & p2).count_ones() << 2);
        }
        score as u16
    }
}

/// Bit `j` of the sketch: code `j` is above zero. Whole 64-byte blocks take four
/// SSE2 compares and mask moves on x86_64 (a branch per byte took 2.8 s of CPU to
/// sketch 1M rows on opening, LLVM's vectorisation of the portable loop 0.6 s).
fn sketch_into(codes: &[u8], sketch: &mut [u64]) {
    for (word, block) in sketch.iter_mut().zip(codes.chunks(64)) {
        *word = match <&[u8; 64]>::try_from(block) {
            #[cfg(target_arch = "x86_64")]
            Ok(block) => positive_mask(block),
            _ => block
                .iter()
                .enumerate()
                .fold(0u64, |bits, (i, &c)| bits | (u64::from((c as i8) > 0) << i)),
        };
    }
}

#[cfg(target_arch = "x86_64")]
fn positive_mask(block: &[u8; 64]) -> u64 {
    use std::arch::x86_64::*;
    let mut bits = 0u64;
    for i in 0..4 {
        // SAFETY: SSE2 is part of x86_64, and bytes 16·i..16·i + 16 are in `block`.
        let mask = unsafe {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * i).cast());
            _mm_movemask_epi8(_mm_cmpgt_epi8(v, _mm_setzero_si128()))
        };
        bits |= u64::from(mask as u16) << (16 * i);
    }
    bits
}

/// Each row's score against `query` ([`DEAD`] for a dead row), counted into
/// `histogram` as well; with `popcnt` where the CPU has it (the portable
/// `count_ones` takes a dozen instructions a word).
fn scores(bits: &[u64], query: &QuerySketch, meta: &[RowMeta], histogram: &mut [u32]) -> Vec<u16> {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("popcnt") {
        // SAFETY: the feature was just detected.
        return unsafe { scores_popcnt(bits, query, meta, histogram) };
    }
    scores_with(bits, query, meta, histogram)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
unsafe fn scores_popcnt(
    bits: &[u64],
    query: &QuerySketch,
    meta: &[RowMeta],
    histogram: &mut [u32],
) -> Vec<u16> {
    scores_with(bits, query, meta, histogram)
}

/// Inlined into each caller so `count_ones` is compiled for its target features.
#[inline(always)]
fn scores_with(
    bits: &[u64],
    query: &QuerySketch,
    meta: &[RowMeta],
    histogram: &mut [u32],
) -> Vec<u16> {
    let words = query.words.len();
    let mut out = Vec::with_capacity(bits.len() / words.max(1));
    for (row, m) in bits.chunks_exact(words).zip(meta) {
        if !m.live {
            out.push(DEAD);
            continue;
        }
        let score = query.score(row);
        histogram[usize::from(score)] += 1;
        out.push(score);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live(n: usize) -> Vec<RowMeta> {
        vec![
            RowMeta {
                hash: 0,
                scale: 1.0,
                live: true,
            };
            n
        ]
    }

    /// The SIMD mask of whole blocks is the portable definition, tail included.
    #[test]
    fn sketches_are_the_signs_above_zero() {
        let codes: Vec<u8> = (0..200u32)
            .map(|i| (i.wrapping_mul(151) % 256) as u8)
            .collect();
        let mut sketch = vec![0u64; 4];
        sketch_into(&codes, &mut sketch);
        for (j, &c) in codes.iter().enumerate() {
            assert_eq!(
                sketch[j / 64] >> (j % 64) & 1 == 1,
                (c as i8) > 0,
                "code {j}: {c}"
            );
        }
    }

    #[test]
    fn best_keeps_the_closest_sketches_and_skips_the_dead() {
        let dim = 70; // two words, the second partly used
        let codes = |pattern: &dyn Fn(usize) -> i8| -> Vec<u8> {
            (0..dim).map(|j| pattern(j) as u8).collect()
        };
        let query_codes: Vec<i8> = (0..dim).map(|j| if j % 2 == 0 { 5 } else { -5 }).collect();
        // Row r differs from the query in its first r signs.
        let mut rows = Vec::new();
        for r in 0..20usize {
            rows.extend(codes(&|j| {
                let q = query_codes[j];
                if j < r {
                    -q
                } else {
                    q
                }
            }));
        }
        let mut meta = live(20);
        meta[1].live = false;
        let mut sketches = Sketches::of_rows(dim, &rows);
        assert_eq!(sketches.rows(), 20);
        let q = sketches.query(&query_codes);
        assert_eq!(sketches.best(&q, 20, &meta, 4), [0, 2, 3, 4]);
        // A zero code counts as not above zero, like a negative one.
        sketches.set(0, &vec![0u8; dim]);
        let far = sketches.best(&q, 20, &meta, 3);
        assert_eq!(far, [2, 3, 4]);
        // Appending a row equal to the query makes it the nearest.
        let bytes: Vec<u8> = query_codes.iter().map(|&c| c as u8).collect();
        sketches.set(20, &bytes);
        let meta = live(21);
        assert_eq!(sketches.best(&q, 21, &meta, 2), [1, 20]);
    }
}
