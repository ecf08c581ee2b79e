//! The talent reserve and the second-best registry: list, add, extend, remove, and
//! who in it fits a vacancy.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use qabilet_app::reserve::{self, Extension, NewEntry, Removed, ReserveQuery};
use qabilet_app::{parse_id, App};
use qabilet_domain::{ReserveEntry, ReserveEntryId, ReserveKind, VacancyId};
use qabilet_matcher::reserve::ReserveMatchEvent;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::IdPath;
use crate::{ApiError, ApiJson, ApiPath, ApiQuery, Caller, ErrorBody};

/// `?kind=&active=&vacancy=&limit=` of the reserve.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    kind: Option<ReserveKind>,
    /// `true`: only entries in force; `false`: only expired ones.
    active: Option<bool>,
    /// Entries from this vacancy's competition.
    #[param(value_type = Option<String>, pattern = "^[A-Za-z0-9._:-]{1,64}$")]
    vacancy: Option<VacancyId>,
    /// The last entry id already seen (the id of the previous page's last entry).
    after: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    limit: Option<usize>,
}

/// Reserve and second-best entries in the caller's scope (HR: their
/// organisation's competitions; the HRM client, admins: all).
#[utoipa::path(get, path = "/reserve", tag = "reserve", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = Vec<ReserveEntry>), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn list(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<ReserveEntry>>, ApiError> {
    let query = ReserveQuery {
        kind: q.kind,
        active: q.active,
        vacancy: q.vacancy,
        after: q.after,
        limit: q.limit,
    };
    Ok(Json(reserve::list(&app, &actor, &query).await?))
}

/// Keep a consenting person in the reserve (HR with a vacancy of their
/// organisation, the HRM client, admins); adding again renews the entry.
#[utoipa::path(post, path = "/reserve", tag = "reserve", security(("bearer" = [])), request_body = NewEntry,
    responses((status = 201, body = ReserveEntry), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn add(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiJson(input): ApiJson<NewEntry>,
) -> Result<(StatusCode, Json<ReserveEntry>), ApiError> {
    let entry = reserve::add(&app, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

/// Move an entry's expiry later, at most 1,095 days from now (HR in scope, the HRM
/// client, admins).
#[utoipa::path(post, path = "/reserve/{id}/extend", tag = "reserve", security(("bearer" = [])),
    params(IdPath), request_body = Extension,
    responses((status = 200, body = ReserveEntry), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn extend(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<Extension>,
) -> Result<Json<ReserveEntry>, ApiError> {
    let id: ReserveEntryId = parse_id("reserve entry", &id)?;
    Ok(Json(
        reserve::extend_entry(&app, &actor, &id, &input).await?,
    ))
}

/// Remove an entry (HR in scope, the HRM client, admins); the audit log keeps who
/// and when.
#[utoipa::path(delete, path = "/reserve/{id}", tag = "reserve", security(("bearer" = [])),
    params(IdPath),
    responses((status = 200, body = Removed), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn remove(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Removed>, ApiError> {
    let id: ReserveEntryId = parse_id("reserve entry", &id)?;
    Ok(Json(reserve::remove(&app, &actor, &id).await?))
}

/// Who in the reserve would be notified if the vacancy opened now.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReserveMatches {
    vacancy_id: VacancyId,
    matches: Vec<ReserveMatchEvent>,
}

/// The reserve matched against the vacancy now, best first; writes nothing (HR of
/// the organisation, the HRM client, admins).
#[utoipa::path(get, path = "/vacancies/{id}/reserve-matches", tag = "reserve", security(("bearer" = [])),
    params(IdPath),
    responses((status = 200, body = ReserveMatches), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn matches(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ReserveMatches>, ApiError> {
    let id: VacancyId = parse_id("vacancy", &id)?;
    let (vacancy, matches) = reserve::preview_matches(&app, &actor, &id).await?;
    Ok(Json(ReserveMatches {
        vacancy_id: vacancy.id,
        matches,
    }))
}
