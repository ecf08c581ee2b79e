//! Ground truth: how well a profile fits a vacancy, on the 0–3 scale used to measure
//! ranking quality.
//!
//! The grade is computed from facts the generator knows for certain (the occupation
//! family behind every text, specialties identified across languages, exact months of
//! experience), never from the texts, so it is the answer a perfect matcher should give:
//!
//! * 3 — same occupation family and every formal requirement met;
//! * 2 — same family but some requirement missed, or a closely related family that
//!   meets every requirement (its specialty is accepted, it has the years);
//! * 1 — a related family that does not meet the requirements;
//! * 0 — anything else (not written out).

use qabilet_domain::{EducationLevel, Language, LanguageLevel};

use crate::data::{families, family_index};
use crate::vacancy::VacancySpec;

/// What a profile objectively is, recorded while it is generated.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProfileFacts {
    pub family: usize,
    pub education: Option<EducationLevel>,
    /// Specialties by their English name (the cross-language key).
    pub specialties: Vec<&'static str>,
    pub days_total: i64,
    pub days_public: i64,
    /// Days worked per occupation family, as (family, days).
    pub days_by_family: Vec<(usize, i64)>,
    /// Level per language, indexed like [`Language::ALL`].
    pub languages: [Option<LanguageLevel>; 3],
}

pub(crate) fn lang_slot(lang: Language) -> usize {
    match lang {
        Language::Kk => 0,
        Language::Ru => 1,
        Language::En => 2,
    }
}

/// Whether two families are related, in either direction of the data's `related` lists.
pub(crate) struct Relations(Vec<Vec<bool>>);

impl Relations {
    pub fn new() -> Self {
        let n = families().len();
        let mut m = vec![vec![false; n]; n];
        for (i, f) in families().iter().enumerate() {
            for code in f.related {
                let j = family_index(code)
                    .unwrap_or_else(|| panic!("{} names unknown related family {code}", f.code));
                m[i][j] = true;
                m[j][i] = true;
            }
        }
        Relations(m)
    }

    pub fn related(&self, a: usize, b: usize) -> bool {
        self.0[a][b]
    }
}

const DAYS_PER_YEAR: f64 = 365.25;

fn has_years(days: i64, years: u8) -> bool {
    days as f64 >= f64::from(years) * DAYS_PER_YEAR
}

/// Whether the profile meets every formal requirement of the vacancy.
pub(crate) fn meets(v: &VacancySpec, p: &ProfileFacts) -> bool {
    let r = &v.vacancy.requirements;
    if let Some(level) = r.education_level {
        if p.education.is_none_or(|e| e < level) {
            return false;
        }
    }
    if !v.accepted.is_empty() && !p.specialties.iter().any(|s| v.accepted.contains(s)) {
        return false;
    }
    let field_days: i64 = p
        .days_by_family
        .iter()
        .filter(|(f, _)| *f == v.family)
        .map(|(_, d)| d)
        .sum();
    if !has_years(p.days_total, r.min_years_total)
        || !has_years(p.days_public, r.min_years_public)
        || !has_years(field_days, r.min_years_field)
    {
        return false;
    }
    r.languages
        .iter()
        .all(|req| p.languages[lang_slot(req.language)].is_some_and(|l| l >= req.level))
}

/// The grade of a (vacancy, profile) pair; see the module docs.
pub(crate) fn grade(v: &VacancySpec, p: &ProfileFacts, rel: &Relations) -> u8 {
    if p.family == v.family {
        if meets(v, p) {
            3
        } else {
            2
        }
    } else if rel.related(v.family, p.family) {
        if meets(v, p) {
            2
        } else {
            1
        }
    } else {
        0
    }
}
