//! Response-time detectors on van der Linden's lognormal model:
//! `ln T_ij = β_i − τ_j + ε_ij`, `ε_ij ~ N(0, σ_i²)`, with β_i the item's time
//! intensity, τ_j the examinee's speed and σ_i the item's residual spread.
//!
//! The model is fitted on the cohort by alternating updates. τ_j is the
//! *median* over the session's items so that a block of very fast answers
//! (the signature of pre-knowledge) cannot drag the examinee's own speed
//! estimate and hide itself; σ_i uses the MAD for the same reason.
//!
//! Two detectors use the standardized residual z_ij = (ln T_ij − β_i + τ_j)/σ_i:
//! * **fast_correct**: number of answers with z below a threshold *and*
//!   correct. Under the model speed and accuracy are conditionally independent,
//!   so each item contributes Bernoulli(Φ(z₀)·P_i(θ_j)) and the count has an
//!   exact Poisson-binomial tail.
//! * **speed_shift**: Welch t-test of residuals in the first vs second half of
//!   the session (presentation order): rapid guessing at the end, or a block of
//!   leaked items, shifts the mean residual.

use rayon::prelude::*;

use crate::analyze::Ctx;
use crate::flag::{Detector, Evidence, FalseAlarmScope};
use crate::irt::IrtModel;
use crate::prepare::Prepared;
use crate::stats::{median, normal_cdf, poisson_binomial_sf, student_t_two_sided};

/// Fitted lognormal response-time model.
pub(crate) struct RtModel {
    /// Time intensity per item.
    pub beta: Vec<f64>,
    /// Residual standard deviation per item.
    pub sigma: Vec<f64>,
    /// Speed per session (NaN when no timed answers).
    pub tau: Vec<f64>,
    /// Cohort median response time per item in seconds (for evidence).
    pub median_seconds: Vec<f64>,
}

impl RtModel {
    /// Standardized residual of session `j` on item `i`; NaN when the time is unknown.
    pub fn z(&self, prep: &Prepared, j: usize, i: usize) -> f64 {
        let l = prep.log_rt[j * prep.n_items + i];
        (l - self.beta[i] + self.tau[j]) / self.sigma[i]
    }
}

pub(crate) fn fit(prep: &Prepared) -> RtModel {
    let (ni, ns) = (prep.n_items, prep.n_sessions);
    let lt = &prep.log_rt;
    let mut tau = vec![0.0; ns];
    let mut beta = vec![0.0; ni];
    for _ in 0..8 {
        for (i, b) in beta.iter_mut().enumerate() {
            let (mut s, mut n) = (0.0, 0.0);
            for j in 0..ns {
                let l = lt[j * ni + i];
                if l.is_finite() {
                    s += l + tau[j];
                    n += 1.0;
                }
            }
            *b = if n > 0.0 { s / n } else { 0.0 };
        }
        tau = (0..ns)
            .into_par_iter()
            .map(|j| {
                let mut d: Vec<f64> = (0..ni).map(|i| beta[i] - lt[j * ni + i]).collect();
                median(&mut d).unwrap_or(f64::NAN)
            })
            .collect();
        // Identify the scale: mean speed zero over sessions with times.
        let known: Vec<f64> = tau.iter().copied().filter(|t| t.is_finite()).collect();
        let m = known.iter().sum::<f64>() / known.len().max(1) as f64;
        tau.iter_mut().for_each(|t| *t -= m);
    }
    let (sigma, median_seconds) = (0..ni)
        .into_par_iter()
        .map(|i| {
            let mut res: Vec<f64> = (0..ns).map(|j| lt[j * ni + i] - beta[i] + tau[j]).collect();
            let mut secs: Vec<f64> = (0..ns).map(|j| lt[j * ni + i].exp()).collect();
            let med = median(&mut res).unwrap_or(0.0);
            let mut dev: Vec<f64> = res.iter().map(|r| (r - med).abs()).collect();
            let mad = median(&mut dev).unwrap_or(1.0);
            (
                (1.4826 * mad).max(0.05),
                median(&mut secs).unwrap_or(f64::NAN),
            )
        })
        .unzip();
    RtModel {
        beta,
        sigma,
        tau,
        median_seconds,
    }
}

/// Fast-and-correct answers (pre-knowledge of items).
pub(crate) fn fast_correct(ctx: &mut Ctx, prep: &Prepared, rt: &RtModel, irt: &IrtModel) {
    let z0 = ctx.config.fast_z;
    let q = normal_cdf(z0);
    let alpha = ctx.config.alpha_session;
    let results: Vec<_> = (0..prep.n_sessions)
        .into_par_iter()
        .filter_map(|j| {
            let mut ps = Vec::with_capacity(prep.n_items);
            let mut hits = Vec::new();
            for i in 0..prep.n_items {
                let z = rt.z(prep, j, i);
                if !z.is_finite() {
                    continue;
                }
                ps.push(q * irt.p(i, irt.theta[j]));
                if z < z0 && prep.correct(j, i) {
                    hits.push(i);
                }
            }
            if hits.is_empty() || ps.len() < 10 {
                return None;
            }
            let p = poisson_binomial_sf(&ps, hits.len());
            (p <= alpha).then(|| (j, p, hits, ps.iter().sum::<f64>(), ps.len()))
        })
        .collect();
    for (j, p, hits, expected, timed) in results {
        let mut secs: Vec<f64> = hits
            .iter()
            .map(|&i| prep.log_rt[j * prep.n_items + i].exp())
            .collect();
        let mut cohort: Vec<f64> = hits.iter().map(|&i| rt.median_seconds[i]).collect();
        let evidence = Evidence::FastCorrect {
            fast_correct: hits.len(),
            expected,
            timed_items: timed,
            items: hits
                .iter()
                .take(20)
                .map(|&i| ctx.item_ids[i].clone())
                .collect(),
            median_seconds: median(&mut secs).unwrap_or(f64::NAN),
            cohort_median_seconds: median(&mut cohort).unwrap_or(f64::NAN),
        };
        let summary = format!(
            "{} answers both unusually fast and correct (about {expected:.1} expected)",
            hits.len()
        );
        ctx.push_session(
            Detector::FastCorrect,
            j,
            hits.len() as f64,
            p,
            alpha,
            FalseAlarmScope::PerSession,
            summary,
            evidence,
        );
    }
}

/// Speed shift between the halves of the session.
pub(crate) fn speed_shift(ctx: &mut Ctx, prep: &Prepared, rt: &RtModel) {
    let alpha = ctx.config.alpha_session;
    let results: Vec<_> = (0..prep.n_sessions)
        .into_par_iter()
        .filter_map(|j| {
            let order = &prep.order[j];
            let half = order.len() / 2;
            let summarize = |items: &[u16]| {
                let zs: Vec<f64> = items
                    .iter()
                    .map(|&i| rt.z(prep, j, i as usize))
                    .filter(|z| z.is_finite())
                    .collect();
                let n = zs.len() as f64;
                let m = zs.iter().sum::<f64>() / n.max(1.0);
                let v = zs.iter().map(|z| (z - m) * (z - m)).sum::<f64>() / (n - 1.0).max(1.0);
                let correct = items
                    .iter()
                    .filter(|&&i| prep.correct(j, i as usize))
                    .count();
                (n, m, v, correct as f64 / items.len().max(1) as f64)
            };
            let (n1, m1, v1, c1) = summarize(&order[..half]);
            let (n2, m2, v2, c2) = summarize(&order[half..]);
            if n1 < 10.0 || n2 < 10.0 {
                return None;
            }
            let (s1, s2) = (v1 / n1, v2 / n2);
            let se = (s1 + s2).sqrt().max(1e-9);
            let t = (m2 - m1) / se;
            // Welch–Satterthwaite degrees of freedom.
            let df = (s1 + s2).powi(2) / (s1 * s1 / (n1 - 1.0) + s2 * s2 / (n2 - 1.0)).max(1e-300);
            let p = student_t_two_sided(t, df);
            (p <= alpha).then_some((j, p, t, m1, m2, c1, c2))
        })
        .collect();
    for (j, p, t, m1, m2, c1, c2) in results {
        let dir = if m2 < m1 { "faster" } else { "slower" };
        let summary = format!(
            "second half much {dir} than the first (residual {m1:+.2} → {m2:+.2} SD; correct {:.0}% → {:.0}%)",
            c1 * 100.0,
            c2 * 100.0
        );
        let evidence = Evidence::SpeedShift {
            first_half_residual: m1,
            second_half_residual: m2,
            first_half_correct: c1,
            second_half_correct: c2,
            t,
        };
        ctx.push_session(
            Detector::SpeedShift,
            j,
            t,
            p,
            alpha,
            FalseAlarmScope::PerSession,
            summary,
            evidence,
        );
    }
}
