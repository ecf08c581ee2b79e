use super::*;
use crate::eligibility::tests::{profile, vacancy};
use crate::eligibility::RuleStatus;

#[test]
fn the_shortlist_separates_the_ineligible_and_explains_each_rank() {
    let v = vacancy();
    let good = profile();
    let mut weaker = profile();
    weaker.id = "P-2".parse().unwrap();
    // A specialty outside the synonym table: eligible, to be checked, and less fit.
    weaker.education[0].specialty = "Бухгалтерия сельского хозяйства".into();
    let mut no_kazakh = profile();
    no_kazakh.id = "P-3".parse().unwrap();
    no_kazakh
        .languages
        .retain(|l| l.language != qabilet_domain::Language::Kk);
    let candidates = [
        Candidate {
            record: &weaker,
            bm25: Some(3.0),
            dense: None,
            dense_model: DenseModel::Main,
        },
        Candidate {
            record: &no_kazakh,
            bm25: Some(9.0),
            dense: None,
            dense_model: DenseModel::Main,
        },
        Candidate {
            record: &good,
            bm25: Some(2.0),
            dense: None,
            dense_model: DenseModel::Main,
        },
    ];
    let config = RankingConfig::default();
    let checker = Checker::default();
    let ranker = Ranker::new(
        &config,
        &checker,
        Provenance {
            model_id: Some("m".into()),
            index_version: 7,
            ..Provenance::default()
        },
    );
    let s = ranker.shortlist(&v, &candidates, 10);
    let ids: Vec<&str> = s.eligible.iter().map(|r| r.profile_id.as_str()).collect();
    assert_eq!(ids, ["P-1", "P-2"], "{s:#?}");
    assert!(s.eligible[1].eligibility.needs_review);
    assert_eq!(s.ineligible.len(), 1);
    assert_eq!(
        s.ineligible[0].failed[0].rule,
        Rule::Language(qabilet_domain::Language::Kk)
    );
    assert_eq!(s.ineligible[0].failed[0].status, RuleStatus::NotMet);
    assert_eq!(s.ineligible_total, 1);
    // A limit lists fewer but counts every one.
    let first = ranker.shortlist(&v, &candidates, 1);
    assert_eq!(first.eligible.len(), 1);
    assert_eq!((first.ineligible.len(), first.ineligible_total), (1, 1));
    let none = ranker.shortlist(&v, &candidates, 0);
    assert_eq!((none.ineligible.len(), none.ineligible_total), (0, 1));
    let e = &s.eligible[0].explanation;
    assert_eq!(e.provenance.index_version, 7);
    assert!(
        e.matched_skills.contains(&"1С: Бухгалтерия".to_string()),
        "{e:#?}"
    );
    assert!(!e.best_sentences.is_empty());
    let sum: f32 = [e.parts.bm25, e.parts.dense, e.parts.structured]
        .iter()
        .flatten()
        .map(|p| p.contribution)
        .sum();
    assert!((sum - s.eligible[0].score).abs() < 1e-5);
    assert!(e.parts.dense.is_none());
    assert!(ranker.shortlist(&v, &candidates, 1).eligible.len() == 1);
}

#[test]
fn a_profile_sees_which_requirements_it_meets() {
    let accounting = vacancy();
    let mut law = vacancy();
    law.id = "V-2".parse().unwrap();
    law.title = "Главный специалист отдела правового обеспечения".into();
    law.duties = "Правовая экспертиза договоров".into();
    law.requirements.specialties = vec!["Юриспруденция".into()];
    law.requirements.competencies = vec!["Гражданское право".into()];
    let config = RankingConfig::default();
    let checker = Checker::default();
    let ranker = Ranker::new(&config, &checker, Provenance::default());
    let c = [
        Candidate {
            record: &law,
            bm25: Some(1.0),
            dense: None,
            dense_model: DenseModel::Main,
        },
        Candidate {
            record: &accounting,
            bm25: Some(1.0),
            dense: None,
            dense_model: DenseModel::Main,
        },
    ];
    let r = ranker.rank_vacancies(&profile(), &c, accounting.deadline, 10);
    assert_eq!(r[0].vacancy_id, "V-1");
    assert!(r[0].eligibility.eligible && !r[1].eligibility.eligible);
    assert!(r[1].eligibility.failed().any(|f| f.rule == Rule::Specialty));
}

#[test]
fn queries_from_vacancies_are_bounded_and_operator_free() {
    let mut v = vacancy();
    v.requirements.competencies = vec!["-исключить \"кавычки\" +плюс ".repeat(200)];
    let q = vacancy_query(&v);
    assert!(q.chars().count() <= 1_000);
    assert!(!q.contains(['-', '"', '+']));
}

/// Profiles still on interim (static-model) vectors are retrieved with the interim
/// query vector, and their dense scores are calibrated among themselves: the best
/// of each model gets the full dense part, and the explanation names the model.
#[test]
fn interim_profiles_are_scored_with_their_own_model() {
    use qabilet_indexer::{Index, IndexConfig};
    let dir = tempfile::tempdir().unwrap();
    let config = IndexConfig {
        dim: 4,
        writer_memory_bytes: 30 << 20,
        writer_threads: 1,
        ..IndexConfig::default()
    };
    let mut index = Index::open(dir.path(), config).unwrap();
    index.set_vector_model(Some("transformer"));
    index.use_interim_model("static", 3).unwrap();
    let v = vacancy();
    let with_id = |id: &str| {
        let mut p = profile();
        p.id = id.parse().unwrap();
        p
    };
    let (p1, p2, p3, p4) = (
        with_id("P-1"),
        with_id("P-2"),
        with_id("P-3"),
        with_id("P-4"),
    );
    index
        .upsert_profile(&p1, Some(&[1.0, 0.0, 0.0, 0.0]), 1)
        .unwrap();
    index
        .upsert_profile(&p2, Some(&[0.6, 0.8, 0.0, 0.0]), 2)
        .unwrap();
    index
        .upsert_profile_interim(&p3, &[0.8, 0.6, 0.0], 3)
        .unwrap();
    index
        .upsert_profile_interim(&p4, &[0.0, 1.0, 0.0], 4)
        .unwrap();
    index.commit().unwrap();
    // A vector of the wrong model's size is refused, never compared.
    assert!(index
        .upsert_profile_interim(&p4, &[0.0, 1.0, 0.0, 0.0], 5)
        .is_err());

    let vectors = QueryVectors {
        main: Some(&[1.0, 0.0, 0.0, 0.0]),
        interim: Some(&[1.0, 0.0, 0.0]),
    };
    let retrieved = retrieve_profiles_with(&index, &v, vectors, 100).unwrap();
    let by_id = |id: &str| retrieved.iter().find(|r| r.id == id).unwrap();
    assert_eq!(by_id("P-1").dense_model, DenseModel::Main);
    assert_eq!(by_id("P-3").dense_model, DenseModel::Interim);
    assert!((by_id("P-3").dense.unwrap() - 0.8).abs() < 0.02);
    assert_eq!(by_id("P-4").dense_model, DenseModel::Interim);

    let records: HashMap<String, Profile> = [p1, p2, p3, p4]
        .into_iter()
        .map(|p| (p.id.to_string(), p))
        .collect();
    let candidates = join_candidates(&retrieved, &records);
    let config = RankingConfig::default();
    let checker = Checker::default();
    let provenance = Provenance {
        model_id: Some("transformer".into()),
        interim_model_id: Some("static".into()),
        index_version: 4,
    };
    let ranker = Ranker::new(&config, &checker, provenance);
    let list = ranker.shortlist(&v, &candidates, 10);
    let entry = |id: &str| list.eligible.iter().find(|r| r.profile_id == id).unwrap();
    // P-3's cosine (0.8) is below P-1's (1.0) but the best of its model.
    let dense = |id: &str| entry(id).explanation.parts.dense.unwrap();
    assert_eq!(dense("P-1").normalised, 1.0);
    assert_eq!(dense("P-3").normalised, 1.0);
    assert_eq!(dense("P-4").normalised, 0.0);
    assert_eq!(
        entry("P-3").explanation.provenance.model_id.as_deref(),
        Some("static")
    );
    assert_eq!(
        entry("P-1").explanation.provenance.model_id.as_deref(),
        Some("transformer")
    );
}

#[test]
fn explanations_from_kept_analyses_are_those_computed_afresh() {
    // The checker keeps what explaining a profile reads; a profile edited under
    // the same id is explained as it is now, as a checker keeping nothing does.
    let v = vacancy();
    let mut p = profile();
    let config = RankingConfig::default();
    let checker = Checker::default();
    let ranker = Ranker::new(&config, &checker, Provenance::default());
    let forgetful = Checker::keeping(crate::SpecialtyTable::built_in(), 0);
    let afresh = Ranker::new(&config, &forgetful, Provenance::default());
    let explained = |ranker: &Ranker, p: &Profile| {
        let s = ranker.shortlist(&v, &[Candidate::unscored(p)], 10);
        serde_json::to_value(&s.eligible).unwrap()
    };
    let first = explained(&ranker, &p);
    assert_eq!(explained(&ranker, &p), first);
    assert_eq!(explained(&afresh, &p), first);
    p.summary = "Аудитор. Проверка финансовой отчётности по МСФО.".into();
    p.experience[0].duties = "Аудит расчётов с поставщиками".into();
    let edited = explained(&ranker, &p);
    assert_ne!(edited, first);
    assert_eq!(explained(&afresh, &p), edited);
}

/// Pairs kept in a map, for the test below.
#[derive(Default)]
struct KeptInMap(
    std::sync::Mutex<HashMap<usize, Arc<Pair>>>,
    std::sync::atomic::AtomicUsize,
);

impl KeptPairs for KeptInMap {
    fn kept(&self, i: usize) -> Option<Arc<Pair>> {
        let found = self.0.lock().unwrap().get(&i).cloned();
        if found.is_some() {
            self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        found
    }
    fn keep(&self, i: usize, pair: &Arc<Pair>) {
        self.0.lock().unwrap().insert(i, pair.clone());
    }
}

/// A ranking from kept pairs is the ranking from fresh checks, and a commission's
/// override is applied to that ranking's copy only: the kept check stays the
/// rule's own, so the next ranking without the override refuses the candidate.
#[test]
fn kept_pairs_rank_as_fresh_ones_and_never_keep_an_override() {
    let v = vacancy();
    let good = profile();
    let mut no_kazakh = profile();
    no_kazakh.id = "P-3".parse().unwrap();
    no_kazakh
        .languages
        .retain(|l| l.language != qabilet_domain::Language::Kk);
    let candidates = [Candidate::unscored(&good), Candidate::unscored(&no_kazakh)];
    let config = RankingConfig::default();
    let checker = Checker::default();
    let ranker = Ranker::new(&config, &checker, Provenance::default());
    let overrides = HashMap::from([(
        "P-3".to_owned(),
        vec![crate::eligibility::Override::new(
            Rule::Language(qabilet_domain::Language::Kk),
            "speaks it at work every day",
            "commission-1",
        )
        .unwrap()],
    )]);
    let kept = KeptInMap::default();
    let overridden = ranker.shortlist_keeping(&v, &candidates, &overrides, 10, &kept);
    assert_eq!(overridden.ineligible_total, 0, "{overridden:#?}");
    assert_eq!(kept.0.lock().unwrap().len(), 2);
    assert_eq!(kept.1.load(std::sync::atomic::Ordering::Relaxed), 0);

    let again = ranker.shortlist_keeping(&v, &candidates, &HashMap::new(), 10, &kept);
    assert_eq!(
        kept.1.load(std::sync::atomic::Ordering::Relaxed),
        2,
        "both taken as kept"
    );
    assert_eq!(
        again.ineligible_total, 1,
        "the override was kept: {again:#?}"
    );
    let fresh = ranker.shortlist(&v, &candidates, 10);
    let json =
        |s: &Shortlist| serde_json::to_string(&(&s.eligible, &s.ineligible, &s.record)).unwrap();
    assert_eq!(json(&again), json(&fresh));
}
