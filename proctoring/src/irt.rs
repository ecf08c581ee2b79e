//! Item response model fitted on the cohort: 2PL for correctness plus, for
//! wrong answers, which distractor is chosen conditional on ability.
//!
//! * 2PL item parameters come from the form when every item carries them;
//!   otherwise they are estimated by joint maximum a-posteriori estimation
//!   (weak priors on a and the intercept keep estimates finite for items that
//!   everyone or no one answers). 80 items per examinee make the joint-estimation
//!   bias small, and the method is cheap enough for 5,000 examinees.
//! * Abilities θ are MAP estimates with a N(0, 1) prior, so all-correct and
//!   all-wrong patterns still get finite θ.
//! * Distractor choice: the share of each wrong option among wrong answers,
//!   estimated separately in five ability strata (quintiles of θ) and smoothed
//!   towards the item's overall shares. Together with the 2PL this gives
//!   P(option | θ) for every option, which the similarity index needs: a match
//!   on a rare wrong option is far more telling than a match on the key.

use rayon::prelude::*;

use crate::prepare::{Prepared, OMIT};
use crate::stats::logistic;

/// Number of ability strata for distractor shares.
pub(crate) const STRATA: usize = 5;

/// Fitted response model.
pub(crate) struct IrtModel {
    /// Discrimination per item.
    pub a: Vec<f64>,
    /// Difficulty per item.
    pub b: Vec<f64>,
    /// Ability per session (MAP).
    pub theta: Vec<f64>,
    /// True when item parameters were estimated here, false when given on the form.
    pub estimated: bool,
    /// Upper θ bounds of strata 0..STRATA-1 (last stratum is open).
    pub strata_cut: [f64; STRATA - 1],
    /// Distractor shares `[item][stratum][option]`, zero at the key; each row sums to 1.
    pub distractor: Vec<[Vec<f64>; STRATA]>,
}

/// θ is rounded to this grid for the pair tests, so that option
/// probabilities can be tabulated once per grid point (0.1 is a fifth of the
/// standard error of θ̂ on 80 items).
pub(crate) const GRID_MIN: f64 = -4.0;
pub(crate) const GRID_STEP: f64 = 0.1;
pub(crate) const GRID_N: usize = 81;

/// Grid index of `theta`.
pub(crate) fn grid(theta: f64) -> usize {
    (((theta - GRID_MIN) / GRID_STEP).round().max(0.0) as usize).min(GRID_N - 1)
}

/// The θ of grid index `g`.
pub(crate) fn grid_theta(g: usize) -> f64 {
    GRID_MIN + g as f64 * GRID_STEP
}

impl IrtModel {
    /// Session `j`'s θ rounded to the grid.
    pub fn theta_grid(&self, j: usize) -> f64 {
        grid_theta(grid(self.theta[j]))
    }

    /// P(correct on item `i` | θ).
    pub fn p(&self, i: usize, theta: f64) -> f64 {
        logistic(self.a[i] * (theta - self.b[i]))
    }

    fn stratum(&self, theta: f64) -> usize {
        self.strata_cut
            .iter()
            .position(|&c| theta <= c)
            .unwrap_or(STRATA - 1)
    }

    /// P(choose option `o` on item `i` | θ), for `key` the item's correct option.
    pub fn option_prob(&self, i: usize, key: u8, theta: f64, o: u8) -> f64 {
        let p = self.p(i, theta);
        if o == key {
            p
        } else {
            let shares = &self.distractor[i][self.stratum(theta)];
            (1.0 - p) * shares.get(o as usize).copied().unwrap_or(0.0)
        }
    }
}

/// MAP ability for one response vector given item parameters; returns (θ, SE).
pub(crate) fn map_theta(u: impl Fn(usize) -> bool, a: &[f64], b: &[f64], start: f64) -> (f64, f64) {
    let mut theta = start.clamp(-4.0, 4.0);
    let mut info = 1.0;
    for _ in 0..30 {
        let (mut g, mut h) = (-theta, 1.0);
        for i in 0..a.len() {
            let p = logistic(a[i] * (theta - b[i]));
            g += a[i] * (f64::from(u8::from(u(i))) - p);
            h += a[i] * a[i] * p * (1.0 - p);
        }
        info = h;
        let step = (g / h).clamp(-1.0, 1.0);
        theta = (theta + step).clamp(-4.0, 4.0);
        if step.abs() < 1e-6 {
            break;
        }
    }
    (theta, 1.0 / info.sqrt())
}

/// Fits the model. `given` holds (a, b) per item when the form supplies them all.
pub(crate) fn fit(prep: &Prepared, given: Option<Vec<(f64, f64)>>) -> IrtModel {
    let (ni, ns) = (prep.n_items, prep.n_sessions);
    // Start from standardized logits of the number-correct score.
    let mut theta: Vec<f64> = (0..ns)
        .map(|j| {
            let s = prep.score(j) as f64;
            ((s + 0.5) / (ni as f64 - s + 0.5)).ln()
        })
        .collect();
    standardize(&mut theta);
    let estimated = given.is_none();
    let (mut a, mut b) = match given {
        Some(ab) => ab.into_iter().unzip(),
        None => (vec![1.0; ni], vec![0.0; ni]),
    };
    let rounds = if estimated { 12 } else { 1 };
    for round in 0..rounds {
        if estimated {
            let params: Vec<(f64, f64)> = (0..ni)
                .into_par_iter()
                .map(|i| fit_item(prep, i, &theta, a[i], -a[i] * b[i]))
                .collect();
            for (i, (ai, ci)) in params.into_iter().enumerate() {
                a[i] = ai;
                b[i] = -ci / ai;
            }
        }
        let est: Vec<(f64, f64)> = (0..ns)
            .into_par_iter()
            .map(|j| map_theta(|i| prep.correct(j, i), &a, &b, theta[j]))
            .collect();
        for (j, (t, _se)) in est.into_iter().enumerate() {
            theta[j] = t;
        }
        // The scale is only identified up to a linear transform; pin it to the
        // cohort (except on the last round, so θ matches the final items).
        if estimated && round + 1 < rounds {
            standardize(&mut theta);
        }
    }
    let strata_cut = strata_cuts(&theta);
    let mut model = IrtModel {
        a,
        b,
        theta,
        estimated,
        strata_cut,
        distractor: Vec::new(),
    };
    model.distractor = (0..ni)
        .map(|i| distractor_shares(prep, &model, i))
        .collect();
    model
}

fn standardize(x: &mut [f64]) {
    let n = x.len().max(1) as f64;
    let m = x.iter().sum::<f64>() / n;
    let sd = (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n).sqrt();
    let sd = if sd > 1e-9 { sd } else { 1.0 };
    for v in x {
        *v = ((*v - m) / sd).clamp(-4.0, 4.0);
    }
}

/// Newton steps for one item in slope-intercept form z = aθ + c, with weak
/// normal priors a ~ N(1, 1) and c ~ N(0, 3²).
fn fit_item(prep: &Prepared, i: usize, theta: &[f64], mut a: f64, mut c: f64) -> (f64, f64) {
    for _ in 0..3 {
        let (mut ga, mut gc) = (-(a - 1.0), -c / 9.0);
        let (mut haa, mut hac, mut hcc) = (1.0, 0.0, 1.0 / 9.0);
        for (j, &t) in theta.iter().enumerate() {
            let p = logistic(a * t + c);
            let r = f64::from(u8::from(prep.correct(j, i))) - p;
            let w = p * (1.0 - p);
            ga += r * t;
            gc += r;
            haa += w * t * t;
            hac += w * t;
            hcc += w;
        }
        let det = haa * hcc - hac * hac;
        if det.abs() < 1e-12 {
            break;
        }
        a = (a + (hcc * ga - hac * gc) / det).clamp(0.1, 4.0);
        c = (c + (haa * gc - hac * ga) / det).clamp(-15.0, 15.0);
    }
    (a, c)
}

fn strata_cuts(theta: &[f64]) -> [f64; STRATA - 1] {
    let mut sorted: Vec<f64> = theta.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut cuts = [0.0; STRATA - 1];
    for (k, c) in cuts.iter_mut().enumerate() {
        *c = crate::stats::quantile_sorted(&sorted, (k + 1) as f64 / STRATA as f64);
    }
    cuts
}

fn distractor_shares(prep: &Prepared, m: &IrtModel, i: usize) -> [Vec<f64>; STRATA] {
    let k = prep.options[i] as usize;
    let key = prep.keys[i] as usize;
    let mut counts = vec![[0.0f64; STRATA]; k];
    for j in 0..prep.n_sessions {
        let r = prep.responses[j * prep.n_items + i];
        if r != OMIT && r as usize != key && (r as usize) < k {
            counts[r as usize][m.stratum(m.theta[j])] += 1.0;
        }
    }
    // Overall shares with add-one smoothing, then each stratum smoothed towards them
    // with the weight of two pseudo-answers: thin strata fall back to the item's pattern.
    let total: f64 = counts.iter().map(|c| c.iter().sum::<f64>()).sum();
    let overall: Vec<f64> = (0..k)
        .map(|o| {
            if o == key {
                0.0
            } else {
                (counts[o].iter().sum::<f64>() + 1.0) / (total + (k - 1) as f64)
            }
        })
        .collect();
    std::array::from_fn(|s| {
        let n_s: f64 = (0..k).map(|o| counts[o][s]).sum();
        (0..k)
            .map(|o| {
                if o == key {
                    0.0
                } else {
                    (counts[o][s] + 2.0 * overall[o]) / (n_s + 2.0)
                }
            })
            .collect()
    })
}
