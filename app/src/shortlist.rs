//! The competition shortlist: a vacancy's applicants, ranked and explained, as the
//! commission sees it on the web, the HRM system over the API and the operator
//! with `qabilet shortlist`.
//!
//! It scores exactly the applicants, and nobody else can move their scores:
//! - **BM25** of the vacancy's words is computed over the applicants' documents
//!   with the applicants as the collection (`Index::score_profiles_among`), so an
//!   applicant far down any global list still has their score, and 10,000 people
//!   who did not apply, however wordy, change nothing;
//! - **dense** similarity is each applicant's stored vector looked up by id
//!   (`Index::profile_similarities`), not a scan of everyone's;
//! - the **structured fit** and eligibility are per applicant by nature, and the
//!   fusion normalises within the applicants.
//!
//! Eligible applicants come ranked with their explanation; ineligible ones are
//! listed apart with the rules they failed. Blind mode shows [`BlindProfileView`]s
//! and masks the person's name in quoted sentences, because people sign their CVs.
//! Every view is audited (through the group commit) before it is returned. Results
//! are cached until the competition, the index or the ranking weights change.

mod entries;
mod fresh;
mod pairs;

use std::collections::HashMap;
use std::sync::Arc;

pub use entries::Entries;
pub(crate) use pairs::PairCache;
use qabilet_domain::{Application, ConsentPurpose, Profile, StageResult, Vacancy, VacancyId};
use qabilet_indexer::vacancy_embedding_text;
use qabilet_matcher::eligibility::{Override, RuleOutcome};
use qabilet_matcher::ranking::{
    mask_name, vacancy_query, BlindProfileView, Candidate, DenseModel, Provenance,
};
use qabilet_matcher::{Eligibility, Explanation};
use qabilet_store::CompetitionVersion;
use quick_cache::sync::Cache;
use serde::Serialize;
use serde_json::json;
use sha2::Digest as _;
use utoipa::ToSchema;

use crate::view_audit::ViewRecord;
use crate::{access, blocking, read_index, Actor, App, AppResult, Ranking};

/// Whether a shortlist is shown blind unless the viewer asks for names: it is,
/// whichever door it is opened through.
pub const BLIND_BY_DEFAULT: bool = true;

/// `?blind=&limit=` of a shortlist.
#[derive(Debug, Clone, Copy)]
pub struct ShortlistOptions {
    /// Hide name, gender, birth date, photo and contacts.
    pub blind: bool,
    /// Most entries per list (eligible, ineligible), at most
    /// [`crate::Limits::shortlist_entries`].
    pub limit: usize,
}

/// The person as the viewer may see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PersonView {
    Blind(BlindProfileView),
    Full(Profile),
}

impl PersonView {
    fn of(profile: &Profile, blind: bool) -> PersonView {
        if blind {
            PersonView::Blind(BlindProfileView::of(profile))
        } else {
            // Shared by every viewer (cached), so the IIN is always masked here:
            // whoever needs the whole number opens the profile.
            PersonView::Full(Profile {
                iin: profile.iin.as_ref().map(|i| i.to_masked()),
                ..profile.clone()
            })
        }
    }

    /// The person's name, when the view shows it.
    pub fn name(&self) -> Option<&str> {
        match self {
            PersonView::Full(p) => Some(&p.full_name),
            PersonView::Blind(_) => None,
        }
    }
}

/// An eligible applicant, ranked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RankedEntry {
    pub rank: usize,
    pub application_id: String,
    pub profile_id: String,
    pub score: f32,
    pub stages: Vec<StageResult>,
    pub eligibility: Eligibility,
    pub explanation: Explanation,
    pub profile: PersonView,
}

/// An ineligible applicant with the rules that stopped them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IneligibleEntry {
    pub application_id: String,
    pub profile_id: String,
    pub score: f32,
    pub failed: Vec<RuleOutcome>,
    pub stages: Vec<StageResult>,
    pub profile: PersonView,
}

/// Which signals took part, and why one is missing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Signals {
    pub bm25: bool,
    pub dense: bool,
    pub structured: bool,
    /// Why the dense (or BM25) signal is absent, when it is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A ranked shortlist.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Shortlist {
    pub vacancy_id: VacancyId,
    pub title: String,
    pub blind: bool,
    pub ranked: bool,
    pub signals: Signals,
    pub provenance: Provenance,
    /// Hex version of the ranking weights used (changes when `ranking.json` does).
    pub ranking_version: String,
    /// Applicants with processing consent, before the limit.
    pub applicants: usize,
    pub eligible_total: usize,
    pub ineligible_total: usize,
    #[schema(value_type = Vec<RankedEntry>)]
    pub eligible: Entries<RankedEntry>,
    #[schema(value_type = Vec<IneligibleEntry>)]
    pub ineligible: Entries<IneligibleEntry>,
    /// How the vacancy's requirements stand against the qualification directory,
    /// with the justification of any departure (see `qualifications`).
    pub requirements: crate::qualifications::RequirementsReview,
    /// SHA-256 of the record of what this ranking was computed from (every
    /// applicant's raw signals and the weights), which the audit log keeps with
    /// each view: `qabilet replay` recomputes the ranking from it.
    pub ranking_record: String,
    /// That record's JSON text.
    #[serde(skip)]
    pub(crate) record_body: Arc<String>,
}

impl Shortlist {
    /// The ranking record as the audit writer keeps it: (hash, JSON text).
    pub(crate) fn kept_record(&self) -> (String, Arc<String>) {
        (self.ranking_record.clone(), self.record_body.clone())
    }
}

/// What a cached shortlist was computed from: the competition, the index's change
/// number and its interim vectors left (an upgrade batch changes vectors but no
/// change number), and the ranking weights.
type Versions = (CompetitionVersion, u64, usize, u64);

/// Ranked shortlists, per (vacancy, blind), each computed at the longest length a
/// view may ask for ([`crate::Limits::shortlist_entries`]) so that every `limit`
/// is a prefix of it. Weighed by applicants, because a view's ranking record (every
/// applicant's signals) and its lists grow with them, so the capacity bounds the
/// memory. Keyed by `limit` as well, as it once was, the national load test (which
/// asked for every limit from 1 to 500) kept 256 copies of one competition and the
/// server's memory grew throughout the run.
///
/// A node that keeps none still shares rankings among views that arrive together
/// (see [`fresh`]).
pub(crate) enum ShortlistCache {
    Kept(Cache<ShortlistKey, Arc<Shortlist>, ByApplicants>),
    Fresh(fresh::FreshRankings),
}

/// (vacancy, blind, what it was computed from): a ranking of older data is never
/// found again and leaves as the cache fills.
type ShortlistKey = (String, bool, Versions);

/// A cached shortlist's weight: its applicants, at least one.
#[derive(Clone)]
pub(crate) struct ByApplicants;

impl quick_cache::Weighter<ShortlistKey, Arc<Shortlist>> for ByApplicants {
    fn weight(&self, _: &ShortlistKey, view: &Arc<Shortlist>) -> u64 {
        view.applicants.max(1) as u64
    }
}

impl ShortlistCache {
    /// A cache holding shortlists of `applicants` applicants in all; 0 keeps none,
    /// so every view is of a ranking started after it arrived (what the national
    /// load test measures as the uncached shortlist).
    pub(crate) fn with_applicants(applicants: u64) -> ShortlistCache {
        if applicants == 0 {
            return ShortlistCache::Fresh(fresh::FreshRankings::default());
        }
        ShortlistCache::Kept(Cache::with_weighter(1_024, applicants, ByApplicants))
    }
}

/// The shortlist `actor` may see, ranked, with the view audited first; `via` names
/// the surface in the audit entry (`api`, `web`, `web.protocol`, `cli`), so the log
/// tells a commission member's review from HR reading a report built on it.
pub async fn shortlist(
    app: &App,
    actor: &Actor,
    vacancy_id: &VacancyId,
    opts: ShortlistOptions,
    via: &'static str,
) -> AppResult<Arc<Shortlist>> {
    let view = unaudited(app, actor, vacancy_id, opts).await?;
    let detail = json!({
        "blind": view.blind,
        "eligible": view.eligible.len(),
        "ineligible": view.ineligible.len(),
        "index_version": view.provenance.index_version,
        "model": view.provenance.model_id,
        "ranking_version": view.ranking_version,
        "ranking_record": view.ranking_record,
        "via": via,
    });
    let record = ViewRecord {
        actor: actor.audit_name().to_owned(),
        action: "shortlist.view",
        subject_kind: "vacancy",
        subject_id: vacancy_id.to_string(),
        detail: detail.to_string(),
        ranking_record: Some(view.kept_record()),
    };
    // Committed before the view is returned; see `view_audit`.
    app.view_audit().record(app.store(), record).await?;
    Ok(view)
}

/// The access check and ranking of [`shortlist`] without its audit entry, for a
/// use case that checks an act against the ranking without showing it (the
/// deviation rule when a stage result is recorded; the result itself is audited).
pub(crate) async fn unaudited(
    app: &App,
    actor: &Actor,
    vacancy_id: &VacancyId,
    opts: ShortlistOptions,
) -> AppResult<Arc<Shortlist>> {
    let (vacancy, standing) = access::shortlist_access(app, actor, vacancy_id).await?;
    // A commission member is let in above only once declared; HR officers and
    // admins declare before they see names.
    if !opts.blind {
        access::declared(standing)?;
    }
    cached(app, vacancy, opts).await
}

/// The vacancy's ranking as it would be computed now, for a replay to compare
/// with (no access check: the replay checked its caller; no audit: the replay is
/// audited). Only the record is wanted: without a cache one entry is explained.
/// `None` when the vacancy no longer exists.
pub(crate) async fn for_replay(
    app: &App,
    vacancy: &VacancyId,
) -> AppResult<Option<Arc<Shortlist>>> {
    let Some(vacancy) = app.store().vacancy(vacancy).await? else {
        return Ok(None);
    };
    let opts = ShortlistOptions {
        blind: true,
        limit: 1,
    };
    Ok(Some(cached(app, vacancy, opts).await?))
}

/// [`rank`], reusing the last result while nothing it depends on has changed: the
/// competition (see [`CompetitionVersion`]), the index's applied change number and
/// the ranking weights. A view computed from data newer than its key only costs
/// one extra recompute. The view is the first `limit` entries of the ranking.
///
/// On a server the follower moves the index's change number with every profile
/// change, so the competition's version leaves the applicants' profiles out: a
/// profile edited on another node shows here once this node's index has it
/// (what `/readyz` bounds), as its search signals would anyway.
async fn cached(app: &App, vacancy: Vacancy, opts: ShortlistOptions) -> AppResult<Arc<Shortlist>> {
    let longest = app.limits().shortlist_entries;
    let limit = crate::how_many_of("limit", Some(opts.limit), 50, longest)?;
    let cache = match app.shortlists() {
        ShortlistCache::Kept(cache) => cache,
        ShortlistCache::Fresh(fresh) => {
            let key = (vacancy.id.to_string(), opts.blind);
            let view = fresh
                .shared(key, limit, |longest| async move {
                    // Read again: the ranking starts after every view sharing it arrived.
                    let vacancy = app.store().vacancy(&vacancy.id).await?.ok_or_else(|| {
                        crate::AppError::not_found(format!("vacancy {} does not exist", vacancy.id))
                    })?;
                    let opts = ShortlistOptions {
                        limit: longest,
                        ..opts
                    };
                    rank(app, vacancy, opts, app.ranking()).await
                })
                .await?;
            return Ok(first(view, limit));
        }
    };
    let competition = app
        .store()
        .competition_version(&vacancy.id, !app.index_followed())
        .await?
        .ok_or_else(|| {
            crate::AppError::not_found(format!("vacancy {} does not exist", vacancy.id))
        })?;
    let (index_seq, interim) = match app.index().cloned() {
        Some(index) => {
            crate::quick_index_read(move || {
                let index = read_index(&index);
                Ok((index.last_applied_seq(), index.interim_count()))
            })
            .await?
        }
        None => (0, 0),
    };
    let ranking = app.ranking();
    let versions = (competition, index_seq, interim, ranking.version);
    // Concurrent views of a competition just changed wait for one ranking rather
    // than each computing it.
    let key = (vacancy.id.to_string(), opts.blind, versions);
    let view = match cache.get_value_or_guard_async(&key).await {
        Ok(view) => view,
        Err(guard) => {
            let whole = ShortlistOptions {
                limit: longest,
                ..opts
            };
            let view = Arc::new(rank(app, vacancy, whole, ranking).await?);
            let _ = guard.insert(view.clone());
            view
        }
    };
    Ok(first(view, limit))
}

/// The first `limit` entries of each list of `view`: a prefix of the whole
/// ranking is the ranking `limit` asks for (ranks, scores and the record are the
/// same; only the explanations shown stop earlier).
fn first(view: Arc<Shortlist>, limit: usize) -> Arc<Shortlist> {
    if view.eligible.len() <= limit && view.ineligible.len() <= limit {
        return view;
    }
    Arc::new(Shortlist {
        vacancy_id: view.vacancy_id.clone(),
        title: view.title.clone(),
        blind: view.blind,
        ranked: view.ranked,
        signals: view.signals.clone(),
        provenance: view.provenance.clone(),
        ranking_version: view.ranking_version.clone(),
        applicants: view.applicants,
        eligible_total: view.eligible_total,
        ineligible_total: view.ineligible_total,
        eligible: view.eligible.prefix(limit),
        ineligible: view.ineligible.prefix(limit),
        requirements: view.requirements.clone(),
        ranking_record: view.ranking_record.clone(),
        record_body: view.record_body.clone(),
    })
}

/// The commission's overrides of one vacancy, by profile id.
pub(crate) async fn overrides_of(
    app: &App,
    vacancy: &VacancyId,
) -> AppResult<HashMap<String, Vec<Override>>> {
    let mut out: HashMap<String, Vec<Override>> = HashMap::new();
    for o in app.store().eligibility_overrides(vacancy).await? {
        match o.rule.parse::<qabilet_matcher::Rule>() {
            Ok(rule) => out.entry(o.profile_id).or_default().push(Override {
                rule,
                reason: o.reason,
                by: o.decided_by,
            }),
            // Written by the use case, so parseable; a rule renamed since is skipped.
            Err(e) => tracing::warn!(rule = %o.rule, error = %e, "unknown override rule"),
        }
    }
    Ok(out)
}

/// (BM25, dense) of each applicant by profile id.
/// BM25 and dense score per profile, and whose vectors the dense one compares.
type Scores = HashMap<String, (Option<f32>, Option<f32>, DenseModel)>;

/// BM25 and dense scores of exactly the applicants `ids`, with the provenance and
/// the notes on missing signals.
async fn applicant_signals(
    app: &App,
    vacancy: &Vacancy,
    ids: Vec<String>,
) -> AppResult<(Scores, Provenance, Vec<String>)> {
    let mut notes = Vec::new();
    let Some(index) = app.index().cloned() else {
        notes.push("no search index yet: ranked on the structured fit alone".to_owned());
        return Ok((HashMap::new(), Provenance::default(), notes));
    };
    if app.model().is_none() {
        notes.push("no embedding model loaded: ranked without the dense signal".to_owned());
    }
    let app = app.clone();
    let query = vacancy_query(vacancy);
    let embedding_text = vacancy_embedding_text(vacancy);
    blocking(move || {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        // The query embedding first (cached; the model call is outside the lock).
        let model = app.model().cloned();
        let embedding = match &model {
            Some(m) => Some(app.embeddings().get(m, &embedding_text)?),
            None => None,
        };
        let interim = crate::interim::query_vector(&app, &embedding_text)?;
        let index = read_index(&index);
        let interim = interim.filter(|(id, _)| index.interim_model() == Some(id.as_str()));
        // BM25 on one core, the vectors on the other: the ranking's views wait
        // for both.
        let (bm25, dense) = rayon::join(
            || index.score_profiles_among(&query, &ids),
            || -> AppResult<_> {
                let mut dense = None;
                if let (Some(e), Some(model)) = (embedding, model) {
                    let id = model.model_id();
                    if index.vector_model() == Some(id) {
                        dense = Some((index.profile_similarities(&e, &ids)?, id.to_owned()));
                    } else {
                        notes.push(format!(
                            "the index holds no vectors of {id} (run `qabilet index sync`): \
                             ranked without the dense signal"
                        ));
                    }
                }
                let interim = match interim {
                    Some((id, e)) => Some((index.profile_similarities_interim(&e, &ids)?, id)),
                    None => None,
                };
                Ok((dense, interim))
            },
        );
        let (dense, interim) = dense?;
        let mut scores: Scores = HashMap::new();
        for hit in bm25? {
            scores.entry(hit.id).or_default().0 = Some(hit.score);
        }
        let mut used_model = None;
        if let Some((hits, id)) = dense {
            for hit in hits {
                scores.entry(hit.id).or_default().1 = Some(hit.score);
            }
            used_model = Some(id);
        }
        let mut interim_model_id = None;
        if let Some((hits, id)) = interim {
            // Applicants still on interim vectors, scored with their own model.
            for hit in hits {
                let entry = scores.entry(hit.id).or_default();
                if entry.1.is_none() {
                    (entry.1, entry.2) = (Some(hit.score), DenseModel::Interim);
                    interim_model_id = Some(id.clone());
                }
            }
        }
        let provenance = Provenance {
            model_id: used_model,
            interim_model_id,
            index_version: index.last_applied_seq(),
        };
        Ok((scores, provenance, notes))
    })
    .await
}

/// Ranks the applicants of `vacancy` with `ranking` (no access check, no audit).
async fn rank(
    app: &App,
    vacancy: Vacancy,
    opts: ShortlistOptions,
    ranking: Arc<Ranking>,
) -> AppResult<Shortlist> {
    // Two reads of the store side by side: a ranking is what its views wait for.
    let (stamped, overrides) = tokio::try_join!(
        crate::applicants::stamped(app, &vacancy.id),
        overrides_of(app, &vacancy.id)
    )?;
    let (applicants, stamps): (Vec<(Application, Arc<Profile>)>, Vec<_>) = stamped
        .into_iter()
        .filter_map(|(a, p)| p.map(|(stamp, p)| ((a, p), stamp)))
        // Without processing consent nobody is ranked, shown or counted.
        .filter(|((_, p), _)| p.consents_to(ConsentPurpose::Processing))
        .unzip();
    let ids: Vec<String> = applicants.iter().map(|(_, p)| p.id.to_string()).collect();
    let (scores, provenance, notes) = applicant_signals(app, &vacancy, ids).await?;
    let signals = Signals {
        bm25: scores.values().any(|s| s.0.is_some()),
        dense: scores.values().any(|s| s.1.is_some()),
        structured: true,
        notes,
    };
    let app = app.clone();
    blocking(move || {
        let candidates: Vec<Candidate<Profile>> = applicants
            .iter()
            .map(|(_, p)| {
                let (bm25, dense, dense_model) =
                    scores.get(p.id.as_str()).copied().unwrap_or_default();
                Candidate {
                    record: &**p,
                    bm25,
                    dense,
                    dense_model,
                }
            })
            .collect();
        // On every core: a competition is ranked once at a time however many
        // view it (`cached`, `fresh`), so its ranking is what those views wait for.
        let mut ranker = app.ranker(&ranking.config, provenance.clone());
        ranker.parallel = true;
        let limit = opts.limit;
        let kept = app
            .kept_pairs()
            .for_ranking(&vacancy, ranking.version, stamps);
        let list = ranker.shortlist_keeping(&vacancy, &candidates, &overrides, limit, &kept);
        let record_body = serde_json::to_string(&list.record)
            .map_err(|e| crate::AppError::internal(format!("ranking record: {e}")))?;
        let ranking_record = hex::encode(sha2::Sha256::digest(record_body.as_bytes()));
        let by_profile: HashMap<&str, &(Application, Arc<Profile>)> =
            applicants.iter().map(|ap| (ap.1.id.as_str(), ap)).collect();
        // The matcher lists `limit` of each but counts the ineligible; the eligible
        // count is what remains.
        let ineligible_total = list.ineligible_total;
        let eligible_total = candidates.len() - ineligible_total;
        let eligible = list
            .eligible
            .into_iter()
            .take(limit)
            .filter_map(|r| {
                let (application, profile) = by_profile.get(r.profile_id.as_str())?;
                let mut explanation = r.explanation;
                if opts.blind {
                    for s in &mut explanation.best_sentences {
                        s.text = mask_name(&s.text, &profile.full_name);
                    }
                }
                Some(RankedEntry {
                    rank: r.rank,
                    application_id: application.id.to_string(),
                    profile_id: r.profile_id,
                    score: r.score,
                    stages: application.stages.clone(),
                    eligibility: r.eligibility,
                    explanation,
                    profile: PersonView::of(profile, opts.blind),
                })
            })
            .collect::<Vec<_>>();
        let ineligible = list
            .ineligible
            .into_iter()
            .filter_map(|i| {
                let (application, profile) = by_profile.get(i.profile_id.as_str())?;
                Some(IneligibleEntry {
                    application_id: application.id.to_string(),
                    profile_id: i.profile_id,
                    score: i.score,
                    failed: i.failed,
                    stages: application.stages.clone(),
                    profile: PersonView::of(profile, opts.blind),
                })
            })
            .collect();
        Ok(Shortlist {
            vacancy_id: vacancy.id.clone(),
            title: vacancy.title.clone(),
            blind: opts.blind,
            ranked: true,
            signals,
            provenance,
            ranking_version: format!("{:016x}", ranking.version),
            applicants: applicants.len(),
            eligible_total,
            ineligible_total,
            eligible: Entries::new(eligible),
            ineligible: Entries::new(ineligible),
            requirements: app.config().qualifications.review(&vacancy),
            ranking_record,
            record_body: Arc::new(record_body),
        })
    })
    .await
}
