//! Tests of indexing: upserts, deletes, consent, sequence numbers across reopening.

use super::*;
use crate::querying::SearchRequest;

pub(crate) fn vacancy(id: &str, title: &str, description: &str) -> Vacancy {
    serde_json::from_value(serde_json::json!({
        "id": id,
        "organisation_id": "MF",
        "title": title,
        "description": description,
        "category": "C-O-4",
        "region": "karaganda",
        "deadline": "2026-12-20",
        "status": "open",
        "requirements": {
            "education_level": "higher",
            "min_years_total": 2,
            "languages": [{"language": "kk", "level": "intermediate"}],
            "competencies": ["MS Excel"]
        }
    }))
    .unwrap()
}

pub(crate) fn profile(id: &str, summary: &str, skills: &[&str]) -> Profile {
    serde_json::from_value(serde_json::json!({
        "id": id,
        "full_name": "Айгерім Сапарова",
        "region": "astana",
        "summary": summary,
        "education": [{"level": "master", "specialty": "Есеп және аудит",
                       "institution": "ЕҰУ", "year": 2015}],
        "experience": [{"organisation": "Қаржы министрлігі", "position": "Бас маман",
                        "sector": "public", "start": "2016-01-10", "end": "2021-03-01",
                        "duties": "Бюджеттік есептілікті дайындау"},
                       {"organisation": "ТОО Аудит", "position": "Аудитор",
                        "sector": "private", "start": "2021-04-01"}],
        "skills": skills,
        "languages": [{"language": "kk", "level": "native"},
                      {"language": "ru", "level": "fluent"}],
        "consents": [{"purpose": "processing", "granted_at": "2026-01-01T00:00:00Z"}]
    }))
    .unwrap()
}

pub(crate) fn small_config() -> IndexConfig {
    IndexConfig {
        dim: 4,
        commit_every: 1_000,
        writer_memory_bytes: 30 << 20,
        writer_threads: 1,
        compact_above: 0.3,
    }
}

fn ids(hits: &[crate::Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.id.as_str()).collect()
}

#[test]
fn upserts_replace_and_deletes_remove() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), small_config()).unwrap();
    let v = vacancy("V-1", "Главный специалист", "Ведение бухгалтерского учёта");
    index
        .upsert_vacancy(&v, Some(&[1.0, 0.0, 0.0, 0.0]), 1)
        .unwrap();
    index.upsert_vacancy(&v, None, 2).unwrap(); // idempotent replay
    index.commit().unwrap();
    assert_eq!(index.counts(), (1, 0));
    assert!(!index.vacancy_needs_embedding(&v));

    let mut changed = v.clone();
    changed.description = "Юридическое сопровождение".into();
    assert!(index.vacancy_needs_embedding(&changed));
    index.upsert_vacancy(&changed, None, 3).unwrap();
    index.commit().unwrap();
    assert_eq!(index.counts(), (1, 0));
    let req = SearchRequest::new("бухгалтерский");
    assert!(
        index.search_vacancies(&req).unwrap().is_empty(),
        "old text gone"
    );
    let req = SearchRequest::new("юридического");
    assert_eq!(ids(&index.search_vacancies(&req).unwrap()), ["V-1"]);
    assert!(
        index
            .similar_vacancies(&[1.0, 0.0, 0.0, 0.0], 5)
            .unwrap()
            .is_empty(),
        "a stale vector is dropped when the text changes without a new one"
    );

    index.delete_vacancy(&v.id, 4).unwrap();
    assert!(
        index.search_vacancies(&req).unwrap().is_empty(),
        "hidden before commit"
    );
    index.commit().unwrap();
    assert_eq!(index.counts(), (0, 0));
}

#[test]
fn revoked_consent_removes_profile_and_vector_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), small_config()).unwrap();
    let p = profile("P-1", "Бухгалтер, 5 жыл тәжірибе", &["1С"]);
    index
        .upsert_profile(&p, Some(&[0.0, 1.0, 0.0, 0.0]), 1)
        .unwrap();
    index.commit().unwrap();
    assert_eq!(
        index
            .similar_profiles(&[0.0, 1.0, 0.0, 0.0], 3)
            .unwrap()
            .len(),
        1
    );

    let mut revoked = p.clone();
    revoked.consents[0].revoked_at = Some("2026-02-01T00:00:00Z".parse().unwrap());
    index.upsert_profile(&revoked, None, 2).unwrap();
    // Before any commit: gone from both searches.
    assert!(index
        .search_profiles(&SearchRequest::new("бухгалтер"))
        .unwrap()
        .is_empty());
    assert!(index
        .similar_profiles(&[0.0, 1.0, 0.0, 0.0], 3)
        .unwrap()
        .is_empty());
    index.commit().unwrap();
    assert_eq!(index.counts(), (0, 0));
}

#[test]
fn sequence_number_survives_reopen_and_uncommitted_work_is_replayed() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut index = Index::open(dir.path(), small_config()).unwrap();
        assert_eq!(index.last_applied_seq(), 0);
        index
            .upsert_profile(&profile("P-1", "Аудитор", &[]), None, 7)
            .unwrap();
        index.commit().unwrap();
        index
            .upsert_profile(&profile("P-2", "Экономист", &[]), None, 8)
            .unwrap();
        // Dropped without commit: a crash, as far as the index can tell.
    }
    let mut index = Index::open(dir.path(), small_config()).unwrap();
    assert_eq!(index.last_applied_seq(), 7, "replay starts after 7");
    assert_eq!(index.counts(), (0, 1));
    index
        .upsert_profile(&profile("P-2", "Экономист", &[]), None, 8)
        .unwrap();
    index.commit().unwrap();
    assert_eq!(index.last_applied_seq(), 8);
    assert_eq!(index.counts(), (0, 2));
}

#[test]
fn batches_commit_by_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let config = IndexConfig {
        commit_every: 10,
        ..small_config()
    };
    let mut index = Index::open(dir.path(), config).unwrap();
    for i in 0..25 {
        let p = profile(&format!("P-{i}"), "Маман", &[]);
        index.upsert_profile(&p, None, i + 1).unwrap();
    }
    assert_eq!(index.counts().1, 20);
    assert_eq!(index.last_applied_seq(), 20);
}

#[test]
fn wrong_embedding_size_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), small_config()).unwrap();
    let v = vacancy("V-1", "Маман", "Есеп");
    let err = index.upsert_vacancy(&v, Some(&[1.0; 3]), 1).unwrap_err();
    assert!(err.to_string().contains("3 dimensions"), "{err}");
}

#[test]
fn a_read_only_index_searches_beside_the_writer_and_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        Index::open_read_only(dir.path()),
        Err(Error::Unusable { .. })
    ));
    let mut writer = Index::open(dir.path(), small_config()).unwrap();
    let p = profile("P-1", "Бухгалтерский учёт", &[]);
    writer
        .upsert_profile(&p, Some(&[1.0, 0.0, 0.0, 0.0]), 1)
        .unwrap();
    writer.commit().unwrap();
    // The writer still holds tantivy's lock: a second writable open is refused,
    // a read-only one is not.
    assert!(Index::open(dir.path(), small_config()).is_err());
    let mut reader = Index::open_read_only(dir.path()).unwrap();
    assert!(!reader.is_writable());
    assert_eq!(reader.dim(), 4);
    assert_eq!(reader.last_applied_seq(), 1);
    let hits = reader
        .match_profiles("бухгалтерский", &crate::Filters::default(), 10)
        .unwrap();
    assert_eq!(ids(&hits.all), ["P-1"]);
    let near = reader
        .profile_similarities(&[1.0, 0.0, 0.0, 0.0], &["P-1", "P-2"])
        .unwrap();
    assert_eq!(near.len(), 1);
    assert!((near[0].score - 1.0).abs() < 1e-3);
    assert!(matches!(
        reader.upsert_profile(&profile("P-2", "x", &[]), None, 2),
        Err(Error::Unusable { .. })
    ));
    assert!(matches!(
        reader.delete_profile(&ProfileId::new("P-1").unwrap(), 3),
        Err(Error::Unusable { .. })
    ));
}

/// A commit's slow half runs through `&self`, beside searches: after it the text is
/// searchable and the change durable (a crash here is a commit), and the vector
/// is searched once the quick half has run.
#[test]
fn a_persisted_commit_is_durable_and_its_vectors_come_with_the_publish() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), small_config()).unwrap();
    let v = vacancy("V-1", "Главный специалист", "Ведение бухгалтерского учёта");
    index
        .upsert_vacancy(&v, Some(&[1.0, 0.0, 0.0, 0.0]), 7)
        .unwrap();
    let shared: &Index = &index;
    let seq = shared.persist().unwrap();
    assert_eq!(seq, 7);
    let req = SearchRequest::new("бухгалтерский");
    assert_eq!(ids(&shared.search_vacancies(&req).unwrap()), ["V-1"]);
    assert!(shared
        .similar_vacancies(&[1.0, 0.0, 0.0, 0.0], 5)
        .unwrap()
        .is_empty());

    // Opened again without the publish: the change is there, at its number.
    drop(index);
    let mut index = Index::open(dir.path(), small_config()).unwrap();
    assert_eq!(index.last_applied_seq(), 7);
    assert_eq!(ids(&index.search_vacancies(&req).unwrap()), ["V-1"]);
    let found = index.similar_vacancies(&[1.0, 0.0, 0.0, 0.0], 5).unwrap();
    assert_eq!(found.len(), 1);

    // And the two halves in one process.
    let w = vacancy("V-2", "Юрист", "Правовая экспертиза");
    index
        .upsert_vacancy(&w, Some(&[0.0, 1.0, 0.0, 0.0]), 8)
        .unwrap();
    let seq = index.persist().unwrap();
    index.publish(seq).unwrap();
    assert_eq!(index.last_applied_seq(), 8);
    let found = index.similar_vacancies(&[0.0, 1.0, 0.0, 0.0], 1).unwrap();
    assert_eq!(found[0].id, "V-2");
}
