//! The qualification directory: the typical requirements of each civil-service
//! category (the minimum education, and the years in total, in public service
//! and in the field), as the agency's standard qualification requirements set
//! them, and the rule that a vacancy departing from its category's entry says why.
//!
//! Requirements cut to fit one person (or to keep everyone else out) are a known
//! corruption risk of competitions, so a vacancy whose requirements fall below or
//! above the entry needs a written justification. HR officers cannot save such a
//! vacancy without one, through any door (the web editor, `PUT /vacancies/{id}`,
//! an HR import), and the justification is audited (`vacancy.requirements_justified`).
//! Vacancies the HRM system sends, and an operator's restore, are the agency's own
//! approved register: they are taken as they come, and the commission sees any
//! departure with the justification or its absence (`RequirementsReview`).
//!
//! The directory is `DATA_DIR/qualifications.json` (absent: [`QualificationDirectory::demo`],
//! the defaults shipped for the demo). Each entry names the categories it covers,
//! either exactly (`C-O-4`) or by group and grade (`C-4` covers `C-O-4`, `C-R-4`
//! too, when no exact entry does); a category without an entry has nothing to
//! depart from.

use std::ops::RangeInclusive;
use std::path::Path;

use qabilet_domain::{Category, EducationLevel, Vacancy};
use qabilet_store::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::config::ConfigError;
use crate::{Actor, AppError, AppResult};

/// One entry: the categories it covers and their typical requirements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectoryEntry {
    /// Category codes: exact (`C-O-4`) or group and grade (`C-4`).
    #[schema(value_type = Vec<String>)]
    pub categories: Vec<String>,
    /// The minimum education levels the category may ask for, lowest first
    /// (`["vocational", "higher"]`: a junior post may accept vocational education).
    pub education_levels: Vec<EducationLevel>,
    /// Years of experience in total: `[fewest, most]` a vacancy may ask for.
    pub years_total: [u8; 2],
    /// Years in public (civil) service.
    pub years_public: [u8; 2],
    /// Years in the field of the post.
    pub years_field: [u8; 2],
}

/// The whole directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QualificationDirectory {
    pub entries: Vec<DirectoryEntry>,
}

/// One way a vacancy's requirements depart from the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Deviation {
    /// The requirement: `education_level`, `min_years_total`, `min_years_public`
    /// or `min_years_field`.
    pub requirement: &'static str,
    /// What the vacancy asks.
    pub vacancy: String,
    /// What the directory allows (`higher`, `1–3`).
    pub directory: String,
}

/// What the commission is shown about a vacancy's requirements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RequirementsReview {
    /// The category's entry was found.
    pub in_directory: bool,
    /// Departures from it (none: the requirements are typical).
    pub deviations: Vec<Deviation>,
    /// Why, as written by whoever set the requirements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
}

impl QualificationDirectory {
    /// The file's name in the data directory.
    pub const FILE: &'static str = "qualifications.json";

    /// Reads `qualifications.json` in `data_dir`; the demo defaults if absent.
    pub fn load(data_dir: &Path) -> Result<Self, ConfigError> {
        let path = data_dir.join(Self::FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::demo()),
            Err(source) => {
                return Err(ConfigError::Io {
                    path: path.display().to_string(),
                    source,
                })
            }
        };
        let invalid = |message: String| ConfigError::Qualifications {
            path: path.display().to_string(),
            message,
        };
        let directory: Self = serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
        directory.check().map_err(invalid)?;
        Ok(directory)
    }

    /// Entries whose codes are not categories, or whose ranges run backwards, are
    /// refused when the file is read, not when a vacancy meets them.
    fn check(&self) -> Result<(), String> {
        for (i, entry) in self.entries.iter().enumerate() {
            for code in &entry.categories {
                category_key(code).ok_or_else(|| {
                    format!("entries[{i}]: {code:?} is not a category such as B-4 or C-O-3")
                })?;
            }
            if entry.education_levels.is_empty() {
                return Err(format!("entries[{i}]: education_levels is empty"));
            }
            for (name, [lo, hi]) in [
                ("years_total", entry.years_total),
                ("years_public", entry.years_public),
                ("years_field", entry.years_field),
            ] {
                if lo > hi {
                    return Err(format!("entries[{i}].{name}: {lo} is above {hi}"));
                }
            }
        }
        Ok(())
    }

    /// The defaults shipped for the demo: corps B posts by seniority within the
    /// body (the most senior grade of each tier first), as the demo's vacancies
    /// are generated. An agency replaces them with its own standard requirements.
    pub fn demo() -> Self {
        use EducationLevel::{Higher, Vocational};
        let entry = |categories: &[&str], education: &[EducationLevel], total, public, field| {
            DirectoryEntry {
                categories: categories.iter().map(|c| (*c).to_owned()).collect(),
                education_levels: education.to_vec(),
                years_total: total,
                years_public: public,
                years_field: field,
            }
        };
        let higher = &[Higher][..];
        let senior = ["B-3", "C-3", "C-O-4", "D-3", "D-O-3", "E-2"];
        let middle = ["B-4", "C-4", "C-O-5", "D-4", "D-O-4", "E-3"];
        let junior = ["B-5", "C-5", "C-O-6", "D-5", "D-O-5"];
        QualificationDirectory {
            entries: vec![
                entry(&senior, higher, [3, 6], [1, 3], [1, 3]),
                entry(&middle, higher, [1, 4], [0, 1], [0, 2]),
                entry(&junior, higher, [0, 1], [0, 0], [0, 0]),
                entry(&["E-4"], &[Vocational, Higher], [0, 1], [0, 0], [0, 0]),
            ],
        }
    }

    /// The entry covering `category`: an exact one first, else by group and grade.
    pub fn entry(&self, category: &Category) -> Option<&DirectoryEntry> {
        let exact = category.to_string();
        let broad = category_key(&exact).map(|(group, _, grade)| format!("{group}-{grade}"));
        let covers = |wanted: &str| {
            self.entries
                .iter()
                .find(|e| e.categories.iter().any(|c| c == wanted))
        };
        covers(&exact).or_else(|| broad.as_deref().and_then(covers))
    }

    /// How `vacancy` departs from its category's entry, and what it says about it.
    pub fn review(&self, vacancy: &Vacancy) -> RequirementsReview {
        let Some(entry) = self.entry(&vacancy.category) else {
            return RequirementsReview {
                in_directory: false,
                deviations: Vec::new(),
                justification: vacancy.requirements_justification.clone(),
            };
        };
        let r = &vacancy.requirements;
        let mut deviations = Vec::new();
        let asked = r.education_level;
        if !asked.is_some_and(|level| entry.education_levels.contains(&level)) {
            deviations.push(Deviation {
                requirement: "education_level",
                vacancy: asked.map_or("none", |l| l.code()).to_owned(),
                directory: entry
                    .education_levels
                    .iter()
                    .map(|l| l.code())
                    .collect::<Vec<_>>()
                    .join(" | "),
            });
        }
        for (requirement, years, [lo, hi]) in [
            ("min_years_total", r.min_years_total, entry.years_total),
            ("min_years_public", r.min_years_public, entry.years_public),
            ("min_years_field", r.min_years_field, entry.years_field),
        ] {
            if !RangeInclusive::new(lo, hi).contains(&years) {
                deviations.push(Deviation {
                    requirement,
                    vacancy: years.to_string(),
                    directory: if lo == hi {
                        lo.to_string()
                    } else {
                        format!("{lo}–{hi}")
                    },
                });
            }
        }
        RequirementsReview {
            in_directory: true,
            deviations,
            justification: vacancy.requirements_justification.clone(),
        }
    }
}

/// (group, level, grade) of a category code, if it is one.
fn category_key(code: &str) -> Option<(char, Option<char>, u8)> {
    let category: Category = code.parse().ok()?;
    let text = category.to_string();
    let group = text.chars().next()?;
    Some((group, category.level, category.grade))
}

/// The directory, for the people who set or judge requirements.
pub fn directory<'a>(app: &'a crate::App, actor: &Actor) -> AppResult<&'a QualificationDirectory> {
    actor.require(&[Role::Hr, Role::Admin, Role::Commission, Role::Hrm])?;
    Ok(&app.config().qualifications)
}

/// The rule for vacancies an HR officer writes: a departure from the directory
/// needs a justification. Returns the review to audit with the vacancy.
pub(crate) fn require_justification(
    app: &crate::App,
    vacancy: &Vacancy,
) -> AppResult<RequirementsReview> {
    let review = app.config().qualifications.review(vacancy);
    if !review.deviations.is_empty() && review.justification.is_none() {
        let what = review
            .deviations
            .iter()
            .map(|d| {
                format!(
                    "{} {} (the directory: {})",
                    d.requirement, d.vacancy, d.directory
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        return Err(AppError::invalid(
            "requirements_justification",
            format!(
                "vacancy {}: the requirements depart from the qualification directory for category {}: {what}; write why in requirements_justification",
                vacancy.id, vacancy.category
            ),
        ));
    }
    Ok(review)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vacancy(category: &str, total: u8, justification: Option<&str>) -> Vacancy {
        serde_json::from_value(serde_json::json!({
            "id": "V-1", "organisation_id": "O-1", "title": "Бас маман",
            "description": "d", "category": category, "region": "astana",
            "deadline": "2030-01-01", "status": "open",
            "requirements": {"education_level": "higher", "min_years_total": total},
            "requirements_justification": justification,
        }))
        .unwrap()
    }

    #[test]
    fn typical_requirements_depart_from_nothing() {
        let d = QualificationDirectory::demo();
        let review = d.review(&vacancy("B-4", 2, None));
        assert!(review.in_directory);
        assert_eq!(review.deviations, vec![]);
    }

    #[test]
    fn requirements_above_the_entry_are_a_deviation_and_a_level_falls_back_to_group_and_grade() {
        let d = QualificationDirectory::demo();
        // C-R-4 has no exact entry; C-4 covers it (1–4 years).
        let review = d.review(&vacancy("C-R-4", 9, None));
        assert!(review.in_directory);
        assert_eq!(review.deviations.len(), 1);
        assert_eq!(review.deviations[0].requirement, "min_years_total");
        assert_eq!(review.deviations[0].directory, "1–4");
    }

    #[test]
    fn a_category_without_an_entry_is_said_so() {
        let review = QualificationDirectory::demo().review(&vacancy("A-1", 9, None));
        assert!(!review.in_directory);
        assert!(review.deviations.is_empty());
    }

    #[test]
    fn a_bad_file_is_refused_with_its_entry() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(QualificationDirectory::FILE),
            r#"{"entries":[{"categories":["Z-9"],"education_levels":["higher"],
                "years_total":[0,1],"years_public":[0,0],"years_field":[0,0]}]}"#,
        )
        .unwrap();
        let e = QualificationDirectory::load(dir.path())
            .unwrap_err()
            .to_string();
        assert!(e.contains("entries[0]") && e.contains("Z-9"), "{e}");
        std::fs::write(
            dir.path().join(QualificationDirectory::FILE),
            r#"{"entries":[{"categories":["B-4"],"education_levels":["higher"],
                "years_total":[3,1],"years_public":[0,0],"years_field":[0,0]}]}"#,
        )
        .unwrap();
        let e = QualificationDirectory::load(dir.path())
            .unwrap_err()
            .to_string();
        assert!(e.contains("years_total"), "{e}");
    }
}
