//! Organisations and vacancies: reading, searching, the HR office's editor, the
//! qualification directory, and bulk import from the HRM.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use qabilet_app::catalog::{self, VacancyDraft, VacancyHits, VacancySearch};
use qabilet_app::import::{self, ImportTally};
use qabilet_app::qualifications::{self, QualificationDirectory};
use qabilet_app::{parse_id, App};
use qabilet_domain::repair::TextPolicy;
use qabilet_domain::{Organisation, Profile, Region, Vacancy, VacancyStatus};
use serde::Deserialize;
use utoipa::IntoParams;

use super::params::IdPath;
use crate::{ApiError, ApiJson, ApiPath, ApiQuery, Caller, ErrorBody, Visitor};

/// `?after=&limit=` of lists keyed by id.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct Page {
    /// The last id already seen; empty to start.
    #[serde(default)]
    after: String,
    /// At most 500; 100 unless given.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// List organisations (any signed-in caller).
#[utoipa::path(get, path = "/organisations", tag = "catalog", security(("bearer" = [])), params(Page),
    responses((status = 200, body = Vec<Organisation>), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn organisations(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<Vec<Organisation>>, ApiError> {
    Ok(Json(
        catalog::organisations(&app, &actor, &page.after, page.limit).await?,
    ))
}

/// One organisation (any signed-in caller: organisations are public).
#[utoipa::path(get, path = "/organisations/{id}", tag = "catalog", security(("bearer" = [])),
    params(IdPath),
    responses((status = 200, body = Organisation), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn organisation(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Organisation>, ApiError> {
    let id = parse_id("organisation", &id)?;
    Ok(Json(catalog::organisation(&app, &actor, &id).await?))
}

/// `?status=&region=&limit=` of vacancy lists.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct VacancyQuery {
    status: Option<VacancyStatus>,
    region: Option<Region>,
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// List vacancies by status and region. Published vacancies are public (the
/// "single window"): without a token, the open ones; drafts only for their
/// organisation's HR, the HRM client and admins.
#[utoipa::path(get, path = "/vacancies", tag = "catalog", security((), ("bearer" = [])), params(VacancyQuery),
    responses((status = 200, body = Vec<Vacancy>), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn vacancies(
    State(app): State<App>,
    Visitor(actor): Visitor,
    ApiQuery(q): ApiQuery<VacancyQuery>,
) -> Result<Json<Vec<Vacancy>>, ApiError> {
    Ok(Json(
        catalog::vacancies(&app, &actor, q.status, q.region, q.limit).await?,
    ))
}

/// One vacancy; a draft the caller may not see is "not found", like a missing one.
#[utoipa::path(get, path = "/vacancies/{id}", tag = "catalog", security((), ("bearer" = [])),
    params(IdPath),
    responses((status = 200, body = Vacancy), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn vacancy(
    State(app): State<App>,
    Visitor(actor): Visitor,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vacancy>, ApiError> {
    let id = parse_id("vacancy", &id)?;
    Ok(Json(catalog::vacancy(&app, &actor, &id).await?))
}

/// `?q=&region=&status=&limit=&offset=` of a vacancy search.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchQuery {
    /// Words, "phrases", -excluded; at most 1,000 characters.
    #[serde(default)]
    q: String,
    region: Option<Region>,
    status: Option<VacancyStatus>,
    /// At most 100; 20 unless given.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<usize>,
    /// At most 900.
    #[param(maximum = 900)]
    offset: Option<usize>,
}

/// Full-text search of vacancies (BM25 with snippets), among those the caller may
/// see.
#[utoipa::path(get, path = "/search/vacancies", tag = "catalog", security((), ("bearer" = [])), params(SearchQuery),
    responses((status = 200, body = VacancyHits), (status = "4XX", body = ErrorBody), (status = 503, body = ErrorBody)))]
pub(crate) async fn search_vacancies(
    State(app): State<App>,
    Visitor(actor): Visitor,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<VacancyHits>, ApiError> {
    let search = VacancySearch {
        text: q.q,
        region: q.region,
        status: q.status,
        limit: q.limit,
        offset: q.offset,
        ..VacancySearch::default()
    };
    Ok(Json(catalog::search_vacancies(&app, &actor, search).await?))
}

/// `?repair_text=` of an import.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ImportQuery {
    /// Repair text garbled by a wrong character encoding (UTF-8 read as
    /// Windows-1252) and drop control characters, counting the records repaired;
    /// without it such a record is refused (422) naming the field.
    #[serde(default)]
    repair_text: bool,
}

impl ImportQuery {
    fn policy(&self) -> TextPolicy {
        if self.repair_text {
            TextPolicy::Repair
        } else {
            TextPolicy::Strict
        }
    }
}

/// Bulk import of organisations, idempotent by id (hrm, admin).
#[utoipa::path(post, path = "/import/organisations", tag = "catalog", security(("bearer" = [])),
    params(ImportQuery), request_body = Vec<Organisation>,
    responses((status = 200, body = ImportTally), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn import_organisations(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiQuery(q): ApiQuery<ImportQuery>,
    ApiJson(records): ApiJson<Vec<Organisation>>,
) -> Result<Json<ImportTally>, ApiError> {
    Ok(Json(
        import::import_organisations(&app, &actor, records, q.policy()).await?,
    ))
}

/// Bulk import of vacancies, idempotent by id (hrm, admin, hr for their own
/// organisation); opening vacancies are matched against the reserve.
#[utoipa::path(post, path = "/import/vacancies", tag = "catalog", security(("bearer" = [])),
    params(ImportQuery), request_body = Vec<Vacancy>,
    responses((status = 200, body = ImportTally), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn import_vacancies(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiQuery(q): ApiQuery<ImportQuery>,
    ApiJson(records): ApiJson<Vec<Vacancy>>,
) -> Result<Json<ImportTally>, ApiError> {
    Ok(Json(
        import::import_vacancies(&app, &actor, records, q.policy()).await?,
    ))
}

/// Bulk import of profiles, idempotent by id (hrm, admin).
#[utoipa::path(post, path = "/import/profiles", tag = "catalog", security(("bearer" = [])),
    params(ImportQuery), request_body = Vec<Profile>,
    responses((status = 200, body = ImportTally), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn import_profiles(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiQuery(q): ApiQuery<ImportQuery>,
    ApiJson(records): ApiJson<Vec<Profile>>,
) -> Result<Json<ImportTally>, ApiError> {
    Ok(Json(
        import::import_profiles(&app, &actor, records, q.policy()).await?,
    ))
}

/// Create a vacancy as a draft (HR officers, in their own organisation; admins
/// name it). Requirements that depart from the qualification directory need a
/// `requirements_justification` (422 without one). Publish with
/// `POST /vacancies/{id}/status`.
#[utoipa::path(post, path = "/vacancies", tag = "catalog", security(("bearer" = [])),
    request_body = VacancyDraft,
    responses((status = 201, body = Vacancy), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn create_vacancy(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiJson(draft): ApiJson<VacancyDraft>,
) -> Result<(StatusCode, Json<Vacancy>), ApiError> {
    let vacancy = catalog::save_vacancy(&app, &actor, None, &draft).await?;
    Ok((StatusCode::CREATED, Json(vacancy)))
}

/// Edit a draft or open vacancy (HR officers of its organisation, admins); its
/// requirements are fixed once someone has applied (409).
#[utoipa::path(put, path = "/vacancies/{id}", tag = "catalog", security(("bearer" = [])),
    params(IdPath), request_body = VacancyDraft,
    responses((status = 200, body = Vacancy), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn edit_vacancy(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(draft): ApiJson<VacancyDraft>,
) -> Result<Json<Vacancy>, ApiError> {
    let id = parse_id("vacancy", &id)?;
    Ok(Json(
        catalog::save_vacancy(&app, &actor, Some(&id), &draft).await?,
    ))
}

/// The qualification directory: the typical requirements of each category
/// (HR officers, commission members, the HRM client, admins).
#[utoipa::path(get, path = "/qualifications", tag = "catalog", security(("bearer" = [])),
    responses((status = 200, body = QualificationDirectory), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn qualification_directory(
    State(app): State<App>,
    Caller(actor): Caller,
) -> Result<Json<QualificationDirectory>, ApiError> {
    Ok(Json(qualifications::directory(&app, &actor)?.clone()))
}
