//! Vector search benchmark: top-10 over N × 384 int8 vectors with f16 re-scoring (pre-filtered
//! by sign sketches from 65,536 rows up, as `VectorStore::search` is).
//!
//! `cargo bench -p qabilet-indexer --bench vector_search -- [--n 1000000] [--queries 200] [--dir PATH]`
//!
//! Vectors are "random-ish": unit vectors scattered around 2,000 random centroids, so
//! neighbours exist and recall is meaningful. Prints build time, p50/p99 latency,
//! resident memory, and recall@10 against an exact f32 scan on a few queries.

use std::time::Instant;

use qabilet_indexer::VectorStore;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const DIM: usize = 384;
const CENTROIDS: usize = 2_000;
/// Rows generated from one seed, so any row can be regenerated for the exact check.
const BLOCK: usize = 10_000;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn normalise(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-9);
    v.iter_mut().for_each(|x| *x /= n);
}

fn centroids() -> Vec<Vec<f32>> {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    (0..CENTROIDS)
        .map(|_| {
            let mut v: Vec<f32> = (0..DIM).map(|_| rng.gen_range(-1.0..1.0)).collect();
            normalise(&mut v);
            v
        })
        .collect()
}

fn block(b: usize, centroids: &[Vec<f32>], rows: usize) -> Vec<Vec<f32>> {
    let mut rng = ChaCha8Rng::seed_from_u64(1_000 + b as u64);
    (0..rows)
        .map(|_| {
            let c = &centroids[rng.gen_range(0..CENTROIDS)];
            let mut v: Vec<f32> = c.iter().map(|x| x + rng.gen_range(-0.08..0.08)).collect();
            normalise(&mut v);
            v
        })
        .collect()
}

fn rss_mib() -> (u64, u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            / 1024
    };
    (field("VmRSS:"), field("RssAnon:"), field("RssFile:"))
}

fn main() {
    // `cargo test --all-targets` runs this without `--bench`: keep that a quick smoke test.
    let full = std::env::args().any(|a| a == "--bench");
    let n = arg("--n", if full { 1_000_000 } else { 5_000 });
    let queries = arg("--queries", if full { 200 } else { 10 });
    // `--dir PATH` keeps the store between runs: a second run skips the build, so its
    // memory figures are those of a serving process alone.
    let args: Vec<String> = std::env::args().collect();
    let kept = args
        .iter()
        .position(|a| a == "--dir")
        .and_then(|i| args.get(i + 1));
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = kept.map_or(temp.path().to_owned(), std::path::PathBuf::from);
    let centroids = centroids();
    let built = dir.join("profiles.head").exists();

    let started = Instant::now();
    let mut store = VectorStore::open(&dir, "profiles", DIM).expect("open");
    if built {
        println!("vectors: {} × {DIM}, kept from a previous run", store.len());
    } else {
        for b in 0..n.div_ceil(BLOCK) {
            let rows = BLOCK.min(n - b * BLOCK);
            for (i, v) in block(b, &centroids, rows).iter().enumerate() {
                store
                    .upsert(&format!("P-{}", b * BLOCK + i), v, 0)
                    .expect("upsert");
            }
        }
        store.commit(1).expect("commit");
        let build = started.elapsed();
        println!(
            "vectors: {n} × {DIM}, built and committed in {:.1} s",
            build.as_secs_f64()
        );
    }
    drop(store);

    let started = Instant::now();
    let store = VectorStore::open(&dir, "profiles", DIM).expect("reopen");
    println!(
        "reopen (loads ids and metadata): {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let make_query = |rng: &mut ChaCha8Rng| {
        let c = &centroids[rng.gen_range(0..CENTROIDS)];
        let mut q: Vec<f32> = c.iter().map(|x| x + rng.gen_range(-0.08..0.08)).collect();
        normalise(&mut q);
        q
    };
    // Warm the page cache once, as a serving process would be.
    let _ = store.search(&make_query(&mut rng), 10);
    let mut times = Vec::with_capacity(queries);
    for _ in 0..queries {
        let q = make_query(&mut rng);
        let t = Instant::now();
        let hits = store.search(&q, 10).expect("search");
        times.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(hits.len(), 10.min(n));
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "top-10 search, {queries} queries, {} rayon threads: p50 {:.1} ms, p99 {:.1} ms",
        rayon::current_num_threads(),
        pct(0.5),
        pct(0.99)
    );
    let (rss, anon, file) = rss_mib();
    println!(
        "memory while serving: RSS {rss} MiB = {anon} MiB heap + {file} MiB mapped files \
         (heap includes what the build phase left to the allocator)"
    );

    // Recall@10 of int8 + f16 re-scoring against an exact f32 scan.
    let checks = 3;
    let mut found = 0;
    for _ in 0..checks {
        let q = make_query(&mut rng);
        let mut exact: Vec<(f32, usize)> = Vec::with_capacity(n);
        for b in 0..n.div_ceil(BLOCK) {
            let rows = BLOCK.min(n - b * BLOCK);
            for (i, v) in block(b, &centroids, rows).iter().enumerate() {
                exact.push((v.iter().zip(&q).map(|(a, b)| a * b).sum(), b * BLOCK + i));
            }
        }
        exact.sort_by(|a, b| b.0.total_cmp(&a.0));
        let truth: Vec<String> = exact[..10].iter().map(|(_, i)| format!("P-{i}")).collect();
        let hits = store.search(&q, 10).expect("search");
        found += hits.iter().filter(|h| truth.contains(&h.id)).count();
    }
    println!(
        "recall@10 vs exact f32 over {checks} queries: {:.3}",
        found as f64 / (checks * 10) as f64
    );
}
