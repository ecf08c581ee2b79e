//! Candidate profiles: one reusable profile per person, used for every application.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::limits::{
    CONSENTS, EDUCATION_RECORDS, EXPERIENCE_RECORDS, LANGUAGES, LONG_TEXT_CHARS, NAME_CHARS,
    SUMMARY_CHARS, TERMS, TERM_CHARS,
};
use crate::validate::{problem, Validate, Validator};
use crate::{
    EducationLevel, Gender, Iin, Language, LanguageLevel, Locality, ProfileId, Region, Sector,
};

/// A candidate's profile. Personal fields (`full_name`, `gender`, `birth_date`,
/// `iin`, `email`, `phone`, `photo_url`) are hidden in blind mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: ProfileId,
    #[schema(value_type = crate::validate::NameText)]
    pub full_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    /// The national IIN, optional; unique per person and a re-import key. Its
    /// date and sex must agree with `birth_date` and `gender` where they are given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iin: Option<Iin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::validate::NameText>)]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::validate::NameText>)]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::validate::NameText>)]
    pub photo_url: Option<String>,
    pub region: Region,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<Locality>,
    /// Language of the summary and duties texts; detected when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// Free-text summary or the CV itself.
    #[serde(default)]
    #[schema(value_type = crate::validate::SummaryText)]
    pub summary: String,
    #[serde(default)]
    pub education: Vec<Education>,
    #[serde(default)]
    pub experience: Vec<Experience>,
    #[serde(default)]
    #[schema(value_type = Vec<crate::validate::Term>, max_items = 100)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub languages: Vec<LanguageSkill>,
    /// Consent history; the latest record per purpose is in force.
    #[serde(default)]
    pub consents: Vec<Consent>,
}

/// One completed (or ongoing) education.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Education {
    pub level: EducationLevel,
    #[schema(value_type = crate::validate::NameText)]
    pub specialty: String,
    #[schema(value_type = crate::validate::NameText)]
    pub institution: String,
    /// Year of graduation.
    pub year: u16,
    /// Whether the diploma was checked against the registry.
    #[serde(default)]
    pub verified: bool,
}

/// One job in the work history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Experience {
    #[schema(value_type = crate::validate::NameText)]
    pub organisation: String,
    #[schema(value_type = crate::validate::NameText)]
    pub position: String,
    pub sector: Sector,
    pub start: NaiveDate,
    /// `None` while the job is current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    #[serde(default)]
    #[schema(value_type = crate::validate::OptionalLongText)]
    pub duties: String,
}

/// A language the candidate speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageSkill {
    pub language: Language,
    pub level: LanguageLevel,
}

/// What a consent covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentPurpose {
    /// Processing of personal data for competitions; without it nothing is processed.
    Processing,
    /// Being kept in the talent reserve / second-best registry and notified of posts.
    Reserve,
}

/// A consent given and possibly later revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub purpose: ConsentPurpose,
    pub granted_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Profile {
    /// Whether the person currently consents to `purpose`: the latest record for that
    /// purpose was granted and not revoked.
    pub fn consents_to(&self, purpose: ConsentPurpose) -> bool {
        self.consents
            .iter()
            .filter(|c| c.purpose == purpose)
            .max_by_key(|c| c.granted_at)
            .is_some_and(|c| c.revoked_at.is_none())
    }

    /// Highest education level, if any.
    pub fn highest_education(&self) -> Option<EducationLevel> {
        self.education.iter().map(|e| e.level).max()
    }
}

/// Days covered by the union of `periods` (start, optional end) up to `as_of`: posts
/// held at the same time count once, an ongoing post runs to `as_of`, and time after
/// `as_of` does not count. Requirements are stated in years of such time.
pub fn covered_days(
    periods: impl IntoIterator<Item = (NaiveDate, Option<NaiveDate>)>,
    as_of: NaiveDate,
) -> i64 {
    let mut spans: Vec<(NaiveDate, NaiveDate)> = periods
        .into_iter()
        .map(|(start, end)| (start, end.unwrap_or(as_of).min(as_of)))
        .filter(|(s, e)| s < e)
        .collect();
    spans.sort();
    let mut days = 0;
    let mut current: Option<(NaiveDate, NaiveDate)> = None;
    for (s, e) in spans {
        current = match current {
            Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                days += (ce - cs).num_days();
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    if let Some((cs, ce)) = current {
        days += (ce - cs).num_days();
    }
    days
}

impl Validate for Profile {
    fn check(&self, v: &mut Validator) {
        v.text("full_name", &self.full_name, NAME_CHARS);
        for (field, value) in [
            ("email", &self.email),
            ("phone", &self.phone),
            ("photo_url", &self.photo_url),
        ] {
            if let Some(value) = value {
                v.text(field, value, NAME_CHARS);
            }
        }
        if let Some(email) = &self.email {
            if !email.contains('@') {
                v.fail(
                    "email",
                    problem::NOT_EMAIL,
                    format!("{email:?} is not an e-mail address"),
                );
            }
        }
        if let Some(iin) = &self.iin {
            // `Iin` is validated when parsed, so its date is a date.
            let born = iin.birth_date();
            if let (Ok(born), Some(birth)) = (&born, self.birth_date) {
                if *born != birth {
                    v.fail(
                        "iin",
                        problem::IIN_MISMATCH,
                        format!("the IIN gives the birth date {born}, the profile {birth}"),
                    );
                }
            }
            if let Some(gender) = self.gender {
                if gender != iin.gender() {
                    v.fail(
                        "iin",
                        problem::IIN_MISMATCH,
                        "the IIN's sex digit disagrees with the profile's gender",
                    );
                }
            }
        }
        let today = Utc::now().date_naive();
        if let Some(birth) = self.birth_date {
            if birth > today {
                v.fail(
                    "birth_date",
                    problem::FUTURE_DATE,
                    format!("{birth} is in the future"),
                );
            }
        }
        v.optional_text("summary", &self.summary, SUMMARY_CHARS);
        v.each("education", &self.education, EDUCATION_RECORDS, |v, e| {
            v.text("specialty", &e.specialty, NAME_CHARS);
            v.text("institution", &e.institution, NAME_CHARS);
            let max_year = today
                .format("%Y")
                .to_string()
                .parse::<u16>()
                .unwrap_or(9999)
                + 6;
            if !(1940..=max_year).contains(&e.year) {
                v.fail(
                    "year",
                    problem::IMPLAUSIBLE_YEAR,
                    format!("{} is not a plausible graduation year", e.year),
                );
            }
        });
        v.each(
            "experience",
            &self.experience,
            EXPERIENCE_RECORDS,
            |v, e| {
                v.text("organisation", &e.organisation, NAME_CHARS);
                v.text("position", &e.position, NAME_CHARS);
                v.optional_text("duties", &e.duties, LONG_TEXT_CHARS);
                if let Some(end) = e.end {
                    if end < e.start {
                        v.fail(
                            "end",
                            problem::END_BEFORE_START,
                            format!("end date {end} is before start date {}", e.start),
                        );
                    }
                }
                if e.start > today {
                    v.fail(
                        "start",
                        problem::FUTURE_DATE,
                        format!("start date {} is in the future", e.start),
                    );
                }
            },
        );
        v.text_list("skills", &self.skills, TERMS, TERM_CHARS);
        v.each("languages", &self.languages, LANGUAGES, |_, _| {});
        v.each("consents", &self.consents, CONSENTS, |v, c| {
            if let Some(revoked) = c.revoked_at {
                if revoked < c.granted_at {
                    v.error("revoked_at", "revoked before it was granted");
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_json;

    fn sample() -> serde_json::Value {
        serde_json::json!({
            "id": "P-1",
            "full_name": "Айгерім Сапарова",
            "region": "astana",
            "summary": "Бухгалтер, 5 жыл тәжірибе",
            "education": [{"level": "higher", "specialty": "Есеп және аудит",
                           "institution": "ЕҰУ", "year": 2015, "verified": true}],
            "experience": [{"organisation": "Қаржы министрлігі", "position": "Бас маман",
                            "sector": "public", "start": "2016-01-10", "end": "2021-03-01"}],
            "skills": ["1С"],
            "languages": [{"language": "kk", "level": "native"}],
            "consents": [{"purpose": "processing", "granted_at": "2026-01-01T00:00:00Z"}]
        })
    }

    #[test]
    fn a_valid_profile_parses_and_consents() {
        let p: Profile = parse_json(&sample().to_string()).unwrap();
        assert!(p.consents_to(ConsentPurpose::Processing));
        assert!(!p.consents_to(ConsentPurpose::Reserve));
        assert_eq!(p.highest_education(), Some(EducationLevel::Higher));
    }

    #[test]
    fn dates_out_of_order_are_named() {
        let mut j = sample();
        j["experience"][0]["end"] = "2015-01-01".into();
        let err = parse_json::<Profile>(&j.to_string()).unwrap_err();
        assert_eq!(err.path(), "experience[0].end");
        assert!(err.to_string().contains("before start date"));
    }

    #[test]
    fn revocation_wins() {
        let mut j = sample();
        j["consents"][0]["revoked_at"] = "2026-02-01T00:00:00Z".into();
        let p: Profile = parse_json(&j.to_string()).unwrap();
        assert!(!p.consents_to(ConsentPurpose::Processing));
    }

    #[test]
    fn oversized_lists_are_rejected() {
        let mut j = sample();
        j["skills"] = serde_json::Value::from(vec!["x"; 101]);
        let err = parse_json::<Profile>(&j.to_string()).unwrap_err();
        assert_eq!(err.path(), "skills");
    }
}
