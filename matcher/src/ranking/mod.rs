//! Hybrid ranking in both directions, with an explanation on every item.
//!
//! - vacancy → candidates: [`Ranker::shortlist`]; eligible candidates ranked, the
//!   ineligible listed apart with the rules they failed;
//! - profile → vacancies: [`Ranker::rank_vacancies`]; every vacancy with "which
//!   requirements I meet".
//!
//! Three signals are fused per query ([`fusion`]): BM25 from the index, dense
//! similarity from the vector store (cosine of embeddings, when the caller has them)
//! and the [`structured`] fit. Candidates come from [`retrieve_profiles`] /
//! [`retrieve_vacancies`] (the union of BM25 and vector top-k); the caller loads the
//! records from the store and hands them in, so this module needs no database.
//!
//! Every item's [`Explanation`] carries the score parts, rules met, matched and
//! missing skills, the best-matching sentences and the model id and index version,
//! so a recommendation can be reproduced.

mod blind;
pub mod fusion;
pub mod record;
pub mod structured;

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use chrono::NaiveDate;
use qabilet_domain::{Profile, Vacancy};
use qabilet_indexer::{Filters, Index, LanguageFilter, SearchRequest};
use serde::{Deserialize, Serialize};

pub use blind::{mask_name, BlindProfileView};
pub use fusion::{FusionMethod, ScoreParts, SignalPart};
pub use record::{replay, RankingRecord, RecordedCandidate, Replayed};
pub use structured::{AbsoluteFit, StructuredFit, StructuredWeights};

use crate::eligibility::{
    Checker, Eligibility, PreparedProfile, PreparedVacancy, Rule, RuleOutcome, ShownProfile,
};
use crate::text::{content_terms, coverage, generic_terms, sentences};

/// Ranking settings of a deployment, read from its config file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RankingConfig {
    pub method: FusionMethod,
    pub bm25_weight: f32,
    pub dense_weight: f32,
    pub structured_weight: f32,
    /// The k of reciprocal-rank fusion; 60 as in Cormack et al. (2009).
    pub rrf_k: f32,
    /// How many profiles each retriever returns before fusion (vacancy → people).
    pub depth: usize,
    /// How many vacancies each retriever returns for a candidate's search. A person
    /// reads the first page or two, and every vacancy in the pool is checked rule by
    /// rule, so this is smaller than `depth`.
    pub vacancy_depth: usize,
    pub structured: StructuredWeights,
    /// Best-matching sentences shown per item.
    pub sentences: usize,
}

impl Default for RankingConfig {
    /// The weights `qabilet eval --calibrate` chose on the default demo (seed 2026,
    /// half of the 60 vacancies; the other half is the reported held-out figure).
    /// Structured fit dominates because the requirements decide most of a grade;
    /// BM25 and dense then order people within the same fit, which among the
    /// eligible of a shortlist (all with full requirements) is most of the ranking.
    /// A deployment recalibrates on its own judgements and saves the result to
    /// DATA_DIR/ranking.json.
    fn default() -> Self {
        RankingConfig {
            method: FusionMethod::Linear,
            bm25_weight: 0.05,
            dense_weight: 0.05,
            structured_weight: 0.9,
            rrf_k: 60.0,
            depth: 300,
            vacancy_depth: 100,
            structured: StructuredWeights::default(),
            sentences: 3,
        }
    }
}

/// Computes embeddings of short texts, for picking best sentences semantically. The
/// models crate will implement it; without one, sentences are picked lexically.
pub trait SentenceEmbedder {
    /// Identifies the model, recorded in every explanation.
    fn model_id(&self) -> &str;
    /// Unit-length embeddings of `texts`, in order; `None` if the model failed.
    fn embed(&self, texts: &[&str]) -> Option<Vec<Vec<f32>>>;
}

/// What a recommendation was computed with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Provenance {
    /// Embedding model of the dense signal, if it was used. In one explanation:
    /// the model this item's dense score came from.
    pub model_id: Option<String>,
    /// The interim model, when some profiles were scored with its vectors (see
    /// [`DenseModel`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interim_model_id: Option<String>,
    /// The index's last applied store sequence number.
    pub index_version: u64,
}

/// A sentence of the other side that matched best.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MatchedSentence {
    /// Where it is from: `summary`, `experience[2]`, `description`, `duties`.
    pub source: String,
    pub text: String,
    /// Share of its terms found on the other side, or cosine when embedded.
    pub score: f32,
}

/// Why an item is where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Explanation {
    pub method: FusionMethod,
    pub parts: ScoreParts,
    pub structured: StructuredFit,
    pub rules_met: Vec<Rule>,
    pub matched_skills: Vec<String>,
    pub missing_skills: Vec<String>,
    pub best_sentences: Vec<MatchedSentence>,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Which model's vectors a dense score compares. A profile that still has an
/// interim vector (bulk-indexed with the static model, not yet upgraded) is scored
/// against the query embedded with that model; the two groups are calibrated apart
/// in fusion ([`fusion::fuse_grouped`]), so their cosines are never compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DenseModel {
    /// The transformer.
    #[default]
    Main,
    /// The interim (static) model.
    Interim,
}

impl DenseModel {
    fn group(self) -> u8 {
        match self {
            DenseModel::Main => 0,
            DenseModel::Interim => 1,
        }
    }
}

/// The vacancy's query embedded with each model whose profile vectors are in the
/// index (see [`DenseModel`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct QueryVectors<'a> {
    pub main: Option<&'a [f32]>,
    pub interim: Option<&'a [f32]>,
}

/// A retrieved candidate: its id and the raw scores that found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrieved {
    pub id: String,
    pub bm25: Option<f32>,
    pub dense: Option<f32>,
    /// Whose vectors `dense` compares.
    pub dense_model: DenseModel,
}

/// A profile with its retrieval scores, ready to rank.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a, T> {
    pub record: &'a T,
    pub bm25: Option<f32>,
    pub dense: Option<f32>,
    pub dense_model: DenseModel,
}

impl<'a, T> Candidate<'a, T> {
    /// A candidate with no retrieval scores (ranked on the structured fit alone).
    pub fn unscored(record: &'a T) -> Self {
        Candidate {
            record,
            bm25: None,
            dense: None,
            dense_model: DenseModel::Main,
        }
    }
}

/// Pairs retrieved ids with their loaded records, keeping retrieval order; ids with
/// no record (deleted since the index last caught up) are skipped.
pub fn join_candidates<'a, T>(
    retrieved: &[Retrieved],
    records: &'a std::collections::HashMap<String, T>,
) -> Vec<Candidate<'a, T>> {
    retrieved
        .iter()
        .filter_map(|r| {
            records.get(&r.id).map(|record| Candidate {
                record,
                bm25: r.bm25,
                dense: r.dense,
                dense_model: r.dense_model,
            })
        })
        .collect()
}

/// A candidate on the shortlist.
#[derive(Debug, Clone, Serialize)]
pub struct RankedProfile {
    pub rank: usize,
    pub profile_id: String,
    pub score: f32,
    pub eligibility: Eligibility,
    pub explanation: Explanation,
}

/// An ineligible candidate, with what stopped them.
#[derive(Debug, Clone, Serialize)]
pub struct Ineligible {
    pub profile_id: String,
    pub score: f32,
    pub failed: Vec<RuleOutcome>,
}

/// The shortlist of one vacancy.
#[derive(Debug, Clone, Serialize)]
pub struct Shortlist {
    pub vacancy_id: String,
    pub eligible: Vec<RankedProfile>,
    /// The first `limit` ineligible by score; `ineligible_total` counts them all.
    pub ineligible: Vec<Ineligible>,
    pub ineligible_total: usize,
    /// What the ranking was computed from, for the audit log and its replay.
    #[serde(skip)]
    pub record: RankingRecord,
}

/// A vacancy ranked for a candidate.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RankedVacancy {
    pub rank: usize,
    pub vacancy_id: String,
    pub score: f32,
    /// Which requirements the candidate meets.
    pub eligibility: Eligibility,
    pub explanation: Explanation,
}

/// Longest query, in characters, as the indexer accepts it: machine-built queries
/// are cut to it, typed ones longer than it are refused by the callers.
pub const QUERY_CHARS: usize = 1_000;

/// The BM25 query for a vacancy: its title, competencies and specialties, with the
/// query grammar's operator characters removed so a hyphen in
/// "бухгалтер-экономист" or a quote in «Әділет» cannot turn into must/must-not.
///
/// Duties are left out: they tripled the terms (and the cost of scoring a million
/// profiles) and changed demo nDCG@10 by 0.001; dense similarity covers them.
pub fn vacancy_query(v: &Vacancy) -> String {
    let r = &v.requirements;
    let text = format!(
        "{} {} {}",
        v.title,
        r.competencies.join(" "),
        r.specialties.join(" "),
    );
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    truncate_words(&cleaned, QUERY_CHARS)
}

/// A free-text query cleaned the same way, for candidate search.
pub fn clean_query(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '"' {
                c
            } else {
                ' '
            }
        })
        .collect();
    truncate_words(&cleaned, QUERY_CHARS)
}

fn truncate_words(s: &str, max: usize) -> String {
    let mut out = String::new();
    for w in s.split_whitespace() {
        if out.chars().count() + w.chars().count() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn merge(bm25: Vec<(String, f32)>, dense: Vec<(String, f32)>) -> Vec<Retrieved> {
    merge_models(bm25, dense, Vec::new())
}

/// Unites the lists; a profile found by both vector stores (never valid in both)
/// keeps the transformer's score.
fn merge_models(
    bm25: Vec<(String, f32)>,
    dense: Vec<(String, f32)>,
    interim: Vec<(String, f32)>,
) -> Vec<Retrieved> {
    fn slot(by_id: &mut HashMap<String, Retrieved>, id: String) -> &mut Retrieved {
        by_id.entry(id.clone()).or_insert(Retrieved {
            id,
            bm25: None,
            dense: None,
            dense_model: DenseModel::Main,
        })
    }
    let mut by_id: HashMap<String, Retrieved> = HashMap::new();
    for (id, s) in bm25 {
        slot(&mut by_id, id).bm25 = Some(s);
    }
    // Interim first, so that a transformer score (never valid beside one) wins.
    let dense_scores = interim
        .into_iter()
        .map(|(id, s)| (id, s, DenseModel::Interim))
        .chain(dense.into_iter().map(|(id, s)| (id, s, DenseModel::Main)));
    for (id, s, model) in dense_scores {
        let r = slot(&mut by_id, id);
        (r.dense, r.dense_model) = (Some(s), model);
    }
    let mut out: Vec<Retrieved> = by_id.into_values().collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// The vacancy's hard requirements as index filters: education level, years in
/// total and in public service, languages at their levels. The index computes years
/// when it indexes a profile, so this is a close pre-filter; the [`Checker`] decides.
pub fn requirement_filters(vacancy: &Vacancy) -> Filters {
    let r = &vacancy.requirements;
    Filters {
        min_education: r.education_level,
        min_years: (r.min_years_total > 0).then_some(r.min_years_total),
        min_years_public: (r.min_years_public > 0).then_some(r.min_years_public),
        languages: r
            .languages
            .iter()
            .map(|l| LanguageFilter {
                language: l.language,
                min_level: Some(l.level),
            })
            .collect(),
        ..Filters::default()
    }
}

/// Candidates for a vacancy, the union of three lists, each top-`depth`: BM25 over
/// everyone and BM25 over those who pass the [`requirement_filters`] (so the
/// eligible are not crowded out of the pool by wordier ineligible profiles), both
/// from one index pass, and the nearest vectors when the vacancy's embedding is
/// given.
pub fn retrieve_profiles(
    index: &Index,
    vacancy: &Vacancy,
    embedding: Option<&[f32]>,
    depth: usize,
) -> qabilet_indexer::Result<Vec<Retrieved>> {
    let vectors = QueryVectors {
        main: embedding,
        interim: None,
    };
    retrieve_profiles_with(index, vacancy, vectors, depth)
}

/// [`retrieve_profiles`], with the nearest interim vectors as well when the
/// vacancy's query embedding of the interim model is given (see [`DenseModel`]).
pub fn retrieve_profiles_with(
    index: &Index,
    vacancy: &Vacancy,
    vectors: QueryVectors<'_>,
    depth: usize,
) -> qabilet_indexer::Result<Vec<Retrieved>> {
    let query = vacancy_query(vacancy);
    let limit = depth.min(1_000);
    let requirements = requirement_filters(vacancy);
    // BM25 and the vector scan are independent reads of immutable data: run the
    // scan on a scoped thread so a shortlist waits for the slower, not their sum.
    let (matches, dense) = std::thread::scope(|scope| {
        let dense = scope.spawn(|| -> qabilet_indexer::Result<_> {
            let pairs = |hits: Vec<qabilet_indexer::VectorHit>| {
                hits.into_iter()
                    .map(|h| (h.id, h.score))
                    .collect::<Vec<_>>()
            };
            let (main_depth, interim_depth) = split_depth(index, vectors, depth);
            let main = match vectors.main {
                Some(e) => pairs(index.similar_profiles(e, main_depth)?),
                None => Vec::new(),
            };
            let interim = match vectors.interim {
                Some(e) => pairs(index.similar_profiles_interim(e, interim_depth)?),
                None => Vec::new(),
            };
            Ok((main, interim))
        });
        let matches = index.match_profiles(&query, &requirements, limit);
        let dense = dense
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (matches, dense)
    });
    let matches = matches?;
    // Filters score nothing (they are constant-score clauses), so a profile in both
    // lists has the same score in each and `merge` keeps one.
    let bm25 = matches
        .all
        .into_iter()
        .chain(matches.passing)
        .map(|h| (h.id, h.score))
        .collect();
    let (dense, interim) = dense?;
    Ok(merge_models(bm25, dense, interim))
}

/// How many nearest vectors each model's store contributes: with both, `depth` is
/// shared in proportion to the profiles each holds, so that a profile's chance to
/// enter the pool does not depend on whether it was upgraded yet (the first
/// thousand upgraded of a million would otherwise all be retrieved).
fn split_depth(index: &Index, vectors: QueryVectors<'_>, depth: usize) -> (usize, usize) {
    let (Some(_), Some(_)) = (vectors.main, vectors.interim) else {
        return (depth, depth);
    };
    let main = index.vector_counts().1;
    let interim = index.interim_count();
    let total = (main + interim).max(1);
    let share = |n: usize| (depth * n).div_ceil(total).min(depth);
    (share(main), share(interim))
}

/// Vacancies for a candidate's query (typed text, or built from their profile by the
/// caller), narrowed by `filters`.
pub fn retrieve_vacancies(
    index: &Index,
    query: &str,
    filters: Filters,
    embedding: Option<&[f32]>,
    depth: usize,
) -> qabilet_indexer::Result<Vec<Retrieved>> {
    let request = SearchRequest {
        text: clean_query(query),
        filters,
        limit: depth.min(1_000),
        offset: 0,
        snippets: false,
    };
    let bm25 = index
        .search_vacancies(&request)?
        .into_iter()
        .map(|h| (h.id, h.score))
        .collect();
    let dense = match embedding {
        Some(e) => index
            .similar_vacancies(e, depth)?
            .into_iter()
            .map(|h| (h.id, h.score))
            .collect(),
        None => Vec::new(),
    };
    Ok(merge(bm25, dense))
}

/// Vacancies for a candidate who typed nothing: their [`profile_query`] as a bag of
/// words (the fast flat BM25 of [`Index::match_vacancies`]), and the vectors nearest
/// the embedding `embed` makes of the same text. `embed` runs on a scoped thread
/// while BM25 runs, since the query embedding is the slowest part of a search.
pub fn retrieve_vacancies_for_profile(
    index: &Index,
    profile: &Profile,
    filters: &Filters,
    depth: usize,
    embed: impl FnOnce(&str) -> Option<Vec<f32>> + Send,
) -> qabilet_indexer::Result<Vec<Retrieved>> {
    let query = profile_query(profile);
    if query.is_empty() {
        // A profile with no positions, skills or specialties says nothing to search
        // with (and an empty text cannot be embedded).
        return Ok(Vec::new());
    }
    let limit = depth.min(1_000);
    let (matches, embedding) = std::thread::scope(|scope| {
        let embedding = scope.spawn(|| embed(&query));
        let matches = index.match_vacancies(&query, filters, limit);
        let embedding = embedding
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (matches, embedding)
    });
    let bm25 = matches?
        .passing
        .into_iter()
        .map(|h| (h.id, h.score))
        .collect();
    let dense = match embedding {
        Some(e) => index
            .similar_vacancies(&e, depth)?
            .into_iter()
            .map(|h| (h.id, h.score))
            .collect(),
        None => Vec::new(),
    };
    Ok(merge(bm25, dense))
}

/// Ranks with one configuration; build once per request (or per process).
pub struct Ranker<'a> {
    pub config: &'a RankingConfig,
    pub checker: &'a Checker,
    pub provenance: Provenance,
    pub embedder: Option<&'a (dyn SentenceEmbedder + Sync)>,
    /// Rank across the rayon pool (the default): lowers one ranking's latency on an
    /// idle machine. A server ranking many requests at once turns it off: its
    /// requests are the parallelism, and rayon's work stealing among dozens of
    /// waiting callers (each nests others' tasks while it waits) left some
    /// requests waiting seconds in the load test.
    pub parallel: bool,
    generic: HashSet<String>,
}

/// What is computed per (vacancy, profile) pair before fusion: the qualification
/// check before any override, the structured fit and the skill overlap. A
/// function of the two records, the checker and the ranking weights alone, so a
/// caller that knows when each record last changed can keep it (see
/// [`KeptPairs`]).
#[derive(Clone, Debug)]
pub struct Pair {
    eligibility: Eligibility,
    fit: StructuredFit,
    skills: structured::SkillOverlap,
}

/// Pairs checked in an earlier ranking, kept by the caller under what it knows
/// identifies both records exactly (a stored version of each, the weights'
/// version): the qualification check of 5,000 applicants, with the evidence of
/// every rule written out, was the largest part of ranking a competition
/// (`docs/performance.md`). Candidates are named by their index in the slice
/// ranked.
pub trait KeptPairs: Sync {
    /// The kept pair of candidate `i`, if one is kept.
    fn kept(&self, i: usize) -> Option<Arc<Pair>>;
    /// Keeps the pair just computed for candidate `i`.
    fn keep(&self, i: usize, pair: &Arc<Pair>);
}

/// Keeps nothing: every pair is checked.
pub struct NoKeptPairs;

impl KeptPairs for NoKeptPairs {
    fn kept(&self, _: usize) -> Option<Arc<Pair>> {
        None
    }
    fn keep(&self, _: usize, _: &Arc<Pair>) {}
}

impl<'a> Ranker<'a> {
    pub fn new(config: &'a RankingConfig, checker: &'a Checker, provenance: Provenance) -> Self {
        Ranker {
            config,
            checker,
            provenance,
            embedder: None,
            parallel: true,
            generic: generic_terms(),
        }
    }

    /// `f(i, item)` for every item, in order; see [`Self::parallel`].
    fn map_all<T: Sync, R: Send>(&self, items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
        if self.parallel {
            items.par_iter().enumerate().map(|(i, t)| f(i, t)).collect()
        } else {
            items.iter().enumerate().map(|(i, t)| f(i, t)).collect()
        }
    }

    /// Eligibility and structured fit of one pair. Skill overlap needs every term
    /// of the profile's text analysed, the costliest step of ranking a pool, so it is
    /// computed only when `profile_terms` is given; without it the skills part is
    /// left at its neutral value, which is right only while its weight is zero (see
    /// [`Self::skills_count`]) and is filled in for the items shown ([`Self::shown`]).
    fn pair(
        &self,
        v: &PreparedVacancy,
        prepared: &PreparedProfile,
        as_of: NaiveDate,
        profile_terms: Option<&HashSet<String>>,
    ) -> Pair {
        let p = prepared.profile;
        let eligibility = self.checker.check_prepared(v, prepared, as_of);
        let skills = match profile_terms {
            Some(terms) => structured::skill_overlap(
                &v.vacancy.requirements.competencies,
                v.competency_terms(),
                terms,
            ),
            None => structured::SkillOverlap::default(),
        };
        let fit = structured::fit(
            v.vacancy,
            p,
            &eligibility,
            &skills,
            &self.config.structured,
            as_of,
        );
        Pair {
            eligibility,
            fit,
            skills,
        }
    }

    /// Whether skill overlap moves scores (else it is only shown).
    fn skills_count(&self) -> bool {
        self.config.structured.skills > 0.0
    }

    /// A pair scored for a pool: with skills only when they count.
    fn pool_pair(&self, v: &PreparedVacancy, p: &Profile, as_of: NaiveDate) -> Pair {
        let terms = self
            .skills_count()
            .then(|| structured::profile_terms(p, &self.generic));
        let prepared = self.checker.prepare_profile(p);
        self.pair(v, &prepared, as_of, terms.as_ref())
    }

    /// The profile's texts as its explanation reads them, kept by the checker.
    fn shown_profile<'p>(&self, prepared: &'p PreparedProfile) -> &'p ShownProfile {
        self.checker.shown(prepared, |p| {
            let sentences = profile_sentences(p);
            ShownProfile {
                terms: structured::profile_terms(p, &self.generic),
                sentence_terms: sentences
                    .iter()
                    .map(|(_, text)| content_terms(text, &self.generic))
                    .collect(),
                sentences,
            }
        })
    }

    /// `pair` completed for display: matched and missing skills filled in when the
    /// pool was scored without them. The score is untouched (their weight is zero).
    fn shown(&self, v: &PreparedVacancy, shown: &ShownProfile, pair: &Pair) -> Pair {
        if self.skills_count() {
            return pair.clone();
        }
        let skills = structured::skill_overlap(
            &v.vacancy.requirements.competencies,
            v.competency_terms(),
            &shown.terms,
        );
        let mut fit = pair.fit.clone();
        fit.skills = structured::skills_share(&skills);
        Pair {
            eligibility: pair.eligibility.clone(),
            fit,
            skills,
        }
    }

    fn fuse<T, P: Borrow<Pair>>(
        &self,
        pairs: &[P],
        candidates: &[Candidate<T>],
    ) -> Vec<ScoreParts> {
        let bm25: Vec<Option<f32>> = candidates.iter().map(|c| c.bm25).collect();
        let dense: Vec<Option<f32>> = candidates.iter().map(|c| c.dense).collect();
        let dense_groups: Vec<u8> = candidates.iter().map(|c| c.dense_model.group()).collect();
        let structured: Vec<Option<f32>> =
            pairs.iter().map(|p| Some(p.borrow().fit.score)).collect();
        record::fuse_signals(self.config, &bm25, &dense, &dense_groups, &structured)
    }

    fn explanation(
        &self,
        pair: &Pair,
        parts: ScoreParts,
        best_sentences: Vec<MatchedSentence>,
    ) -> Explanation {
        Explanation {
            method: self.config.method,
            parts,
            structured: pair.fit.clone(),
            rules_met: pair.eligibility.met().map(|r| r.rule).collect(),
            matched_skills: pair.skills.matched.clone(),
            missing_skills: pair.skills.missing.clone(),
            best_sentences,
            provenance: self.provenance.clone(),
        }
    }

    /// The structured fit of every candidate for `vacancy`, in the input order, for
    /// evaluation and calibration (which re-fuse them under many weights).
    pub fn structured_fits(
        &self,
        vacancy: &Vacancy,
        candidates: &[Candidate<Profile>],
    ) -> Vec<StructuredFit> {
        let pv = self.checker.prepare(vacancy);
        candidates
            .iter()
            .map(|c| {
                let terms = structured::profile_terms(c.record, &self.generic);
                let prepared = self.checker.prepare_profile(c.record);
                self.pair(&pv, &prepared, vacancy.deadline, Some(&terms))
                    .fit
            })
            .collect()
    }

    /// Scores every candidate for `vacancy` (no eligibility split): the fused score
    /// and its parts, in the input order. Used by the shortlist and by evaluation.
    pub fn score_profiles(
        &self,
        vacancy: &Vacancy,
        candidates: &[Candidate<Profile>],
    ) -> Vec<(ScoreParts, Eligibility)> {
        let pv = self.checker.prepare(vacancy);
        let pairs: Vec<Pair> = candidates
            .iter()
            .map(|c| self.pool_pair(&pv, c.record, vacancy.deadline))
            .collect();
        let parts = self.fuse(&pairs, candidates);
        parts
            .into_iter()
            .zip(pairs.into_iter().map(|p| p.eligibility))
            .collect()
    }

    /// Each profile's [`AbsoluteFit`] to `vacancy` (as of its deadline) with its
    /// eligibility: for thresholds that must mean the same whoever else is compared.
    pub fn absolute_fits(
        &self,
        vacancy: &Vacancy,
        profiles: &[&Profile],
    ) -> Vec<(AbsoluteFit, Eligibility)> {
        let pv = self.checker.prepare(vacancy);
        let topic_terms = content_terms(&vacancy.title, &self.generic);
        profiles
            .iter()
            .map(|p| {
                let prepared = self.checker.prepare_profile(p);
                let eligibility = self
                    .checker
                    .check_prepared(&pv, &prepared, vacancy.deadline);
                let terms = structured::profile_terms(p, &self.generic);
                let skills = (!vacancy.requirements.competencies.is_empty()).then(|| {
                    structured::skills_share(&structured::skill_overlap(
                        &vacancy.requirements.competencies,
                        pv.competency_terms(),
                        &terms,
                    ))
                });
                let topic = (!topic_terms.is_empty()).then(|| coverage(&topic_terms, &terms));
                let fit = AbsoluteFit::new(eligibility.share_met(), skills, topic);
                (fit, eligibility)
            })
            .collect()
    }

    /// The shortlist of `vacancy` among `candidates`: eligible ones ranked by fused
    /// score (at most `limit`), ineligible ones apart with their failed rules (at
    /// most `limit`, counted in `ineligible_total`).
    pub fn shortlist(
        &self,
        vacancy: &Vacancy,
        candidates: &[Candidate<Profile>],
        limit: usize,
    ) -> Shortlist {
        self.shortlist_with_overrides(vacancy, candidates, &HashMap::new(), limit)
    }

    /// [`Self::shortlist`] with the commission's overrides applied, keyed by profile
    /// id. An override that no longer fits (the rule is now met, or was not checked)
    /// is ignored: the check it overrode has changed under it. The structured fit is
    /// computed before the overrides, so an override lets a candidate through but
    /// does not raise their score.
    pub fn shortlist_with_overrides(
        &self,
        vacancy: &Vacancy,
        candidates: &[Candidate<Profile>],
        overrides: &HashMap<String, Vec<crate::eligibility::Override>>,
        limit: usize,
    ) -> Shortlist {
        self.shortlist_keeping(vacancy, candidates, overrides, limit, &NoKeptPairs)
    }

    /// [`Self::shortlist_with_overrides`], taking each pair from `kept` when it is
    /// kept there and keeping the pairs it checks. The overrides are applied to a
    /// copy, never to the kept pair.
    pub fn shortlist_keeping(
        &self,
        vacancy: &Vacancy,
        candidates: &[Candidate<Profile>],
        overrides: &HashMap<String, Vec<crate::eligibility::Override>>,
        limit: usize,
        kept: &dyn KeptPairs,
    ) -> Shortlist {
        let pv = self.checker.prepare(vacancy);
        let pairs: Vec<Arc<Pair>> = self.map_all(candidates, |i, c| {
            let pair = kept.kept(i).unwrap_or_else(|| {
                let pair = Arc::new(self.pool_pair(&pv, c.record, vacancy.deadline));
                kept.keep(i, &pair);
                pair
            });
            match overrides.get(c.record.id.as_str()) {
                None => pair,
                Some(decided) => {
                    let mut pair = (*pair).clone();
                    for o in decided {
                        let _ = pair.eligibility.apply_override(o);
                    }
                    Arc::new(pair)
                }
            }
        });
        let parts = self.fuse(&pairs, candidates);
        let scores: Vec<f32> = parts.iter().map(|p| p.score).collect();
        let ids: Vec<&str> = candidates.iter().map(|c| c.record.id.as_str()).collect();
        // Everyone in score order (the ineligible are listed by score too).
        let order = record::order_eligible(&scores, &ids, |_| true);
        let ranking_record = RankingRecord {
            config: self.config.clone(),
            candidates: candidates
                .iter()
                .zip(&pairs)
                .zip(&scores)
                .map(|((c, pair), &score)| RecordedCandidate {
                    profile_id: c.record.id.to_string(),
                    bm25: c.bm25,
                    dense: c.dense,
                    interim: c.dense_model == DenseModel::Interim,
                    structured: [
                        pair.fit.requirements,
                        pair.fit.experience,
                        pair.fit.education,
                        pair.fit.skills,
                    ],
                    eligible: pair.eligibility.eligible,
                    score,
                })
                .collect(),
            order: order
                .iter()
                .filter(|&&i| pairs[i].eligibility.eligible)
                .map(|&i| ids[i].to_owned())
                .collect(),
        };
        let vterms = content_terms(
            &format!(
                "{}\n{}\n{}\n{}",
                vacancy.title,
                vacancy.description,
                vacancy.duties,
                vacancy.requirements.competencies.join("\n")
            ),
            &self.generic,
        );
        let mut out = Shortlist {
            vacancy_id: vacancy.id.to_string(),
            eligible: Vec::new(),
            ineligible: Vec::new(),
            ineligible_total: 0,
            record: ranking_record,
        };
        let mut shown = Vec::with_capacity(limit);
        for i in order {
            let (pair, p) = (&pairs[i], candidates[i].record);
            if !pair.eligibility.eligible {
                // Only those listed get their failed rules copied: in a competition
                // of thousands the copies of all were a twentieth of the ranking.
                out.ineligible_total += 1;
                if out.ineligible.len() < limit {
                    out.ineligible.push(Ineligible {
                        profile_id: p.id.to_string(),
                        score: parts[i].score,
                        failed: pair.eligibility.failed().cloned().collect(),
                    });
                }
            } else if shown.len() < limit {
                shown.push(i);
            }
        }
        // Explanations analyse every sentence of a profile: built for the shown
        // items only, across cores.
        let vtext = vacancy_text(vacancy);
        out.eligible = self.map_all(&shown, |rank, &i| {
            let (pair, p) = (&pairs[i], candidates[i].record);
            let prepared = self.checker.prepare_profile(p);
            let texts = self.shown_profile(&prepared);
            let best = self.best_sentences(
                &vterms,
                &vtext,
                &texts.sentences,
                Some(&texts.sentence_terms),
            );
            let shown = self.shown(&pv, texts, pair);
            RankedProfile {
                rank: rank + 1,
                profile_id: p.id.to_string(),
                score: parts[i].score,
                eligibility: pair.eligibility.clone(),
                explanation: self.explanation(&shown, parts[i], best),
            }
        });
        // `map_all` keeps the order of `shown`.
        for (item, &i) in out.eligible.iter_mut().zip(&shown) {
            let c = &candidates[i];
            if c.dense_model == DenseModel::Interim && c.dense.is_some() {
                let p = &mut item.explanation.provenance;
                p.model_id = p.interim_model_id.clone();
            }
        }
        out
    }

    /// Vacancies for `profile`, best first, each with the requirements it meets.
    /// Eligibility is checked as of `as_of` (today) and shown, not used to exclude:
    /// the candidate decides whether to apply.
    pub fn rank_vacancies(
        &self,
        profile: &Profile,
        candidates: &[Candidate<Vacancy>],
        as_of: NaiveDate,
        limit: usize,
    ) -> Vec<RankedVacancy> {
        // One profile against many vacancies: its terms and jobs are analysed once.
        let pterms = structured::profile_terms(profile, &self.generic);
        let prepared = self.checker.prepare_profile(profile);
        let pairs: Vec<Pair> = self.map_all(candidates, |_, c| {
            self.pair(
                &self.checker.prepare(c.record),
                &prepared,
                as_of.min(c.record.deadline),
                Some(&pterms),
            )
        });
        let parts = self.fuse(&pairs, candidates);
        let scores: Vec<f32> = parts.iter().map(|p| p.score).collect();
        let ids: Vec<&str> = candidates.iter().map(|c| c.record.id.as_str()).collect();
        let mut order = record::order_eligible(&scores, &ids, |_| true);
        let ptext = profile_text(profile);
        order.truncate(limit);
        self.map_all(&order, |rank, &i| {
            let v = candidates[i].record;
            let best = self.best_sentences(&pterms, &ptext, &vacancy_sentences(v), None);
            RankedVacancy {
                rank: rank + 1,
                vacancy_id: v.id.to_string(),
                score: parts[i].score,
                eligibility: pairs[i].eligibility.clone(),
                explanation: self.explanation(&pairs[i], parts[i], best),
            }
        })
    }

    /// The sentences of the other side closest to `query`: by cosine when an embedder
    /// is set, else by the share of their content terms (`terms`, by sentence, when
    /// they were analysed already) found in `query_terms`.
    fn best_sentences(
        &self,
        query_terms: &HashSet<String>,
        query_text: &str,
        sentences: &[(String, String)],
        terms: Option<&[HashSet<String>]>,
    ) -> Vec<MatchedSentence> {
        let n = self.config.sentences;
        let mut scored: Vec<MatchedSentence> = Vec::new();
        let embedded = self.embedder.and_then(|e| {
            let mut texts: Vec<&str> = vec![query_text];
            texts.extend(sentences.iter().map(|(_, t)| t.as_str()));
            e.embed(&texts).filter(|v| v.len() == texts.len())
        });
        for (i, (source, text)) in sentences.iter().enumerate() {
            let score = match &embedded {
                Some(vs) => vs[0].iter().zip(&vs[i + 1]).map(|(a, b)| a * b).sum(),
                None => match terms.and_then(|t| t.get(i)) {
                    Some(t) => crate::text::coverage(t, query_terms),
                    None => crate::text::coverage(&content_terms(text, &self.generic), query_terms),
                },
            };
            if score > 0.0 {
                scored.push(MatchedSentence {
                    source: source.clone(),
                    text: text.clone(),
                    score,
                });
            }
        }
        scored.sort_by(|a, b| b.score.total_cmp(&a.score));
        scored.truncate(n);
        scored
    }
}

fn vacancy_text(v: &Vacancy) -> String {
    format!("{}\n{}\n{}", v.title, v.description, v.duties)
}

fn profile_text(p: &Profile) -> String {
    profile_sentences(p)
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A profile's sentences with where they are from; never its personal fields.
fn profile_sentences(p: &Profile) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = sentences(&p.summary)
        .map(|s| ("summary".to_owned(), s.to_owned()))
        .collect();
    for (i, e) in p.experience.iter().enumerate() {
        out.push((format!("experience[{i}].position"), e.position.clone()));
        out.extend(sentences(&e.duties).map(|s| (format!("experience[{i}].duties"), s.to_owned())));
    }
    out
}

fn vacancy_sentences(v: &Vacancy) -> Vec<(String, String)> {
    let mut out = vec![("title".to_owned(), v.title.clone())];
    out.extend(sentences(&v.description).map(|s| ("description".to_owned(), s.to_owned())));
    out.extend(sentences(&v.duties).map(|s| ("duties".to_owned(), s.to_owned())));
    out
}

/// The query text a profile searches vacancies with when the candidate typed none:
/// positions, skills and specialties.
pub fn profile_query(p: &Profile) -> String {
    let mut parts: Vec<&str> = p.experience.iter().map(|e| e.position.as_str()).collect();
    parts.extend(p.skills.iter().map(String::as_str));
    parts.extend(p.education.iter().map(|e| e.specialty.as_str()));
    // A bachelor's and a master's in one specialty, or one position held twice,
    // are said once: repeats add tokens to embed, not meaning.
    let mut seen = HashSet::new();
    parts.retain(|part| seen.insert(part.trim().to_lowercase()));
    clean_query(&parts.join(" "))
}

#[cfg(test)]
mod tests;
