//! What the qualification check analyses once and keeps: a vacancy's field terms,
//! specialties and competencies, and a profile's job fields, specialties and (once
//! it is shown) the terms of its sentences, each cached by id with a hash of the
//! texts it came from (see [`AnalysisCache`], [`ProfileCache`]), so that ranking a
//! pool that comes back does not analyse every profile's jobs again.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use qabilet_domain::{Profile, Vacancy};

use super::{FieldProfile, JobField, SpecialtyKey};

/// What a vacancy's checks and skill overlap need from its texts, analysed once.
#[derive(Debug)]
pub struct VacancyAnalysis {
    /// Only for a vacancy that asks for years in its field.
    pub(super) field: Option<FieldProfile>,
    /// The accepted specialties, looked up in the synonym table.
    pub(super) specialties: Vec<SpecialtyKey>,
    /// The content terms of each competency, in order.
    pub(super) competencies: Vec<HashSet<String>>,
}

/// Most vacancy analyses a [`super::Checker`] keeps: all the open vacancies of a large
/// agency, a few KB each.
const ANALYSIS_CACHE_ENTRIES: usize = 20_000;

/// Vacancy analyses by id, each with a hash of the texts it was made from, so an
/// edited vacancy is analysed again. A candidate's search checks ~150 vacancies and
/// analysing them was most of its ranking time; the same vacancies come back for
/// the next candidate. Bounded, least recently used out (`quick_cache`); a dropped
/// entry only costs one analysis.
pub(super) struct AnalysisCache(quick_cache::sync::Cache<String, (u64, Arc<VacancyAnalysis>)>);

impl Default for AnalysisCache {
    fn default() -> Self {
        AnalysisCache(quick_cache::sync::Cache::new(ANALYSIS_CACHE_ENTRIES))
    }
}

impl std::fmt::Debug for AnalysisCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AnalysisCache({} vacancies)", self.0.len())
    }
}

impl AnalysisCache {
    pub(super) fn get_or_insert(
        &self,
        vacancy: &Vacancy,
        analyse: impl FnOnce() -> VacancyAnalysis,
    ) -> Arc<VacancyAnalysis> {
        let hash = analysis_hash(vacancy);
        let key = vacancy.id.as_str();
        if let Some((h, a)) = self.0.get(key) {
            if h == hash {
                return a;
            }
        }
        // Analysed outside any lock: two threads may both analyse one vacancy, which
        // is harmless, while a lock held through analysis would serialise them all.
        let analysis = Arc::new(analyse());
        self.0.insert(key.to_owned(), (hash, analysis.clone()));
        analysis
    }
}

/// A hash of texts: foldhash with a fixed seed, the same in every process. Each
/// text ends with 0xff (never in UTF-8) and each list starts with its length, so
/// no two inputs run together. Profiles are hashed on every ranking of their pool:
/// with SipHash (std's `DefaultHasher`) the lookup of 5,000 applicants' kept
/// analyses was 9.6 % of a loaded server's CPU in the national load test; foldhash
/// reads its input in six independent lanes of multiplications.
struct TextHash(foldhash::fast::FoldHasher<'static>);

impl TextHash {
    fn new() -> Self {
        use std::hash::BuildHasher as _;
        TextHash(foldhash::fast::FixedState::with_seed(0x5141_4249_4c45_5400).build_hasher())
    }

    fn text(&mut self, s: &str) {
        use std::hash::Hasher as _;
        self.0.write(s.as_bytes());
        self.0.write_u8(0xff);
    }

    /// A list of `len` entries, each of one or more texts.
    fn list<'a>(&mut self, len: usize, texts: impl IntoIterator<Item = &'a str>) {
        use std::hash::Hasher as _;
        self.0.write_usize(len);
        for text in texts {
            self.text(text);
        }
    }

    fn finish(&self) -> u64 {
        use std::hash::Hasher as _;
        self.0.finish()
    }
}

/// The hash of every vacancy field the analysis reads.
fn analysis_hash(v: &Vacancy) -> u64 {
    let r = &v.requirements;
    let mut h = TextHash::new();
    h.text(&v.title);
    h.text(&v.duties);
    h.text(v.language.map_or("", |l| l.code()));
    h.text(if r.min_years_field > 0 { "field" } else { "" });
    for list in [&r.competencies, &r.specialties] {
        h.list(list.len(), list.iter().map(String::as_str));
    }
    h.finish()
}

/// A vacancy prepared for many checks: its field terms are analysed once.
#[derive(Debug, Clone)]
pub struct PreparedVacancy<'a> {
    pub vacancy: &'a Vacancy,
    pub(super) analysis: Arc<VacancyAnalysis>,
    /// Written per preparation, not kept with the analysis: they read fields
    /// (levels, years, category) that its hash leaves out.
    pub(super) required: super::RequiredTexts,
}

impl PreparedVacancy<'_> {
    /// The content terms of each of the vacancy's competencies, in order.
    pub fn competency_terms(&self) -> &[HashSet<String>] {
        &self.analysis.competencies
    }
}

/// A profile prepared for checks against many vacancies (see
/// [`super::Checker::prepare_profile`]): its texts are analysed on the first check
/// that needs them, or found analysed in the checker's cache.
#[derive(Debug)]
pub struct PreparedProfile<'a> {
    pub profile: &'a Profile,
    pub(super) analysis: OnceLock<Arc<ProfileAnalysis>>,
}

/// What the checks need from a profile's texts, each part analysed the first
/// time a check needs it (a vacancy that asks no years in its field needs no job
/// analysed): the field terms and language of each job, each education record's
/// specialty looked up in the synonym table, and what explaining it reads.
#[derive(Debug, Default)]
pub(super) struct ProfileAnalysis {
    pub(super) jobs: OnceLock<Vec<JobField>>,
    pub(super) specialties: OnceLock<Vec<SpecialtyKey>>,
    pub(super) shown: OnceLock<ShownProfile>,
}

/// The texts of a profile as its explanation reads them, analysed once: each
/// shown profile's terms and sentences were analysed again on every query, most
/// of what ranking a pool had left once its jobs were kept. Kept only for the
/// profiles that were shown, so the cache grows by these for few of its entries.
#[derive(Debug)]
pub struct ShownProfile {
    /// Every content term of the profile (for the skills it shows).
    pub terms: HashSet<String>,
    /// Its sentences as (where from, text), and the content terms of each.
    pub sentences: Vec<(String, String)>,
    pub sentence_terms: Vec<HashSet<String>>,
}

/// Most profile analyses a [`super::Checker`] keeps. A talent search ranks a
/// pool of ~730 profiles, and analysing their jobs and the shown ones' sentences
/// again on every query was most of its ranking: 14.0 ms p50 then, 5.3 ms once a
/// vacancy's pool was seen (`qabilet bench shortlist` over 1M profiles, AVX2 path;
/// `docs/performance.md`). The pools of one vacancy, and of similar ones, come
/// back; 50,000 covers the pools of dozens of vacancies, or ten competitions of
/// 5,000 applicants. An entry holds only what was analysed for it.
pub const PROFILE_CACHE_ENTRIES: usize = 50_000;

/// Profile analyses by id with a hash of the texts they were made from, like
/// [`AnalysisCache`]: an edited profile is analysed again, and a dropped entry
/// only costs one analysis. `None`: nothing kept (to measure what it saves).
pub(super) struct ProfileCache(
    Option<quick_cache::sync::Cache<String, (u64, Arc<ProfileAnalysis>)>>,
);

impl ProfileCache {
    pub(super) fn new(entries: usize) -> Self {
        ProfileCache((entries > 0).then(|| quick_cache::sync::Cache::new(entries)))
    }
}

impl std::fmt::Debug for ProfileCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProfileCache({} profiles)", self.len())
    }
}

impl ProfileCache {
    /// The profile's kept analysis, or a new one (empty: its parts are filled in
    /// as checks need them, outside any lock of the cache).
    pub(super) fn get_or_insert(&self, profile: &Profile) -> Arc<ProfileAnalysis> {
        let Some(cache) = &self.0 else {
            return Arc::default();
        };
        let hash = profile_hash(profile);
        let key = profile.id.as_str();
        if let Some((h, a)) = cache.get(key) {
            if h == hash {
                return a;
            }
        }
        let analysis = Arc::<ProfileAnalysis>::default();
        cache.insert(key.to_owned(), (hash, analysis.clone()));
        analysis
    }

    /// Profiles analysed and kept.
    pub(super) fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |c| c.len())
    }
}

/// The hash of every profile field [`ProfileAnalysis`] reads.
fn profile_hash(p: &Profile) -> u64 {
    let mut h = TextHash::new();
    h.text(p.language.map_or("", |l| l.code()));
    h.text(&p.summary);
    h.list(p.skills.len(), p.skills.iter().map(String::as_str));
    h.list(
        p.experience.len(),
        p.experience
            .iter()
            .flat_map(|e| [e.position.as_str(), e.duties.as_str()]),
    );
    h.list(
        p.education.len(),
        p.education.iter().map(|e| e.specialty.as_str()),
    );
    h.finish()
}
