//! Tests of pool BM25: with the whole collection as the pool it is tantivy's own
//! BM25; with a smaller pool it does not move when others join the index.

use qabilet_domain::ProfileId;

use crate::indexing::tests::{profile, small_config};
use crate::{Filters, Index};

const QUERY: &str = "бухгалтерский учёт аудит бюджет Excel";

fn by_id(hits: &[crate::Hit]) -> Vec<(String, f32)> {
    let mut v: Vec<(String, f32)> = hits.iter().map(|h| (h.id.clone(), h.score)).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
fn the_whole_collection_as_pool_is_tantivys_bm25() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), small_config()).unwrap();
    let summaries = [
        "Бухгалтерский учёт и аудит",
        "Бюджет, бюджет и ещё раз бюджет",
        "Юрист",
        "Excel, учёт",
    ];
    for (i, s) in summaries.iter().enumerate() {
        index
            .upsert_profile(&profile(&format!("P-{i}"), s, &[]), None, i as u64 + 1)
            .unwrap();
        // Two segments: statistics must be summed across them.
        if i == 1 {
            index.commit().unwrap();
        }
    }
    index.commit().unwrap();
    let everyone = index
        .match_profiles(QUERY, &Filters::default(), 10)
        .unwrap()
        .all;
    let ids: Vec<String> = (0..summaries.len()).map(|i| format!("P-{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let pool = index.score_profiles_among(QUERY, &ids).unwrap();
    let (a, b) = (by_id(&everyone), by_id(&pool));
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for ((ida, sa), (idb, sb)) in a.iter().zip(&b) {
        assert_eq!(ida, idb);
        assert!((sa - sb).abs() < 1e-5, "{ida}: {sa} vs {sb}");
    }
}

#[test]
fn a_pool_scores_the_same_whoever_else_is_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), small_config()).unwrap();
    let applicants = [
        ("A-1", "Бухгалтерский учёт в министерстве"),
        ("A-2", "Аудит и бюджет"),
        ("A-3", "Excel"),
        ("A-4", "Садовник"),
    ];
    let mut seq = 0;
    for (id, summary) in applicants {
        seq += 1;
        index
            .upsert_profile(&profile(id, summary, &[]), None, seq)
            .unwrap();
    }
    index.commit().unwrap();
    let ids: Vec<&str> = applicants.iter().map(|(id, _)| *id).collect();
    let before = by_id(&index.score_profiles_among(QUERY, &ids).unwrap());
    // Every fixture profile studied "Есеп және аудит": even A-4 has a hit.
    assert_eq!(before.len(), 4, "{before:?}");

    // Hundreds of others with the vacancy's own words, in several segments, one of
    // the applicants replaced by an identical copy and one of the others deleted.
    for i in 0..300 {
        seq += 1;
        let p = profile(
            &format!("X-{i}"),
            "Бухгалтерский учёт, аудит, бюджет, Excel",
            &[],
        );
        index.upsert_profile(&p, None, seq).unwrap();
        if i % 100 == 99 {
            index.commit().unwrap();
        }
    }
    seq += 1;
    index
        .upsert_profile(&profile("A-2", "Аудит и бюджет", &[]), None, seq)
        .unwrap();
    seq += 1;
    index
        .delete_profile(&ProfileId::new("X-7").unwrap(), seq)
        .unwrap();
    index.commit().unwrap();
    let after = by_id(&index.score_profiles_among(QUERY, &ids).unwrap());
    assert_eq!(
        before, after,
        "the pool's scores moved with the rest of the index"
    );

    // The global statistics did move: the same words are far less rare now.
    let everyone = index
        .match_profiles(QUERY, &Filters::default(), 1000)
        .unwrap()
        .all;
    let global_a1 = everyone.iter().find(|h| h.id == "A-1").unwrap().score;
    assert!(
        (global_a1 - before[0].1).abs() > 0.1,
        "{global_a1} vs {before:?}"
    );
}

#[test]
fn missing_deleted_and_empty_pools() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), small_config()).unwrap();
    index
        .upsert_profile(&profile("A-1", "Бухгалтерский учёт", &[]), None, 1)
        .unwrap();
    index
        .upsert_profile(&profile("A-2", "Бухгалтерский учёт", &[]), None, 2)
        .unwrap();
    index.commit().unwrap();
    // Deleted but not yet committed: gone at once, as from every other search.
    index
        .delete_profile(&ProfileId::new("A-2").unwrap(), 3)
        .unwrap();
    let hits = index
        .score_profiles_among(QUERY, &["A-1", "A-2", "NOBODY"])
        .unwrap();
    assert_eq!(by_id(&hits).len(), 1);
    assert_eq!(hits[0].id, "A-1");
    assert!(index.score_profiles_among(QUERY, &[]).unwrap().is_empty());
    assert!(index
        .score_profiles_among("   ", &["A-1"])
        .unwrap()
        .is_empty());
    assert!(index
        .score_profiles_among(QUERY, &["NOBODY"])
        .unwrap()
        .is_empty());
}
