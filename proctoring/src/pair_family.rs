//! Which tested pairs become flags: the multiple-testing step of the
//! similarity detector (see `similarity` for the error rates it controls).
//!
//! Per session, a pair is flagged when its p-value clears α/(2(N−1)) — or, in
//! the shared-network family, α/2 split over the partners of the busier of its
//! two sessions. Familywise, Holm's step-down runs over all directed pairs and,
//! separately, over the shared-network pairs; a pair rejected by either family
//! is flagged at the level it cleared.

use std::collections::HashMap;

use crate::similarity::{Candidate, Exact, Flagged, PairErrorRate};

/// Holm's step-down over a family of `m` tests of which only `tested` (the
/// screened ones; every other test's p-value is above every Holm level) are
/// given: returns, per rejected entry, its index and the level it cleared.
pub(crate) fn holm(tested: &[f64], m: u64, alpha: f64) -> Vec<(usize, f64)> {
    let mut order: Vec<usize> = (0..tested.len()).collect();
    order.sort_by(|&a, &b| tested[a].total_cmp(&tested[b]));
    let mut out = Vec::new();
    for (k, &idx) in order.iter().enumerate() {
        let level = alpha / m.saturating_sub(k as u64).max(1) as f64;
        if tested[idx] > level {
            break;
        }
        out.push((idx, level));
    }
    out
}

/// Chooses the pairs to flag among the tested ones, per the error rate.
pub(crate) fn decide(
    error_rate: PairErrorRate,
    best: Vec<((u32, u32), (Candidate, Exact))>,
    net: &HashMap<(u32, u32), Vec<String>>,
    levels: &Levels,
) -> Vec<Flagged> {
    let mut threshold_of: Vec<Option<f64>> = vec![None; best.len()];
    match error_rate {
        PairErrorRate::PerSession => {
            for (slot, (key, (_, e))) in threshold_of.iter_mut().zip(&best) {
                if e.p <= levels.all {
                    *slot = Some(levels.all);
                } else if net.contains_key(key) {
                    let degree = levels.degree[key.0 as usize].max(levels.degree[key.1 as usize]);
                    let level = levels.alpha_net / (2 * degree.max(1)) as f64;
                    if e.p <= level {
                        *slot = Some(level);
                    }
                }
            }
        }
        PairErrorRate::Familywise => {
            let ps: Vec<f64> = best.iter().map(|(_, (_, e))| e.p).collect();
            for (idx, level) in holm(&ps, levels.all_tests, levels.alpha_all) {
                threshold_of[idx] = Some(level);
            }
            let net_idx: Vec<usize> = (0..best.len())
                .filter(|&i| net.contains_key(&best[i].0))
                .collect();
            let net_ps: Vec<f64> = net_idx.iter().map(|&i| best[i].1 .1.p).collect();
            for (k, level) in holm(&net_ps, 2 * net.len() as u64, levels.alpha_net) {
                let slot = &mut threshold_of[net_idx[k]];
                if slot.is_none() {
                    *slot = Some(level);
                }
            }
        }
    }
    best.into_iter()
        .zip(threshold_of)
        .filter_map(|((key, (c, e)), threshold)| {
            let threshold = threshold?;
            let shared = net.get(&key).cloned().unwrap_or_default();
            Some((key, c, e, threshold, shared))
        })
        .collect()
}

/// The levels the similarity tests run at.
pub(crate) struct Levels {
    /// α of the all-pairs family.
    pub alpha_all: f64,
    /// α of the shared-network family (0 when there is none).
    pub alpha_net: f64,
    /// Directed tests in the all-pairs family (per session or whole cohort).
    pub all_tests: u64,
    /// Per-test level of the all-pairs family (familywise: Holm's first step).
    pub all: f64,
    /// Shared-network partners per session.
    pub degree: Vec<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holm_steps_down_and_stops_at_the_first_failure() {
        // m = 10, α = 0.05: levels 0.005, 0.0056, 0.00625, …
        let rejected = holm(&[0.004, 0.0055, 0.03, 0.0061], 10, 0.05);
        let idx: Vec<usize> = rejected.iter().map(|r| r.0).collect();
        assert_eq!(idx, vec![0, 1, 3]);
        assert!((rejected[2].1 - 0.05 / 8.0).abs() < 1e-12);
        assert!(holm(&[0.006], 10, 0.05).is_empty());
    }
}
