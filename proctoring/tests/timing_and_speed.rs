//! Rapid responders, real-time answer sharing, groups of colluders and
//! answer changes, through the public API on small simulated cohorts.

use chrono::Duration;
use qabilet_proctoring::simulate::{simulate, Cheat, SimSpec};
use qabilet_proctoring::{analyze, AnswerChange, Config, Detector, Evidence};

fn cohort(cheat: Cheat, cheaters: usize, seed: u64) -> qabilet_proctoring::simulate::Simulated {
    simulate(&SimSpec {
        examinees: 200,
        items: 80,
        options: 4,
        cheat: Some((cheat, cheaters)),
        seed,
    })
}

#[test]
fn a_rapid_responder_is_flagged_with_near_chance_rapid_answers() {
    let sim = cohort(Cheat::RapidResponder, 3, 41);
    let report = analyze(&sim.dataset, &Config::default());
    for &c in &sim.cheaters {
        let id = &sim.dataset.sessions[c].id;
        let flag = report
            .flags
            .iter()
            .find(|f| f.detector == Detector::RapidGuessing && &f.sessions[0] == id)
            .unwrap_or_else(|| panic!("{id} is not flagged for rapid guessing"));
        let Evidence::RapidGuessing {
            rapid,
            timed_items,
            response_time_effort,
            rapid_accuracy,
            chance_accuracy,
            expected_rapid,
            ..
        } = &flag.evidence
        else {
            panic!("wrong evidence {:?}", flag.evidence);
        };
        assert!(
            *rapid >= 30 && *timed_items == 80,
            "{rapid} of {timed_items}"
        );
        assert!(*expected_rapid < 3.0, "expected {expected_rapid}");
        assert!(*response_time_effort < 0.6, "effort {response_time_effort}");
        // Half guessed, half answered as usual: well below honest accuracy.
        assert!(*rapid_accuracy < 0.65 && *chance_accuracy == 0.25);
        assert!(flag.p_value <= flag.threshold && flag.threshold == 0.001);
        assert!(report
            .flags
            .iter()
            .any(|f| f.detector == Detector::PersonSpeed
                && &f.sessions[0] == id
                && matches!(f.evidence, Evidence::PersonSpeed { z, .. } if z > 3.0)));
    }
}

#[test]
fn real_time_sharing_is_caught_by_its_timing() {
    let sim = cohort(Cheat::CopyRealTime(0.25), 8, 42);
    let report = analyze(&sim.dataset, &Config::default());
    let mut found = 0;
    for &(c, s) in &sim.copy_pairs {
        let ids = [&sim.dataset.sessions[c].id, &sim.dataset.sessions[s].id];
        let Some(flag) = report.flags.iter().find(|f| {
            f.detector == Detector::AnswerSimilarity
                && f.sessions.contains(ids[0])
                && f.sessions.contains(ids[1])
        }) else {
            continue;
        };
        found += 1;
        let Evidence::AnswerSimilarity {
            copier,
            follows,
            expected_follows,
            p_answers_only,
            median_lag_s,
            ..
        } = &flag.evidence
        else {
            panic!("wrong evidence");
        };
        assert_eq!(copier, ids[0], "the copier is the one who answered later");
        assert!(
            *follows as f64 > 3.0 * expected_follows + 3.0,
            "{follows} follows, {expected_follows:.1} expected"
        );
        assert!(median_lag_s.is_some_and(f64::is_finite));
        // The timing carries the evidence: the answers alone are far weaker.
        assert!(
            flag.p_value < *p_answers_only / 100.0,
            "{} vs {p_answers_only}",
            flag.p_value
        );
    }
    assert!(
        found >= 6,
        "{found} of {} sharing pairs flagged",
        sim.copy_pairs.len()
    );
}

#[test]
fn colluders_form_one_group_with_its_evidence() {
    let mut sim = simulate(&SimSpec {
        examinees: 150,
        items: 80,
        options: 4,
        cheat: None,
        seed: 43,
    });
    // Two examinees take 70 % of a third one's answers: a ring of three.
    let d = &mut sim.dataset;
    let source = d.sessions[10].answers.clone();
    for copier in [40, 70] {
        for (k, answer) in d.sessions[copier].answers.iter_mut().enumerate() {
            if k % 10 < 7 {
                let from = source.iter().find(|a| a.item == answer.item).unwrap();
                answer.option = from.option;
            }
        }
    }
    let report = analyze(d, &Config::default());
    let ring = ["s00010", "s00040", "s00070"];
    let group = report
        .clusters
        .iter()
        .find(|c| c.sessions.iter().any(|s| s == "s00010"))
        .expect("a group with the source");
    for s in ring {
        assert!(group.sessions.iter().any(|x| x == s), "{s} in {group:?}");
    }
    assert!(group.flags.len() >= 2);
    assert!(!group.same_wrong_items.is_empty(), "{group:?}");
    assert!(group.strongest_p_value < 1e-6);
    for f in report.flags.iter().filter(|f| group.flags.contains(&f.id)) {
        assert!(
            matches!(f.evidence, Evidence::AnswerSimilarity { cluster, .. } if cluster == group.id)
        );
    }
}

#[test]
fn answer_changes_give_a_wrong_to_right_index() {
    let mut sim = cohort(Cheat::RapidResponder, 1, 44);
    let c = sim.cheaters[0];
    let key: Vec<u8> = sim.dataset.form.items.iter().map(|it| it.key).collect();
    // Twelve changes from a wrong option to the key, as after-the-fact corrections.
    let s = &mut sim.dataset.sessions[c];
    let end = s.answers.iter().map(|a| a.at).max().unwrap();
    let changes: Vec<AnswerChange> = (0..12)
        .map(|k| AnswerChange {
            item: format!("q{:03}", k + 1),
            from: Some((key[k] + 1) % 4),
            to: Some(key[k]),
            at: end + Duration::seconds(k as i64 + 1),
        })
        .collect();
    s.answer_changes = changes;
    let report = analyze(&sim.dataset, &Config::default());
    let flag = report
        .flags
        .iter()
        .find(|f| f.sessions[0] == sim.dataset.sessions[c].id)
        .expect("the rapid responder is flagged");
    let index = &flag.answer_changes[0];
    assert_eq!(index.wrong_to_right, 12);
    assert!(index.changes >= 12);
    assert!(
        index.cohort_share > 0.2 && index.cohort_share < 0.8,
        "{index:?}"
    );
    assert!(index.p_value < 0.01, "{index:?}");
    // Honest sessions' changes are ordinary: their index is unremarkable.
    let honest = report
        .flags
        .iter()
        .flat_map(|f| &f.answer_changes)
        .filter(|w| w.session != index.session && w.changes > 0)
        .collect::<Vec<_>>();
    assert!(honest.iter().all(|w| w.p_value > 1e-3), "{honest:?}");
}
