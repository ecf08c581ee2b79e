use qabilet_demo::{DemoConfig, Generator};
use qabilet_indexer::IndexConfig;

use super::*;
use crate::eligibility::Checker;
use crate::ranking::{Provenance, RankingConfig};

fn grades(pairs: &[(&str, u8)]) -> HashMap<String, u8> {
    pairs.iter().map(|(k, g)| (k.to_string(), *g)).collect()
}

#[test]
fn metrics_on_a_hand_computed_case() {
    let g = grades(&[("a", 3), ("b", 2), ("c", 1)]);
    assert!((ndcg_at(&["a", "b", "c"], &g, 10) - 1.0).abs() < 1e-12);
    let swapped = ndcg_at(&["c", "b", "a"], &g, 10);
    let expected = (1.0 + 3.0 / 3f64.log2() + 7.0 / 2.0) / (7.0 + 3.0 / 3f64.log2() + 1.0 / 2.0);
    assert!((swapped - expected).abs() < 1e-12);
    assert_eq!(recall_at(&["x", "b"], &g, 50), 0.5);
    assert_eq!(reciprocal_rank(&["x", "c", "b"], &g), 1.0 / 3.0);
    assert_eq!(reciprocal_rank(&["x"], &g), 0.0);
}

/// Builds the demo data set, indexes it and evaluates; prints the table with
/// `--nocapture`. The thresholds are far below the targets: they catch a
/// broken pipeline, the targets are checked by `qabilet eval`.
#[test]
fn the_demo_ground_truth_is_ranked_sensibly() {
    let g = Generator::new(DemoConfig {
        vacancies: 20,
        profiles: 400,
        ..DemoConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), IndexConfig::default()).unwrap();
    let vacancies = g.vacancies();
    let mut seq = 0;
    for v in &vacancies {
        seq += 1;
        index.upsert_vacancy(v, None, seq).unwrap();
    }
    let mut profiles = HashMap::new();
    let mut qrels: Qrels = HashMap::new();
    for gp in g.profiles_with_judgements() {
        seq += 1;
        index.upsert_profile(&gp.profile, None, seq).unwrap();
        for j in gp.judgements {
            qrels
                .entry(j.vacancy_id.to_string())
                .or_default()
                .insert(j.profile_id.to_string(), j.grade);
        }
        profiles.insert(gp.profile.id.to_string(), gp.profile);
    }
    index.commit().unwrap();
    let config = RankingConfig::default();
    let checker = Checker::default();
    let ranker = Ranker::new(&config, &checker, Provenance::default());
    let rows = evaluate(&ranker, &index, &vacancies, &profiles, &qrels, None).unwrap();
    for r in &rows {
        println!("{:>10} {:>14} {:?}", r.signal, r.subset, r.metrics);
    }
    let get = |s: &str| {
        rows.iter()
            .find(|r| r.signal == s && r.subset == "all")
            .unwrap()
            .metrics
    };
    assert!(get("dense").is_none());
    let fused = get("fused").unwrap();
    let bm25 = get("bm25").unwrap();
    assert!(fused.queries >= 10);
    assert!(fused.ndcg_at_10 > 0.5, "{fused:?}");
    assert!(fused.ndcg_at_10 > bm25.ndcg_at_10, "{fused:?} vs {bm25:?}");
    for r in rows.iter().filter_map(|r| r.metrics) {
        assert!((0.0..=1.0).contains(&r.ndcg_at_10) && (0.0..=1.0).contains(&r.recall_at_50));
    }
}
