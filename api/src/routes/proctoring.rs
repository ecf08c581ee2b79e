//! The proctoring review queue over HTTP: run an analysis, list and read flags,
//! decide them.
//!
//! | endpoint | candidate | hrm | commission | hr | admin |
//! |---|---|---|---|---|---|
//! | `POST /proctoring/analyses` | – | – | – | own organisation's vacancy | all |
//! | `GET /proctoring/flags`, `GET /proctoring/flags/{id}`, `POST …/review` | – | – | seated on the flag's vacancy | own organisation's vacancy | all |
//!
//! Callers who may not see a flag get 403 whether or not it exists (only admins
//! learn that it is missing). Flags are evidence for a reviewer, never verdicts:
//! a decision needs a written comment, and it is audited in the same transaction
//! (see `qabilet_store::proctoring`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use qabilet_domain::{limits::REASON_CHARS, VacancyId};
use qabilet_proctoring as proctoring;
use qabilet_store::{FlagFilter, FlagScope, FlagStatus, NewFlag, NewRun, Role, StoredFlag};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::{parse_body, parse_id, ApiJson, ApiPath, ApiQuery};
use crate::{access, ApiError, AppState, Principal};

/// The largest analysis body this route reads (≈ 3,000 sessions × 80 items with
/// timestamps). The server-wide limit (`ApiConfig::body_limit`) applies too, and
/// the smaller of the two wins; bigger cohorts go through `qabilet proctor
/// analyze --save`.
pub const ANALYSIS_BODY_LIMIT: usize = 32 << 20;


/// A run and its flags in the store's terms, from `report`, the analysis of
/// `data`, which was read from the bytes `input`.
///
/// The run id is derived from the input bytes, the thresholds and the vacancy,
/// so submitting the same file twice saves once. Each flag's evidence is the
/// detector's numbers (`detector`) plus what a review page plots (`review`:
/// event timelines, per-item times against the cohort, a pair's answer grid).
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnalysisQuery {
    vacancy_id: Option<String>,
}

/// `POST /proctoring/analyses?vacancy_id=`: the body is the input of
/// `proctoring/FORMAT.md`. The analysis runs on the blocking pool; the run and
/// its flags are queued; the answer is the run id and the counts.
pub(crate) async fn create_analysis(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(query): ApiQuery<AnalysisQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    p.require(&[Role::Admin, Role::Hr])?;
    let vacancy_id =
        match &query.vacancy_id {
            Some(raw) => {
                let id: VacancyId = parse_id("vacancy", raw)?;
                access::managed_vacancy(&state, &p, &id).await?;
                Some(id.to_string())
            }
            None if p.role == Role::Admin => None,
            None => return Err(ApiError::forbidden(
                "HR officers analyse tests of their organisation's vacancies: pass ?vacancy_id=",
            )),
        };
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(ApiError::UnsupportedMediaType(
            "the body must be JSON, sent with Content-Type: application/json".into(),
        ));
    }
    let actor = p.id.clone();
    let (run, flags) = tokio::task::spawn_blocking(move || {
        let data: proctoring::Dataset = parse_body(&body)?;
        proctoring::validate(&data).map_err(|e| ApiError::invalid(e.path, e.message))?;
        let report = proctoring::analyze(&data, &proctoring::Config::default());
        Ok::<_, ApiError>(queue_entries(
            &body,
            &data,
            &report,
            vacancy_id.as_deref(),
            &actor,
        ))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("analysis task failed: {e}")))??;
    let saved = state.store.save_proctoring_run(&run, &flags).await?;
    let status = if saved.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let high = flags.iter().filter(|f| f.severity == "high").count();
    Ok((
        status,
        Json(json!({
            "run_id": saved.run_id,
            "created": saved.created,
            "form_id": run.form_id,
            "vacancy_id": run.vacancy_id,
            "sessions": run.sessions,
            "flags": saved.flags,
            "flags_high": high,
            "flags_queued": saved.flags_queued,
            "flags_already_queued": saved.flags_already_queued,
            "disclaimer": proctoring::DISCLAIMER,
        })),
    ))
}

/// Which flags the caller may see at all; candidates and the HRM client none.
fn scope_of(p: &Principal) -> Result<FlagScope, ApiError> {
    match p.role {
        Role::Admin => Ok(FlagScope::All),
        Role::Hr => p
            .organisation_id
            .as_ref()
            .map(|org| FlagScope::Organisation(org.to_string()))
            .ok_or_else(|| ApiError::forbidden("your account has no organisation")),
        Role::Commission => Ok(FlagScope::SeatedUser(p.id.clone())),
        Role::Candidate | Role::Hrm => Err(ApiError::forbidden(format!(
            "the {} role may not see proctoring flags",
            p.role.as_str()
        ))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FlagQuery {
    status: Option<String>,
    vacancy_id: Option<String>,
    run_id: Option<String>,
    #[serde(default)]
    after: String,
    limit: Option<i64>,
}

/// `GET /proctoring/flags?status=&vacancy_id=&run_id=&after=&limit=`: the queue,
/// most severe first, limited to the caller's vacancies. Items leave out the
/// (large) evidence; `GET /proctoring/flags/{id}` has it.
pub(crate) async fn list_flags(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<FlagQuery>,
) -> Result<Json<Value>, ApiError> {
    let scope = scope_of(&p)?;
    let status = q
        .status
        .as_deref()
        .map(|s| {
            FlagStatus::parse(s).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_query",
                    format!("status {s:?}: expected open, confirmed or dismissed"),
                )
            })
        })
        .transpose()?;
    let limit = q.limit.unwrap_or(100).clamp(1, super::MAX_PAGE);
    let flags = state
        .store
        .proctoring_flags(&FlagFilter {
            scope,
            status,
            vacancy_id: q.vacancy_id,
            run_id: q.run_id,
            after: q.after,
            limit,
        })
        .await?;
    let next_after = (flags.len() as i64 == limit)
        .then(|| flags.last().map(|f| f.cursor.clone()))
        .flatten();
    let items: Vec<Value> = flags
        .into_iter()
        .map(|f| {
            let mut v = json!(f);
            if let Some(o) = v.as_object_mut() {
                o.remove("evidence");
            }
            v
        })
        .collect();
    Ok(Json(json!({ "flags": items, "next_after": next_after })))
}

/// Flag ids are `{detector code}-{16 hex}`; anything else is refused before a lookup.
fn flag_id(raw: &str) -> Result<&str, ApiError> {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(raw)
    } else {
        Err(ApiError::bad_request(
            "invalid_id",
            format!("flag id {raw:?}: lower-case letters, digits and '-', at most 64"),
        ))
    }
}

/// The flag, if the caller may see it; 403 otherwise, whether or not it exists.
async fn visible_flag(state: &AppState, p: &Principal, id: &str) -> Result<StoredFlag, ApiError> {
    let scope = scope_of(p)?;
    let flag = state.store.proctoring_flag(id).await?;
    let refused = || ApiError::forbidden("you may not access this proctoring flag");
    let Some(flag) = flag else {
        return Err(match scope {
            FlagScope::All => ApiError::NotFound(format!("proctoring flag {id:?} does not exist")),
            _ => refused(),
        });
    };
    let allowed = match (&scope, &flag.vacancy_id) {
        (FlagScope::All, _) => true,
        (_, None) => false,
        (FlagScope::Organisation(org), Some(v)) => match VacancyId::new(v) {
            Ok(vid) => state
                .store
                .vacancy(&vid)
                .await?
                .is_some_and(|vac| vac.organisation_id.as_str() == org),
            Err(_) => false,
        },
        (FlagScope::SeatedUser(user), Some(v)) => state.store.has_commission_seat(v, user).await?,
    };
    if allowed {
        Ok(flag)
    } else {
        Err(refused())
    }
}

/// `GET /proctoring/flags/{id}`: one flag with its evidence and review.
pub(crate) async fn get_flag(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<StoredFlag>, ApiError> {
    let id = flag_id(&id)?;
    Ok(Json(visible_flag(&state, &p, id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ReviewDecision {
    Confirmed,
    Dismissed,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReviewInput {
    decision: ReviewDecision,
    comment: String,
}

/// `POST /proctoring/flags/{id}/review` `{decision, comment}`: decides an open
/// flag. A decided flag is a 409 (decisions are final and audited).
pub(crate) async fn review_flag(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> Result<Json<StoredFlag>, ApiError> {
    let id = flag_id(&id)?;
    visible_flag(&state, &p, id).await?;
    let comment = input.comment.trim();
    if comment.is_empty() {
        return Err(ApiError::invalid(
            "comment",
            "a review needs a comment saying why",
        ));
    }
    if comment.chars().count() > REASON_CHARS {
        return Err(ApiError::invalid(
            "comment",
            format!("at most {REASON_CHARS} characters"),
        ));
    }
    let decision = match input.decision {
        ReviewDecision::Confirmed => FlagStatus::Confirmed,
        ReviewDecision::Dismissed => FlagStatus::Dismissed,
    };
    let flag = state
        .store
        .review_proctoring_flag(id, decision, comment, &p.id)
        .await?;
    Ok(Json(flag))
}
