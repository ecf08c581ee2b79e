//! The talent reserve and the second-best registry: list, add, extend, remove.
//!
//! Scope: admins and the HRM client see and manage every entry; an HR officer only
//! entries whose origin vacancy belongs to their organisation (an entry without an
//! origin is the agency-wide reserve, managed by admins and the HRM client).
//! Candidates and commission members are refused. Nobody enters without consent to
//! the reserve, and every change is audited.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use qabilet_domain::{
    ConsentPurpose, ProfileId, ReserveEntry, ReserveEntryId, ReserveKind, VacancyId,
};
use qabilet_indexer::text_hash;
use qabilet_matcher::reserve::{extend, ReserveFilter};
use qabilet_store::Role;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{parse_id, ApiJson, ApiPath, ApiQuery};
use crate::routes::competition::reason_of;
use crate::routes::MAX_PAGE;
use crate::{access, reserve, ApiError, AppState, Principal};

const MANAGERS: [Role; 3] = [Role::Hr, Role::Hrm, Role::Admin];

/// Whether `p` may see and manage `entry`.
async fn in_scope(state: &AppState, p: &Principal, entry: &ReserveEntry) -> Result<bool, ApiError> {
    Ok(match p.role {
        Role::Admin | Role::Hrm => true,
        Role::Hr => match &entry.origin_vacancy_id {
            Some(v) => state
                .store
                .vacancy(v)
                .await?
                .is_some_and(|v| Some(&v.organisation_id) == p.organisation_id.as_ref()),
            None => false,
        },
        Role::Candidate | Role::Commission => false,
    })
}

/// An entry the caller manages: 403 for anyone else whether or not it exists.
async fn managed_entry(
    state: &AppState,
    p: &Principal,
    id: &ReserveEntryId,
) -> Result<ReserveEntry, ApiError> {
    p.require(&MANAGERS)?;
    let refused = || ApiError::forbidden("you may not access this reserve entry");
    match state.store.reserve_entry(id.as_str()).await? {
        Some(e) => {
            if in_scope(state, p, &e).await? {
                Ok(e)
            } else {
                Err(refused())
            }
        }
        None if matches!(p.role, Role::Admin | Role::Hrm) => Err(ApiError::NotFound(format!(
            "reserve entry {id} does not exist"
        ))),
        None => Err(refused()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    /// `reserve` or `second_best`.
    kind: Option<ReserveKind>,
    /// `true`: only entries in force; `false`: only expired ones.
    active: Option<bool>,
    /// Entries from this vacancy's competition.
    vacancy: Option<VacancyId>,
    limit: Option<i64>,
}

/// `GET /reserve?kind=&active=&vacancy=&limit=`: entries in the caller's scope.
pub(crate) async fn list(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<ReserveEntry>>, ApiError> {
    p.require(&MANAGERS)?;
    let now = Utc::now();
    let filter = ReserveFilter {
        kind: q.kind,
        origin_vacancy: q.vacancy,
        active_only: q.active == Some(true),
    };
    let limit = q.limit.unwrap_or(100).clamp(1, MAX_PAGE) as usize;
    let mut out = Vec::new();
    for e in reserve::all_entries(&state).await? {
        let wanted = filter.matches(&e, now) && (q.active != Some(false) || !e.is_active(now));
        if wanted && in_scope(&state, &p, &e).await? {
            out.push(e);
            if out.len() == limit {
                break;
            }
        }
    }
    Ok(Json(out))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddInput {
    profile_id: ProfileId,
    reason: String,
    /// Days the entry stays in force; 365 unless given (1 to 1,095).
    days: Option<i64>,
    /// The competition the person is kept from; required of HR officers (it puts
    /// the entry in their organisation's scope).
    vacancy_id: Option<VacancyId>,
}

/// `POST /reserve`: keeps a person in the talent reserve; they must consent to it.
pub(crate) async fn add(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(input): ApiJson<AddInput>,
) -> Result<(StatusCode, Json<ReserveEntry>), ApiError> {
    p.require(&MANAGERS)?;
    let reason = reason_of(&input.reason)?.to_owned();
    let days = input.days.unwrap_or(365);
    if !(1..=1_095).contains(&days) {
        return Err(ApiError::invalid("days", "between 1 and 1095"));
    }
    match (&input.vacancy_id, p.role) {
        (Some(v), _) => {
            access::managed_vacancy(&state, &p, v).await?;
        }
        (None, Role::Hr) => {
            return Err(ApiError::invalid(
                "vacancy_id",
                "HR officers keep people from a competition of their organisation: name it",
            ))
        }
        (None, _) => {}
    }
    let profile = state
        .store
        .profile(&input.profile_id)
        .await?
        .ok_or_else(|| ApiError::invalid("profile_id", "no such profile"))?;
    let consented_at = profile
        .consents
        .iter()
        .filter(|c| c.purpose == ConsentPurpose::Reserve)
        .map(|c| c.granted_at)
        .max();
    let consented_at = match consented_at {
        Some(at)
            if profile.consents_to(ConsentPurpose::Reserve)
                && profile.consents_to(ConsentPurpose::Processing) =>
        {
            at
        }
        _ => {
            return Err(ApiError::Conflict(format!(
                "{} has not consented to the reserve; nobody is kept without consent",
                profile.id
            )))
        }
    };
    let now = Utc::now();
    let origin = input.vacancy_id.as_ref().map_or("", |v| v.as_str());
    // One manual entry per person and origin: adding again renews it.
    let hash = text_hash(&format!("reserve\u{0}{}\u{0}{origin}", profile.id));
    let id = ReserveEntryId::new(format!("R-{hash:016x}")).map_err(ApiError::Internal)?;
    let entry = ReserveEntry {
        id: id.clone(),
        profile_id: profile.id.clone(),
        kind: ReserveKind::Reserve,
        origin_vacancy_id: input.vacancy_id.clone(),
        rank: None,
        reason: reason.clone(),
        consented_at,
        created_at: now,
        expires_at: now + Duration::days(days),
    };
    let mut tx = state.store.begin().await?;
    tx.put_reserve_entry(&entry).await?;
    tx.audit(&p.id, "reserve.add", "reserve_entry", id.as_str(), &reason)
        .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExtendInput {
    until: DateTime<Utc>,
    reason: String,
}

/// `POST /reserve/{id}/extend`: a later expiry; the person must still consent.
pub(crate) async fn extend_entry(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ExtendInput>,
) -> Result<Json<ReserveEntry>, ApiError> {
    let id: ReserveEntryId = parse_id("reserve entry", &id)?;
    let entry = managed_entry(&state, &p, &id).await?;
    let reason = reason_of(&input.reason)?;
    let profile = state
        .store
        .profile(&entry.profile_id)
        .await?
        .ok_or_else(|| ApiError::Conflict(format!("profile {} is gone", entry.profile_id)))?;
    let longer = extend(&entry, &profile, input.until, Utc::now()).map_err(|e| match e {
        qabilet_matcher::reserve::ReserveError::ExpiryInPast(_) => {
            ApiError::invalid("until", e.to_string())
        }
        qabilet_matcher::reserve::ReserveError::NoConsent(_) => ApiError::Conflict(e.to_string()),
    })?;
    let mut tx = state.store.begin().await?;
    tx.put_reserve_entry(&longer).await?;
    let detail = json!({ "until": input.until, "reason": reason });
    tx.audit(
        &p.id,
        "reserve.extend",
        "reserve_entry",
        id.as_str(),
        &detail.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(longer))
}

/// `DELETE /reserve/{id}`: removes an entry (the audit log keeps who and when).
pub(crate) async fn remove(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let id: ReserveEntryId = parse_id("reserve entry", &id)?;
    let entry = managed_entry(&state, &p, &id).await?;
    let mut tx = state.store.begin().await?;
    tx.delete_reserve_entry(&id).await?;
    tx.audit(
        &p.id,
        "reserve.remove",
        "reserve_entry",
        id.as_str(),
        entry.profile_id.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({ "id": id, "removed": true })))
}
