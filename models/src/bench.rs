//! The embedding benchmark: every engine on the same texts in the same run.
//!
//! Inputs are built deterministically from a bundled set of Kazakh, Russian
//! and English recruitment sentences (`sentences.txt`), concatenated into
//! profile-sized texts, so every run and every engine sees identical input.
//! Each engine is timed on the whole passage set (texts/s and the CPU time it
//! took) and on one short query (median of `reps` calls). Engines that return
//! vectors are also compared with candle fp32, the reference: the worst
//! cosine on the bundled sentences and, of each benchmark text's 10 nearest
//! neighbours among the others, how many stay the same.

use std::time::Instant;

use crate::{EmbeddingModel, ModelError, StaticModel};

/// The bundled sentences: 12 Kazakh, 12 Russian, 12 English, in that order.
pub fn sentences() -> Vec<&'static str> {
    include_str!("sentences.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// `n` texts of about `chars` characters each, mixing the three languages.
/// Text `i` draws its sentences with a generator seeded by `i`, so the texts
/// are distinct (neighbour overlap would mean nothing among duplicates) and
/// the same in every run.
pub fn profile_texts(n: usize, chars: usize) -> Vec<String> {
    let s = sentences();
    (0..n)
        .map(|i| {
            let mut state = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let mut next = || {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (state >> 33) as usize
            };
            let mut text = String::new();
            let mut last = usize::MAX;
            while text.chars().count() < chars {
                let mut k = next() % s.len();
                if k == last {
                    k = (k + 1) % s.len();
                }
                last = k;
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(s[k]);
            }
            text.chars()
                .take(chars)
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
        .collect()
}

/// One engine's timings.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    /// Passages per second over the whole set, embedded in one call.
    pub passages_per_sec: f64,
    /// Process CPU seconds the passage set took (all threads), where known.
    pub cpu_seconds: Option<f64>,
    /// Median latency of one short query, milliseconds.
    pub query_p50_ms: f64,
}

/// An engine's vectors against the reference's.
#[derive(Debug, Clone, Copy)]
pub struct Agreement {
    /// Lowest cosine between the engine's and the reference's vector of one text.
    pub worst_cosine: f64,
    /// Mean, over texts, of how many of the reference's 10 nearest neighbours
    /// the engine's 10 nearest share.
    pub mean_top10_overlap: f64,
}

/// One row of the benchmark table.
#[derive(Debug, Clone)]
pub struct EngineRow {
    /// What ran, e.g. `candle int8 (AVX-512 VNNI)`.
    pub engine: String,
    /// Its timings.
    pub figures: Figures,
    /// Against candle fp32; `None` for the reference itself and engines that
    /// return no vectors.
    pub agreement: Option<Agreement>,
}

/// The passage set and query every engine runs.
pub struct Workload {
    /// Passages.
    pub texts: Vec<String>,
    /// The short query whose latency is measured.
    pub query: String,
    /// Single-query repetitions for the median.
    pub reps: usize,
}

impl Workload {
    /// `n_texts` passages of about `chars` characters.
    pub fn new(n_texts: usize, chars: usize, query: &str, reps: usize) -> Self {
        Workload {
            texts: profile_texts(n_texts, chars),
            query: query.to_owned(),
            reps: reps.max(1),
        }
    }

    /// The passages as `&str`.
    pub fn refs(&self) -> Vec<&str> {
        self.texts.iter().map(String::as_str).collect()
    }

    /// Average characters per passage.
    pub fn avg_chars(&self) -> usize {
        self.texts.iter().map(|t| t.chars().count()).sum::<usize>() / self.texts.len().max(1)
    }
}

/// What one candle model produced: its timings and the vectors to compare.
pub struct ModelRun {
    /// Timings.
    pub figures: Figures,
    /// The benchmark passages' vectors.
    pub passages: Vec<Vec<f32>>,
    /// The bundled sentences' vectors (passage side).
    pub sentences: Vec<Vec<f32>>,
}

/// Times `model` on the workload and keeps its vectors.
pub fn run_model(model: &EmbeddingModel, work: &Workload) -> Result<ModelRun, ModelError> {
    run_with(
        work,
        |t| model.embed_passages(t),
        |q| model.embed_queries(&[q]),
    )
}

/// Times a static model on the workload and keeps its vectors.
pub fn run_static(model: &StaticModel, work: &Workload) -> Result<ModelRun, ModelError> {
    run_with(
        work,
        |t| model.embed_passages(t),
        |q| model.embed_queries(&[q]),
    )
}

fn run_with(
    work: &Workload,
    passages: impl Fn(&[&str]) -> Result<Vec<Vec<f32>>, ModelError>,
    query: impl Fn(&str) -> Result<Vec<Vec<f32>>, ModelError>,
) -> Result<ModelRun, ModelError> {
    query(&work.query)?; // warm-up: first calls touch cold weights
    let refs = work.refs();
    let cpu = cpu_seconds();
    let start = Instant::now();
    let vectors = passages(&refs)?;
    let passages_per_sec = refs.len() as f64 / start.elapsed().as_secs_f64();
    let cpu_seconds = cpu.zip(cpu_seconds()).map(|(a, b)| b - a);
    let query_p50_ms = median_ms(work.reps, || query(&work.query).map(|_| ()))?;
    let sentences = passages(&sentences())?;
    Ok(ModelRun {
        figures: Figures {
            passages_per_sec,
            cpu_seconds,
            query_p50_ms,
        },
        passages: vectors,
        sentences,
    })
}

/// Median wall time of `reps` calls, in milliseconds.
pub fn median_ms(
    reps: usize,
    mut call: impl FnMut() -> Result<(), ModelError>,
) -> Result<f64, ModelError> {
    let mut lat = Vec::with_capacity(reps.max(1));
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        call()?;
        lat.push(t.elapsed().as_secs_f64() * 1e3);
    }
    lat.sort_by(f64::total_cmp);
    Ok(lat[lat.len() / 2])
}

/// This process's user + system CPU seconds, from `/proc/self/stat` (Linux).
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields of the whole line.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux ABI Rust targets.
    Some(ticks / 100.0)
}

/// Cosines and neighbour overlap of `got` against `reference`, for the
/// passages (neighbours) and the sentences (worst cosine, with the passages').
pub fn agreement(
    reference_passages: &[Vec<f32>],
    got_passages: &[Vec<f32>],
    reference_sentences: &[Vec<f32>],
    got_sentences: &[Vec<f32>],
) -> Agreement {
    let worst_cosine = reference_passages
        .iter()
        .zip(got_passages)
        .chain(reference_sentences.iter().zip(got_sentences))
        .map(|(a, b)| cosine(a, b))
        .fold(f64::INFINITY, f64::min);
    Agreement {
        worst_cosine,
        mean_top10_overlap: top_k_overlap(reference_passages, got_passages, 10),
    }
}

/// Cosine of two vectors (not assumed normalised).
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
    let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb).max(1e-12)
}

/// Mean over texts of |top-k(reference) ∩ top-k(got)|, neighbours taken
/// among the other texts of the same set.
pub fn top_k_overlap(reference: &[Vec<f32>], got: &[Vec<f32>], k: usize) -> f64 {
    let n = reference.len().min(got.len());
    if n < 2 {
        return k as f64;
    }
    let nearest = |set: &[Vec<f32>], i: usize| -> Vec<usize> {
        let mut scored: Vec<(f64, usize)> = (0..n)
            .filter(|&j| j != i)
            .map(|j| (cosine(&set[i], &set[j]), j))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(k).map(|(_, j)| j).collect()
    };
    let total: usize = (0..n)
        .map(|i| {
            let want = nearest(reference, i);
            let have = nearest(got, i);
            want.iter().filter(|j| have.contains(j)).count()
        })
        .sum();
    total as f64 / n as f64
}
