//! Following the store: catch-up, backfill, model changes and rebuilds, against
//! SQLite and PostgreSQL alike.

mod common;

use common::{assert_in_step, config, fill, mutate, FakeEmbedder, Gone, DIM};
use qabilet_indexer::sync::{self, EmbedError, Embedder};
use qabilet_indexer::{Error, Index, IndexConfig};
use qabilet_store::test_support;

const PROFILES: usize = 300;
const VACANCIES: usize = 5;
const ADDED: usize = 20;

#[tokio::test]
async fn catch_up_follows_inserts_updates_deletes_and_revocations() {
    for t in test_support::all().await {
        let store = &t.store;
        let dir = tempfile::tempdir().unwrap();
        let embedder = FakeEmbedder::new("fake-a");
        fill(store, VACANCIES, PROFILES).await;
        let mut index = Index::open(dir.path(), config(40)).unwrap();

        let report = sync::catch_up(store, &mut index, Some(&embedder), &())
            .await
            .unwrap();
        assert_eq!(report.from_seq, 0, "[{}]", t.name);
        assert_eq!(
            report.embedded,
            (VACANCIES + PROFILES) as u64,
            "[{}]",
            t.name
        );
        assert_eq!(index.counts(), (VACANCIES as u64, PROFILES as u64));
        assert_in_step(store, &index, Some(&embedder), &Gone::new()).await;

        let gone = mutate(store, PROFILES, ADDED).await;
        let before = embedder.embedded();
        let report = sync::catch_up(store, &mut index, Some(&embedder), &())
            .await
            .unwrap();
        assert_in_step(store, &index, Some(&embedder), &gone).await;
        // Only new texts are embedded: the updated and the added profiles. (Those
        // revoked and re-granted are applied once, in their final state, because
        // both changes fall in one batch of the feed.)
        let updated = PROFILES / 10;
        assert_eq!(
            embedder.embedded() - before,
            (updated + ADDED) as u64,
            "[{}] {report:?}",
            t.name
        );

        // Nothing new: nothing to do.
        let report = sync::catch_up(store, &mut index, Some(&embedder), &())
            .await
            .unwrap();
        assert_eq!((report.changes, report.embedded), (0, 0), "[{}]", t.name);

        // The same state survives reopening.
        drop(index);
        let index = Index::open(dir.path(), config(40)).unwrap();
        assert_in_step(store, &index, Some(&embedder), &gone).await;
    }
}

#[tokio::test]
async fn without_an_embedder_vectors_are_filled_in_later() {
    let t = test_support::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    fill(&t.store, VACANCIES, PROFILES).await;
    let mut index = Index::open(dir.path(), config(1_000)).unwrap();
    sync::catch_up(&t.store, &mut index, None, &())
        .await
        .unwrap();
    assert_eq!(index.vector_counts(), (0, 0));
    assert_in_step(&t.store, &index, None, &Gone::new()).await;

    let embedder = FakeEmbedder::new("fake-a");
    let report = sync::catch_up(&t.store, &mut index, Some(&embedder), &())
        .await
        .unwrap();
    assert_eq!(report.embedded, (VACANCIES + PROFILES) as u64);
    assert_eq!(index.vector_model(), Some("fake-a"));
    assert_in_step(&t.store, &index, Some(&embedder), &Gone::new()).await;
}

#[tokio::test]
async fn a_new_model_recomputes_every_vector() {
    let t = test_support::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    fill(&t.store, VACANCIES, PROFILES).await;
    let mut index = Index::open(dir.path(), config(1_000)).unwrap();
    let a = FakeEmbedder::new("fake-a");
    sync::catch_up(&t.store, &mut index, Some(&a), &())
        .await
        .unwrap();

    let b = FakeEmbedder::new("fake-b");
    let report = sync::catch_up(&t.store, &mut index, Some(&b), &())
        .await
        .unwrap();
    assert!(report.vectors_reset);
    assert_eq!(b.embedded(), (VACANCIES + PROFILES) as u64);
    assert_eq!(index.vector_model(), Some("fake-b"));
    assert_in_step(&t.store, &index, Some(&b), &Gone::new()).await;

    // Recorded on disk: reopening with model B changes nothing.
    drop(index);
    let mut index = Index::open(dir.path(), config(1_000)).unwrap();
    let report = sync::catch_up(&t.store, &mut index, Some(&b), &())
        .await
        .unwrap();
    assert!(!report.vectors_reset);
    assert_eq!(report.embedded, 0);
}

#[tokio::test]
async fn rebuild_reuses_unchanged_vectors_and_swaps_directories() {
    for t in test_support::all().await {
        let store = &t.store;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("index");
        fill(store, VACANCIES, PROFILES).await;
        let a = FakeEmbedder::new("fake-a");
        {
            let mut index = Index::open(&dir, config(1_000)).unwrap();
            sync::catch_up(store, &mut index, Some(&a), &())
                .await
                .unwrap();
        }
        let gone = mutate(store, PROFILES, ADDED).await;

        let report = sync::rebuild(store, &dir, config(100), Some(&a), &())
            .await
            .unwrap();
        let consenting = PROFILES - 2 * PROFILES / 10 + ADDED;
        assert_eq!(
            report.profiles, consenting as u64,
            "[{}] {report:?}",
            t.name
        );
        assert_eq!(report.vacancies, VACANCIES as u64);
        // Updated and new profiles.
        let changed = PROFILES / 10 + ADDED;
        assert_eq!(report.embedded, changed as u64, "[{}] {report:?}", t.name);
        assert_eq!(report.reused, (VACANCIES + consenting - changed) as u64);
        let leftovers: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["index"], "[{}]", t.name);
        let index = Index::open(&dir, config(1_000)).unwrap();
        assert_in_step(store, &index, Some(&a), &gone).await;
        drop(index);

        // Another model: nothing is reused.
        let b = FakeEmbedder::new("fake-b");
        let report = sync::rebuild(store, &dir, config(100), Some(&b), &())
            .await
            .unwrap();
        assert_eq!(report.reused, 0);
        let index = Index::open(&dir, config(1_000)).unwrap();
        assert_eq!(index.vector_model(), Some("fake-b"));
        assert_in_step(store, &index, Some(&b), &gone).await;
    }
}

#[tokio::test]
async fn rebuild_refuses_an_index_another_writer_holds() {
    let t = test_support::sqlite().await;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("index");
    let held = Index::open(&dir, config(1_000)).unwrap();
    let err = sync::rebuild(&t.store, &dir, config(1_000), None, &())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unusable { reason, .. } if reason.contains("another process")),
        "{err}"
    );
    drop(held);
    sync::rebuild(&t.store, &dir, config(1_000), None, &())
        .await
        .unwrap();
}

#[tokio::test]
async fn an_interrupted_swap_is_finished_on_open() {
    let t = test_support::sqlite().await;
    fill(&t.store, VACANCIES, 50).await;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("index");
    sync::rebuild(&t.store, &dir, config(1_000), None, &())
        .await
        .unwrap();
    // As if killed between the renames: the old one moved away, the ready new one
    // not yet in place.
    std::fs::rename(&dir, root.path().join("index.rebuild")).unwrap();
    std::fs::write(root.path().join("index.rebuild/READY"), b"").unwrap();
    let index = Index::open(&dir, config(1_000)).unwrap();
    assert_eq!(index.counts(), (VACANCIES as u64, 50));
    drop(index);
    // Killed after the first rename of a rebuild that was not ready: the old one
    // comes back.
    std::fs::rename(&dir, root.path().join("index.old")).unwrap();
    std::fs::create_dir(root.path().join("index.rebuild")).unwrap();
    let index = Index::open(&dir, config(1_000)).unwrap();
    assert_eq!(index.counts(), (VACANCIES as u64, 50));
}

/// An embedder that breaks its contract.
struct Broken;

impl Embedder for Broken {
    fn model_id(&self) -> String {
        "broken".into()
    }
    fn dim(&self) -> usize {
        DIM
    }
    fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.len() > 1 {
            return Err("out of memory".into());
        }
        Ok(Vec::new())
    }
}

#[tokio::test]
async fn embedder_failures_and_wrong_sizes_are_errors() {
    let t = test_support::sqlite().await;
    fill(&t.store, 1, 1).await;
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), config(1_000)).unwrap();
    let err = sync::catch_up(&t.store, &mut index, Some(&Broken), &())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("out of memory"), "{err}");

    let t = test_support::sqlite().await;
    fill(&t.store, 0, 1).await;
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), config(1_000)).unwrap();
    let err = sync::catch_up(&t.store, &mut index, Some(&Broken), &())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("0 vectors for 1 texts"), "{err}");

    let wide = IndexConfig {
        dim: DIM * 2,
        ..config(1_000)
    };
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), wide).unwrap();
    let err = sync::catch_up(&t.store, &mut index, Some(&FakeEmbedder::new("a")), &())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unusable { .. }), "{err}");
    assert!(err.to_string().contains("index rebuild"), "{err}");
}

#[test]
fn sync_can_run_on_a_spawned_task() {
    fn assert_send<T: Send>(_: &T) {}
    let store: Option<qabilet_store::Store> = None;
    if let Some(store) = &store {
        let dir = tempfile::tempdir().unwrap();
        let mut index = Index::open(dir.path(), config(1)).unwrap();
        let embedder = FakeEmbedder::new("a");
        assert_send(&sync::catch_up(store, &mut index, Some(&embedder), &()));
        assert_send(&sync::rebuild(store, dir.path(), config(1), None, &()));
    }
}
