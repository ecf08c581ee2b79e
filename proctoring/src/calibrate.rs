//! Calibration (false-alarm rates on honest cohorts), power (on planted
//! cheating), the targets, and the scale benchmark.
//!
//! Every rate comes with a Clopper–Pearson 95 % interval. False alarms are
//! measured at several levels per detector from a single run: the analysis runs
//! at the loosest level and a flag counts at a stricter level when its p-value
//! also clears the stricter threshold (thresholds scale linearly with α,
//! Bonferroni and Holm included — for Holm this can only over-count). The
//! similarity detector is measured under both error rates: per session ("was
//! this honest session flagged with any partner?") and familywise ("did any
//! honest pair in the cohort get flagged?"); for the other detectors the unit is
//! the session. Power is measured at the default thresholds (α = 0.001 per
//! session).

use std::collections::HashSet;
use std::time::Instant;

use comfy_table::{presets::UTF8_FULL, Table};
use serde::Serialize;

use crate::analyze::{analyze, analyze_with, Config, RunOptions, ScreenAudit, Timings};
use crate::flag::Detector;
use crate::similarity::PairErrorRate;
use crate::simulate::{simulate, Cheat, SimSpec};
use crate::stats::binomial_interval;

/// What to run.
#[derive(Debug, Clone)]
pub struct CalibrationSpec {
    /// Sessions per simulated cohort.
    pub examinees: usize,
    /// Items per form.
    pub items: usize,
    /// Honest cohorts for false-alarm rates.
    pub clean_replications: usize,
    /// Cohorts per cheating scenario for power.
    pub power_replications: usize,
    /// Cheaters planted per cohort.
    pub cheaters: usize,
    /// Nominal levels at which false alarms are counted, loosest first.
    pub levels: Vec<f64>,
    /// First seed; replication r uses seed + r.
    pub seed: u64,
}

impl Default for CalibrationSpec {
    fn default() -> Self {
        CalibrationSpec {
            examinees: 1000,
            items: 80,
            clean_replications: 20,
            power_replications: 10,
            cheaters: 20,
            levels: vec![0.05, 0.01, 0.001],
            seed: 1,
        }
    }
}

/// One line of the calibration/power table.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationRow {
    /// "honest" or the cheating scenario.
    pub scenario: String,
    /// Detector, or "any" for any detector.
    pub detector: String,
    /// Nominal false-alarm rate the threshold was set for.
    pub nominal: f64,
    /// Unit the rate refers to.
    pub scope: String,
    /// "false alarm" or "power".
    pub measure: &'static str,
    /// Events (flags) observed.
    pub hits: usize,
    /// Trials (sessions, cohorts or planted pairs).
    pub trials: usize,
}

impl CalibrationRow {
    /// Observed rate.
    pub fn rate(&self) -> f64 {
        self.hits as f64 / self.trials.max(1) as f64
    }

    /// Clopper–Pearson 95 % interval of the rate.
    pub fn interval(&self) -> (f64, f64) {
        binomial_interval(self.hits as u64, self.trials as u64)
    }

    /// For a false-alarm row: whether the nominal level lies inside or above
    /// the interval (the rate is not shown to exceed it).
    pub fn within_nominal(&self) -> bool {
        self.interval().0 <= self.nominal
    }
}

/// The per-session detectors, in table order.
const PER_SESSION: [Detector; 8] = [
    Detector::Behaviour,
    Detector::FastCorrect,
    Detector::SpeedShift,
    Detector::PersonSpeed,
    Detector::RapidGuessing,
    Detector::TimingFit,
    Detector::PersonFit,
    Detector::ScoreJump,
];

/// Label of the similarity detector under an error-rate mode.
fn similarity_label(mode: PairErrorRate) -> String {
    match mode {
        PairErrorRate::PerSession => "answer_similarity (per session)".into(),
        PairErrorRate::Familywise => "answer_similarity (familywise, Holm)".into(),
    }
}

const MODES: [PairErrorRate; 2] = [PairErrorRate::PerSession, PairErrorRate::Familywise];

/// Empirical false-alarm rates on honest cohorts.
pub fn false_alarms(spec: &CalibrationSpec) -> Vec<CalibrationRow> {
    false_alarms_with(spec, &|| {})
}

/// [`false_alarms`], calling `tick` after each analysis.
fn false_alarms_with(spec: &CalibrationSpec, tick: &dyn Fn()) -> Vec<CalibrationRow> {
    let loosest = spec.levels.iter().copied().fold(0.0, f64::max);
    let config = |mode| Config {
        alpha_session: loosest,
        alpha_pairs: loosest,
        pair_error_rate: mode,
        ..Config::default()
    };
    let k = PER_SESSION.len();
    // hits[level][detector]
    let mut session_hits = vec![vec![0usize; k]; spec.levels.len()];
    // Sessions in any similarity flag (per-session mode), cohorts with any (familywise).
    let mut pair_session_hits = vec![0usize; spec.levels.len()];
    let mut cohort_hits = vec![0usize; spec.levels.len()];
    let mut sessions = 0;
    for r in 0..spec.clean_replications {
        let sim = simulate(&SimSpec {
            examinees: spec.examinees,
            items: spec.items,
            options: 4,
            cheat: None,
            seed: spec.seed + r as u64,
        });
        sessions += spec.examinees;
        for mode in MODES {
            let report = analyze(&sim.dataset, &config(mode));
            tick();
            for (l, &level) in spec.levels.iter().enumerate() {
                let scale = level / loosest;
                let mut in_pair: HashSet<&str> = HashSet::new();
                for f in &report.flags {
                    if f.p_value > f.threshold * scale {
                        continue;
                    }
                    match PER_SESSION.iter().position(|d| *d == f.detector) {
                        // The behaviour tail is discrete (multiples of 1/N) and
                        // only defined down to 1/N: count it only where it can be tested.
                        Some(d) if mode == PairErrorRate::PerSession => session_hits[l][d] += 1,
                        Some(_) => {}
                        None => in_pair.extend(f.sessions.iter().map(String::as_str)),
                    }
                }
                match mode {
                    PairErrorRate::PerSession => pair_session_hits[l] += in_pair.len(),
                    PairErrorRate::Familywise => cohort_hits[l] += usize::from(!in_pair.is_empty()),
                }
            }
        }
    }
    let mut rows = Vec::new();
    for (l, &level) in spec.levels.iter().enumerate() {
        rows.push(CalibrationRow {
            scenario: "honest".into(),
            detector: similarity_label(PairErrorRate::PerSession),
            nominal: level,
            scope: "session (any partner)".into(),
            measure: "false alarm",
            hits: pair_session_hits[l],
            trials: sessions,
        });
        rows.push(CalibrationRow {
            scenario: "honest".into(),
            detector: similarity_label(PairErrorRate::Familywise),
            nominal: level,
            scope: format!(
                "cohort ({} pairs)",
                spec.examinees * (spec.examinees - 1) / 2
            ),
            measure: "false alarm",
            hits: cohort_hits[l],
            trials: spec.clean_replications,
        });
        for (d, det) in PER_SESSION.iter().enumerate() {
            rows.push(CalibrationRow {
                scenario: "honest".into(),
                detector: det.name().into(),
                nominal: level,
                scope: "session".into(),
                measure: "false alarm",
                hits: session_hits[l][d],
                trials: sessions,
            });
        }
    }
    rows
}

/// The cheating scenarios, each with the detector meant to catch it.
pub fn scenarios() -> Vec<(Cheat, Detector)> {
    vec![
        (Cheat::CopyRealTime(0.2), Detector::AnswerSimilarity),
        (Cheat::CopyRealTime(0.3), Detector::AnswerSimilarity),
        (Cheat::Copy(0.2), Detector::AnswerSimilarity),
        (Cheat::Copy(0.3), Detector::AnswerSimilarity),
        (Cheat::Copy(0.5), Detector::AnswerSimilarity),
        (Cheat::CopyNearby(0.2), Detector::AnswerSimilarity),
        (Cheat::CopyNearby(0.3), Detector::AnswerSimilarity),
        (Cheat::PreKnowledge(0.25), Detector::FastCorrect),
        (Cheat::Speeding(0.25), Detector::SpeedShift),
        (Cheat::RapidResponder, Detector::RapidGuessing),
    ]
}

/// Flagged session sets of one report: by `detector` (or any) as sorted id lists.
fn flagged_by(report: &crate::Report, d: Option<Detector>) -> HashSet<Vec<String>> {
    report
        .flags
        .iter()
        .filter(|f| d.is_none_or(|d| f.detector == d))
        .map(|f| {
            let mut s = f.sessions.clone();
            s.sort();
            s
        })
        .collect()
}

/// Power of the main detector (and of any detector) per scenario at the
/// default thresholds; for rapid responders also of person speed.
pub fn power(spec: &CalibrationSpec, only: Option<Cheat>) -> Vec<CalibrationRow> {
    power_with(spec, only, &|| {})
}

/// [`power`], calling `tick` after each cohort.
fn power_with(spec: &CalibrationSpec, only: Option<Cheat>, tick: &dyn Fn()) -> Vec<CalibrationRow> {
    let config = Config::default();
    let mut rows = Vec::new();
    for (s_idx, (cheat, main)) in scenarios().into_iter().enumerate() {
        if only.is_some_and(|o| o != cheat) {
            continue;
        }
        let copying = cheat.is_copying();
        let mut detectors = vec![Some(main)];
        if cheat == Cheat::RapidResponder {
            detectors.push(Some(Detector::PersonSpeed));
        }
        detectors.push(None);
        let mut hits = vec![0usize; detectors.len()];
        let mut before = 0usize;
        let mut trials = 0;
        for r in 0..spec.power_replications {
            let sim = simulate(&SimSpec {
                examinees: spec.examinees,
                items: spec.items,
                options: 4,
                cheat: Some((cheat, spec.cheaters)),
                seed: spec.seed + 10_000 * (s_idx as u64 + 1) + r as u64,
            });
            let id = |j: usize| sim.dataset.sessions[j].id.clone();
            let report = analyze(&sim.dataset, &config);
            tick();
            let any_session: HashSet<String> =
                flagged_by(&report, None).into_iter().flatten().collect();
            for (d, det) in detectors.iter().enumerate() {
                let set = flagged_by(&report, *det);
                if copying {
                    for &(c, s) in &sim.copy_pairs {
                        let mut key = vec![id(c), id(s)];
                        key.sort();
                        hits[d] += usize::from(match det {
                            Some(_) => set.contains(&key),
                            None => any_session.contains(&id(c)),
                        });
                    }
                } else {
                    for &c in &sim.cheaters {
                        hits[d] += usize::from(match det {
                            Some(_) => set.contains(&vec![id(c)]),
                            None => any_session.contains(&id(c)),
                        });
                    }
                }
            }
            if copying {
                before += flagged_before_timing(&sim);
            }
            trials += if copying {
                sim.copy_pairs.len()
            } else {
                sim.cheaters.len()
            };
        }
        let unit = if copying {
            "copier–source pair"
        } else {
            "cheating session"
        };
        let nominal = if copying {
            config.alpha_pairs
        } else {
            config.alpha_session
        };
        if copying {
            rows.push(CalibrationRow {
                scenario: cheat.label(),
                detector: BEFORE_TIMING.into(),
                nominal,
                scope: unit.into(),
                measure: "power",
                hits: before,
                trials,
            });
        }
        for (det, hits) in detectors.iter().zip(hits) {
            rows.push(CalibrationRow {
                scenario: cheat.label(),
                detector: match det {
                    Some(Detector::AnswerSimilarity) => similarity_label(PairErrorRate::PerSession),
                    Some(d) => d.name().to_string(),
                    None if copying => "any (the copier, by any detector)".to_string(),
                    None => "any".to_string(),
                },
                nominal,
                scope: unit.into(),
                measure: "power",
                hits,
                trials,
            });
        }
    }
    rows
}

/// Label of the reference row: the similarity test before this change.
pub const BEFORE_TIMING: &str = "answer_similarity before timing (same cohorts)";

/// How many planted pairs the answer-similarity detector of main at 04ecf33
/// would flag: its test ([`crate::pair_test::before_timing`]) in the stronger
/// direction, per session at its levels — α/2 over 2(N−1) tests, or for
/// shared-network pairs α/2 over twice the busier session's partners.
fn flagged_before_timing(sim: &crate::simulate::Simulated) -> usize {
    let prep = crate::prepare::prepare(&sim.dataset);
    let irt = crate::irt::fit(&prep, None);
    let net = crate::similarity::network_pairs(&prep);
    let alpha = Config::default().alpha_pairs;
    let alpha_all = if net.is_empty() { alpha } else { alpha / 2.0 };
    let all = alpha_all / (2 * prep.n_sessions.saturating_sub(1)).max(1) as f64;
    let mut degree = vec![0usize; prep.n_sessions];
    for &(a, b) in net.keys() {
        degree[a as usize] += 1;
        degree[b as usize] += 1;
    }
    sim.copy_pairs
        .iter()
        .filter(|&&(c, s)| {
            let p = crate::pair_test::before_timing(&prep, &irt, c, s)
                .min(crate::pair_test::before_timing(&prep, &irt, s, c));
            let key = (c.min(s) as u32, c.max(s) as u32);
            let net_level = net
                .contains_key(&key)
                .then(|| alpha / 2.0 / (2 * degree[c].max(degree[s]).max(1)) as f64);
            p <= all || net_level.is_some_and(|l| p <= l)
        })
        .count()
}

/// False alarms then power.
pub fn calibrate(spec: &CalibrationSpec) -> Vec<CalibrationRow> {
    calibrate_with_progress(spec, &|_, _| {})
}

/// [`calibrate`], telling `progress(done, total)` after each simulated cohort
/// analysed.
pub fn calibrate_with_progress(
    spec: &CalibrationSpec,
    progress: &dyn Fn(usize, usize),
) -> Vec<CalibrationRow> {
    let total = 2 * spec.clean_replications + scenarios().len() * spec.power_replications;
    let done = std::cell::Cell::new(0);
    let tick = || {
        done.set(done.get() + 1);
        progress(done.get(), total);
    };
    let mut rows = false_alarms_with(spec, &tick);
    rows.extend(power_with(spec, None, &tick));
    rows
}

/// Answers-only power quoted in the issue for the detector before timing
/// (main at 04ecf33, `qabilet proctor simulate` with its defaults on its own
/// simulation: 0/60, 12/60, 48/60); the table also measures that detector on
/// the very same cohorts ([`BEFORE_TIMING`]), which is the fair comparison.
pub const ANSWERS_ONLY_BEFORE: [(f64, f64); 3] = [(0.2, 0.0), (0.3, 0.2), (0.5, 0.8)];

/// One target of issue 17 checked against the table.
#[derive(Debug, Clone, Serialize)]
pub struct TargetCheck {
    /// What is required.
    pub target: String,
    /// The measured rate it is judged on.
    pub observed: String,
    /// Its 95 % interval.
    pub interval: String,
    /// Whether the target is met.
    pub met: bool,
}

/// The targets, judged on `rows`: a power target is met when the
/// observed rate reaches it; a false-alarm target when the nominal level is
/// inside or above the interval.
pub fn targets(rows: &[CalibrationRow]) -> Vec<TargetCheck> {
    let mut out = Vec::new();
    let find = |scenario: &str, detector: &str| {
        rows.iter()
            .find(|r| r.measure == "power" && r.scenario == scenario && r.detector == detector)
    };
    let mut power_target = |cheat: Cheat, det: &str, min: f64, why: &str| {
        if let Some(r) = find(&cheat.label(), det) {
            let (lo, hi) = r.interval();
            out.push(TargetCheck {
                target: format!("{}: {det} power ≥ {min:.2}{why}", cheat.label()),
                observed: format!("{}/{} = {:.3}", r.hits, r.trials, r.rate()),
                interval: format!("[{lo:.3}, {hi:.3}]"),
                met: r.rate() >= min,
            });
        }
    };
    let sim = similarity_label(PairErrorRate::PerSession);
    power_target(Cheat::CopyRealTime(0.3), &sim, 0.90, "");
    power_target(Cheat::CopyRealTime(0.2), &sim, 0.60, "");
    for (f, quoted) in ANSWERS_ONLY_BEFORE {
        if let Some(b) = find(&Cheat::Copy(f).label(), BEFORE_TIMING) {
            power_target(
                Cheat::Copy(f),
                &sim,
                b.rate(),
                &format!(
                    " (the detector before timing on the same cohorts: {}/{}; issue quotes {quoted:.2})",
                    b.hits, b.trials
                ),
            );
        }
    }
    power_target(Cheat::RapidResponder, "rapid_guessing", 0.95, "");
    power_target(
        Cheat::PreKnowledge(0.25),
        "fast_correct",
        0.92,
        " (as before)",
    );
    for r in rows.iter().filter(|r| r.measure == "false alarm") {
        let (lo, hi) = r.interval();
        out.push(TargetCheck {
            target: format!(
                "{} false alarms ≤ {} per {}",
                r.detector, r.nominal, r.scope
            ),
            observed: format!("{}/{} = {:.4}", r.hits, r.trials, r.rate()),
            interval: format!("[{lo:.4}, {hi:.4}]"),
            met: r.within_nominal(),
        });
    }
    out
}

/// Renders rows as a table for the terminal.
pub fn table(rows: &[CalibrationRow]) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL).set_header(vec![
        "Scenario",
        "Detector",
        "Measure",
        "Nominal α",
        "Unit",
        "Observed",
        "Rate",
        "95 % interval",
    ]);
    for r in rows {
        let (lo, hi) = r.interval();
        t.add_row(vec![
            r.scenario.clone(),
            r.detector.clone(),
            r.measure.to_string(),
            format!("{}", r.nominal),
            r.scope.clone(),
            format!("{}/{}", r.hits, r.trials),
            format!("{:.4}", r.rate()),
            format!("[{lo:.4}, {hi:.4}]"),
        ]);
    }
    t.to_string()
}

/// Renders the target checks.
pub fn targets_table(checks: &[TargetCheck]) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL)
        .set_header(vec!["Target", "Observed", "95 % interval", "Met"]);
    for c in checks {
        t.add_row(vec![
            c.target.clone(),
            c.observed.clone(),
            c.interval.clone(),
            if c.met { "met" } else { "NOT MET" }.to_string(),
        ]);
    }
    t.to_string()
}

/// Result of the scale benchmark.
#[derive(Debug, Clone)]
pub struct BenchResult {
    /// Sessions analysed.
    pub examinees: usize,
    /// Items per form.
    pub items: usize,
    /// Unordered pairs compared.
    pub pairs: u64,
    /// Unordered pairs whose answer times overlap (timing compared too).
    pub overlapping_pairs: u64,
    /// Directed pairs that needed the exact test.
    pub exact_evaluated: u64,
    /// Per-test level of the all-pairs family.
    pub threshold_all: f64,
    /// The proxy z the screen passes pairs at.
    pub screen_z: f64,
    /// Seconds to simulate the cohort (not part of the analysis).
    pub simulate_seconds: f64,
    /// Seconds for the whole analysis.
    pub analyze_seconds: f64,
    /// Stage split of the analysis.
    pub timings: Timings,
    /// Of the similarity stage: seconds in the all-pairs screen.
    pub screen_seconds: f64,
    /// Of the similarity stage: seconds in the confirm stage and exact tests
    /// (the screen audit included).
    pub exact_seconds: f64,
    /// Flags raised.
    pub flags: usize,
    /// Similarity flags.
    pub pair_flags: usize,
    /// Planted copier–source pairs flagged, of planted.
    pub copiers_found: (usize, usize),
    /// Worker threads used.
    pub threads: usize,
    /// SIMD path of the screen.
    pub simd: &'static str,
    /// The screen audit.
    pub audit: Option<ScreenAudit>,
}

/// Times the analysis of a simulated cohort of `examinees` × `items` with
/// 1 % real-time copiers of 30 % (so the flagging path is exercised too);
/// `progress(done, total)` follows the pair screen, and `audit` near misses of
/// the screen get the exact test as well.
pub fn bench(
    examinees: usize,
    items: usize,
    seed: u64,
    audit: usize,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> BenchResult {
    let t0 = Instant::now();
    let sim = simulate(&SimSpec {
        examinees,
        items,
        options: 4,
        cheat: Some((Cheat::CopyRealTime(0.3), examinees / 100)),
        seed,
    });
    let t1 = Instant::now();
    let total = (examinees as u64) * (examinees as u64).saturating_sub(1) / 2;
    let done = std::sync::atomic::AtomicU64::new(0);
    let tick = |k: u64| {
        let d = done.fetch_add(k, std::sync::atomic::Ordering::Relaxed) + k;
        progress(d, total);
    };
    let options = RunOptions {
        progress: &tick,
        audit_near_misses: audit,
    };
    // The audit's exact tests (seconds) are timed with the analysis.
    let report = analyze_with(&sim.dataset, &Config::default(), &options);
    let t2 = Instant::now();
    let audit = report.screen_audit.clone();
    let pairs = flagged_by(&report, Some(Detector::AnswerSimilarity));
    let id = |j: usize| sim.dataset.sessions[j].id.clone();
    let found = sim
        .copy_pairs
        .iter()
        .filter(|&&(c, s)| {
            let mut key = vec![id(c), id(s)];
            key.sort();
            pairs.contains(&key)
        })
        .count();
    let sim_stats = report.model.similarity;
    BenchResult {
        examinees,
        items,
        pairs: sim_stats.pairs,
        overlapping_pairs: sim_stats.overlapping_pairs,
        exact_evaluated: sim_stats.exact_evaluated,
        threshold_all: sim_stats.threshold_all,
        screen_z: sim_stats.screen_z,
        simulate_seconds: (t1 - t0).as_secs_f64(),
        analyze_seconds: (t2 - t1).as_secs_f64(),
        timings: report.timings,
        screen_seconds: sim_stats.screen_seconds,
        exact_seconds: sim_stats.exact_seconds,
        flags: report.flags.len(),
        pair_flags: pairs.len(),
        copiers_found: (found, sim.copy_pairs.len()),
        threads: rayon::current_num_threads(),
        simd: sim_stats.simd,
        audit,
    }
}

/// Peak resident memory of this process (VmHWM), in bytes, where Linux tells it.
pub fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
