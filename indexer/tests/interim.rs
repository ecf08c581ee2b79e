//! Interim vectors: a bulk index with the static model first, then the upgrade to
//! the transformer, resumable, never holding two valid vectors for one profile,
//! against SQLite and PostgreSQL alike.

mod common;

use std::sync::RwLock;

use common::{config, fill, mutate, FakeEmbedder};
use qabilet_indexer::sync::{self, Embedders};
use qabilet_indexer::{profile_embedding_text, Index};
use qabilet_store::test_support;

const PROFILES: usize = 200;
const VACANCIES: usize = 4;
/// The static model's dimension, unlike the transformer's (`common::DIM`).
const STATIC_DIM: usize = 16;

/// Every consenting profile has exactly one valid vector, of one model or the
/// other, found by that model's query vector of its text.
async fn assert_one_vector_each(
    store: &qabilet_store::Store,
    index: &Index,
    main: &FakeEmbedder,
    fast: &FakeEmbedder,
) -> (usize, usize) {
    let (mut by_main, mut by_fast) = (0, 0);
    let mut after = String::new();
    loop {
        let page = store.profiles_page(&after, 500).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.id.as_str().to_owned();
        for p in page
            .iter()
            .filter(|p| p.consents_to(qabilet_domain::ConsentPurpose::Processing))
        {
            let text = profile_embedding_text(p);
            let id = p.id.as_str();
            let found = |hits: Vec<qabilet_indexer::VectorHit>| {
                hits.first().is_some_and(|h| h.id == id && h.score > 0.99)
            };
            let in_main = found(index.similar_profiles(&main.vector(&text), 1).unwrap());
            let in_fast = found(
                index
                    .similar_profiles_interim(&fast.vector(&text), 1)
                    .unwrap(),
            );
            assert!(in_main ^ in_fast, "{id}: main {in_main}, interim {in_fast}");
            by_main += usize::from(in_main);
            by_fast += usize::from(in_fast);
        }
    }
    assert_eq!(index.vector_counts().1, by_main, "main vector count");
    assert_eq!(index.interim_count(), by_fast, "interim vector count");
    (by_main, by_fast)
}

#[tokio::test]
async fn static_first_then_a_resumable_upgrade() {
    for t in test_support::all().await {
        let store = &t.store;
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().join("index");
        let main = FakeEmbedder::new("transformer");
        let fast = FakeEmbedder::with_dim("static", STATIC_DIM);
        fill(store, VACANCIES, PROFILES).await;

        // The bulk build: vacancies by the transformer, profiles by the static model.
        let embedders = Embedders {
            main: Some(&main),
            interim: Some(&fast),
        };
        let report = sync::rebuild_with(store, &dir, config(50), embedders, &())
            .await
            .unwrap();
        assert_eq!(report.profiles, PROFILES as u64, "[{}]", t.name);
        assert_eq!(main.embedded(), VACANCIES as u64, "[{}]", t.name);
        assert_eq!(fast.embedded(), PROFILES as u64, "[{}]", t.name);
        let index = Index::open(&dir, config(50)).unwrap();
        assert_eq!(index.interim_model(), Some("static"));
        assert_eq!(
            assert_one_vector_each(store, &index, &main, &fast).await,
            (0, PROFILES),
            "[{}]",
            t.name
        );
        let status = Index::status(&dir).unwrap().unwrap();
        assert_eq!(status.interim_vectors, PROFILES, "[{}]", t.name);

        // A catch-up with the transformer alone leaves interim vectors to the
        // upgrade: it embeds nothing.
        let mut index = index;
        let report = sync::catch_up(store, &mut index, Some(&main), &())
            .await
            .unwrap();
        assert_eq!(report.embedded, 0, "[{}] {report:?}", t.name);

        // Upgrade part of the way, as if stopped: what is done is committed.
        let index = RwLock::new(index);
        let report = sync::upgrade(store, &index, &main, 32, Some(70), &(), &|| false)
            .await
            .unwrap();
        assert_eq!(report.upgraded, 70, "[{}]", t.name);
        assert_eq!(report.remaining, (PROFILES - 70) as u64, "[{}]", t.name);
        let progress = sync::UpgradeProgress::read(&dir).expect("progress recorded");
        assert_eq!(progress.remaining, (PROFILES - 70) as u64);
        assert!(progress.eta_seconds().is_some());
        drop(index);

        // Reopened (a restart), then edits meanwhile: the changed and added profiles
        // get transformer vectors from the feed, the removed lose their interim ones.
        let mut index = Index::open(&dir, config(50)).unwrap();
        assert_eq!(index.interim_count(), PROFILES - 70, "[{}] resumed", t.name);
        let _gone = mutate(store, PROFILES, 10).await;
        sync::catch_up(store, &mut index, Some(&main), &())
            .await
            .unwrap();
        let (by_main, by_fast) = assert_one_vector_each(store, &index, &main, &fast).await;
        assert!(
            by_main > 70 && by_fast > 0,
            "[{}] {by_main} / {by_fast}",
            t.name
        );

        // The rest, with a stop that never fires.
        let index = RwLock::new(index);
        let before = main.embedded();
        let report = sync::upgrade(store, &index, &main, 32, None, &(), &|| false)
            .await
            .unwrap();
        assert_eq!(report.upgraded as usize, by_fast, "[{}]", t.name);
        assert_eq!(main.embedded() - before, by_fast as u64, "[{}]", t.name);
        let index = index.into_inner().unwrap();
        assert_eq!(index.interim_count(), 0);
        assert_eq!(index.interim_model(), None);
        let (by_main, _) = assert_one_vector_each(store, &index, &main, &fast).await;
        assert_eq!(index.counts().1 as usize, by_main, "[{}]", t.name);
        assert_eq!(
            index.last_applied_seq(),
            store.last_change_seq().await.unwrap() as u64
        );
    }
}

/// A store of one vacancy and `profiles` profiles, indexed static-first.
async fn bulk_indexed(
    profiles: usize,
) -> (
    test_support::TestStore,
    tempfile::TempDir,
    Index,
    FakeEmbedder,
    FakeEmbedder,
) {
    let t = test_support::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    let main = FakeEmbedder::new("transformer");
    let fast = FakeEmbedder::with_dim("static", STATIC_DIM);
    fill(&t.store, 1, profiles).await;
    let mut index = Index::open(dir.path(), config(50)).unwrap();
    let embedders = Embedders {
        main: Some(&main),
        interim: Some(&fast),
    };
    sync::catch_up_with(&t.store, &mut index, embedders, &())
        .await
        .unwrap();
    (t, dir, index, main, fast)
}

/// A stop requested before the first batch upgrades nothing and loses nothing.
#[tokio::test]
async fn a_stopped_upgrade_keeps_every_vector() {
    let (t, _dir, index, main, fast) = bulk_indexed(40).await;
    assert_eq!(index.interim_count(), 40);
    let index = RwLock::new(index);
    let report = sync::upgrade(&t.store, &index, &main, 8, None, &(), &|| true)
        .await
        .unwrap();
    assert_eq!(report.upgraded, 0);
    let index = index.into_inner().unwrap();
    assert_eq!(index.interim_count(), 40);
    assert_one_vector_each(&t.store, &index, &main, &fast).await;
}

/// The upgrade refuses a transformer other than the one the index's vectors are of.
#[tokio::test]
async fn the_upgrade_refuses_another_model() {
    let (t, _dir, index, _, _) = bulk_indexed(10).await;
    let index = RwLock::new(index);
    let other = FakeEmbedder::new("another-transformer");
    let err = sync::upgrade(&t.store, &index, &other, 8, None, &(), &|| false)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("run `qabilet index sync`"),
        "{err}"
    );
    assert_eq!(index.read().unwrap().interim_count(), 10);
}
