//! Vacancy search through the API over a real index held in the server state.

mod common;

use std::sync::{Arc, RwLock};

use common::{fixture, start};
use qabilet_domain::Vacancy;
use qabilet_indexer::{Index, IndexConfig};
use qabilet_store::test_support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_vacancies_by_bm25_once_an_index_exists() {
    let db = test_support::sqlite().await;
    let mut s = start(db).await;
    let t = fixture(&s).await;
    // Without an index: 503, not a 500.
    let r = s.get("/search/vacancies?q=бухгалтер", Some(&t.cand1)).await;
    assert_eq!((r.status.as_u16(), r.code()), (503, "unavailable"));

    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), IndexConfig::default()).unwrap();
    let vacancies: Vec<Vacancy> = s.db.store.vacancies_page("", 100).await.unwrap();
    for (seq, v) in vacancies.iter().enumerate() {
        index.upsert_vacancy(v, None, seq as u64 + 1).unwrap();
    }
    index.commit().unwrap();
    let index = Arc::new(RwLock::new(index));
    // A second server over the same store, now with the index.
    let db = std::mem::replace(&mut s.db, test_support::sqlite().await);
    let s2 = common::start_with_index(db, index).await;

    let r = s2
        .get("/search/vacancies?q=бухгалтерского&limit=5", Some(&t.cand1))
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let hits = r.json["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3, "{}", r.text);
    assert!(hits.iter().all(|h| h["score"].as_f64().unwrap() > 0.0));
    let r = s2
        .get(
            "/search/vacancies?q=бухгалтерского&region=astana&status=closed",
            Some(&t.cand1),
        )
        .await;
    assert_eq!(r.json["hits"].as_array().unwrap().len(), 0, "{}", r.text);
    // Hostile query text is just words.
    let r = s2
        .get("/search/vacancies?q=title%3A%28%22%5B", Some(&t.cand1))
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let r = s2
        .get(
            &format!("/search/vacancies?q={}", "a".repeat(2000)),
            Some(&t.cand1),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    // The catalogue is public: a visitor searches the open vacancies; a bad token
    // is still refused.
    let r = s2.get("/search/vacancies?q=x", None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let r = s2.get("/search/vacancies?q=x", Some("not-a-token")).await;
    assert_eq!(r.status.as_u16(), 401);
}
