//! The application core of Qabilet: every use case once, for every front door.
//!
//! The HTTP API (`qabilet-api`), the web pages (`qabilet-web`) and the command line
//! (`qabilet`) are adapters: they parse their input, call one use case here with
//! the [`Actor`] who asks, and render what it returns or the [`AppError`] it
//! refuses with. The rules — who may see what, what is audited, which date a
//! deadline is in, how a shortlist is ranked — live only here, so the three
//! cannot drift apart.
//!
//! [`App`] holds what the use cases share: the store (the system of record), the
//! search index derived from it, the embedding model, the one [`Config`], the
//! eligibility checker, the caches and the audit writer.
//!
//! | module | use cases |
//! |---|---|
//! | [`catalog`] | organisations, vacancies, vacancy search |
//! | [`import`] | bulk imports from the HRM system and from files |
//! | [`people`] | profiles, consent |
//! | [`vacancies_for_person`] | a person's ranked open vacancies |
//! | [`shortlist`] | a competition's ranked shortlist of its applicants |
//! | [`talent`] | searching the whole pool for a vacancy |
//! | [`competition`] | applications, stage results, overrides, publishing |
//! | [`commission`] | seats, declarations and recusals |
//! | [`reserve`] | the talent reserve and the second-best registry |
//! | [`analytics`] | the funnel, time to hire, regions, reserve use, flag rates; impact ratios per stage |
//! | [`proctoring`] | the proctoring flag queue |
//! | [`records`] | the audit log and the HRM event feed |
//! | [`checkpoints`] | signed checkpoints that anchor the audit log outside itself |
//! | [`replay`] | recomputing an audited ranking from its recorded signals |
//! | [`explanation`] | what a candidate is told about how their application was decided |
//! | [`accounts`] | users, API keys, signing in, authenticating a token |
//! | [`follower`] | keeping the index in step with the store while serving |

pub mod access;
pub mod accounts;
mod actor;
pub mod analytics;
mod applicants;
pub mod catalog;
pub mod checkpoints;
pub mod commission;
pub mod competition;
pub mod config;
mod embeddings;
mod error;
pub mod explanation;
pub mod follower;
pub mod import;
pub mod interim;
pub mod notifications;
pub mod people;
pub mod preferences;
pub mod proctoring;
pub mod protocol;
pub mod qualifications;
pub mod records;
pub mod replay;
pub mod reserve;
pub mod rotation;
pub mod shortlist;
pub mod system;
pub mod talent;
pub mod vacancies_for_person;
mod view_audit;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard};

use chrono::NaiveDate;
use qabilet_indexer::Index;
use qabilet_matcher::eligibility::Checker;
use qabilet_matcher::ranking::{Provenance, Ranker, RankingConfig};
use qabilet_models::EmbeddingModel;
use qabilet_store::Store;

pub use actor::{Actor, ActorKind};
pub use config::{Config, ConfigError, Limits, Ranking};
pub use error::{parse_id, parse_json, AppError, AppResult, ErrorKind};
pub use qabilet_store::Role;

/// The search index as the server shares it. A `std` RwLock: searches are
/// synchronous CPU work on blocking threads, and the follower holds the write lock
/// only to apply a batch; no `.await` is ever held under it.
pub type SharedIndex = Arc<RwLock<Index>>;

/// How ranking uses the machine's cores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankingThreads {
    /// One request at a time on all cores: the CLI, benchmarks.
    Parallel,
    /// Each request on its own thread: a server, whose concurrent requests are its
    /// parallelism. rayon's nested work stealing among dozens of blocked request
    /// threads left some waiting seconds in the load test (see `Ranker::parallel`).
    Sequential,
}

/// What [`App::new`] is built from.
pub struct AppParts {
    pub store: Store,
    pub config: Config,
    /// The search index, when one is built; without it searches answer
    /// [`AppError::Unavailable`] and shortlists rank on the structured fit.
    pub index: Option<SharedIndex>,
    /// The embedding model for query vectors; without it ranking has no dense signal.
    pub model: Option<Arc<EmbeddingModel>>,
    pub ranking_threads: RankingThreads,
}

struct Inner {
    store: Store,
    index: Option<SharedIndex>,
    model: Option<Arc<EmbeddingModel>>,
    /// The static model of the index's interim profile vectors, if loaded (see
    /// [`App::set_interim_model`]).
    interim_model: std::sync::OnceLock<Arc<qabilet_models::StaticModel>>,
    /// Whether a follower keeps the index up with the store's change feed (see
    /// [`App::note_index_followed`]).
    index_followed: std::sync::atomic::AtomicBool,
    config: Config,
    /// The eligibility checker; it caches each vacancy's analysis.
    checker: Checker,
    embeddings: embeddings::QueryEmbeddings,
    shortlists: shortlist::ShortlistCache,
    profiles: applicants::ProfileCache,
    pairs: shortlist::PairCache,
    view_audit: view_audit::ViewAudit,
    ranking_threads: RankingThreads,
}

/// The application: what every use case shares. Cloning is shallow.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

impl App {
    pub fn new(parts: AppParts) -> App {
        let shortlists = shortlist::ShortlistCache::with_applicants(
            parts.config.limits.shortlist_cache_applicants,
        );
        let profiles =
            applicants::ProfileCache::with_bytes(parts.config.limits.profile_cache_bytes);
        let pairs = shortlist::PairCache::with_pairs(parts.config.limits.kept_pairs);
        App {
            inner: Arc::new(Inner {
                store: parts.store,
                index: parts.index,
                model: parts.model,
                interim_model: std::sync::OnceLock::new(),
                index_followed: std::sync::atomic::AtomicBool::new(false),
                config: parts.config,
                checker: Checker::default(),
                embeddings: embeddings::QueryEmbeddings::default(),
                shortlists,
                profiles,
                pairs,
                view_audit: view_audit::ViewAudit::default(),
                ranking_threads: parts.ranking_threads,
            }),
        }
    }

    /// An app over `store` alone with `config`: no index, no model, server-style
    /// ranking (tests of the access rules, tools).
    pub fn over_store(store: Store, config: Config) -> App {
        App::new(AppParts {
            store,
            config,
            index: None,
            model: None,
            ranking_threads: RankingThreads::Sequential,
        })
    }

    /// The system of record.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The search index, if one is built.
    pub fn index(&self) -> Option<&SharedIndex> {
        self.inner.index.as_ref()
    }

    /// The embedding model, if one is loaded.
    pub fn model(&self) -> Option<&Arc<EmbeddingModel>> {
        self.inner.model.as_ref()
    }

    /// Loads the model of the index's interim profile vectors (bulk-indexed with
    /// the static model, not yet upgraded): ranking then scores those profiles
    /// against the query embedded with it. Set once; later calls are ignored.
    pub fn set_interim_model(&self, model: Arc<qabilet_models::StaticModel>) {
        let _ = self.inner.interim_model.set(model);
    }

    /// Notes that a follower keeps the index up with the store (a server): the
    /// index's applied change number then moves with every profile change, so a
    /// kept shortlist is checked against it instead of reading every applicant's
    /// profile on each view (see `shortlist::cached`).
    pub fn note_index_followed(&self) {
        self.inner
            .index_followed
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub(crate) fn index_followed(&self) -> bool {
        self.inner
            .index_followed
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The interim model, if loaded.
    pub fn interim_model(&self) -> Option<&Arc<qabilet_models::StaticModel>> {
        self.inner.interim_model.get()
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn limits(&self) -> &Limits {
        &self.inner.config.limits
    }

    /// Today in the jurisdiction (see [`config::Jurisdiction`]).
    pub fn today(&self) -> NaiveDate {
        self.inner.config.jurisdiction.today()
    }

    /// The ranking weights in force now.
    pub fn ranking(&self) -> Arc<Ranking> {
        self.inner.config.ranking.current()
    }

    /// How many query embeddings are cached (texts × models).
    pub fn cached_query_embeddings(&self) -> usize {
        self.inner.embeddings.len()
    }

    pub(crate) fn checker(&self) -> &Checker {
        &self.inner.checker
    }

    pub(crate) fn embeddings(&self) -> &embeddings::QueryEmbeddings {
        &self.inner.embeddings
    }

    pub(crate) fn shortlists(&self) -> &shortlist::ShortlistCache {
        &self.inner.shortlists
    }

    pub(crate) fn profile_cache(&self) -> &applicants::ProfileCache {
        &self.inner.profiles
    }

    pub(crate) fn kept_pairs(&self) -> &shortlist::PairCache {
        &self.inner.pairs
    }

    pub(crate) fn view_audit(&self) -> &view_audit::ViewAudit {
        &self.inner.view_audit
    }

    /// The index, or [`AppError::Unavailable`].
    pub(crate) fn require_index(&self) -> AppResult<SharedIndex> {
        self.inner
            .index
            .clone()
            .ok_or_else(|| AppError::Unavailable("the search index is not built yet".into()))
    }

    /// A ranker with the weights `config`, using cores as this app does.
    pub(crate) fn ranker<'a>(
        &'a self,
        config: &'a RankingConfig,
        provenance: Provenance,
    ) -> Ranker<'a> {
        let mut ranker = Ranker::new(config, &self.inner.checker, provenance);
        ranker.parallel = self.inner.ranking_threads == RankingThreads::Parallel;
        ranker
    }
}

/// Reads the index, even after a panic elsewhere poisoned the lock (the index is
/// only ever read under it, or written whole batches at a time). How long it
/// waited for the lock is counted in [`index_read_waits`].
pub(crate) fn read_index(index: &SharedIndex) -> RwLockReadGuard<'_, Index> {
    // The lock is free nearly always: no clock read then.
    if let Ok(guard) = index.try_read() {
        READ_WAITS.reads.fetch_add(1, Ordering::Relaxed);
        return guard;
    }
    let started = std::time::Instant::now();
    let guard = index.read().unwrap_or_else(|p| p.into_inner());
    READ_WAITS.record(started.elapsed());
    guard
}

/// How long searches waited for the index's read lock (the follower holds the
/// write lock to apply a chunk of changes), since the process started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexReadWaits {
    /// Reads of the index by the use cases.
    pub reads: u64,
    /// Those that found the lock taken (or a writer waiting) and waited.
    pub waited: u64,
    /// Those that waited more than 10 ms and more than 100 ms.
    pub over_10ms: u64,
    pub over_100ms: u64,
    /// The longest wait, in microseconds.
    pub max_micros: u64,
    /// All waits together, in microseconds.
    pub total_micros: u64,
}

struct ReadWaits {
    reads: AtomicU64,
    waited: AtomicU64,
    over_10ms: AtomicU64,
    over_100ms: AtomicU64,
    max_micros: AtomicU64,
    total_micros: AtomicU64,
}

/// One per process, like the index it measures.
static READ_WAITS: ReadWaits = ReadWaits {
    reads: AtomicU64::new(0),
    waited: AtomicU64::new(0),
    over_10ms: AtomicU64::new(0),
    over_100ms: AtomicU64::new(0),
    max_micros: AtomicU64::new(0),
    total_micros: AtomicU64::new(0),
};

impl ReadWaits {
    fn record(&self, waited: std::time::Duration) {
        let micros = u64::try_from(waited.as_micros()).unwrap_or(u64::MAX);
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.waited.fetch_add(1, Ordering::Relaxed);
        self.total_micros.fetch_add(micros, Ordering::Relaxed);
        self.max_micros.fetch_max(micros, Ordering::Relaxed);
        if micros > 10_000 {
            self.over_10ms.fetch_add(1, Ordering::Relaxed);
        }
        if micros > 100_000 {
            self.over_100ms.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The index read-lock waits of this process so far (see [`IndexReadWaits`]).
pub fn index_read_waits() -> IndexReadWaits {
    let w = &READ_WAITS;
    IndexReadWaits {
        reads: w.reads.load(Ordering::Relaxed),
        waited: w.waited.load(Ordering::Relaxed),
        over_10ms: w.over_10ms.load(Ordering::Relaxed),
        over_100ms: w.over_100ms.load(Ordering::Relaxed),
        max_micros: w.max_micros.load(Ordering::Relaxed),
        total_micros: w.total_micros.load(Ordering::Relaxed),
    }
}

/// The change number the index has applied, read on the blocking pool: the
/// follower holds the index's write lock while it awaits the store, and an async
/// worker blocked on the lock could leave nobody to drive the store's I/O (seen as
/// a hang on PostgreSQL with both workers waiting).
pub(crate) async fn index_seq(app: &App) -> AppResult<Option<u64>> {
    let Some(index) = app.index().cloned() else {
        return Ok(None);
    };
    quick_index_read(move || Ok(Some(read_index(&index).last_applied_seq()))).await
}

/// A read of the index's bookkeeping (its change number, say): microseconds, but it
/// may wait for the follower's write lock, so off the async workers; and not behind
/// [`blocking`]'s slots, so that `/readyz` and a kept shortlist's check do not queue
/// behind rankings.
pub(crate) async fn quick_index_read<T: Send + 'static>(
    read: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(read).await?
}

/// Runs CPU work (tantivy, the vector scan, ranking, the model) on the blocking
/// pool, so it cannot stall the async workers, and at most [`cpu_work_slots`] of
/// them at once: the rest wait here, as futures, not as runnable threads. With one
/// thread per request, 64 searches at once on two cores left the index follower
/// one thread among 65 (it applied about 50 changes a second during the national
/// load test's import), and each search held the index's read lock for as long as
/// the scheduler took to give it its few milliseconds, so the follower's write
/// waited for all of them.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    static SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> =
        std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(cpu_work_slots()));
    // Never closed, so acquiring cannot fail.
    let _slot = SLOTS.acquire().await.ok();
    tokio::task::spawn_blocking(work).await?
}

/// CPU work [`blocking`] runs at once: twice the cores, so that a core is never
/// idle while one piece waits for the store or the disk.
pub fn cpu_work_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get() * 2)
}

/// How many records to return: `default` unless asked, and what is asked for
/// between 1 and `max`; anything else is refused with the parameter's `name` and
/// its bounds (the API documents them, so a client learns them there, not here).
pub(crate) fn how_many(name: &str, asked: Option<i64>, default: i64, max: i64) -> AppResult<i64> {
    match asked {
        Some(n) if !(1..=max).contains(&n) => Err(AppError::bad_request(
            "invalid_query",
            format!("{name} is {n}; between 1 and {max}"),
        )),
        Some(n) => Ok(n),
        None => Ok(default.min(max)),
    }
}

/// [`how_many`] for counts.
pub(crate) fn how_many_of(
    name: &str,
    asked: Option<usize>,
    default: usize,
    max: usize,
) -> AppResult<usize> {
    let asked = asked.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
    Ok(how_many(name, asked, default as i64, max as i64)? as usize)
}

/// A page size as every list takes it: 100 unless asked, at most the limit.
pub(crate) fn page_limit(app: &App, asked: Option<i64>) -> AppResult<i64> {
    how_many("limit", asked, 100, app.limits().page)
}

/// Microsecond-precision now, matching what the store keeps.
pub(crate) fn now_micros() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    chrono::DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_read_that_waits_for_the_writer_is_counted() {
        let dir = tempfile::tempdir().unwrap();
        let index: SharedIndex = Arc::new(RwLock::new(
            Index::open(dir.path(), qabilet_indexer::IndexConfig::default()).unwrap(),
        ));
        let before = index_read_waits();
        drop(read_index(&index));
        let (held, release) = std::sync::mpsc::channel();
        let writer = {
            let index = index.clone();
            std::thread::spawn(move || {
                let _guard = index.write().unwrap();
                held.send(()).unwrap();
                std::thread::sleep(Duration::from_millis(150));
            })
        };
        release.recv().unwrap();
        drop(read_index(&index));
        writer.join().unwrap();
        let after = index_read_waits();
        // Other tests may read meanwhile: the counters only grow.
        assert!(after.reads >= before.reads + 2);
        assert!(after.waited > before.waited);
        assert!(after.over_100ms > before.over_100ms);
        assert!(after.max_micros >= 100_000);
    }
}
