//! Users and API keys (admin), candidate profiles, the vacancies ranked for a
//! profile, and consent.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use qabilet_domain::{ConsentPurpose, OrganisationId, Profile, ProfileId};
use qabilet_store::Role;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{self, BootstrapError, NewUser};
use crate::error::{parse_id, ApiJson, ApiPath, ApiQuery};
use crate::recommend::{self, Recommendations};
use crate::routes::catalog::{validate_all, Tally};
use crate::{access, ApiError, AppState, Principal};

impl From<BootstrapError> for ApiError {
    fn from(e: BootstrapError) -> ApiError {
        match e {
            BootstrapError::Invalid(m) => ApiError::invalid("", m),
            BootstrapError::Store(s) => s.into(),
            BootstrapError::Api(m) => ApiError::Internal(m),
        }
    }
}

fn role_from(s: &str) -> Result<Role, ApiError> {
    Role::parse(s).ok_or_else(|| {
        ApiError::invalid(
            "role",
            format!("unknown role {s:?}; one of candidate, commission, hr, hrm, admin"),
        )
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateUser {
    id: String,
    role: String,
    organisation_id: Option<OrganisationId>,
    profile_id: Option<ProfileId>,
}

/// `POST /users`: admins only; returns the login secret once.
pub(crate) async fn create_user(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<CreateUser>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    p.require(&[Role::Admin])?;
    let new = NewUser {
        id: body.id,
        role: role_from(&body.role)?,
        organisation_id: body.organisation_id,
        profile_id: body.profile_id,
    };
    let secret = auth::create_user(&state.store, &p.id, &new).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": new.id, "role": new.role.as_str(), "secret": secret })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateKey {
    id: String,
    role: String,
}

/// `POST /api-keys`: admins only; returns the key once.
pub(crate) async fn create_api_key(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<CreateKey>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    p.require(&[Role::Admin])?;
    let role = role_from(&body.role)?;
    let key = auth::create_api_key(&state.store, &p.id, &body.id, role).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": body.id, "role": role.as_str(), "key": key })),
    ))
}

/// `POST /import/profiles`: HRM client and admins; idempotent by id.
pub(crate) async fn import_profiles(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(records): ApiJson<Vec<Profile>>,
) -> Result<Json<Value>, ApiError> {
    p.require(&[Role::Hrm, Role::Admin])?;
    validate_all(&records)?;
    let mut tally = Tally::default();
    let mut tx = state.store.begin().await?;
    for profile in &records {
        tally.add(tx.put_profile(profile).await?);
    }
    tx.audit(
        &p.id,
        "profile.import",
        "profile",
        "*",
        &tally.json().to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(tally.json()))
}

/// `GET /profiles/{id}`: the candidate themself, HR officers of organisations the
/// candidate applied to, the HRM client, admins. Audited: profiles are personal data.
pub(crate) async fn get_profile(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Profile>, ApiError> {
    let id: ProfileId = parse_id("profile", &id)?;
    let profile = access::readable_profile(&state, &p, &id).await?;
    if p.profile_id.as_ref() != Some(&id) {
        let mut tx = state.store.begin().await?;
        tx.audit(&p.id, "profile.view", "profile", id.as_str(), "")
            .await?;
        tx.commit().await?;
    }
    Ok(Json(profile))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VacanciesQuery {
    /// Typed words; without them the profile itself is the query.
    q: Option<String>,
    /// Most vacancies returned; 20 unless asked otherwise, at most 100.
    limit: Option<usize>,
}

/// `GET /profiles/{id}/vacancies`: open vacancies ranked for the person, each with
/// the requirements they meet and why it ranks where it does. Whoever may read the
/// profile (the candidate themself, HR for applicants to their organisation, the
/// HRM client, admins).
pub(crate) async fn vacancies_for(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<VacanciesQuery>,
) -> Result<Json<Recommendations>, ApiError> {
    let id: ProfileId = parse_id("profile", &id)?;
    let found = recommend::vacancies_for(&state, &p, &id, q.q, q.limit.unwrap_or(20)).await?;
    Ok(Json(found))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Revoke {
    /// Which consent to revoke; `processing` (the default) stops all processing.
    #[serde(default = "processing")]
    purpose: ConsentPurpose,
}

fn processing() -> ConsentPurpose {
    ConsentPurpose::Processing
}

/// `POST /profiles/{id}/consent/revoke`: the candidate themself or an admin.
/// Revoking processing consent writes the profile with the consent closed; the
/// store then emits a `remove` on the change feed, which takes the person out of
/// the index, and shortlists skip profiles without consent.
pub(crate) async fn revoke_consent(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<Revoke>,
) -> Result<Json<Value>, ApiError> {
    let id: ProfileId = parse_id("profile", &id)?;
    let own = p.role == Role::Candidate && p.profile_id.as_ref() == Some(&id);
    if !(own || p.role == Role::Admin) {
        return Err(ApiError::forbidden(
            "only the candidate or an admin may revoke consent",
        ));
    }
    let mut profile = state
        .store
        .profile(&id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("profile {id} does not exist")))?;
    let mut tx = state.store.begin().await?;
    let mut revoked = 0;
    for consent in &mut profile.consents {
        if consent.purpose == body.purpose && consent.revoked_at.is_none() {
            // Never before the grant, even with a skewed clock.
            consent.revoked_at = Some(tx_now().max(consent.granted_at));
            revoked += 1;
        }
    }
    if revoked > 0 {
        tx.put_profile(&profile).await?;
        tx.audit(
            &p.id,
            "consent.revoke",
            "profile",
            id.as_str(),
            &json!({ "purpose": body.purpose }).to_string(),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(Json(json!({
        "profile_id": id,
        "purpose": body.purpose,
        "revoked": revoked,
        "processing_consent": profile.consents_to(ConsentPurpose::Processing),
    })))
}

/// Microsecond-precision now, matching what the store keeps.
fn tx_now() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    chrono::DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}
