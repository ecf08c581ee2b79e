//! Tests of bag-of-words matching: ranking, bounds, and that the one-pass pruned
//! traversal returns what tantivy's exhaustive top-k returns for the same queries.

use qabilet_domain::{EducationLevel, Language, LanguageLevel, ProfileId};
use rand::{Rng, SeedableRng};
use tantivy::collector::TopDocs;

use super::*;
use crate::indexing::tests::{profile, small_config};
use crate::querying::LanguageFilter;
use crate::Index;

fn sorted_ids(hits: &[Hit]) -> Vec<&str> {
    let mut v: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    v.sort();
    v
}

#[test]
fn bag_of_words_matching_ranks_filters_and_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), small_config()).unwrap();
    let p1 = profile(
        "P-1",
        "Бухгалтерский учёт в государственном органе",
        &["1С", "Excel"],
    );
    let mut p2 = profile("P-2", "Юрист, правовая экспертиза", &["Право"]);
    p2.education[0].level = EducationLevel::Vocational;
    index.upsert_profile(&p1, None, 1).unwrap();
    index.upsert_profile(&p2, None, 2).unwrap();
    index.commit().unwrap();
    let none = Filters::default();
    // Operators mean nothing here: "-" and quotes are just characters between words.
    let m = index
        .match_profiles("Бухгалтерский -учёт \"Excel\" юрист", &none, 10)
        .unwrap();
    assert_eq!(sorted_ids(&m.all), ["P-1", "P-2"]);
    assert_eq!(m.all[0].id, "P-1", "more matching words rank first: {m:?}");
    assert!(m.all[0].score > m.all[1].score);
    assert_eq!(sorted_ids(&m.passing), sorted_ids(&m.all));
    // The filters narrow the passing list only; scores are the same in both.
    let higher = Filters {
        min_education: Some(EducationLevel::Higher),
        ..Filters::default()
    };
    let m = index
        .match_profiles("юрист бухгалтерский", &higher, 10)
        .unwrap();
    assert_eq!(sorted_ids(&m.all), ["P-1", "P-2"]);
    assert_eq!(sorted_ids(&m.passing), ["P-1"]);
    let p1_open = m.all.iter().find(|h| h.id == "P-1").unwrap().score;
    assert_eq!(m.passing[0].score, p1_open);
    // Bounds.
    assert!(index
        .match_profiles("   ", &none, 10)
        .unwrap()
        .all
        .is_empty());
    assert!(index
        .match_profiles("юрист", &none, 0)
        .unwrap()
        .all
        .is_empty());
    let long = "слово ".repeat(400);
    assert!(matches!(
        index.match_profiles(&long, &none, 10),
        Err(crate::Error::Query(_))
    ));
    assert!(matches!(
        index.match_profiles("юрист", &none, MAX_RESULTS + 1),
        Err(crate::Error::Query(_))
    ));
}

const WORDS: &[&str] = &[
    "бухгалтерский",
    "учёт",
    "аудит",
    "бюджет",
    "право",
    "юрист",
    "экспертиза",
    "закупки",
    "кадры",
    "отчётность",
    "налог",
    "контроль",
    "есеп",
    "қаржы",
    "бақылау",
    "accounting",
    "audit",
    "procurement",
];

/// The exhaustive answer: the union intersected with the filters, scored by
/// tantivy's own top-k collector, hidden (deleted, uncommitted) ids dropped.
fn reference(index: &Index, text: &str, filters: &Filters, limit: usize) -> Vec<Hit> {
    let part = &index.profiles;
    let words = bag_of_words(text);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Must,
        Box::new(union_query(union_terms(&part.fields, &words).iter())),
    )];
    for q in filter_queries(&part.fields, filters) {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0))));
    }
    let searcher = part.reader.searcher();
    let found = searcher
        .search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit + part.hidden.len()),
        )
        .unwrap();
    let found = found
        .into_iter()
        .map(|(score, key)| Scored { score, key })
        .collect();
    let mut h = hits(part, &searcher, found).unwrap();
    h.truncate(limit);
    h
}

/// Equal scores in order, and equal ids wherever the order is not a tie.
fn assert_same(got: &[Hit], want: &[Hit], what: &str) {
    let scores = |h: &[Hit]| h.iter().map(|h| h.score).collect::<Vec<_>>();
    assert_eq!(scores(got), scores(want), "{what}: scores");
    let Some(last) = want.last().map(|h| h.score) else {
        return;
    };
    let above = |h: &[Hit]| {
        let mut v: Vec<String> = h
            .iter()
            .filter(|h| h.score > last)
            .map(|h| h.id.clone())
            .collect();
        v.sort();
        v
    };
    assert_eq!(above(got), above(want), "{what}: ids above the last score");
}

#[test]
fn one_pruned_pass_equals_exhaustive_top_k_with_and_without_filters() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let dir = tempfile::tempdir().unwrap();
    let mut config = small_config();
    config.commit_every = 250; // several segments
    let mut index = Index::open(dir.path(), config).unwrap();
    let levels = [
        EducationLevel::Secondary,
        EducationLevel::Vocational,
        EducationLevel::Higher,
        EducationLevel::Master,
    ];
    let n = 1_500;
    for i in 0..n {
        let len = rng.gen_range(1..25);
        let summary: Vec<&str> = (0..len)
            .map(|_| WORDS[rng.gen_range(0..WORDS.len())])
            .collect();
        let skill = WORDS[rng.gen_range(0..WORDS.len())];
        let mut p = profile(&format!("P-{i:04}"), &summary.join(" "), &[skill]);
        p.education[0].level = levels[rng.gen_range(0..levels.len())];
        if rng.gen_bool(0.3) {
            p.languages.truncate(1);
        }
        if rng.gen_bool(0.2) {
            p.experience.truncate(1);
        }
        index.upsert_profile(&p, None, i as u64 + 1).unwrap();
    }
    index.commit().unwrap();
    // Deleted and committed, then deleted but not yet committed (hidden).
    for (seq, i) in (n as u64 + 1..).zip((0..n).step_by(7)) {
        let id = ProfileId::new(format!("P-{i:04}")).unwrap();
        index.delete_profile(&id, seq).unwrap();
        if i == 700 {
            index.commit().unwrap();
        }
    }
    assert!(!index.profiles.hidden.is_empty());
    let filters = [
        Filters::default(),
        Filters {
            min_education: Some(EducationLevel::Higher),
            ..Filters::default()
        },
        Filters {
            min_education: Some(EducationLevel::Master),
            min_years: Some(6),
            languages: vec![LanguageFilter {
                language: Language::Ru,
                min_level: Some(LanguageLevel::Fluent),
            }],
            ..Filters::default()
        },
    ];
    let queries = [
        "бухгалтерский учёт аудит",
        "юрист право экспертиза закупки",
        "есеп қаржы бақылау accounting",
        "налог",
    ];
    for q in queries {
        for f in &filters {
            for limit in [1, 10, 60, 400] {
                let m = index.match_profiles(q, f, limit).unwrap();
                let what = format!("{q:?} {f:?} limit {limit}");
                assert_same(
                    &m.all,
                    &reference(&index, q, &Filters::default(), limit),
                    &what,
                );
                assert_same(&m.passing, &reference(&index, q, f, limit), &what);
                assert!(m.all.len() <= limit && m.passing.len() <= limit);
            }
        }
    }
}
