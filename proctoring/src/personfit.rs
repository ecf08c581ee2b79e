//! Person fit (lz*) and score jumps against earlier attempts.
//!
//! **lz\*** (Snijders, 2001) is the standardized log-likelihood of the answer
//! pattern corrected for the fact that θ is estimated from the same answers;
//! the uncorrected lz is conservative and loses power. Large negative values
//! mean the pattern is unlikely for anyone of this ability: hard items right
//! while easy ones are wrong, typical of partial pre-knowledge or copying.
//! Guttman errors are reported alongside as an assumption-free count.
//!
//! **Score jump** compares the proportion correct with the most recent earlier
//! attempt. Under "no change beyond a practice gain δ" the difference of two
//! proportions has binomial variance; the binomial variance is an upper bound
//! for a fixed form, so the test errs towards fewer flags. δ is a stated
//! assumption ([`crate::Config::practice_gain`]), not estimated.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::analyze::Ctx;
use crate::flag::{Detector, Evidence, FalseAlarmScope};
use crate::input::Dataset;
use crate::irt::IrtModel;
use crate::prepare::Prepared;
use crate::stats::{normal_cdf, normal_sf, weighted_bernoulli_cdf_real};

/// lz* of session `j` (MAP θ with N(0,1) prior, hence r₀(θ) = −θ), and the
/// exact lower-tail p-value of its numerator Σ u_i w̃_i when `exact` is set.
///
/// The normal tail of lz* is too thin for 80 items at α = 0.001 (we measured
/// about 2.5× the nominal rate), so candidate sessions get the exact
/// distribution of the corrected numerator under independent Bernoulli(P_i(θ̂))
/// answers, by dynamic programming over weights rounded to 0.05.
pub(crate) fn lz_star(prep: &Prepared, irt: &IrtModel, j: usize, exact: bool) -> (f64, f64) {
    let theta = irt.theta[j];
    let (mut w_sum, mut num_c, mut den_c) = (0.0, 0.0, 0.0);
    let ps: Vec<f64> = (0..prep.n_items).map(|i| irt.p(i, theta)).collect();
    for (i, &p) in ps.iter().enumerate() {
        let q = 1.0 - p;
        let w = (p / q).ln();
        let u = f64::from(u8::from(prep.correct(j, i)));
        w_sum += (u - p) * w;
        let dp = irt.a[i] * p * q;
        num_c += dp * w;
        den_c += dp * irt.a[i];
    }
    let c = num_c / den_c.max(1e-12);
    let wt: Vec<f64> = ps
        .iter()
        .enumerate()
        .map(|(i, &p)| (p / (1.0 - p)).ln() - c * irt.a[i])
        .collect();
    let tau2: f64 = ps.iter().zip(&wt).map(|(p, w)| w * w * p * (1.0 - p)).sum();
    let lz = (w_sum - c * theta) / tau2.max(1e-12).sqrt();
    if !exact {
        return (lz, normal_cdf(lz));
    }
    let observed: f64 = (0..prep.n_items)
        .filter(|&i| prep.correct(j, i))
        .map(|i| wt[i])
        .sum();
    (lz, weighted_bernoulli_cdf_real(&ps, &wt, observed, 0.05))
}

fn guttman(prep: &Prepared, easiest_first: &[usize], j: usize) -> (usize, f64) {
    // Count pairs (easier item wrong, harder item right).
    let (mut wrong_so_far, mut errors, mut right) = (0usize, 0usize, 0usize);
    for &i in easiest_first {
        if prep.correct(j, i) {
            errors += wrong_so_far;
            right += 1;
        } else {
            wrong_so_far += 1;
        }
    }
    let max = right * (easiest_first.len() - right);
    (
        errors,
        if max > 0 {
            errors as f64 / max as f64
        } else {
            0.0
        },
    )
}

/// Person-fit detector.
pub(crate) fn person_fit(ctx: &mut Ctx, prep: &Prepared, irt: &IrtModel) {
    let alpha = ctx.config.alpha_session;
    let mut easiest_first: Vec<usize> = (0..prep.n_items).collect();
    let pc: Vec<usize> = (0..prep.n_items)
        .map(|i| (0..prep.n_sessions).filter(|&j| prep.correct(j, i)).count())
        .collect();
    easiest_first.sort_by_key(|&i| std::cmp::Reverse(pc[i]));
    let results: Vec<(usize, f64, f64)> = (0..prep.n_sessions)
        .into_par_iter()
        .filter_map(|j| {
            let score = prep.score(j);
            // All-right and all-wrong patterns fit any model perfectly.
            if score == 0 || score == prep.n_items {
                return None;
            }
            // Normal tail as a screen (generous: 20α), exact tail to decide.
            let (_, p_normal) = lz_star(prep, irt, j, false);
            if p_normal > (20.0 * alpha).min(1.0) {
                return None;
            }
            let (lz, p) = lz_star(prep, irt, j, true);
            (p <= alpha).then_some((j, lz, p))
        })
        .collect();
    for (j, lz, p) in results {
        let (g, gn) = guttman(prep, &easiest_first, j);
        let score = prep.score(j);
        ctx.push_session(
            Detector::PersonFit,
            j,
            lz,
            p,
            alpha,
            FalseAlarmScope::PerSession,
            format!("answer pattern unlikely for this ability (lz* = {lz:.2}; {g} Guttman errors)"),
            Evidence::PersonFit {
                lz_star: lz,
                guttman_errors: g,
                guttman_normed: gn,
                score,
                theta: irt.theta[j],
            },
        );
    }
}

/// Score-jump detector.
pub(crate) fn score_jump(ctx: &mut Ctx, prep: &Prepared, data: &Dataset) {
    let alpha = ctx.config.alpha_session;
    let delta = ctx.config.practice_gain;
    let ni = prep.n_items as f64;
    // Sessions in this file by examinee, to find earlier attempts on this form.
    let mut by_person: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, s) in data.sessions.iter().enumerate() {
        by_person.entry(s.examinee_id.as_str()).or_default().push(j);
    }
    for (j, s) in data.sessions.iter().enumerate() {
        let in_file = by_person[s.examinee_id.as_str()]
            .iter()
            .filter(|&&k| data.sessions[k].attempt.number < s.attempt.number)
            .max_by_key(|&&k| data.sessions[k].attempt.number)
            .map(|&k| (prep.score(k) as f64 / ni, ni));
        // Prefer an earlier attempt on this very form; else the latest recorded one.
        let recorded = s
            .attempt
            .previous
            .iter()
            .enumerate()
            .max_by_key(|(k, p)| (p.at, *k))
            .map(|(_, p)| (p.proportion_correct, f64::from(p.items)));
        let Some((prev, n_prev)) = in_file.or(recorded) else {
            continue;
        };
        let earlier = s.attempt.previous.len()
            + by_person[s.examinee_id.as_str()]
                .iter()
                .filter(|&&k| data.sessions[k].attempt.number < s.attempt.number)
                .count();
        let now = prep.score(j) as f64 / ni;
        let pooled = ((now * ni + prev * n_prev) / (ni + n_prev)).clamp(0.02, 0.98);
        let se = (pooled * (1.0 - pooled) * (1.0 / ni + 1.0 / n_prev)).sqrt();
        let z = (now - prev - delta) / se;
        let p = normal_sf(z);
        if p > alpha {
            continue;
        }
        ctx.push_session(
            Detector::ScoreJump,
            j,
            z,
            p,
            alpha,
            FalseAlarmScope::PerSession,
            format!(
                "score rose from {:.0}% to {:.0}% correct (practice gain allowed: {:.0} points)",
                prev * 100.0,
                now * 100.0,
                delta * 100.0
            ),
            Evidence::ScoreJump {
                current: now,
                previous: prev,
                allowed_gain: delta,
                earlier_attempts: earlier,
            },
        );
    }
}
