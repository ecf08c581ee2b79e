//! The fairness report: impact ratios at each competition stage, from the
//! outcomes people actually got (`qabilet_matcher::fairness` computes them), for
//! one vacancy or for every competition a filter covers.
//!
//! The groups are by gender, age band (as of the report's day), region and town
//! or countryside. A person who withdrew consent to processing is not counted (the
//! report says how many were left out): consent withdrawn stops all processing,
//! statistics included. The attributes are read here for the report and flow
//! nowhere else; ranking reads none of them.

use chrono::NaiveDate;
use qabilet_domain::{ConsentPurpose, Stage, StageOutcome, VacancyId};
use qabilet_matcher::fairness::{stage_impact, Attributes, StageImpact};
use qabilet_store::Role;
use serde::Serialize;
use utoipa::ToSchema;

use super::figures::outcome_at;
use super::{scoped, AnalyticsFilter, Competitions};
use crate::view_audit::ViewRecord;
use crate::{access, Actor, App, AppResult};

/// A fairness report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FairnessReport {
    /// The one vacancy reported on, or none for a filter's competitions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vacancy_id: Option<String>,
    /// The filter, for a report over several competitions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<AnalyticsFilter>,
    pub competitions: usize,
    /// The day ages are counted on.
    pub as_of: NaiveDate,
    /// Applicants not counted because they withdrew consent to processing (or
    /// their profile is gone).
    pub not_counted: usize,
    /// One report per stage, in competition order.
    pub stages: Vec<StageImpact>,
}

/// The report for one vacancy (HR of its organisation, admins, auditors).
pub async fn for_vacancy(
    app: &App,
    actor: &Actor,
    vacancy_id: &VacancyId,
    via: &'static str,
) -> AppResult<FairnessReport> {
    let vacancy = match actor.role {
        Role::Auditor => app.store().vacancy(vacancy_id).await?.ok_or_else(|| {
            crate::AppError::not_found(format!("vacancy {vacancy_id} does not exist"))
        })?,
        _ => access::managed_vacancy(app, actor, vacancy_id).await?,
    };
    actor.require(&[Role::Hr, Role::Admin, Role::Auditor])?;
    let applications = app.store().applications_for_vacancy(&vacancy.id).await?;
    let set = Competitions {
        applications: [(vacancy.id.to_string(), applications)]
            .into_iter()
            .collect(),
        vacancies: vec![vacancy],
    };
    let mut report = report(app, &set).await?;
    report.vacancy_id = Some(vacancy_id.to_string());
    audit(app, actor, "vacancy", vacancy_id.as_str(), via).await?;
    Ok(report)
}

/// The report over every competition `filter` covers (HR for their organisation,
/// admins, auditors).
pub async fn for_filter(
    app: &App,
    actor: &Actor,
    filter: AnalyticsFilter,
    via: &'static str,
) -> AppResult<FairnessReport> {
    let filter = scoped(actor, filter)?;
    let set = Competitions::load(app, &filter).await?;
    let mut report = report(app, &set).await?;
    let subject = filter
        .organisation
        .as_ref()
        .map_or_else(|| "all".to_owned(), |o| o.to_string());
    report.filter = Some(filter);
    audit(app, actor, "organisation", &subject, via).await?;
    Ok(report)
}

/// Reading a report is audited: it is personal data, if only in aggregate.
async fn audit(
    app: &App,
    actor: &Actor,
    subject_kind: &'static str,
    subject_id: &str,
    via: &'static str,
) -> AppResult<()> {
    let record = ViewRecord {
        actor: actor.audit_name().to_owned(),
        action: "fairness.view",
        subject_kind,
        subject_id: subject_id.to_owned(),
        detail: serde_json::json!({ "via": via }).to_string(),
        ranking_record: None,
    };
    app.view_audit().record(app.store(), record).await
}

async fn report(app: &App, set: &Competitions) -> AppResult<FairnessReport> {
    let ids = set.applicant_ids();
    let profiles = app.store().profiles_by_ids(&ids).await?;
    let as_of = app.today();
    let mut not_counted = 0;
    let mut counted = Vec::new();
    for a in set.all_applications() {
        match profiles.get(a.profile_id.as_str()) {
            Some(p) if p.consents_to(ConsentPurpose::Processing) => {
                counted.push((a, Attributes::of(p, as_of)))
            }
            _ => not_counted += 1,
        }
    }
    let stages = Stage::ALL
        .iter()
        .map(|&stage| {
            let assessed: Vec<(Attributes, bool)> = counted
                .iter()
                .filter_map(|(a, attributes)| match outcome_at(a, stage)? {
                    StageOutcome::Passed => Some((attributes.clone(), true)),
                    StageOutcome::Failed => Some((attributes.clone(), false)),
                    StageOutcome::Pending | StageOutcome::Withdrawn => None,
                })
                .collect();
            stage_impact(stage.code(), &assessed)
        })
        .collect();
    Ok(FairnessReport {
        vacancy_id: None,
        filter: None,
        competitions: set.vacancies.len(),
        as_of,
        not_counted,
        stages,
    })
}
