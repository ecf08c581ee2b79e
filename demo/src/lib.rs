//! Deterministic synthetic civil-service data for demos and ranking-quality tests.
//!
//! A data set has four parts:
//! * **organisations** — ministries, agencies, committees, regional akimats and their
//!   departments, territorial departments of committees, district and city akimats;
//! * **vacancies** — posts with categories such as `B-4`, `C-O-5` or `E-3`, texts in
//!   Kazakh, Russian or English (about 40/40/20), duties, and formal requirements;
//! * **profiles** — candidates with education, dated careers in the public and private
//!   sectors, skills, languages, consents and a short summary, texts again 40/40/20
//!   and chosen independently of the vacancies, so many good pairs cross languages;
//! * **judgements** — the ground truth: a grade 1–3 for each (vacancy, profile) pair
//!   that is not 0, computed from what the generator knows (see [`Judgement`]).
//!
//! Texts come from word lists of 32 occupation families found in a ministry or akimat,
//! each with synonyms and different word forms in every language, so keyword overlap
//! alone does not find the right candidates.
//!
//! Everything is a function of [`DemoConfig`]: the same seed and reference date give
//! byte-identical output. Profiles are streamed and each has its own random stream, so
//! a million of them need no more memory than one.
//!
//! ```
//! use qabilet_demo::{DemoConfig, Generator};
//! let g = Generator::new(DemoConfig { profiles: 10, ..DemoConfig::default() });
//! assert_eq!(g.profiles().count(), 10);
//! ```

mod catalog;
mod data;
mod generator;
mod grading;
pub mod history;
mod person;
mod profile;
mod text;
mod vacancy;
mod write;

use chrono::NaiveDate;
use qabilet_domain::{ProfileId, VacancyId};
use serde::{Deserialize, Serialize};

pub use generator::{GeneratedProfile, Generator};
pub use history::{history, History, HistoryInput};
pub use write::{DataSetSummary, DemoError};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoConfig {
    /// Seeds every random choice; the same seed gives the same data set.
    pub seed: u64,
    /// How many organisations to keep from the catalogue (~440 at most): central
    /// bodies come first, then regional akimats, then the rest in a seed-dependent order.
    pub organisations: usize,
    pub vacancies: usize,
    pub profiles: usize,
    /// "Today" for the data set: deadlines, careers and consents are dated relative to
    /// it, never to the clock, so output does not change from day to day. It should
    /// not be in the future, because profile validation rejects future start dates.
    pub reference_date: NaiveDate,
}

impl Default for DemoConfig {
    /// Sized for the README's demo: ~1,500 short profiles embed in a few minutes on
    /// two cores at ~1,500 tokens/s.
    fn default() -> Self {
        DemoConfig {
            seed: 2026,
            organisations: 120,
            vacancies: 60,
            profiles: 1_500,
            reference_date: NaiveDate::from_ymd_opt(2026, 11, 2).expect("valid date"),
        }
    }
}

/// The ground-truth relevance of one profile for one vacancy.
///
/// * 3 — same occupation family and every formal requirement met (education level,
///   an accepted specialty in any language, years in total / public service / field,
///   languages at the required levels);
/// * 2 — same family but some requirement missed, or a closely related family that
///   meets every requirement;
/// * 1 — a related family that does not meet them.
///
/// Pairs without a judgement are 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judgement {
    pub vacancy_id: VacancyId,
    pub profile_id: ProfileId,
    pub grade: u8,
}

/// The codes of all occupation families, e.g. `law`, `accounting`, `customs`.
pub fn occupation_families() -> Vec<&'static str> {
    data::families().iter().map(|f| f.code).collect()
}
