//! Record ids by document, kept in memory per segment, so a search turns its hits
//! into ids without decompressing anything.
//!
//! A hit is a document address; the caller wants the record id. Reading it from
//! the doc store decompresses a block of stored text per hit, and reading it from
//! the `id` fast field decompresses a zstd block of the column's dictionary per
//! hit (with a fresh decompression context each time). For a shortlist's ~600
//! hits over a million profiles either cost milliseconds. Here each segment's ids
//! are read once, when the index opens or a commit brings new segments
//! ([`IdCache::refresh`], off the query path), into one string buffer plus an
//! offset per document: about 13 bytes a profile.
//!
//! Not a tantivy `Warmer`: in tantivy 0.24 every reader with a warmer starts a GC
//! thread that never ends, one more each time an index is opened.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SegmentReader, TantivyError};

/// The ids of one segment, by document.
struct SegmentIds {
    /// Every distinct id of the segment, concatenated in dictionary order.
    text: String,
    /// End of each dictionary entry in `text`; entry `o` is `ends[o-1]..ends[o]`.
    ends: Vec<u32>,
    /// Dictionary entry of each document; `u32::MAX` for a document without one.
    doc_ords: Vec<u32>,
}

impl SegmentIds {
    fn read(reader: &SegmentReader) -> tantivy::Result<Self> {
        let mut ids = SegmentIds {
            text: String::new(),
            ends: Vec::new(),
            doc_ords: vec![u32::MAX; reader.max_doc() as usize],
        };
        let Some(column) = reader.fast_fields().str("id")? else {
            return Ok(ids);
        };
        let mut terms = column.dictionary().stream()?;
        while terms.advance() {
            let term = std::str::from_utf8(terms.key())
                .map_err(|e| TantivyError::InternalError(format!("id is not UTF-8: {e}")))?;
            ids.text.push_str(term);
            ids.ends.push(ids.text.len() as u32);
        }
        for (doc, slot) in ids.doc_ords.iter_mut().enumerate() {
            if let Some(ord) = column.ords().first(doc as DocId) {
                *slot = ord as u32;
            }
        }
        Ok(ids)
    }

    fn get(&self, doc: DocId) -> Option<&str> {
        let ord = *self.doc_ords.get(doc as usize)? as usize;
        let end = *self.ends.get(ord)? as usize;
        let start = match ord {
            0 => 0,
            _ => self.ends[ord - 1] as usize,
        };
        self.text.get(start..end)
    }
}

/// The ids of every segment of the current searcher.
#[derive(Default)]
pub(crate) struct IdCache {
    segments: RwLock<HashMap<SegmentId, Arc<SegmentIds>>>,
}

impl IdCache {
    /// The id of document `doc` of the segment read by `reader`, `None` if it has
    /// none. A segment not refreshed yet is read on the spot.
    pub(crate) fn id(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Option<String>> {
        let segment = reader.segment_id();
        let cached = self
            .segments
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&segment)
            .cloned();
        let ids = match cached {
            Some(ids) => ids,
            None => self.insert(reader)?,
        };
        Ok(ids.get(doc).map(str::to_owned))
    }

    /// Reads the segments of `searcher` not read yet and forgets those it no longer
    /// has (merged away). A search still holding an older searcher reads a
    /// forgotten segment again on the spot, so this never makes a lookup wrong.
    pub(crate) fn refresh(&self, searcher: &Searcher) -> tantivy::Result<()> {
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        self.segments
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|segment, _| live.contains(segment));
        for reader in searcher.segment_readers() {
            let known = self
                .segments
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .contains_key(&reader.segment_id());
            if !known {
                self.insert(reader)?;
            }
        }
        Ok(())
    }

    fn insert(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentIds>> {
        let ids = Arc::new(SegmentIds::read(reader)?);
        self.segments
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(reader.segment_id(), ids.clone());
        Ok(ids)
    }
}
