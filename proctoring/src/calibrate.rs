//! Calibration (false-alarm rates on honest cohorts), power (on planted
//! cheating) and the scale benchmark.
//!
//! False alarms are measured at two levels per detector from a single run: the
//! analysis runs at the looser level and a flag counts at the stricter level
//! when its p-value also clears the stricter threshold (thresholds scale
//! linearly with α, Bonferroni and Holm included — for Holm this can only
//! over-count). The similarity detector is measured under both error rates:
//! per session ("was this honest session flagged with any partner?") and
//! familywise ("did any honest pair in the cohort get flagged?"); for the
//! other detectors the unit is the session.

use std::collections::HashSet;
use std::time::Instant;

use comfy_table::{presets::UTF8_FULL, Table};
use serde::Serialize;

use crate::analyze::{analyze, Config, Timings};
use crate::flag::Detector;
use crate::similarity::PairErrorRate;
use crate::simulate::{simulate, Cheat, SimSpec};

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
            power_replications: 3,
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
}

const PER_SESSION: [Detector; 5] = [
    Detector::Behaviour,
    Detector::FastCorrect,
    Detector::SpeedShift,
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
    let loosest = spec.levels.iter().copied().fold(0.0, f64::max);
    let config = |mode| Config {
        alpha_session: loosest,
        alpha_pairs: loosest,
        pair_error_rate: mode,
        ..Config::default()
    };
    // hits[level][detector]
    let mut session_hits = vec![[0usize; 5]; spec.levels.len()];
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
                        Some(k) if mode == PairErrorRate::PerSession => session_hits[l][k] += 1,
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
        for (k, d) in PER_SESSION.iter().enumerate() {
            rows.push(CalibrationRow {
                scenario: "honest".into(),
                detector: d.name().into(),
                nominal: level,
                scope: "session".into(),
                measure: "false alarm",
                hits: session_hits[l][k],
                trials: sessions,
            });
        }
    }
    rows
}

/// The cheating scenarios of the issue.
pub fn scenarios() -> Vec<(Cheat, Detector)> {
    vec![
        (Cheat::Copy(0.2), Detector::AnswerSimilarity),
        (Cheat::Copy(0.3), Detector::AnswerSimilarity),
        (Cheat::Copy(0.5), Detector::AnswerSimilarity),
        (Cheat::PreKnowledge(0.25), Detector::FastCorrect),
        (Cheat::Speeding(0.25), Detector::SpeedShift),
        (Cheat::CopyNearby(0.2), Detector::AnswerSimilarity),
        (Cheat::CopyNearby(0.3), Detector::AnswerSimilarity),
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
/// default thresholds. Copying is measured under both similarity error rates.
pub fn power(spec: &CalibrationSpec, only: Option<Cheat>) -> Vec<CalibrationRow> {
    let default = Config::default();
    let mut rows = Vec::new();
    for (s_idx, (cheat, main)) in scenarios().into_iter().enumerate() {
        if only.is_some_and(|o| o != cheat) {
            continue;
        }
        let copying = matches!(cheat, Cheat::Copy(_) | Cheat::CopyNearby(_));
        let modes: &[PairErrorRate] = if copying { &MODES } else { &MODES[..1] };
        // (label, nominal, hits) per mode, then "any" under the default.
        let mut main_hits = vec![0usize; modes.len()];
        let (mut any_hits, mut trials) = (0, 0);
        for r in 0..spec.power_replications {
            let sim = simulate(&SimSpec {
                examinees: spec.examinees,
                items: spec.items,
                options: 4,
                cheat: Some((cheat, spec.cheaters)),
                seed: spec.seed + 10_000 * (s_idx as u64 + 1) + r as u64,
            });
            let id = |j: usize| sim.dataset.sessions[j].id.clone();
            for (m, &mode) in modes.iter().enumerate() {
                let config = Config {
                    pair_error_rate: mode,
                    ..default.clone()
                };
                let report = analyze(&sim.dataset, &config);
                let main_set = flagged_by(&report, Some(main));
                let any_set = flagged_by(&report, None);
                let any_session: HashSet<&String> = any_set.iter().flatten().collect();
                let first = m == 0;
                if copying {
                    for &(c, s) in &sim.copy_pairs {
                        let mut key = vec![id(c), id(s)];
                        key.sort();
                        main_hits[m] += usize::from(main_set.contains(&key));
                        if first {
                            any_hits += usize::from(
                                main_set.contains(&key) || any_session.contains(&id(c)),
                            );
                            trials += 1;
                        }
                    }
                } else {
                    for &c in &sim.cheaters {
                        main_hits[m] += usize::from(main_set.contains(&vec![id(c)]));
                        if first {
                            any_hits += usize::from(any_session.contains(&id(c)));
                            trials += 1;
                        }
                    }
                }
            }
        }
        let unit = if copying {
            "copier–source pair"
        } else {
            "cheating session"
        };
        let nominal = if copying {
            default.alpha_pairs
        } else {
            default.alpha_session
        };
        let mut entries: Vec<(String, usize)> = modes
            .iter()
            .zip(&main_hits)
            .map(|(&mode, &hits)| {
                let label = if copying {
                    similarity_label(mode)
                } else {
                    main.name().to_string()
                };
                (label, hits)
            })
            .collect();
        entries.push(("any".into(), any_hits));
        for (detector, hits) in entries {
            rows.push(CalibrationRow {
                scenario: cheat.label(),
                detector,
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

/// False alarms then power.
pub fn calibrate(spec: &CalibrationSpec) -> Vec<CalibrationRow> {
    let mut rows = false_alarms(spec);
    rows.extend(power(spec, None));
    rows
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
    ]);
    for r in rows {
        t.add_row(vec![
            r.scenario.clone(),
            r.detector.clone(),
            r.measure.to_string(),
            format!("{}", r.nominal),
            r.scope.clone(),
            format!("{}/{}", r.hits, r.trials),
            format!("{:.4}", r.rate()),
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
    /// Directed pairs that needed the exact tail.
    pub exact_evaluated: u64,
    /// Seconds to simulate the cohort (not part of the analysis).
    pub simulate_seconds: f64,
    /// Seconds for the whole analysis.
    pub analyze_seconds: f64,
    /// Stage split of the analysis.
    pub timings: Timings,
    /// Flags raised (the cohort has 1 % planted 30 % copiers).
    pub flags: usize,
    /// Worker threads used.
    pub threads: usize,
}

/// Times [`analyze`] on a simulated cohort of `examinees` × `items` with
/// 1 % copiers (so the flagging path is exercised too).
pub fn bench(examinees: usize, items: usize, seed: u64) -> BenchResult {
    let t0 = Instant::now();
    let sim = simulate(&SimSpec {
        examinees,
        items,
        options: 4,
        cheat: Some((Cheat::Copy(0.3), examinees / 100)),
        seed,
    });
    let t1 = Instant::now();
    let report = analyze(&sim.dataset, &Config::default());
    let t2 = Instant::now();
    BenchResult {
        examinees,
        items,
        pairs: report.model.similarity.pairs,
        exact_evaluated: report.model.similarity.exact_evaluated,
        simulate_seconds: (t1 - t0).as_secs_f64(),
        analyze_seconds: (t2 - t1).as_secs_f64(),
        timings: report.timings,
        flags: report.flags.len(),
        threads: rayon::current_num_threads(),
    }
}
