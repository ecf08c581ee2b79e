//! The ranked shortlist and the commission's eligibility overrides.
//!
//! Both are thin: the shortlist is [`crate::matching::shortlist`]; an override is
//! checked against the applicant's actual eligibility (only a rule that was checked
//! and not met may be overridden) and written with its reason to the store and the
//! audit log in one transaction.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use qabilet_domain::{ConsentPurpose, ProfileId, VacancyId};
use qabilet_matcher::eligibility::{Override, Rule};
use qabilet_store::{EligibilityOverride, Role};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{parse_id, ApiJson, ApiPath, ApiQuery};
use crate::matching::{self, ShortlistOptions};
use crate::routes::competition::reason_of;
use crate::{access, ApiError, AppState, Principal};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShortlistQuery {
    /// Hide name, gender, birth date, contacts and photo; on unless asked otherwise.
    blind: Option<bool>,
    /// Most entries per list; 50 unless asked otherwise.
    limit: Option<usize>,
}

/// `GET /vacancies/{id}/shortlist`: eligible applicants ranked with explanations,
/// ineligible ones apart with the rules they failed. Declared commission members,
/// HR officers of the organisation, admins. Every view is audited.
pub(crate) async fn shortlist(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<ShortlistQuery>,
) -> Result<Response, ApiError> {
    let vacancy_id: VacancyId = parse_id("vacancy", &id)?;
    let opts = ShortlistOptions {
        blind: q.blind.unwrap_or(true),
        limit: q.limit.unwrap_or(50),
    };
    let view = matching::shortlist(&state, &p, &vacancy_id, opts).await?;
    // Serialised from the shared (cached) view without copying it.
    let body = serde_json::to_vec(view.as_ref())
        .map_err(|e| ApiError::Internal(format!("shortlist to JSON: {e}")))?;
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OverrideInput {
    profile_id: ProfileId,
    /// A rule code: education, specialty, experience_total, experience_public,
    /// experience_field, language:kk|ru|en, category.
    rule: String,
    reason: String,
}

/// `POST /vacancies/{id}/eligibility/overrides`: a declared commission member lets
/// an applicant through a rule they did not meet (or that could not be decided),
/// with a written reason. Audited as `eligibility.override`.
pub(crate) async fn override_rule(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<OverrideInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let vacancy_id: VacancyId = parse_id("vacancy", &id)?;
    p.require(&[Role::Commission])?;
    let vacancy = access::shortlist_vacancy(&state, &p, &vacancy_id).await?;
    let rule: Rule = input
        .rule
        .parse()
        .map_err(|e: String| ApiError::invalid("rule", e))?;
    let reason = reason_of(&input.reason)?;
    let applied = state
        .store
        .applicants(&vacancy_id)
        .await?
        .into_iter()
        .find(|(a, _)| a.profile_id == input.profile_id);
    let Some((_, Some(profile))) = applied else {
        return Err(ApiError::invalid(
            "profile_id",
            format!("{} has not applied to {vacancy_id}", input.profile_id),
        ));
    };
    if !profile.consents_to(ConsentPurpose::Processing) {
        return Err(ApiError::Conflict(
            "the applicant revoked processing consent; nothing may be decided on them".into(),
        ));
    }
    let o = Override::new(rule, reason, &p.id)
        .map_err(|e| ApiError::invalid("reason", e.to_string()))?;
    // The rule must exist and be unmet now: checked with the matcher itself.
    let prepared = state.matching.checker.prepare(&vacancy);
    let mut eligibility = state
        .matching
        .checker
        .check(&prepared, &profile, vacancy.deadline);
    eligibility
        .apply_override(&o)
        .map_err(|e| ApiError::invalid("rule", e.to_string()))?;
    let mut tx = state.store.begin().await?;
    tx.put_eligibility_override(&EligibilityOverride {
        vacancy_id: vacancy_id.to_string(),
        profile_id: profile.id.to_string(),
        rule: rule.code(),
        reason: o.reason.clone(),
        decided_by: p.id.clone(),
        decided_at: chrono::Utc::now(),
    })
    .await?;
    let detail = json!({ "profile_id": profile.id, "rule": rule, "reason": o.reason });
    tx.audit(
        &p.id,
        "eligibility.override",
        "vacancy",
        vacancy_id.as_str(),
        &detail.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "vacancy_id": vacancy_id,
            "profile_id": profile.id,
            "rule": rule,
            "eligible": eligibility.eligible,
        })),
    ))
}
