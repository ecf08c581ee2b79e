//! An on-disk store of embeddings with top-k search: exact in a small store,
//! pre-filtered by sign sketches in a large one.
//!
//! Layout, one set of files per generation `G` next to a small head file:
//! - `NAME.G.i8`: one row of `dim` int8 values per vector, scaled per vector
//!   (`x ≈ scale · q`, `scale = max|x| / 127`). This is what every search scans:
//!   384 MiB for 1M × 384, memory-mapped.
//! - `NAME.G.f16`: the same rows as f16, read only for the few candidates that are
//!   re-scored (mapped for random access, so only the rows touched come in).
//! - `NAME.G.meta`: fixed 80-byte records: text hash, scale, live flag, id.
//! - `NAME.head`: JSON with the dimension, generation, committed row count, the
//!   store sequence number of the last commit and the id of the model the vectors
//!   came from; replaced atomically (write + rename).
//!
//! Writes go straight to the files (appends are buffered); a commit flushes, syncs,
//! writes the head and makes the new rows searchable (the files are mapped with room
//! to grow, so that is usually two `fstat`s, not a new mapping). After a crash, rows
//! past the head's count are ignored
//! and in-place writes newer than the head are re-applied by the replay of the change
//! feed, which is idempotent. Deletes mark a tombstone at once, so a revoked consent
//! stops matching before the commit; [`VectorStore::compact`] writes a new generation
//! without tombstones and switches the head to it.
//!
//! Search quantises the query the same way, ranks all live rows by int8 dot product
//! (rayon over a few parts; AVX-512 VNNI, AVX2 or portable code chosen at run
//! time), then re-scores the best `RESCORE_FACTOR · k` rows (at most
//! k + `RESCORE_MARGIN`) with f16 × f32. A store of `SKETCH_MIN_ROWS` rows or more
//! is pre-filtered first by each row's sign sketch (kept in memory, see `sketch`),
//! so only `SKETCH_FACTOR` times the re-scored rows are read as int8.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use half::f16;
use memmap2::Mmap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

mod kernel;
mod sketch;

use kernel::{dot_f16, quantise, scan_chunk, score_rows, Scored};
pub use kernel::{simd_path, SimdPath};
use sketch::Sketches;

/// The store's files, by extension, in the order of [`VectorStore::files`].
const FILES: [&str; 3] = ["i8", "f16", "meta"];
/// Bytes per metadata record: hash 8, scale 4, live 1, id length 1, id 64, padding 2.
const META_BYTES: usize = 80;
const MAX_ID_BYTES: usize = 64;
/// Candidates re-scored exactly per result asked for.
const RESCORE_FACTOR: usize = 10;
/// At most this many rows beyond k are re-scored, however large k is.
const RESCORE_MARGIN: usize = 512;
/// Stores with fewer rows are scanned exactly; larger ones are pre-filtered by
/// their sign sketches (see `sketch`). Below it the int8 scan takes a few
/// milliseconds at most.
const SKETCH_MIN_ROWS: usize = 65_536;
/// Rows the sketches keep per row the exact stage re-scores: on 1M random unit
/// vectors, 16 kept 0.96 of the exact top 300 and 32 kept 0.99 (see `sketch`).
const SKETCH_FACTOR: usize = 32;
/// Sketch scores are `u16`: at most 7 per dimension.
const SKETCH_MAX_DIM: usize = 9_000;
/// Fewest rows worth a rayon task of their own.
const MIN_PART_ROWS: usize = 8192;
/// Appends are flushed when their buffers exceed this many bytes.
const FLUSH_BYTES: usize = 16 << 20;

/// Hash of the text an embedding was computed from (FNV-1a, stable across builds and
/// platforms, unlike `std`'s hasher). Equal hashes mean the embedding is still valid.
pub fn text_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One result of a vector search.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorHit {
    pub id: String,
    /// Dot product of the query with the stored vector (cosine for unit vectors).
    pub score: f32,
}

/// What [`VectorStore::sketch_recall`] measured, per query.
#[derive(Debug, Clone, Default)]
pub struct SketchRecall {
    /// Live rows searched.
    pub rows: usize,
    pub k: usize,
    /// Share of the exact top k found, per query.
    pub recalls: Vec<f64>,
    pub exact_ms: Vec<f64>,
    pub sketched_ms: Vec<f64>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Head {
    version: u32,
    dim: usize,
    generation: u64,
    rows: usize,
    seq: u64,
    /// The embedding model every stored vector was computed with; vectors of two
    /// models are not comparable, so a new model means recomputing all of them.
    /// Absent in heads written before it was recorded: treated as unknown.
    #[serde(default)]
    model: Option<String>,
}

#[derive(Debug, Clone, Copy)]
struct RowMeta {
    hash: u64,
    scale: f32,
    live: bool,
}

/// The embeddings of one kind of record (vacancies or profiles). Owned by
/// [`crate::Index`]; search takes `&self`, writes take `&mut self`.
pub struct VectorStore {
    dir: PathBuf,
    name: String,
    dim: usize,
    generation: u64,
    /// Sequence number recorded by the last commit.
    seq: u64,
    /// Model the vectors came from (see [`Head::model`]); written at the next commit.
    model: Option<String>,
    meta: Vec<RowMeta>,
    ids: Vec<String>,
    by_id: HashMap<String, u32>,
    /// Rows already written to the files (the rest are in the append buffers).
    flushed_rows: usize,
    /// Rows covered by the current int8 map; search sees only these.
    mapped_rows: usize,
    files: [File; 3],
    i8_map: Option<Mmap>,
    /// The f16 rows, mapped for random access (see [`Self::remap`]).
    f16_map: Option<Mmap>,
    /// Appended rows not yet written: int8, f16 and metadata bytes.
    buffers: [Vec<u8>; 3],
    /// Every row's sign sketch, the pre-filter of a large store's search.
    sketches: Sketches,
}

impl VectorStore {
    /// The dimension recorded for the store `name` in `dir`, or `None` if it has
    /// never been committed; lets a caller that has no model open it as it is.
    pub fn stored_dim(dir: &Path, name: &str) -> Result<Option<usize>> {
        let head_path = dir.join(format!("{name}.head"));
        match fs::read(&head_path) {
            Ok(bytes) => serde_json::from_slice::<Head>(&bytes)
                .map(|head| Some(head.dim))
                .map_err(|e| Error::Corrupt {
                    path: head_path.display().to_string(),
                    reason: e.to_string(),
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(format!("reading {}", head_path.display()))(e)),
        }
    }

    /// Opens (or creates) the store `name` in `dir` for vectors of `dim` dimensions.
    pub fn open(dir: &Path, name: &str, dim: usize) -> Result<Self> {
        fs::create_dir_all(dir).map_err(Error::io(format!("creating {}", dir.display())))?;
        Self::open_as(dir, name, dim, true)
    }

    /// Opens the committed store `name` in `dir` for searching only, beside the
    /// process that writes it (a server); it sees what was committed when opened.
    pub fn open_read_only(dir: &Path, name: &str, dim: usize) -> Result<Self> {
        Self::open_as(dir, name, dim, false)
    }

    fn open_as(dir: &Path, name: &str, dim: usize, writable: bool) -> Result<Self> {
        let head_path = dir.join(format!("{name}.head"));
        let head = match fs::read(&head_path) {
            Ok(bytes) => serde_json::from_slice::<Head>(&bytes).map_err(|e| Error::Corrupt {
                path: head_path.display().to_string(),
                reason: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Head {
                version: 1,
                dim,
                generation: 0,
                rows: 0,
                seq: 0,
                model: None,
            },
            Err(e) => return Err(Error::io(format!("reading {}", head_path.display()))(e)),
        };
        if head.dim != dim {
            return Err(Error::Dimension {
                expected: head.dim,
                got: dim,
            });
        }
        let files = open_files_as(dir, name, head.generation, writable)?;
        let mut store = VectorStore {
            dir: dir.to_owned(),
            name: name.to_owned(),
            dim,
            generation: head.generation,
            seq: head.seq,
            model: head.model,
            meta: Vec::with_capacity(head.rows),
            ids: Vec::with_capacity(head.rows),
            by_id: HashMap::with_capacity(head.rows),
            flushed_rows: head.rows,
            mapped_rows: 0,
            files,
            i8_map: None,
            f16_map: None,
            buffers: Default::default(),
            sketches: Sketches::new(dim),
        };
        store.load_meta(head.rows)?;
        store.remap()?;
        store.sketch_mapped_rows();
        store.reserve_room();
        Ok(store)
    }

    /// Room for appends in the per-row tables (`meta`, `ids`, `by_id`, the
    /// sketches): growing a table past its capacity copies it, 72 bytes a row, so
    /// the first append to a store of a million rows opened at its exact size
    /// copied ~70 MB under the index's write lock (186 ms, measured as the first
    /// hold of a server's follower after new profiles came in). Reserved for half
    /// as many rows again when the store is opened or compacted; the pages come in
    /// only as rows are appended.
    fn reserve_room(&mut self) {
        let room = (self.meta.len() / 2).max(1_024);
        self.meta.reserve(room);
        self.ids.reserve(room);
        self.by_id.reserve(room);
        self.sketches.reserve(room);
    }

    /// Sketches every mapped row afresh (on opening and after compaction).
    fn sketch_mapped_rows(&mut self) {
        let rows = self
            .i8_map
            .as_ref()
            .map_or(&[][..], |m| &m[..self.mapped_rows * self.dim]);
        self.sketches = Sketches::of_rows(self.dim, rows);
    }

    fn path(&self, ext: &str) -> PathBuf {
        self.dir
            .join(format!("{}.{}.{ext}", self.name, self.generation))
    }

    fn load_meta(&mut self, rows: usize) -> Result<()> {
        let mut bytes = vec![0u8; rows * META_BYTES];
        self.files[2]
            .read_exact_at(&mut bytes, 0)
            .map_err(|e| Error::Corrupt {
                path: self.path("meta").display().to_string(),
                reason: format!("shorter than the {rows} rows of the head: {e}"),
            })?;
        for (row, rec) in bytes.chunks_exact(META_BYTES).enumerate() {
            let (meta, id) = decode_meta(rec).ok_or_else(|| Error::Corrupt {
                path: self.path("meta").display().to_string(),
                reason: format!("bad record {row}"),
            })?;
            if meta.live {
                self.by_id.insert(id.clone(), row as u32);
            }
            self.meta.push(meta);
            self.ids.push(id);
        }
        Ok(())
    }

    /// Makes the flushed rows searchable. Each file is mapped with room to grow
    /// ([`reserved_len`]), so a commit usually only moves `mapped_rows`: remapping
    /// at every commit dropped and rebuilt the mapping of a fully resident int8
    /// file (282 MB of interim vectors at a million profiles) under the index's
    /// write lock, and every search after it faulted the file in again.
    fn remap(&mut self) -> Result<()> {
        let lens = [self.file_len(0)?, self.file_len(1)?];
        if let Some(fresh) = self.grown_map(0, self.i8_map.as_ref(), lens[0], self.dim)? {
            self.i8_map = Some(fresh);
        }
        if let Some(fresh) = self.grown_map(1, self.f16_map.as_ref(), lens[1], self.dim * 2)? {
            // Re-scoring reads a few hundred scattered f16 rows per search. Mapped
            // with `MADV_RANDOM` (no read-ahead or fault-around, so only the rows
            // touched come into the process) they cost a memory access instead of
            // a `pread` each, which were 3 ms of a 15 ms search over a million rows.
            fresh
                .advise(memmap2::Advice::Random)
                .map_err(Error::io(format!(
                    "advising {}",
                    self.path(FILES[1]).display()
                )))?;
            self.f16_map = Some(fresh);
        }
        let in_files = (lens[0] / self.dim as u64).min(lens[1] / (self.dim as u64 * 2));
        self.mapped_rows = self
            .flushed_rows
            .min(usize::try_from(in_files).unwrap_or(usize::MAX));
        Ok(())
    }

    /// A new mapping of file `which` (`len` bytes long, rows `width` bytes wide)
    /// when `map` does not cover the flushed rows; `None` when it does.
    fn grown_map(
        &self,
        which: usize,
        map: Option<&Mmap>,
        len: u64,
        width: usize,
    ) -> Result<Option<Mmap>> {
        let needed = self.flushed_rows * width;
        if needed == 0 || map.is_some_and(|m| m.len() >= needed) {
            return Ok(None);
        }
        // SAFETY (memmap2): the files are only written by this process through
        // `self`, they never shrink (compaction writes a new generation), and a
        // search reads only rows below `mapped_rows`, which lie inside the file
        // (checked against its length in `remap`), never the reserved tail past it.
        let fresh = unsafe {
            memmap2::MmapOptions::new()
                .len(reserved_len(len.max(needed as u64)))
                .map(&self.files[which])
        }
        .map_err(Error::io(format!(
            "mapping {}",
            self.path(FILES[which]).display()
        )))?;
        Ok(Some(fresh))
    }

    fn file_len(&self, which: usize) -> Result<u64> {
        self.files[which]
            .metadata()
            .map(|m| m.len())
            .map_err(Error::io(format!(
                "stat {}",
                self.path(FILES[which]).display()
            )))
    }

    /// Dimension of the stored vectors.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of live vectors.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Sequence number of the last commit.
    pub fn last_applied_seq(&self) -> u64 {
        self.seq
    }

    /// The embedding model the stored vectors came from, if known.
    pub fn model(&self) -> Option<&str> {
        self.model.as_deref()
    }

    /// Records the model of the vectors; durable at the next commit.
    pub fn set_model(&mut self, model: Option<&str>) {
        self.model = model.map(str::to_owned);
    }

    /// Drops every vector (durable at once: a new, empty generation), e.g. because
    /// they came from another model. The sequence number is kept.
    pub fn clear(&mut self) -> Result<()> {
        for meta in &mut self.meta {
            meta.live = false;
        }
        self.by_id.clear();
        self.compact()
    }

    /// The stored vector of `id` (as kept in f16) if it was computed from a text with
    /// `hash`; lets a rebuild reuse embeddings instead of recomputing them.
    pub fn stored_vector(&self, id: &str, hash: u64) -> Result<Option<Vec<f32>>> {
        let Some(&row) = self.by_id.get(id) else {
            return Ok(None);
        };
        let row = row as usize;
        if self.meta[row].hash != hash || row >= self.flushed_rows {
            // Unflushed rows live in the append buffer; a rebuild reads committed
            // stores only, so not finding them costs one embedding at most.
            return Ok(None);
        }
        let mut bytes = vec![0u8; self.dim * 2];
        self.files[1]
            .read_exact_at(&mut bytes, (row * self.dim * 2) as u64)
            .map_err(Error::io(format!("reading {}", self.path("f16").display())))?;
        Ok(Some(
            bytes
                .chunks_exact(2)
                .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
        ))
    }

    /// Up to `limit` live vectors, as their ids and the hash of the text each came
    /// from, in row order, leaving out `skip`: what the upgrade from interim
    /// vectors walks (see `crate::sync::upgrade`).
    pub fn live_rows(&self, limit: usize, skip: &HashSet<String>) -> Vec<(String, u64)> {
        self.meta
            .iter()
            .zip(&self.ids)
            .filter(|(meta, id)| meta.live && !skip.contains(id.as_str()))
            .take(limit)
            .map(|(meta, id)| (id.clone(), meta.hash))
            .collect()
    }

    /// Whether `id` has no vector or one computed from a text with another hash.
    pub fn needs_embedding(&self, id: &str, hash: u64) -> bool {
        self.by_id
            .get(id)
            .is_none_or(|&row| self.meta[row as usize].hash != hash)
    }

    /// Inserts or replaces the vector of `id`, computed from a text with `hash`.
    pub fn upsert(&mut self, id: &str, vector: &[f32], hash: u64) -> Result<()> {
        if vector.len() != self.dim {
            return Err(Error::Dimension {
                expected: self.dim,
                got: vector.len(),
            });
        }
        if id.len() > MAX_ID_BYTES {
            return Err(Error::InvalidId(id.to_owned()));
        }
        let (q, scale) = quantise(vector);
        let meta = RowMeta {
            hash,
            scale,
            live: true,
        };
        let f16s: Vec<u8> = vector
            .iter()
            .flat_map(|&x| f16::from_f32(x).to_le_bytes())
            .collect();
        let i8s: Vec<u8> = q.iter().map(|&x| x as u8).collect();
        let rec = encode_meta(&meta, id);
        match self.by_id.get(id).copied() {
            Some(row) => {
                self.sketches.set(row as usize, &i8s);
                self.meta[row as usize] = meta;
                self.write_row(row as usize, [&i8s, &f16s, &rec])?;
            }
            None => {
                let row = self.meta.len();
                self.sketches.set(row, &i8s);
                self.meta.push(meta);
                self.ids.push(id.to_owned());
                self.by_id.insert(id.to_owned(), row as u32);
                for (buf, bytes) in self.buffers.iter_mut().zip([&i8s[..], &f16s[..], &rec[..]]) {
                    buf.extend_from_slice(bytes);
                }
                if self.buffers[1].len() >= FLUSH_BYTES {
                    self.flush()?;
                }
            }
        }
        Ok(())
    }

    /// Removes the vector of `id` at once (a tombstone until [`Self::compact`]).
    pub fn delete(&mut self, id: &str) -> Result<()> {
        let Some(row) = self.by_id.remove(id) else {
            return Ok(());
        };
        let row = row as usize;
        self.meta[row].live = false;
        let rec = encode_meta(&self.meta[row], &self.ids[row]);
        if row < self.flushed_rows {
            self.files[2]
                .write_all_at(&rec, (row * META_BYTES) as u64)
                .map_err(Error::io("writing vector metadata"))
        } else {
            let at = (row - self.flushed_rows) * META_BYTES;
            self.buffers[2][at..at + META_BYTES].copy_from_slice(&rec);
            Ok(())
        }
    }

    fn write_row(&mut self, row: usize, parts: [&[u8]; 3]) -> Result<()> {
        let widths = [self.dim, self.dim * 2, META_BYTES];
        for ((file, buf), (bytes, width)) in self
            .files
            .iter()
            .zip(self.buffers.iter_mut())
            .zip(parts.into_iter().zip(widths))
        {
            if row < self.flushed_rows {
                file.write_all_at(bytes, (row * width) as u64)
                    .map_err(Error::io("writing a vector row"))?;
            } else {
                let at = (row - self.flushed_rows) * width;
                buf[at..at + width].copy_from_slice(bytes);
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        let widths = [self.dim, self.dim * 2, META_BYTES];
        for ((file, buf), width) in self.files.iter().zip(self.buffers.iter_mut()).zip(widths) {
            file.write_all_at(buf, (self.flushed_rows * width) as u64)
                .map_err(Error::io("appending vector rows"))?;
            buf.clear();
        }
        self.flushed_rows = self.meta.len();
        Ok(())
    }

    /// Makes every write durable and visible to search, recording `seq`:
    /// [`Self::persist`], then [`Self::publish`].
    pub fn commit(&mut self, seq: u64) -> Result<()> {
        self.persist(seq)?;
        self.publish(seq)
    }

    /// The slow half of a commit, which searches may run beside (it takes `&self`
    /// and changes nothing they read): the appended rows are written after the
    /// mapped ones, every file is synced (five `fsync`s), and the head records
    /// them with `seq`. A crash after it is a commit at `seq`; until
    /// [`Self::publish`] the new rows are durable but not searched.
    pub fn persist(&self, seq: u64) -> Result<()> {
        let widths = [self.dim, self.dim * 2, META_BYTES];
        for ((file, buf), width) in self.files.iter().zip(&self.buffers).zip(widths) {
            file.write_all_at(buf, (self.flushed_rows * width) as u64)
                .map_err(Error::io("appending vector rows"))?;
        }
        for file in &self.files {
            file.sync_data().map_err(Error::io("syncing vectors"))?;
        }
        self.write_head_at(self.meta.len(), seq)
    }

    /// The quick half of a commit, after [`Self::persist`] with the same `seq` and
    /// no write between: the persisted rows become searchable.
    pub fn publish(&mut self, seq: u64) -> Result<()> {
        for buf in &mut self.buffers {
            buf.clear();
        }
        self.flushed_rows = self.meta.len();
        self.seq = seq;
        self.remap()
    }

    fn write_head(&self) -> Result<()> {
        self.write_head_at(self.flushed_rows, self.seq)
    }

    fn write_head_at(&self, rows: usize, seq: u64) -> Result<()> {
        let head = Head {
            version: 1,
            dim: self.dim,
            generation: self.generation,
            rows,
            seq,
            model: self.model.clone(),
        };
        let path = self.dir.join(format!("{}.head", self.name));
        let tmp = path.with_extension("head.tmp");
        let bytes = serde_json::to_vec(&head).map_err(|e| Error::Corrupt {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let mut file =
            File::create(&tmp).map_err(Error::io(format!("creating {}", tmp.display())))?;
        file.write_all(&bytes)
            .and_then(|()| file.sync_all())
            .map_err(Error::io(format!("writing {}", tmp.display())))?;
        fs::rename(&tmp, &path).map_err(Error::io(format!("replacing {}", path.display())))?;
        if let Ok(dir) = File::open(&self.dir) {
            // Persist the rename itself; not every file system supports it.
            let _ = dir.sync_all();
        }
        Ok(())
    }

    /// Share of rows that are tombstones; [`crate::Index`] compacts above a threshold.
    pub fn dead_fraction(&self) -> f64 {
        if self.meta.is_empty() {
            0.0
        } else {
            1.0 - self.by_id.len() as f64 / self.meta.len() as f64
        }
    }

    /// Rewrites the live rows into a new generation and switches to it; the old
    /// files are removed once the new head is durable.
    pub fn compact(&mut self) -> Result<()> {
        self.flush()?;
        let old: Vec<PathBuf> = FILES.iter().map(|e| self.path(e)).collect();
        let generation = self.generation + 1;
        let new_files = open_files(&self.dir, &self.name, generation)?;
        let mut bufs: [Vec<u8>; 3] = Default::default();
        let (mut meta, mut ids, mut by_id) = (Vec::new(), Vec::new(), HashMap::new());
        let widths = [self.dim, self.dim * 2, META_BYTES];
        for row in 0..self.meta.len() {
            if !self.meta[row].live {
                continue;
            }
            for ((file, buf), width) in self.files.iter().zip(bufs.iter_mut()).zip(widths) {
                let at = buf.len();
                buf.resize(at + width, 0);
                file.read_exact_at(&mut buf[at..], (row * width) as u64)
                    .map_err(Error::io("reading vectors to compact"))?;
            }
            by_id.insert(self.ids[row].clone(), meta.len() as u32);
            meta.push(self.meta[row]);
            ids.push(self.ids[row].clone());
        }
        for (file, buf) in new_files.iter().zip(&bufs) {
            file.write_all_at(buf, 0)
                .and_then(|()| file.sync_data())
                .map_err(Error::io("writing compacted vectors"))?;
        }
        self.generation = generation;
        self.files = new_files;
        // The maps are of the old generation's files.
        (self.i8_map, self.f16_map) = (None, None);
        self.flushed_rows = meta.len();
        (self.meta, self.ids, self.by_id) = (meta, ids, by_id);
        self.write_head()?;
        self.remap()?;
        self.sketch_mapped_rows();
        self.reserve_room();
        for path in old {
            let _ = fs::remove_file(path);
        }
        Ok(())
    }

    /// The `k` stored vectors with the highest dot product with `query`, best first:
    /// exact over int8 codes (then f16) in a small store, pre-filtered by the sign
    /// sketches in a large one (see `sketch`).
    pub fn search(&self, query: &[f32], k: usize) -> Result<Vec<VectorHit>> {
        let sketched = self.mapped_rows >= SKETCH_MIN_ROWS && self.dim <= SKETCH_MAX_DIM;
        self.search_with(query, k, sketched)
    }

    fn search_with(&self, query: &[f32], k: usize, sketched: bool) -> Result<Vec<VectorHit>> {
        if query.len() != self.dim {
            return Err(Error::Dimension {
                expected: self.dim,
                got: query.len(),
            });
        }
        let Some(i8_map) = &self.i8_map else {
            return Ok(Vec::new());
        };
        if k == 0 || query.iter().any(|x| !x.is_finite()) {
            return Ok(Vec::new());
        }
        let (q, _) = quantise(query);
        // Quantisation only reorders near-ties, which matter at the boundary of the
        // top k, not in proportion to k: a pool of 300 needs a margin, not 3,000
        // extra rows read from disk.
        let candidates = (k * RESCORE_FACTOR).min(k + RESCORE_MARGIN).max(64);
        let rows = &i8_map[..self.mapped_rows * self.dim];
        if sketched {
            let sketch = self.sketches.query(&q);
            let near = self.sketches.best(
                &sketch,
                self.mapped_rows,
                &self.meta,
                candidates * SKETCH_FACTOR,
            );
            let mut all = score_rows(rows, &near, &q, &self.meta, candidates);
            all.sort_unstable_by(|a, b| b.cmp(a));
            return self.rescored(all, query, k);
        }
        // Few large parts, each with one heap of `candidates`: with many small chunks
        // the heaps, not the dot products, took most of the time (every chunk starts
        // empty, so a tenth of its rows went through a heap).
        let parts = (2 * rayon::current_num_threads()).max(1);
        let part_rows = self.mapped_rows.div_ceil(parts).max(MIN_PART_ROWS);
        let tops: Vec<Vec<Scored>> = if self.mapped_rows <= part_rows {
            // One part: scanned here, without a round trip through the rayon pool
            // (which, for the many small stores a server searches at once, only
            // queues callers behind each other).
            vec![scan_chunk(rows, 0, &q, &self.meta, candidates)]
        } else {
            rows.par_chunks(part_rows * self.dim)
                .enumerate()
                .map(|(i, part)| scan_chunk(part, i * part_rows, &q, &self.meta, candidates))
                .collect()
        };
        let mut all: Vec<Scored> = tops.into_iter().flatten().collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        all.truncate(candidates);
        self.rescored(all, query, k)
    }

    /// What the sketches' pre-filter misses: for `queries` stored vectors spread
    /// over the store, the share of the exact top `k` (int8 scan of every row, then
    /// f16) that the sketched search also returns, and both searches' times.
    /// `None` for an empty store, and for one of more than `SKETCH_MAX_DIM`
    /// dimensions, which `search` never pre-filters.
    pub fn sketch_recall(&self, queries: usize, k: usize) -> Result<Option<SketchRecall>> {
        if self.dim > SKETCH_MAX_DIM {
            return Ok(None);
        }
        let live: Vec<usize> = (0..self.mapped_rows)
            .filter(|&r| self.meta[r].live)
            .collect();
        if live.is_empty() || queries == 0 || k == 0 {
            return Ok(None);
        }
        let mut report = SketchRecall {
            rows: live.len(),
            k,
            ..SketchRecall::default()
        };
        let mut buf = vec![0u8; self.dim * 2];
        let step = (live.len() / queries).max(1);
        for &row in live.iter().step_by(step).take(queries) {
            let query: Vec<f32> = self
                .f16_row(row, &mut buf)?
                .chunks_exact(2)
                .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect();
            let started = std::time::Instant::now();
            let exact = self.search_with(&query, k, false)?;
            report.exact_ms.push(started.elapsed().as_secs_f64() * 1e3);
            let started = std::time::Instant::now();
            let sketched = self.search_with(&query, k, true)?;
            report
                .sketched_ms
                .push(started.elapsed().as_secs_f64() * 1e3);
            let found: HashSet<&str> = sketched.iter().map(|h| h.id.as_str()).collect();
            let kept = exact
                .iter()
                .filter(|h| found.contains(h.id.as_str()))
                .count();
            report.recalls.push(kept as f64 / exact.len().max(1) as f64);
        }
        Ok(Some(report))
    }

    /// The best `k` of the int8 candidates `all` by f16 × f32 score.
    fn rescored(&self, all: Vec<Scored>, query: &[f32], k: usize) -> Result<Vec<VectorHit>> {
        let mut buf = vec![0u8; self.dim * 2];
        let mut hits = Vec::with_capacity(all.len());
        for s in &all {
            let row = s.key as usize;
            hits.push(VectorHit {
                id: self.ids[row].clone(),
                score: dot_f16(self.f16_row(row, &mut buf)?, query),
            });
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        hits.truncate(k);
        Ok(hits)
    }
}

impl VectorStore {
    /// The similarity of `query` to the stored vector of each of `ids` that has a
    /// committed one, in the order of `ids`: looked up by id, never by scanning, so
    /// a competition's applicants are scored whatever else the store holds. The
    /// score is the f16 × f32 dot product that [`Self::search`] re-scores with, so a
    /// person has the same dense score in a shortlist and in a pool-wide search.
    pub fn similarities(&self, query: &[f32], ids: &[&str]) -> Result<Vec<VectorHit>> {
        if query.len() != self.dim {
            return Err(Error::Dimension {
                expected: self.dim,
                got: query.len(),
            });
        }
        if query.iter().any(|x| !x.is_finite()) {
            return Ok(Vec::new());
        }
        let mut buf = vec![0u8; self.dim * 2];
        let mut hits = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(&row) = self.by_id.get(*id) else {
                continue;
            };
            let row = row as usize;
            // What search sees: the rows of the current map (a row appended since
            // the last commit is not there yet; one updated in place already is).
            if row >= self.mapped_rows {
                continue;
            }
            hits.push(VectorHit {
                id: (*id).to_owned(),
                score: dot_f16(self.f16_row(row, &mut buf)?, query),
            });
        }
        Ok(hits)
    }

    /// The f16 bytes of `row`: from the map, or read into `buf` for a row appended
    /// since the map was made.
    fn f16_row<'a>(&'a self, row: usize, buf: &'a mut [u8]) -> Result<&'a [u8]> {
        let row_bytes = self.dim * 2;
        let at = row * row_bytes;
        // Only the rows below `mapped_rows` are inside the file: the map reaches
        // past its end (see `remap`), where a read would fault.
        if let Some(mapped) = self
            .f16_map
            .as_ref()
            .filter(|_| row < self.mapped_rows)
            .and_then(|m| m.get(at..at + row_bytes))
        {
            return Ok(mapped);
        }
        self.files[1]
            .read_exact_at(buf, at as u64)
            .map_err(Error::io(format!("reading {}", self.path("f16").display())))?;
        Ok(buf)
    }
}

/// The length to map a vector file of `len` bytes with: twice its length, at least
/// 16 MiB, so that appends are covered by the same mapping for a long while. Only
/// address space: pages are read in as rows are touched.
fn reserved_len(len: u64) -> usize {
    let len = usize::try_from(len).unwrap_or(usize::MAX / 2);
    len.saturating_mul(2).max(16 << 20)
}

fn open_files(dir: &Path, name: &str, generation: u64) -> Result<[File; 3]> {
    open_files_as(dir, name, generation, true)
}

/// The three files of a generation, for writing (created when missing) or only
/// for reading (another process owns them).
fn open_files_as(dir: &Path, name: &str, generation: u64, writable: bool) -> Result<[File; 3]> {
    let open = |ext: &str| {
        let path = dir.join(format!("{name}.{generation}.{ext}"));
        OpenOptions::new()
            .read(true)
            .write(writable)
            .create(writable)
            .truncate(false)
            .open(&path)
            .map_err(Error::io(format!("opening {}", path.display())))
    };
    Ok([open(FILES[0])?, open(FILES[1])?, open(FILES[2])?])
}

fn encode_meta(meta: &RowMeta, id: &str) -> [u8; META_BYTES] {
    let mut rec = [0u8; META_BYTES];
    rec[0..8].copy_from_slice(&meta.hash.to_le_bytes());
    rec[8..12].copy_from_slice(&meta.scale.to_le_bytes());
    rec[12] = u8::from(meta.live);
    let id = &id.as_bytes()[..id.len().min(MAX_ID_BYTES)];
    rec[13] = id.len() as u8;
    rec[14..14 + id.len()].copy_from_slice(id);
    rec
}

fn decode_meta(rec: &[u8]) -> Option<(RowMeta, String)> {
    let hash = u64::from_le_bytes(rec.get(0..8)?.try_into().ok()?);
    let scale = f32::from_le_bytes(rec.get(8..12)?.try_into().ok()?);
    let len = usize::from(*rec.get(13)?);
    let id = std::str::from_utf8(rec.get(14..14 + len)?).ok()?.to_owned();
    let live = *rec.get(12)? == 1;
    Some((RowMeta { hash, scale, live }, id))
}

#[cfg(test)]
mod tests;
