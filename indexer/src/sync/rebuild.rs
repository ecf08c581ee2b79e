//! Rebuilding the index from every record of the store, beside the old one.
//!
//! The new index is built in `DIR.rebuild` while `DIR` keeps serving, then swapped
//! in with two renames: `DIR` → `DIR.old`, `DIR.rebuild` → `DIR`. A `READY` file is
//! written into `DIR.rebuild` once it is complete, so a crash between the two
//! renames is finished by [`recover_swap`] (which [`Index::open`] calls): with `DIR`
//! missing, a ready `DIR.rebuild` becomes `DIR`, else `DIR.old` goes back. A crash
//! before `READY` leaves `DIR` untouched and the half-built directory is removed
//! by the next rebuild.
//!
//! The old index is held open during the rebuild: its writer lock keeps another
//! process from writing into `DIR` while it is swapped (a service holding the
//! index makes the rebuild fail instead), and its vectors are reused where the text
//! and the model are unchanged, which saves almost all the embedding work.

use std::fs;
use std::path::{Path, PathBuf};

use qabilet_domain::{Profile, Vacancy};
use qabilet_store::Store;

use super::{
    catch_up_with, embed, to_u64, Embedder, Embedders, Fresh, Progress, Record, SyncReport, PAGE,
};
use crate::{Error, Index, IndexConfig, Result};

/// Written into the new directory once it is complete.
const READY: &str = "READY";

/// What one [`rebuild`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RebuildReport {
    /// Records indexed from the store pages (before the catch-up).
    pub vacancies: u64,
    pub profiles: u64,
    /// Vectors computed, and vectors taken over from the old index.
    pub embedded: u64,
    pub reused: u64,
    /// The catch-up with the changes made while the store was read.
    pub catch_up: SyncReport,
    /// Why the old index could not be read for vectors, if it could not.
    pub old_index_unreadable: Option<String>,
}

/// `DIR.rebuild` and `DIR.old`, beside `dir`.
fn siblings(dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let name = dir.file_name().ok_or_else(|| Error::Unusable {
        path: dir.display().to_string(),
        reason: "an index directory needs a name (not / or ..)".into(),
    })?;
    let with = |suffix: &str| {
        let mut name = name.to_owned();
        name.push(suffix);
        dir.with_file_name(name)
    };
    Ok((with(".rebuild"), with(".old")))
}

/// Finishes a swap interrupted by a crash; see the module docs. Does nothing when
/// `dir` exists.
pub(crate) fn recover_swap(dir: &Path) -> Result<()> {
    if dir.exists() {
        return Ok(());
    }
    let Ok((staging, old)) = siblings(dir) else {
        return Ok(());
    };
    let from = if staging.join(READY).exists() {
        staging
    } else if old.exists() {
        old
    } else {
        return Ok(());
    };
    fs::rename(&from, dir).map_err(Error::io(format!(
        "moving {} back to {}",
        from.display(),
        dir.display()
    )))
}

fn remove_dir(path: &Path) -> Result<()> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::io(format!("removing {}", path.display()))(e))
        }
        _ => Ok(()),
    }
}

/// Opens the old index to hold its writer lock and read its vectors. `Ok(None)` and
/// a reason when it is there but unreadable: it is replaced anyway. Fails when
/// another process holds it.
fn open_old(dir: &Path, config: &IndexConfig) -> Result<(Option<Index>, Option<String>)> {
    if !dir.exists() {
        return Ok((None, None));
    }
    let dim = match Index::stored_dim(dir) {
        Ok(dim) => dim.unwrap_or(config.dim),
        Err(e) => return Ok((None, Some(e.to_string()))),
    };
    // Only read: the smallest writer tantivy allows.
    let small = IndexConfig {
        dim,
        writer_memory_bytes: 30 << 20,
        writer_threads: 1,
        ..config.clone()
    };
    match Index::open(dir, small) {
        Ok(index) => Ok((Some(index), None)),
        Err(Error::Tantivy(tantivy::TantivyError::LockFailure(..))) => Err(Error::Unusable {
            path: dir.display().to_string(),
            reason: "another process (the service?) is writing to it; stop it before a \
                     rebuild, or use `qabilet index sync`"
                .into(),
        }),
        Err(e) => Ok((None, Some(e.to_string()))),
    }
}

/// Builds a new index of every vacancy and consenting profile of the store and
/// swaps it in for the one in `dir` (created if missing); see the module docs. It
/// ends at the store's last sequence number. The vector dimension is the
/// embedder's, else the old index's, else `config.dim`.
pub async fn rebuild(
    store: &Store,
    dir: &Path,
    config: IndexConfig,
    embedder: Option<&dyn Embedder>,
    progress: &dyn Progress,
) -> Result<RebuildReport> {
    rebuild_with(store, dir, config, Embedders::main(embedder), progress).await
}

/// [`rebuild`] with an interim model for the profiles that have no valid vector
/// (see [`Embedders`]): the fast way to make a large pool searchable.
pub async fn rebuild_with(
    store: &Store,
    dir: &Path,
    config: IndexConfig,
    embedders: Embedders<'_>,
    progress: &dyn Progress,
) -> Result<RebuildReport> {
    let embedder = embedders.main;
    recover_swap(dir)?;
    let (staging, old_dir) = siblings(dir)?;
    remove_dir(&staging)?;
    remove_dir(&old_dir)?;
    let (old, old_index_unreadable) = open_old(dir, &config)?;
    let mut report = RebuildReport {
        old_index_unreadable,
        ..RebuildReport::default()
    };

    // Old vectors are valid only for the embedder's model (any model, when there is
    // no embedder: they are kept as they are, with their model recorded).
    let reuse = old.as_ref().filter(|old| match embedder {
        Some(e) => old.vector_model() == Some(e.model_id().as_str()) && old.dim() == e.dim(),
        None => true,
    });
    let dim = embedder
        .map(|e| e.dim())
        .or(old.as_ref().map(Index::dim))
        .unwrap_or(config.dim);
    let model = match embedder {
        Some(e) => Some(e.model_id()),
        None => reuse.and_then(|old| old.vector_model().map(str::to_owned)),
    };

    let mut fresh = Index::open(&staging, IndexConfig { dim, ..config })?;
    fresh.set_vector_model(model.as_deref());
    // Interim vectors: the interim embedder's, else the old index's kept as they
    // are (a rebuild does not undo a bulk index the upgrade has not finished).
    let old_interim = old
        .as_ref()
        .and_then(|old| Some((old.interim_model()?.to_owned(), old.interim_dim()?)));
    let interim_model = match embedders.interim {
        Some(fast) => Some((fast.model_id(), fast.dim())),
        None => old_interim.clone(),
    };
    if let Some((model, dim)) = &interim_model {
        fresh.use_interim_model(model, *dim)?;
    }
    let reuse_interim = old
        .as_ref()
        .filter(|_| old_interim.is_some() && old_interim == interim_model);
    // Records are read after this number, so they are at least this new; changes
    // made while they are read are replayed by the catch-up below.
    let seq = to_u64(store.last_change_seq().await?);
    fresh.advance_to(seq);
    let counts = store.counts().await?;
    let mut build = Build {
        store,
        fresh: &mut fresh,
        reuse,
        reuse_interim,
        embedders,
        progress,
        seq,
        report: &mut report,
    };
    build.report.vacancies = build.all::<Vacancy>(counts.vacancies).await?;
    build.report.profiles = build.all::<Profile>(counts.profiles).await?;
    fresh.commit()?;
    progress.committed(fresh.last_applied_seq());
    report.catch_up = catch_up_with(store, &mut fresh, embedders, progress).await?;
    drop(fresh);

    // Swap. `READY` first, so that a crash between the renames is finished on open.
    fs::write(staging.join(READY), b"").map_err(Error::io(format!(
        "writing {}",
        staging.join(READY).display()
    )))?;
    if dir.exists() {
        fs::rename(dir, &old_dir).map_err(Error::io(format!(
            "moving {} to {}",
            dir.display(),
            old_dir.display()
        )))?;
    }
    fs::rename(&staging, dir).map_err(Error::io(format!(
        "moving {} to {}",
        staging.display(),
        dir.display()
    )))?;
    let _ = fs::remove_file(dir.join(READY));
    if let Some(parent) = dir.parent().and_then(|p| fs::File::open(p).ok()) {
        // Persist the renames; not every file system supports syncing a directory.
        let _ = parent.sync_all();
    }
    drop(old);
    remove_dir(&old_dir)?;
    Ok(report)
}

/// The state of one rebuild while it walks the store.
struct Build<'a> {
    store: &'a Store,
    fresh: &'a mut Index,
    /// The old index, when its vectors are valid for the new one.
    reuse: Option<&'a Index>,
    /// The old index, when its interim vectors are of the new one's interim model.
    reuse_interim: Option<&'a Index>,
    embedders: Embedders<'a>,
    progress: &'a dyn Progress,
    seq: u64,
    report: &'a mut RebuildReport,
}

impl Build<'_> {
    /// Indexes every record of kind `R` (about `total` of them); returns how many
    /// were indexed.
    async fn all<R: Record>(&mut self, total: i64) -> Result<u64> {
        let mut indexed = 0;
        self.progress.begin(R::PHASE, to_u64(total));
        let mut after = String::new();
        loop {
            let page = R::page(self.store, &after, PAGE).await?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.id().to_owned();
            let read = page.len() as u64;
            let records: Vec<R> = page.into_iter().filter(R::indexable).collect();
            let mut vectors = Vec::with_capacity(records.len());
            for record in &records {
                let reused = match self.reuse.or(self.reuse_interim) {
                    Some(old) => record.stored_vector(old)?.filter(|v| match v {
                        Fresh::Main(_) => self.reuse.is_some(),
                        Fresh::Interim(_) => self.reuse_interim.is_some(),
                    }),
                    None => None,
                };
                self.report.reused += u64::from(reused.is_some());
                vectors.push(reused);
            }
            let embedder: Option<(&dyn Embedder, bool)> = if R::HAS_INTERIM {
                self.embedders.for_profiles()
            } else {
                self.embedders.main.map(|e| (e, false))
            };
            if let Some((embedder, interim)) = embedder {
                let missing: Vec<usize> = (0..records.len())
                    .filter(|&i| vectors[i].is_none())
                    .collect();
                let texts: Vec<String> = missing
                    .iter()
                    .map(|&i| records[i].embedding_text())
                    .collect();
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                let computed = embed(embedder, &texts)?;
                self.report.embedded += computed.len() as u64;
                for (i, vector) in missing.into_iter().zip(computed) {
                    vectors[i] = Some(Fresh::new(vector, interim));
                }
            }
            for (record, vector) in records.iter().zip(&vectors) {
                record.upsert(self.fresh, Fresh::as_vector(vector), self.seq)?;
            }
            indexed += records.len() as u64;
            self.progress.advance(read);
        }
        self.progress.end();
        Ok(indexed)
    }
}
