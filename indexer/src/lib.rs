//! The search index of vacancies and profiles.
//!
//! One [`Index`] lives in one directory and holds two tantivy indexes (vacancies,
//! profiles) and, beside each, a memory-mapped store of embeddings. It is a
//! *derived* copy of the system of record: every change carries the store's
//! sequence number, commits record the last one applied, and after a crash or on a
//! new search node the caller replays the store's change feed from
//! [`Index::last_applied_seq`]. Upserts and deletes are keyed by id and idempotent,
//! so replaying a change twice is harmless.
//!
//! [`sync`] drives it from the store: [`sync::catch_up`] replays the change feed
//! (loading each changed record, embedding only changed texts, committing in batches)
//! and [`sync::rebuild`] builds a fresh index beside the old one and swaps it in;
//! for bulk loads, both can give profiles interim static-model vectors first, which
//! [`sync::upgrade`] replaces with the transformer's in the background.
//!
//! - [`analysis`]: one multilingual analyser for Kazakh, Russian and English.
//! - `schema`: the two tantivy schemas and how records become documents.
//! - `indexing`: [`Index`], upserts, deletes, batched commits.
//! - `querying`: safe parsing of user queries, BM25 with boosts, filters, snippets.
//! - `bag_of_words`: a vacancy's bag of words against a million profiles, one pass of
//!   tantivy's buffered union with filters checked on the proposed documents.
//! - `pool`: BM25 for a closed pool (a competition's applicants) with the pool's own
//!   collection statistics.
//! - `vectors`: int8/f16 embedding store with top-k search (exact in small stores,
//!   pre-filtered by in-memory sign sketches in large ones).
//! - `interim`: a fast model's profile vectors standing in until the upgrade.
//! - [`sync`]: following the store's change feed; rebuilds.

pub mod analysis;
mod bag_of_words;
mod ids;
mod indexing;
mod interim;
mod pool;
mod querying;
mod schema;
pub mod sync;
mod top_k;
mod vectors;

pub use bag_of_words::Matches;
pub use indexing::{Index, IndexConfig, IndexStatus};
pub use querying::{Filters, Hit, LanguageFilter, SearchRequest, Snippet};
pub use schema::{profile_embedding_text, vacancy_embedding_text};
pub use vectors::{simd_path, text_hash, SimdPath, SketchRecall, VectorHit, VectorStore};

/// Everything that can go wrong in the index. Input problems (a bad query, a wrong
/// embedding size) are separate variants from storage problems so the API can answer
/// 400 for the former and 500 for the latter.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user's query cannot be searched (400); the message says why.
    #[error("invalid query: {0}")]
    Query(String),
    /// A record id the index cannot hold (longer than 64 bytes); domain validation
    /// should have rejected it (400).
    #[error("invalid id {0:?}: at most 64 bytes")]
    InvalidId(String),
    /// An embedding does not have the dimension of the store (caller's bug; 500).
    #[error("embedding has {got} dimensions; the index stores {expected}")]
    Dimension { expected: usize, got: usize },
    /// The on-disk data is not what this version wrote (500; rebuild the index).
    #[error("index data at {path} is corrupt: {reason}")]
    Corrupt { path: String, reason: String },
    /// The index cannot be used as it is (wrong vector dimension for the model, or
    /// in use by another process); the message says what to do (500).
    #[error("index at {path}: {reason}")]
    Unusable { path: String, reason: String },
    /// The store failed while the index was following it (500).
    #[error("store: {0}")]
    Store(#[from] qabilet_store::StoreError),
    /// The embedding model failed or answered with the wrong number of vectors (500).
    #[error("embedding model {model}: {message}")]
    Embedding { model: String, message: String },
    /// tantivy failed (500).
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// File system failure (500).
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Whether the index could not be opened for writing because another process
    /// (a server, `qabilet index sync`) holds its writer lock.
    pub fn is_in_use(&self) -> bool {
        matches!(self, Error::Tantivy(tantivy::TantivyError::LockFailure(..)))
    }

    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let context = context.into();
        move |source| Error::Io { context, source }
    }
}

/// Result of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
