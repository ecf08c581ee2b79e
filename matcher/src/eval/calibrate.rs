//! Choosing the fusion weights on one half of the judged vacancies and reporting on
//! the other, so the figures `qabilet eval` prints are not the figures the weights
//! were fitted to.
//!
//! Every signal of every pool is computed once ([`QueryPool`]); a weighting then only
//! re-normalises and re-sums, so a search over a few thousand weightings takes
//! seconds. The search is coordinate-wise on grids: the three signal weights on a
//! simplex in steps of 0.05, then the four structured parts in steps of 0.1, twice
//! over. The objective is the fusion's nDCG@10 on the calibration half, averaged
//! over all judged profiles and the cross-language ones (see [`objective`]).

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{evaluate_pools, EvalRow};
use crate::ranking::fusion::{self, FusionMethod};
use crate::ranking::{RankingConfig, StructuredFit, StructuredWeights};

/// One judged vacancy's retrieved pool with every signal's raw value, in pool order.
#[derive(Debug, Clone)]
pub struct QueryPool {
    pub vacancy_id: String,
    /// Ground truth for this vacancy: profile id → grade.
    pub grades: HashMap<String, u8>,
    /// Profiles (judged or pooled) whose text language differs from the vacancy's.
    pub cross: HashSet<String>,
    pub ids: Vec<String>,
    pub bm25: Vec<Option<f32>>,
    pub dense: Vec<Option<f32>>,
    pub fits: Vec<StructuredFit>,
}

impl QueryPool {
    pub(super) fn structured_scores(&self, weights: &StructuredWeights) -> Vec<Option<f32>> {
        self.fits.iter().map(|f| Some(weights.combine(f))).collect()
    }

    pub(super) fn fused_scores(
        &self,
        c: &RankingConfig,
        structured: &[Option<f32>],
    ) -> Vec<Option<f32>> {
        fusion::fuse(
            [&self.bm25, &self.dense, structured],
            [c.bm25_weight, c.dense_weight, c.structured_weight],
            c.method,
            c.rrf_k,
        )
        .into_iter()
        .map(|p| Some(p.score))
        .collect()
    }

    /// Pool ids that have a score, best first; ties by id so runs are repeatable.
    pub(super) fn order(&self, scores: &[Option<f32>]) -> Vec<&str> {
        let mut s: Vec<(f32, &str)> = scores
            .iter()
            .zip(&self.ids)
            .filter_map(|(s, id)| s.map(|s| (s, id.as_str())))
            .collect();
        s.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        s.into_iter().map(|(_, id)| id).collect()
    }
}

/// Splits pools into (calibration, held-out) halves by a hash of the vacancy id: the
/// split does not depend on the order records were loaded in, and a vacancy stays on
/// its side when others are added.
pub fn split(pools: &[QueryPool]) -> (Vec<&QueryPool>, Vec<&QueryPool>) {
    pools
        .iter()
        .partition(|q| Sha256::digest(q.vacancy_id.as_bytes())[0] % 2 == 0)
}

/// The outcome of [`calibrate`].
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Calibration {
    /// The chosen configuration (the input's, with weights replaced).
    pub config: RankingConfig,
    /// The objective (mean of fused nDCG@10 on all and on cross-language
    /// profiles) on the calibration half with the chosen weights.
    pub calibration_objective: f64,
    pub calibration_queries: usize,
    /// Every signal on the held-out half with the chosen weights.
    pub held_out: Vec<EvalRow>,
}

/// The objective: fused nDCG@10 over all judged profiles and over the
/// cross-language ones, averaged. Fitting "all" alone lets the weights drop the
/// dense signal, the one that carries a Kazakh vacancy to a Russian profile.
fn objective(pools: &[&QueryPool], config: &RankingConfig) -> f64 {
    let rows = evaluate_pools(pools, config);
    let fused = |subset: &str| {
        rows.iter()
            .find(|r| r.signal == "fused" && r.subset == subset)
            .and_then(|r| r.metrics)
            .map_or(0.0, |m| m.ndcg_at_10)
    };
    (fused("all") + fused("cross_language")) / 2.0
}

/// Chooses linear-fusion weights on the calibration half of `pools` (see the module
/// docs) starting from `base`, and measures them on the held-out half.
pub fn calibrate(pools: &[QueryPool], base: &RankingConfig) -> Calibration {
    let (fit_on, held_out) = split(pools);
    let mut best = RankingConfig {
        method: FusionMethod::Linear,
        ..base.clone()
    };
    let mut best_score = objective(&fit_on, &best);
    let signal_grid: Vec<[f32; 3]> = simplex(3, 20)
        .into_iter()
        .map(|w| [w[0], w[1], w[2]])
        .collect();
    let part_grid: Vec<[f32; 4]> = simplex(4, 10)
        .into_iter()
        .map(|w| [w[0], w[1], w[2], w[3]])
        .collect();
    for _round in 0..2 {
        for [b, d, s] in &signal_grid {
            let trial = RankingConfig {
                bm25_weight: *b,
                dense_weight: *d,
                structured_weight: *s,
                ..best.clone()
            };
            let score = objective(&fit_on, &trial);
            if score > best_score + 1e-9 {
                (best, best_score) = (trial, score);
            }
        }
        for [r, x, e, k] in &part_grid {
            let trial = RankingConfig {
                structured: StructuredWeights {
                    requirements: *r,
                    experience: *x,
                    education: *e,
                    skills: *k,
                },
                ..best.clone()
            };
            let score = objective(&fit_on, &trial);
            if score > best_score + 1e-9 {
                (best, best_score) = (trial, score);
            }
        }
    }
    Calibration {
        held_out: evaluate_pools(&held_out, &best),
        calibration_objective: best_score,
        calibration_queries: fit_on.len(),
        config: best,
    }
}

/// Every vector of `n` non-negative weights in steps of 1/`steps` that sums to 1.
fn simplex(n: usize, steps: u32) -> Vec<Vec<f32>> {
    fn go(n: usize, left: u32, steps: u32, prefix: &mut Vec<f32>, out: &mut Vec<Vec<f32>>) {
        if n == 1 {
            prefix.push(left as f32 / steps as f32);
            out.push(prefix.clone());
            prefix.pop();
            return;
        }
        for k in 0..=left {
            prefix.push(k as f32 / steps as f32);
            go(n - 1, left - k, steps, prefix, out);
            prefix.pop();
        }
    }
    let mut out = Vec::new();
    go(n, steps, steps, &mut Vec::new(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplex_sums_to_one() {
        let grid = simplex(3, 20);
        assert_eq!(grid.len(), 231);
        for w in &grid {
            assert!((w.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
    }
}
