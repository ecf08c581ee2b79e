//! Stage 1, the qualification check: a vacancy's formal requirements checked against
//! a profile, rule by rule, each with its evidence.
//!
//! Rules come from the vacancy's [`Requirements`]; a requirement the vacancy does not
//! state produces no rule. Each rule is [`RuleStatus::Met`], [`RuleStatus::NotMet`] or
//! [`RuleStatus::Unknown`] (the profile lacks the data, or the check cannot decide, as
//! with a specialty outside the synonym table). A candidate is eligible when no rule
//! is NotMet; Unknown rules do not exclude but set [`Eligibility::needs_review`], so
//! nobody passes or fails silently on missing data.
//!
//! Rules encoded:
//! - `education`: highest level ≥ the required minimum;
//! - `specialty`: some education record's specialty is an accepted one, compared
//!   through the [`SpecialtyTable`] across kk/ru/en;
//! - `experience_total`, `experience_public`, `experience_field`: see [`experience`];
//! - `language:XX`: the profile states the language at ≥ the required level;
//! - `category`: corps A posts require higher education (Law «О государственной
//!   службе», art. 15 and the qualification requirements for corps A), whether or not
//!   the vacancy repeats it. Corps B has no category-wide rule beyond its requirements.
//!
//! A commission may override a NotMet or Unknown rule with an [`Override`] carrying a
//! written reason and its author; the caller writes the override to the audit log
//! ([`Override::audit_detail`]) in the same transaction as the decision.

pub mod experience;
mod prepared;
mod specialties;

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use chrono::NaiveDate;
use qabilet_domain::limits::REASON_CHARS;
use qabilet_domain::{EducationLevel, Language, Profile, Sector, Vacancy};
use serde::{Deserialize, Serialize};

pub use experience::{FieldMatch, FieldProfile, JobField, FIELD_MIN_SHARED_TERMS};
use prepared::{AnalysisCache, ProfileAnalysis, ProfileCache};
pub use prepared::{
    PreparedProfile, PreparedVacancy, ShownProfile, VacancyAnalysis, PROFILE_CACHE_ENTRIES,
};
pub use specialties::{SpecialtyKey, SpecialtyTable, TableError};

use crate::text::{content_terms, generic_terms};

/// One rule of the qualification check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    Education,
    Specialty,
    ExperienceTotal,
    ExperiencePublic,
    ExperienceField,
    Language(Language),
    Category,
}

impl Rule {
    /// Stable code: `education`, `specialty`, `experience_total`, `experience_public`,
    /// `experience_field`, `language:kk`, `category`.
    pub fn code(self) -> String {
        match self {
            Rule::Education => "education".into(),
            Rule::Specialty => "specialty".into(),
            Rule::ExperienceTotal => "experience_total".into(),
            Rule::ExperiencePublic => "experience_public".into(),
            Rule::ExperienceField => "experience_field".into(),
            Rule::Language(l) => format!("language:{l}"),
            Rule::Category => "category".into(),
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl std::str::FromStr for Rule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.trim() {
            "education" => Rule::Education,
            "specialty" => Rule::Specialty,
            "experience_total" => Rule::ExperienceTotal,
            "experience_public" => Rule::ExperiencePublic,
            "experience_field" => Rule::ExperienceField,
            "category" => Rule::Category,
            other => match other.strip_prefix("language:") {
                Some(l) => Rule::Language(l.parse()?),
                None => {
                    return Err(format!(
                        "unknown rule {other:?}; expected education, specialty, experience_total, \
                     experience_public, experience_field, language:kk|ru|en or category"
                    ))
                }
            },
        })
    }
}

impl utoipa::PartialSchema for Rule {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(
                "^(education|specialty|experience_total|experience_public|experience_field|category|language:(kk|ru|en))$",
            ))
            .description(Some("A rule of the qualification check"))
            .into()
    }
}

impl utoipa::ToSchema for Rule {}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// What a rule found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    Met,
    NotMet,
    /// No data to decide on, or the check cannot tell; a person must look.
    Unknown,
}

/// The outcome of one rule, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RuleOutcome {
    pub rule: Rule,
    pub status: RuleStatus,
    /// What the vacancy requires, in words ("higher or above", "3 years").
    pub required: String,
    /// What the profile shows ("master (education[1])", "2.4 years").
    pub found: String,
    /// The profile records the evidence comes from, as field paths
    /// (`education[1]`, `experience[0]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<String>,
    /// Set when a commission overrode this rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overridden: Option<Override>,
}

impl RuleOutcome {
    /// Whether this rule stops the candidate: NotMet and not overridden.
    pub fn fails(&self) -> bool {
        self.status == RuleStatus::NotMet && self.overridden.is_none()
    }
}

/// The whole qualification check of one profile against one vacancy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Eligibility {
    /// No rule is NotMet (overridden rules excepted).
    pub eligible: bool,
    /// Some rule is Unknown and not overridden: a person must check it.
    pub needs_review: bool,
    pub rules: Vec<RuleOutcome>,
}

impl Eligibility {
    fn from_rules(rules: Vec<RuleOutcome>) -> Self {
        let mut e = Eligibility {
            eligible: true,
            needs_review: false,
            rules,
        };
        e.refresh();
        e
    }

    fn refresh(&mut self) {
        self.eligible = !self.rules.iter().any(RuleOutcome::fails);
        self.needs_review = self
            .rules
            .iter()
            .any(|r| r.status == RuleStatus::Unknown && r.overridden.is_none());
    }

    /// The check as a qualification result records it (`StageResult::rule_check`).
    pub fn rule_check(&self) -> qabilet_domain::RuleCheck {
        let codes = |keep: &dyn Fn(&RuleOutcome) -> bool| -> Vec<String> {
            self.rules
                .iter()
                .filter(|r| keep(r))
                .map(|r| r.rule.code())
                .collect()
        };
        qabilet_domain::RuleCheck {
            eligible: self.eligible,
            not_met: codes(&|r| r.fails()),
            undecided: codes(&|r| r.status == RuleStatus::Unknown && r.overridden.is_none()),
            overridden: codes(&|r| r.overridden.is_some()),
        }
    }

    /// The rules that stop the candidate.
    pub fn failed(&self) -> impl Iterator<Item = &RuleOutcome> {
        self.rules.iter().filter(|r| r.fails())
    }

    /// The rules met.
    pub fn met(&self) -> impl Iterator<Item = &RuleOutcome> {
        self.rules.iter().filter(|r| r.status == RuleStatus::Met)
    }

    /// Share of rules met, Unknown counting half; 1 when the vacancy states nothing.
    pub fn share_met(&self) -> f32 {
        if self.rules.is_empty() {
            return 1.0;
        }
        let points: f32 = self
            .rules
            .iter()
            .map(|r| match (r.status, &r.overridden) {
                (RuleStatus::Met, _) => 1.0,
                (RuleStatus::Unknown, None) => 0.5,
                (_, Some(_)) => 0.5,
                (RuleStatus::NotMet, None) => 0.0,
            })
            .sum();
        points / self.rules.len() as f32
    }

    /// Applies a commission's override. Only a NotMet or Unknown rule that was
    /// checked can be overridden, and only with a reason; see [`Override::new`].
    pub fn apply_override(&mut self, o: &Override) -> Result<(), OverrideError> {
        o.validate()?;
        let outcome = self
            .rules
            .iter_mut()
            .find(|r| r.rule == o.rule)
            .ok_or(OverrideError::NoSuchRule(o.rule))?;
        if outcome.status == RuleStatus::Met {
            return Err(OverrideError::AlreadyMet(o.rule));
        }
        outcome.overridden = Some(o.clone());
        self.refresh();
        Ok(())
    }
}

/// A commission's decision to let a candidate through a rule they did not meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Override {
    pub rule: Rule,
    /// Why, in the commission's words; never empty.
    pub reason: String,
    /// Who decided (user id).
    pub by: String,
}

/// Why an override was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverrideError {
    #[error("an override of {0} needs a written reason")]
    EmptyReason(Rule),
    #[error("the reason is {0} characters long; at most {REASON_CHARS} are allowed")]
    ReasonTooLong(usize),
    #[error("an override must name who decided it")]
    NoAuthor,
    #[error("rule {0} was not checked for this vacancy")]
    NoSuchRule(Rule),
    #[error("rule {0} is met; there is nothing to override")]
    AlreadyMet(Rule),
}

impl Override {
    /// An override with its reason checked: non-blank, at most `REASON_CHARS`, and an
    /// author.
    pub fn new(
        rule: Rule,
        reason: impl Into<String>,
        by: impl Into<String>,
    ) -> Result<Self, OverrideError> {
        let o = Override {
            rule,
            reason: reason.into(),
            by: by.into(),
        };
        o.validate()?;
        Ok(o)
    }

    /// Re-checked on apply, since an override may arrive through serde.
    fn validate(&self) -> Result<(), OverrideError> {
        if self.reason.trim().is_empty() {
            return Err(OverrideError::EmptyReason(self.rule));
        }
        let n = self.reason.chars().count();
        if n > REASON_CHARS {
            return Err(OverrideError::ReasonTooLong(n));
        }
        if self.by.trim().is_empty() {
            return Err(OverrideError::NoAuthor);
        }
        Ok(())
    }

    /// The `detail` of the audit entry the caller writes (action
    /// `eligibility.override`), as JSON.
    pub fn audit_detail(&self) -> String {
        serde_json::json!({"rule": self.rule, "reason": self.reason, "by": self.by}).to_string()
    }
}

/// What the check needs besides the two records; build once, reuse for many checks
/// (it keeps the analysis of the vacancies and profiles it has seen, see
/// [`prepared`]).
#[derive(Debug)]
pub struct Checker {
    /// Private: the cached analyses hold keys looked up in it.
    specialties: SpecialtyTable,
    generic: HashSet<String>,
    analyses: AnalysisCache,
    profiles: ProfileCache,
}

impl Clone for Checker {
    /// A clone starts with empty caches.
    fn clone(&self) -> Self {
        Checker::new(self.specialties.clone())
    }
}

impl Default for Checker {
    fn default() -> Self {
        Checker::new(SpecialtyTable::built_in())
    }
}

impl Checker {
    /// The synonym table specialties are compared with.
    pub fn specialties(&self) -> &SpecialtyTable {
        &self.specialties
    }

    pub fn new(specialties: SpecialtyTable) -> Self {
        Self::keeping(specialties, PROFILE_CACHE_ENTRIES)
    }

    /// A checker that keeps the analyses of at most `profiles` profiles (0: none,
    /// each check analyses again; for measuring what keeping them saves).
    pub fn keeping(specialties: SpecialtyTable, profiles: usize) -> Self {
        Checker {
            specialties,
            generic: generic_terms(),
            analyses: AnalysisCache::default(),
            profiles: ProfileCache::new(profiles),
        }
    }

    pub fn prepare<'a>(&self, vacancy: &'a Vacancy) -> PreparedVacancy<'a> {
        let analysis = self.analyses.get_or_insert(vacancy, || {
            let r = &vacancy.requirements;
            VacancyAnalysis {
                field: (r.min_years_field > 0).then(|| FieldProfile::of(vacancy, &self.generic)),
                specialties: r
                    .specialties
                    .iter()
                    .map(|s| self.specialties.lookup(s))
                    .collect(),
                competencies: r
                    .competencies
                    .iter()
                    .map(|c| content_terms(c, &self.generic))
                    .collect(),
            }
        });
        PreparedVacancy {
            vacancy,
            analysis,
            required: RequiredTexts::of(vacancy),
        }
    }

    /// A profile prepared for checks against many vacancies; its texts are
    /// analysed on the first check that needs them, once (or found in the cache).
    pub fn prepare_profile<'a>(&self, profile: &'a Profile) -> PreparedProfile<'a> {
        PreparedProfile {
            profile,
            analysis: OnceLock::new(),
        }
    }

    /// Profiles whose analysis this checker keeps.
    pub fn cached_profiles(&self) -> usize {
        self.profiles.len()
    }

    /// The prepared profile's analysis, found in the cache (or started) once.
    fn analysis<'p>(&self, prepared: &'p PreparedProfile) -> &'p ProfileAnalysis {
        prepared
            .analysis
            .get_or_init(|| self.profiles.get_or_insert(prepared.profile))
    }

    /// The field terms and language of each of the profile's jobs.
    fn jobs<'p>(&self, prepared: &'p PreparedProfile) -> &'p [JobField] {
        let profile = prepared.profile;
        self.analysis(prepared).jobs.get_or_init(|| {
            profile
                .experience
                .iter()
                .map(|j| JobField::of(j, profile.language, &self.generic))
                .collect()
        })
    }

    /// Each of the profile's specialties looked up in the synonym table.
    fn held_specialties<'p>(&self, prepared: &'p PreparedProfile) -> &'p [SpecialtyKey] {
        self.analysis(prepared).specialties.get_or_init(|| {
            prepared
                .profile
                .education
                .iter()
                .map(|e| self.specialties.lookup(&e.specialty))
                .collect()
        })
    }

    /// The prepared profile's texts as an explanation reads them, analysed by
    /// `analyse` the first time this version of the profile is shown and kept
    /// with its analysis (see [`ShownProfile`]).
    pub fn shown<'p>(
        &self,
        prepared: &'p PreparedProfile,
        analyse: impl FnOnce(&Profile) -> ShownProfile,
    ) -> &'p ShownProfile {
        self.analysis(prepared)
            .shown
            .get_or_init(|| analyse(prepared.profile))
    }

    /// Checks `profile` against the vacancy as of `as_of` (normally the vacancy's
    /// deadline: experience gained after it does not count).
    pub fn check(&self, v: &PreparedVacancy, profile: &Profile, as_of: NaiveDate) -> Eligibility {
        self.check_prepared(v, &self.prepare_profile(profile), as_of)
    }

    /// [`Self::check`] with a prepared profile.
    pub fn check_prepared(
        &self,
        v: &PreparedVacancy,
        prepared: &PreparedProfile,
        as_of: NaiveDate,
    ) -> Eligibility {
        let profile = prepared.profile;
        let r = &v.vacancy.requirements;
        let texts = &v.required;
        let mut rules = Vec::with_capacity(6 + r.languages.len());
        if let Some(level) = r.education_level {
            let required = texts.education.clone();
            rules.push(education_rule(Rule::Education, level, profile, required));
        }
        if v.vacancy.category.corps() == 'A' {
            let (rule, required) = (Rule::Category, texts.category.clone());
            rules.push(education_rule(
                rule,
                EducationLevel::Higher,
                profile,
                required,
            ));
        }
        if !r.specialties.is_empty() {
            let held = self.held_specialties(prepared);
            rules.push(specialty_rule(
                &r.specialties,
                &v.analysis.specialties,
                held,
                profile,
                texts.specialty.clone(),
            ));
        }
        let jobs = &profile.experience;
        if r.min_years_total > 0 {
            let all: Vec<usize> = (0..jobs.len()).collect();
            rules.push(years_rule(
                (Rule::ExperienceTotal, r.min_years_total),
                profile,
                &all,
                &[],
                as_of,
                texts.years_total.clone(),
            ));
        }
        if r.min_years_public > 0 {
            let public: Vec<usize> = (0..jobs.len())
                .filter(|&i| jobs[i].sector == Sector::Public)
                .collect();
            rules.push(years_rule(
                (Rule::ExperiencePublic, r.min_years_public),
                profile,
                &public,
                &[],
                as_of,
                texts.years_public.clone(),
            ));
        }
        if let (true, Some(field)) = (r.min_years_field > 0, &v.analysis.field) {
            let (mut inside, mut undetermined) = (Vec::new(), Vec::new());
            for (i, job) in self.jobs(prepared).iter().enumerate() {
                match field.classify(job) {
                    FieldMatch::In => inside.push(i),
                    FieldMatch::Undetermined => undetermined.push(i),
                    FieldMatch::Out => {}
                }
            }
            rules.push(years_rule(
                (Rule::ExperienceField, r.min_years_field),
                profile,
                &inside,
                &undetermined,
                as_of,
                texts.years_field.clone(),
            ));
        }
        for (req, required) in r.languages.iter().zip(&texts.languages) {
            rules.push(language_rule(
                req.language,
                req.level,
                profile,
                required.clone(),
            ));
        }
        Eligibility::from_rules(rules)
    }
}

/// What each rule of a vacancy requires, in words: the same for every applicant,
/// so written once per ranking rather than once per applicant and rule (the
/// `format!`s were a fifth of the eligibility checks of a 5,000-applicant
/// shortlist, `perf` on the national load test).
#[derive(Debug, Clone, Default)]
pub(crate) struct RequiredTexts {
    education: String,
    category: String,
    specialty: String,
    years_total: String,
    years_public: String,
    years_field: String,
    /// One per required language, in order.
    languages: Vec<String>,
}

impl RequiredTexts {
    fn of(v: &Vacancy) -> RequiredTexts {
        let r = &v.requirements;
        let level = |level: EducationLevel| format!("{} or above", level.code());
        let years = |n: u8| format!("at least {n} years");
        RequiredTexts {
            education: r.education_level.map(level).unwrap_or_default(),
            category: format!(
                "corps A ({}): {}",
                v.category,
                level(EducationLevel::Higher)
            ),
            specialty: format!("one of: {}", r.specialties.join("; ")),
            years_total: years(r.min_years_total),
            years_public: years(r.min_years_public),
            years_field: years(r.min_years_field),
            languages: r
                .languages
                .iter()
                .map(|l| format!("{} at {} or above", l.language, l.level.code()))
                .collect(),
        }
    }
}

/// `held` are the keys of the profile's specialties, by education record.
fn specialty_rule(
    accepted: &[String],
    accepted_keys: &[SpecialtyKey],
    held: &[SpecialtyKey],
    profile: &Profile,
    required: String,
) -> RuleOutcome {
    let mut outcome = RuleOutcome {
        rule: Rule::Specialty,
        status: RuleStatus::Unknown,
        required,
        found: "no education records".into(),
        records: Vec::new(),
        overridden: None,
    };
    if profile.education.is_empty() {
        return outcome;
    }
    let mut undecided = Vec::new();
    for (i, (e, held)) in profile.education.iter().zip(held).enumerate() {
        let verdicts: Vec<Option<bool>> = accepted_keys.iter().map(|a| held.same(a)).collect();
        if let Some(j) = verdicts.iter().position(|v| *v == Some(true)) {
            outcome.status = RuleStatus::Met;
            outcome.found = format!("{:?} ≈ {:?}", e.specialty, accepted[j]);
            outcome.records = vec![format!("education[{i}]")];
            return outcome;
        }
        if verdicts.contains(&None) {
            undecided.push(i);
        }
    }
    let listed: Vec<&str> = profile
        .education
        .iter()
        .map(|e| e.specialty.as_str())
        .collect();
    if undecided.is_empty() {
        outcome.status = RuleStatus::NotMet;
        outcome.found = listed.join("; ");
        outcome.records = (0..profile.education.len())
            .map(|i| format!("education[{i}]"))
            .collect();
    } else {
        outcome.found = format!(
            "{} (not in the specialty synonym table; check by hand)",
            listed.join("; ")
        );
        outcome.records = undecided
            .iter()
            .map(|i| format!("education[{i}]"))
            .collect();
    }
    outcome
}

fn education_rule(
    rule: Rule,
    level: EducationLevel,
    profile: &Profile,
    required: String,
) -> RuleOutcome {
    let best = profile
        .education
        .iter()
        .enumerate()
        .max_by_key(|(_, e)| e.level);
    let (status, found, records) = match best {
        None => (
            RuleStatus::Unknown,
            "no education records".to_owned(),
            Vec::new(),
        ),
        Some((i, e)) => (
            if e.level >= level {
                RuleStatus::Met
            } else {
                RuleStatus::NotMet
            },
            format!(
                "{}{}",
                e.level.code(),
                if e.verified { ", verified" } else { "" }
            ),
            vec![format!("education[{i}]")],
        ),
    };
    RuleOutcome {
        rule,
        status,
        required,
        found,
        records,
        overridden: None,
    }
}

fn years_rule(
    (rule, years): (Rule, u8),
    profile: &Profile,
    counted: &[usize],
    undetermined: &[usize],
    as_of: NaiveDate,
    required: String,
) -> RuleOutcome {
    let jobs = &profile.experience;
    let days = experience::merged_days(counted.iter().map(|&i| &jobs[i]), as_of);
    let with_undetermined =
        experience::merged_days(counted.iter().chain(undetermined).map(|&i| &jobs[i]), as_of);
    let status = if jobs.is_empty() {
        RuleStatus::Unknown
    } else if experience::has_years(days, years) {
        RuleStatus::Met
    } else if experience::has_years(with_undetermined, years) {
        RuleStatus::Unknown
    } else {
        RuleStatus::NotMet
    };
    let mut found = if jobs.is_empty() {
        "no work history".to_owned()
    } else {
        format!("{:.1} years as of {as_of}", experience::years(days))
    };
    if status == RuleStatus::Unknown && !jobs.is_empty() {
        found.push_str(&format!(
            "; {:.1} with jobs in another language whose field cannot be judged lexically",
            experience::years(with_undetermined)
        ));
    }
    RuleOutcome {
        rule,
        status,
        required,
        found,
        records: counted
            .iter()
            .chain(undetermined)
            .map(|i| format!("experience[{i}]"))
            .collect(),
        overridden: None,
    }
}

fn language_rule(
    language: Language,
    level: qabilet_domain::LanguageLevel,
    profile: &Profile,
    required: String,
) -> RuleOutcome {
    let held = profile
        .languages
        .iter()
        .enumerate()
        .filter(|(_, l)| l.language == language)
        .max_by_key(|(_, l)| l.level);
    let (status, found, records) = match held {
        Some((i, l)) => (
            if l.level >= level {
                RuleStatus::Met
            } else {
                RuleStatus::NotMet
            },
            l.level.code().to_owned(),
            vec![format!("languages[{i}]")],
        ),
        // A profile that lists no language at all says nothing; one that lists others
        // does not speak this one.
        None if profile.languages.is_empty() => (
            RuleStatus::Unknown,
            "no languages listed".to_owned(),
            Vec::new(),
        ),
        None => (RuleStatus::NotMet, "not listed".to_owned(), Vec::new()),
    };
    RuleOutcome {
        rule: Rule::Language(language),
        status,
        required,
        found,
        records,
        overridden: None,
    }
}

#[cfg(test)]
pub(crate) mod tests;
