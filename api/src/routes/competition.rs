//! The competition: applications, stage results, the commission (seats,
//! declarations, recusal) and the shortlist.
//!
//! Every decision and every shortlist view is written to the audit log in the same
//! transaction as the change; results that the HRM system must learn of go to the
//! outbox in that transaction too.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use qabilet_domain::{
    limits::REASON_CHARS, Application, ApplicationId, ConsentPurpose, Stage, StageOutcome,
    StageResult, VacancyId, VacancyStatus, Validate,
};
use qabilet_store::{EventKind, Role};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::{parse_id, ApiJson, ApiPath};
use crate::{access, reserve, ApiError, AppState, Principal};

/// Checks a human-written reason: required, bounded, printable.
pub(crate) fn reason_of(reason: &str) -> Result<&str, ApiError> {
    let trimmed = reason.trim();
    if trimmed.is_empty() {
        return Err(ApiError::invalid("reason", "a reason is required"));
    }
    if trimmed.chars().count() > REASON_CHARS {
        return Err(ApiError::invalid(
            "reason",
            format!("at most {REASON_CHARS} characters"),
        ));
    }
    Ok(trimmed)
}

/// `POST /vacancies/{id}/applications`: a candidate applies with their own profile,
/// before the deadline, to an open vacancy. Applying twice is a 409.
pub(crate) async fn apply(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<(StatusCode, Json<Application>), ApiError> {
    let vacancy_id: VacancyId = parse_id("vacancy", &id)?;
    p.require(&[Role::Candidate])?;
    let profile_id = p
        .profile_id
        .clone()
        .ok_or_else(|| ApiError::forbidden("your account has no profile"))?;
    let vacancy = state
        .store
        .vacancy(&vacancy_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("vacancy {vacancy_id} does not exist")))?;
    if vacancy.status != VacancyStatus::Open {
        return Err(ApiError::Conflict(format!(
            "vacancy {vacancy_id} is {}, not open",
            vacancy.status.code()
        )));
    }
    if crate::today_in_kazakhstan() > vacancy.deadline {
        return Err(ApiError::Conflict(format!(
            "the deadline {} has passed; nothing can be added after it",
            vacancy.deadline
        )));
    }
    let profile =
        state.store.profile(&profile_id).await?.ok_or_else(|| {
            ApiError::Conflict("your profile has not been imported yet".to_owned())
        })?;
    if !profile.consents_to(ConsentPurpose::Processing) {
        return Err(ApiError::Conflict(
            "processing consent is revoked; an application cannot be processed".into(),
        ));
    }
    // Derived from the pair, so a retried request finds the same id.
    let digest = Sha256::digest(format!("{vacancy_id}\n{profile_id}").as_bytes());
    let app_id = ApplicationId::new(format!("A-{}", &hex::encode(digest)[..24]))
        .map_err(ApiError::Internal)?;
    if state.store.application(app_id.as_str()).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "you have already applied to vacancy {vacancy_id}"
        )));
    }
    let mut tx = state.store.begin().await?;
    let app = Application {
        id: app_id,
        vacancy_id,
        profile_id,
        submitted_at: Utc::now(),
        stages: Vec::new(),
    };
    tx.put_application(&app).await?;
    tx.audit(
        &p.id,
        "application.submit",
        "application",
        app.id.as_str(),
        app.vacancy_id.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(app)))
}

/// `GET /applications/{id}`: see `access::readable_application`.
pub(crate) async fn get_application(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Application>, ApiError> {
    let id: ApplicationId = parse_id("application", &id)?;
    let (app, _) = access::readable_application(&state, &p, id.as_str()).await?;
    Ok(Json(app))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StageInput {
    stage: Stage,
    outcome: StageOutcome,
    score: Option<f32>,
    reason: String,
}

/// `POST /applications/{id}/stages`: records the next stage's result with its
/// reason. HR officers of the organisation and admins record any stage; declared
/// commission members record interviews and decisions. Once a decision names a
/// winner, the runners-up enter the second-best registry (see `reserve`).
pub(crate) async fn record_stage(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<StageInput>,
) -> Result<Json<Application>, ApiError> {
    let id: ApplicationId = parse_id("application", &id)?;
    p.require(&[Role::Hr, Role::Admin, Role::Commission])?;
    let reason = reason_of(&input.reason)?.to_owned();
    // Begin first: on PostgreSQL this takes the writers' lock, so the application
    // read next cannot be changed by another writer before we write it back.
    let mut tx = state.store.begin().await?;
    let (mut app, vacancy) = access::readable_application(&state, &p, id.as_str()).await?;
    if p.role == Role::Commission && !matches!(input.stage, Stage::Interview | Stage::Decision) {
        return Err(ApiError::forbidden(
            "commission members record interviews and decisions only",
        ));
    }
    let result = StageResult {
        stage: input.stage,
        outcome: input.outcome,
        score: input.score,
        decided_at: Utc::now().max(app.submitted_at),
        decided_by: p.id.clone(),
        reason: Some(reason.clone()),
    };
    app.stages.push(result.clone());
    app.validate()?;
    tx.put_application(&app).await?;
    let (action, kind) = if input.stage == Stage::Decision {
        ("decision.record", EventKind::Decision)
    } else {
        ("stage.record", EventKind::StageResult)
    };
    let detail = json!({ "stage": result.stage, "outcome": result.outcome, "score": result.score, "reason": reason });
    tx.audit(
        &p.id,
        action,
        "application",
        app.id.as_str(),
        &detail.to_string(),
    )
    .await?;
    let payload = json!({
        "application_id": app.id,
        "vacancy_id": app.vacancy_id,
        "profile_id": app.profile_id,
        "result": result,
    });
    tx.enqueue_event(kind, "application", app.id.as_str(), &payload)
        .await?;
    if input.stage == Stage::Decision {
        reserve::enter_runners_up(&state, &mut tx, &vacancy, &app, &p.id, result.decided_at)
            .await?;
    }
    tx.commit().await?;
    Ok(Json(app))
}

/// `PUT /vacancies/{id}/commission/{user_id}`: seats a commission member; HR
/// officers of the organisation and admins.
pub(crate) async fn seat_member(
    State(state): State<AppState>,
    p: Principal,
    ApiPath((id, user_id)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let vacancy_id: VacancyId = parse_id("vacancy", &id)?;
    p.require(&[Role::Hr, Role::Admin])?;
    access::managed_vacancy(&state, &p, &vacancy_id).await?;
    match state.store.user(&user_id).await? {
        Some((user, _)) if user.role == Role::Commission => {}
        _ => {
            return Err(ApiError::invalid(
                "user_id",
                format!("{user_id:?} is not a commission member's user id"),
            ))
        }
    }
    let mut tx = state.store.begin().await?;
    tx.seat_commission_member(vacancy_id.as_str(), &user_id)
        .await?;
    tx.audit(
        &p.id,
        "commission.seat",
        "vacancy",
        vacancy_id.as_str(),
        &user_id,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(
        json!({ "vacancy_id": vacancy_id, "user_id": user_id }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeclarationInput {
    /// Must be true: the member declares no conflict of interest and no family tie
    /// with any candidate.
    no_conflict_of_interest: bool,
    #[serde(default)]
    statement: String,
}

/// `POST /vacancies/{id}/declaration`: a seated commission member declares no
/// conflict of interest; only then does the shortlist open to them.
pub(crate) async fn declare(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<DeclarationInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let vacancy_id: VacancyId = parse_id("vacancy", &id)?;
    access::commission_member(&state, &p, &vacancy_id).await?;
    if !input.no_conflict_of_interest {
        return Err(ApiError::invalid(
            "no_conflict_of_interest",
            "a member with a conflict of interest must recuse (POST /vacancies/{id}/recusal)",
        ));
    }
    if input.statement.chars().count() > REASON_CHARS {
        return Err(ApiError::invalid(
            "statement",
            format!("at most {REASON_CHARS} characters"),
        ));
    }
    let mut tx = state.store.begin().await?;
    tx.declare(vacancy_id.as_str(), &p.id, &input.statement)
        .await?;
    tx.audit(
        &p.id,
        "commission.declare",
        "vacancy",
        vacancy_id.as_str(),
        &input.statement,
    )
    .await?;
    tx.commit().await?;
    let d = state.store.declaration(vacancy_id.as_str(), &p.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "vacancy_id": vacancy_id,
            "declared_at": d.as_ref().map(|d| d.declared_at),
            "recused": d.is_some_and(|d| d.recused_at.is_some()),
        })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecusalInput {
    reason: String,
}

/// `POST /vacancies/{id}/recusal`: a seated member withdraws from the vacancy for
/// good; the shortlist closes to them.
pub(crate) async fn recuse(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<RecusalInput>,
) -> Result<Json<Value>, ApiError> {
    let vacancy_id: VacancyId = parse_id("vacancy", &id)?;
    access::commission_member(&state, &p, &vacancy_id).await?;
    let reason = reason_of(&input.reason)?;
    let mut tx = state.store.begin().await?;
    tx.recuse(vacancy_id.as_str(), &p.id, reason).await?;
    tx.audit(
        &p.id,
        "commission.recuse",
        "vacancy",
        vacancy_id.as_str(),
        reason,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({ "vacancy_id": vacancy_id, "recused": true })))
}

/// `POST /vacancies/{id}/shortlist/publish`: HR officers of the organisation and
/// admins send the current shortlist to the HRM system (`shortlist_published`).
pub(crate) async fn publish_shortlist(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let vacancy_id: VacancyId = parse_id("vacancy", &id)?;
    p.require(&[Role::Hr, Role::Admin])?;
    access::managed_vacancy(&state, &p, &vacancy_id).await?;
    let mut tx = state.store.begin().await?;
    let mut applications = Vec::new();
    for app in state.store.applications_for_vacancy(&vacancy_id).await? {
        let consent = state
            .store
            .profile(&app.profile_id)
            .await?
            .is_some_and(|p| p.consents_to(ConsentPurpose::Processing));
        if consent {
            applications.push(json!({ "application_id": app.id, "profile_id": app.profile_id, "stages": app.stages }));
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
        &p.id,
        "shortlist.publish",
        "vacancy",
        vacancy_id.as_str(),
        &seq.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(
        json!({ "vacancy_id": vacancy_id, "event_seq": seq, "applications": applications.len() }),
    ))
}
