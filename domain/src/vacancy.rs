//! Vacancies and their qualification requirements (stage 1 of a competition).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::limits::{
    LANGUAGES, LONG_TEXT_CHARS, MAX_REQUIRED_YEARS, NAME_CHARS, REASON_CHARS, TERMS, TERM_CHARS,
};
use crate::validate::{Validate, Validator};
use crate::{
    Category, EducationLevel, Language, LanguageLevel, OrganisationId, Region, VacancyId,
    VacancyStatus,
};

/// A post put up for competition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Vacancy {
    pub id: VacancyId,
    pub organisation_id: OrganisationId,
    #[schema(value_type = crate::validate::NameText)]
    pub title: String,
    /// What the post is about.
    #[schema(value_type = crate::validate::LongText)]
    pub description: String,
    /// Functional duties, as published.
    #[serde(default)]
    #[schema(value_type = crate::validate::OptionalLongText)]
    pub duties: String,
    /// Language the texts are written in; detected when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    pub category: Category,
    pub region: Region,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<NaiveDate>,
    /// Last day applications are accepted; nothing can be added after it.
    pub deadline: NaiveDate,
    pub status: VacancyStatus,
    pub requirements: Requirements,
    /// Why the requirements differ from the qualification directory's entry for
    /// the category, when they do: written by whoever set them, audited, and shown
    /// to the commission (requirements that do not fit the post are a corruption
    /// risk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::validate::ReasonText>)]
    pub requirements_justification: Option<String>,
}

/// Formal qualification requirements, checked rule by rule in stage 1.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Requirements {
    /// Minimum education level, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education_level: Option<EducationLevel>,
    /// Accepted specialties (any one suffices); empty means any specialty.
    #[serde(default)]
    #[schema(value_type = Vec<crate::validate::Term>, max_items = 100)]
    pub specialties: Vec<String>,
    /// Minimum years of work experience in total.
    #[serde(default)]
    #[schema(maximum = 40)]
    pub min_years_total: u8,
    /// Minimum years in public (civil) service.
    #[serde(default)]
    #[schema(maximum = 40)]
    pub min_years_public: u8,
    /// Minimum years in the field of the post.
    #[serde(default)]
    #[schema(maximum = 40)]
    pub min_years_field: u8,
    /// Languages the post requires, each at a minimum level.
    #[serde(default)]
    pub languages: Vec<LanguageRequirement>,
    /// Competencies and skills the post asks for.
    #[serde(default)]
    #[schema(value_type = Vec<crate::validate::Term>, max_items = 100)]
    pub competencies: Vec<String>,
}

/// One required language at a minimum level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageRequirement {
    pub language: Language,
    pub level: LanguageLevel,
}

impl Validate for Vacancy {
    fn check(&self, v: &mut Validator) {
        v.text("title", &self.title, NAME_CHARS);
        v.text("description", &self.description, LONG_TEXT_CHARS);
        v.optional_text("duties", &self.duties, LONG_TEXT_CHARS);
        if !self.region.is_in_kazakhstan() {
            v.error(
                "region",
                format!(
                    "a post is in a region of Kazakhstan, not {:?}",
                    self.region.code()
                ),
            );
        }
        if let Some(why) = &self.requirements_justification {
            v.text("requirements_justification", why, REASON_CHARS);
        }
        if let Some(published) = self.published_on {
            if published > self.deadline {
                v.error(
                    "deadline",
                    format!(
                        "deadline {} is before the publication date {published}",
                        self.deadline
                    ),
                );
            }
        }
        v.nested("requirements", |v| self.requirements.check(v));
    }
}

impl Validate for Requirements {
    fn check(&self, v: &mut Validator) {
        v.text_list("specialties", &self.specialties, TERMS, TERM_CHARS);
        v.text_list("competencies", &self.competencies, TERMS, TERM_CHARS);
        for (field, years) in [
            ("min_years_total", self.min_years_total),
            ("min_years_public", self.min_years_public),
            ("min_years_field", self.min_years_field),
        ] {
            if years > MAX_REQUIRED_YEARS {
                v.error(
                    field,
                    format!("{years} years; at most {MAX_REQUIRED_YEARS} allowed"),
                );
            }
        }
        if self.min_years_total > 0 && self.min_years_public > self.min_years_total {
            v.error(
                "min_years_public",
                "cannot exceed min_years_total: public service is part of total experience",
            );
        }
        v.each("languages", &self.languages, LANGUAGES, |_, _| {});
        let mut seen = Vec::new();
        for (i, req) in self.languages.iter().enumerate() {
            if seen.contains(&req.language) {
                v.error(
                    &format!("languages[{i}].language"),
                    format!("{} is listed twice", req.language),
                );
            }
            seen.push(req.language);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_json;

    pub(crate) fn sample_json() -> serde_json::Value {
        serde_json::json!({
            "id": "V-1",
            "organisation_id": "MF",
            "title": "Главный специалист отдела бухгалтерского учёта",
            "description": "Ведение бухгалтерского учета",
            "category": "C-O-4",
            "region": "karaganda",
            "published_on": "2026-11-01",
            "deadline": "2026-11-20",
            "status": "open",
            "requirements": {
                "education_level": "higher",
                "specialties": ["Учет и аудит"],
                "min_years_total": 2,
                "languages": [{"language": "kk", "level": "intermediate"}]
            }
        })
    }

    #[test]
    fn a_valid_vacancy_parses() {
        let v: Vacancy = parse_json(&sample_json().to_string()).unwrap();
        assert_eq!(v.category.to_string(), "C-O-4");
        assert_eq!(
            v.requirements.languages[0].level,
            LanguageLevel::Intermediate
        );
    }

    #[test]
    fn bad_fields_are_named() {
        let mut j = sample_json();
        j["requirements"]["languages"][0]["level"] = "superb".into();
        let err = parse_json::<Vacancy>(&j.to_string()).unwrap_err();
        assert_eq!(err.path(), "requirements.languages[0].level");
        assert!(err.to_string().contains("native"), "{err}");

        let mut j = sample_json();
        j["deadline"] = "2026-10-01".into();
        let err = parse_json::<Vacancy>(&j.to_string()).unwrap_err();
        assert_eq!(err.path(), "deadline");

        let mut j = sample_json();
        j["salary"] = 5.into();
        let err = parse_json::<Vacancy>(&j.to_string()).unwrap_err();
        assert!(err.to_string().contains("unknown field `salary`"), "{err}");

        let mut j = sample_json();
        j["requirements"]["min_years_public"] = 5.into();
        let err = parse_json::<Vacancy>(&j.to_string()).unwrap_err();
        assert_eq!(err.path(), "requirements.min_years_public");
    }
}
