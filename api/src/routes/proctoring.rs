//! The proctoring review queue over HTTP: run an analysis, list and read flags,
//! decide them. Who may see which flag is the use cases' rule
//! (`qabilet_app::proctoring`).

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use qabilet_app::proctoring::{
    self, AnalysisSaved, FlagPage, FlagQuery, Review, ANALYSIS_INPUT_LIMIT,
};
use qabilet_app::{parse_id, App};
use qabilet_domain::VacancyId;
use qabilet_store::{FlagStatus, StoredFlag};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::params::FlagPath;
use crate::error::is_json;
use crate::{ApiError, ApiJson, ApiPath, ApiQuery, Caller, ErrorBody};

/// The analysis route with its own body limit (the server-wide one still applies
/// first, and the smaller wins).
pub(crate) fn analyses() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(create_analysis))
        .layer(DefaultBodyLimit::max(ANALYSIS_INPUT_LIMIT))
}

/// `?vacancy_id=` of an analysis.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct AnalysisQuery {
    /// The vacancy whose test this is; required of HR officers.
    vacancy_id: Option<String>,
}

/// Analyse a test's sessions (form, sessions, events; see proctoring/FORMAT.md) and
/// queue the flags (HR of the vacancy's organisation, admins).
#[utoipa::path(post, path = "/proctoring/analyses", tag = "proctoring", security(("bearer" = [])),
    params(AnalysisQuery), request_body(content = qabilet_proctoring::Dataset, content_type = "application/json", description = "A test's sessions: proctoring/FORMAT.md"),
    responses((status = 201, body = AnalysisSaved), (status = 200, body = AnalysisSaved, description = "Analysed before: nothing new saved"), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn create_analysis(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiQuery(query): ApiQuery<AnalysisQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<AnalysisSaved>), ApiError> {
    let vacancy: Option<VacancyId> = query
        .vacancy_id
        .as_deref()
        .map(|raw| parse_id("vacancy", raw))
        .transpose()?;
    if !is_json(&headers) {
        return Err(ApiError::UnsupportedMediaType(
            "the body must be JSON, sent with Content-Type: application/json".into(),
        ));
    }
    let saved = proctoring::analyze(&app, &actor, vacancy.as_ref(), body.to_vec()).await?;
    let status = if saved.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(saved)))
}

/// `?status=&vacancy_id=&run_id=&after=&limit=` of the queue.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct FlagsQuery {
    status: Option<FlagStatus>,
    vacancy_id: Option<String>,
    run_id: Option<String>,
    /// The `next_after` of the previous page.
    #[serde(default)]
    after: String,
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// The flag queue, most severe first, limited to the caller's vacancies (HR of the
/// organisation, seated commission members, admins). Items leave out the evidence.
#[utoipa::path(get, path = "/proctoring/flags", tag = "proctoring", security(("bearer" = [])), params(FlagsQuery),
    responses((status = 200, body = FlagPage), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn flags(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiQuery(q): ApiQuery<FlagsQuery>,
) -> Result<Json<FlagPage>, ApiError> {
    let query = FlagQuery {
        status: q.status.map(|s| s.as_str().to_owned()),
        vacancy_id: q.vacancy_id,
        run_id: q.run_id,
        after: q.after,
        limit: q.limit,
    };
    Ok(Json(proctoring::flags(&app, &actor, &query).await?))
}

/// One flag with its evidence (event timeline, response times, answer grid).
#[utoipa::path(get, path = "/proctoring/flags/{id}", tag = "proctoring", security(("bearer" = [])),
    params(FlagPath),
    responses((status = 200, body = StoredFlag), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn flag(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<StoredFlag>, ApiError> {
    Ok(Json(proctoring::flag(&app, &actor, &id).await?))
}

/// Confirm or dismiss a flag with a comment (audited; a confirmation is sent to the
/// HRM system).
#[utoipa::path(post, path = "/proctoring/flags/{id}/review", tag = "proctoring", security(("bearer" = [])),
    params(FlagPath), request_body = Review,
    responses((status = 200, body = StoredFlag), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn review(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<Review>,
) -> Result<Json<StoredFlag>, ApiError> {
    Ok(Json(proctoring::review(&app, &actor, &id, &input).await?))
}
