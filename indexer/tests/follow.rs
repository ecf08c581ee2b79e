//! `sync::follow`, the server's catch-up over a shared index: it ends in the same
//! state as `catch_up`, and a search can read the index while a batch embeds.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use common::{assert_in_step, config, fill, mutate, FakeEmbedder, Gone};
use qabilet_indexer::sync::{self, EmbedError, Embedder, Embedders};
use qabilet_indexer::Index;
use qabilet_store::test_support;

const PROFILES: usize = 600;
const VACANCIES: usize = 5;

// The checks read the index under its lock while they await the store; nothing
// else takes the lock then.
#[allow(clippy::await_holding_lock)]
#[tokio::test]
async fn follow_applies_every_kind_of_change_in_short_commits() {
    for t in test_support::all().await {
        let store = &t.store;
        let dir = tempfile::tempdir().unwrap();
        let embedder = FakeEmbedder::new("fake-a");
        fill(store, VACANCIES, PROFILES).await;
        // Up to a given change: that far and no further.
        let halfway = u64::try_from(store.last_change_seq().await.unwrap() / 2).unwrap();
        let part_dir = tempfile::tempdir().unwrap();
        let part = RwLock::new(Index::open(part_dir.path(), config(1_000_000)).unwrap());
        let embedders = Embedders::main(Some(&embedder));
        sync::follow(store, &part, embedders, Some(halfway), &())
            .await
            .unwrap();
        assert_eq!(
            part.read().unwrap().last_applied_seq(),
            halfway,
            "[{}]",
            t.name
        );
        // A large automatic-commit interval: every commit seen is `follow`'s own.
        let index = RwLock::new(Index::open(dir.path(), config(1_000_000)).unwrap());
        let report = sync::follow(store, &index, Embedders::main(Some(&embedder)), None, &())
            .await
            .unwrap();
        assert_eq!(
            report.upserted,
            (VACANCIES + PROFILES) as u64,
            "[{}]",
            t.name
        );
        assert_eq!(
            report.embedded,
            (VACANCIES + PROFILES) as u64,
            "[{}]",
            t.name
        );
        assert!(report.longest_hold_micros > 0, "[{}]", t.name);
        assert_in_step(store, &index.read().unwrap(), Some(&embedder), &Gone::new()).await;

        let gone = mutate(store, PROFILES, 20).await;
        sync::follow(store, &index, Embedders::main(Some(&embedder)), None, &())
            .await
            .unwrap();
        assert_in_step(store, &index.read().unwrap(), Some(&embedder), &gone).await;

        // Committed as it went: reopened, the index is where it was.
        drop(index);
        let index = Index::open(dir.path(), config(1_000_000)).unwrap();
        assert_in_step(store, &index, Some(&embedder), &gone).await;
    }
}

/// A fake embedder that takes `delay` per call and says when it is in one.
struct Slow {
    inner: FakeEmbedder,
    delay: Duration,
    busy: AtomicBool,
}

impl Embedder for Slow {
    fn model_id(&self) -> String {
        self.inner.model_id()
    }
    fn dim(&self) -> usize {
        self.inner.dim()
    }
    fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.busy.store(true, Ordering::SeqCst);
        std::thread::sleep(self.delay);
        let out = self.inner.embed_passages(texts);
        self.busy.store(false, Ordering::SeqCst);
        out
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_reads_the_index_while_a_batch_embeds() {
    let t = test_support::sqlite().await;
    fill(&t.store, VACANCIES, PROFILES).await;
    let dir = tempfile::tempdir().unwrap();
    let index = Arc::new(RwLock::new(
        Index::open(dir.path(), config(1_000_000)).unwrap(),
    ));
    let slow = Arc::new(Slow {
        inner: FakeEmbedder::new("fake-a"),
        delay: Duration::from_millis(200),
        busy: AtomicBool::new(false),
    });
    let (store, shared, embedder) = (t.store.clone(), index.clone(), slow.clone());
    let runtime = tokio::runtime::Handle::current();
    // As the server's follower runs it: on a thread that may block.
    let following = tokio::task::spawn_blocking(move || {
        let embedders = Embedders::main(Some(&*embedder as &dyn Embedder));
        runtime.block_on(sync::follow(&store, &shared, embedders, None, &()))
    });

    let mut reads_during_embedding = 0;
    let mut longest = Duration::ZERO;
    while !following.is_finished() {
        if !slow.busy.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        }
        let started = Instant::now();
        let seq = index.read().unwrap().last_applied_seq();
        let waited = started.elapsed();
        // Only a read that began and ended inside an embedding call counts.
        if slow.busy.load(Ordering::SeqCst) {
            reads_during_embedding += 1;
            longest = longest.max(waited);
            std::hint::black_box(seq);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let report = following.await.unwrap().unwrap();
    let index = Arc::into_inner(index).unwrap().into_inner().unwrap();
    assert!(
        reads_during_embedding >= 5,
        "only {reads_during_embedding} reads happened while embedding"
    );
    assert!(
        longest < Duration::from_millis(100),
        "a read waited {longest:?} for the index while the follower embedded"
    );
    assert_eq!(report.embedded, (VACANCIES + PROFILES) as u64);
    assert_in_step(&t.store, &index, Some(&slow.inner), &Gone::new()).await;
}

/// An index built without a model gets its vectors from `backfill_some` a bounded
/// step at a time, and `follow` applies a change between two steps at once
/// instead of after the whole backfill.
// As above: the last check reads the index under its lock while it awaits the store.
#[allow(clippy::await_holding_lock)]
#[tokio::test]
async fn the_backfill_goes_in_bounded_steps_and_changes_pass_it() {
    for t in test_support::all().await {
        let store = &t.store;
        fill(store, VACANCIES, PROFILES).await;
        let dir = tempfile::tempdir().unwrap();
        let index = RwLock::new(Index::open(dir.path(), config(1_000_000)).unwrap());
        let none = Embedders::main(None);
        sync::follow(store, &index, none, None, &()).await.unwrap();
        assert_eq!(
            index.read().unwrap().vector_counts(),
            (0, 0),
            "[{}]",
            t.name
        );

        // Every embedder call outlasts the budget: one chunk per step.
        let slow = Slow {
            inner: FakeEmbedder::new("fake-a"),
            delay: Duration::from_millis(20),
            busy: AtomicBool::new(false),
        };
        let embedders = Embedders::main(Some(&slow as &dyn Embedder));
        let mut cursor = sync::BackfillCursor::default();
        let budget = Duration::from_millis(1);
        let step = sync::backfill_some(store, &index, embedders, &mut cursor, budget)
            .await
            .unwrap();
        // The five vacancies first: a page with fewer than a chunk missing.
        assert_eq!(step.embedded, VACANCIES as u64, "[{}]", t.name);
        // Under their model's id, recorded by the step itself.
        assert_eq!(index.read().unwrap().vector_model(), Some("fake-a"));
        let step = sync::backfill_some(store, &index, embedders, &mut cursor, budget)
            .await
            .unwrap();
        assert_eq!(step.embedded, sync::BACKFILL_CHUNK as u64, "[{}]", t.name);

        // A change made now is applied by the next follow, with its vector,
        // however much of the backfill is left.
        let gone = mutate(store, PROFILES, 20).await;
        let report = sync::follow(store, &index, embedders, None, &())
            .await
            .unwrap();
        assert_eq!(
            report.to_seq,
            u64::try_from(store.last_change_seq().await.unwrap()).unwrap(),
            "[{}]",
            t.name
        );
        assert!(report.embedded > 0, "[{}]", t.name);
        let (_, profile_vectors) = index.read().unwrap().vector_counts();
        assert!(profile_vectors < PROFILES, "[{}] {profile_vectors}", t.name);

        // Steps until nothing is left; then the steps do nothing.
        let mut steps = 0;
        loop {
            let step = sync::backfill_some(store, &index, embedders, &mut cursor, budget)
                .await
                .unwrap();
            if step.embedded == 0 {
                break;
            }
            steps += 1;
            assert!(step.embedded <= sync::BACKFILL_CHUNK as u64, "[{}]", t.name);
        }
        assert!(steps >= 10, "[{}] {steps} steps", t.name);
        assert_in_step(store, &index.read().unwrap(), Some(&slow.inner), &gone).await;
        let calls = slow.inner.embedded();
        let step = sync::backfill_some(store, &index, embedders, &mut cursor, budget)
            .await
            .unwrap();
        assert_eq!((step.embedded, slow.inner.embedded()), (0, calls));
    }
}
