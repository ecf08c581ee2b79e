//! Calibration and power on simulated cohorts, through the public API.
//!
//! Sizes are chosen to stay well under 30 s in the dev profile while giving
//! enough sessions that a detector running at twice its nominal rate would fail.

use qabilet_proctoring::calibrate::{false_alarms, power};
use qabilet_proctoring::simulate::Cheat;
use qabilet_proctoring::CalibrationSpec;

fn spec() -> CalibrationSpec {
    CalibrationSpec {
        examinees: 300,
        items: 80,
        clean_replications: 8,
        power_replications: 1,
        cheaters: 12,
        levels: vec![0.05, 0.01],
        seed: 42,
    }
}

#[test]
fn false_alarm_rates_stay_at_or_below_nominal() {
    let rows = false_alarms(&spec());
    assert!(!rows.is_empty());
    for r in &rows {
        let n = r.trials as f64;
        // Binomial upper tolerance: nominal + 3 SD (+1 for discreteness).
        let allowed = n * r.nominal + 3.0 * (n * r.nominal * (1.0 - r.nominal)).sqrt() + 1.0;
        assert!(
            (r.hits as f64) <= allowed,
            "{} at α = {}: {}/{} false alarms exceeds {allowed:.1}",
            r.detector,
            r.nominal,
            r.hits,
            r.trials
        );
    }
}

#[test]
fn copying_half_the_test_is_detected() {
    let rows = power(&spec(), Some(Cheat::Copy(0.5)));
    let sim = rows
        .iter()
        .find(|r| r.detector == "answer_similarity (per session)")
        .expect("similarity row");
    assert!(sim.rate() >= 0.6, "power {}/{}", sim.hits, sim.trials);
}

#[test]
fn speeding_and_pre_knowledge_are_detected() {
    let s = spec();
    let speed = power(&s, Some(Cheat::Speeding(0.25)));
    assert!(speed[0].rate() >= 0.9, "speeding power {:?}", speed[0]);
    let pre = power(&s, Some(Cheat::PreKnowledge(0.25)));
    assert!(pre[0].rate() >= 0.7, "pre-knowledge power {:?}", pre[0]);
}

#[test]
fn real_time_sharing_and_rapid_responders_are_detected() {
    let s = CalibrationSpec {
        power_replications: 2,
        ..spec()
    };
    let shared = power(&s, Some(Cheat::CopyRealTime(0.3)));
    let sim = shared
        .iter()
        .find(|r| r.detector == "answer_similarity (per session)")
        .expect("similarity row");
    assert!(sim.rate() >= 0.8, "real-time sharing power {sim:?}");
    let rapid = power(&s, Some(Cheat::RapidResponder));
    assert!(rapid[0].rate() >= 0.95, "rapid responders {:?}", rapid[0]);
}
