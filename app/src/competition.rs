//! The competition: applications, stage results, eligibility overrides and
//! publishing the shortlist (the commission itself: `commission`).
//!
//! Every decision is written to the audit log in the same transaction as the
//! change; results the HRM system must learn of go to the outbox in that
//! transaction too. A result that departs from the ranking needs a written reason
//! (see [`deviates`]), whichever door it comes through.

use chrono::Utc;
use qabilet_domain::{
    limits::REASON_CHARS, Application, ApplicationId, ConsentPurpose, Stage, StageOutcome,
    StageResult, Vacancy, VacancyId, VacancyStatus, Validate,
};
use qabilet_matcher::eligibility::{Eligibility, Override, Rule};
use qabilet_store::{EligibilityOverride, EventKind, Role};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::access;
use crate::shortlist::{self, RankedEntry, Shortlist, ShortlistOptions};
use crate::{reserve, Actor, App, AppError, AppResult};

/// Checks a human-written reason with the rule of every text a person writes
/// (`qabilet_domain::check_text`: not blank, bounded, no control characters), so
/// what is recorded is a valid record and re-imports from an export.
pub fn reason_of<'a>(field: &str, reason: &'a str) -> AppResult<&'a str> {
    let trimmed = reason.trim();
    if trimmed.is_empty() {
        return Err(AppError::invalid(field, "a reason is required"));
    }
    qabilet_domain::check_text(trimmed, REASON_CHARS).map_err(|m| AppError::invalid(field, m))?;
    Ok(trimmed)
}

/// A candidate applies with their own profile, before the deadline (in the
/// jurisdiction's calendar), to an open vacancy. Applying twice is a conflict.
pub async fn apply(app: &App, actor: &Actor, vacancy_id: &VacancyId) -> AppResult<Application> {
    actor.require(&[Role::Candidate])?;
    let profile_id = actor
        .profile_id
        .clone()
        .ok_or_else(|| AppError::forbidden("your account has no profile"))?;
    let vacancy = crate::catalog::vacancy(app, actor, vacancy_id).await?;
    if vacancy.status != VacancyStatus::Open {
        return Err(AppError::conflict(format!(
            "vacancy {vacancy_id} is {}, not open",
            vacancy.status.code()
        )));
    }
    if app.today() > vacancy.deadline {
        return Err(AppError::conflict(format!(
            "the deadline {} has passed; nothing can be added after it",
            vacancy.deadline
        )));
    }
    let profile = app
        .store()
        .profile(&profile_id)
        .await?
        .ok_or_else(|| AppError::conflict("your profile has not been imported yet"))?;
    if !profile.consents_to(ConsentPurpose::Processing) {
        return Err(AppError::conflict(
            "processing consent is revoked; an application cannot be processed",
        ));
    }
    // Derived from the pair, so a retried request finds the same id.
    let digest = Sha256::digest(format!("{vacancy_id}\n{profile_id}").as_bytes());
    let id = ApplicationId::new(format!("A-{}", &hex::encode(digest)[..24]))
        .map_err(AppError::Internal)?;
    if app.store().application(id.as_str()).await?.is_some() {
        return Err(AppError::conflict(format!(
            "you have already applied to vacancy {vacancy_id}"
        )));
    }
    let mut tx = app.store().begin().await?;
    let preference = crate::preferences::rank_for_new(app, &mut tx, &profile_id).await?;
    let application = Application {
        id,
        vacancy_id: vacancy_id.clone(),
        profile_id,
        submitted_at: Utc::now(),
        stages: Vec::new(),
        preference: Some(preference),
    };
    tx.put_application(&application).await?;
    tx.audit(
        actor.audit_name(),
        "application.submit",
        "application",
        application.id.as_str(),
        application.vacancy_id.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok(application)
}

/// Whether `vacancy` takes applications today: open, and its deadline (a day in
/// the jurisdiction's calendar) not passed.
pub fn open_to_apply(app: &App, vacancy: &Vacancy) -> bool {
    vacancy.status == VacancyStatus::Open && app.today() <= vacancy.deadline
}

/// One application, if `actor` may see it (see `access::readable_application`).
pub async fn application(app: &App, actor: &Actor, id: &ApplicationId) -> AppResult<Application> {
    Ok(access::readable_application(app, actor, id.as_str())
        .await?
        .0)
}

/// One of the candidate's own applications, as their list shows it.
#[derive(Debug, Clone)]
pub struct OwnApplication {
    pub application: Application,
    pub vacancy: Option<Vacancy>,
    /// Its rank among the applications in play (see `preferences`); none once
    /// it has ended.
    pub rank: Option<u8>,
}

/// The candidate's own applications with their vacancies: those in play in
/// their order of preference, then the ended ones, newest first.
pub async fn own_applications(app: &App, actor: &Actor) -> AppResult<Vec<OwnApplication>> {
    actor.require(&[Role::Candidate])?;
    let profile = actor
        .profile_id
        .as_ref()
        .ok_or_else(|| AppError::forbidden("your account has no profile"))?;
    let ranked: Vec<ApplicationId> = crate::preferences::in_play(app, profile)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let mut out = Vec::new();
    for application in app.store().applications_for_profile(profile).await? {
        let vacancy = app.store().vacancy(&application.vacancy_id).await?;
        let rank = ranked
            .iter()
            .position(|id| *id == application.id)
            .and_then(|i| u8::try_from(i + 1).ok());
        out.push(OwnApplication {
            application,
            vacancy,
            rank,
        });
    }
    // Stable: the ended ones stay newest first.
    out.sort_by_key(|o| o.rank.unwrap_or(u8::MAX));
    Ok(out)
}

/// Which requirements of `vacancy` the candidate's own profile meets, as of today
/// (or the deadline, if it passed); `None` for anyone else, or without a profile.
pub async fn own_eligibility(
    app: &App,
    actor: &Actor,
    vacancies: &[&Vacancy],
) -> AppResult<Vec<Option<Eligibility>>> {
    let profile = match (&actor.role, &actor.profile_id) {
        (Role::Candidate, Some(id)) => app.store().profile(id).await?,
        _ => None,
    };
    let Some(profile) = profile else {
        return Ok(vec![None; vacancies.len()]);
    };
    let today = app.today();
    let checker = app.checker();
    Ok(vacancies
        .iter()
        .map(|v| Some(checker.check(&checker.prepare(v), &profile, today.min(v.deadline))))
        .collect())
}

/// A stage result to record.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageInput {
    pub stage: Stage,
    pub outcome: StageOutcome,
    #[serde(default)]
    pub score: Option<f32>,
    /// Why: required for every result.
    #[schema(value_type = qabilet_domain::ReasonText)]
    pub reason: String,
    /// Why the result departs from the ranking; required when it does (a pass
    /// while a better-ranked applicant failed that stage, a fail while a worse-ranked
    /// one passed it, or a pass for an ineligible applicant).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub deviation_reason: Option<String>,
}

pub use qabilet_domain::next_stage;

/// Whether recording `outcome` at `stage` for `application_id` goes against the
/// ranking: it passes while a better-ranked applicant failed that stage, fails while
/// a worse-ranked one passed it, or passes an ineligible applicant. An eligible
/// applicant beyond the listed ranks counts as ranked below all of them.
pub fn deviates(
    view: &Shortlist,
    application_id: &str,
    stage: Stage,
    outcome: StageOutcome,
) -> bool {
    let listed_ineligible = view
        .ineligible
        .iter()
        .any(|i| i.application_id == application_id);
    let rank = view
        .eligible
        .iter()
        .find(|r| r.application_id == application_id)
        .map(|r| r.rank);
    let rank = match rank {
        Some(rank) => rank,
        None if listed_ineligible => return outcome == StageOutcome::Passed,
        None => usize::MAX,
    };
    let outcome_of = |r: &RankedEntry| {
        r.stages
            .iter()
            .find(|s| s.stage == stage)
            .map(|s| s.outcome)
    };
    view.eligible.iter().any(|other| match outcome {
        StageOutcome::Passed => {
            other.rank < rank && outcome_of(other) == Some(StageOutcome::Failed)
        }
        StageOutcome::Failed => {
            other.rank > rank && outcome_of(other) == Some(StageOutcome::Passed)
        }
        _ => false,
    })
}

/// Whether `actor`'s role records results of `stage` (on the applications they may
/// see): HR officers and admins every stage, commission members interviews and
/// decisions.
pub fn may_record(actor: &Actor, stage: Stage) -> bool {
    match actor.role {
        Role::Hr | Role::Admin => true,
        Role::Commission => matches!(stage, Stage::Interview | Stage::Decision),
        Role::Candidate | Role::Hrm | Role::Auditor => false,
    }
}

/// Records the next stage's result with its reason, by the competition's rules,
/// whichever door it comes through:
///
/// - **who:** HR officers of the organisation and admins record any stage,
///   declared commission members interviews and decisions; everyone declares no
///   conflict of interest on the vacancy first (`access::require_declared`);
/// - **order:** qualification → test → interview → decision, none skipped
///   ([`next_stage`]); a pending result is replaced by its outcome;
/// - **qualification:** the result records the rule check it was decided on
///   ([`RuleCheck`](qabilet_domain::RuleCheck)); an applicant with an unmet rule
///   passes only through an audited override ([`override_rule`]), and failing one
///   who meets every rule departs from the check and needs a written reason;
/// - **deviations:** a result against the ranking ([`deviates`]) needs a written
///   reason;
/// - **after the decision:** once a decision names a winner, the competition is
///   closed: nothing more is recorded on it, and the runners-up enter the
///   second-best registry (see `reserve`).
pub async fn record_stage(
    app: &App,
    actor: &Actor,
    id: &ApplicationId,
    input: &StageInput,
) -> AppResult<Application> {
    actor.require(&[Role::Hr, Role::Admin, Role::Commission])?;
    let mut reason = reason_of("reason", &input.reason)?.to_owned();
    let (application, vacancy) = access::readable_application(app, actor, id.as_str()).await?;
    if !may_record(actor, input.stage) {
        return Err(AppError::forbidden(
            "commission members record interviews and decisions only",
        ));
    }
    access::require_declared(app, actor, &vacancy.id).await?;
    check_order(app, &application, input.stage).await?;
    let rule_check = match input.stage {
        Stage::QualificationCheck => Some(rule_check(app, &vacancy, &application).await?),
        _ => None,
    };
    if let Some(check) = rule_check.as_ref().filter(|c| !c.eligible) {
        if input.outcome == StageOutcome::Passed {
            return Err(AppError::invalid(
                "outcome",
                format!(
                    "the applicant does not meet {}: record an override of each with its reason \
                     first (POST /vacancies/{}/eligibility/overrides), or record the qualification as failed",
                    check.not_met.join(", "),
                    vacancy.id
                ),
            ));
        }
    }
    let against_rules =
        input.outcome == StageOutcome::Failed && rule_check.as_ref().is_some_and(|c| c.eligible);
    // Checked against the ranking, not shown: the recorded result is the audited act.
    let opts = ShortlistOptions {
        blind: true,
        limit: app.limits().shortlist_entries,
    };
    let view = shortlist::unaudited(app, actor, &vacancy.id, opts).await?;
    if against_rules || deviates(&view, id.as_str(), input.stage, input.outcome) {
        let why = input.deviation_reason.as_deref().unwrap_or("").trim();
        if why.is_empty() {
            let what = if against_rules {
                "the applicant meets every requirement, so failing the qualification departs from the rule check"
            } else {
                "this result deviates from the ranking"
            };
            return Err(AppError::invalid(
                "deviation_reason",
                format!("{what}: give the reason for the deviation (deviation_reason)"),
            ));
        }
        let why = reason_of("deviation_reason", why)?;
        let from = if against_rules {
            "the rule check"
        } else {
            "the ranking"
        };
        reason = format!("{reason}\nDeviation from {from}: {why}");
        let chars = reason.chars().count();
        if chars > REASON_CHARS {
            return Err(AppError::invalid(
                "deviation_reason",
                format!(
                    "the reason and the deviation's reason are {chars} characters together; \
                     at most {REASON_CHARS}"
                ),
            ));
        }
    }
    // Begin before reading the application again: on PostgreSQL this takes the
    // writers' lock, so it cannot change under us before we write it back.
    let mut tx = app.store().begin().await?;
    let (mut application, vacancy) = access::readable_application(app, actor, id.as_str()).await?;
    check_order(app, &application, input.stage).await?;
    let consents = app
        .store()
        .profile(&application.profile_id)
        .await?
        .is_some_and(|p| p.consents_to(ConsentPurpose::Processing));
    if !consents {
        return Err(AppError::conflict(
            "the applicant revoked processing consent; nothing may be decided on them",
        ));
    }
    let result = StageResult {
        stage: input.stage,
        outcome: input.outcome,
        score: input.score,
        decided_at: Utc::now().max(application.submitted_at),
        decided_by: actor.audit_name().to_owned(),
        reason: Some(reason.clone()),
        rule_check,
    };
    if application
        .stages
        .last()
        .is_some_and(|last| last.stage == input.stage && last.outcome == StageOutcome::Pending)
    {
        application.stages.pop();
    }
    application.stages.push(result.clone());
    application.validate()?;
    tx.put_application(&application).await?;
    let (action, kind) = if input.stage == Stage::Decision {
        ("decision.record", EventKind::Decision)
    } else {
        ("stage.record", EventKind::StageResult)
    };
    // The ranking the result was checked against, kept for its replay.
    let (record_hash, record_body) = view.kept_record();
    tx.keep_ranking_record(&record_hash, &record_body).await?;
    let detail = json!({
        "stage": result.stage, "outcome": result.outcome, "score": result.score,
        "reason": reason, "rule_check": result.rule_check,
        "vacancy_id": application.vacancy_id, "ranking_record": record_hash,
    });
    tx.audit(
        actor.audit_name(),
        action,
        "application",
        application.id.as_str(),
        &detail.to_string(),
    )
    .await?;
    let payload = json!({
        "application_id": application.id,
        "vacancy_id": application.vacancy_id,
        "profile_id": application.profile_id,
        "result": result,
    });
    tx.enqueue_event(kind, "application", application.id.as_str(), &payload)
        .await?;
    if input.stage == Stage::Decision {
        reserve::enter_runners_up(
            app,
            &mut tx,
            &vacancy,
            &application,
            actor.audit_name(),
            result.decided_at,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(application)
}

/// The candidate withdraws their own application: recorded as `withdrawn` at the
/// stage it had reached (replacing a pending result), audited, and sent to the HRM
/// system as a stage result. Refused once the application has ended or the
/// competition is decided.
pub async fn withdraw(app: &App, actor: &Actor, id: &ApplicationId) -> AppResult<Application> {
    actor.require(&[Role::Candidate])?;
    // Begin first: the writers' lock on PostgreSQL, as in `record_stage`.
    let mut tx = app.store().begin().await?;
    let (mut application, _) = access::readable_application(app, actor, id.as_str()).await?;
    if let Some(winner) = decided(app, &application.vacancy_id).await? {
        let what = if winner.id == application.id {
            "you were chosen: speak to the HR office to decline the post"
        } else {
            "the competition is decided"
        };
        return Err(AppError::conflict(format!(
            "application {id} can no longer be withdrawn: {what}"
        )));
    }
    let Some(stage) = application.next_stage() else {
        return Err(AppError::conflict(format!(
            "application {id} has already ended; there is nothing to withdraw"
        )));
    };
    if application
        .stages
        .last()
        .is_some_and(|last| last.outcome == StageOutcome::Pending)
    {
        application.stages.pop();
    }
    let result = StageResult {
        stage,
        outcome: StageOutcome::Withdrawn,
        score: None,
        decided_at: Utc::now().max(application.submitted_at),
        decided_by: actor.audit_name().to_owned(),
        reason: Some("withdrawn by the candidate".into()),
        rule_check: None,
    };
    application.stages.push(result.clone());
    application.validate()?;
    tx.put_application(&application).await?;
    tx.audit(
        actor.audit_name(),
        "application.withdraw",
        "application",
        application.id.as_str(),
        stage.code(),
    )
    .await?;
    let payload = json!({
        "application_id": application.id,
        "vacancy_id": application.vacancy_id,
        "profile_id": application.profile_id,
        "result": result,
    });
    tx.enqueue_event(
        EventKind::StageResult,
        "application",
        application.id.as_str(),
        &payload,
    )
    .await?;
    tx.commit().await?;
    Ok(application)
}

/// The decision that closed the competition for `vacancy`: the application whose
/// decision stage named the winner, if one did.
pub async fn decided(app: &App, vacancy: &VacancyId) -> AppResult<Option<Application>> {
    Ok(app
        .store()
        .applications_for_vacancy(vacancy)
        .await?
        .into_iter()
        .find(|a| {
            a.stages
                .iter()
                .any(|s| s.stage == Stage::Decision && s.outcome == StageOutcome::Passed)
        }))
}

/// Refuses (409) once the competition for `vacancy` is decided, saying what can
/// no longer happen.
pub async fn refuse_if_decided(app: &App, vacancy: &VacancyId, what: &str) -> AppResult<()> {
    match decided(app, vacancy).await? {
        Some(_) => Err(AppError::conflict(format!(
            "the competition for {vacancy} is decided: {what}"
        ))),
        None => Ok(()),
    }
}

/// Refuses to record `stage` on `application` unless it is the application's next
/// stage and the competition is not decided yet.
async fn check_order(app: &App, application: &Application, stage: Stage) -> AppResult<()> {
    if let Some(winner) = decided(app, &application.vacancy_id).await? {
        let at = winner
            .stages
            .iter()
            .find(|s| s.stage == Stage::Decision)
            .map(|s| s.decided_at.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        return Err(AppError::conflict(format!(
            "the competition for {} was decided on {at}: nothing more can be recorded on it",
            application.vacancy_id
        )));
    }
    match application.next_stage() {
        Some(next) if next == stage => Ok(()),
        Some(next) => Err(AppError::conflict(format!(
            "the next stage of this application is {}, not {}: stages go \
             qualification_check → test → interview → decision, none skipped",
            next.code(),
            stage.code()
        ))),
        None => Err(AppError::conflict(
            "the competition has ended for this application: its last stage was not passed",
        )),
    }
}

/// The eligibility rule check of `application` against `vacancy` as of the
/// deadline, with the recorded overrides applied: what a qualification result is
/// decided on.
pub async fn rule_check(
    app: &App,
    vacancy: &Vacancy,
    application: &Application,
) -> AppResult<qabilet_domain::RuleCheck> {
    let profile = app
        .store()
        .profile(&application.profile_id)
        .await?
        .ok_or_else(|| AppError::conflict("the applicant's profile has been removed"))?;
    let checker = app.checker();
    let mut eligibility = checker.check(&checker.prepare(vacancy), &profile, vacancy.deadline);
    let overrides = shortlist::overrides_of(app, &vacancy.id).await?;
    for o in overrides.get(profile.id.as_str()).into_iter().flatten() {
        // An override that no longer fits (the rule is met now) is ignored, as in
        // the shortlist.
        let _ = eligibility.apply_override(o);
    }
    Ok(eligibility.rule_check())
}

/// A vacancy an HR officer manages, with how many applied.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ManagedVacancy {
    pub vacancy: Vacancy,
    pub applicants: usize,
}

/// The vacancies `actor` manages (HR: their organisation's; admins: all), at most
/// `limit`.
pub async fn managed_vacancies(
    app: &App,
    actor: &Actor,
    limit: i64,
) -> AppResult<Vec<ManagedVacancy>> {
    actor.require(&[Role::Hr, Role::Admin])?;
    let list = match (&actor.role, &actor.organisation_id) {
        (Role::Hr, Some(org)) => {
            app.store()
                .organisation_vacancies(org.as_str(), limit)
                .await?
        }
        (Role::Hr, None) => return Err(AppError::forbidden("your account has no organisation")),
        _ => {
            app.store()
                .vacancies(&qabilet_store::VacancyFilter::default(), limit)
                .await?
        }
    };
    let mut out = Vec::with_capacity(list.len());
    for vacancy in list {
        let applicants = app
            .store()
            .applications_for_vacancy(&vacancy.id)
            .await?
            .len();
        out.push(ManagedVacancy {
            vacancy,
            applicants,
        });
    }
    Ok(out)
}

/// What publishing a shortlist sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Published {
    pub vacancy_id: VacancyId,
    /// The `shortlist_published` event's number in the feed.
    pub event_seq: i64,
    pub applications: usize,
}

/// Sends the current shortlist to the HRM system (`shortlist_published`): HR
/// officers of the organisation and admins.
pub async fn publish_shortlist(
    app: &App,
    actor: &Actor,
    vacancy_id: &VacancyId,
) -> AppResult<Published> {
    actor.require(&[Role::Hr, Role::Admin])?;
    access::managed_vacancy(app, actor, vacancy_id).await?;
    let mut tx = app.store().begin().await?;
    let mut applications = Vec::new();
    for application in app.store().applications_for_vacancy(vacancy_id).await? {
        let consent = app
            .store()
            .profile(&application.profile_id)
            .await?
            .is_some_and(|p| p.consents_to(ConsentPurpose::Processing));
        if consent {
            applications.push(json!({ "application_id": application.id, "profile_id": application.profile_id, "stages": application.stages }));
        }
    }
    let payload = json!({ "vacancy_id": vacancy_id, "applications": applications });
    let seq = tx
        .enqueue_event(
            EventKind::ShortlistPublished,
            "vacancy",
            vacancy_id.as_str(),
            &payload,
        )
        .await?;
    tx.audit(
        actor.audit_name(),
        "shortlist.publish",
        "vacancy",
        vacancy_id.as_str(),
        &seq.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(Published {
        vacancy_id: vacancy_id.clone(),
        event_seq: seq,
        applications: applications.len(),
    })
}

/// An eligibility rule to override.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideInput {
    pub profile_id: qabilet_domain::ProfileId,
    /// A rule code: education, specialty, experience_total, experience_public,
    /// experience_field, language:kk|ru|en, category.
    #[schema(
        pattern = "^(education|specialty|experience_total|experience_public|experience_field|category|language:(kk|ru|en))$"
    )]
    pub rule: String,
    #[schema(value_type = qabilet_domain::ReasonText)]
    pub reason: String,
}

/// An override recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverrideRecorded {
    pub vacancy_id: VacancyId,
    pub profile_id: qabilet_domain::ProfileId,
    pub rule: Rule,
    /// Whether the applicant is eligible now.
    pub eligible: bool,
}

/// A declared commission member, HR officer of the organisation or admin lets an
/// applicant through a rule they did not meet (or that could not be decided),
/// with a written reason; audited as `eligibility.override`. Only a rule that was
/// checked and not met can be, and only before the competition is decided.
pub async fn override_rule(
    app: &App,
    actor: &Actor,
    vacancy_id: &VacancyId,
    input: &OverrideInput,
) -> AppResult<OverrideRecorded> {
    actor.require(&[Role::Commission, Role::Hr, Role::Admin])?;
    let vacancy = access::shortlist_vacancy(app, actor, vacancy_id).await?;
    access::require_declared(app, actor, vacancy_id).await?;
    refuse_if_decided(app, vacancy_id, "nothing more can be changed on it").await?;
    let rule: Rule = input
        .rule
        .parse()
        .map_err(|e: String| AppError::invalid("rule", e))?;
    let reason = reason_of("reason", &input.reason)?;
    let applied = crate::applicants::applicants(app, vacancy_id)
        .await?
        .into_iter()
        .find(|(a, _)| a.profile_id == input.profile_id);
    let Some((_, Some(profile))) = applied else {
        return Err(AppError::invalid(
            "profile_id",
            format!("{} has not applied to {vacancy_id}", input.profile_id),
        ));
    };
    if !profile.consents_to(ConsentPurpose::Processing) {
        return Err(AppError::conflict(
            "the applicant revoked processing consent; nothing may be decided on them",
        ));
    }
    let o = Override::new(rule, reason, &actor.id)
        .map_err(|e| AppError::invalid("reason", e.to_string()))?;
    // The rule must exist and be unmet now: checked with the matcher itself.
    let checker = app.checker();
    let mut eligibility = checker.check(&checker.prepare(&vacancy), &profile, vacancy.deadline);
    eligibility
        .apply_override(&o)
        .map_err(|e| AppError::invalid("rule", e.to_string()))?;
    let mut tx = app.store().begin().await?;
    tx.put_eligibility_override(&EligibilityOverride {
        vacancy_id: vacancy_id.to_string(),
        profile_id: profile.id.to_string(),
        rule: rule.code(),
        reason: o.reason.clone(),
        decided_by: actor.audit_name().to_owned(),
        decided_at: Utc::now(),
    })
    .await?;
    let detail = json!({ "profile_id": profile.id, "rule": rule, "reason": o.reason });
    tx.audit(
        actor.audit_name(),
        "eligibility.override",
        "vacancy",
        vacancy_id.as_str(),
        &detail.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(OverrideRecorded {
        vacancy_id: vacancy_id.clone(),
        profile_id: profile.id.clone(),
        rule,
        eligible: eligibility.eligible,
    })
}
