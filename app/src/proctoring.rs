//! The proctoring review queue: analysing a test's sessions and queueing the
//! flags, listing and reading flags, deciding them.
//!
//! | use case | candidate | hrm | commission | hr | admin (and the operator) |
//! |---|---|---|---|---|---|
//! | [`analyze`] | – | – | – | own organisation's vacancy | all |
//! | [`flags`], [`flag`], [`review`] | – | – | seated on the flag's vacancy | own organisation's vacancy | all |
//!
//! Callers who may not see a flag are refused whether or not it exists (only
//! admins learn that it is missing). Flags are evidence for a reviewer, never
//! verdicts: a decision needs a written comment, and it is audited in the same
//! transaction (see `qabilet_store::proctoring`).

use qabilet_domain::{limits::REASON_CHARS, VacancyId};
use qabilet_proctoring as proctoring;
pub use qabilet_store::FlagSummary;
use qabilet_store::{FlagFilter, FlagScope, FlagStatus, NewFlag, NewRun, Role, StoredFlag};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::{access, blocking, parse_json, Actor, App, AppError, AppResult};

/// The largest analysis input read over HTTP (≈ 3,000 sessions × 80 items with
/// timestamps); bigger cohorts go through `qabilet proctor analyze --save`.
pub const ANALYSIS_INPUT_LIMIT: usize = 32 << 20;

/// A run and its flags in the store's terms, from `report`, the analysis of
/// `data`, which was read from the bytes `input`.
///
/// The run id is derived from the input bytes, the thresholds and the vacancy, so
/// submitting the same file twice saves once. Each flag's evidence is the
/// detector's numbers (`detector`) plus what a review page plots (`review`: event
/// timelines, per-item times against the cohort with rapid answers, answer times
/// for a pair's timelines, a pair's answer grid) and, when the client recorded
/// them, the sessions' answer changes with their wrong-to-right index
/// (`answer_changes`).
pub fn queue_entries(
    input: &[u8],
    data: &proctoring::Dataset,
    report: &proctoring::Report,
    vacancy_id: Option<&str>,
    created_by: &str,
) -> (NewRun, Vec<NewFlag>) {
    let mut hasher = Sha256::new();
    hasher.update(input);
    hasher.update(
        serde_json::to_string(&report.config)
            .unwrap_or_default()
            .as_bytes(),
    );
    hasher.update(vacancy_id.unwrap_or("").as_bytes());
    let sha = hex::encode(hasher.finalize());
    let mut review = proctoring::review_evidence(data, &report.flags);
    let to_str = |v: Value| v.as_str().unwrap_or_default().to_owned();
    let flags = report
        .flags
        .iter()
        .map(|f| NewFlag {
            id: f.id.to_string(),
            detector: f.detector.name().to_owned(),
            severity: to_str(json!(f.severity)),
            session_ids: f.sessions.clone(),
            examinee_ids: f.examinees.clone(),
            statistic: f.statistic,
            p_value: f.p_value,
            threshold: f.threshold,
            nominal_false_alarm_rate: f.nominal_false_alarm_rate,
            false_alarm_scope: to_str(json!(f.false_alarm_scope)),
            summary: f.summary.clone(),
            evidence: json!({
                "detector": f.evidence,
                "review": review.remove(&f.id),
                "answer_changes": f.answer_changes,
                "disclaimer": proctoring::DISCLAIMER,
            }),
        })
        .collect();
    let run = NewRun {
        id: format!("run-{}", &sha[..20]),
        form_id: report.form_id.clone(),
        vacancy_id: vacancy_id.map(str::to_owned),
        created_by: created_by.to_owned(),
        input_sha256: sha,
        sessions: report.sessions as i64,
        summary: json!({
            "config": report.config,
            "model": report.model,
            "clusters": report.clusters,
            "data_notes": report.notes.len(),
            "skipped": report.skipped,
        }),
    };
    (run, flags)
}

/// What saving an analysis did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnalysisSaved {
    pub run_id: String,
    /// False when the same input had been analysed and saved before.
    pub created: bool,
    pub form_id: String,
    pub vacancy_id: Option<String>,
    pub sessions: i64,
    pub flags: i64,
    pub flags_high: usize,
    pub flags_queued: i64,
    pub flags_already_queued: i64,
    pub disclaimer: String,
}

/// Saves an analysis already made (the CLI prints its report first) into the queue
/// of `vacancy_id`, for whoever may analyse that vacancy's tests.
pub async fn save(
    app: &App,
    actor: &Actor,
    vacancy_id: Option<&VacancyId>,
    input: &[u8],
    data: &proctoring::Dataset,
    report: &proctoring::Report,
) -> AppResult<AnalysisSaved> {
    check_may_analyse(app, actor, vacancy_id).await?;
    let vacancy = vacancy_id.map(|v| v.to_string());
    let (run, flags) = queue_entries(input, data, report, vacancy.as_deref(), actor.audit_name());
    store_run(app, run, flags).await
}

async fn check_may_analyse(
    app: &App,
    actor: &Actor,
    vacancy_id: Option<&VacancyId>,
) -> AppResult<()> {
    actor.require(&[Role::Admin, Role::Hr])?;
    match vacancy_id {
        Some(id) => access::managed_vacancy(app, actor, id).await.map(|_| ()),
        None if actor.role == Role::Admin => Ok(()),
        None => Err(AppError::forbidden(
            "HR officers analyse tests of their organisation's vacancies: name the vacancy",
        )),
    }
}

async fn store_run(app: &App, run: NewRun, flags: Vec<NewFlag>) -> AppResult<AnalysisSaved> {
    let saved = app.store().save_proctoring_run(&run, &flags).await?;
    Ok(AnalysisSaved {
        run_id: saved.run_id,
        created: saved.created,
        form_id: run.form_id,
        vacancy_id: run.vacancy_id,
        sessions: run.sessions,
        flags: saved.flags,
        flags_high: flags.iter().filter(|f| f.severity == "high").count(),
        flags_queued: saved.flags_queued,
        flags_already_queued: saved.flags_already_queued,
        disclaimer: proctoring::DISCLAIMER.to_owned(),
    })
}

/// Analyses a test's sessions (the input of `proctoring/FORMAT.md`, as JSON bytes)
/// and queues the flags. The analysis runs on the blocking pool.
pub async fn analyze(
    app: &App,
    actor: &Actor,
    vacancy_id: Option<&VacancyId>,
    input: Vec<u8>,
) -> AppResult<AnalysisSaved> {
    check_may_analyse(app, actor, vacancy_id).await?;
    if input.len() > ANALYSIS_INPUT_LIMIT {
        return Err(AppError::invalid(
            "",
            format!("the input is larger than {ANALYSIS_INPUT_LIMIT} bytes"),
        ));
    }
    let vacancy = vacancy_id.map(|v| v.to_string());
    let created_by = actor.audit_name().to_owned();
    let (run, flags) = blocking(move || {
        let data: proctoring::Dataset = parse_json(&input)?;
        proctoring::validate(&data).map_err(|e| AppError::invalid(e.path, e.message))?;
        let report = proctoring::analyze(&data, &proctoring::Config::default());
        Ok(queue_entries(
            &input,
            &data,
            &report,
            vacancy.as_deref(),
            &created_by,
        ))
    })
    .await?;
    store_run(app, run, flags).await
}

/// Which flags `actor` may see at all; candidates and the HRM client none.
fn scope_of(actor: &Actor) -> AppResult<FlagScope> {
    match actor.role {
        Role::Admin => Ok(FlagScope::All),
        Role::Hr => actor
            .organisation_id
            .as_ref()
            .map(|org| FlagScope::Organisation(org.to_string()))
            .ok_or_else(|| AppError::forbidden("your account has no organisation")),
        Role::Commission => Ok(FlagScope::SeatedUser(actor.id.clone())),
        Role::Candidate | Role::Hrm | Role::Auditor => Err(AppError::forbidden(format!(
            "the {} role may not see proctoring flags",
            actor.role.as_str()
        ))),
    }
}

/// Whether `actor` may see proctoring flags at all (for a front door's menu).
pub fn sees_flags(actor: &Actor) -> bool {
    scope_of(actor).is_ok()
}

/// Which flags to list.
#[derive(Debug, Clone, Default)]
pub struct FlagQuery {
    /// `open`, `confirmed` or `dismissed`.
    pub status: Option<String>,
    pub vacancy_id: Option<String>,
    pub run_id: Option<String>,
    /// The `next_after` of the previous page.
    pub after: String,
    pub limit: Option<i64>,
}

/// A page of the queue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FlagPage {
    pub flags: Vec<FlagSummary>,
    /// Pass as `after` for the next page; absent on the last one.
    pub next_after: Option<String>,
}

/// Parses a flag status as the queue takes it.
pub fn flag_status(raw: &str) -> AppResult<FlagStatus> {
    FlagStatus::parse(raw).ok_or_else(|| {
        AppError::bad_request(
            "invalid_query",
            format!("status {raw:?}: expected open, confirmed or dismissed"),
        )
    })
}

/// The queue, most severe first, limited to `actor`'s vacancies.
pub async fn flags(app: &App, actor: &Actor, q: &FlagQuery) -> AppResult<FlagPage> {
    let scope = scope_of(actor)?;
    let status = q.status.as_deref().map(flag_status).transpose()?;
    let limit = crate::page_limit(app, q.limit)?;
    let found = app
        .store()
        .proctoring_flags(&FlagFilter {
            scope,
            status,
            vacancy_id: q.vacancy_id.clone(),
            run_id: q.run_id.clone(),
            after: q.after.clone(),
            limit,
        })
        .await?;
    let next_after = (found.len() as i64 == limit)
        .then(|| found.last().map(|f| f.cursor.clone()))
        .flatten();
    Ok(FlagPage {
        flags: found.into_iter().map(|f| f.flag).collect(),
        next_after,
    })
}

/// Flag ids are `{detector code}-{16 hex}`; anything else is refused before a lookup.
pub fn flag_id(raw: &str) -> AppResult<&str> {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(raw)
    } else {
        Err(AppError::bad_request(
            "invalid_id",
            format!("flag id {raw:?}: lower-case letters, digits and '-', at most 64"),
        ))
    }
}

/// One flag with its evidence, if `actor` may see it.
pub async fn flag(app: &App, actor: &Actor, id: &str) -> AppResult<StoredFlag> {
    let id = flag_id(id)?;
    let scope = scope_of(actor)?;
    let flag = app.store().proctoring_flag(id).await?;
    let refused = || AppError::forbidden("you may not access this proctoring flag");
    let Some(flag) = flag else {
        return Err(match scope {
            FlagScope::All => AppError::not_found(format!("proctoring flag {id:?} does not exist")),
            _ => refused(),
        });
    };
    let allowed = match (&scope, &flag.vacancy_id) {
        (FlagScope::All, _) => true,
        (_, None) => false,
        (FlagScope::Organisation(org), Some(v)) => match VacancyId::new(v) {
            Ok(vid) => app
                .store()
                .vacancy(&vid)
                .await?
                .is_some_and(|vac| vac.organisation_id.as_str() == org),
            Err(_) => false,
        },
        // A member sees a flag only where they may see the shortlist: seated,
        // declared, not recused (a recused member must not judge the applicants).
        (FlagScope::SeatedUser(user), Some(v)) => app
            .store()
            .declaration(v, user)
            .await?
            .is_some_and(|d| d.recused_at.is_none()),
    };
    if allowed {
        Ok(flag)
    } else {
        Err(refused())
    }
}

/// A reviewer's decision on a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    Confirmed,
    Dismissed,
}

/// A decision with the comment that says why.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub decision: ReviewDecision,
    #[schema(value_type = qabilet_domain::ReasonText)]
    pub comment: String,
}

/// Decides an open flag; a decided one is a conflict (decisions are final and
/// audited; a confirmation is sent to the HRM system).
pub async fn review(app: &App, actor: &Actor, id: &str, input: &Review) -> AppResult<StoredFlag> {
    let flag = flag(app, actor, id).await?;
    let comment = input.comment.trim();
    if comment.is_empty() {
        return Err(AppError::invalid(
            "comment",
            "a review needs a comment saying why",
        ));
    }
    qabilet_domain::check_text(comment, REASON_CHARS)
        .map_err(|m| AppError::invalid("comment", m))?;
    let decision = match input.decision {
        ReviewDecision::Confirmed => FlagStatus::Confirmed,
        ReviewDecision::Dismissed => FlagStatus::Dismissed,
    };
    Ok(app
        .store()
        .review_proctoring_flag(&flag.id, decision, comment, actor.audit_name())
        .await?)
}

/// The vacancies with flags `actor` may see, each with its title when it still
/// exists: the choices of a queue's vacancy filter.
pub async fn flagged_vacancies(
    app: &App,
    actor: &Actor,
) -> AppResult<Vec<(String, Option<String>)>> {
    let scope = scope_of(actor)?;
    let mut vacancies: Vec<String> = app
        .store()
        .proctoring_flags(&FlagFilter {
            scope,
            status: None,
            vacancy_id: None,
            run_id: None,
            after: String::new(),
            limit: 1_000,
        })
        .await?
        .into_iter()
        .filter_map(|f| f.flag.vacancy_id)
        .collect();
    vacancies.sort();
    vacancies.dedup();
    let mut titled = Vec::with_capacity(vacancies.len());
    for id in vacancies {
        let title = match VacancyId::new(&id) {
            Ok(vid) => app.store().vacancy(&vid).await?.map(|v| v.title),
            Err(_) => None,
        };
        titled.push((id, title));
    }
    Ok(titled)
}
