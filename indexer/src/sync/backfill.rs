//! [`backfill_some`]: a server's backfill of missing vectors, a bounded step at a
//! time, between applications of the change feed.
//!
//! A node whose index lacks vectors that its loaded model could compute (built
//! with `index rebuild --static --no-model`, or after the model changed) fills
//! them in while it serves. Doing all of it in the call that applied the feed held
//! every later change back behind it: in the national load test a node with 30,000
//! vacancies without vectors applied none of a 100,000-profile import for eight
//! minutes, and a consent revocation would have waited as long
//! (`docs/performance.md`). Here one call embeds for about `budget`, in chunks of
//! [`BACKFILL_CHUNK`] records, and stops, remembering in a [`BackfillCursor`]
//! where it stopped; the server's follower applies the feed before every step, so
//! a change waits for at most one step.
//!
//! Each step reads a page of the store with no lock, checks which records need a
//! vector under the *read* lock, embeds with no lock and applies in chunks of
//! [`super::APPLY_CHUNK`] in short holds of the write lock, each chunk committed
//! like the feed's (`super::follow`). A record is re-indexed in its current state at the index's
//! own sequence number, which the feed replay makes harmless (see the module docs
//! of `sync`).

use std::sync::RwLock;
use std::time::{Duration, Instant};

use qabilet_domain::{Profile, Vacancy};
use qabilet_store::Store;

use super::follow::{apply_in_short_holds, commit, holding, read};
use super::{
    backfill_plan, embed, lacking_vectors, use_models, Embedder, Embedders, Record, SyncReport,
    Vector, PAGE,
};
use crate::{Index, Result};

/// Records embedded per embedder call of a step; a step always embeds at least
/// one chunk, so it always moves on. With the transformer a chunk of 32 vacancies
/// is a few hundred milliseconds on two cores.
pub const BACKFILL_CHUNK: usize = 32;

/// Pages of the store a step reads at most, with or without finding anything to
/// embed: a step over a store of a million profiles with a few vectors missing
/// reads them in slices.
const PAGES_PER_STEP: usize = 20;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Kind {
    #[default]
    Vacancies,
    Profiles,
}

/// Where a server's backfill has got to between calls of [`backfill_some`]. A new
/// one starts at the first vacancy; a pass ends after the last profile and the
/// next starts again at the first vacancy.
#[derive(Debug, Clone, Default)]
pub struct BackfillCursor {
    kind: Kind,
    /// The last record id done of `kind`.
    after: String,
    /// Vectors computed since the pass began.
    found_in_pass: u64,
    /// The index's last applied change when a whole pass found nothing to embed
    /// although the counts said some vectors were missing; nothing is read again
    /// until the index changes.
    idle_at: Option<u64>,
}

/// Computes vectors missing from the index for about `budget`, resuming at
/// `cursor`: at least one chunk when any is missing within [`PAGES_PER_STEP`]
/// pages of the store; see the module docs. The report counts the
/// vectors computed (`embedded`) and the longest write-lock hold.
pub async fn backfill_some(
    store: &Store,
    index: &RwLock<Index>,
    embedders: Embedders<'_>,
    cursor: &mut BackfillCursor,
    budget: Duration,
) -> Result<SyncReport> {
    let started = Instant::now();
    let mut report = SyncReport::default();
    // The models first, as `follow` records them: a vector is never stored under
    // another model's id (and a new transformer drops the old vectors).
    let recorded = {
        let index = read(index);
        let same = |recorded: Option<&str>, e: &dyn Embedder| recorded == Some(&*e.model_id());
        embedders.main.is_none_or(|m| same(index.vector_model(), m))
            && embedders
                .interim
                .is_none_or(|f| same(index.interim_model(), f))
    };
    if !recorded {
        holding(index, &mut report, "models", |index, report| {
            if use_models(index, embedders, report)? {
                index.commit()?;
            }
            Ok(())
        })?;
    }
    let (vacancy_embedder, profile_embedder, missing, seq) = {
        let index = read(index);
        let (vacancies, profiles, missing) = backfill_plan(&index, embedders);
        (vacancies, profiles, missing, index.last_applied_seq())
    };
    (report.from_seq, report.to_seq) = (seq, seq);
    if missing == 0 || cursor.idle_at == Some(seq) {
        return Ok(report);
    }
    cursor.idle_at = None;
    for _ in 0..PAGES_PER_STEP {
        let kind_done = match (cursor.kind, vacancy_embedder, profile_embedder) {
            (Kind::Vacancies, Some(embedder), _) => {
                let embedder = (embedder, false);
                page::<Vacancy>(store, index, embedder, cursor, started, budget, &mut report)
                    .await?
            }
            (Kind::Profiles, _, Some(embedder)) => {
                page::<Profile>(store, index, embedder, cursor, started, budget, &mut report)
                    .await?
            }
            _ => true,
        };
        if kind_done {
            cursor.after.clear();
            if cursor.kind == Kind::Vacancies {
                cursor.kind = Kind::Profiles;
            } else {
                // The pass is over; the next one, now or after resting, starts
                // with the vacancies again.
                let idle = cursor.found_in_pass == 0;
                (cursor.kind, cursor.found_in_pass) = (Kind::Vacancies, 0);
                if idle {
                    cursor.idle_at = Some(seq);
                    break;
                }
            }
        }
        if report.embedded > 0 && started.elapsed() >= budget {
            break;
        }
    }
    report.to_seq = read(index).last_applied_seq();
    Ok(report)
}

/// Embeds the missing vectors of one page of kind `R` after the cursor, chunk by
/// chunk while within `budget` (the first chunk always), and applies them. Whether
/// the kind has no records left after the cursor.
async fn page<R: Record>(
    store: &Store,
    index: &RwLock<Index>,
    (embedder, interim): (&dyn Embedder, bool),
    cursor: &mut BackfillCursor,
    started: Instant,
    budget: Duration,
    report: &mut SyncReport,
) -> Result<bool> {
    let page = R::page(store, &cursor.after, PAGE).await?;
    let Some(last) = page.last().map(|r| r.id().to_owned()) else {
        return Ok(true);
    };
    let mut missing = lacking_vectors(page, &read(index))?;
    let mut vectors = Vec::with_capacity(missing.len());
    for chunk in missing.chunks(BACKFILL_CHUNK) {
        if !vectors.is_empty() && started.elapsed() >= budget {
            break;
        }
        let texts: Vec<String> = chunk.iter().map(Record::embedding_text).collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        vectors.extend(embed(embedder, &texts)?);
    }
    let cut_short = vectors.len() < missing.len();
    missing.truncate(vectors.len());
    let step = super::APPLY_CHUNK;
    for (records, vectors) in missing.chunks(step).zip(vectors.chunks(step)) {
        let seq = read(index).last_applied_seq();
        let chunk = records.iter().zip(vectors);
        apply_in_short_holds(index, report, chunk, |index, (record, vector), _| {
            record.upsert(index, Vector::computed(vector, interim), seq)
        })?;
        commit(index, report)?;
    }
    report.embedded += vectors.len() as u64;
    cursor.found_in_pass += vectors.len() as u64;
    // A page cut short by the budget resumes after its last record embedded.
    cursor.after = match missing.last() {
        Some(done) if cut_short => done.id().to_owned(),
        _ => last,
    };
    Ok(false)
}
