//! Candidate profiles (registering, reading, saving one's own), the vacancies
//! ranked for a person, consent, preferences, and the rotation list.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use qabilet_app::accounts::registration::{self, Registered, Registration};
use qabilet_app::notifications::Notification;
use qabilet_app::people::{self, ConsentGrant, ConsentRevocation, CvReading, ProfileEdit};
use qabilet_app::preferences::{self, PreferenceOrder};
use qabilet_app::rotation::{self, RotationEntry};
use qabilet_app::vacancies_for_person::{self, Recommendations};
use qabilet_app::{parse_id, App};
use qabilet_domain::{Application, ConsentPurpose, Profile, ProfileId};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::params::IdPath;
use crate::{ApiError, ApiJson, ApiPath, ApiQuery, Caller, ClientOf, ErrorBody};

/// One profile (the candidate themself, HR of an organisation they applied to, the
/// HRM client, admins). Audited when read by someone else.
#[utoipa::path(get, path = "/profiles/{id}", tag = "people", security(("bearer" = [])),
    params(IdPath),
    responses((status = 200, body = Profile), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn profile(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Profile>, ApiError> {
    let id: ProfileId = parse_id("profile", &id)?;
    Ok(Json(people::profile(&app, &actor, &id).await?))
}

/// `?q=&limit=` of a person's ranked vacancies.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct VacanciesQuery {
    /// Typed words; without them the profile itself is the query.
    q: Option<String>,
    /// Most vacancies returned; 20 unless given, at most 100.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<usize>,
}

/// Open vacancies ranked for the person, each with the requirements they meet and
/// why it ranks where it does (whoever may read the profile).
#[utoipa::path(get, path = "/profiles/{id}/vacancies", tag = "people", security(("bearer" = [])),
    params(IdPath, VacanciesQuery),
    responses((status = 200, body = Recommendations), (status = "4XX", body = ErrorBody), (status = 503, body = ErrorBody)))]
pub(crate) async fn vacancies_for(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<VacanciesQuery>,
) -> Result<Json<Recommendations>, ApiError> {
    let id: ProfileId = parse_id("profile", &id)?;
    let found =
        vacancies_for_person::vacancies_for(&app, &actor, &id, q.q.as_deref(), q.limit).await?;
    Ok(Json(found))
}

/// Which consent to revoke.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Revoke {
    /// `processing` (the default) stops all processing.
    #[serde(default = "processing")]
    purpose: ConsentPurpose,
}

fn processing() -> ConsentPurpose {
    ConsentPurpose::Processing
}

/// Revoke a consent (the candidate themself, admins): revoking processing stops
/// all processing and removes the person from search.
#[utoipa::path(post, path = "/profiles/{id}/consent/revoke", tag = "people", security(("bearer" = [])),
    params(IdPath), request_body = Revoke,
    responses((status = 200, body = ConsentRevocation), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn revoke_consent(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<Revoke>,
) -> Result<Json<ConsentRevocation>, ApiError> {
    let id: ProfileId = parse_id("profile", &id)?;
    Ok(Json(
        people::revoke_consent(&app, &actor, &id, body.purpose).await?,
    ))
}

/// The consent to give.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Grant {
    purpose: ConsentPurpose,
}

/// Give a consent (the candidate themself only): `processing` brings the profile
/// back into search, `reserve` lets it be kept in the talent reserve.
#[utoipa::path(post, path = "/profiles/{id}/consent/grant", tag = "people", security(("bearer" = [])),
    params(IdPath), request_body = Grant,
    responses((status = 200, body = ConsentGrant), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn grant_consent(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<Grant>,
) -> Result<Json<ConsentGrant>, ApiError> {
    let id: ProfileId = parse_id("profile", &id)?;
    Ok(Json(
        people::grant_consent(&app, &actor, &id, body.purpose).await?,
    ))
}

/// The signed-in candidate's notifications, newest first: their stage results and
/// decisions, and reserve offers (a new vacancy matched their reserve entry, with
/// the fit). Only the person reads them.
#[utoipa::path(get, path = "/notifications", tag = "people", security(("bearer" = [])),
    responses((status = 200, body = Vec<Notification>), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn notifications(
    State(app): State<App>,
    Caller(actor): Caller,
) -> Result<Json<Vec<Notification>>, ApiError> {
    Ok(Json(qabilet_app::notifications::inbox(&app, &actor).await?))
}

/// Register a candidate account with its profile (anyone; throttled per client
/// address). The person then signs in (`POST /sessions`) and fills the profile
/// (`PUT /profiles/{id}`). A taken user id is a 409.
#[utoipa::path(post, path = "/registrations", tag = "people", security(()),
    request_body = Registration,
    responses((status = 201, body = Registered), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn register(
    State(app): State<App>,
    ClientOf(client): ClientOf,
    ApiJson(registration): ApiJson<Registration>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    let registered = registration::register(&app, &registration, &client).await?;
    Ok((StatusCode::CREATED, Json(registered)))
}

/// Save one's own profile (the candidate only), checked field by field with the
/// rules of an import; consents change through their own routes.
#[utoipa::path(put, path = "/profiles/{id}", tag = "people", security(("bearer" = [])),
    params(IdPath), request_body = ProfileEdit,
    responses((status = 200, body = Profile), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn save_profile(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(edit): ApiJson<ProfileEdit>,
) -> Result<Json<Profile>, ApiError> {
    let id: ProfileId = parse_id("profile", &id)?;
    let profile = people::save_own_profile(&app, &actor, &id, &edit).await?;
    Ok(Json(people::for_viewer(&app, &actor, profile)))
}

/// Put one's applications in play in a new order of preference (the candidate):
/// every one of them, each once, first choice first.
#[utoipa::path(put, path = "/applications/preferences", tag = "people", security(("bearer" = [])),
    request_body = PreferenceOrder,
    responses((status = 200, body = Vec<Application>), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn reorder_applications(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiJson(order): ApiJson<PreferenceOrder>,
) -> Result<Json<Vec<Application>>, ApiError> {
    Ok(Json(preferences::reorder(&app, &actor, &order).await?))
}

/// People three years or more in one post (HR officers: their organisation's;
/// admins: everyone's), longest first. Audited.
#[utoipa::path(get, path = "/rotation", tag = "people", security(("bearer" = [])),
    responses((status = 200, body = Vec<RotationEntry>), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn rotation(
    State(app): State<App>,
    Caller(actor): Caller,
) -> Result<Json<Vec<RotationEntry>>, ApiError> {
    Ok(Json(rotation::rotation_list(&app, &actor).await?))
}

/// Upload one's own CV (the candidate): a PDF or DOCX of at most 5 MiB as the
/// request body. Its text becomes the profile's summary; the file is not kept.
/// Too large: 413; another format: 415; damaged, encrypted or without a text
/// layer (a scan): 422.
#[utoipa::path(put, path = "/profiles/{id}/cv", tag = "people", security(("bearer" = [])),
    params(IdPath),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The CV file, PDF or DOCX"),
    responses((status = 200, body = CvReading), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn upload_cv(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    body: axum::body::Bytes,
) -> Result<Json<CvReading>, ApiError> {
    let id: ProfileId = parse_id("profile", &id)?;
    Ok(Json(
        people::read_cv(&app, &actor, &id, body.to_vec()).await?,
    ))
}
