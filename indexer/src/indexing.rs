//! [`Index`]: the on-disk index of vacancies and profiles, kept in step with the
//! store.
//!
//! Directory layout: `vacancies/` and `profiles/` are tantivy indexes (memory-mapped),
//! `vectors/` holds their embeddings ([`VectorStore`]).
//!
//! Updates are idempotent upserts and deletes keyed by id, each carrying the store's
//! sequence number. They are buffered and committed in batches (every
//! [`IndexConfig::commit_every`] changes, or when the caller says so). A commit
//! writes the vectors first, then each tantivy index with `{"seq": N}` as its commit
//! payload; [`Index::last_applied_seq`] is the smallest of those, so after a crash
//! between two of them the caller replays a little more than needed, which the
//! idempotent upserts make harmless.
//!
//! Deletes hide the record from results at once, before the commit: revoking consent
//! must take effect immediately, and committing per delete would make bulk
//! replays crawl.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::{NaiveDate, Utc};
use qabilet_domain::{ConsentPurpose, Profile, ProfileId, Vacancy, VacancyId};
use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::directory::MmapDirectory;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::bag_of_words::Matches;
use crate::ids::IdCache;
use crate::querying::{self, Filters, Hit, SearchRequest};
use crate::schema::{self, Fields, Kind};
use crate::vectors::{text_hash, VectorHit, VectorStore};
use crate::{analysis, Error, Result};

/// How an [`Index`] is opened.
#[derive(Debug, Clone)]
pub struct IndexConfig {
    /// Dimension of the embeddings (e.g. 384 for MiniLM-class models).
    pub dim: usize,
    /// Changes buffered before an automatic commit. Larger batches index faster; the
    /// store's change feed bounds what a crash can cost anyway.
    pub commit_every: usize,
    /// Memory budget of each tantivy writer, split among its threads.
    pub writer_memory_bytes: usize,
    /// Indexing threads of each tantivy writer.
    pub writer_threads: usize,
    /// Vector stores are compacted at commit when more than this share is tombstones.
    pub compact_above: f64,
}

impl Default for IndexConfig {
    fn default() -> Self {
        IndexConfig {
            dim: 384,
            commit_every: 10_000,
            writer_memory_bytes: 256 << 20,
            writer_threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(2)),
            compact_above: 0.3,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Payload {
    seq: u64,
}

/// One tantivy index with its writer, reader and vector store.
pub(crate) struct Part {
    /// `vacancies` or `profiles`.
    name: &'static str,
    /// `None` when opened read-only beside the process that writes the index. In
    /// a mutex so that a commit can run through `&self` beside searches (see
    /// [`Index::persist`]); only the one writer of the index ever locks it.
    writer: Option<Mutex<IndexWriter<TantivyDocument>>>,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    pub(crate) vectors: VectorStore,
    /// Record ids by document, filled as segments appear.
    pub(crate) ids: IdCache,
    /// Sequence number in the last tantivy commit payload.
    committed_seq: u64,
    /// Ids deleted since the last commit, filtered out of results until it lands.
    pub(crate) hidden: HashSet<String>,
}

/// Why a part opened read-only refuses a write.
fn read_only(name: &str) -> Error {
    Error::Unusable {
        path: name.to_owned(),
        reason: "opened read-only: another process keeps this index".into(),
    }
}

/// Directory (and vector store) name of each kind of record.
fn part_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Vacancy => "vacancies",
        Kind::Profile => "profiles",
    }
}

/// What `qabilet index status` shows, read without taking the writer lock so it works
/// while the service holds the index open.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexStatus {
    /// Committed, searchable vacancies and profiles.
    pub vacancies: u64,
    pub profiles: u64,
    /// Vacancies and profiles that have a vector (committed).
    pub vacancy_vectors: usize,
    pub profile_vectors: usize,
    /// Dimension of the vectors.
    pub dim: usize,
    /// Model the vectors came from, if recorded and the same for both kinds.
    pub model: Option<String>,
    /// Profiles whose vector is still an interim one, and that model (see
    /// [`crate::interim`]).
    pub interim_vectors: usize,
    pub interim_model: Option<String>,
    /// The last progress the upgrade job recorded, if one ran.
    pub upgrade: Option<crate::sync::UpgradeProgress>,
    /// See [`Index::last_applied_seq`].
    pub last_applied_seq: u64,
}

impl Part {
    fn open(root: &Path, kind: Kind, config: &IndexConfig, writable: bool) -> Result<Part> {
        let name = part_name(kind);
        let path = root.join(name);
        if writable {
            std::fs::create_dir_all(&path)
                .map_err(Error::io(format!("creating {}", path.display())))?;
        }
        let (schema, fields) = schema::build(kind);
        let directory = MmapDirectory::open(&path).map_err(|e| Error::Corrupt {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let opened = if writable {
            tantivy::Index::open_or_create(directory, schema)
        } else {
            tantivy::Index::open(directory)
        };
        let index = opened.map_err(|e| Error::Corrupt {
            path: path.display().to_string(),
            reason: format!("{e}; the schema may have changed: rebuild the index"),
        })?;
        analysis::register(index.tokenizers());
        let writer = if writable {
            Some(Mutex::new(index.writer_with_num_threads(
                config.writer_threads.max(1),
                config.writer_memory_bytes.max(30 << 20),
            )?))
        } else {
            None
        };
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let ids = IdCache::default();
        ids.refresh(&reader.searcher())?;
        let committed_seq = index
            .load_metas()?
            .payload
            .and_then(|p| serde_json::from_str::<Payload>(&p).ok())
            .map_or(0, |p| p.seq);
        let vectors = if writable {
            VectorStore::open(&root.join("vectors"), name, config.dim)?
        } else {
            VectorStore::open_read_only(&root.join("vectors"), name, config.dim)?
        };
        Ok(Part {
            name,
            writer,
            reader,
            fields,
            vectors,
            ids,
            committed_seq,
            hidden: HashSet::new(),
        })
    }

    /// The writer, or why there is none.
    fn writer(&mut self) -> Result<&mut IndexWriter<TantivyDocument>> {
        let name = self.name;
        match self.writer.as_mut() {
            Some(writer) => Ok(writer.get_mut().unwrap_or_else(|p| p.into_inner())),
            None => Err(read_only(name)),
        }
    }

    /// The writer through `&self`, for [`Self::persist`].
    fn shared_writer(&self) -> Result<MutexGuard<'_, IndexWriter<TantivyDocument>>> {
        match self.writer.as_ref() {
            Some(writer) => Ok(writer.lock().unwrap_or_else(|p| p.into_inner())),
            None => Err(read_only(self.name)),
        }
    }

    fn replace(&mut self, id: &str, doc: TantivyDocument) -> Result<()> {
        let term = Term::from_field_text(self.fields.id, id);
        let writer = self.writer()?;
        writer.delete_term(term);
        writer.add_document(doc)?;
        self.hidden.remove(id);
        Ok(())
    }

    /// Keeps the vector in step with the text: replaces it when one is given, drops
    /// a stale one when the text changed and none is given.
    fn update_vector(&mut self, id: &str, text: &str, embedding: Option<&[f32]>) -> Result<()> {
        let hash = text_hash(text);
        match embedding {
            Some(e) => self.vectors.upsert(id, e, hash),
            None if self.vectors.needs_embedding(id, hash) => self.vectors.delete(id),
            None => Ok(()),
        }
    }

    fn delete(&mut self, id: &str) -> Result<()> {
        let term = Term::from_field_text(self.fields.id, id);
        self.writer()?.delete_term(term);
        self.vectors.delete(id)?;
        self.hidden.insert(id.to_owned());
        Ok(())
    }

    /// The slow half of a commit (see [`Index::persist`]): vectors synced, the
    /// tantivy commit, and the new searcher with its ids loaded.
    fn persist(&self, seq: u64) -> Result<()> {
        let started = std::time::Instant::now();
        self.vectors.persist(seq)?;
        let vectors = started.elapsed();
        let payload = serde_json::to_string(&Payload { seq }).unwrap_or_default();
        {
            let mut writer = self.shared_writer()?;
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload);
            prepared.commit()?;
        }
        let commit = started.elapsed();
        self.reader.reload()?;
        let reload = started.elapsed();
        self.ids.refresh(&self.reader.searcher())?;
        tracing::debug!(
            part = self.name,
            vectors_us = vectors.as_micros() as u64,
            commit_us = (commit - vectors).as_micros() as u64,
            reload_us = (reload - commit).as_micros() as u64,
            ids_us = (started.elapsed() - reload).as_micros() as u64,
            "index part persisted"
        );
        Ok(())
    }

    /// The quick half, after [`Self::persist`] at `seq` with no write between.
    fn publish(&mut self, seq: u64, compact_above: f64) -> Result<()> {
        self.vectors.publish(seq)?;
        self.committed_seq = seq;
        // Deleted in the reloaded searcher too.
        self.hidden.clear();
        if self.vectors.dead_fraction() > compact_above {
            self.vectors.compact()?;
        }
        Ok(())
    }

    fn last_applied_seq(&self) -> u64 {
        self.committed_seq.min(self.vectors.last_applied_seq())
    }

    /// Whether a committed, not since deleted, record has this id.
    fn contains(&self, id: &str) -> Result<bool> {
        if self.hidden.contains(id) {
            return Ok(false);
        }
        let query = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        Ok(self.reader.searcher().search(&query, &Count)? > 0)
    }
}

/// Reads one part's committed state without opening a writer.
fn part_status(root: &Path, kind: Kind) -> Result<Option<(u64, u64, VectorStore)>> {
    let name = part_name(kind);
    let path = root.join(name);
    let vectors_dir = root.join("vectors");
    let Some(dim) = VectorStore::stored_dim(&vectors_dir, name)? else {
        return Ok(None);
    };
    if !path.join("meta.json").exists() {
        return Ok(None);
    }
    let corrupt = |e: tantivy::TantivyError| Error::Corrupt {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let index = tantivy::Index::open_in_dir(&path).map_err(corrupt)?;
    let seq = index
        .load_metas()?
        .payload
        .and_then(|p| serde_json::from_str::<Payload>(&p).ok())
        .map_or(0, |p| p.seq);
    let reader: IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let docs = reader.searcher().num_docs();
    let vectors = VectorStore::open(&vectors_dir, name, dim)?;
    Ok(Some((docs, seq.min(vectors.last_applied_seq()), vectors)))
}

/// The search index of vacancies and profiles in one directory. Owned by the search
/// service; searches take `&self` and may run concurrently behind an `RwLock`.
pub struct Index {
    /// Where the index lives, for error messages.
    dir: PathBuf,
    pub(crate) vacancies: Part,
    pub(crate) profiles: Part,
    /// Interim profile vectors of a fast model, until upgraded (see
    /// [`crate::interim`]); `None` until one is chosen.
    pub(crate) interim: Option<VectorStore>,
    config: IndexConfig,
    /// Changes since the last commit.
    pending: usize,
    /// Highest sequence number applied so far (committed or not).
    applied_seq: u64,
    /// Date experience is counted up to; fixed at open so one batch is consistent.
    today: NaiveDate,
}

impl Index {
    /// Opens the index in `dir`, creating it if needed. A rebuild interrupted while
    /// swapping directories is finished first (see [`crate::sync::rebuild`]).
    pub fn open(dir: &Path, config: IndexConfig) -> Result<Index> {
        crate::sync::recover_swap(dir)?;
        Self::open_parts(dir, config, true)
    }

    /// Opens the committed index in `dir` for searching only: no writer lock, so it
    /// works while a server (or `qabilet index sync`) keeps the index. It sees what
    /// was committed when it was opened; every write returns [`Error::Unusable`].
    /// The vector dimension is the one recorded in `dir`.
    pub fn open_read_only(dir: &Path) -> Result<Index> {
        let missing = || Error::Unusable {
            path: dir.display().to_string(),
            reason: "no committed index here yet; run `qabilet index sync`".into(),
        };
        let dim = Self::stored_dim(dir)?.ok_or_else(missing)?;
        if Self::status(dir)?.is_none() {
            return Err(missing());
        }
        let config = IndexConfig {
            dim,
            ..IndexConfig::default()
        };
        Self::open_parts(dir, config, false)
    }

    /// Whether this index can be written (see [`Self::open_read_only`]).
    pub fn is_writable(&self) -> bool {
        self.profiles.writer.is_some()
    }

    /// Refuses a write to an index opened read-only, before any file is touched.
    pub(crate) fn require_writable(&self) -> Result<()> {
        if self.is_writable() {
            Ok(())
        } else {
            Err(Error::Unusable {
                path: self.dir.display().to_string(),
                reason: "opened read-only: another process keeps this index".into(),
            })
        }
    }

    fn open_parts(dir: &Path, config: IndexConfig, writable: bool) -> Result<Index> {
        let vacancies = Part::open(dir, Kind::Vacancy, &config, writable)?;
        let profiles = Part::open(dir, Kind::Profile, &config, writable)?;
        let interim = crate::interim::open_existing(&dir.join("vectors"), writable)?;
        let mut index = Index {
            dir: dir.to_owned(),
            vacancies,
            profiles,
            interim,
            config,
            pending: 0,
            applied_seq: 0,
            today: Utc::now().date_naive(),
        };
        index.applied_seq = index.last_applied_seq();
        Ok(index)
    }

    /// The store sequence number up to which every change is durably indexed: the
    /// caller replays the change feed from the next one.
    pub fn last_applied_seq(&self) -> u64 {
        self.vacancies
            .last_applied_seq()
            .min(self.profiles.last_applied_seq())
    }

    /// The vector dimension recorded in `dir`, or `None` if no index was committed
    /// there: lets a caller without a model open the index with the right one.
    pub fn stored_dim(dir: &Path) -> Result<Option<usize>> {
        VectorStore::stored_dim(&dir.join("vectors"), part_name(Kind::Profile))
    }

    /// The committed state of the index in `dir` (`None` if there is none), read
    /// without the writer lock: works while another process indexes.
    pub fn status(dir: &Path) -> Result<Option<IndexStatus>> {
        let Some((vacancies, vacancy_seq, vacancy_vectors)) = part_status(dir, Kind::Vacancy)?
        else {
            return Ok(None);
        };
        let Some((profiles, profile_seq, profile_vectors)) = part_status(dir, Kind::Profile)?
        else {
            return Ok(None);
        };
        let model = (vacancy_vectors.model() == profile_vectors.model())
            .then(|| profile_vectors.model().map(str::to_owned))
            .flatten();
        let interim = crate::interim::open_existing(&dir.join("vectors"), false)?;
        Ok(Some(IndexStatus {
            vacancies,
            profiles,
            vacancy_vectors: vacancy_vectors.len(),
            profile_vectors: profile_vectors.len(),
            dim: profile_vectors.dim(),
            model,
            interim_vectors: interim.as_ref().map_or(0, VectorStore::len),
            interim_model: interim
                .as_ref()
                .filter(|s| !s.is_empty())
                .and_then(|s| s.model().map(str::to_owned)),
            upgrade: crate::sync::UpgradeProgress::read(dir),
            last_applied_seq: vacancy_seq.min(profile_seq),
        }))
    }

    /// The directory the index lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Dimension of the stored vectors.
    pub fn dim(&self) -> usize {
        self.profiles.vectors.dim()
    }

    /// The embedding model every stored vector came from, or `None` if unknown (never
    /// recorded, or the two kinds disagree after an interrupted reset).
    pub fn vector_model(&self) -> Option<&str> {
        let model = self.profiles.vectors.model();
        (self.vacancies.vectors.model() == model)
            .then_some(model)
            .flatten()
    }

    /// Records the model the stored vectors came from; durable at the next commit.
    /// Only for vectors that really came from it: see [`Self::reset_vectors`].
    pub fn set_vector_model(&mut self, model: Option<&str>) {
        self.vacancies.vectors.set_model(model);
        self.profiles.vectors.set_model(model);
    }

    /// Drops every vector and records `model` as the one new vectors will come from;
    /// durable at once. Text search is unaffected; vector search finds nothing until
    /// the vectors are recomputed ([`crate::sync::catch_up`] does it).
    pub fn reset_vectors(&mut self, model: &str) -> Result<()> {
        self.require_writable()?;
        for part in [&mut self.vacancies, &mut self.profiles] {
            part.vectors.set_model(Some(model));
            part.vectors.clear()?;
        }
        Ok(())
    }

    /// Number of vacancies and profiles that have a vector (including uncommitted
    /// changes).
    pub fn vector_counts(&self) -> (usize, usize) {
        (self.vacancies.vectors.len(), self.profiles.vectors.len())
    }

    /// Whether the vacancy is searchable: committed and not deleted since.
    pub fn contains_vacancy(&self, id: &VacancyId) -> Result<bool> {
        self.vacancies.contains(id.as_str())
    }

    /// Whether the profile is searchable: committed and not deleted since.
    pub fn contains_profile(&self, id: &ProfileId) -> Result<bool> {
        self.profiles.contains(id.as_str())
    }

    /// The stored vector of the vacancy if it is still valid for its current text.
    pub(crate) fn stored_vacancy_vector(&self, vacancy: &Vacancy) -> Result<Option<Vec<f32>>> {
        let hash = text_hash(&schema::vacancy_embedding_text(vacancy));
        self.vacancies
            .vectors
            .stored_vector(vacancy.id.as_str(), hash)
    }

    /// The stored vector of the profile if it is still valid for its current text.
    pub(crate) fn stored_profile_vector(&self, profile: &Profile) -> Result<Option<Vec<f32>>> {
        let hash = text_hash(&schema::profile_embedding_text(profile));
        self.profiles
            .vectors
            .stored_vector(profile.id.as_str(), hash)
    }

    /// Counts `seq` as applied although no record changed with it, e.g. the store's
    /// last sequence number at the start of a rebuild, or changes of other kinds.
    pub(crate) fn advance_to(&mut self, seq: u64) {
        self.applied_seq = self.applied_seq.max(seq);
    }

    /// Whether the vacancy's embedding must be (re)computed before upserting it.
    pub fn vacancy_needs_embedding(&self, vacancy: &Vacancy) -> bool {
        let hash = text_hash(&schema::vacancy_embedding_text(vacancy));
        self.vacancies
            .vectors
            .needs_embedding(vacancy.id.as_str(), hash)
    }

    /// Whether the profile's embedding must be (re)computed before upserting it.
    pub fn profile_needs_embedding(&self, profile: &Profile) -> bool {
        let hash = text_hash(&schema::profile_embedding_text(profile));
        self.profiles
            .vectors
            .needs_embedding(profile.id.as_str(), hash)
    }

    /// Inserts or replaces a vacancy. `embedding` is its vector if it was (re)computed;
    /// `None` keeps the stored one if the text is unchanged and drops it otherwise.
    pub fn upsert_vacancy(
        &mut self,
        vacancy: &Vacancy,
        embedding: Option<&[f32]>,
        seq: u64,
    ) -> Result<()> {
        let id = vacancy.id.as_str();
        self.require_writable()?;
        let doc = schema::vacancy_document(&self.vacancies.fields, vacancy, seq);
        let text = schema::vacancy_embedding_text(vacancy);
        self.vacancies.update_vector(id, &text, embedding)?;
        self.vacancies.replace(id, doc)?;
        self.applied(seq)
    }

    /// Inserts or replaces a profile; see [`Self::upsert_vacancy`]. A profile without
    /// consent to processing is removed instead: the index never holds it.
    pub fn upsert_profile(
        &mut self,
        profile: &Profile,
        embedding: Option<&[f32]>,
        seq: u64,
    ) -> Result<()> {
        self.require_writable()?;
        if !profile.consents_to(ConsentPurpose::Processing) {
            return self.delete_profile(&profile.id, seq);
        }
        let id = profile.id.as_str();
        let text = schema::profile_embedding_text(profile);
        self.profiles.update_vector(id, &text, embedding)?;
        self.update_interim_vector(id, &text, embedding.is_some())?;
        self.put_profile_document(profile, seq)
    }

    /// Writes the profile's document (its vectors are the caller's business).
    pub(crate) fn put_profile_document(&mut self, profile: &Profile, seq: u64) -> Result<()> {
        let doc = schema::profile_document(&self.profiles.fields, profile, seq, self.today);
        self.profiles.replace(profile.id.as_str(), doc)?;
        self.applied(seq)
    }

    /// Removes a vacancy; it disappears from results at once.
    pub fn delete_vacancy(&mut self, id: &VacancyId, seq: u64) -> Result<()> {
        self.require_writable()?;
        self.vacancies.delete(id.as_str())?;
        self.applied(seq)
    }

    /// Removes a profile (deleted, or consent revoked); it disappears from results and
    /// from vector search at once.
    pub fn delete_profile(&mut self, id: &ProfileId, seq: u64) -> Result<()> {
        self.require_writable()?;
        self.profiles.delete(id.as_str())?;
        self.delete_interim_vector(id.as_str())?;
        self.applied(seq)
    }

    fn applied(&mut self, seq: u64) -> Result<()> {
        self.applied_seq = self.applied_seq.max(seq);
        self.pending += 1;
        if self.pending >= self.config.commit_every {
            self.commit()?;
        }
        Ok(())
    }

    /// Makes every change so far durable and searchable and records the sequence
    /// number. Call it at the end of each batch of the change feed.
    pub fn commit(&mut self) -> Result<()> {
        let seq = self.persist()?;
        self.publish(seq)
    }

    /// The slow half of [`Self::commit`], through `&self` so that a server runs it
    /// under its index lock's *read* side while searches go on: the vectors synced,
    /// tantivy's commit (its segment files and `meta.json` synced) and its reader
    /// reloaded, together a dozen `fsync`s, and the ids of new segments read (a
    /// merged segment of a million profiles among them). Searches meanwhile see the
    /// new documents' text, and their vectors only after [`Self::publish`]. Returns
    /// the sequence number to publish.
    pub fn persist(&self) -> Result<u64> {
        self.require_writable()?;
        let seq = self.applied_seq;
        if let Some(interim) = &self.interim {
            interim.persist(seq)?;
        }
        self.vacancies.persist(seq)?;
        self.profiles.persist(seq)?;
        Ok(seq)
    }

    /// The quick half of [`Self::commit`], after [`Self::persist`] returned `seq`
    /// and with no write between them: the vectors become searchable and `seq` the
    /// last applied change. Vector files with too many deleted rows are compacted
    /// here, under the caller's write lock, as every other write is.
    pub fn publish(&mut self, seq: u64) -> Result<()> {
        self.require_writable()?;
        let compact_above = self.config.compact_above;
        self.publish_interim(seq, compact_above)?;
        self.vacancies.publish(seq, compact_above)?;
        self.profiles.publish(seq, compact_above)?;
        self.pending = 0;
        Ok(())
    }

    /// Number of committed vacancies and profiles.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.vacancies.reader.searcher().num_docs(),
            self.profiles.reader.searcher().num_docs(),
        )
    }

    /// Full-text search of vacancies (what candidates use).
    pub fn search_vacancies(&self, request: &SearchRequest) -> Result<Vec<Hit>> {
        querying::search(&self.vacancies, request)
    }

    /// Full-text search of profiles (what commissions and HR officers use).
    pub fn search_profiles(&self, request: &SearchRequest) -> Result<Vec<Hit>> {
        querying::search(&self.profiles, request)
    }

    /// The best `limit` profiles for a machine-built bag of words (a vacancy as the
    /// query), among everyone and among those passing `filters`, in one pass; see
    /// [`crate::bag_of_words`] for why it differs from [`Self::search_profiles`].
    pub fn match_profiles(&self, text: &str, filters: &Filters, limit: usize) -> Result<Matches> {
        crate::bag_of_words::match_terms(&self.profiles, text, filters, limit)
    }

    /// The best `limit` vacancies for a machine-built bag of words (a candidate's
    /// profile as the query); like [`Self::match_profiles`].
    pub fn match_vacancies(&self, text: &str, filters: &Filters, limit: usize) -> Result<Matches> {
        crate::bag_of_words::match_terms(&self.vacancies, text, filters, limit)
    }

    /// BM25 of a bag of words for the profiles with these `ids` only, the pool as
    /// the collection (see [`crate::pool`]): a competition's applicants scored
    /// independently of everyone who did not apply. Best first; a profile the words
    /// do not match has no hit.
    pub fn score_profiles_among(&self, text: &str, ids: &[&str]) -> Result<Vec<Hit>> {
        crate::pool::score_pool(&self.profiles, text, ids)
    }

    /// The cosine of `embedding` with the stored vector of each profile of `ids`
    /// that has one, looked up by id (see [`VectorStore::similarities`]).
    pub fn profile_similarities(&self, embedding: &[f32], ids: &[&str]) -> Result<Vec<VectorHit>> {
        self.profiles.vectors.similarities(embedding, ids)
    }

    /// Profiles whose embedding is closest to `embedding`, best first.
    pub fn similar_profiles(&self, embedding: &[f32], k: usize) -> Result<Vec<VectorHit>> {
        self.profiles.vectors.search(embedding, k)
    }

    /// What the sign sketches' pre-filter misses in each vector store of the index
    /// (profiles, vacancies, interim profiles), with `queries` stored vectors as
    /// queries (see [`VectorStore::sketch_recall`]); empty stores are left out.
    pub fn sketch_recall(
        &self,
        queries: usize,
        k: usize,
    ) -> Result<Vec<(&'static str, crate::SketchRecall)>> {
        let stores = [
            ("profiles", Some(&self.profiles.vectors)),
            ("vacancies", Some(&self.vacancies.vectors)),
            ("interim profiles", self.interim.as_ref()),
        ];
        let mut out = Vec::new();
        for (name, store) in stores {
            if let Some(report) = store
                .map(|s| s.sketch_recall(queries, k))
                .transpose()?
                .flatten()
            {
                out.push((name, report));
            }
        }
        Ok(out)
    }

    /// Vacancies whose embedding is closest to `embedding`, best first.
    pub fn similar_vacancies(&self, embedding: &[f32], k: usize) -> Result<Vec<VectorHit>> {
        self.vacancies.vectors.search(embedding, k)
    }
}

#[cfg(test)]
pub(crate) mod tests;
