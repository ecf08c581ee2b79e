//! The [`Generator`]: holds the small parts of a data set (organisations, vacancies)
//! and streams the large part (profiles with their ground truth).
//!
//! Every record has its own ChaCha stream derived from the seed and the record's
//! number, so profile `i` is the same whether it is generated alone, in a stream of a
//! thousand or of a million, and no profile needs another one in memory.

use qabilet_domain::{Organisation, Profile, Vacancy, VacancyId};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::catalog::{self, OrgSpec};
use crate::data::families;
use crate::grading::{grade, ProfileFacts, Relations};
use crate::profile::{self, Context};
use crate::vacancy::{self, VacancySpec};
use crate::{DemoConfig, Judgement};

/// Stream numbers; far apart so that no count of records can make two kinds collide.
const ORG_STREAM: u64 = 1;
const VACANCY_STREAM: u64 = 1 << 40;
const PROFILE_STREAM: u64 = 1 << 48;

/// How many profiles, on average, are generated for each vacancy (fitting, narrowly
/// missing or related), so each vacancy has a handful of known good candidates.
const TARGETED_PER_VACANCY: f64 = 8.0;

/// A profile together with its ground truth.
#[derive(Debug, Clone)]
pub struct GeneratedProfile {
    pub profile: Profile,
    /// Code of the occupation family the profile was generated from, e.g. `accounting`.
    pub family: &'static str,
    /// Grades 1–3 of this profile against every vacancy; absent vacancies are grade 0.
    pub judgements: Vec<Judgement>,
}

/// Deterministic generator of a demo data set; see the crate docs.
pub struct Generator {
    config: DemoConfig,
    key: [u8; 32],
    orgs: Vec<OrgSpec>,
    vacancies: Vec<VacancySpec>,
    orgs_by_family: Vec<Vec<usize>>,
    relations: Relations,
    /// Per profile family, the vacancies it can be graded above 0 against.
    candidates: Vec<Vec<usize>>,
}

impl Generator {
    /// Builds the organisations and vacancies (small, kept in memory); profiles are
    /// generated lazily by [`Generator::profiles`].
    pub fn new(config: DemoConfig) -> Self {
        let key: [u8; 32] = ChaCha8Rng::seed_from_u64(config.seed).gen();
        let stream = |n: u64| {
            let mut rng = ChaCha8Rng::from_seed(key);
            rng.set_stream(n);
            rng
        };
        let orgs = catalog::truncate(
            catalog::build(&mut stream(ORG_STREAM)),
            config.organisations,
        );
        let general = catalog::general_families();
        let vacancies: Vec<VacancySpec> = (0..config.vacancies)
            .map(|j| {
                vacancy::generate(
                    &mut stream(VACANCY_STREAM + j as u64),
                    j,
                    &orgs,
                    &general,
                    config.reference_date,
                )
            })
            .collect();
        let n_fam = families().len();
        let orgs_by_family: Vec<Vec<usize>> = (0..n_fam)
            .map(|f| {
                let hiring: Vec<usize> = (0..orgs.len())
                    .filter(|&o| general.contains(&f) || orgs[o].families.contains(&f))
                    .collect();
                // Every family can be found somewhere; fall back to any body.
                if hiring.is_empty() {
                    (0..orgs.len()).collect()
                } else {
                    hiring
                }
            })
            .collect();
        let relations = Relations::new();
        let candidates = (0..n_fam)
            .map(|f| {
                (0..vacancies.len())
                    .filter(|&v| {
                        vacancies[v].family == f || relations.related(vacancies[v].family, f)
                    })
                    .collect()
            })
            .collect();
        Generator {
            config,
            key,
            orgs,
            vacancies,
            orgs_by_family,
            relations,
            candidates,
        }
    }

    pub fn config(&self) -> &DemoConfig {
        &self.config
    }

    /// The organisations; every `parent_id` names one of them.
    pub fn organisations(&self) -> Vec<Organisation> {
        self.orgs.iter().map(|o| o.org.clone()).collect()
    }

    /// The vacancies, ids `V-00001` upwards.
    pub fn vacancies(&self) -> Vec<Vacancy> {
        self.vacancies.iter().map(|v| v.vacancy.clone()).collect()
    }

    /// The occupation family a vacancy was generated from.
    pub fn occupation_of(&self, vacancy: &VacancyId) -> Option<&'static str> {
        self.vacancies
            .iter()
            .find(|v| &v.vacancy.id == vacancy)
            .map(|v| families()[v.family].code)
    }

    /// Profile number `index` (0-based) with its ground truth, generated on its own.
    pub fn profile(&self, index: usize) -> GeneratedProfile {
        let (profile, facts) = self.profile_with_facts(index);
        let judgements = self.candidates[facts.family]
            .iter()
            .filter_map(|&v| {
                let spec = &self.vacancies[v];
                let grade = grade(spec, &facts, &self.relations);
                (grade > 0).then(|| Judgement {
                    vacancy_id: spec.vacancy.id.clone(),
                    profile_id: profile.id.clone(),
                    grade,
                })
            })
            .collect();
        GeneratedProfile {
            profile,
            family: families()[facts.family].code,
            judgements,
        }
    }

    /// Profile number `index` and the facts it was generated from, without grading
    /// it against every vacancy of its family (thousands per profile at 50,000
    /// vacancies).
    fn profile_with_facts(&self, index: usize) -> (Profile, ProfileFacts) {
        let mut rng = ChaCha8Rng::from_seed(self.key);
        rng.set_stream(PROFILE_STREAM + index as u64);
        let ctx = Context {
            vacancies: &self.vacancies,
            orgs: &self.orgs,
            orgs_by_family: &self.orgs_by_family,
            relations: &self.relations,
            reference: self.config.reference_date,
            targeted_share: self.targeted_share(),
        };
        profile::generate(&mut rng, index, &ctx)
    }

    fn targeted_share(&self) -> f64 {
        if self.config.profiles == 0 {
            return 0.0;
        }
        (TARGETED_PER_VACANCY * self.vacancies.len() as f64 / self.config.profiles as f64).min(0.5)
    }

    /// Streams all profiles with their ground truth, one at a time.
    pub fn profiles_with_judgements(&self) -> impl Iterator<Item = GeneratedProfile> + '_ {
        (0..self.config.profiles).map(|i| self.profile(i))
    }

    /// Streams all profiles (without grading them).
    pub fn profiles(&self) -> impl Iterator<Item = Profile> + '_ {
        (0..self.config.profiles).map(|i| self.profile_with_facts(i).0)
    }

    /// Streams the ground truth (grades 1–3), profile by profile. It regenerates the
    /// profiles; use [`Generator::profiles_with_judgements`] to get both in one pass.
    pub fn judgements(&self) -> impl Iterator<Item = Judgement> + '_ {
        self.profiles_with_judgements().flat_map(|g| g.judgements)
    }
}
