//! The tantivy schemas of vacancies and profiles, and how a domain record becomes a
//! tantivy document.
//!
//! Vacancies and profiles live in two separate tantivy indexes with their own
//! schemas: they are searched separately (a candidate searches vacancies, a
//! commission searches profiles) and have different facets.
//!
//! Text fields all use the multilingual analyser ([`crate::analysis::ANALYZER`]).
//! Structured fields are indexed (for filters) and fast (for sorting and facet
//! counts). Ordered vocabularies (education level) are stored as their rank so that
//! "at least higher education" is a range filter. Language skills are indexed as
//! `kk`, plus `kk:<level>` for every level up to the one held, so "Kazakh at least
//! intermediate" is a single term.
//!
//! Only what snippets need is stored: titles and texts, never names, contacts or
//! birth dates (blind review must not be defeatable through the index).

use chrono::NaiveDate;
use qabilet_domain::{EducationLevel, Language, LanguageLevel, Profile, Sector, Vacancy};
use tantivy::schema::{
    DateOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
    FAST, STORED, STRING,
};
use tantivy::{DateTime, TantivyDocument};

use crate::analysis::{detect_language, ANALYZER};

/// Fields shared by both schemas, so querying code is written once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    /// The store's sequence number of the version indexed, for diagnostics.
    pub seq: Field,
    pub title: Field,
    pub description: Field,
    pub requirements: Field,
    pub skills: Field,
    pub experience: Field,
    pub education: Field,
    pub region: Field,
    pub organisation: Field,
    pub category: Field,
    pub education_level: Field,
    pub years: Field,
    pub years_public: Field,
    pub languages: Field,
    pub status: Field,
    pub deadline: Field,
    /// Stated or detected language of the texts.
    pub text_language: Field,
}

impl Fields {
    /// Text fields searched by default, with their BM25 boosts: a word in the title
    /// or the skills says more than one in a long description.
    pub fn boosted_text(&self) -> [(Field, f32); 6] {
        [
            (self.title, 3.0),
            (self.skills, 2.0),
            (self.requirements, 1.5),
            (self.education, 1.2),
            (self.experience, 1.0),
            (self.description, 1.0),
        ]
    }
}

/// Which of the two indexes a schema is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Vacancy,
    Profile,
}

/// Builds the schema of `kind`. Both kinds share field names; fields that make no
/// sense for a kind stay empty (an empty field costs nothing in tantivy).
pub(crate) fn build(kind: Kind) -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let number = NumericOptions::default().set_indexed().set_fast();
    // Profiles' summaries are stored under `description` for snippets.
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED | FAST),
        seq: b.add_u64_field("seq", NumericOptions::default().set_stored()),
        title: b.add_text_field("title", text(true)),
        description: b.add_text_field("description", text(true)),
        requirements: b.add_text_field("requirements", text(kind == Kind::Vacancy)),
        skills: b.add_text_field("skills", text(true)),
        experience: b.add_text_field("experience", text(true)),
        education: b.add_text_field("education", text(true)),
        region: b.add_text_field("region", STRING | FAST),
        organisation: b.add_text_field("organisation", STRING | FAST),
        category: b.add_text_field("category", STRING | FAST),
        education_level: b.add_u64_field("education_level", number.clone()),
        years: b.add_u64_field("years", number.clone()),
        years_public: b.add_u64_field("years_public", number),
        languages: b.add_text_field("languages", STRING | FAST),
        status: b.add_text_field("status", STRING | FAST),
        deadline: b.add_date_field("deadline", DateOptions::default().set_indexed().set_fast()),
        text_language: b.add_text_field("text_language", STRING | FAST),
    };
    (b.build(), fields)
}

/// Rank of an education level, 1 = secondary … 6 = doctorate; 0 = none required.
pub(crate) fn education_rank(level: Option<EducationLevel>) -> u64 {
    level.map_or(0, |l| l as u64 + 1)
}

/// Terms for a language skill: `kk` and `kk:<level>` for every level ≤ `level`.
fn language_terms(language: Language, level: LanguageLevel) -> Vec<String> {
    let levels = [
        LanguageLevel::Basic,
        LanguageLevel::Intermediate,
        LanguageLevel::UpperIntermediate,
        LanguageLevel::Fluent,
        LanguageLevel::Native,
    ];
    let mut terms = vec![language.code().to_owned()];
    terms.extend(
        levels
            .iter()
            .filter(|l| **l <= level)
            .map(|l| language_term(language, *l)),
    );
    terms
}

/// The term a "language at least at level" filter looks for.
pub(crate) fn language_term(language: Language, level: LanguageLevel) -> String {
    let level = match level {
        LanguageLevel::Basic => "basic",
        LanguageLevel::Intermediate => "intermediate",
        LanguageLevel::UpperIntermediate => "upper_intermediate",
        LanguageLevel::Fluent => "fluent",
        LanguageLevel::Native => "native",
    };
    format!("{}:{level}", language.code())
}

/// A calendar date as tantivy's date (midnight UTC).
pub(crate) fn date(d: NaiveDate) -> DateTime {
    let secs = d
        .and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp());
    DateTime::from_timestamp_secs(secs)
}

/// Whole years of experience in `jobs` as of `today`. Overlapping jobs count once:
/// two part-time posts held together are not two years of experience.
pub(crate) fn years_of_experience(
    jobs: impl Iterator<Item = (NaiveDate, Option<NaiveDate>)>,
    today: NaiveDate,
) -> u64 {
    // 365.25 days a year; whole years, as requirements are stated.
    (qabilet_domain::covered_days(jobs, today) as f64 / 365.25).floor() as u64
}

/// The text a vacancy's embedding is computed from; its hash decides whether the
/// embedding must be recomputed.
pub fn vacancy_embedding_text(v: &Vacancy) -> String {
    let r = &v.requirements;
    [
        v.title.as_str(),
        &v.description,
        &v.duties,
        &r.specialties.join("; "),
        &r.competencies.join("; "),
    ]
    .join("\n")
}

/// The text a profile's embedding is computed from: summary, positions, duties,
/// specialties and skills, never the name or other personal data.
pub fn profile_embedding_text(p: &Profile) -> String {
    let mut parts = vec![p.summary.clone()];
    for e in &p.experience {
        parts.push(format!("{}. {}", e.position, e.duties));
    }
    for e in &p.education {
        parts.push(e.specialty.clone());
    }
    parts.push(p.skills.join("; "));
    parts.join("\n")
}

pub(crate) fn vacancy_document(f: &Fields, v: &Vacancy, seq: u64) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, v.id.as_str());
    doc.add_u64(f.seq, seq);
    doc.add_text(f.title, &v.title);
    doc.add_text(f.description, &v.description);
    doc.add_text(f.experience, &v.duties);
    let r = &v.requirements;
    doc.add_text(f.requirements, r.specialties.join("\n"));
    doc.add_text(f.skills, r.competencies.join("\n"));
    doc.add_text(f.region, v.region.code());
    doc.add_text(f.organisation, v.organisation_id.as_str());
    let category = v.category.to_string();
    doc.add_text(f.category, &category);
    doc.add_text(f.category, category.chars().take(1).collect::<String>());
    doc.add_u64(f.education_level, education_rank(r.education_level));
    doc.add_u64(f.years, u64::from(r.min_years_total));
    doc.add_u64(f.years_public, u64::from(r.min_years_public));
    for l in &r.languages {
        doc.add_text(f.languages, l.language.code());
        doc.add_text(f.languages, language_term(l.language, l.level));
    }
    doc.add_text(f.status, v.status.code());
    doc.add_date(f.deadline, date(v.deadline));
    let language = v
        .language
        .or_else(|| detect_language(&format!("{} {}", v.title, v.description)));
    if let Some(language) = language {
        doc.add_text(f.text_language, language.code());
    }
    doc
}

pub(crate) fn profile_document(
    f: &Fields,
    p: &Profile,
    seq: u64,
    today: NaiveDate,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, p.id.as_str());
    doc.add_u64(f.seq, seq);
    // Positions held are a profile's closest thing to a title.
    let positions: Vec<&str> = p.experience.iter().map(|e| e.position.as_str()).collect();
    doc.add_text(f.title, positions.join("\n"));
    doc.add_text(f.description, &p.summary);
    let duties: Vec<&str> = p.experience.iter().map(|e| e.duties.as_str()).collect();
    doc.add_text(f.experience, duties.join("\n"));
    let education: Vec<String> = p
        .education
        .iter()
        .map(|e| format!("{}, {} ({})", e.specialty, e.institution, e.year))
        .collect();
    doc.add_text(f.education, education.join("\n"));
    doc.add_text(f.skills, p.skills.join("\n"));
    doc.add_text(f.region, p.region.code());
    for e in &p.experience {
        doc.add_text(f.organisation, &e.organisation);
    }
    doc.add_u64(f.education_level, education_rank(p.highest_education()));
    let all = p.experience.iter().map(|e| (e.start, e.end));
    doc.add_u64(f.years, years_of_experience(all, today));
    let public = p
        .experience
        .iter()
        .filter(|e| e.sector == Sector::Public)
        .map(|e| (e.start, e.end));
    doc.add_u64(f.years_public, years_of_experience(public, today));
    for l in &p.languages {
        for term in language_terms(l.language, l.level) {
            doc.add_text(f.languages, term);
        }
    }
    let language = p.language.or_else(|| detect_language(&p.summary));
    if let Some(language) = language {
        doc.add_text(f.text_language, language.code());
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn overlapping_jobs_count_once() {
        let today = d("2026-01-01");
        let jobs = vec![
            (d("2016-01-01"), Some(d("2020-01-01"))),
            (d("2018-01-01"), Some(d("2021-01-01"))),
            (d("2022-01-01"), None),
        ];
        assert_eq!(years_of_experience(jobs.into_iter(), today), 9);
        let future = vec![(d("2030-01-01"), None)];
        assert_eq!(years_of_experience(future.into_iter(), today), 0);
    }

    #[test]
    fn language_levels_include_lower_ones() {
        let terms = language_terms(Language::Kk, LanguageLevel::UpperIntermediate);
        assert!(terms.contains(&"kk".to_string()));
        assert!(terms.contains(&"kk:intermediate".to_string()));
        assert!(!terms.contains(&"kk:fluent".to_string()));
    }
}
