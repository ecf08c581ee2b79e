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

use std::sync::Arc;

use qabilet_models::EmbeddingModel;
use quick_cache::sync::Cache;

use crate::{AppError, AppResult};

/// Texts whose embedding is kept; a query is at most a few KiB of text with its
/// 1.5 KiB vector.
const ENTRIES: usize = 8_192;

pub(crate) struct QueryEmbeddings {
    cache: Cache<(String, String), Arc<Vec<f32>>>,
}

impl Default for QueryEmbeddings {
    fn default() -> Self {
        QueryEmbeddings {
            cache: Cache::new(ENTRIES),
        }
    }
}

impl QueryEmbeddings {
    /// The query embedding of `text` by `model`, from the cache or the model.
    /// Blocking: call it on a blocking thread.
    pub fn get(&self, model: &EmbeddingModel, text: &str) -> AppResult<Arc<Vec<f32>>> {
        let key = (model.model_id().to_owned(), text.to_owned());
        self.cache.get_or_insert_with(&key, || {
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
}
