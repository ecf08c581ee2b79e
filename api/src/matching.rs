//! The ranked shortlist of a vacancy: the one use case behind
//! `GET /vacancies/{id}/shortlist` (and the web pages' shortlist).
//!
//! [`shortlist`] checks who may see it (declaration first), loads the vacancy's
//! applicants and the commission's overrides from the store, takes BM25 and dense
//! scores for exactly those applicants from the index, ranks them with
//! `qabilet_matcher` and writes the view to the audit log. Eligible applicants come
//! ranked with their explanation; ineligible ones are listed apart with the rules
//! they failed. Blind mode shows [`BlindProfileView`]s and masks the person's name in
//! the quoted sentences, because people sign their CVs.
//!
//! The dense signal needs the vacancy's *query* embedding. Computing one takes a
//! model call (~10 ms), so [`Matching`] keeps them in a bounded cache keyed by the
//! vacancy's embedding text: a changed vacancy has another text, so its stale vector
//! is never used. Without a model, or when the index holds no vectors of that model,
//! ranking runs on BM25 and the structured fit and the view says why dense is absent.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use qabilet_domain::{Application, ConsentPurpose, Profile, Vacancy, VacancyId};
use qabilet_indexer::{text_hash, vacancy_embedding_text, Filters};
use qabilet_matcher::eligibility::{Checker, Override, RuleOutcome};
use qabilet_matcher::ranking::{
    vacancy_query, BlindProfileView, Candidate, Provenance, Ranker, RankingConfig,
};
use qabilet_matcher::reserve::ReservePolicy;
use qabilet_matcher::{Eligibility, Explanation};
use qabilet_models::EmbeddingModel;
use qabilet_store::CompetitionVersion;
use serde::Serialize;
use serde_json::json;

use crate::view_audit::ViewRecord;
use crate::{access, ApiError, AppState, Principal};

/// Vacancies whose query embedding is kept; ~1.5 KiB each at 384 dimensions.
const EMBEDDING_CACHE: usize = 4_096;
/// Search queries whose embedding is kept; a query is at most 1,000 characters, so
/// with its vector ~4 KiB at most.
const SEARCH_EMBEDDING_CACHE: usize = 4_096;
/// Computed shortlists kept (per vacancy, blind or not, limit); tens of KiB each.
const SHORTLIST_CACHE: usize = 256;
/// Most entries one shortlist returns in each list.
pub const MAX_LIMIT: usize = 500;

/// What ranking needs beyond the store and the index; one per server.
pub struct Matching {
    pub config: RankingConfig,
    pub checker: Checker,
    /// Who enters the reserve after a competition and who is notified of a match.
    pub reserve_policy: ReservePolicy,
    /// The embedding model for query vectors; `None` ranks without the dense signal.
    pub model: Option<Arc<EmbeddingModel>>,
    embeddings: Mutex<Bounded<CachedEmbedding>>,
    /// Query embeddings of people's searches, keyed by the query text itself: a
    /// candidate reloading their page, or many typing "юрист", embed it once.
    searches: Mutex<Bounded<Arc<Vec<f32>>>>,
    shortlists: Mutex<Bounded<CachedShortlist>>,
}

/// A map that keeps at most `bound` entries, dropping the least recently used.
struct Bounded<V> {
    bound: usize,
    entries: HashMap<String, (u64, V)>,
    clock: u64,
}

impl<V: Clone> Bounded<V> {
    fn new(bound: usize) -> Self {
        Bounded {
            bound,
            entries: HashMap::new(),
            clock: 0,
        }
    }

    fn get(&mut self, key: &str) -> Option<V> {
        self.clock += 1;
        let now = self.clock;
        let (used, value) = self.entries.get_mut(key)?;
        *used = now;
        Some(value.clone())
    }

    fn insert(&mut self, key: String, value: V) {
        if self.entries.len() >= self.bound && !self.entries.contains_key(&key) {
            // A linear scan, only when full: bounded by `bound`, and rare when the
            // bound exceeds the number of vacancies in use.
            if let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| k.clone())
            {
                self.entries.remove(&oldest);
            }
        }
        self.clock += 1;
        self.entries.insert(key, (self.clock, value));
    }

    fn remove_prefix(&mut self, prefix: &str) {
        self.entries.retain(|k, _| !k.starts_with(prefix));
    }

    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// A vacancy's query embedding with the hash of the text it was computed from.
type CachedEmbedding = (u64, Arc<Vec<f32>>);
/// A computed shortlist with the versions of what it was computed from.
type CachedShortlist = ((CompetitionVersion, u64), Arc<ShortlistView>);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Matching {
    pub fn new(model: Option<Arc<EmbeddingModel>>) -> Matching {
        Matching {
            config: RankingConfig::default(),
            checker: Checker::default(),
            reserve_policy: ReservePolicy::default(),
            model,
            embeddings: Mutex::new(Bounded::new(EMBEDDING_CACHE)),
            searches: Mutex::new(Bounded::new(SEARCH_EMBEDDING_CACHE)),
            shortlists: Mutex::new(Bounded::new(SHORTLIST_CACHE)),
        }
    }

    /// Forgets what is cached of the vacancy (it was changed or removed). Lookups
    /// also compare versions, so this only frees memory early.
    pub fn forget_vacancy(&self, id: &VacancyId) {
        lock(&self.embeddings).remove_prefix(&format!("{id}\u{0}"));
        lock(&self.shortlists).remove_prefix(&format!("{id}\u{0}"));
    }

    /// The query embedding of a person's search text (typed, or built from their
    /// profile), from the cache or `model`. Blocking: call it off the async workers.
    pub fn search_embedding(
        &self,
        model: &EmbeddingModel,
        text: &str,
    ) -> Result<Option<Arc<Vec<f32>>>, qabilet_models::ModelError> {
        // The key carries the model, so a model swapped at run time is never mixed in.
        let key = format!("{}\u{0}{text}", model.model_id());
        if let Some(v) = lock(&self.searches).get(&key) {
            return Ok(Some(v));
        }
        let Some(vector) = model.embed_queries(&[text])?.pop() else {
            return Ok(None);
        };
        let vector = Arc::new(vector);
        lock(&self.searches).insert(key, vector.clone());
        Ok(Some(vector))
    }

    /// How many search embeddings are cached.
    pub fn cached_search_embeddings(&self) -> usize {
        lock(&self.searches).len()
    }

    /// How many query embeddings are cached.
    pub fn cached_embeddings(&self) -> usize {
        lock(&self.embeddings).len()
    }

    /// The vacancy's query embedding, from the cache or the model; `None` without a
    /// model.
    async fn query_embedding(&self, vacancy: &Vacancy) -> Result<Option<Arc<Vec<f32>>>, ApiError> {
        let Some(model) = self.model.clone() else {
            return Ok(None);
        };
        let text = vacancy_embedding_text(vacancy);
        let hash = text_hash(&text);
        let key = format!("{}\u{0}", vacancy.id);
        if let Some((h, v)) = lock(&self.embeddings).get(&key) {
            if h == hash {
                return Ok(Some(v));
            }
        }
        let vector = tokio::task::spawn_blocking(move || model.embed_queries(&[text.as_str()]))
            .await
            .map_err(|e| ApiError::Internal(format!("embedding task: {e}")))?
            .map_err(|e| ApiError::Internal(format!("query embedding: {e}")))?
            .pop()
            .ok_or_else(|| ApiError::Internal("the model returned no embedding".into()))?;
        let vector = Arc::new(vector);
        lock(&self.embeddings).insert(key, (hash, vector.clone()));
        Ok(Some(vector))
    }
}

/// A ranker for a request: sequential, because the server's concurrent requests
/// are its parallelism (see `Ranker::parallel` for what rayon did under load).
pub(crate) fn server_ranker<'a>(
    config: &'a RankingConfig,
    checker: &'a Checker,
    provenance: Provenance,
) -> Ranker<'a> {
    let mut ranker = Ranker::new(config, checker, provenance);
    ranker.parallel = false;
    ranker
}

/// `?blind=&limit=` of a shortlist.
#[derive(Debug, Clone, Copy)]
pub struct ShortlistOptions {
    /// Hide name, gender, birth date, photo and contacts.
    pub blind: bool,
    /// Most entries per list (eligible, ineligible), at most [`MAX_LIMIT`].
    pub limit: usize,
}

/// The person as the viewer may see them.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum PersonView {
    Blind(BlindProfileView),
    Full(Profile),
}

/// An eligible applicant, ranked.
#[derive(Debug, Clone, Serialize)]
pub struct RankedEntry {
    pub rank: usize,
    pub application_id: String,
    pub profile_id: String,
    pub score: f32,
    pub stages: Vec<qabilet_domain::StageResult>,
    pub eligibility: Eligibility,
    pub explanation: Explanation,
    pub profile: PersonView,
}

/// An ineligible applicant with the rules that stopped them.
#[derive(Debug, Clone, Serialize)]
pub struct IneligibleEntry {
    pub application_id: String,
    pub profile_id: String,
    pub score: f32,
    pub failed: Vec<RuleOutcome>,
}

/// Which signals took part, and why one is missing.
#[derive(Debug, Clone, Serialize)]
pub struct Signals {
    pub bm25: bool,
    pub dense: bool,
    pub structured: bool,
    /// Why the dense (or BM25) signal is absent, when it is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A ranked shortlist as the API returns it.
#[derive(Debug, Clone, Serialize)]
pub struct ShortlistView {
    pub vacancy_id: VacancyId,
    pub title: String,
    pub blind: bool,
    pub ranked: bool,
    pub signals: Signals,
    pub provenance: Provenance,
    /// Applicants with processing consent, before the limit.
    pub applicants: usize,
    pub eligible_total: usize,
    pub ineligible_total: usize,
    pub eligible: Vec<RankedEntry>,
    pub ineligible: Vec<IneligibleEntry>,
}

/// Access check, ranking and the audit entry of one view; see the module docs.
pub async fn shortlist(
    state: &AppState,
    viewer: &Principal,
    vacancy_id: &VacancyId,
    opts: ShortlistOptions,
) -> Result<Arc<ShortlistView>, ApiError> {
    shortlist_via(state, viewer, vacancy_id, opts, None).await
}

/// [`shortlist`] for another surface than the JSON API (a web page, a report): the
/// audit entry's detail names it as `via`, so the log tells a commission member's
/// review from HR reading a fairness report built on the same ranking.
pub async fn shortlist_via(
    state: &AppState,
    viewer: &Principal,
    vacancy_id: &VacancyId,
    opts: ShortlistOptions,
    via: Option<&'static str>,
) -> Result<Arc<ShortlistView>, ApiError> {
    let view = shortlist_unaudited(state, viewer, vacancy_id, opts).await?;
    let mut detail = json!({
        "blind": view.blind,
        "eligible": view.eligible.len(),
        "ineligible": view.ineligible.len(),
        "index_version": view.provenance.index_version,
        "model": view.provenance.model_id,
    });
    if let Some(via) = via {
        detail["via"] = json!(via);
    }
    let record = ViewRecord {
        actor: viewer.id.clone(),
        action: "shortlist.view",
        subject_kind: "vacancy",
        subject_id: vacancy_id.to_string(),
        detail: detail.to_string(),
    };
    // Committed before the view is returned; see `view_audit`.
    state.view_audit.record(&state.store, record).await?;
    Ok(view)
}

/// The access check and ranking of [`shortlist`] without its audit entry, for a
/// caller that checks an action against the ranking without showing it (the web's
/// deviation rule when a stage result is recorded; the result itself is audited).
pub(crate) async fn shortlist_unaudited(
    state: &AppState,
    viewer: &Principal,
    vacancy_id: &VacancyId,
    opts: ShortlistOptions,
) -> Result<Arc<ShortlistView>, ApiError> {
    let vacancy = access::shortlist_vacancy(state, viewer, vacancy_id).await?;
    cached_rank(state, vacancy, opts).await
}

/// [`rank`], reusing the last result while nothing it depends on has changed: the
/// competition (see [`CompetitionVersion`]) and the index's applied change number.
/// A view computed from data newer than its key only costs one extra recompute.
async fn cached_rank(
    state: &AppState,
    vacancy: Vacancy,
    opts: ShortlistOptions,
) -> Result<Arc<ShortlistView>, ApiError> {
    let limit = opts.limit.clamp(1, MAX_LIMIT);
    let version = state
        .store
        .competition_version(&vacancy.id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("vacancy {} does not exist", vacancy.id)))?;
    let index_seq = state.index.as_ref().map_or(0, |i| {
        i.read()
            .unwrap_or_else(|p| p.into_inner())
            .last_applied_seq()
    });
    let key = format!("{}\u{0}{}\u{0}{limit}", vacancy.id, opts.blind);
    let versions = (version, index_seq);
    if let Some((seen, view)) = lock(&state.matching.shortlists).get(&key) {
        if seen == versions {
            return Ok(view);
        }
    }
    let view = Arc::new(rank(state, vacancy, ShortlistOptions { limit, ..opts }).await?);
    lock(&state.matching.shortlists).insert(key, (versions, view.clone()));
    Ok(view)
}

/// The commission's overrides of one vacancy, by profile id.
pub(crate) async fn overrides_of(
    state: &AppState,
    vacancy: &VacancyId,
) -> Result<HashMap<String, Vec<Override>>, ApiError> {
    let mut out: HashMap<String, Vec<Override>> = HashMap::new();
    for o in state.store.eligibility_overrides(vacancy).await? {
        match o.rule.parse::<qabilet_matcher::Rule>() {
            Ok(rule) => out.entry(o.profile_id).or_default().push(Override {
                rule,
                reason: o.reason,
                by: o.decided_by,
            }),
            // Written through the API, so parseable; a rule renamed since is skipped.
            Err(e) => tracing::warn!(rule = %o.rule, error = %e, "unknown override rule"),
        }
    }
    Ok(out)
}

/// BM25 and dense scores of `ids` for `vacancy`, with the provenance and the notes
/// on missing signals. Runs on the blocking pool (tantivy and the vector scan).
async fn signals_for(
    state: &AppState,
    vacancy: &Vacancy,
    ids: HashSet<String>,
) -> Result<(ScoreMap, Provenance, Vec<String>), ApiError> {
    let mut notes = Vec::new();
    let Some(index) = state.index.clone() else {
        notes.push("no search index yet: ranked on the structured fit alone".to_owned());
        return Ok((HashMap::new(), Provenance::default(), notes));
    };
    let matching = &state.matching;
    let embedding = matching.query_embedding(vacancy).await?;
    let model_id = matching.model.as_ref().map(|m| m.model_id().to_owned());
    if model_id.is_none() {
        notes.push("no embedding model loaded: ranked without the dense signal".to_owned());
    }
    let query = vacancy_query(vacancy);
    let depth = matching.config.depth.min(1_000);
    tokio::task::spawn_blocking(move || {
        let index = index.read().unwrap_or_else(|p| p.into_inner());
        let mut scores: ScoreMap = HashMap::new();
        // The same BM25 as the matcher's profile retrieval, so scores agree with
        // `qabilet shortlist` and the evaluation.
        for hit in index
            .match_profiles(&query, &Filters::default(), depth)?
            .all
        {
            if ids.contains(&hit.id) {
                scores.entry(hit.id).or_default().0 = Some(hit.score);
            }
        }
        let mut used_model = None;
        if let (Some(e), Some(model)) = (embedding, model_id) {
            if index.vector_model() == Some(model.as_str()) {
                // Exact scan of every vector: applicants far down the list still get
                // their own cosine instead of "not retrieved".
                let all = index.vector_counts().1.max(1);
                for hit in index.similar_profiles(e.as_slice(), all)? {
                    if ids.contains(&hit.id) {
                        scores.entry(hit.id).or_default().1 = Some(hit.score);
                    }
                }
                used_model = Some(model);
            } else {
                notes.push(format!(
                    "the index holds no vectors of {model} (run `qabilet index sync`): \
                     ranked without the dense signal"
                ));
            }
        }
        let provenance = Provenance {
            model_id: used_model,
            index_version: index.last_applied_seq(),
        };
        Ok::<_, ApiError>((scores, provenance, notes))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("search task: {e}")))?
}

/// (BM25, dense) of each profile id.
type ScoreMap = HashMap<String, (Option<f32>, Option<f32>)>;

/// Ranks the applicants of `vacancy` (no access check, no audit).
pub async fn rank(
    state: &AppState,
    vacancy: Vacancy,
    opts: ShortlistOptions,
) -> Result<ShortlistView, ApiError> {
    let limit = opts.limit.clamp(1, MAX_LIMIT);
    let applicants: Vec<(Application, Profile)> = state
        .store
        .applicants(&vacancy.id)
        .await?
        .into_iter()
        .filter_map(|(a, p)| Some((a, p?)))
        // Without processing consent nobody is ranked, shown or counted.
        .filter(|(_, p)| p.consents_to(ConsentPurpose::Processing))
        .collect();
    let overrides = overrides_of(state, &vacancy.id).await?;
    let ids: HashSet<String> = applicants.iter().map(|(_, p)| p.id.to_string()).collect();
    let (scores, provenance, notes) = signals_for(state, &vacancy, ids).await?;
    let matching = state.matching.clone();
    let blind = opts.blind;
    let signals = Signals {
        bm25: scores.values().any(|s| s.0.is_some()),
        dense: scores.values().any(|s| s.1.is_some()),
        structured: true,
        notes,
    };
    tokio::task::spawn_blocking(move || {
        let candidates: Vec<Candidate<Profile>> = applicants
            .iter()
            .map(|(_, p)| {
                let (bm25, dense) = scores.get(p.id.as_str()).copied().unwrap_or_default();
                Candidate {
                    record: p,
                    bm25,
                    dense,
                }
            })
            .collect();
        let ranker = server_ranker(&matching.config, &matching.checker, provenance.clone());
        let list = ranker.shortlist_with_overrides(&vacancy, &candidates, &overrides, limit);
        let by_profile: HashMap<&str, &(Application, Profile)> =
            applicants.iter().map(|ap| (ap.1.id.as_str(), ap)).collect();
        // The matcher stops explaining eligible candidates at `limit` but lists every
        // ineligible one, so the eligible count is what remains.
        let ineligible_total = list.ineligible.len();
        let eligible_total = candidates.len() - ineligible_total;
        let eligible = list
            .eligible
            .into_iter()
            .take(limit)
            .filter_map(|r| {
                let (app, profile) = by_profile.get(r.profile_id.as_str())?;
                let mut explanation = r.explanation;
                let person = if blind {
                    for s in &mut explanation.best_sentences {
                        s.text = mask_name(&s.text, &profile.full_name);
                    }
                    PersonView::Blind(BlindProfileView::of(profile))
                } else {
                    PersonView::Full(profile.clone())
                };
                Some(RankedEntry {
                    rank: r.rank,
                    application_id: app.id.to_string(),
                    profile_id: r.profile_id,
                    score: r.score,
                    stages: app.stages.clone(),
                    eligibility: r.eligibility,
                    explanation,
                    profile: person,
                })
            })
            .collect();
        let ineligible = list
            .ineligible
            .into_iter()
            .take(limit)
            .filter_map(|i| {
                let (app, _) = by_profile.get(i.profile_id.as_str())?;
                Some(IneligibleEntry {
                    application_id: app.id.to_string(),
                    profile_id: i.profile_id,
                    score: i.score,
                    failed: i.failed,
                })
            })
            .collect();
        ShortlistView {
            vacancy_id: vacancy.id.clone(),
            title: vacancy.title.clone(),
            blind,
            ranked: true,
            signals,
            provenance,
            applicants: applicants.len(),
            eligible_total,
            ineligible_total,
            eligible,
            ineligible,
        }
    })
    .await
    .map_err(|e| ApiError::Internal(format!("ranking task: {e}")))
}

/// Masks each word of `name` (two letters or more) in `text`, in any case, as the
/// blind profile view does with the profile's own texts.
fn mask_name(text: &str, name: &str) -> String {
    let mut out = text.to_owned();
    for word in name.split_whitespace().filter(|w| w.chars().count() >= 2) {
        for variant in [word.to_owned(), word.to_lowercase(), word.to_uppercase()] {
            out = out.replace(&variant, "▇▇▇");
        }
    }
    out
}
