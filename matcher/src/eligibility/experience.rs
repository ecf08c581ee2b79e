//! Years of experience from a dated work history: in total, in public service and in
//! the field of a post.
//!
//! Periods are merged before counting, so two jobs held at once count once. An
//! ongoing job (no end date) counts up to `as_of`, and nothing after `as_of` counts
//! (the rules are checked as of the application deadline, not of today). A year is
//! 365.25 days; a requirement of N years is met by N × 365.25 days.
//!
//! **The field heuristic.** A job is *in the field* of a vacancy when its position
//! and duties share at least [`FIELD_MIN_SHARED_TERMS`] analysed content terms with
//! the vacancy's title, duties, competencies and specialties; rank and unit words
//! ("chief specialist", "отдела", "бөлімінің") are not content. Lexical overlap
//! cannot see across languages, so a job written in another language than the
//! vacancy that shares too few terms is *undetermined*, not out of the field: if the
//! undetermined jobs could make up the missing years the rule is Unknown and a
//! person checks it (or, later, the semantic model does).

use std::collections::HashSet;

use chrono::NaiveDate;
use qabilet_domain::{Experience, Language};
use qabilet_indexer::analysis::detect_language;

use crate::text::content_terms;

/// Shared content terms that put a job in a vacancy's field. Two, because one shared
/// word is often a generic one the stop list missed ("работа", "жұмыс").
pub const FIELD_MIN_SHARED_TERMS: usize = 2;

const DAYS_PER_YEAR: f64 = 365.25;

/// Days covered by the union of the periods of `jobs`, up to `as_of`.
pub fn merged_days<'a>(jobs: impl IntoIterator<Item = &'a Experience>, as_of: NaiveDate) -> i64 {
    qabilet_domain::covered_days(jobs.into_iter().map(|e| (e.start, e.end)), as_of)
}

/// Days as years, for evidence and for the structured fit.
pub fn years(days: i64) -> f64 {
    days as f64 / DAYS_PER_YEAR
}

/// Whether `days` make `required` whole years.
pub fn has_years(days: i64, required: u8) -> bool {
    days as f64 >= f64::from(required) * DAYS_PER_YEAR
}

/// How one job relates to the field of a vacancy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldMatch {
    In,
    Out,
    /// Different language and no shared term: lexical overlap cannot tell.
    Undetermined,
}

/// The vacancy side of the field heuristic, computed once per vacancy.
#[derive(Debug, Clone)]
pub struct FieldProfile {
    pub terms: HashSet<String>,
    pub language: Option<Language>,
}

impl FieldProfile {
    pub fn of(vacancy: &qabilet_domain::Vacancy, generic: &HashSet<String>) -> Self {
        let r = &vacancy.requirements;
        let text = format!(
            "{}\n{}\n{}\n{}",
            vacancy.title,
            vacancy.duties,
            r.competencies.join("\n"),
            r.specialties.join("\n")
        );
        FieldProfile {
            terms: content_terms(&text, generic),
            language: vacancy
                .language
                .or_else(|| detect_language(&format!("{} {}", vacancy.title, vacancy.duties))),
        }
    }

    /// Classifies one job.
    pub fn classify(&self, job: &JobField) -> FieldMatch {
        let shared = job.terms.intersection(&self.terms).count();
        if shared >= FIELD_MIN_SHARED_TERMS {
            return FieldMatch::In;
        }
        match (job.language, self.language) {
            (Some(a), Some(b)) if a == b => FieldMatch::Out,
            // Another language, or unknown on either side: cannot tell.
            _ => FieldMatch::Undetermined,
        }
    }
}

/// The job side of the field heuristic, computed once per job: a candidate's search
/// checks the same jobs against a hundred vacancies.
#[derive(Debug, Clone)]
pub struct JobField {
    terms: HashSet<String>,
    language: Option<Language>,
}

impl JobField {
    /// `profile_language` is the profile's stated text language, if any.
    pub fn of(
        job: &Experience,
        profile_language: Option<Language>,
        generic: &HashSet<String>,
    ) -> Self {
        let text = format!("{}\n{}", job.position, job.duties);
        JobField {
            terms: content_terms(&text, generic),
            language: profile_language.or_else(|| detect_language(&text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qabilet_domain::Sector;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn job(start: &str, end: Option<&str>) -> Experience {
        Experience {
            organisation: "X".into(),
            position: "Бухгалтер".into(),
            sector: Sector::Private,
            start: d(start),
            end: end.map(d),
            duties: String::new(),
        }
    }

    #[test]
    fn overlaps_merge_and_ongoing_jobs_stop_at_as_of() {
        let jobs = [
            job("2016-01-01", Some("2020-01-01")),
            job("2018-01-01", Some("2021-01-01")),
            job("2022-01-01", None),
        ];
        let days = merged_days(&jobs, d("2026-01-01"));
        assert_eq!(
            days,
            (d("2021-01-01") - d("2016-01-01")).num_days()
                + (d("2026-01-01") - d("2022-01-01")).num_days()
        );
        assert!(has_years(days, 9) && !has_years(days, 10));
        // A job starting after as_of counts nothing; one ending after is cut.
        assert_eq!(merged_days(&[job("2027-01-01", None)], d("2026-01-01")), 0);
        assert_eq!(
            merged_days(&[job("2025-01-01", Some("2030-01-01"))], d("2026-01-01")),
            365
        );
    }
}
