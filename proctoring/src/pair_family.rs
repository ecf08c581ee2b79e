//! Which tested pairs become flags: the multiple-testing step of the
//! similarity detector (see `similarity` for the error rates it controls).
//!
//! α is shared by up to three pre-declared families; a pair rejected by any of
//! them is flagged, and the union bound keeps the rate at or below α:
//!
//! * **all pairs** (α/2, or 3α/4 without shared networks): the combined
//!   answers-and-timing test of every directed pair. Per session, a session
//!   takes part in 2(N−1) such tests, so each runs at its share over 2(N−1)
//!   (Bonferroni within the session's family). Familywise: Holm over all
//!   directed tests.
//! * **screen and confirm** (α/4): a two-stage test whose stages use
//!   independent evidence. The screen selects the directed pairs whose
//!   answers alone are unusual (proxy z ≥ 2.33, about 1 % of honest pairs);
//!   the confirm stage tests the *timing* of the selected pair's identical
//!   answers, whose null distribution does not depend on the answers at all.
//!   So, conditional on every answer in the cohort, each confirm p-value is
//!   valid, and a session with k selected tests needs only its share over k
//!   — not over 2(N−1). Per session the level is (α/4)/max(k_c, k_s) for the
//!   pair's two sessions; familywise, Holm over all selected tests. At
//!   N = 1,000 a session has about 20 selected tests instead of 1,998; at
//!   N = 100,000 about 2,000 instead of 199,998: the timing evidence of a
//!   suspicious pair is weighed against its real competitors, not the whole
//!   cohort.
//! * **shared network** (α/4, when some pairs share an IP or device): per
//!   session split over the session's own shared-network partners (the busier
//!   of the pair's two sessions); familywise, Holm over those pairs.

use std::collections::HashMap;

use crate::pair_test::Exact;
use crate::similarity::PairErrorRate;

/// Which family flagged a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    AllPairs,
    ScreenAndConfirm,
    SharedNetwork,
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::AllPairs => "all_pairs",
            Family::ScreenAndConfirm => "screen_and_confirm",
            Family::SharedNetwork => "shared_network",
        }
    }
}

/// A flagged pair.
pub(crate) struct Flagged {
    /// Unordered key (smaller index first).
    pub key: (u32, u32),
    /// (copier, source).
    pub dir: (u32, u32),
    /// The combined exact test of that direction.
    pub exact: Exact,
    /// The p-value that cleared its family's level, and that level.
    pub p_value: f64,
    pub threshold: f64,
    pub family: Family,
    /// The confirm stage's p-value, when the pair was selected and tested there.
    pub p_confirm: Option<f64>,
    /// Selected tests of the busier session (screen and confirm).
    pub selected: Option<u32>,
    /// Shared IPs and devices.
    pub shared: Vec<String>,
}

/// A confirm-stage result: (copier, source), p-value.
pub(crate) type Confirmed = ((u32, u32), f64);

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

/// The levels the similarity tests run at.
pub(crate) struct Levels {
    /// α of the all-pairs family.
    pub alpha_all: f64,
    /// α of the screen-and-confirm family.
    pub alpha_confirm: f64,
    /// α of the shared-network family (0 when there is none).
    pub alpha_net: f64,
    /// Directed tests in the all-pairs family (per session or whole cohort).
    pub all_tests: u64,
    /// Per-test level of the all-pairs family (familywise: Holm's first step).
    pub all: f64,
    /// Shared-network partners per session.
    pub degree: Vec<usize>,
}

impl Levels {
    /// Shares of α: all pairs, screen and confirm, shared network.
    pub fn split(alpha: f64, with_network: bool) -> (f64, f64, f64) {
        if with_network {
            (alpha / 2.0, alpha / 4.0, alpha / 4.0)
        } else {
            (0.75 * alpha, alpha / 4.0, 0.0)
        }
    }
}

/// Chooses the pairs to flag among directed results: `tested` holds every
/// directed pair that got the combined exact test (including every confirm
/// stage pair that could be flagged), `confirmed` the confirm-stage results,
/// `selected` each session's selected tests. One flag per unordered pair, in
/// the direction and family whose p-value is furthest below its level.
pub(crate) fn decide(
    error_rate: PairErrorRate,
    tested: Vec<((u32, u32), Exact)>,
    confirmed: &[Confirmed],
    selected: &[u32],
    net: &HashMap<(u32, u32), Vec<String>>,
    levels: &Levels,
) -> Vec<Flagged> {
    let key_of = |(a, b): (u32, u32)| (a.min(b), a.max(b));
    let busier = |(a, b): (u32, u32)| selected[a as usize].max(selected[b as usize]).max(1);
    // Per directed entry: the families that reject it, as (family, p, level).
    let mut hits: Vec<Vec<(Family, f64, f64)>> = vec![Vec::new(); tested.len()];
    let index: HashMap<(u32, u32), usize> =
        tested.iter().enumerate().map(|(k, t)| (t.0, k)).collect();
    match error_rate {
        PairErrorRate::PerSession => {
            for (slot, (dir, e)) in hits.iter_mut().zip(&tested) {
                let key = key_of(*dir);
                if e.p <= levels.all {
                    slot.push((Family::AllPairs, e.p, levels.all));
                }
                if net.contains_key(&key) {
                    let degree = levels.degree[key.0 as usize].max(levels.degree[key.1 as usize]);
                    let level = levels.alpha_net / (2 * degree.max(1)) as f64;
                    if e.p <= level {
                        slot.push((Family::SharedNetwork, e.p, level));
                    }
                }
            }
            for &(dir, p) in confirmed {
                let level = levels.alpha_confirm / f64::from(busier(key_of(dir)));
                if let (true, Some(&k)) = (p <= level, index.get(&dir)) {
                    hits[k].push((Family::ScreenAndConfirm, p, level));
                }
            }
        }
        PairErrorRate::Familywise => {
            let ps: Vec<f64> = tested.iter().map(|(_, e)| e.p).collect();
            for (idx, level) in holm(&ps, levels.all_tests, levels.alpha_all) {
                hits[idx].push((Family::AllPairs, ps[idx], level));
            }
            let net_idx: Vec<usize> = (0..tested.len())
                .filter(|&i| net.contains_key(&key_of(tested[i].0)))
                .collect();
            let net_ps: Vec<f64> = net_idx.iter().map(|&i| tested[i].1.p).collect();
            for (k, level) in holm(&net_ps, 2 * net.len() as u64, levels.alpha_net) {
                hits[net_idx[k]].push((Family::SharedNetwork, net_ps[k], level));
            }
            // Each selected test is counted by both its sessions.
            let total: u64 = selected.iter().map(|&k| u64::from(k)).sum::<u64>() / 2;
            let cps: Vec<f64> = confirmed.iter().map(|c| c.1).collect();
            for (k, level) in holm(&cps, total.max(1), levels.alpha_confirm) {
                if let Some(&b) = index.get(&confirmed[k].0) {
                    hits[b].push((Family::ScreenAndConfirm, cps[k], level));
                }
            }
        }
    }
    let confirm_of: HashMap<(u32, u32), f64> = confirmed.iter().copied().collect();
    let mut best: HashMap<(u32, u32), (usize, Family, f64, f64)> = HashMap::new();
    for (k, hits) in hits.iter().enumerate() {
        for &(family, p, level) in hits {
            let key = key_of(tested[k].0);
            match best.get(&key) {
                Some(b) if b.2 / b.3 <= p / level => {}
                _ => {
                    best.insert(key, (k, family, p, level));
                }
            }
        }
    }
    let mut chosen: Vec<(usize, Family, f64, f64)> = best.into_values().collect();
    chosen.sort_unstable_by_key(|c| c.0);
    let mut tested: Vec<Option<((u32, u32), Exact)>> = tested.into_iter().map(Some).collect();
    chosen
        .into_iter()
        .filter_map(|(k, family, p_value, threshold)| {
            let (dir, exact) = tested[k].take()?;
            let key = key_of(dir);
            let p_confirm = confirm_of.get(&dir).copied();
            Some(Flagged {
                key,
                dir,
                exact,
                p_value,
                threshold,
                family,
                p_confirm,
                selected: p_confirm.map(|_| busier(key)),
                shared: net.get(&key).cloned().unwrap_or_default(),
            })
        })
        .collect()
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
