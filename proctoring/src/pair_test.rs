//! The exact test for one directed pair (copier c, source s): answers and
//! timing together, conditional on the copier's number-right score.
//!
//! # The statistic
//! Under honest work the copier chooses s's option on item i with probability
//! p_i = P(option | θ_c) (from [`crate::irt`]), and — when both sessions have
//! answer times — c's answer lands within [`FOLLOW_WINDOW_S`] seconds after s's
//! with probability q_i, computed from c's own lognormal response-time model
//! ([`crate::rt`]) given when c gave the previous answer:
//! q_i = P(a_i + D ∈ (t_s,i, t_s,i + W]), D ~ LN(β_i − τ_c, σ_i²), a_i the
//! moment c's response time on item i is measured from. Conditioning on a_i is
//! what keeps honest pairs who start together and work at the same pace from
//! looking like sharers: when c is just behind s, q_i is large and a follow
//! weighs little.
//!
//! Each item scores its log-likelihood ratio against a copying alternative
//! (copy with probability γ = 0.3; a copied answer arrives within the window
//! with probability φ_i = max(0.5, q_i), none when q_i = 0):
//! * a match that follows: ln((γφ + (1−γ)p q)/((1−γ)p q)),
//! * a match that does not: ln((γ(1−φ) + (1−γ)p(1−q))/((1−γ)p(1−q))),
//! * no match: 0.
//!
//! By Neyman–Pearson this is the most powerful test against that alternative;
//! any other alternative only costs power, never validity. When timing is
//! unknown or the sessions did not overlap (q = 0), the item's score is the
//! answers-only weight of the earlier detector, so copying without timing is
//! tested as before. Scores are rounded to quarter-nats (q floored at 1 % for
//! the score only) so the null distribution is computed exactly.
//!
//! # The null distribution
//! Exact, by dynamic programming over (number right, score), and **conditional
//! on the copier's observed number-right score**. The plain test that plugs in
//! θ̂_c treats the number of key matches as free to vary although θ̂_c was fitted
//! to the very same answers. On an honest 800 × 80 cohort (127,200 directed
//! pairs) the share of pairs at p ≤ t, divided by t, was 0.63 at 10⁻³ and 0.47
//! at 10⁻⁴ for the plug-in test (0.31 at 10⁻⁴ over all 639,200 pairs), and 0.98
//! and 1.02 for the conditional one. Conditioning gives that
//! slack back as power at the same false-alarm rate. Given the answers, timing is
//! independent of them under the hierarchical model (van der Linden, 2007), so
//! each item contributes up to four outcomes: right or not × match with or
//! without a follow.
//!
//! The follow events use q_i given the copier's own previous answer, so the
//! events are a sequence with predictable probabilities rather than
//! independent; the distribution treats them as independent with those
//! probabilities. Whether that keeps the level is a question for simulation,
//! on sittings full of honest same-pace pairs: see `calibrate`.

use crate::irt::IrtModel;
use crate::prepare::{Prepared, OMIT};
use crate::rt::RtModel;
use crate::stats::{median, normal_cdf, weighted_bernoulli_sf};

/// A copied answer relayed in real time arrives within this many seconds of the
/// source's (messaging an option letter takes seconds, not minutes).
pub const FOLLOW_WINDOW_S: f64 = 30.0;
/// Copy probability of the alternative the scores are tuned for.
const GAMMA: f64 = 0.3;
/// Least probability that a copied answer arrives within the window.
const PHI: f64 = 0.5;
/// q is floored here for the score (not for the null probabilities) so one
/// improbable follow cannot outweigh the whole test.
const Q_FLOOR: f64 = 0.01;
/// Scores are integers in units of 1/SCALE nats.
pub(crate) const SCALE: f64 = 4.0;

/// Integer score of a match with null probability `p`, with follow
/// probability `q` (0 = timing unknown or impossible) and whether it followed.
pub(crate) fn score(p: f64, q: f64, follows: bool) -> u32 {
    let p = p.max(1e-4);
    let phi = if q > 0.0 { PHI.max(q) } else { 0.0 };
    let lr = if follows {
        let q = q.max(Q_FLOOR);
        (GAMMA * phi + (1.0 - GAMMA) * p * q) / ((1.0 - GAMMA) * p * q)
    } else {
        (GAMMA * (1.0 - phi) + (1.0 - GAMMA) * p * (1.0 - q)) / ((1.0 - GAMMA) * p * (1.0 - q))
    };
    (lr.ln() * SCALE).round().max(1.0) as u32
}

/// Probability that an honest copier `c` answers item `i` within the window
/// after source `s`, given when `c` started on the item; 0 when a time is unknown.
pub(crate) fn follow_prob(prep: &Prepared, rt: &RtModel, c: usize, s: usize, i: usize) -> f64 {
    let ni = prep.n_items;
    let (at_c, at_s, lt) = (
        prep.at[c * ni + i],
        prep.at[s * ni + i],
        prep.log_rt[c * ni + i],
    );
    let tau = rt.tau[c];
    if !(at_c.is_finite() && at_s.is_finite() && lt.is_finite() && tau.is_finite()) {
        return 0.0;
    }
    let anchor = at_c - lt.exp();
    let (lo, hi) = (at_s - anchor, at_s - anchor + FOLLOW_WINDOW_S);
    if hi <= 0.0 {
        return 0.0;
    }
    let (m, sd) = (rt.beta[i] - tau, rt.sigma[i]);
    let cdf = |x: f64| {
        if x <= 0.0 {
            0.0
        } else {
            normal_cdf((x.ln() - m) / sd)
        }
    };
    (cdf(hi) - cdf(lo)).clamp(0.0, 1.0)
}

/// Whether `c`'s answer to item `i` came within the window after `s`'s.
pub(crate) fn follows(prep: &Prepared, c: usize, s: usize, i: usize) -> bool {
    let ni = prep.n_items;
    let lag = prep.at[c * ni + i] - prep.at[s * ni + i];
    lag > 0.0 && lag <= FOLLOW_WINDOW_S
}

/// One item's possible outcomes: (right?, score, probability); unused slots have p = 0.
type Outcomes = [(u8, u32, f64); 4];

/// The exact result for one directed pair.
#[derive(Debug, Clone)]
pub(crate) struct Exact {
    /// P(score ≥ observed | copier's number right), answers and timing.
    pub p: f64,
    /// Score in nats.
    pub statistic: f64,
    pub identical: usize,
    /// Identical answers expected (unconditionally) given θ_c and s's answers.
    pub expected: f64,
    pub identical_incorrect: usize,
    pub common: usize,
    /// Identical answers given within the window after the source's.
    pub follows: usize,
    /// Expected such answers for an honest copier: Σ p_i q_i.
    pub expected_follows: f64,
    /// Items where a follow was possible at all (q > 0).
    pub timed_items: usize,
}

/// Builds the items of the test and the observed values (score, number right).
fn outcomes(
    prep: &Prepared,
    irt: &IrtModel,
    rt: Option<&RtModel>,
    c: usize,
    s: usize,
) -> (Vec<Outcomes>, u32, usize, Exact) {
    let ni = prep.n_items;
    let theta = irt.theta_grid(c);
    let mut items = Vec::with_capacity(ni);
    let (mut t_obs, mut r_obs) = (0u32, 0usize);
    let mut e = Exact {
        p: 1.0,
        statistic: 0.0,
        identical: 0,
        expected: 0.0,
        identical_incorrect: 0,
        common: 0,
        follows: 0,
        expected_follows: 0.0,
        timed_items: 0,
    };
    for i in 0..ni {
        let (rc, rs, key) = (
            prep.responses[c * ni + i],
            prep.responses[s * ni + i],
            prep.keys[i],
        );
        let right = irt.p(i, theta);
        r_obs += usize::from(rc == key);
        if rs == OMIT {
            items.push([(1, 0, right), (0, 0, 1.0 - right), (0, 0, 0.0), (0, 0, 0.0)]);
            continue;
        }
        let p = irt.option_prob(i, key, theta, rs);
        let q = rt.map_or(0.0, |rt| follow_prob(prep, rt, c, s, i));
        let (plain, with) = (
            score(p, q, false),
            score(p, q, true).max(score(p, q, false)),
        );
        e.expected += p;
        e.expected_follows += p * q;
        e.timed_items += usize::from(q > 0.0);
        if rc != OMIT {
            e.common += 1;
        }
        if rc == rs {
            e.identical += 1;
            e.identical_incorrect += usize::from(rs != key);
            let followed = q > 0.0 && follows(prep, c, s, i);
            e.follows += usize::from(followed);
            t_obs += if followed { with } else { plain };
        }
        items.push(if rs == key {
            [
                (1, with, right * q),
                (1, plain, right * (1.0 - q)),
                (0, 0, 1.0 - right),
                (0, 0, 0.0),
            ]
        } else {
            [
                (0, with, p * q),
                (0, plain, p * (1.0 - q)),
                (1, 0, right),
                (0, 0, (1.0 - right - p).max(0.0)),
            ]
        });
    }
    e.statistic = f64::from(t_obs) / SCALE;
    (items, t_obs, r_obs, e)
}

/// The exact test of `c` copying from `s`; without `rt`, answers only.
pub(crate) fn exact(
    prep: &Prepared,
    irt: &IrtModel,
    rt: Option<&RtModel>,
    c: usize,
    s: usize,
) -> Exact {
    let (items, t_obs, r_obs, mut e) = outcomes(prep, irt, rt, c, s);
    e.p = conditional_tail(&items, r_obs, t_obs);
    e
}

/// P(score ≥ `t_obs` | number right = `r_obs`) for independent items with the
/// given outcomes. Scores at or above `t_obs` share one bin, and only the band of
/// partial number-right counts that can still end at `r_obs` is kept.
pub(crate) fn conditional_tail(items: &[Outcomes], r_obs: usize, t_obs: u32) -> f64 {
    if t_obs == 0 {
        return 1.0;
    }
    let n = items.len();
    let cap = t_obs as usize;
    let width = cap + 1;
    let mut dist = vec![0.0f64; (n + 1) * width];
    let mut next = vec![0.0f64; (n + 1) * width];
    dist[0] = 1.0;
    let (mut lo, mut hi) = (0usize, 0usize);
    for (k, item) in items.iter().enumerate() {
        // After k+1 items the count lies in [r_obs − (n − k − 1), r_obs].
        let new_lo = (lo).max(r_obs.saturating_sub(n - k - 1));
        let new_hi = (hi + 1).min(r_obs);
        for row in next[new_lo * width..(new_hi + 1) * width].chunks_mut(width) {
            row.fill(0.0);
        }
        for r in lo..=hi {
            let src = &dist[r * width..(r + 1) * width];
            for &(dr, dt, p) in item.iter().filter(|o| o.2 > 0.0) {
                let nr = r + dr as usize;
                if nr < new_lo || nr > new_hi {
                    continue;
                }
                let dst = &mut next[nr * width..(nr + 1) * width];
                let dt = (dt as usize).min(cap);
                // Scores that reach the cap stay there.
                let mut overflow = 0.0;
                for &v in &src[cap - dt..] {
                    overflow += v;
                }
                for (d, &v) in dst[dt..cap].iter_mut().zip(&src[..cap - dt]) {
                    *d += v * p;
                }
                dst[cap] += overflow * p;
            }
        }
        std::mem::swap(&mut dist, &mut next);
        (lo, hi) = (new_lo, new_hi);
        if lo > hi {
            return 1.0;
        }
    }
    if r_obs < lo || r_obs > hi {
        return 1.0;
    }
    let row = &dist[r_obs * width..(r_obs + 1) * width];
    let total: f64 = row.iter().sum();
    if total <= 0.0 {
        return 1.0;
    }
    (row[cap] / total).clamp(0.0, 1.0)
}

/// The confirm stage: the timing of `c`'s identical answers given the
/// answers. Each identical answer where a follow was possible scores its
/// timing bonus when it followed; under honest work it follows with
/// probability q_i whatever the answers (timing and answers are independent
/// given θ and τ), so the p-value is the exact tail of that weighted sum and
/// stays valid whatever selected the pair on its answers.
pub(crate) fn timing_given_answers(
    prep: &Prepared,
    irt: &IrtModel,
    rt: &RtModel,
    c: usize,
    s: usize,
) -> f64 {
    let ni = prep.n_items;
    let theta = irt.theta_grid(c);
    let (mut qs, mut ws, mut t) = (Vec::new(), Vec::new(), 0u32);
    for i in 0..ni {
        let (rc, rs) = (prep.responses[c * ni + i], prep.responses[s * ni + i]);
        if rc != rs || rc == OMIT {
            continue;
        }
        let q = follow_prob(prep, rt, c, s, i);
        if q <= 0.0 {
            continue;
        }
        let p = irt.option_prob(i, prep.keys[i], theta, rs);
        let bonus = score(p, q, true).saturating_sub(score(p, q, false));
        if bonus == 0 {
            continue;
        }
        qs.push(q);
        ws.push(bonus);
        if follows(prep, c, s, i) {
            t += bonus;
        }
    }
    weighted_bernoulli_sf(&qs, &ws, t)
}

/// The answer-similarity test as it was before timing and the number-right
/// condition (main at 04ecf33): the same scores, exact tail given θ̂_c alone.
/// Kept to measure the new test against the old one on the same cohorts.
pub(crate) fn before_timing(prep: &Prepared, irt: &IrtModel, c: usize, s: usize) -> f64 {
    let ni = prep.n_items;
    let theta = irt.theta_grid(c);
    let (mut ps, mut ws, mut t) = (Vec::new(), Vec::new(), 0u32);
    for i in 0..ni {
        let (rc, rs) = (prep.responses[c * ni + i], prep.responses[s * ni + i]);
        if rs == OMIT {
            continue;
        }
        let p = irt.option_prob(i, prep.keys[i], theta, rs);
        let w = score(p, 0.0, false);
        ps.push(p);
        ws.push(w);
        if rc == rs {
            t += w;
        }
    }
    weighted_bernoulli_sf(&ps, &ws, t)
}

/// What a reviewer reads about the pair's timing.
#[derive(Debug, Clone, Default)]
pub(crate) struct TimingEvidence {
    /// Median seconds between the source's and the copier's identical answers
    /// (positive: the copier answered later).
    pub median_lag_s: Option<f64>,
    /// Correlation of the two sessions' log response times on identical answers.
    pub log_rt_correlation: Option<f64>,
}

pub(crate) fn timing_evidence(prep: &Prepared, c: usize, s: usize) -> TimingEvidence {
    let ni = prep.n_items;
    let mut lags = Vec::new();
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for i in 0..ni {
        let (rc, rs) = (prep.responses[c * ni + i], prep.responses[s * ni + i]);
        if rc != rs || rc == OMIT {
            continue;
        }
        let lag = prep.at[c * ni + i] - prep.at[s * ni + i];
        if lag.is_finite() {
            lags.push(lag);
        }
        let (x, y) = (prep.log_rt[c * ni + i], prep.log_rt[s * ni + i]);
        if x.is_finite() && y.is_finite() {
            xs.push(x);
            ys.push(y);
        }
    }
    let log_rt_correlation = (xs.len() >= 5).then(|| {
        let n = xs.len() as f64;
        let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
        let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
        for (x, y) in xs.iter().zip(&ys) {
            sxy += (x - mx) * (y - my);
            sxx += (x - mx) * (x - mx);
            syy += (y - my) * (y - my);
        }
        sxy / (sxx * syy).sqrt().max(1e-12)
    });
    TimingEvidence {
        median_lag_s: median(&mut lags),
        log_rt_correlation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without the number-right condition binding anything (every item has a
    /// single "right" outcome with score 0 or all-or-nothing), the DP reduces to
    /// the plain weighted tail.
    #[test]
    fn conditional_tail_matches_hand_computed_cases() {
        // Two items, each right w.p. ½; item 1 matches (score 2) only when right,
        // item 2 matches (score 3) only when wrong. Given one right answer:
        // outcomes (right, wrong) → 2 + 3 = 5, (wrong, right) → 0, equally likely.
        let items = [
            [(1, 2, 0.5), (0, 0, 0.5), (0, 0, 0.0), (0, 0, 0.0)],
            [(1, 0, 0.5), (0, 3, 0.5), (0, 0, 0.0), (0, 0, 0.0)],
        ];
        assert!((conditional_tail(&items, 1, 5) - 0.5).abs() < 1e-12);
        assert!((conditional_tail(&items, 1, 6) - 0.0).abs() < 1e-12);
        // Both right: 2 + 0; both wrong: 0 + 3.
        assert!((conditional_tail(&items, 2, 2) - 1.0).abs() < 1e-12);
        assert_eq!(conditional_tail(&items, 2, 3), 0.0);
        assert_eq!(conditional_tail(&items, 0, 3), 1.0);
        // Score independent of right/wrong: the condition changes nothing.
        let ps = [0.3, 0.6, 0.2];
        let ws = [2u32, 1, 4];
        let items: Vec<Outcomes> = ps
            .iter()
            .zip(&ws)
            .map(|(&p, &w)| {
                [
                    (1, w, 0.5 * p),
                    (1, 0, 0.5 * (1.0 - p)),
                    (0, w, 0.5 * p),
                    (0, 0, 0.5 * (1.0 - p)),
                ]
            })
            .collect();
        for t in 1..=7 {
            let plain = weighted_bernoulli_sf(&ps, &ws, t);
            let cond = conditional_tail(&items, 1, t);
            assert!((plain - cond).abs() < 1e-12, "t = {t}: {plain} vs {cond}");
        }
    }

    /// The timing null is calibrated against honest rooms that start
    /// together: over every directed pair of an honest cohort whose sessions
    /// overlap in time, the confirm stage's p-value (timing given answers) is
    /// at most t for no more than a share t of the pairs (up to binomial
    /// noise), at several t. A q that ignored when the
    /// copier answered the item before (say, the share of honest answers that
    /// follow anyone's within 30 s) would fail this.
    #[test]
    fn honest_pairs_that_start_together_do_not_look_like_sharers() {
        use rayon::prelude::*;
        let sim = crate::simulate::simulate(&crate::simulate::SimSpec {
            examinees: 240,
            items: 80,
            options: 4,
            cheat: None,
            seed: 31,
        });
        let prep = crate::prepare::prepare(&sim.dataset);
        let irt = crate::irt::fit(&prep, None);
        let rt = crate::rt::fit(&prep);
        let n = prep.n_sessions;
        let ps: Vec<f64> = (0..n)
            .into_par_iter()
            .flat_map_iter(|c| {
                let (prep, irt, rt) = (&prep, &irt, &rt);
                (0..n)
                    .filter(move |&s| {
                        s != c && (0..prep.n_items).any(|i| follow_prob(prep, rt, c, s, i) > 0.0)
                    })
                    .map(move |s| timing_given_answers(prep, irt, rt, c, s))
            })
            .collect();
        let m = ps.len() as f64;
        assert!(m > 20_000.0, "{m} overlapping pairs");
        for t in [0.1, 0.01, 0.001] {
            let k = ps.iter().filter(|&&p| p <= t).count() as f64;
            let allowed = m * t + 3.0 * (m * t).sqrt() + 1.0;
            assert!(
                k <= allowed,
                "{k} of {m} pairs at p ≤ {t} (allowed {allowed:.0})"
            );
        }
    }

    #[test]
    fn a_follow_weighs_more_the_less_likely_it_was() {
        let p = 0.5;
        assert!(score(p, 0.02, true) > score(p, 0.2, true));
        assert!(score(p, 0.2, true) > score(p, 0.0, false));
        // Without timing the score is the answers-only weight ln((γ + (1−γ)p)/((1−γ)p)).
        let plain = ((0.3 + 0.7 * p) / (0.7 * p)).ln() * SCALE;
        assert_eq!(score(p, 0.0, false), plain.round() as u32);
        // A follow that honest work makes likely adds nothing.
        assert_eq!(score(p, 0.9, true), score(p, 0.9, false));
    }
}
