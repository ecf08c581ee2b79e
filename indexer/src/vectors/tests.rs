//! Tests of the vector store: persistence, updates, tombstones, compaction, ranking.

use super::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn random_unit(rng: &mut ChaCha8Rng, dim: usize) -> Vec<f32> {
    let v: Vec<f32> = (0..dim).map(|_| rng.gen_range(-1.0..1.0)).collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.into_iter().map(|x| x / norm).collect()
}

fn exact_top(vectors: &[(String, Vec<f32>)], q: &[f32], k: usize) -> Vec<String> {
    let mut scored: Vec<(f32, &String)> = vectors
        .iter()
        .map(|(id, v)| (v.iter().zip(q).map(|(a, b)| a * b).sum(), id))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
        .into_iter()
        .take(k)
        .map(|(_, id)| id.clone())
        .collect()
}

#[test]
fn search_matches_exact_ranking_and_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let dim = 64;
    let vectors: Vec<(String, Vec<f32>)> = (0..3000)
        .map(|i| (format!("P-{i}"), random_unit(&mut rng, dim)))
        .collect();
    {
        let mut store = VectorStore::open(dir.path(), "profiles", dim).unwrap();
        for (id, v) in &vectors {
            store.upsert(id, v, 1).unwrap();
        }
        store.commit(42).unwrap();
    }
    let store = VectorStore::open(dir.path(), "profiles", dim).unwrap();
    assert_eq!(store.len(), 3000);
    assert_eq!(store.last_applied_seq(), 42);
    for _ in 0..20 {
        let q = random_unit(&mut rng, dim);
        let hits: Vec<String> = store
            .search(&q, 10)
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect();
        assert_eq!(hits, exact_top(&vectors, &q, 10));
    }
    // A stored vector finds itself first.
    let hits = store.search(&vectors[17].1, 1).unwrap();
    assert_eq!(hits[0].id, "P-17");
    assert!((hits[0].score - 1.0).abs() < 0.01, "{}", hits[0].score);
}

#[test]
fn updates_deletes_and_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let dim = 16;
    let mut store = VectorStore::open(dir.path(), "v", dim).unwrap();
    let a = random_unit(&mut rng, dim);
    let b = random_unit(&mut rng, dim);
    store.upsert("A", &a, 10).unwrap();
    store.upsert("B", &b, 20).unwrap();
    store.commit(1).unwrap();
    assert!(!store.needs_embedding("A", 10));
    assert!(store.needs_embedding("A", 11), "text changed");
    assert!(store.needs_embedding("C", 10), "unknown id");

    // Update A to B's direction; A must now rank first for B's query too.
    store.upsert("A", &b, 11).unwrap();
    store.delete("B").unwrap();
    store.delete("nobody").unwrap();
    store.commit(2).unwrap();
    let hits = store.search(&b, 5).unwrap();
    assert_eq!(
        hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        ["A"]
    );
    assert!(store.dead_fraction() > 0.4);

    store.compact().unwrap();
    assert_eq!(store.dead_fraction(), 0.0);
    drop(store);
    let store = VectorStore::open(dir.path(), "v", dim).unwrap();
    assert_eq!(store.len(), 1);
    assert_eq!(store.search(&b, 5).unwrap()[0].id, "A");
    assert!(
        !dir.path().join("v.0.i8").exists(),
        "old generation removed"
    );
}

/// Id `i`'s vector: two spikes, distinct for every `i` below `dim²`.
fn spiked(i: usize, dim: usize) -> Vec<f32> {
    let mut v = vec![0.0; dim];
    v[i % dim] = 1.0;
    v[(i / dim + 1) % dim] += 0.5;
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.into_iter().map(|x| x / norm).collect()
}

#[test]
fn commits_past_the_mapped_room_and_a_compaction_keep_every_row_readable() {
    // 2,048 dimensions: f16 rows of 4 KiB, so 6,000 rows outgrow the first 16 MiB
    // the files are mapped with and the second commit must map them anew.
    let dim = 2048;
    let dir = tempfile::tempdir().unwrap();
    let mut store = VectorStore::open(dir.path(), "v", dim).unwrap();
    let check = |store: &VectorStore, ids: std::ops::Range<usize>| {
        for i in ids.step_by(97) {
            let id = format!("P-{i}");
            let own = spiked(i, dim);
            let hits = store.similarities(&own, &[id.as_str()]).unwrap();
            assert_eq!(hits.len(), 1, "{id} has a committed vector");
            assert!(
                (hits[0].score - 1.0).abs() < 0.01,
                "{id}: {}",
                hits[0].score
            );
            assert_eq!(store.search(&own, 1).unwrap()[0].id, id);
        }
    };
    for batch in [0..3000, 3000..6000] {
        for i in batch.clone() {
            store
                .upsert(&format!("P-{i}"), &spiked(i, dim), i as u64)
                .unwrap();
        }
        // Appended but not committed: not searched yet.
        let last = format!("P-{}", batch.end - 1);
        let own = spiked(batch.end - 1, dim);
        assert!(store
            .similarities(&own, &[last.as_str()])
            .unwrap()
            .is_empty());
        store.commit(batch.end as u64).unwrap();
        check(&store, 0..batch.end);
    }
    // A compaction writes a new generation: what is searched must be its rows.
    for i in (0..6000).filter(|i| i % 2 == 1) {
        store.delete(&format!("P-{i}")).unwrap();
    }
    store.commit(6001).unwrap();
    store.compact().unwrap();
    assert!(
        !dir.path().join("v.0.i8").exists(),
        "old generation removed"
    );
    for i in (0..6000).step_by(2) {
        let id = format!("P-{i}");
        let hits = store.similarities(&spiked(i, dim), &[id.as_str()]).unwrap();
        assert!((hits[0].score - 1.0).abs() < 0.01, "{id} after compaction");
    }
    store.upsert("P-late", &spiked(7001, dim), 1).unwrap();
    store.commit(6002).unwrap();
    assert_eq!(store.search(&spiked(7001, dim), 1).unwrap()[0].id, "P-late");
}

#[test]
fn uncommitted_appends_are_ignored_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let dim = 8;
    let mut store = VectorStore::open(dir.path(), "v", dim).unwrap();
    store.upsert("A", &[1.0; 8], 1).unwrap();
    store.commit(5).unwrap();
    store.upsert("B", &[0.5; 8], 1).unwrap();
    store.flush().unwrap(); // written, but the head still says one row
    drop(store);
    let store = VectorStore::open(dir.path(), "v", dim).unwrap();
    assert_eq!(store.len(), 1);
    assert_eq!(store.last_applied_seq(), 5);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = VectorStore::open(dir.path(), "v", 4).unwrap();
    assert!(matches!(
        store.upsert("A", &[1.0; 3], 0),
        Err(Error::Dimension {
            expected: 4,
            got: 3
        })
    ));
    assert!(store.search(&[1.0; 5], 3).is_err());
    let long_id = "x".repeat(65);
    assert!(matches!(
        store.upsert(&long_id, &[1.0; 4], 0),
        Err(Error::InvalidId(_))
    ));
    assert!(
        store.search(&[1.0; 4], 3).unwrap().is_empty(),
        "empty store"
    );
    store.upsert("A", &[0.0; 4], 0).unwrap();
    store.upsert("B", &[f32::NAN, 1.0, 0.0, 0.0], 0).unwrap();
    store.commit(1).unwrap();
    assert!(store.search(&[f32::INFINITY; 4], 3).unwrap().is_empty());
    assert_eq!(store.search(&[1.0; 4], 0).unwrap(), vec![]);
    assert!(
        VectorStore::open(dir.path(), "v", 8).is_err(),
        "dimension mismatch"
    );
}

#[test]
fn hash_is_stable() {
    assert_eq!(text_hash(""), 0xcbf2_9ce4_8422_2325);
    assert_ne!(text_hash("есеп"), text_hash("есепті"));
}

/// A store large enough to be pre-filtered by its sketches finds what the exact
/// scan finds on clustered vectors (as embeddings are), and the sketches follow
/// in-place updates, appends and compaction.
#[test]
fn sketched_search_finds_the_exact_neighbours() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let dim = 48;
    let rows = SKETCH_MIN_ROWS + 4_000;
    let centres: Vec<Vec<f32>> = (0..rows / 100)
        .map(|_| random_unit(&mut rng, dim))
        .collect();
    let near = |rng: &mut ChaCha8Rng, centre: &[f32]| -> Vec<f32> {
        let noise = random_unit(rng, dim);
        let v: Vec<f32> = centre
            .iter()
            .zip(&noise)
            .map(|(c, n)| c + 0.4 * n)
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.into_iter().map(|x| x / norm).collect()
    };
    let mut store = VectorStore::open(dir.path(), "profiles", dim).unwrap();
    for i in 0..rows {
        let v = near(&mut rng, &centres[i % centres.len()]);
        store.upsert(&format!("P-{i}"), &v, 1).unwrap();
    }
    store.commit(1).unwrap();
    let recall = |store: &VectorStore| {
        let report = store.sketch_recall(50, 20).unwrap().unwrap();
        report.recalls.iter().sum::<f64>() / report.recalls.len() as f64
    };
    let mean = recall(&store);
    assert!(mean >= 0.97, "recall {mean}");
    // The pre-filter is what `search` uses here.
    let q = near(&mut rng, &centres[3]);
    let sketched = store.search(&q, 20).unwrap();
    assert_eq!(sketched, store.search_with(&q, 20, true).unwrap());

    // Moved in place to the query's direction: found first at once.
    let target = random_unit(&mut rng, dim);
    store.upsert("P-5", &target, 2).unwrap();
    assert_eq!(store.search(&target, 1).unwrap()[0].id, "P-5");
    // Appended and committed: found first.
    let other = random_unit(&mut rng, dim);
    store.upsert("P-new", &other, 3).unwrap();
    store.commit(2).unwrap();
    assert_eq!(store.search(&other, 1).unwrap()[0].id, "P-new");
    // Reopened and compacted: the sketches are made again from the rows.
    store.delete("P-7").unwrap();
    store.compact().unwrap();
    assert_eq!(store.search(&other, 1).unwrap()[0].id, "P-new");
    let store = VectorStore::open(dir.path(), "profiles", dim).unwrap();
    assert_eq!(store.search(&target, 1).unwrap()[0].id, "P-5");
    assert!(recall(&store) >= 0.97);
}
