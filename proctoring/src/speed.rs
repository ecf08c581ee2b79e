//! Speed against the cohort: person speed, rapid guessing and response-time
//! person fit, all on van der Linden's lognormal model fitted in [`crate::rt`]
//! (`ln T_ij = β_i − τ_j + ε_ij`, `ε_ij ~ N(0, σ_i²)`).
//!
//! * **person_speed** — τ̂_j (the median of β_i − ln T_ij, so a block of odd
//!   answers cannot move it) against the cohort: z = (τ̂_j − median τ̂)/(1.4826 ×
//!   MAD of τ̂), two-sided normal tail. The model's τ is normal across
//!   examinees; the robust centre and spread keep a few speeders from widening
//!   the yardstick they are measured with.
//! * **rapid_guessing** — an answer is rapid when it took less than 10 % of the
//!   item's cohort median time, at most 10 s (NT10, Wise & Ma 2012).
//!   Response-time effort is the share of answers that were not rapid; the
//!   accuracy of the rapid answers against the chance level of the items is
//!   reported, since near-chance accuracy is what tells guessing from knowing.
//!   The p-value is exact: the number of rapid answers of an honest examinee
//!   of speed τ is Poisson-binomial with P(rapid on i | τ) =
//!   Φ((ln threshold_i − β_i + τ)/σ_i), and τ is integrated over the cohort's
//!   (normal, robustly estimated) speed distribution — an honest examinee who
//!   is simply fast is part of the null, not a false alarm. Without that
//!   integration a rapid responder's own τ would explain their speed away.
//! * **timing_fit** — Σ z_ij² of the standardized residuals with τ at its
//!   weighted least-squares value is χ² with (timed items − 1) degrees of
//!   freedom under the model (van der Linden & Guo, 2008); large values mean
//!   times that jump around far more than this person's speed explains (a block
//!   of leaked items answered in seconds, answers relayed from elsewhere).
//!
//! All three run at α per honest session, like every per-session detector.

use rayon::prelude::*;

use crate::analyze::Ctx;
use crate::flag::{Detector, Evidence, FalseAlarmScope};
use crate::prepare::Prepared;
use crate::rt::RtModel;
use crate::stats::{chi_square_sf, median, normal_cdf, normal_sf};

/// Share of the item's cohort median time below which an answer is rapid.
pub(crate) const RAPID_SHARE: f64 = 0.10;
/// No item's rapid threshold exceeds this many seconds.
pub(crate) const RAPID_CAP_S: f64 = 10.0;
/// Points of the quadrature over the cohort's speed distribution.
const SPEED_NODES: usize = 41;

/// Robust centre and spread of the cohort's speed estimates.
fn cohort_speed(rt: &RtModel) -> Option<(f64, f64)> {
    let mut taus: Vec<f64> = rt.tau.clone();
    let centre = median(&mut taus)?;
    let mut dev: Vec<f64> = taus.iter().map(|t| (t - centre).abs()).collect();
    let spread = 1.4826 * median(&mut dev)?;
    (taus.len() >= 20 && spread > 1e-6).then_some((centre, spread))
}

/// Person speed: extreme τ̂, fast or slow.
pub(crate) fn person_speed(ctx: &mut Ctx, prep: &Prepared, rt: &RtModel) {
    let Some((centre, spread)) = cohort_speed(rt) else {
        return;
    };
    let alpha = ctx.config.alpha_session;
    for j in 0..prep.n_sessions {
        let tau = rt.tau[j];
        let timed = (0..prep.n_items)
            .filter(|&i| prep.log_rt[j * prep.n_items + i].is_finite())
            .count();
        if !tau.is_finite() || timed < 10 {
            continue;
        }
        let z = (tau - centre) / spread;
        let p = (2.0 * normal_sf(z.abs())).min(1.0);
        if p > alpha {
            continue;
        }
        let ratio = (centre - tau).exp();
        let summary = if z > 0.0 {
            format!("works far faster than the cohort: {ratio:.2} × the typical time per item (z = {z:+.1})")
        } else {
            format!("works far slower than the cohort: {ratio:.1} × the typical time per item (z = {z:+.1})")
        };
        ctx.push_session(
            Detector::PersonSpeed,
            j,
            z,
            p,
            alpha,
            FalseAlarmScope::PerSession,
            summary,
            Evidence::PersonSpeed {
                tau,
                cohort_median_tau: centre,
                cohort_sd_tau: spread,
                z,
                time_ratio: ratio,
                timed_items: timed,
            },
        );
    }
}

/// Per item, the rapid threshold in seconds.
pub(crate) fn rapid_thresholds(rt: &RtModel) -> Vec<f64> {
    rt.median_seconds
        .iter()
        .map(|m| (RAPID_SHARE * m).min(RAPID_CAP_S))
        .collect()
}

/// P(at least `r` of the items are rapid) for an honest examinee of speed `tau`,
/// with scores at or above `r` in one bin so no tail is lost to cancellation.
fn rapid_tail_at(rt: &RtModel, thresholds: &[(usize, f64)], tau: f64, r: usize) -> f64 {
    let mut dist = vec![0.0f64; r + 1];
    dist[0] = 1.0;
    for &(i, thr) in thresholds {
        let q = normal_cdf((thr.ln() - rt.beta[i] + tau) / rt.sigma[i]);
        dist[r] += dist[r - 1] * q;
        for k in (1..r).rev() {
            dist[k] = dist[k] * (1.0 - q) + dist[k - 1] * q;
        }
        dist[0] *= 1.0 - q;
    }
    dist[r]
}

/// Rapid guessing against a normative threshold per item.
pub(crate) fn rapid_guessing(ctx: &mut Ctx, prep: &Prepared, rt: &RtModel) {
    let Some((centre, spread)) = cohort_speed(rt) else {
        return;
    };
    let alpha = ctx.config.alpha_session;
    let thr = rapid_thresholds(rt);
    let ni = prep.n_items;
    // Gauss-like quadrature on an even grid over ±5 SD of the cohort's speed.
    let nodes: Vec<(f64, f64)> = {
        let raw: Vec<(f64, f64)> = (0..SPEED_NODES)
            .map(|k| {
                let x = -5.0 + 10.0 * k as f64 / (SPEED_NODES - 1) as f64;
                (centre + spread * x, (-0.5 * x * x).exp())
            })
            .collect();
        let total: f64 = raw.iter().map(|n| n.1).sum();
        raw.into_iter().map(|(t, w)| (t, w / total)).collect()
    };
    let results: Vec<_> = (0..prep.n_sessions)
        .into_par_iter()
        .filter_map(|j| {
            let timed: Vec<(usize, f64)> = (0..ni)
                .filter(|&i| prep.log_rt[j * ni + i].is_finite() && thr[i] > 0.0)
                .map(|i| (i, thr[i]))
                .collect();
            let rapid: Vec<usize> = timed
                .iter()
                .filter(|&&(i, t)| prep.log_rt[j * ni + i] < t.ln())
                .map(|&(i, _)| i)
                .collect();
            if rapid.is_empty() || timed.len() < 10 {
                return None;
            }
            let p: f64 = nodes
                .iter()
                .map(|&(tau, w)| w * rapid_tail_at(rt, &timed, tau, rapid.len()))
                .sum();
            if p > alpha {
                return None;
            }
            let expected: f64 = nodes
                .iter()
                .map(|&(tau, w)| {
                    w * timed
                        .iter()
                        .map(|&(i, t)| normal_cdf((t.ln() - rt.beta[i] + tau) / rt.sigma[i]))
                        .sum::<f64>()
                })
                .sum();
            Some((j, p.max(f64::MIN_POSITIVE), rapid, timed.len(), expected))
        })
        .collect();
    for (j, p, rapid, timed, expected) in results {
        let correct = rapid.iter().filter(|&&i| prep.correct(j, i)).count();
        let chance = rapid
            .iter()
            .map(|&i| 1.0 / f64::from(prep.options[i]))
            .sum::<f64>()
            / rapid.len() as f64;
        let accuracy = correct as f64 / rapid.len() as f64;
        let effort = 1.0 - rapid.len() as f64 / timed as f64;
        let summary = format!(
            "{} of {timed} answers faster than {:.0}% of the item's median time \
             (about {expected:.1} expected); {:.0}% of them correct, chance {:.0}%",
            rapid.len(),
            RAPID_SHARE * 100.0,
            accuracy * 100.0,
            chance * 100.0
        );
        ctx.push_session(
            Detector::RapidGuessing,
            j,
            rapid.len() as f64,
            p,
            alpha,
            FalseAlarmScope::PerSession,
            summary,
            Evidence::RapidGuessing {
                threshold_share: RAPID_SHARE,
                threshold_cap_s: RAPID_CAP_S,
                rapid: rapid.len(),
                timed_items: timed,
                response_time_effort: effort,
                rapid_correct: correct,
                rapid_accuracy: accuracy,
                chance_accuracy: chance,
                expected_rapid: expected,
                items: rapid
                    .iter()
                    .take(20)
                    .map(|&i| ctx.item_ids[i].clone())
                    .collect(),
            },
        );
    }
}

/// Weighted least-squares speed of session `j`: the τ that minimizes Σ z².
fn ls_speed(prep: &Prepared, rt: &RtModel, sigma: &[f64], j: usize) -> Option<f64> {
    let ni = prep.n_items;
    let (mut num, mut den) = (0.0, 0.0);
    for (i, sd) in sigma.iter().enumerate().take(ni) {
        let l = prep.log_rt[j * ni + i];
        if l.is_finite() {
            let w = 1.0 / (sd * sd);
            num += w * (rt.beta[i] - l);
            den += w;
        }
    }
    (den > 0.0).then(|| num / den)
}

/// Residual spread per item for the χ² statistic: the root mean square of the
/// residuals at each session's least-squares speed, corrected for the one
/// parameter fitted per session, leaving out residuals beyond 5 robust SDs.
/// The robust σ of the model fit runs about 1 % low on lognormal data, which
/// inflated Σ z² by 3.5 % and the false-alarm rate to 7.5 % at a nominal 5 %
/// (2,000 honest sessions); this estimate gave 4.6 %.
fn fit_sigma(prep: &Prepared, rt: &RtModel) -> Vec<f64> {
    let ni = prep.n_items;
    let mut sigma = rt.sigma.clone();
    for _ in 0..2 {
        let taus: Vec<Option<f64>> = (0..prep.n_sessions)
            .into_par_iter()
            .map(|j| ls_speed(prep, rt, &sigma, j))
            .collect();
        sigma = (0..ni)
            .into_par_iter()
            .map(|i| {
                let (mut ss, mut n) = (0.0, 0.0);
                for (j, tau) in taus.iter().enumerate() {
                    let (l, Some(tau)) = (prep.log_rt[j * ni + i], tau) else {
                        continue;
                    };
                    let r = l - rt.beta[i] + tau;
                    if r.is_finite() && r.abs() <= 5.0 * rt.sigma[i] {
                        ss += r * r;
                        n += 1.0;
                    }
                }
                if n < 10.0 {
                    return rt.sigma[i];
                }
                (ss / n * ni as f64 / (ni as f64 - 1.0)).sqrt().max(0.05)
            })
            .collect();
    }
    sigma
}

/// Response-time person fit: Σ z² against χ²(timed − 1).
pub(crate) fn timing_fit(ctx: &mut Ctx, prep: &Prepared, rt: &RtModel) {
    let alpha = ctx.config.alpha_session;
    let ni = prep.n_items;
    let sigma = fit_sigma(prep, rt);
    let results: Vec<_> = (0..prep.n_sessions)
        .into_par_iter()
        .filter_map(|j| {
            let timed: Vec<usize> = (0..ni)
                .filter(|&i| prep.log_rt[j * ni + i].is_finite())
                .collect();
            if timed.len() < 10 {
                return None;
            }
            let tau = ls_speed(prep, rt, &sigma, j)?;
            let z: Vec<(usize, f64)> = timed
                .iter()
                .map(|&i| (i, (prep.log_rt[j * ni + i] - rt.beta[i] + tau) / sigma[i]))
                .collect();
            let chi: f64 = z.iter().map(|(_, z)| z * z).sum();
            let df = timed.len() - 1;
            let p = chi_square_sf(chi, df as f64);
            (p <= alpha).then_some((j, chi, df, p.max(f64::MIN_POSITIVE), z))
        })
        .collect();
    for (j, chi, df, p, mut z) in results {
        z.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        let largest: Vec<(String, f64, f64, f64)> = z
            .iter()
            .take(5)
            .map(|&(i, zi)| {
                (
                    ctx.item_ids[i].clone(),
                    zi,
                    prep.log_rt[j * ni + i].exp(),
                    rt.median_seconds[i],
                )
            })
            .collect();
        let summary = format!(
            "response times far more erratic than this examinee's speed explains \
             (χ² = {chi:.0} on {df} df; largest residual {:+.1} SD on {})",
            largest[0].1, largest[0].0
        );
        ctx.push_session(
            Detector::TimingFit,
            j,
            chi,
            p,
            alpha,
            FalseAlarmScope::PerSession,
            summary,
            Evidence::TimingFit {
                chi_square: chi,
                df,
                largest,
            },
        );
    }
}
