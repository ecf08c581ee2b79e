//! Answer similarity between every pair of sessions (answer copying,
//! answer sharing), in the spirit of Wollack's ω and van der Linden &
//! Sotaridona's generalized binomial test.
//!
//! For a directed pair (copier c, source s), under honest work and given c's
//! ability θ_c and s's actual answers, c picks s's option on item i with
//! probability p_i = P(option = s's answer | θ_c) from [`crate::irt`],
//! independently across items. A plain count of identical answers (ω, GBT)
//! treats a shared key (p ≈ 0.6) like a shared rare distractor (p ≈ 0.03);
//! we instead weight each match by its log-likelihood ratio under a copying
//! alternative (copy probability γ = 0.3): w_i = ln((γ + (1−γ)p_i)/((1−γ)p_i)).
//! By Neyman–Pearson this is the most powerful test against that alternative.
//! Weights are rounded to quarter-nats so the null distribution of the
//! weighted sum is computed *exactly* by dynamic programming; the normal
//! approximation of ω would be far too thin at the all-pairs threshold
//! (≈ 10⁻¹¹). Identical and identical-incorrect counts are reported as
//! evidence.
//!
//! Both directions are tested. Which false-alarm rate α refers to is a
//! [`PairErrorRate`] in the configuration:
//!
//! * **per session** (default): the probability that an honest session ends
//!   up in *any* similarity flag is at most α. A session takes part in
//!   2(N−1) directed tests (as copier and as source against everyone else),
//!   so each pair is tested at α/(2(N−1)) — Bonferroni within the session's
//!   own family. This is the same unit as every other detector (α per honest
//!   session), so a cohort of N honest sessions expects at most α·N similarity
//!   flags. At N = 1,000 the per-test level is 5·10⁻⁷ instead of 5·10⁻¹⁰.
//! * **familywise**: the probability that *any* honest pair in the cohort is
//!   flagged is at most α (Holm's step-down over all 2·N(N−1)/2 directed
//!   tests; uniformly at least as powerful as Bonferroni, same guarantee).
//!
//! Pairs that share an IP or device fingerprint form a second, pre-declared
//! family that gets half of α (per session: split over the session's own
//! shared-network partners; familywise: Holm over all such pairs): a shared
//! network is prior evidence, so such pairs need less answer agreement, while
//! the rate stays ≤ α by the union bound over the two halves.
//!
//! Speed: 12.5M pairs × 80 items. θ is rounded to a 0.1 grid and
//! (p, p(1−p)) for every (grid point, item, option) is precomputed, so the
//! inner loop is one table load per item and direction; a cheap z-score
//! screen selects the few pairs that get the exact tail: z ≥ 3 when the
//! all-pairs level is below 10⁻⁶ (large cohorts), z ≥ 2 otherwise and always
//! for shared-network pairs (tested at a looser level). The screen can only
//! drop flags, never add them, so it cannot raise a false-alarm rate; it
//! could only cost power if a pair under it had reached the level. No pair
//! under the screen reaches those levels (checked in the tests on a simulated
//! cohort: the smallest exact p-value of a pair with z < 3 stays above 10⁻⁶).

use std::collections::HashMap;

use rayon::prelude::*;

use serde::{Deserialize, Serialize};

use crate::analyze::Ctx;
use crate::flag::{Detector, Evidence, FalseAlarmScope, Flag, FlagId, Severity};
use crate::irt::IrtModel;
use crate::pair_family::{decide, Levels};
use crate::prepare::{Prepared, OMIT};
use crate::stats::weighted_bernoulli_sf;

const GRID_MIN: f64 = -4.0;
const GRID_STEP: f64 = 0.1;
const GRID_N: usize = 81;
/// Screen: only pairs at least this many SDs above expectation get the exact
/// tail, when every threshold in use is below [`STRICT_LEVEL`].
pub(crate) const Z_SCREEN: f32 = 3.0;
/// The looser screen used when some threshold is at or above [`STRICT_LEVEL`].
const Z_SCREEN_LOOSE: f32 = 2.0;
/// Below this per-test level, no pair with z < 3 has been seen to reach it.
pub(crate) const STRICT_LEVEL: f64 = 1e-6;

/// What the similarity detector's α bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PairErrorRate {
    /// P(an honest session appears in any similarity flag) ≤ α: Bonferroni
    /// over the session's own 2(N−1) directed tests.
    #[default]
    PerSession,
    /// P(any honest pair in the cohort is flagged) ≤ α: Holm over all
    /// directed pairs.
    Familywise,
}
/// Sessions sharing one IP/device beyond this count are a test centre or NAT,
/// not evidence of collusion, and do not enter the shared-network family.
const MAX_NETWORK_GROUP: usize = 50;

/// Counts for the report.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct SimilarityStats {
    /// What α bounds.
    pub error_rate: PairErrorRate,
    /// Unordered pairs compared.
    pub pairs: u64,
    /// Directed pairs that passed the screen and got an exact p-value.
    pub exact_evaluated: u64,
    /// Pairs in the shared-network family.
    pub shared_network_pairs: u64,
    /// Per-test threshold for all pairs (familywise: Holm's first, strictest step).
    pub threshold_all: f64,
    /// Per-test threshold for shared-network pairs (per session: for a pair
    /// whose sessions each have one shared-network partner; familywise: Holm's
    /// first step).
    pub threshold_network: f64,
}

fn grid(theta: f64) -> usize {
    (((theta - GRID_MIN) / GRID_STEP).round().max(0.0) as usize).min(GRID_N - 1)
}

fn grid_theta(g: usize) -> f64 {
    GRID_MIN + g as f64 * GRID_STEP
}

/// Copy probability of the alternative the weights are tuned for.
const GAMMA: f64 = 0.3;
/// Weights are integers in units of 1/WEIGHT_SCALE nats.
pub(crate) const WEIGHT_SCALE: f64 = 4.0;

/// Integer log-likelihood-ratio weight of a match with null probability `p`.
fn weight(p: f64) -> u32 {
    let p = p.max(1e-4);
    let w = ((GAMMA + (1.0 - GAMMA) * p) / ((1.0 - GAMMA) * p)).ln();
    (w * WEIGHT_SCALE).round().max(1.0) as u32
}

struct Tables {
    slots: usize,
    /// `[(grid * n_items + item) * slots + option] = (p·w, p(1-p)·w², w)`.
    pv: Vec<[f32; 3]>,
    /// Responses remapped so that OMIT is `slots - 1`.
    resp: Vec<u8>,
}

fn tables(prep: &Prepared, irt: &IrtModel) -> Tables {
    let ni = prep.n_items;
    let slots = prep.options.iter().copied().max().unwrap_or(2) as usize + 1;
    let mut pv = vec![[0.0f32; 3]; GRID_N * ni * slots];
    for g in 0..GRID_N {
        for i in 0..ni {
            for o in 0..prep.options[i] {
                let p = irt.option_prob(i, prep.keys[i], grid_theta(g), o);
                let w = f64::from(weight(p));
                pv[(g * ni + i) * slots + o as usize] =
                    [(p * w) as f32, (p * (1.0 - p) * w * w) as f32, w as f32];
            }
        }
    }
    let omit = (slots - 1) as u8;
    let resp = prep
        .responses
        .iter()
        .map(|&r| if r == OMIT { omit } else { r })
        .collect();
    Tables { slots, pv, resp }
}

/// A directed pair that passed the screen.
pub(crate) struct Candidate {
    pub copier: u32,
    pub source: u32,
}

/// Scans all pairs; returns directed candidates for the exact test: those at
/// least `z` SDs above expectation, and the pairs in `loose_pairs` (the
/// shared-network family, tested at a looser level) from [`Z_SCREEN_LOOSE`].
fn screen(
    prep: &Prepared,
    irt: &IrtModel,
    t: &Tables,
    same_person: &[u32],
    z: f32,
    loose_pairs: &HashMap<(u32, u32), Vec<String>>,
) -> Vec<Candidate> {
    let (ni, n, s) = (prep.n_items, prep.n_sessions, t.slots);
    let omit = (s - 1) as u8;
    let grids: Vec<usize> = irt.theta.iter().map(|&th| grid(th)).collect();
    let z2 = z * z;
    let z2_loose = (Z_SCREEN_LOOSE * Z_SCREEN_LOOSE).min(z2);
    // Only pairs past the loose screen look the pair up, so the map costs nothing
    // in the inner loop.
    let passes = |excess: f32, var: f32, j: usize, l: usize| {
        excess > 0.0
            && (excess * excess >= z2 * var
                || (excess * excess >= z2_loose * var
                    && loose_pairs.contains_key(&(j as u32, l as u32))))
    };
    (0..n)
        .into_par_iter()
        .with_max_len(1)
        .flat_map_iter(|j| {
            let rj = &t.resp[j * ni..(j + 1) * ni];
            let tj = &t.pv[grids[j] * ni * s..(grids[j] + 1) * ni * s];
            let mut out = Vec::new();
            for l in j + 1..n {
                if same_person[j] == same_person[l] {
                    continue;
                }
                let rl = &t.resp[l * ni..(l + 1) * ni];
                let tl = &t.pv[grids[l] * ni * s..(grids[l] + 1) * ni * s];
                let (mut m1, mut mu1, mut v1) = (0f32, 0f32, 0f32);
                let (mut m2, mut mu2, mut v2) = (0f32, 0f32, 0f32);
                for i in 0..ni {
                    let (a, b) = (rj[i], rl[i]);
                    let hit = f32::from(u8::from(a == b && a != omit));
                    // j copying from l: j picks l's answer b; and vice versa.
                    let x = tj[i * s + b as usize];
                    let y = tl[i * s + a as usize];
                    m1 += hit * x[2];
                    mu1 += x[0];
                    v1 += x[1];
                    m2 += hit * y[2];
                    mu2 += y[0];
                    v2 += y[1];
                }
                if passes(m1 - mu1, v1, j, l) {
                    out.push(Candidate {
                        copier: j as u32,
                        source: l as u32,
                    });
                }
                if passes(m2 - mu2, v2, j, l) {
                    out.push(Candidate {
                        copier: l as u32,
                        source: j as u32,
                    });
                }
            }
            out
        })
        .collect()
}

/// Exact test for one directed pair.
pub(crate) struct Exact {
    pub p: f64,
    /// Weighted statistic in nats.
    statistic: f64,
    identical: usize,
    expected: f64,
    identical_incorrect: usize,
    common: usize,
}

fn exact(prep: &Prepared, irt: &IrtModel, c: usize, s: usize) -> Exact {
    let ni = prep.n_items;
    let theta = grid_theta(grid(irt.theta[c]));
    let mut ps = Vec::with_capacity(ni);
    let mut ws = Vec::with_capacity(ni);
    let mut t = 0u32;
    let (mut identical, mut identical_incorrect, mut common) = (0, 0, 0);
    for i in 0..ni {
        let (rc, rs) = (prep.responses[c * ni + i], prep.responses[s * ni + i]);
        if rs == OMIT {
            continue;
        }
        let p = irt.option_prob(i, prep.keys[i], theta, rs);
        ps.push(p);
        ws.push(weight(p));
        if rc != OMIT {
            common += 1;
        }
        if rc == rs {
            t += weight(p);
            identical += 1;
            if rs != prep.keys[i] {
                identical_incorrect += 1;
            }
        }
    }
    Exact {
        p: weighted_bernoulli_sf(&ps, &ws, t),
        statistic: f64::from(t) / WEIGHT_SCALE,
        identical,
        expected: ps.iter().sum(),
        identical_incorrect,
        common,
    }
}

/// A flagged pair: (unordered key, direction, test, threshold used, shared networks).
pub(crate) type Flagged = ((u32, u32), Candidate, Exact, f64, Vec<String>);

/// Pairs of sessions sharing an IP or device (groups above the cap excluded).
fn network_pairs(prep: &Prepared) -> HashMap<(u32, u32), Vec<String>> {
    let mut groups: HashMap<&str, Vec<u32>> = HashMap::new();
    for (j, nets) in prep.networks.iter().enumerate() {
        for net in nets {
            groups.entry(net.as_str()).or_default().push(j as u32);
        }
    }
    let mut pairs: HashMap<(u32, u32), Vec<String>> = HashMap::new();
    for (net, members) in groups {
        if members.len() > MAX_NETWORK_GROUP {
            continue;
        }
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                pairs
                    .entry((a.min(b), a.max(b)))
                    .or_default()
                    .push(net.to_string());
            }
        }
    }
    pairs
}

/// Runs the all-pairs similarity detector and adds its flags to `ctx`.
pub(crate) fn similarity(ctx: &mut Ctx, prep: &Prepared, irt: &IrtModel) -> SimilarityStats {
    let n = prep.n_sessions as u64;
    let pairs = n * n.saturating_sub(1) / 2;
    let alpha = ctx.config.alpha_pairs;
    let error_rate = ctx.config.pair_error_rate;
    let net = network_pairs(prep);
    // Split α between the two families only when the second one exists.
    let (alpha_all, alpha_net) = if net.is_empty() {
        (alpha, 0.0)
    } else {
        (alpha / 2.0, alpha / 2.0)
    };
    let mut degree = vec![0usize; prep.n_sessions];
    for &(a, b) in net.keys() {
        degree[a as usize] += 1;
        degree[b as usize] += 1;
    }
    let all_tests = match error_rate {
        PairErrorRate::PerSession => 2 * n.saturating_sub(1),
        PairErrorRate::Familywise => 2 * pairs,
    };
    let levels = Levels {
        alpha_all,
        alpha_net,
        all_tests,
        all: alpha_all / all_tests.max(1) as f64,
        degree,
    };
    let threshold_net = match error_rate {
        PairErrorRate::PerSession => alpha_net / 2.0,
        PairErrorRate::Familywise => alpha_net / (2 * net.len()).max(1) as f64,
    };
    let mut stats = SimilarityStats {
        error_rate,
        pairs,
        shared_network_pairs: net.len() as u64,
        threshold_all: levels.all,
        threshold_network: threshold_net,
        ..Default::default()
    };
    if prep.n_sessions < 2 {
        return stats;
    }
    let t = tables(prep, irt);
    // Same examinee (several attempts) is not a pair to compare.
    let mut person_ids: HashMap<&str, u32> = HashMap::new();
    let same_person: Vec<u32> = ctx
        .examinee_ids
        .iter()
        .map(|e| {
            let k = person_ids.len() as u32;
            *person_ids.entry(e.as_str()).or_insert(k)
        })
        .collect();
    // The all-pairs level decides how deep to screen every pair; the (few)
    // shared-network pairs, tested at a looser level, always get the deep screen.
    let z = if levels.all < STRICT_LEVEL {
        Z_SCREEN
    } else {
        Z_SCREEN_LOOSE
    };
    let candidates = screen(prep, irt, &t, &same_person, z, &net);
    stats.exact_evaluated = candidates.len() as u64;
    let min_common = ctx.config.min_common_items;
    let tested: Vec<(Candidate, Exact)> = candidates
        .into_par_iter()
        .map(|c| {
            let e = exact(prep, irt, c.copier as usize, c.source as usize);
            (c, e)
        })
        .filter(|(_, e)| e.common >= min_common)
        .collect();
    // Keep the stronger direction per unordered pair.
    let mut best: HashMap<(u32, u32), (Candidate, Exact)> = HashMap::new();
    for (c, e) in tested {
        let key = (c.copier.min(c.source), c.copier.max(c.source));
        match best.get(&key) {
            Some((_, old)) if old.p <= e.p => {}
            _ => {
                best.insert(key, (c, e));
            }
        }
    }
    let mut best: Vec<((u32, u32), (Candidate, Exact))> = best.into_iter().collect();
    best.sort_by_key(|b| b.0);
    let scope = match error_rate {
        PairErrorRate::PerSession => FalseAlarmScope::PerSessionAnyPartner,
        PairErrorRate::Familywise => FalseAlarmScope::FamilywiseAllPairs,
    };
    let mut flagged = decide(error_rate, best, &net, &levels);
    flagged.sort_by_key(|f| f.0);
    let clusters = clusters(prep.n_sessions, flagged.iter().map(|f| f.0));
    for (key, c, e, threshold, shared) in flagged {
        let (ci, si) = (c.copier as usize, c.source as usize);
        let cluster = clusters
            .iter()
            .position(|cl| cl.contains(&key.0))
            .unwrap_or(0);
        let net_note = if shared.is_empty() {
            String::new()
        } else {
            format!("; shared {}", shared.join(", "))
        };
        let summary = format!(
            "{} identical answers ({} identical wrong) where {:.1} expected{net_note}",
            e.identical, e.identical_incorrect, e.expected
        );
        let sessions = [ctx.session_ids[ci].clone(), ctx.session_ids[si].clone()];
        let flag = Flag {
            id: FlagId::new(
                &ctx.form_id,
                Detector::AnswerSimilarity,
                &[&sessions[0], &sessions[1]],
            ),
            detector: Detector::AnswerSimilarity,
            examinees: vec![ctx.examinee_ids[ci].clone(), ctx.examinee_ids[si].clone()],
            sessions: sessions.to_vec(),
            severity: Severity::from_p(e.p, threshold),
            statistic: e.statistic,
            p_value: e.p,
            threshold,
            nominal_false_alarm_rate: alpha,
            false_alarm_scope: scope,
            summary,
            evidence: Evidence::AnswerSimilarity {
                copier: sessions[0].clone(),
                source: sessions[1].clone(),
                identical: e.identical,
                expected_identical: e.expected,
                identical_incorrect: e.identical_incorrect,
                common_items: e.common,
                theta_copier: irt.theta[ci],
                theta_source: irt.theta[si],
                shared_network: shared,
                cluster,
            },
        };
        ctx.flags.push(flag);
    }
    ctx.clusters = clusters
        .into_iter()
        .map(|cl| {
            cl.into_iter()
                .map(|j| ctx.session_ids[j as usize].clone())
                .collect()
        })
        .collect();
    stats
}

/// Groups flagged pairs into connected components (union-find).
fn clusters(n: usize, edges: impl Iterator<Item = (u32, u32)>) -> Vec<Vec<u32>> {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    let mut touched = Vec::new();
    for (a, b) in edges {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
        touched.extend([a, b]);
    }
    touched.sort_unstable();
    touched.dedup();
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
    for x in touched {
        let r = find(&mut parent, x);
        groups.entry(r).or_default().push(x);
    }
    let mut out: Vec<Vec<u32>> = groups.into_values().collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// The screen is only safe if a pair under it cannot reach the levels in
    /// use: on an honest cohort, every directed pair with 2 ≤ z < 3 gets the
    /// exact tail, and the smallest must stay above [`STRICT_LEVEL`].
    #[test]
    fn pairs_under_the_screen_never_reach_the_strict_level() {
        let sim = crate::simulate::simulate(&crate::simulate::SimSpec {
            examinees: 300,
            items: 80,
            options: 4,
            cheat: None,
            seed: 11,
        });
        let prep = crate::prepare::prepare(&sim.dataset);
        let irt = crate::irt::fit(&prep, None);
        let t = tables(&prep, &irt);
        let same: Vec<u32> = (0..prep.n_sessions as u32).collect();
        let loose: HashSet<(u32, u32)> =
            screen(&prep, &irt, &t, &same, Z_SCREEN_LOOSE, &HashMap::new())
                .into_iter()
                .map(|c| (c.copier, c.source))
                .collect();
        let strict: HashSet<(u32, u32)> = screen(&prep, &irt, &t, &same, Z_SCREEN, &HashMap::new())
            .into_iter()
            .map(|c| (c.copier, c.source))
            .collect();
        let between: Vec<&(u32, u32)> = loose.difference(&strict).collect();
        assert!(
            between.len() > 500,
            "{} pairs with 2 ≤ z < 3",
            between.len()
        );
        let smallest = between
            .iter()
            .map(|&&(c, s)| exact(&prep, &irt, c as usize, s as usize).p)
            .fold(1.0, f64::min);
        assert!(smallest > STRICT_LEVEL, "p = {smallest:e} under the screen");
    }

    #[test]
    fn union_find_groups_chains() {
        let c = clusters(6, [(0, 1), (1, 2), (4, 5)].into_iter());
        assert_eq!(c, vec![vec![0, 1, 2], vec![4, 5]]);
    }
}
