//! Answer-and-timing similarity between every pair of sessions (answer
//! copying, answer sharing in real time), in the spirit of Wollack's ω and van
//! der Linden & Sotaridona's generalized binomial test, with the timing of
//! every answer as a second source of evidence.
//!
//! Every directed pair (copier c, source s) gets one test: the
//! likelihood-ratio score of identical answers, where an identical answer that
//! c gave within seconds after s counts more the less likely that was for c at
//! its own pace, and whose null distribution is exact and conditional on c's
//! number-right score ([`crate::pair_test`] has the model and the reasons).
//! Both directions are tested; a pair is reported in its stronger direction.
//!
//! Which false-alarm rate α refers to is a [`PairErrorRate`] in the configuration
//! (the multiple-testing step is [`crate::pair_family`]):
//!
//! * **per session** (default): the probability that an honest session ends
//!   up in *any* similarity flag is at most α — the same unit as every other
//!   detector, so a cohort of N honest sessions expects at most α·N
//!   similarity flags.
//! * **familywise**: the probability that *any* honest pair in the cohort is
//!   flagged is at most α (Holm's step-down over all directed tests).
//!
//! Pairs that share an IP or device fingerprint form a second, pre-declared
//! family with its own share of α: a shared network is prior evidence, so such
//! pairs need less agreement, while the rate stays ≤ α by the union bound.
//!
//! Speed: all pairs go through [`crate::screen`] (bit-packed answers, SIMD
//! match sums, run-time dispatch); only the pairs it passes get the exact test.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analyze::{Ctx, RunOptions, ScreenAudit};
use crate::clusters::{clusters, describe};
use crate::flag::{Detector, Evidence, FalseAlarmScope, Flag, FlagId, Severity};
use crate::irt::IrtModel;
use crate::pair_family::{decide, Levels};
use crate::pair_test::{exact, timing_evidence, timing_given_answers, FOLLOW_WINDOW_S};
use crate::prepare::Prepared;
use crate::rt::RtModel;
use crate::screen::{screen, Packed, Thresholds, Timing, Z_MARGIN};
use crate::simd::simd_path;
use crate::stats::normal_upper_quantile;

/// What the similarity detector's α bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PairErrorRate {
    /// P(an honest session appears in any similarity flag) ≤ α.
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
    /// Unordered pairs whose answer times overlap, so timing was compared too.
    pub overlapping_pairs: u64,
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
    /// The screen's z for all pairs.
    pub screen_z: f64,
    /// The SIMD instructions the screen used.
    #[serde(skip)]
    pub simd: &'static str,
    /// Seconds in the all-pairs screen.
    #[serde(skip)]
    pub screen_seconds: f64,
    /// Seconds in the confirm stage and the exact tests (and a screen audit).
    #[serde(skip)]
    pub exact_seconds: f64,
}

/// Share of honest directed pairs the screen-and-confirm family selects on
/// their answers (proxy z ≥ 2.33).
const SELECT_SHARE: f64 = 0.01;

/// Pairs of sessions sharing an IP or device (groups above the cap excluded).
pub(crate) fn network_pairs(prep: &Prepared) -> HashMap<(u32, u32), Vec<String>> {
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

/// The per-test levels of a run, and the loosest shared-network level.
fn levels(
    prep: &Prepared,
    alpha: f64,
    error_rate: PairErrorRate,
    net: &HashMap<(u32, u32), Vec<String>>,
) -> (Levels, f64) {
    let n = prep.n_sessions as u64;
    let pairs = n * n.saturating_sub(1) / 2;
    let (alpha_all, alpha_confirm, alpha_net) = Levels::split(alpha, !net.is_empty());
    let mut degree = vec![0usize; prep.n_sessions];
    for &(a, b) in net.keys() {
        degree[a as usize] += 1;
        degree[b as usize] += 1;
    }
    let all_tests = match error_rate {
        PairErrorRate::PerSession => 2 * n.saturating_sub(1),
        PairErrorRate::Familywise => 2 * pairs,
    };
    let threshold_net = match error_rate {
        PairErrorRate::PerSession => alpha_net / 2.0,
        PairErrorRate::Familywise => alpha_net / (2 * net.len()).max(1) as f64,
    };
    (
        Levels {
            alpha_all,
            alpha_confirm,
            alpha_net,
            all_tests,
            all: alpha_all / all_tests.max(1) as f64,
            degree,
        },
        threshold_net,
    )
}

/// Runs the all-pairs similarity detector and adds its flags to `ctx`.
pub(crate) fn similarity(
    ctx: &mut Ctx,
    prep: &Prepared,
    irt: &IrtModel,
    rt: &RtModel,
    options: &RunOptions,
) -> (SimilarityStats, Option<ScreenAudit>) {
    let n = prep.n_sessions as u64;
    let alpha = ctx.config.alpha_pairs;
    let error_rate = ctx.config.pair_error_rate;
    let net = network_pairs(prep);
    let (levels, threshold_net) = levels(prep, alpha, error_rate, &net);
    let z_for = |level: f64| {
        if level > 0.0 {
            (normal_upper_quantile(level) - Z_MARGIN).max(1.0)
        } else {
            f64::INFINITY
        }
    };
    let mut stats = SimilarityStats {
        error_rate,
        pairs: n * n.saturating_sub(1) / 2,
        shared_network_pairs: net.len() as u64,
        threshold_all: levels.all,
        threshold_network: threshold_net,
        screen_z: z_for(levels.all),
        simd: simd_path().name(),
        ..Default::default()
    };
    if prep.n_sessions < 2 {
        return (stats, None);
    }
    // Same examinee (several attempts) is not a pair to compare.
    let mut person_ids: HashMap<&str, u32> = HashMap::new();
    let person: Vec<u32> = ctx
        .examinee_ids
        .iter()
        .map(|e| {
            let k = person_ids.len() as u32;
            *person_ids.entry(e.as_str()).or_insert(k)
        })
        .collect();
    let packed = Packed::new(prep, irt);
    let thresholds = Thresholds {
        z_select: normal_upper_quantile(SELECT_SHARE),
        z: stats.screen_z,
        z_loose: z_for(threshold_net),
        loose: &net,
        person: &person,
        audit_per_block: options
            .audit_near_misses
            .div_ceil(prep.n_sessions.div_ceil(crate::screen::BLOCK)),
    };
    let timing = Timing { prep, rt };
    let t0 = std::time::Instant::now();
    let screened = screen(&packed, &timing, &thresholds, options.progress);
    stats.screen_seconds = t0.elapsed().as_secs_f64();
    let t1 = std::time::Instant::now();
    stats.overlapping_pairs = screened.overlapping;
    let audit = (options.audit_near_misses > 0).then(|| {
        let ps: Vec<f64> = screened
            .near_misses
            .par_iter()
            .map(|&(c, s)| exact(prep, irt, Some(rt), c as usize, s as usize).p)
            .collect();
        ScreenAudit {
            near_misses: screened.near_miss_count,
            tested: ps.len(),
            smallest_p: ps.iter().copied().fold(1.0, f64::min),
            level: levels.all,
            reached: ps.iter().filter(|&&p| p <= levels.all).count(),
        }
    });
    // The confirm stage, and which of its pairs could be flagged by it.
    let confirmed: Vec<((u32, u32), f64)> = screened
        .to_confirm
        .par_iter()
        .map(|&(c, s)| {
            (
                (c, s),
                timing_given_answers(prep, irt, rt, c as usize, s as usize),
            )
        })
        .collect();
    let busier = |c: u32, s: u32| {
        screened.selected[c as usize]
            .max(screened.selected[s as usize])
            .max(1)
    };
    let mut candidates = screened.candidates.clone();
    candidates.extend(
        confirmed
            .iter()
            .filter(|&&((c, s), p)| match error_rate {
                PairErrorRate::PerSession => p <= levels.alpha_confirm / f64::from(busier(c, s)),
                PairErrorRate::Familywise => p <= levels.alpha_confirm,
            })
            .map(|c| c.0),
    );
    candidates.sort_unstable();
    candidates.dedup();
    stats.exact_evaluated = candidates.len() as u64;
    let min_common = ctx.config.min_common_items;
    let tested: Vec<((u32, u32), crate::pair_test::Exact)> = candidates
        .into_par_iter()
        .map(|(c, s)| ((c, s), exact(prep, irt, Some(rt), c as usize, s as usize)))
        .filter(|(_, e)| e.common >= min_common)
        .collect();
    stats.exact_seconds = t1.elapsed().as_secs_f64();
    let scope = match error_rate {
        PairErrorRate::PerSession => FalseAlarmScope::PerSessionAnyPartner,
        PairErrorRate::Familywise => FalseAlarmScope::FamilywiseAllPairs,
    };
    let mut flagged = decide(
        error_rate,
        tested,
        &confirmed,
        &screened.selected,
        &net,
        &levels,
    );
    flagged.sort_by_key(|f| f.key);
    let groups = clusters(prep.n_sessions, flagged.iter().map(|f| f.key));
    let mut pair_flags = Vec::new();
    for f in flagged {
        let e = &f.exact;
        let (ci, si) = (f.dir.0 as usize, f.dir.1 as usize);
        let cluster = groups
            .iter()
            .position(|g| g.contains(&f.key.0))
            .unwrap_or(0);
        let net_note = if f.shared.is_empty() {
            String::new()
        } else {
            format!("; shared {}", f.shared.join(", "))
        };
        let timing_note = if e.follows > 0 {
            format!(
                "; {} of them within {FOLLOW_WINDOW_S:.0} s after the source's ({:.1} expected)",
                e.follows, e.expected_follows
            )
        } else {
            String::new()
        };
        let summary = format!(
            "{} identical answers ({} identical wrong) where {:.1} expected{timing_note}{net_note}",
            e.identical, e.identical_incorrect, e.expected
        );
        let answers_only = exact(prep, irt, None, ci, si).p;
        let t = timing_evidence(prep, ci, si);
        let sessions = [ctx.session_ids[ci].clone(), ctx.session_ids[si].clone()];
        pair_flags.push(Flag {
            id: FlagId::new(
                &ctx.form_id,
                Detector::AnswerSimilarity,
                &[&sessions[0], &sessions[1]],
            ),
            detector: Detector::AnswerSimilarity,
            examinees: vec![ctx.examinee_ids[ci].clone(), ctx.examinee_ids[si].clone()],
            sessions: sessions.to_vec(),
            severity: Severity::from_p(f.p_value, f.threshold),
            statistic: e.statistic,
            p_value: f.p_value,
            threshold: f.threshold,
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
                shared_network: f.shared.clone(),
                cluster,
                follows: e.follows,
                expected_follows: e.expected_follows,
                follow_window_s: FOLLOW_WINDOW_S,
                median_lag_s: t.median_lag_s,
                log_rt_correlation: t.log_rt_correlation,
                p_answers_only: answers_only,
                family: f.family.name().to_string(),
                p_timing_given_answers: f.p_confirm,
                selected_tests: f.selected,
                copier_score: prep.score(ci),
            },
            answer_changes: Vec::new(),
        });
    }
    ctx.clusters = describe(ctx, prep, &groups, &pair_flags);
    ctx.flags.extend(pair_flags);
    (stats, audit)
}
