//! Calibration (false-alarm rates on honest cohorts), power (on planted
//! cheating) and the scale benchmark.
//!
//! False alarms are measured at two levels per detector from a single run: the
//! analysis runs at the looser level and a flag counts at the stricter level
//! when its p-value also clears the stricter threshold (thresholds scale
//! linearly with α, Bonferroni included). For the all-pairs similarity the
//! unit is the whole cohort (familywise: "did any honest pair get flagged?"),
//! for the other detectors it is the session.

use std::collections::HashSet;
use std::time::Instant;

use comfy_table::{presets::UTF8_FULL, Table};
use serde::Serialize;

use crate::analyze::{analyze, Config, Timings};
use crate::flag::{Detector, FalseAlarmScope};
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

/// Empirical false-alarm rates on honest cohorts.
pub fn false_alarms(spec: &CalibrationSpec) -> Vec<CalibrationRow> {
    let loosest = spec.levels.iter().copied().fold(0.0, f64::max);
    let config = Config {
        alpha_session: loosest,
        alpha_pairs: loosest,
        ..Config::default()
    };
    // hits[level][detector]
    let mut session_hits = vec![[0usize; 5]; spec.levels.len()];
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
        let report = analyze(&sim.dataset, &config);
        sessions += spec.examinees;
        for (l, &level) in spec.levels.iter().enumerate() {
            let scale = level / loosest;
            let mut any_pair = false;
            for f in &report.flags {
                if f.p_value > f.threshold * scale {
                    continue;
                }
                match PER_SESSION.iter().position(|d| *d == f.detector) {
                    // The behaviour tail is discrete (multiples of 1/N) and
                    // only defined down to 1/N: count it only where it can be tested.
                    Some(k) => session_hits[l][k] += 1,
                    None => any_pair = true,
                }
            }
            cohort_hits[l] += usize::from(any_pair);
        }
    }
    let mut rows = Vec::new();
    for (l, &level) in spec.levels.iter().enumerate() {
        rows.push(CalibrationRow {
            scenario: "honest".into(),
            detector: Detector::AnswerSimilarity.name().into(),
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
    ]
}

/// Power of the main detector (and of any detector) per scenario at the
/// default thresholds.
pub fn power(spec: &CalibrationSpec, only: Option<Cheat>) -> Vec<CalibrationRow> {
    let config = Config::default();
    let mut rows = Vec::new();
    for (s_idx, (cheat, main)) in scenarios().into_iter().enumerate() {
        if only.is_some_and(|o| o != cheat) {
            continue;
        }
        let (mut main_hits, mut any_hits, mut trials) = (0, 0, 0);
        for r in 0..spec.power_replications {
            let sim = simulate(&SimSpec {
                examinees: spec.examinees,
                items: spec.items,
                options: 4,
                cheat: Some((cheat, spec.cheaters)),
                seed: spec.seed + 10_000 * (s_idx as u64 + 1) + r as u64,
            });
            let report = analyze(&sim.dataset, &config);
            let id = |j: usize| sim.dataset.sessions[j].id.clone();
            let flagged_by = |d: Option<Detector>| -> HashSet<Vec<String>> {
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
            };
            let main_set = flagged_by(Some(main));
            let any_set = flagged_by(None);
            let any_session: HashSet<&String> = any_set.iter().flatten().collect();
            if let Cheat::Copy(_) = cheat {
                for &(c, s) in &sim.copy_pairs {
                    let mut key = vec![id(c), id(s)];
                    key.sort();
                    main_hits += usize::from(main_set.contains(&key));
                    any_hits +=
                        usize::from(main_set.contains(&key) || any_session.contains(&id(c)));
                    trials += 1;
                }
            } else {
                for &c in &sim.cheaters {
                    main_hits += usize::from(main_set.contains(&vec![id(c)]));
                    any_hits += usize::from(any_session.contains(&id(c)));
                    trials += 1;
                }
            }
        }
        let (unit, scope) = match main {
            Detector::AnswerSimilarity => {
                ("copier–source pair", FalseAlarmScope::FamilywiseAllPairs)
            }
            _ => ("cheating session", FalseAlarmScope::PerSession),
        };
        let nominal = match scope {
            FalseAlarmScope::FamilywiseAllPairs => config.alpha_pairs,
            FalseAlarmScope::PerSession => config.alpha_session,
        };
        for (detector, hits) in [
            (main.name().to_string(), main_hits),
            ("any".into(), any_hits),
        ] {
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
