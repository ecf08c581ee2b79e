//! Properties of generated data sets: validity, determinism, language mix, coverage
//! of occupations and consistency of the ground truth.

use std::collections::{HashMap, HashSet};

use qabilet_demo::{occupation_families, DemoConfig, Generator};
use qabilet_domain::{Language, Validate};

fn config(seed: u64, profiles: usize) -> DemoConfig {
    DemoConfig {
        seed,
        profiles,
        ..DemoConfig::default()
    }
}

#[test]
fn every_record_validates() {
    let g = Generator::new(DemoConfig {
        organisations: 1_000,
        vacancies: 2_000,
        profiles: 3_000,
        ..DemoConfig::default()
    });
    let orgs = g.organisations();
    assert!(
        orgs.len() > 300,
        "the whole catalogue is kept: {}",
        orgs.len()
    );
    let ids: HashSet<_> = orgs.iter().map(|o| o.id.clone()).collect();
    for o in &orgs {
        o.validate().unwrap_or_else(|e| panic!("{}: {e}", o.id));
        if let Some(parent) = &o.parent_id {
            assert!(ids.contains(parent), "{} has unknown parent {parent}", o.id);
        }
    }
    for v in g.vacancies() {
        v.validate().unwrap_or_else(|e| panic!("{}: {e}", v.id));
        assert!(ids.contains(&v.organisation_id));
        // Round-trips through the import format.
        let json = serde_json::to_string(&v).unwrap();
        qabilet_domain::parse_json::<qabilet_domain::Vacancy>(&json).unwrap();
    }
    for p in g.profiles() {
        p.validate().unwrap_or_else(|e| panic!("{}: {e}", p.id));
        let json = serde_json::to_string(&p).unwrap();
        qabilet_domain::parse_json::<qabilet_domain::Profile>(&json).unwrap();
    }
}

#[test]
fn same_seed_same_data_different_seed_different_data() {
    let dump = |seed| {
        let g = Generator::new(config(seed, 300));
        let mut s = serde_json::to_string(&g.organisations()).unwrap();
        s += &serde_json::to_string(&g.vacancies()).unwrap();
        for p in g.profiles_with_judgements() {
            s += &serde_json::to_string(&p.profile).unwrap();
            s += &serde_json::to_string(&p.judgements).unwrap();
        }
        s
    };
    assert_eq!(dump(7), dump(7));
    assert_ne!(dump(7), dump(8));
}

#[test]
fn a_profile_is_the_same_alone_or_in_a_stream() {
    let g = Generator::new(config(3, 500));
    let streamed: Vec<_> = g.profiles().collect();
    assert_eq!(g.profile(321).profile, streamed[321]);
}

#[test]
fn languages_are_mixed_about_40_40_20() {
    let g = Generator::new(DemoConfig {
        vacancies: 2_000,
        profiles: 5_000,
        ..DemoConfig::default()
    });
    let share = |langs: Vec<Language>| {
        let mut counts: HashMap<Language, usize> = HashMap::new();
        let n = langs.len() as f64;
        for l in langs {
            *counts.entry(l).or_default() += 1;
        }
        Language::ALL.map(|l| counts.get(&l).copied().unwrap_or(0) as f64 / n)
    };
    let v = share(g.vacancies().iter().map(|v| v.language.unwrap()).collect());
    let p = share(g.profiles().map(|p| p.language.unwrap()).collect());
    for (shares, what) in [(v, "vacancies"), (p, "profiles")] {
        for (got, want) in shares.iter().zip([0.4, 0.4, 0.2]) {
            assert!((got - want).abs() < 0.04, "{what}: {shares:?}");
        }
    }
}

#[test]
fn at_least_thirty_occupation_families_are_used() {
    assert!(occupation_families().len() >= 30);
    let g = Generator::new(config(1, 3_000));
    let used: HashSet<&str> = g.profiles_with_judgements().map(|p| p.family).collect();
    assert!(used.len() >= 30, "{} families: {used:?}", used.len());
}

#[test]
fn ground_truth_is_consistent_and_crosses_languages() {
    let g = Generator::new(DemoConfig::default());
    let vacancies = g.vacancies();
    let lang_of: HashMap<_, _> = vacancies
        .iter()
        .map(|v| (v.id.clone(), v.language.unwrap()))
        .collect();
    let mut good_per_vacancy: HashMap<_, usize> = HashMap::new();
    let mut cross = 0;
    let mut grade3 = 0;
    for p in g.profiles_with_judgements() {
        let mut seen = HashSet::new();
        for j in &p.judgements {
            assert!((1..=3).contains(&j.grade));
            assert_eq!(j.profile_id, p.profile.id);
            assert!(seen.insert(j.vacancy_id.clone()), "duplicate judgement");
            if j.grade == 3 {
                grade3 += 1;
                assert_eq!(g.occupation_of(&j.vacancy_id), Some(p.family));
                if lang_of[&j.vacancy_id] != p.profile.language.unwrap() {
                    cross += 1;
                }
            }
            if j.grade >= 2 {
                *good_per_vacancy.entry(j.vacancy_id.clone()).or_default() += 1;
            }
        }
    }
    assert!(grade3 > 0);
    assert!(
        cross * 3 > grade3,
        "{cross} of {grade3} grade-3 pairs cross languages"
    );
    // Every vacancy has good candidates, but they are a small share of the pool.
    for v in &vacancies {
        let n = good_per_vacancy.get(&v.id).copied().unwrap_or(0);
        assert!(n >= 3, "{} has {n} good candidates", v.id);
        assert!(n < 150, "{} has {n} good candidates", v.id);
    }
}

#[test]
fn writes_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let g = Generator::new(config(5, 200));
    let summary = g.write_jsonl(dir.path()).unwrap();
    assert_eq!(summary.profiles, 200);
    for (name, n) in [
        ("organisations.jsonl", summary.organisations),
        ("vacancies.jsonl", summary.vacancies),
        ("profiles.jsonl", summary.profiles),
        ("judgements.jsonl", summary.judgements),
    ] {
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert_eq!(text.lines().count(), n, "{name}");
    }
    let first = std::fs::read_to_string(dir.path().join("profiles.jsonl")).unwrap();
    let line = first.lines().next().unwrap();
    qabilet_domain::parse_json::<qabilet_domain::Profile>(line).unwrap();
}

#[test]
fn a_data_set_without_judgements_has_the_same_records() {
    let (with, without) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let g = Generator::new(config(5, 200));
    let judged = g.write_jsonl(with.path()).unwrap();
    let bare = g.write_jsonl_without_judgements(without.path()).unwrap();
    assert!(judged.judgements > 0);
    assert_eq!(bare.judgements, 0);
    assert!(!without.path().join("judgements.jsonl").exists());
    for name in ["organisations.jsonl", "vacancies.jsonl", "profiles.jsonl"] {
        let a = std::fs::read(with.path().join(name)).unwrap();
        let b = std::fs::read(without.path().join(name)).unwrap();
        assert!(a == b, "{name} differs");
    }
}
