//! Query embeddings, computed once per text and model.
//!
//! Every dense signal needs the query's embedding: a vacancy's text for its
//! shortlist and talent search, a person's profile or typed words for their
//! vacancies. A model call costs ~10–20 ms on two cores, and the same texts come
//! back (a commission reloading its shortlist, many candidates typing "юрист"), so
//! they are kept in a bounded cache (`quick_cache`) keyed by the model id and the
//! text itself: an edited vacancy has another text, so a stale vector is never
//! used, and a model swapped at run time is never mixed in.
//!
//! The cache is also the single flight: concurrent first requests for one text
//! wait for the one computing it instead of all embedding it
//! (`get_or_insert_with` holds a placeholder for the key).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use qabilet_models::EmbeddingModel;
use quick_cache::sync::Cache;

use crate::{AppError, AppResult};

/// Texts whose embedding is kept; a query is at most a few KiB of text with its
/// 1.5 KiB vector.
const ENTRIES: usize = 8_192;

pub(crate) struct QueryEmbeddings {
    cache: Cache<(String, String), Arc<Vec<f32>>>,
    /// Model calls made, to show the single flight holds.
    computed: AtomicU64,
}

impl Default for QueryEmbeddings {
    fn default() -> Self {
        QueryEmbeddings {
            cache: Cache::new(ENTRIES),
            computed: AtomicU64::new(0),
        }
    }
}

impl QueryEmbeddings {
    /// The query embedding of `text` by `model`, from the cache or the model.
    /// Blocking: call it on a blocking thread.
    pub fn get(&self, model: &EmbeddingModel, text: &str) -> AppResult<Arc<Vec<f32>>> {
        let key = (model.model_id().to_owned(), text.to_owned());
        self.cache.get_or_insert_with(&key, || {
            self.computed.fetch_add(1, Ordering::Relaxed);
            model
                .embed_queries(&[text])?
                .pop()
                .map(Arc::new)
                .ok_or_else(|| AppError::internal("the model returned no embedding"))
        })
    }

    /// How many texts are cached.
    pub fn len(&self) -> usize {
        self.cache.len()
    }

    /// How many times the model was called.
    pub fn computed(&self) -> u64 {
        self.computed.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 64 concurrent first requests for one text call the real model once and
    /// all get its vector.
    #[test]
    fn concurrent_first_requests_embed_once() {
        let cache = std::env::var_os("QABILET_TEST_CACHE")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::PathBuf::from("/tmp/qabilet-test-cache"));
        let fetched =
            qabilet_models::fetch_models(&cache, false).expect("fetching the test models");
        let model = EmbeddingModel::load(&fetched.e5).expect("loading e5");
        let embeddings = QueryEmbeddings::default();
        let start = std::sync::Barrier::new(64);
        let vectors: Vec<Arc<Vec<f32>>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..64)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        embeddings
                            .get(&model, "юрист с опытом в госзакупках")
                            .unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(embeddings.computed(), 1, "the model ran more than once");
        assert!(vectors.iter().all(|v| v == &vectors[0]));
        assert_eq!(vectors[0].len(), model.dim());
        // A second text is a second call.
        embeddings.get(&model, "бухгалтер").unwrap();
        assert_eq!(embeddings.computed(), 2);
    }
}
