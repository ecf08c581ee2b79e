//! Structured fit: how well a profile's facts meet a vacancy's requirements, in
//! [0, 1], from parts that each say what they measure.
//!
//! - `requirements`: share of eligibility rules met (Unknown counts half);
//! - `experience`: years in total against the required years, capped at 1 (more
//!   years than asked earn nothing: the requirement is a threshold, not a scale);
//! - `education`: the specialty rule (1 met, ½ unknown, 0 not met) averaged with the
//!   level rule, 1 when the vacancy asks neither;
//! - `skills`: share of the vacancy's competencies found in the profile's skills,
//!   summary and duties (lexical, per competency; see [`skill_overlap`]).

use std::collections::HashSet;

use chrono::NaiveDate;
use qabilet_domain::{Profile, Vacancy};
use serde::{Deserialize, Serialize};

use crate::eligibility::experience::{merged_days, years};
use crate::eligibility::{Eligibility, Rule, RuleStatus};
use crate::text::{content_terms, coverage};

/// Weights of the structured parts; normalised by their sum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StructuredWeights {
    pub requirements: f32,
    pub experience: f32,
    pub education: f32,
    pub skills: f32,
}

impl Default for StructuredWeights {
    fn default() -> Self {
        // Calibrated with the signal weights (see `RankingConfig::default`). Skills
        // and years beyond the minimum earned nothing on held-out vacancies: skill
        // overlap is lexical and misses across languages, and extra years are not
        // what a post asks for. Both stay in every explanation.
        StructuredWeights {
            requirements: 0.5,
            experience: 0.0,
            education: 0.5,
            skills: 0.0,
        }
    }
}

/// The parts of the structured fit, each in [0, 1], and their weighted mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StructuredFit {
    pub requirements: f32,
    pub experience: f32,
    pub education: f32,
    pub skills: f32,
    pub score: f32,
}

/// How well a profile fits a vacancy on a scale that does not depend on who else
/// is compared, in [0, 1]: what the reserve threshold is applied to (a score
/// normalised within a pool gives a lone entry 1 whatever it is).
///
/// - `requirements`: share of eligibility rules met (Unknown counts half);
/// - `skills`: share of the vacancy's competencies the profile shows, if it names any;
/// - `topic`: share of the content terms of the vacancy's title (its subject once
///   rank and unit words are removed: "бухгалтерского учёта") found in the profile;
/// - `relevance`: the mean of `skills` and `topic` where present, ½ when the
///   vacancy gives neither (nothing to tell by);
/// - `fit`: the mean of `requirements` and `relevance`.
///
/// Lexical, so a profile written in another language than the vacancy shows less
/// relevance than it has: the transformer's cosine is not on an absolute scale
/// either, and a vacancy is matched against the reserve when it opens, before its
/// text is embedded.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AbsoluteFit {
    pub requirements: f32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<f32>,
    pub relevance: f32,
    pub fit: f32,
}

impl AbsoluteFit {
    /// From the parts; see the type's docs.
    pub fn new(requirements: f32, skills: Option<f32>, topic: Option<f32>) -> AbsoluteFit {
        let present: Vec<f32> = [skills, topic].into_iter().flatten().collect();
        let relevance = if present.is_empty() {
            0.5
        } else {
            present.iter().sum::<f32>() / present.len() as f32
        };
        AbsoluteFit {
            requirements,
            skills,
            topic,
            relevance,
            fit: (requirements + relevance) / 2.0,
        }
    }
}

/// Which of the vacancy's competencies a profile shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SkillOverlap {
    pub matched: Vec<String>,
    pub missing: Vec<String>,
}

/// Share of the vacancy's competencies shown; 1 when it asks for none.
pub fn skills_share(skills: &SkillOverlap) -> f32 {
    let n = skills.matched.len() + skills.missing.len();
    if n == 0 {
        1.0
    } else {
        skills.matched.len() as f32 / n as f32
    }
}

/// A competency counts as shown when at least half of its content terms occur in the
/// profile: "1С: Бухгалтерия" is shown by "1С Бухгалтерия 8.3", not by "Excel".
///
/// `competency_terms` are the content terms of each competency, in order (see
/// [`crate::eligibility::PreparedVacancy::competency_terms`]).
pub fn skill_overlap(
    competencies: &[String],
    competency_terms: &[HashSet<String>],
    profile_terms: &HashSet<String>,
) -> SkillOverlap {
    let mut out = SkillOverlap::default();
    for (c, t) in competencies.iter().zip(competency_terms) {
        if !t.is_empty() && coverage(t, profile_terms) >= 0.5 {
            out.matched.push(c.clone());
        } else {
            out.missing.push(c.clone());
        }
    }
    out
}

/// Every analysed content term of a profile's skills, summary, positions, duties
/// and specialties.
pub fn profile_terms(p: &Profile, generic: &HashSet<String>) -> HashSet<String> {
    let mut text = p.skills.join("\n");
    text.push('\n');
    text.push_str(&p.summary);
    for e in &p.experience {
        text.push('\n');
        text.push_str(&e.position);
        text.push('\n');
        text.push_str(&e.duties);
    }
    for e in &p.education {
        text.push('\n');
        text.push_str(&e.specialty);
    }
    content_terms(&text, generic)
}

fn rule_points(e: &Eligibility, rule: Rule) -> Option<f32> {
    e.rules
        .iter()
        .find(|r| r.rule == rule)
        .map(|r| match r.status {
            RuleStatus::Met => 1.0,
            RuleStatus::Unknown => 0.5,
            RuleStatus::NotMet => 0.0,
        })
}

/// The structured fit of one pair.
pub fn fit(
    vacancy: &Vacancy,
    profile: &Profile,
    eligibility: &Eligibility,
    skills: &SkillOverlap,
    weights: &StructuredWeights,
    as_of: NaiveDate,
) -> StructuredFit {
    let required = f64::from(vacancy.requirements.min_years_total);
    let experience = if required > 0.0 {
        (years(merged_days(&profile.experience, as_of)) / required).min(1.0) as f32
    } else {
        1.0
    };
    let edu: Vec<f32> = [Rule::Education, Rule::Specialty]
        .into_iter()
        .filter_map(|r| rule_points(eligibility, r))
        .collect();
    let education = if edu.is_empty() {
        1.0
    } else {
        edu.iter().sum::<f32>() / edu.len() as f32
    };
    let skills = skills_share(skills);
    let requirements = eligibility.share_met();
    let mut out = StructuredFit {
        requirements,
        experience,
        education,
        skills,
        score: 0.0,
    };
    out.score = weights.combine(&out);
    out
}

impl StructuredWeights {
    /// The weighted mean of `fit`'s parts (its own `score` is ignored), so a fit can
    /// be re-scored under other weights without recomputing its parts.
    pub fn combine(&self, fit: &StructuredFit) -> f32 {
        let total = self.requirements + self.experience + self.education + self.skills;
        if total <= 0.0 {
            return 0.0;
        }
        (self.requirements * fit.requirements
            + self.experience * fit.experience
            + self.education * fit.education
            + self.skills * fit.skills)
            / total
    }
}
