//! Crash safety with a real process: a worker syncing thousands of profiles is
//! killed with SIGKILL mid-way, the store changes while it is dead, and a restarted
//! worker must bring the index exactly in step with the store.
//!
//! The worker is this test binary itself, re-executed with `WORKER` set so that the
//! `worker` test below runs the sync instead of returning: no extra binary to build
//! or find.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{assert_in_step, config, fill, mutate, FakeEmbedder};
use qabilet_indexer::sync::{self, Phase, Progress};
use qabilet_indexer::Index;
use qabilet_store::{test_support, Store};

/// `STORE_URL|INDEX_DIR|MODE` for the worker; MODE is `sync` or `rebuild`.
const WORKER: &str = "QABILET_INDEXER_CRASH_WORKER";
/// Milliseconds the worker pauses after each commit, so the kill lands mid-way.
const WORKER_PAUSE: &str = "QABILET_INDEXER_CRASH_PAUSE_MS";
const PROFILES: usize = 3_000;
/// Profiles per commit in the worker.
const COMMIT_EVERY: usize = 50;

/// Prints one line per commit (and per page of a rebuild) for the parent to follow.
struct Lines {
    pause: Duration,
}

impl Progress for Lines {
    fn advance(&self, steps: u64) {
        println!("advanced {steps}");
        let _ = std::io::stdout().flush();
        std::thread::sleep(self.pause);
    }
    fn begin(&self, phase: Phase, total: u64) {
        println!("begin {} {total}", phase.as_str());
        let _ = std::io::stdout().flush();
    }
    fn committed(&self, seq: u64) {
        println!("committed {seq}");
        let _ = std::io::stdout().flush();
        std::thread::sleep(self.pause);
    }
}

/// The worker: a no-op unless re-executed by the test below.
#[test]
fn worker() {
    let Ok(spec) = std::env::var(WORKER) else {
        return;
    };
    let mut parts = spec.split('|');
    let (Some(url), Some(dir), Some(mode)) = (parts.next(), parts.next(), parts.next()) else {
        panic!("bad {WORKER}: {spec}");
    };
    let pause = std::env::var(WORKER_PAUSE)
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::ZERO, Duration::from_millis);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = Store::connect(url).await.unwrap();
        let embedder = FakeEmbedder::new("fake-a");
        let progress = Lines { pause };
        let dir = Path::new(dir);
        let seq = if mode == "rebuild" {
            sync::rebuild(
                &store,
                dir,
                config(COMMIT_EVERY),
                Some(&embedder),
                &progress,
            )
            .await
            .unwrap();
            Index::open(dir, config(COMMIT_EVERY))
                .unwrap()
                .last_applied_seq()
        } else {
            let mut index = Index::open(dir, config(COMMIT_EVERY)).unwrap();
            sync::catch_up(&store, &mut index, Some(&embedder), &progress)
                .await
                .unwrap()
                .to_seq
        };
        println!("done {seq}");
    });
}

fn spawn_worker(url: &str, dir: &Path, mode: &str, pause_ms: u64) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "worker", "--nocapture", "--test-threads=1"])
        .env(WORKER, format!("{url}|{}|{mode}", dir.display()))
        .env(WORKER_PAUSE, pause_ms.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// Reads the worker's lines until `stop` says so, then kills it with SIGKILL.
/// Panics if the worker ends first.
fn kill_when(mut child: Child, mut stop: impl FnMut(&str) -> bool) {
    let stdout = child.stdout.take().unwrap();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        assert!(
            !line.starts_with("done"),
            "the worker finished before the kill"
        );
        if stop(&line) {
            child.kill().unwrap(); // SIGKILL
            let status = child.wait().unwrap();
            assert_eq!(status.signal(), Some(9), "{status:?}");
            return;
        }
    }
    panic!(
        "the worker stopped without being killed: {:?}",
        child.wait()
    );
}

/// Runs the worker to the end and returns the sequence number it reached.
fn run_worker(url: &str, dir: &Path, mode: &str) -> u64 {
    let output = spawn_worker(url, dir, mode, 0).wait_with_output().unwrap();
    assert!(output.status.success(), "worker failed: {output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("done "))
        .and_then(|seq| seq.parse().ok())
        .unwrap_or_else(|| panic!("no result from the worker: {stdout}"))
}

fn committed_at_least(min: u64) -> impl Fn(&str) -> bool {
    move |line| {
        line.strip_prefix("committed ")
            .and_then(|seq| seq.parse::<u64>().ok())
            .is_some_and(|seq| seq >= min)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn kill_9_mid_sync_loses_nothing() {
    let t = test_support::sqlite().await;
    let store = &t.store;
    fill(store, 5, PROFILES).await;
    let total = store.last_change_seq().await.unwrap() as u64;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("index");

    // Killed a few commits in.
    let child = spawn_worker(&t.url, &dir, "sync", 20);
    kill_when(child, committed_at_least(500));
    {
        let index = Index::open(&dir, config(COMMIT_EVERY)).unwrap();
        let seq = index.last_applied_seq();
        assert!(
            seq >= 500 && seq < total,
            "killed mid-way: {seq} of {total}"
        );
        assert_eq!(index.counts().1 + 5, seq, "what is committed is complete");
    }

    // The store changes while the worker is dead; then it is killed once more
    // before a clean run.
    let gone = mutate(store, PROFILES, 100).await;
    let child = spawn_worker(&t.url, &dir, "sync", 20);
    kill_when(child, committed_at_least(1_500));
    let seq = run_worker(&t.url, &dir, "sync");
    assert_eq!(seq, store.last_change_seq().await.unwrap() as u64);

    let index = Index::open(&dir, config(COMMIT_EVERY)).unwrap();
    let embedder = FakeEmbedder::new("fake-a");
    assert_in_step(store, &index, Some(&embedder), &gone).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn kill_9_mid_rebuild_keeps_the_old_index() {
    let t = test_support::sqlite().await;
    let store = &t.store;
    fill(store, 5, PROFILES).await;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("index");
    let seq = run_worker(&t.url, &dir, "sync");

    let gone = mutate(store, PROFILES, 100).await;
    let child = spawn_worker(&t.url, &dir, "rebuild", 20);
    // Two pages into the profiles.
    let mut in_profiles = false;
    let mut pages = 0;
    kill_when(child, |line| {
        in_profiles |= line.starts_with("begin profiles");
        pages += usize::from(in_profiles && line.starts_with("advanced"));
        pages == 2
    });
    {
        // The old index is untouched and usable.
        let index = Index::open(&dir, config(COMMIT_EVERY)).unwrap();
        assert_eq!(index.last_applied_seq(), seq);
        assert_eq!(index.counts().1, PROFILES as u64);
    }
    assert!(root.path().join("index.rebuild").exists());

    run_worker(&t.url, &dir, "rebuild");
    let names: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["index"]);
    let index = Index::open(&dir, config(COMMIT_EVERY)).unwrap();
    let embedder = FakeEmbedder::new("fake-a");
    assert_in_step(store, &index, Some(&embedder), &gone).await;
}
