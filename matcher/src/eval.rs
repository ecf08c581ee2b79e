//! Ranking quality on graded ground truth (the demo's judgements, grades 0–3).
//!
//! Metrics, averaged over vacancies that have at least one relevant profile:
//! - **nDCG@10** with gain 2^grade − 1 and the ideal ordering of all judged profiles;
//! - **recall@50**: share of relevant profiles (grade ≥ [`RELEVANT`]) in the top 50;
//! - **MRR**: 1 / rank of the first relevant profile (0 if none is ranked).
//!
//! Each signal is measured alone and fused, over the same retrieved pool (see
//! [`crate::ranking::retrieve_profiles`]: BM25, requirement-filtered BM25 and dense):
//! BM25 and dense rank what they scored; structured fit and the fusion rank the whole
//! pool. [`calibrate`] chooses weights on half the vacancies and reports the other. The
//! cross-language subset keeps, per vacancy, only profiles whose text language
//! differs from the vacancy's, in both the ranking and the ground truth.

use std::collections::HashMap;

use qabilet_domain::{Language, Profile, Vacancy};
use qabilet_indexer::analysis::detect_language;
use qabilet_indexer::Index;
use serde::Serialize;

use crate::ranking::{join_candidates, retrieve_profiles, Candidate, Ranker, RankingConfig};

mod calibrate;

pub use calibrate::{calibrate, split, Calibration, QueryPool};

/// Grades at or above this count as relevant for recall and MRR.
pub const RELEVANT: u8 = 2;

/// Ground truth: vacancy id → profile id → grade (absent = 0).
pub type Qrels = HashMap<String, HashMap<String, u8>>;

/// nDCG@k of `ranked` against `grades`.
pub fn ndcg_at(ranked: &[&str], grades: &HashMap<String, u8>, k: usize) -> f64 {
    let gain = |g: u8| f64::from((1u32 << g.min(8)) - 1);
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, id)| gain(grades.get(*id).copied().unwrap_or(0)) / (i as f64 + 2.0).log2())
        .sum();
    let mut ideal: Vec<u8> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, &g)| gain(g) / (i as f64 + 2.0).log2())
        .sum();
    if idcg > 0.0 {
        dcg / idcg
    } else {
        0.0
    }
}

/// Recall@k: relevant profiles in the top k over all relevant ones.
pub fn recall_at(ranked: &[&str], grades: &HashMap<String, u8>, k: usize) -> f64 {
    let relevant = grades.values().filter(|&&g| g >= RELEVANT).count();
    if relevant == 0 {
        return 0.0;
    }
    let found = ranked
        .iter()
        .take(k)
        .filter(|id| grades.get(**id).is_some_and(|&g| g >= RELEVANT))
        .count();
    found as f64 / relevant as f64
}

/// Reciprocal rank of the first relevant profile.
pub fn reciprocal_rank(ranked: &[&str], grades: &HashMap<String, u8>) -> f64 {
    ranked
        .iter()
        .position(|id| grades.get(*id).is_some_and(|&g| g >= RELEVANT))
        .map_or(0.0, |i| 1.0 / (i as f64 + 1.0))
}

/// Averages over the evaluated vacancies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Metrics {
    pub ndcg_at_10: f64,
    pub recall_at_50: f64,
    pub mrr: f64,
    pub queries: usize,
}

/// One line of the table: a signal on a subset; `None` when it could not be measured
/// (no embeddings for dense).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvalRow {
    pub signal: &'static str,
    pub subset: &'static str,
    pub metrics: Option<Metrics>,
}

/// The embedding of a vacancy, if the caller has one (from the models crate).
pub type VacancyEmbeddings<'a> = &'a dyn Fn(&Vacancy) -> Option<Vec<f32>>;

const SIGNALS: [&str; 4] = ["bm25", "dense", "structured", "fused"];

/// Evaluates every signal and the fusion under `ranker`'s configuration; see the
/// module docs. `profiles` must hold every indexed profile.
pub fn evaluate(
    ranker: &Ranker,
    index: &Index,
    vacancies: &[Vacancy],
    profiles: &HashMap<String, Profile>,
    qrels: &Qrels,
    embeddings: Option<VacancyEmbeddings>,
) -> qabilet_indexer::Result<Vec<EvalRow>> {
    let pools = collect_pools(ranker, index, vacancies, profiles, qrels, embeddings)?;
    let refs: Vec<&QueryPool> = pools.iter().collect();
    Ok(evaluate_pools(&refs, ranker.config))
}

/// Metrics of every signal and the fusion over already collected pools.
pub fn evaluate_pools(pools: &[&QueryPool], config: &RankingConfig) -> Vec<EvalRow> {
    let mut acc: [[Acc; 2]; 4] = Default::default();
    let dense_seen = pools.iter().any(|q| q.dense.iter().any(Option::is_some));
    for q in pools {
        let structured = q.structured_scores(&config.structured);
        let fused = q.fused_scores(config, &structured);
        let rankings = [
            q.order(&q.bm25),
            q.order(&q.dense),
            q.order(&structured),
            q.order(&fused),
        ];
        let cross_grades: HashMap<String, u8> = q
            .grades
            .iter()
            .filter(|(id, _)| q.cross.contains(*id))
            .map(|(k, g)| (k.clone(), *g))
            .collect();
        for (s, ranked) in rankings.iter().enumerate() {
            acc[s][0].add(ranked, &q.grades);
            let cross_ids: Vec<&str> = ranked
                .iter()
                .copied()
                .filter(|id| q.cross.contains(*id))
                .collect();
            acc[s][1].add(&cross_ids, &cross_grades);
        }
    }
    let mut rows = Vec::new();
    for (subset_i, subset) in ["all", "cross_language"].into_iter().enumerate() {
        for (s, signal) in SIGNALS.into_iter().enumerate() {
            let metrics = (s != 1 || dense_seen).then(|| acc[s][subset_i].mean());
            rows.push(EvalRow {
                signal,
                subset,
                metrics,
            });
        }
    }
    rows
}

/// Retrieves and scores every judged vacancy's pool once; see [`QueryPool`].
pub fn collect_pools(
    ranker: &Ranker,
    index: &Index,
    vacancies: &[Vacancy],
    profiles: &HashMap<String, Profile>,
    qrels: &Qrels,
    embeddings: Option<VacancyEmbeddings>,
) -> qabilet_indexer::Result<Vec<QueryPool>> {
    let language: HashMap<&str, Option<Language>> = profiles
        .iter()
        .map(|(id, p)| {
            (
                id.as_str(),
                p.language.or_else(|| detect_language(&p.summary)),
            )
        })
        .collect();
    let mut pools = Vec::new();
    for v in vacancies {
        let Some(grades) = qrels.get(v.id.as_str()).filter(|g| !g.is_empty()) else {
            continue;
        };
        let vlang = v.language.or_else(|| detect_language(&v.title));
        let embedding = embeddings.and_then(|f| f(v));
        let retrieved = retrieve_profiles(index, v, embedding.as_deref(), ranker.config.depth)?;
        let pool: Vec<Candidate<Profile>> = join_candidates(&retrieved, profiles);
        let cross = grades
            .keys()
            .map(String::as_str)
            .chain(pool.iter().map(|c| c.record.id.as_str()))
            .filter(|id| match (vlang, language.get(id).copied().flatten()) {
                (Some(a), Some(b)) => a != b,
                _ => false,
            })
            .map(str::to_owned)
            .collect();
        pools.push(QueryPool {
            vacancy_id: v.id.to_string(),
            grades: grades.clone(),
            cross,
            ids: pool.iter().map(|c| c.record.id.to_string()).collect(),
            bm25: pool.iter().map(|c| c.bm25).collect(),
            dense: pool.iter().map(|c| c.dense).collect(),
            fits: ranker.structured_fits(v, &pool),
        });
    }
    Ok(pools)
}

#[derive(Default)]
struct Acc {
    sum: Metrics,
}

impl Acc {
    fn add(&mut self, ranked: &[&str], grades: &HashMap<String, u8>) {
        if !grades.values().any(|&g| g >= 1) {
            return;
        }
        self.sum.ndcg_at_10 += ndcg_at(ranked, grades, 10);
        self.sum.recall_at_50 += recall_at(ranked, grades, 50);
        self.sum.mrr += reciprocal_rank(ranked, grades);
        self.sum.queries += 1;
    }

    fn mean(&self) -> Metrics {
        let n = self.sum.queries.max(1) as f64;
        Metrics {
            ndcg_at_10: self.sum.ndcg_at_10 / n,
            recall_at_50: self.sum.recall_at_50 / n,
            mrr: self.sum.mrr / n,
            queries: self.sum.queries,
        }
    }
}

#[cfg(test)]
mod tests;
