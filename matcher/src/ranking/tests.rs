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
        },
        Candidate {
            record: &no_kazakh,
            bm25: Some(9.0),
            dense: None,
        },
        Candidate {
            record: &good,
            bm25: Some(2.0),
            dense: None,
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
        },
        Candidate {
            record: &accounting,
            bm25: Some(1.0),
            dense: None,
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
