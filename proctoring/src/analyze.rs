//! The analysis pipeline: prepare the data, fit the response and
//! response-time models on the cohort, run every detector, and assemble a
//! report sorted by severity.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::clusters::Cluster;
use crate::flag::WrongToRight;
use crate::flag::{Detector, Evidence, FalseAlarmScope, Flag, FlagId, Severity, DISCLAIMER};
use crate::input::Dataset;
use crate::prepare::{prepare, DataNote};
use crate::similarity::{PairErrorRate, SimilarityStats};
use crate::stats::binomial_sf;
use crate::{behaviour, irt, personfit, rt, similarity, speed};

/// Thresholds and assumptions of an analysis. Every number here is printed
/// with the report so a reviewer knows what a flag was tested against.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Per-session false-alarm rate of the per-session detectors.
    pub alpha_session: f64,
    /// False-alarm rate of the similarity detector; what it bounds is `pair_error_rate`.
    pub alpha_pairs: f64,
    /// Per honest session (default) or familywise over the whole cohort.
    pub pair_error_rate: PairErrorRate,
    /// Standardized log-time residual below which an answer counts as "fast"
    /// (−2.326 is the fastest 1 % of honest answers).
    pub fast_z: f64,
    /// Practice gain in proportion correct allowed between attempts.
    pub practice_gain: f64,
    /// Pairs with fewer commonly answered items are not tested.
    pub min_common_items: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            alpha_session: 0.001,
            alpha_pairs: 0.001,
            pair_error_rate: PairErrorRate::PerSession,
            fast_z: -2.326,
            practice_gain: 0.05,
            min_common_items: 10,
        }
    }
}

/// Model facts reported with the flags.
#[derive(Debug, Clone, Serialize)]
pub struct ModelSummary {
    /// Whether 2PL item parameters were estimated from this cohort (else taken from the form).
    pub irt_estimated: bool,
    /// Mean item discrimination.
    pub mean_discrimination: f64,
    /// Mean item difficulty.
    pub mean_difficulty: f64,
    /// Similarity search counts and thresholds.
    pub similarity: SimilarityStats,
}

/// How the similarity screen fared against the exact test, when asked
/// ([`RunOptions::audit_near_misses`]).
#[derive(Debug, Clone, Default)]
pub struct ScreenAudit {
    /// Directed pairs the screen dropped with a proxy z within 1 of its threshold.
    pub near_misses: u64,
    /// How many of them (a uniform sample) got the exact test.
    pub tested: usize,
    /// The smallest exact p-value among them.
    pub smallest_p: f64,
    /// The per-test level of the all-pairs family they would have needed.
    pub level: f64,
    /// How many reached it (the screen would have lost them).
    pub reached: usize,
}

/// How to run an analysis, beyond its thresholds.
pub struct RunOptions<'a> {
    /// Told how many pairs of sessions the similarity screen has compared
    /// since its last call (of N(N−1)/2 in all).
    pub progress: &'a (dyn Fn(u64) + Sync),
    /// Give this many of the pairs the screen dropped nearest to its threshold
    /// the exact test, to check that none would have been flagged (0: none).
    pub audit_near_misses: usize,
}

/// Wall-clock time per stage, in seconds (not serialized into reports).
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Parsing-free preparation of matrices.
    pub prepare: f64,
    /// Fitting IRT and response-time models.
    pub models: f64,
    /// The all-pairs similarity search.
    pub similarity: f64,
    /// The other detectors.
    pub other: f64,
}

/// Result of an analysis.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Flags are evidence for review, never verdicts.
    pub disclaimer: &'static str,
    /// The form analysed.
    pub form_id: String,
    /// Number of sessions.
    pub sessions: usize,
    /// Thresholds used.
    pub config: Config,
    /// Flags, most severe first.
    pub flags: Vec<Flag>,
    /// Groups of sessions linked by similarity flags, with their evidence.
    pub clusters: Vec<Cluster>,
    /// Data-quality notes (sessions are analysed regardless).
    pub notes: Vec<DataNote>,
    /// Detectors that could not run, with the reason.
    pub skipped: Vec<String>,
    /// Fitted model facts.
    pub model: ModelSummary,
    /// Stage timings.
    #[serde(skip)]
    pub timings: Timings,
    /// The screen audit, when one was asked for.
    #[serde(skip)]
    pub screen_audit: Option<ScreenAudit>,
}

/// Shared state the detectors write flags into.
pub(crate) struct Ctx<'a> {
    pub config: &'a Config,
    pub form_id: String,
    pub session_ids: Vec<String>,
    pub examinee_ids: Vec<String>,
    pub item_ids: Vec<String>,
    pub flags: Vec<Flag>,
    pub clusters: Vec<Cluster>,
}

impl Ctx<'_> {
    /// Adds a flag about one session tested at `threshold` per session.
    #[allow(clippy::too_many_arguments)]
    pub fn push_session(
        &mut self,
        detector: Detector,
        j: usize,
        statistic: f64,
        p_value: f64,
        threshold: f64,
        scope: FalseAlarmScope,
        summary: String,
        evidence: Evidence,
    ) {
        let sid = self.session_ids[j].clone();
        self.flags.push(Flag {
            id: FlagId::new(&self.form_id, detector, &[&sid]),
            detector,
            sessions: vec![sid],
            examinees: vec![self.examinee_ids[j].clone()],
            severity: Severity::from_p(p_value, threshold),
            statistic,
            p_value,
            threshold,
            nominal_false_alarm_rate: threshold,
            false_alarm_scope: scope,
            summary,
            evidence,
            answer_changes: Vec::new(),
        });
    }
}

/// Runs every detector on a validated dataset.
pub fn analyze(data: &Dataset, config: &Config) -> Report {
    analyze_with(
        data,
        config,
        &RunOptions {
            progress: &|_| {},
            audit_near_misses: 0,
        },
    )
}

/// [`analyze`] with progress reports and, optionally, a screen audit.
pub fn analyze_with(data: &Dataset, config: &Config, options: &RunOptions) -> Report {
    let t0 = Instant::now();
    let prep = prepare(data);
    let t1 = Instant::now();
    let given: Option<Vec<(f64, f64)>> = data
        .form
        .items
        .iter()
        .map(|it| it.irt.map(|p| (p.a, p.b)))
        .collect();
    let irt = irt::fit(&prep, given);
    let rtm = rt::fit(&prep);
    let t2 = Instant::now();
    let mut ctx = Ctx {
        config,
        form_id: data.form.id.clone(),
        session_ids: data.sessions.iter().map(|s| s.id.clone()).collect(),
        examinee_ids: data
            .sessions
            .iter()
            .map(|s| s.examinee_id.clone())
            .collect(),
        item_ids: data.form.items.iter().map(|it| it.id.clone()).collect(),
        flags: Vec::new(),
        clusters: Vec::new(),
    };
    let (sim, screen_audit) = similarity::similarity(&mut ctx, &prep, &irt, &rtm, options);
    let t3 = Instant::now();
    let mut skipped = Vec::new();
    skipped.extend(behaviour::behaviour(&mut ctx, &prep));
    rt::fast_correct(&mut ctx, &prep, &rtm, &irt);
    rt::speed_shift(&mut ctx, &prep, &rtm);
    speed::person_speed(&mut ctx, &prep, &rtm);
    speed::rapid_guessing(&mut ctx, &prep, &rtm);
    speed::timing_fit(&mut ctx, &prep, &rtm);
    personfit::person_fit(&mut ctx, &prep, &irt);
    personfit::score_jump(&mut ctx, &prep, data);
    attach_answer_changes(&mut ctx.flags, &prep, &ctx.session_ids);
    let t4 = Instant::now();
    let mut flags = ctx.flags;
    flags.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then((a.p_value / a.threshold).total_cmp(&(b.p_value / b.threshold)))
            .then(a.id.cmp(&b.id))
    });
    let n = irt.a.len().max(1) as f64;
    Report {
        disclaimer: DISCLAIMER,
        form_id: data.form.id.clone(),
        sessions: data.sessions.len(),
        config: config.clone(),
        flags,
        clusters: ctx.clusters,
        notes: prep.notes,
        skipped,
        model: ModelSummary {
            irt_estimated: irt.estimated,
            mean_discrimination: irt.a.iter().sum::<f64>() / n,
            mean_difficulty: irt.b.iter().sum::<f64>() / n,
            similarity: sim,
        },
        timings: Timings {
            prepare: (t1 - t0).as_secs_f64(),
            models: (t2 - t1).as_secs_f64(),
            similarity: (t3 - t2).as_secs_f64(),
            other: (t4 - t3).as_secs_f64(),
        },
        screen_audit,
    }
}

/// Adds each flagged session's wrong-to-right index, when the cohort records
/// answer changes at all.
fn attach_answer_changes(flags: &mut [Flag], prep: &crate::prepare::Prepared, ids: &[String]) {
    let (wr, total) = prep.changes.iter().fold((0u64, 0u64), |(w, t), c| {
        (w + u64::from(c.wrong_to_right), t + u64::from(c.total()))
    });
    if total == 0 {
        return;
    }
    let share = wr as f64 / total as f64;
    let index: std::collections::HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(j, id)| (id.as_str(), j))
        .collect();
    for flag in flags {
        flag.answer_changes = flag
            .sessions
            .iter()
            .filter_map(|s| index.get(s.as_str()))
            .map(|&j| {
                let c = prep.changes[j];
                WrongToRight {
                    session: ids[j].clone(),
                    changes: c.total(),
                    wrong_to_right: c.wrong_to_right,
                    right_to_wrong: c.right_to_wrong,
                    wrong_to_wrong: c.wrong_to_wrong,
                    cohort_share: share,
                    expected: f64::from(c.total()) * share,
                    p_value: binomial_sf(u64::from(c.wrong_to_right), u64::from(c.total()), share),
                }
            })
            .collect();
    }
}
