//! The embedding benchmark: our candle model beside the C engine.
//!
//! Inputs are built deterministically from a bundled set of Kazakh, Russian
//! and English recruitment sentences (`sentences.txt`), concatenated into
//! profile-sized texts, so every run and both engines see identical input.

use std::time::Instant;

use crate::cengine::{CBench, CEngine};
use crate::{EmbeddingModel, ModelError};

/// The bundled sentences: 12 Kazakh, 12 Russian, 12 English, in that order.
pub fn sentences() -> Vec<&'static str> {
    include_str!("sentences.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// `n` texts of about `chars` characters each, mixing the three languages.
/// Text `i` starts at a different sentence and steps through the set with a
/// stride coprime to its size, so texts differ from one another.
pub fn profile_texts(n: usize, chars: usize) -> Vec<String> {
    let s = sentences();
    (0..n)
        .map(|i| {
            let mut text = String::new();
            let mut k = i * 7;
            while text.chars().count() < chars {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(s[k % s.len()]);
                k += 5;
            }
            text.chars()
                .take(chars)
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
        .collect()
}

/// One engine's figures.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    /// Passages per second over the whole set, embedded in one call.
    pub passages_per_sec: f64,
    /// Median latency of one short query, milliseconds.
    pub query_p50_ms: f64,
}

/// What `bench embed` prints.
#[derive(Debug, Clone)]
pub struct BenchReport {
    /// Number of passages embedded.
    pub texts: usize,
    /// Average characters per passage.
    pub avg_chars: usize,
    /// The query timed.
    pub query: String,
    /// Our candle model.
    pub candle: Figures,
    /// The C engine, when it could be built.
    pub c_engine: Option<Figures>,
}

/// Runs the benchmark: `n_texts` passages of about `chars` characters and
/// `reps` single-query calls, on `model` and, if given, on the C engine.
pub fn run(
    model: &EmbeddingModel,
    c_engine: Option<&CEngine>,
    n_texts: usize,
    chars: usize,
    query: &str,
    reps: usize,
) -> Result<BenchReport, ModelError> {
    let texts = profile_texts(n_texts, chars);
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let avg_chars = texts.iter().map(|t| t.chars().count()).sum::<usize>() / texts.len().max(1);

    model.embed_queries(&[query])?; // warm-up: first calls touch cold weights
    let start = Instant::now();
    model.embed_passages(&refs)?;
    let passages_per_sec = refs.len() as f64 / start.elapsed().as_secs_f64();
    let mut lat = Vec::with_capacity(reps.max(1));
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        model.embed_queries(&[query])?;
        lat.push(t.elapsed().as_secs_f64() * 1e3);
    }
    lat.sort_by(f64::total_cmp);
    let candle = Figures {
        passages_per_sec,
        query_p50_ms: lat[lat.len() / 2],
    };
    let c_engine = match c_engine {
        Some(c) => {
            let CBench {
                passages_per_sec,
                query_p50_ms,
            } = c.bench(&refs, query, reps)?;
            Some(Figures {
                passages_per_sec,
                query_p50_ms,
            })
        }
        None => None,
    };
    Ok(BenchReport {
        texts: texts.len(),
        avg_chars,
        query: query.to_owned(),
        candle,
        c_engine,
    })
}
