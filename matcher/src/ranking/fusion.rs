//! Fusing the three signals into one score, per query.
//!
//! Raw scores are not comparable across signals (BM25 is unbounded, cosine lives
//! near 0.8 for any two texts of one domain), so each is calibrated within the
//! query's candidate set before weighting:
//!
//! - **Linear** (default): min-max normalise each signal over the candidates that
//!   have it (the best gets 1, the worst 0; a candidate a signal did not retrieve
//!   gets 0), then take the weighted mean. Weights of signals absent from the whole
//!   query (no embeddings) are dropped and the rest renormalised, so scores stay in
//!   [0, 1].
//! - **Reciprocal-rank fusion**: Σ wₛ / (k + rankₛ), ranks starting at 1, a missing
//!   signal contributing nothing. Robust to score shapes, but throws away how far
//!   apart two candidates are; offered for deployments that prefer it.
//!
//! A signal may come in *groups* that are calibrated apart ([`fuse_grouped`]): the
//! dense scores of profiles that still have interim (static-model) vectors are
//! cosines of another model, so they are min-max normalised, or ranked, among
//! themselves and never against the transformer's. A secondary group with a single
//! candidate (or equal values) gets the neutral ½ under linear fusion rather than
//! the full part: one static-model cosine says nothing about where it stands.
//! (RRF still ranks it first in its group.)

use serde::{Deserialize, Serialize};

/// Which fusion method; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FusionMethod {
    Linear,
    Rrf,
}

/// One signal's part of one candidate's score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SignalPart {
    /// The signal's own score (BM25, cosine, structured fit).
    pub raw: f32,
    /// After calibration: min-max value for linear fusion, 1/(k+rank) for RRF.
    pub normalised: f32,
    /// 1-based rank of the candidate by this signal alone.
    pub rank: usize,
    /// Weight after renormalisation.
    pub weight: f32,
    /// `weight × normalised`: what it adds to the fused score.
    pub contribution: f32,
}

/// The fused score and its parts; a `None` part means the signal did not score this
/// candidate (not retrieved, or no embeddings at all).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScoreParts {
    pub score: f32,
    pub bm25: Option<SignalPart>,
    pub dense: Option<SignalPart>,
    pub structured: Option<SignalPart>,
}

/// Fuses `signals[s][i]` (signal s of candidate i; s = bm25, dense, structured) with
/// `weights[s]`.
pub fn fuse(
    signals: [&[Option<f32>]; 3],
    weights: [f32; 3],
    method: FusionMethod,
    rrf_k: f32,
) -> Vec<ScoreParts> {
    let one_group = vec![0u8; signals[0].len()];
    fuse_grouped(signals, [&one_group; 3], weights, method, rrf_k)
}

/// [`fuse`] with each signal's values calibrated within their group
/// (`groups[s][i]` is the group of signal s of candidate i); see the module docs.
pub fn fuse_grouped(
    signals: [&[Option<f32>]; 3],
    groups: [&[u8]; 3],
    weights: [f32; 3],
    method: FusionMethod,
    rrf_k: f32,
) -> Vec<ScoreParts> {
    let n = signals[0].len();
    let present: [bool; 3] = signals.map(|s| s.iter().any(Option::is_some));
    let total: f32 = (0..3)
        .filter(|&s| present[s])
        .map(|s| weights[s].max(0.0))
        .sum();
    let weight = |s: usize| {
        if present[s] && total > 0.0 {
            weights[s].max(0.0) / total
        } else {
            0.0
        }
    };
    let parts: Vec<Vec<Option<SignalPart>>> = (0..3)
        .map(|s| {
            let values = signals[s];
            let group = |i: usize| groups[s].get(i).copied().unwrap_or(0);
            let mut ranks = vec![0usize; n];
            let mut bounds = vec![(f32::INFINITY, f32::NEG_INFINITY); 256];
            let mut seen: Vec<u8> = (0..n).map(group).collect();
            seen.sort_unstable();
            seen.dedup();
            for &g in &seen {
                let in_group: Vec<Option<f32>> = (0..n)
                    .map(|i| values[i].filter(|_| group(i) == g))
                    .collect();
                for (i, r) in self::ranks(&in_group).into_iter().enumerate() {
                    if group(i) == g {
                        ranks[i] = r;
                    }
                }
                bounds[usize::from(g)] = in_group
                    .iter()
                    .flatten()
                    .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                        (lo.min(v), hi.max(v))
                    });
            }
            values
                .iter()
                .zip(&ranks)
                .enumerate()
                .map(|(i, (v, &rank))| {
                    let raw = (*v)?;
                    let (lo, hi) = bounds[usize::from(group(i))];
                    let normalised = match method {
                        FusionMethod::Linear if hi > lo => (raw - lo) / (hi - lo),
                        // A lone (or flat) secondary group says nothing about where
                        // its candidate stands: neutral, not the best of the list.
                        FusionMethod::Linear if group(i) != 0 => 0.5,
                        FusionMethod::Linear => 1.0,
                        FusionMethod::Rrf => 1.0 / (rrf_k + rank as f32),
                    };
                    let w = weight(s);
                    Some(SignalPart {
                        raw,
                        normalised,
                        rank,
                        weight: w,
                        contribution: w * normalised,
                    })
                })
                .collect()
        })
        .collect();
    (0..n)
        .map(|i| {
            let [b, d, s] = [parts[0][i], parts[1][i], parts[2][i]];
            let score = [b, d, s].iter().flatten().map(|p| p.contribution).sum();
            ScoreParts {
                score,
                bm25: b,
                dense: d,
                structured: s,
            }
        })
        .collect()
}

/// 1-based rank of each value among the present ones (best = highest = 1); ties take
/// the better rank; absent values get rank 0 (unused).
fn ranks(values: &[Option<f32>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).filter(|&i| values[i].is_some()).collect();
    let key = |i: usize| values[i].unwrap_or(f32::NEG_INFINITY);
    order.sort_by(|&a, &b| key(b).total_cmp(&key(a)));
    let mut out = vec![0; values.len()];
    let mut prev: Option<(f32, usize)> = None;
    for (pos, &i) in order.iter().enumerate() {
        let rank = match prev {
            Some((v, r)) if v == key(i) => r,
            _ => pos + 1,
        };
        out[i] = rank;
        prev = Some((key(i), rank));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_fusion_normalises_and_drops_absent_signals() {
        let bm25 = [Some(10.0), Some(5.0), None];
        let dense: [Option<f32>; 3] = [None, None, None];
        let structured = [Some(0.2), Some(1.0), Some(0.6)];
        let f = fuse(
            [&bm25, &dense, &structured],
            [0.4, 0.4, 0.2],
            FusionMethod::Linear,
            60.0,
        );
        // Dense is absent everywhere: weights become 2/3 and 1/3.
        let w = f[0].bm25.unwrap().weight;
        assert!((w - 2.0 / 3.0).abs() < 1e-6);
        assert!((f[0].score - 2.0 / 3.0).abs() < 1e-6);
        assert!((f[1].score - 1.0 / 3.0).abs() < 1e-6);
        assert!(f[2].bm25.is_none());
        assert!(f.iter().all(|p| (0.0..=1.0).contains(&p.score)));
    }

    /// Two groups of one signal are normalised apart: the best of each gets 1.
    #[test]
    fn groups_are_calibrated_apart() {
        let dense = [Some(0.9), Some(0.8), Some(0.3), Some(0.1)];
        let groups = [0u8, 0, 1, 1];
        let zeros = [0u8; 4];
        let none: [Option<f32>; 4] = [None; 4];
        let f = fuse_grouped(
            [&none, &dense, &none],
            [&zeros, &groups, &zeros],
            [0.0, 1.0, 0.0],
            FusionMethod::Linear,
            60.0,
        );
        let normalised: Vec<f32> = f.iter().map(|p| p.dense.unwrap().normalised).collect();
        assert_eq!(normalised, vec![1.0, 0.0, 1.0, 0.0]);
        let ranks: Vec<usize> = f.iter().map(|p| p.dense.unwrap().rank).collect();
        assert_eq!(ranks, vec![1, 2, 1, 2]);
        // A lone interim candidate is neutral, not the best.
        let lone = [0u8, 0, 1, 0];
        let f = fuse_grouped(
            [&none, &dense, &none],
            [&zeros, &lone, &zeros],
            [0.0, 1.0, 0.0],
            FusionMethod::Linear,
            60.0,
        );
        assert_eq!(f[2].dense.unwrap().normalised, 0.5);
        // As one group, the interim scores would sit at the bottom.
        let f = fuse(
            [&none, &dense, &none],
            [0.0, 1.0, 0.0],
            FusionMethod::Linear,
            60.0,
        );
        assert!((f[2].dense.unwrap().normalised - 0.25).abs() < 1e-6);
    }

    #[test]
    fn rrf_uses_ranks() {
        let a = [Some(3.0), Some(2.0), Some(2.0)];
        let none: [Option<f32>; 3] = [None; 3];
        let f = fuse([&a, &none, &none], [1.0, 0.0, 0.0], FusionMethod::Rrf, 60.0);
        assert_eq!(f[1].bm25.unwrap().rank, 2);
        assert_eq!(f[2].bm25.unwrap().rank, 2);
        assert!((f[0].score - 1.0 / 61.0).abs() < 1e-6);
    }
}
