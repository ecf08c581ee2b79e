//! The explanation a candidate is owed about their own application: how the
//! system was used in it, the main elements of the decision (the requirements
//! their profile met, the results of each stage with the reasons given), and that
//! people decided. It shows no other person's data: not the other applicants, not
//! the candidate's place among them, not who on the commission recorded what.
//!
//! The requirements are those of the rule check recorded with the qualification
//! result when there is one (what the decision was taken on), and otherwise the
//! rule check as it stands on the vacancy's deadline.

use qabilet_domain::{ApplicationId, ConsentPurpose, Stage, StageOutcome};
use qabilet_matcher::eligibility::{Rule, RuleStatus};
use qabilet_store::Role;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Actor, App, AppError, AppResult};

/// How one requirement stood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequirementStatus {
    Met,
    NotMet,
    /// The data could not decide it: the person recording the result checked it.
    Undecided,
    /// Not met, and let through by an audited override with a reason.
    Overridden,
}

/// One requirement of the vacancy and how the profile stood against it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequirementOutcome {
    #[schema(value_type = String)]
    pub rule: Rule,
    pub status: RequirementStatus,
    /// What the vacancy asks, in words.
    pub required: String,
    /// What the profile shows.
    pub found: String,
}

/// One stage's result as the candidate may read it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StageExplanation {
    pub stage: Stage,
    pub outcome: StageOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    pub decided_on: chrono::NaiveDate,
    /// The reason the person who recorded it gave.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Recorded by a person (always: the system records no result itself).
    pub decided_by_a_person: bool,
}

/// What a candidate is told about one application.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApplicationExplanation {
    pub application_id: String,
    pub vacancy_id: String,
    pub vacancy_title: String,
    /// The requirements, each with its status.
    pub requirements: Vec<RequirementOutcome>,
    /// The requirements are those recorded with the qualification result (else
    /// the rule check on the deadline).
    pub requirements_recorded: bool,
    pub stages: Vec<StageExplanation>,
}

/// The explanation of `application` for its own candidate (and admins, who
/// answer the candidate's questions).
pub async fn explain(
    app: &App,
    actor: &Actor,
    application: &ApplicationId,
) -> AppResult<ApplicationExplanation> {
    actor.require(&[Role::Candidate, Role::Admin])?;
    let refused = || AppError::forbidden("you may not access this application");
    let found = app.store().application(application.as_str()).await?;
    let application = match (actor.role, found) {
        (Role::Admin, None) => {
            return Err(AppError::not_found(format!(
                "application {application} does not exist"
            )))
        }
        (_, None) => return Err(refused()),
        (Role::Admin, Some(a)) => a,
        (_, Some(a)) if actor.owns_profile(&a.profile_id) => a,
        _ => return Err(refused()),
    };
    let vacancy = app
        .store()
        .vacancy(&application.vacancy_id)
        .await?
        .ok_or_else(|| AppError::internal("an application's vacancy is missing"))?;
    let profile = app
        .store()
        .profile(&application.profile_id)
        .await?
        .filter(|p| p.consents_to(ConsentPurpose::Processing));
    let recorded = application
        .stages
        .iter()
        .find(|s| s.stage == Stage::QualificationCheck)
        .and_then(|s| s.rule_check.clone());
    let mut requirements = Vec::new();
    if let Some(profile) = &profile {
        let prepared = app.checker().prepare(&vacancy);
        let check = app.checker().check(&prepared, profile, vacancy.deadline);
        for r in check.rules {
            let code = r.rule.code();
            let status = match &recorded {
                Some(c) if c.overridden.contains(&code) => RequirementStatus::Overridden,
                Some(c) if c.not_met.contains(&code) => RequirementStatus::NotMet,
                Some(c) if c.undecided.contains(&code) => RequirementStatus::Undecided,
                Some(_) => RequirementStatus::Met,
                None => match r.status {
                    RuleStatus::Met => RequirementStatus::Met,
                    RuleStatus::NotMet => RequirementStatus::NotMet,
                    RuleStatus::Unknown => RequirementStatus::Undecided,
                },
            };
            requirements.push(RequirementOutcome {
                rule: r.rule,
                status,
                required: r.required,
                found: r.found,
            });
        }
    }
    Ok(ApplicationExplanation {
        application_id: application.id.to_string(),
        vacancy_id: vacancy.id.to_string(),
        vacancy_title: vacancy.title.clone(),
        requirements_recorded: recorded.is_some(),
        requirements,
        stages: application
            .stages
            .iter()
            .map(|s| StageExplanation {
                stage: s.stage,
                outcome: s.outcome,
                score: s.score,
                decided_on: s.decided_at.date_naive(),
                reason: s.reason.clone(),
                decided_by_a_person: true,
            })
            .collect(),
    })
}
