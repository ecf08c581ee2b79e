//! Keeping the index in step with the store.
//!
//! The store is the system of record and numbers every change of a vacancy or
//! profile in its change feed; the index records, with each commit, the last number
//! it applied. [`catch_up`] reads the feed from there in batches and, for each
//! changed record, loads its *current* state from the store: an upsert of a record
//! deleted meanwhile, or of a profile whose consent was revoked, becomes a removal.
//! Because what is indexed is the current state, replaying a change twice, or
//! applying a newer state early, is harmless, and a crash (even kill -9) between two
//! commits only means the next run replays a little more.
//!
//! Embeddings are computed only for records whose embedding text changed (its hash
//! differs from the stored vector's), in batches, never for a profile without
//! consent. The stored vectors record the model they came from: when the embedder's
//! model differs, every vector is dropped and recomputed, because vectors of two
//! models cannot be compared. Records indexed while no embedder was available have
//! no vector; the next run with one fills them in (the "backfill").
//!
//! [`rebuild`] builds a fresh index from every record in a directory beside the old
//! one and swaps it in, reusing the old vectors whose text is unchanged.
//!
//! With an interim model ([`Embedders::interim`], the distilled static model) both
//! give profiles without a valid vector an interim one instead of the
//! transformer's, and [`upgrade`] replaces those later (see `crate::interim`). A
//! profile with a valid interim vector is not re-embedded by either: only an edit
//! of its text, or the upgrade, gives it a new vector.
//!
//! [`follow`] is [`catch_up_with`] for an index that searches share behind an
//! `RwLock` (the server's): it loads and embeds without the write lock and applies
//! in short commits under it, so a large import does not pause search. Its
//! backfill is separate, [`backfill_some`], a bounded step at a time.
//!
//! All of them do blocking work (tantivy commits, the embedder) on the calling
//! task: run them from a task that may block, e.g. the CLI or a dedicated
//! indexing task.

mod backfill;
mod follow;
mod rebuild;
mod upgrade;

use std::collections::HashMap;
use std::future::Future;

use qabilet_domain::{ConsentPurpose, Profile, ProfileId, Vacancy, VacancyId};
use qabilet_store::{Change, ChangeOp, RecordKind, Store, StoreError};

use crate::schema::{profile_embedding_text, vacancy_embedding_text};
use crate::{Error, Index, Result};

pub use backfill::{backfill_some, BackfillCursor, BACKFILL_CHUNK};
pub use follow::{follow, APPLY_CHUNK, APPLY_HOLD};
pub(crate) use rebuild::recover_swap;
pub use rebuild::{rebuild, rebuild_with, RebuildReport};
pub use upgrade::{upgrade, UpgradeProgress, UpgradeReport};

/// Changes read from the feed per round trip; each one loads its record, so this
/// bounds the memory one batch holds.
const FEED_BATCH: i64 = 1_000;
/// Records read per page when walking the whole store.
const PAGE: i64 = 500;
/// Texts handed to the embedder per call: enough to keep its batches full, small
/// enough that progress moves.
const EMBED_BATCH: usize = 64;

/// What an [`Embedder`] may fail with: the model crate's own error, boxed.
pub type EmbedError = Box<dyn std::error::Error + Send + Sync>;

/// Computes passage embeddings for the index (implemented by the `models` crate).
///
/// `Send + Sync` so that indexing can run on a background task of the service.
pub trait Embedder: Send + Sync {
    /// Identifies the model and everything that changes its vectors (weights,
    /// pooling, normalisation); vectors of different ids are never mixed.
    fn model_id(&self) -> String;
    /// Dimension of the vectors.
    fn dim(&self) -> usize;
    /// One vector per text, in order. Texts are documents (vacancies, profiles), not
    /// queries, for models that embed the two differently.
    fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError>;
}

/// The models indexing embeds with.
#[derive(Clone, Copy, Default)]
pub struct Embedders<'a> {
    /// The transformer: every vacancy, and profiles unless `interim` is given.
    pub main: Option<&'a dyn Embedder>,
    /// A fast model (the distilled static one) for profiles that have no valid
    /// vector yet: bulk indexing, upgraded afterwards by [`upgrade`] (see
    /// `crate::interim`).
    pub interim: Option<&'a dyn Embedder>,
}

impl<'a> Embedders<'a> {
    /// The transformer alone (or nothing).
    pub fn main(main: Option<&'a dyn Embedder>) -> Self {
        Embedders {
            main,
            interim: None,
        }
    }

    /// Who embeds a profile that has no valid vector.
    pub(crate) fn for_profiles(&self) -> Option<(&'a dyn Embedder, bool)> {
        match (self.interim, self.main) {
            (Some(fast), _) => Some((fast, true)),
            (None, Some(main)) => Some((main, false)),
            (None, None) => None,
        }
    }
}

/// A vector to store with an upsert.
#[derive(Clone, Copy)]
pub(crate) enum Vector<'a> {
    /// None computed: keep the stored one if its text is unchanged.
    Keep,
    Main(&'a [f32]),
    Interim(&'a [f32]),
}

impl<'a> Vector<'a> {
    /// A vector just computed, by the interim model or the transformer.
    pub(crate) fn computed(vector: &'a [f32], interim: bool) -> Vector<'a> {
        if interim {
            Vector::Interim(vector)
        } else {
            Vector::Main(vector)
        }
    }
}

/// The records of `page` that the index holds without the vector they should
/// have: what a backfill embeds.
pub(crate) fn lacking_vectors<R: Record>(page: Vec<R>, index: &Index) -> Result<Vec<R>> {
    let mut missing = Vec::new();
    for record in page {
        if record.indexable() && record.needs_embedding(index) && record.is_indexed(index)? {
            missing.push(record);
        }
    }
    Ok(missing)
}

/// A vector computed or reused for a record.
#[derive(Clone)]
pub(crate) enum Fresh {
    Main(Vec<f32>),
    Interim(Vec<f32>),
}

impl Fresh {
    pub(crate) fn new(vector: Vec<f32>, interim: bool) -> Fresh {
        if interim {
            Fresh::Interim(vector)
        } else {
            Fresh::Main(vector)
        }
    }

    pub(crate) fn as_vector(this: &Option<Fresh>) -> Vector<'_> {
        match this {
            None => Vector::Keep,
            Some(Fresh::Main(v)) => Vector::Main(v),
            Some(Fresh::Interim(v)) => Vector::Interim(v),
        }
    }
}

/// A stage of the work, for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Replaying the change feed; steps are sequence numbers.
    Changes,
    /// Reading every vacancy of the store (rebuild); steps are vacancies.
    Vacancies,
    /// Reading every profile of the store (rebuild); steps are profiles.
    Profiles,
    /// Computing missing vectors; steps are records embedded.
    Vectors,
    /// Replacing interim vectors with the transformer's; steps are profiles.
    Upgrade,
}

impl Phase {
    /// A short lower-case label: `changes`, `vacancies`, `profiles`, `vectors`.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Changes => "changes",
            Phase::Vacancies => "vacancies",
            Phase::Profiles => "profiles",
            Phase::Vectors => "vectors",
            Phase::Upgrade => "upgrade",
        }
    }
}

/// Receives progress; every method does nothing by default, and `()` ignores it all.
pub trait Progress: Send + Sync {
    /// A phase starts with about `total` steps (an estimate: the feed has gaps).
    fn begin(&self, _phase: Phase, _total: u64) {}
    /// `steps` more steps of the current phase are done.
    fn advance(&self, _steps: u64) {}
    /// The current phase is over.
    fn end(&self) {}
    /// Everything up to `seq` is durably indexed.
    fn committed(&self, _seq: u64) {}
}

impl Progress for () {}

/// What one [`catch_up`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// [`Index::last_applied_seq`] before and after.
    pub from_seq: u64,
    pub to_seq: u64,
    /// Changes read from the feed.
    pub changes: u64,
    /// Records (re)indexed and removed; several changes of one record in a batch
    /// count once.
    pub upserted: u64,
    pub removed: u64,
    /// Embeddings computed.
    pub embedded: u64,
    /// Whether every vector was dropped because the embedder's model changed.
    pub vectors_reset: bool,
    /// The longest single hold of the index's write lock, in microseconds
    /// ([`follow`] and [`backfill_some`] only: what a search may have waited for).
    pub longest_hold_micros: u64,
}

/// Applies every change in the store's feed after [`Index::last_applied_seq`] (up to
/// the feed's end when called), then computes the vectors missing with `embedder`'s
/// model. See the module docs. With no embedder, records whose text changed lose
/// their vector until a run with one.
pub async fn catch_up(
    store: &Store,
    index: &mut Index,
    embedder: Option<&dyn Embedder>,
    progress: &dyn Progress,
) -> Result<SyncReport> {
    catch_up_with(store, index, Embedders::main(embedder), progress).await
}

/// [`catch_up`] with an interim model for profiles as well (see [`Embedders`]).
pub async fn catch_up_with(
    store: &Store,
    index: &mut Index,
    embedders: Embedders<'_>,
    progress: &dyn Progress,
) -> Result<SyncReport> {
    let mut report = SyncReport {
        from_seq: index.last_applied_seq(),
        ..SyncReport::default()
    };
    let mut dirty = use_models(index, embedders, &mut report)?;

    let target = to_u64(store.last_change_seq().await?);
    let mut after = report.from_seq;
    progress.begin(Phase::Changes, target.saturating_sub(after));
    let mut committed = after;
    while after < target {
        let changes = store.changes_after(to_i64(after), FEED_BATCH).await?;
        let Some(last) = changes.last().map(|c| to_u64(c.seq)) else {
            break;
        };
        let steps = load(store, &changes).await?;
        apply(index, steps, embedders, &mut report, &mut |index| {
            // Commits happen inside the index every `commit_every` changes.
            let seq = index.last_applied_seq();
            if seq != committed {
                committed = seq;
                progress.committed(seq);
            }
        })?;
        report.changes += changes.len() as u64;
        progress.advance(last.saturating_sub(after));
        after = last;
        dirty = true;
    }
    if dirty {
        index.commit()?;
        progress.committed(index.last_applied_seq());
    }
    progress.end();

    let (vacancy_embedder, profile_embedder, missing) = backfill_plan(index, embedders);
    if vacancy_embedder.is_some() || profile_embedder.is_some() {
        progress.begin(Phase::Vectors, missing);
        if let Some(embedder) = vacancy_embedder {
            backfill::<Vacancy>(store, index, (embedder, false), progress, &mut report).await?;
        }
        if let Some(embedder) = profile_embedder {
            backfill::<Profile>(store, index, embedder, progress, &mut report).await?;
        }
        index.commit()?;
        progress.end();
    }
    report.to_seq = index.last_applied_seq();
    Ok(report)
}

/// Records the models `embedders` embed with; a new transformer drops every vector
/// (they would not compare). Whether the index changed and needs a commit.
fn use_models(
    index: &mut Index,
    embedders: Embedders<'_>,
    report: &mut SyncReport,
) -> Result<bool> {
    if let Some(fast) = embedders.interim {
        index.use_interim_model(&fast.model_id(), fast.dim())?;
    }
    let Some(embedder) = embedders.main else {
        return Ok(false);
    };
    check_dim(index, embedder)?;
    let model = embedder.model_id();
    if index.vector_model() == Some(model.as_str()) {
        return Ok(false);
    }
    let (vacancies, profiles) = index.vector_counts();
    if vacancies + profiles > 0 {
        index.reset_vectors(&model)?;
        report.vectors_reset = true;
    } else {
        index.set_vector_model(Some(&model));
    }
    Ok(true)
}

/// Which embedders backfill which kind now: `(vacancies, profiles)`, each only
/// when some records of its kind lack a vector, with how many lack one in all.
type Backfill<'a> = (
    Option<&'a dyn Embedder>,
    Option<(&'a dyn Embedder, bool)>,
    u64,
);

fn backfill_plan<'a>(index: &Index, embedders: Embedders<'a>) -> Backfill<'a> {
    let (vacancies, profiles) = index.counts();
    let (vacancy_vectors, profile_vectors) = index.vector_counts();
    let profile_vectors = profile_vectors + index.interim_count();
    let vacancies_missing = vacancies.saturating_sub(vacancy_vectors as u64);
    let profiles_missing = profiles.saturating_sub(profile_vectors as u64);
    let vacancy_embedder = embedders.main.filter(|_| vacancies_missing > 0);
    let profile_embedder = embedders.for_profiles().filter(|_| profiles_missing > 0);
    let missing = vacancy_embedder.map_or(0, |_| vacancies_missing)
        + profile_embedder.map_or(0, |_| profiles_missing);
    (vacancy_embedder, profile_embedder, missing)
}

/// The embedder must produce vectors of the size the index stores.
fn check_dim(index: &Index, embedder: &dyn Embedder) -> Result<()> {
    if embedder.dim() == index.dim() {
        return Ok(());
    }
    Err(Error::Unusable {
        path: index.dir().display().to_string(),
        reason: format!(
            "it stores {}-dimensional vectors but model {} makes {}; \
             run `qabilet index rebuild`",
            index.dim(),
            embedder.model_id(),
            embedder.dim()
        ),
    })
}

/// What one change of the feed comes down to once the record is loaded.
enum Step {
    Vacancy(u64, Vacancy),
    Profile(u64, Profile),
    RemoveVacancy(u64, VacancyId),
    RemoveProfile(u64, ProfileId),
    /// An id the index cannot hold (it fails validation), so nothing to remove.
    Skip(u64),
}

/// Loads the current record of each change, in feed order. A record changed several
/// times in the batch is loaded once, at its last change: its current state covers
/// the earlier ones, and any commit before that point will be followed by a replay
/// of that last change.
async fn load(store: &Store, changes: &[Change]) -> Result<Vec<Step>> {
    let mut last: HashMap<(RecordKind, &str), i64> = HashMap::new();
    for change in changes {
        last.insert((change.kind, change.record_id.as_str()), change.seq);
    }
    let mut steps = Vec::with_capacity(last.len());
    for change in changes {
        if last.get(&(change.kind, change.record_id.as_str())) != Some(&change.seq) {
            continue;
        }
        let seq = to_u64(change.seq);
        let id = change.record_id.as_str();
        let step = match change.kind {
            RecordKind::Vacancy => match VacancyId::new(id) {
                Err(_) => Step::Skip(seq),
                Ok(id) if change.op == ChangeOp::Remove => Step::RemoveVacancy(seq, id),
                Ok(id) => match store.vacancy(&id).await? {
                    Some(vacancy) => Step::Vacancy(seq, vacancy),
                    None => Step::RemoveVacancy(seq, id),
                },
            },
            RecordKind::Profile => match ProfileId::new(id) {
                Err(_) => Step::Skip(seq),
                Ok(id) if change.op == ChangeOp::Remove => Step::RemoveProfile(seq, id),
                Ok(id) => match store.profile(&id).await? {
                    // Without consent nothing is processed, not even an embedding.
                    Some(profile) if profile.consents_to(ConsentPurpose::Processing) => {
                        Step::Profile(seq, profile)
                    }
                    _ => Step::RemoveProfile(seq, id),
                },
            },
        };
        steps.push(step);
    }
    Ok(steps)
}

/// Embeds the texts that changed, then applies the steps in feed order, calling
/// `after_each` after each one (commits may happen inside the index).
fn apply(
    index: &mut Index,
    steps: Vec<Step>,
    embedders: Embedders<'_>,
    report: &mut SyncReport,
    after_each: &mut dyn FnMut(&Index),
) -> Result<()> {
    let wanted = wanted_texts(index, &steps, embedders);
    let vectors = embed_wanted(wanted, steps.len(), embedders, report)?;
    apply_steps(index, steps, vectors, report, after_each)
}

/// The texts of a batch to embed, by step, for each model: `(main, interim)`.
type Wanted = (Vec<(usize, String)>, Vec<(usize, String)>);

/// Which steps need a vector computed, with their texts. Reads the index only.
fn wanted_texts(index: &Index, steps: &[Step], embedders: Embedders<'_>) -> Wanted {
    // Vacancies by the transformer; profiles by the interim model when there is
    // one, and only when they have no valid vector of either model (the upgrade
    // job, not every edit, replaces interim vectors).
    let profiles_by = embedders.for_profiles();
    let mut main_texts: Vec<(usize, String)> = Vec::new();
    let mut interim_texts: Vec<(usize, String)> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        match step {
            Step::Vacancy(_, v) if embedders.main.is_some() && index.vacancy_needs_embedding(v) => {
                main_texts.push((i, vacancy_embedding_text(v)));
            }
            Step::Profile(_, p) if profiles_by.is_some() && index.profile_needs_any_vector(p) => {
                let text = profile_embedding_text(p);
                match profiles_by {
                    Some((_, true)) => interim_texts.push((i, text)),
                    _ => main_texts.push((i, text)),
                }
            }
            _ => {}
        }
    }
    (main_texts, interim_texts)
}

/// Computes the wanted vectors: one per step of `steps` steps, `None` where none
/// was wanted. Needs no index.
fn embed_wanted(
    (main_texts, interim_texts): Wanted,
    steps: usize,
    embedders: Embedders<'_>,
    report: &mut SyncReport,
) -> Result<Vec<Option<Fresh>>> {
    let mut vectors: Vec<Option<Fresh>> = vec![None; steps];
    // One call per model, so that vacancies and profiles share batches.
    let work = [
        (embedders.main, false, main_texts),
        (embedders.interim, true, interim_texts),
    ];
    for (embedder, interim, wanted) in work {
        let Some(embedder) = embedder.filter(|_| !wanted.is_empty()) else {
            continue;
        };
        let texts: Vec<&str> = wanted.iter().map(|(_, t)| t.as_str()).collect();
        let computed = embed(embedder, &texts)?;
        report.embedded += computed.len() as u64;
        for ((i, _), vector) in wanted.iter().zip(computed) {
            vectors[*i] = Some(Fresh::new(vector, interim));
        }
    }
    Ok(vectors)
}

/// Applies the steps in feed order with their computed vectors, calling
/// `after_each` after each one.
fn apply_steps(
    index: &mut Index,
    steps: Vec<Step>,
    vectors: Vec<Option<Fresh>>,
    report: &mut SyncReport,
    after_each: &mut dyn FnMut(&Index),
) -> Result<()> {
    for (step, vector) in steps.into_iter().zip(vectors) {
        apply_step(index, step, vector, report)?;
        after_each(index);
    }
    Ok(())
}

/// Applies one step of the feed with its computed vector, if any.
fn apply_step(
    index: &mut Index,
    step: Step,
    vector: Option<Fresh>,
    report: &mut SyncReport,
) -> Result<()> {
    match step {
        Step::Vacancy(seq, v) => {
            v.upsert(index, Fresh::as_vector(&vector), seq)?;
            report.upserted += 1;
        }
        Step::Profile(seq, p) => {
            p.upsert(index, Fresh::as_vector(&vector), seq)?;
            report.upserted += 1;
        }
        Step::RemoveVacancy(seq, id) => {
            index.delete_vacancy(&id, seq)?;
            report.removed += 1;
        }
        Step::RemoveProfile(seq, id) => {
            index.delete_profile(&id, seq)?;
            report.removed += 1;
        }
        Step::Skip(seq) => index.advance_to(seq),
    }
    Ok(())
}

/// Calls the embedder in batches and checks it answered one vector per text.
pub(crate) fn embed(embedder: &dyn Embedder, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
    let mut out = Vec::with_capacity(texts.len());
    for chunk in texts.chunks(EMBED_BATCH) {
        let vectors = embedder
            .embed_passages(chunk)
            .map_err(|e| Error::Embedding {
                model: embedder.model_id(),
                message: e.to_string(),
            })?;
        if vectors.len() != chunk.len() {
            return Err(Error::Embedding {
                model: embedder.model_id(),
                message: format!(
                    "returned {} vectors for {} texts",
                    vectors.len(),
                    chunk.len()
                ),
            });
        }
        out.extend(vectors);
    }
    Ok(out)
}

/// A kind of record the index holds, so that walking the store is written once.
pub(crate) trait Record: Sized + Send {
    const PHASE: Phase;
    /// Whether this kind may have interim vectors (profiles; see `crate::interim`).
    const HAS_INTERIM: bool;
    /// Whether the index may hold it (a profile needs consent to processing).
    fn indexable(&self) -> bool;
    fn embedding_text(&self) -> String;
    fn needs_embedding(&self, index: &Index) -> bool;
    fn is_indexed(&self, index: &Index) -> Result<bool>;
    /// The vector stored for its current text, of either model (see
    /// `crate::interim`).
    fn stored_vector(&self, index: &Index) -> Result<Option<Fresh>>;
    fn upsert(&self, index: &mut Index, vector: Vector<'_>, seq: u64) -> Result<()>;
    /// Up to `limit` records with ids after `after`, in id order.
    fn page(
        store: &Store,
        after: &str,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<Self>, StoreError>> + Send;
    fn id(&self) -> &str;
}

impl Record for Vacancy {
    const PHASE: Phase = Phase::Vacancies;
    const HAS_INTERIM: bool = false;
    fn indexable(&self) -> bool {
        true
    }
    fn embedding_text(&self) -> String {
        vacancy_embedding_text(self)
    }
    fn needs_embedding(&self, index: &Index) -> bool {
        index.vacancy_needs_embedding(self)
    }
    fn is_indexed(&self, index: &Index) -> Result<bool> {
        index.contains_vacancy(&self.id)
    }
    fn stored_vector(&self, index: &Index) -> Result<Option<Fresh>> {
        Ok(index.stored_vacancy_vector(self)?.map(Fresh::Main))
    }
    fn upsert(&self, index: &mut Index, vector: Vector<'_>, seq: u64) -> Result<()> {
        match vector {
            Vector::Main(v) => index.upsert_vacancy(self, Some(v), seq),
            // Vacancies have no interim vectors (see `crate::interim`).
            Vector::Keep | Vector::Interim(_) => index.upsert_vacancy(self, None, seq),
        }
    }
    fn page(
        store: &Store,
        after: &str,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<Self>, StoreError>> + Send {
        store.vacancies_page(after, limit)
    }
    fn id(&self) -> &str {
        self.id.as_str()
    }
}

impl Record for Profile {
    const PHASE: Phase = Phase::Profiles;
    const HAS_INTERIM: bool = true;
    fn indexable(&self) -> bool {
        self.consents_to(ConsentPurpose::Processing)
    }
    fn embedding_text(&self) -> String {
        profile_embedding_text(self)
    }
    fn needs_embedding(&self, index: &Index) -> bool {
        index.profile_needs_any_vector(self)
    }
    fn is_indexed(&self, index: &Index) -> Result<bool> {
        index.contains_profile(&self.id)
    }
    fn stored_vector(&self, index: &Index) -> Result<Option<Fresh>> {
        if let Some(v) = index.stored_profile_vector(self)? {
            return Ok(Some(Fresh::Main(v)));
        }
        Ok(index.stored_interim_vector(self)?.map(Fresh::Interim))
    }
    fn upsert(&self, index: &mut Index, vector: Vector<'_>, seq: u64) -> Result<()> {
        match vector {
            Vector::Keep => index.upsert_profile(self, None, seq),
            Vector::Main(v) => index.upsert_profile(self, Some(v), seq),
            Vector::Interim(v) => index.upsert_profile_interim(self, v, seq),
        }
    }
    fn page(
        store: &Store,
        after: &str,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<Self>, StoreError>> + Send {
        store.profiles_page(after, limit)
    }
    fn id(&self) -> &str {
        self.id.as_str()
    }
}

/// Computes the vectors of indexed records of kind `R` that have none. Each record
/// is re-indexed in its current state at the index's sequence number, which the
/// feed replay makes harmless (see the module docs).
async fn backfill<R: Record>(
    store: &Store,
    index: &mut Index,
    (embedder, interim): (&dyn Embedder, bool),
    progress: &dyn Progress,
    report: &mut SyncReport,
) -> Result<()> {
    let seq = index.last_applied_seq();
    let mut after = String::new();
    loop {
        let page = R::page(store, &after, PAGE).await?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.id().to_owned();
        let missing = lacking_vectors(page, index)?;
        let texts: Vec<String> = missing.iter().map(Record::embedding_text).collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let vectors = embed(embedder, &texts)?;
        for (record, vector) in missing.iter().zip(&vectors) {
            record.upsert(index, Vector::computed(vector, interim), seq)?;
        }
        report.embedded += vectors.len() as u64;
        progress.advance(vectors.len() as u64);
    }
    Ok(())
}

/// Sequence numbers are positive in the store (BIGSERIAL / INTEGER PRIMARY KEY).
fn to_u64(seq: i64) -> u64 {
    u64::try_from(seq).unwrap_or(0)
}

fn to_i64(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// The distilled static model, for bulk indexing; its own model id keeps its
/// vectors apart from the transformer's.
impl Embedder for qabilet_models::StaticModel {
    fn model_id(&self) -> String {
        qabilet_models::StaticModel::model_id(self).to_owned()
    }

    fn dim(&self) -> usize {
        qabilet_models::StaticModel::dim(self)
    }

    fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        qabilet_models::StaticModel::embed_passages(self, texts).map_err(Into::into)
    }
}

/// The project's own models embed documents as passages (with the model's passage
/// prefix, e.g. e5's `passage: `).
impl Embedder for qabilet_models::EmbeddingModel {
    fn model_id(&self) -> String {
        qabilet_models::EmbeddingModel::model_id(self).to_owned()
    }

    fn dim(&self) -> usize {
        qabilet_models::EmbeddingModel::dim(self)
    }

    fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        qabilet_models::EmbeddingModel::embed_passages(self, texts).map_err(Into::into)
    }
}
