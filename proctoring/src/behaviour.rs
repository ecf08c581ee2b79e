//! Behavioural events (focus loss, face absence, …) compared with the cohort.
//!
//! Event rates differ a lot between honest examinees (flaky Wi-Fi, a webcam
//! that loses the face in poor light), so a Poisson model with one cohort
//! rate would flag far too many. Instead every statistic — count per kind and,
//! where meaningful, total seconds per kind — is turned into its empirical
//! cohort tail share, the shares are combined into one score
//! (Σ −ln tail, Fisher-style), and the session's p-value is the share of
//! cohort sessions with a combined score at least as high. Under
//! exchangeability of honest sessions that p-value is valid at every level,
//! with no distributional assumption. The price: the smallest possible p is
//! 1/N, so the detector needs N ≥ 1/α sessions and only ever points at the
//! most extreme ones.

use crate::analyze::Ctx;
use crate::flag::{Detector, EventStat, Evidence, FalseAlarmScope};
use crate::input::EventKind;
use crate::prepare::Prepared;
use crate::stats::quantile_sorted;

/// Share of `sorted` at or above `x`.
fn tail_share(sorted: &[f64], x: f64) -> f64 {
    let below = sorted.partition_point(|v| *v < x);
    (sorted.len() - below) as f64 / sorted.len() as f64
}

/// Runs the detector; returns `Some(reason)` when it cannot run.
pub(crate) fn behaviour(ctx: &mut Ctx, prep: &Prepared) -> Option<String> {
    let n = prep.n_sessions;
    let alpha = ctx.config.alpha_session;
    if (n as f64) < 1.0 / alpha {
        return Some(format!(
            "behaviour: {n} sessions; the cohort comparison needs at least {:.0} to reach α = {alpha}",
            (1.0 / alpha).ceil()
        ));
    }
    // Column per statistic: (name, value per session).
    let mut columns: Vec<(String, Vec<f64>)> = Vec::new();
    for (k, kind) in EventKind::ALL.iter().enumerate() {
        columns.push((
            format!("{} count", kind.name()),
            prep.event_counts.iter().map(|c| c[k]).collect(),
        ));
        if kind.has_duration() {
            columns.push((
                format!("{} seconds", kind.name()),
                prep.event_durations.iter().map(|d| d[k]).collect(),
            ));
        }
    }
    // Statistics nobody in the cohort has carry no information.
    columns.retain(|(_, v)| v.iter().any(|x| *x > 0.0));
    if columns.is_empty() {
        return None;
    }
    let sorted: Vec<Vec<f64>> = columns
        .iter()
        .map(|(_, v)| {
            let mut s = v.clone();
            s.sort_by(f64::total_cmp);
            s
        })
        .collect();
    let tails: Vec<Vec<f64>> = (0..n)
        .map(|j| {
            columns
                .iter()
                .zip(&sorted)
                .map(|((_, v), s)| if v[j] > 0.0 { tail_share(s, v[j]) } else { 1.0 })
                .collect()
        })
        .collect();
    let combined: Vec<f64> = tails
        .iter()
        .map(|t| t.iter().map(|p| -p.ln()).sum())
        .collect();
    let mut combined_sorted = combined.clone();
    combined_sorted.sort_by(f64::total_cmp);
    for j in 0..n {
        if combined[j] <= 0.0 {
            continue;
        }
        let p = tail_share(&combined_sorted, combined[j]);
        if p > alpha {
            continue;
        }
        let mut stats: Vec<EventStat> = columns
            .iter()
            .zip(&sorted)
            .zip(&tails[j])
            .filter(|((col, _), _)| col.1[j] > 0.0)
            .map(|(((name, v), s), &tail)| EventStat {
                name: name.clone(),
                value: v[j],
                cohort_median: quantile_sorted(s, 0.5),
                cohort_p99: quantile_sorted(s, 0.99),
                cohort_tail: tail,
            })
            .collect();
        stats.sort_by(|a, b| a.cohort_tail.total_cmp(&b.cohort_tail));
        stats.truncate(5);
        let summary = stats
            .iter()
            .take(3)
            .map(|s| {
                format!(
                    "{} {:.0} (cohort median {:.0})",
                    s.name, s.value, s.cohort_median
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        ctx.push_session(
            Detector::Behaviour,
            j,
            combined[j],
            p,
            alpha,
            FalseAlarmScope::PerSession,
            format!("client events far above the cohort: {summary}"),
            Evidence::Behaviour {
                stats,
                cohort_sessions: n,
            },
        );
    }
    None
}
