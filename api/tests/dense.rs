//! The dense signal with the real e5 model: the shortlist ranks with it, names the
//! model in every explanation, embeds the vacancy's query once and reuses it,
//! scores only the applicants (people who did not apply, with the vacancy's own
//! words and vectors, change nothing), and re-embeds when the vacancy's text
//! changes; a person's ranked vacancies use it as well, embedding each search text
//! once. Slow (a model load), hence one test on SQLite only; the ranking code is
//! the same on both backends.

mod common;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use qabilet_indexer::sync::{catch_up, Embedder};
use qabilet_indexer::{Index, IndexConfig};
use qabilet_models::EmbeddingModel;
use qabilet_store::test_support;
use serde_json::json;

/// The e5 model from the shared test cache (fetched once, as the models tests do).
fn e5() -> EmbeddingModel {
    let cache = std::env::var_os("QABILET_TEST_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/qabilet-test-cache"));
    let fetched = qabilet_models::fetch_models(&cache, false).expect("fetching the test models");
    EmbeddingModel::load(&fetched.e5).expect("loading e5")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shortlist_ranks_with_cached_query_embeddings() {
    let db = test_support::sqlite().await;
    let model = Arc::new(tokio::task::spawn_blocking(e5).await.unwrap());
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(
        dir.path(),
        IndexConfig {
            dim: model.dim(),
            ..IndexConfig::default()
        },
    )
    .unwrap();
    let index = Arc::new(RwLock::new(index));
    let app = common::app_with(&db, Some(index.clone()), Some(model.clone()));
    let s = common::start_app(db, app.clone()).await;
    let t = common::fixture(&s).await;
    common::apply_both_and_declare(&s, &t).await;
    let sync = || {
        let store = s.db.store.clone();
        let (idx, m) = (index.clone(), model.clone());
        async move {
            tokio::task::spawn_blocking(move || {
                let mut index = idx.write().unwrap();
                let embedder = m.as_ref() as &dyn Embedder;
                tokio::runtime::Handle::current().block_on(catch_up(
                    &store,
                    &mut index,
                    Some(embedder),
                    &(),
                ))
            })
            .await
            .unwrap()
            .unwrap();
        }
    };
    sync().await;

    assert_eq!(app.cached_query_embeddings(), 0);
    let r = s.get("/vacancies/V-1/shortlist", Some(&t.com1)).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.json["signals"]["dense"], true, "{}", r.text);
    let top = &r.json["eligible"][0]["explanation"];
    assert_eq!(top["model_id"].as_str(), Some(model.model_id()), "{top}");
    let cosine = top["parts"]["dense"]["raw"].as_f64().unwrap();
    assert!(cosine > 0.5 && cosine <= 1.0, "{cosine}");
    assert_eq!(app.cached_query_embeddings(), 1);

    // People who did not apply, written in the vacancy's own words (and so with
    // vectors close to its query), change no applicant's rank or score.
    let others: Vec<serde_json::Value> = (0..30)
        .map(|i| {
            let mut p = common::profile(&format!("X-{i}"), "Сторонний Кандидат");
            p["summary"] = json!("Главный специалист отдела бухгалтерского учёта: ведение бухгалтерского учета и отчетности");
            p
        })
        .collect();
    let r3 = s
        .post("/import/profiles", Some(&t.hrm), &json!(others))
        .await;
    assert_eq!(r3.status.as_u16(), 200, "{}", r3.text);
    sync().await;
    let after = s.get("/vacancies/V-1/shortlist", Some(&t.com1)).await;
    let ranked = |v: &serde_json::Value| -> Vec<(String, f64, f64, f64)> {
        v["eligible"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let parts = &e["explanation"]["parts"];
                (
                    e["application_id"].as_str().unwrap().to_owned(),
                    e["score"].as_f64().unwrap(),
                    parts["bm25"]["raw"].as_f64().unwrap_or(-1.0),
                    parts["dense"]["raw"].as_f64().unwrap_or(-1.0),
                )
            })
            .collect()
    };
    assert_ne!(
        after.json["provenance"]["index_version"], r.json["provenance"]["index_version"],
        "the index moved on"
    );
    assert_eq!(ranked(&after.json), ranked(&r.json));

    // A changed vacancy text gets a new query embedding; the old one is not used.
    let mut v = common::vacancy(
        "V-1",
        "MF",
        chrono::Utc::now().date_naive() + chrono::Duration::days(10),
    );
    v["description"] = json!("Юрист: правовая экспертиза договоров");
    let r = s.post("/import/vacancies", Some(&t.hrm), &json!([v])).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let r2 = s.get("/vacancies/V-1/shortlist", Some(&t.com1)).await;
    let cosine2 = r2.json["eligible"][0]["explanation"]["parts"]["dense"]["raw"]
        .as_f64()
        .unwrap();
    assert!(
        (cosine - cosine2).abs() > 1e-4,
        "{cosine} vs {cosine2}: stale embedding"
    );
    // The new text is embedded; the old one is never used again.
    assert_eq!(app.cached_query_embeddings(), 2);

    // A person's ranked vacancies use the model too, and embed a query once.
    let r = s.get("/profiles/P-1/vacancies", Some(&t.cand1)).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(
        r.json["provenance"]["model_id"].as_str(),
        Some(model.model_id()),
        "{}",
        r.text
    );
    let dense = |v: &serde_json::Value| v["explanation"]["parts"]["dense"]["raw"].as_f64();
    let first = &r.json["vacancies"][0];
    assert!(dense(first).is_some_and(|c| c > 0.5), "{first}");
    assert_eq!(app.cached_query_embeddings(), 3);
    let again = s.get("/profiles/P-1/vacancies", Some(&t.cand1)).await;
    assert_eq!(again.json["vacancies"], r.json["vacancies"]);
    assert_eq!(app.cached_query_embeddings(), 3, "embedded once");
    // A profile with nothing to embed is an empty list, not a model error.
    let bare = common::bare_profile("P-BARE");
    let r = s
        .post("/import/profiles", Some(&t.hrm), &json!([bare]))
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let r = s.get("/profiles/P-BARE/vacancies", Some(&t.hrm)).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.json["vacancies"], json!([]));
}

/// A competition's applicants bulk-indexed with interim vectors of a (small,
/// quickly distilled) static model are scored with that model's query vector and
/// the explanation names it; the server's follower then upgrades them to e5 in the
/// background, after which every applicant is scored by e5.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interim_vectors_rank_with_their_own_model_until_the_follower_upgrades_them() {
    use qabilet_indexer::sync::{catch_up_with, Embedders};
    use qabilet_models::distill::{distill, DistillOptions};
    use qabilet_models::StaticModel;

    let db = test_support::sqlite().await;
    let cache = std::env::var_os("QABILET_TEST_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/qabilet-test-cache"));
    let e5_dir = qabilet_models::fetch_models(&cache, false)
        .expect("fetching the test models")
        .e5;
    let model = Arc::new(tokio::task::spawn_blocking(e5).await.unwrap());
    let dir = tempfile::tempdir().unwrap();
    let config = IndexConfig {
        dim: model.dim(),
        ..IndexConfig::default()
    };
    let index = Arc::new(RwLock::new(Index::open(dir.path(), config).unwrap()));
    let app = common::app_with(&db, Some(index.clone()), Some(model.clone()));
    let s = common::start_app(db, app.clone()).await;
    let t = common::fixture(&s).await;
    common::apply_both_and_declare(&s, &t).await;

    // A static model of the tokens these records use (the whole vocabulary takes
    // minutes), then the bulk index: profiles get its vectors.
    let store = s.db.store.clone();
    let mut texts = vec!["query: ".to_owned(), "passage: ".to_owned()];
    for p in store.profiles_page("", 100).await.unwrap() {
        texts.push(qabilet_indexer::profile_embedding_text(&p));
    }
    for v in store.vacancies_page("", 100).await.unwrap() {
        texts.push(qabilet_indexer::vacancy_embedding_text(&v));
    }
    let out = tempfile::tempdir().unwrap();
    let (teacher, folder) = (model.clone(), out.path().join("static"));
    let fast = tokio::task::spawn_blocking(move || {
        let mut tokens = Vec::new();
        for t in &texts {
            for w in teacher.token_windows(t, false).unwrap() {
                tokens.extend(w);
            }
        }
        let options = DistillOptions {
            dims: 64,
            only_tokens: Some(tokens),
            progress: false,
        };
        distill(&teacher, &e5_dir, &folder, &options).unwrap();
        StaticModel::load(&folder).unwrap()
    })
    .await
    .unwrap();
    let fast = Arc::new(fast);
    {
        let (idx, m, f, store) = (index.clone(), model.clone(), fast.clone(), store.clone());
        tokio::task::spawn_blocking(move || {
            let mut index = idx.write().unwrap();
            let embedders = Embedders {
                main: Some(m.as_ref() as &dyn Embedder),
                interim: Some(f.as_ref() as &dyn Embedder),
            };
            tokio::runtime::Handle::current().block_on(catch_up_with(
                &store,
                &mut index,
                embedders,
                &(),
            ))
        })
        .await
        .unwrap()
        .unwrap();
    }
    let profiles = index.read().unwrap().counts().1 as usize;
    assert!(profiles >= 2);
    assert_eq!(index.read().unwrap().interim_count(), profiles);
    app.set_interim_model(fast.clone());

    let models_of = |v: &serde_json::Value| -> Vec<String> {
        v["eligible"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                assert!(e["explanation"]["parts"]["dense"]["raw"].is_f64(), "{e}");
                e["explanation"]["model_id"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    let r = s.get("/vacancies/V-1/shortlist", Some(&t.com1)).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(
        r.json["provenance"]["interim_model_id"].as_str(),
        Some(fast.model_id())
    );
    let used = models_of(&r.json);
    assert!(!used.is_empty(), "{}", r.text);
    assert!(used.iter().all(|m| m == fast.model_id()), "{used:?}");

    // A node whose vacancies lost their vectors (the model changed, or the index
    // was built with `--static --no-model`) gets them back from the follower with
    // nothing in the feed, beside the upgrade of the profiles' interim vectors.
    let vacancies = index.read().unwrap().counts().0 as usize;
    {
        let mut index = index.write().unwrap();
        index.reset_vectors(model.model_id()).unwrap();
        index.commit().unwrap();
    }
    assert_eq!(index.read().unwrap().vector_counts().0, 0);
    assert_eq!(index.read().unwrap().interim_count(), profiles);
    // The follower upgrades them in the background.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let follower = qabilet_app::follower::spawn_follower(
        store.clone(),
        index.clone(),
        Some(model.clone()),
        std::time::Duration::from_millis(50),
        stopped,
    );
    let started = std::time::Instant::now();
    let done = || {
        let index = index.read().unwrap();
        index.interim_count() == 0 && index.vector_counts().0 == vacancies
    };
    while !done() {
        assert!(
            started.elapsed().as_secs() < 120,
            "not upgraded and backfilled within 2 minutes"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    stop.send(true).unwrap();
    follower.await.unwrap();
    assert_eq!(index.read().unwrap().vector_counts().1, profiles);
    let r = s.get("/vacancies/V-1/shortlist", Some(&t.com1)).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert!(
        r.json["provenance"].get("interim_model_id").is_none(),
        "{}",
        r.text
    );
    let used = models_of(&r.json);
    assert!(used.iter().all(|m| m == model.model_id()), "{used:?}");

    // A backlog as long as a bulk import's gives the profiles it brings interim
    // vectors; a shorter one the transformer's.
    use qabilet_app::follower::{follow_once_with, BulkModel};
    let template = store.profiles_page("", 1).await.unwrap().remove(0);
    let add = |ids: std::ops::Range<usize>| {
        let (store, template) = (store.clone(), template.clone());
        async move {
            let mut tx = store.begin().await.unwrap();
            for i in ids {
                let mut p = template.clone();
                p.id = qabilet_domain::ProfileId::new(format!("P-BULK-{i}")).unwrap();
                p.summary = format!("{} {i}", p.summary);
                tx.put_profile(&p).await.unwrap();
            }
            tx.commit().await.unwrap();
        }
    };
    // Bulk from a backlog of 3 changes.
    let bulk = BulkModel {
        model: fast.clone(),
        from_backlog: 3,
    };
    let follow = || async {
        let report = follow_once_with(&store, &index, Some(&model), Some(&bulk)).await;
        assert!(report.unwrap().is_some());
    };
    add(0..3).await;
    follow().await;
    assert_eq!(index.read().unwrap().interim_count(), 3);
    assert_eq!(index.read().unwrap().vector_counts().1, profiles);
    add(3..5).await;
    follow().await;
    assert_eq!(index.read().unwrap().interim_count(), 3);
    assert_eq!(index.read().unwrap().vector_counts().1, profiles + 2);
}
