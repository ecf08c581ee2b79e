//! The competition: applications, stage results, the commission (seats,
//! declarations, recusal), the ranked shortlist and its overrides, talent search
//! and the protocol PDF.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use qabilet_app::commission::{self, DeclarationInput, DeclarationState, Seat};
use qabilet_app::competition::{self, OverrideInput, OverrideRecorded, Published, StageInput};
use qabilet_app::explanation::{self, ApplicationExplanation};
use qabilet_app::protocol::{self, ProtocolCheck};
use qabilet_app::shortlist::{self, Shortlist, ShortlistOptions};
use qabilet_app::talent::{self, TalentSearch};
use qabilet_app::{parse_id, App, AppError};
use qabilet_domain::{Application, ApplicationId, VacancyId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{IdPath, SeatPath};
use crate::{ApiError, ApiJson, ApiPath, ApiQuery, Caller, ErrorBody};

/// Serialises a shared (cached) value without copying it.
fn json_response<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value)
        .map_err(|e| AppError::internal(format!("response to JSON: {e}")))?;
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}

/// Apply with one's own profile (candidate), to an open vacancy before its
/// deadline; applying twice is a 409.
#[utoipa::path(post, path = "/vacancies/{id}/applications", tag = "competition", security(("bearer" = [])),
    params(IdPath),
    responses((status = 201, body = Application), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn apply(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<(StatusCode, Json<Application>), ApiError> {
    let id: VacancyId = parse_id("vacancy", &id)?;
    let application = competition::apply(&app, &actor, &id).await?;
    Ok((StatusCode::CREATED, Json(application)))
}

/// One application with its stage results (the candidate, HR of the organisation,
/// the declared commission, the HRM client, admins).
#[utoipa::path(get, path = "/applications/{id}", tag = "competition", security(("bearer" = [])),
    params(IdPath),
    responses((status = 200, body = Application), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn application(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Application>, ApiError> {
    let id: ApplicationId = parse_id("application", &id)?;
    Ok(Json(competition::application(&app, &actor, &id).await?))
}

/// How the application was decided, for its candidate (and admins): how the
/// system was used, the requirements met, each stage's result with its reason,
/// and that people decided; no other person's data.
#[utoipa::path(get, path = "/applications/{id}/explanation", tag = "competition", security(("bearer" = [])),
    params(IdPath),
    responses((status = 200, body = ApplicationExplanation), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn explanation(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ApplicationExplanation>, ApiError> {
    let id: ApplicationId = parse_id("application", &id)?;
    Ok(Json(explanation::explain(&app, &actor, &id).await?))
}

/// Record a stage result with its reason (HR of the organisation, admins; the
/// declared commission for interviews and decisions). A result that departs from
/// the ranking needs `deviation_reason`; a decision moves runners-up to the reserve.
#[utoipa::path(post, path = "/applications/{id}/stages", tag = "competition", security(("bearer" = [])),
    params(IdPath), request_body = StageInput,
    responses((status = 200, body = Application), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn record_stage(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<StageInput>,
) -> Result<Json<Application>, ApiError> {
    let id: ApplicationId = parse_id("application", &id)?;
    Ok(Json(
        competition::record_stage(&app, &actor, &id, &input).await?,
    ))
}

/// Seat a commission member (HR of the organisation, admins).
#[utoipa::path(put, path = "/vacancies/{id}/commission/{user_id}", tag = "competition", security(("bearer" = [])),
    params(SeatPath),
    responses((status = 200, body = Seat), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn seat_member(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath((id, user_id)): ApiPath<(String, String)>,
) -> Result<Json<Seat>, ApiError> {
    let id: VacancyId = parse_id("vacancy", &id)?;
    Ok(Json(
        commission::seat_member(&app, &actor, &id, &user_id).await?,
    ))
}

/// Remove a commission member's seat (HR of the organisation, admins), before the
/// competition is decided; their declaration stays on the record.
#[utoipa::path(delete, path = "/vacancies/{id}/commission/{user_id}", tag = "competition", security(("bearer" = [])),
    params(SeatPath),
    responses((status = 200, body = Seat), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn unseat_member(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath((id, user_id)): ApiPath<(String, String)>,
) -> Result<Json<Seat>, ApiError> {
    let id: VacancyId = parse_id("vacancy", &id)?;
    Ok(Json(
        commission::unseat_member(&app, &actor, &id, &user_id).await?,
    ))
}

/// A vacancy's new status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusInput {
    status: qabilet_domain::VacancyStatus,
}

/// Publish a draft (`open`), close an open vacancy, or cancel either (HR of the
/// organisation, admins); opening matches the talent reserve.
#[utoipa::path(post, path = "/vacancies/{id}/status", tag = "competition", security(("bearer" = [])),
    params(IdPath), request_body = StatusInput,
    responses((status = 200, body = qabilet_app::import::ImportTally), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn change_status(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<StatusInput>,
) -> Result<Json<qabilet_app::import::ImportTally>, ApiError> {
    let id: VacancyId = parse_id("vacancy", &id)?;
    Ok(Json(
        qabilet_app::catalog::change_status(&app, &actor, &id, input.status).await?,
    ))
}

/// Declare no conflict of interest (a seated commission member); only then does the
/// shortlist open to them.
#[utoipa::path(post, path = "/vacancies/{id}/declaration", tag = "competition", security(("bearer" = [])),
    params(IdPath), request_body = DeclarationInput,
    responses((status = 201, body = DeclarationState), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn declare(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<DeclarationInput>,
) -> Result<(StatusCode, Json<DeclarationState>), ApiError> {
    let id: VacancyId = parse_id("vacancy", &id)?;
    let state = commission::declare(&app, &actor, &id, &input).await?;
    Ok((StatusCode::CREATED, Json(state)))
}

/// Why a member recuses.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecusalInput {
    #[schema(value_type = qabilet_domain::ReasonText)]
    reason: String,
}

/// Recuse oneself (a seated commission member), for good.
#[utoipa::path(post, path = "/vacancies/{id}/recusal", tag = "competition", security(("bearer" = [])),
    params(IdPath), request_body = RecusalInput,
    responses((status = 200, body = DeclarationState), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn recuse(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<RecusalInput>,
) -> Result<Json<DeclarationState>, ApiError> {
    let id: VacancyId = parse_id("vacancy", &id)?;
    Ok(Json(
        commission::recuse(&app, &actor, &id, &input.reason).await?,
    ))
}

/// `?blind=&limit=` of a shortlist.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ShortlistQuery {
    /// Hide name, gender, birth date, contacts and photo; on unless asked otherwise.
    blind: Option<bool>,
    /// Most entries per list; 50 unless given, at most 500.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<usize>,
}

/// The ranked shortlist of the vacancy's applicants with explanations, the
/// ineligible apart (the declared commission, HR of the organisation, admins).
/// Every view is audited.
#[utoipa::path(get, path = "/vacancies/{id}/shortlist", tag = "competition", security(("bearer" = [])),
    params(IdPath, ShortlistQuery),
    responses((status = 200, body = Shortlist), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn shortlist(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<ShortlistQuery>,
) -> Result<Response, ApiError> {
    let id: VacancyId = parse_id("vacancy", &id)?;
    let opts = ShortlistOptions {
        blind: q.blind.unwrap_or(shortlist::BLIND_BY_DEFAULT),
        limit: q.limit.unwrap_or(50),
    };
    let view = shortlist::shortlist(&app, &actor, &id, opts, "api").await?;
    json_response(view.as_ref())
}

/// Override an eligibility rule with a written reason (a declared commission
/// member; audited).
#[utoipa::path(post, path = "/vacancies/{id}/eligibility/overrides", tag = "competition", security(("bearer" = [])),
    params(IdPath), request_body = OverrideInput,
    responses((status = 201, body = OverrideRecorded), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn override_rule(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<OverrideInput>,
) -> Result<(StatusCode, Json<OverrideRecorded>), ApiError> {
    let id: VacancyId = parse_id("vacancy", &id)?;
    let recorded = competition::override_rule(&app, &actor, &id, &input).await?;
    Ok((StatusCode::CREATED, Json(recorded)))
}

/// Send the shortlist to the HRM system (HR of the organisation, admins).
#[utoipa::path(post, path = "/vacancies/{id}/shortlist/publish", tag = "competition", security(("bearer" = [])),
    params(IdPath),
    responses((status = 200, body = Published), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn publish_shortlist(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Published>, ApiError> {
    let id: VacancyId = parse_id("vacancy", &id)?;
    Ok(Json(
        competition::publish_shortlist(&app, &actor, &id).await?,
    ))
}

/// `?limit=` of a talent search.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct TalentQuery {
    /// Most people per list; 50 unless given, at most 500.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<usize>,
}

/// The whole pool ranked for the vacancy, shown blind (HR of the organisation,
/// admins; audited): talent search beyond the applicants.
#[utoipa::path(get, path = "/vacancies/{id}/talent", tag = "competition", security(("bearer" = [])),
    params(IdPath, TalentQuery),
    responses((status = 200, body = TalentSearch), (status = "4XX", body = ErrorBody), (status = 503, body = ErrorBody)))]
pub(crate) async fn talent(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<TalentQuery>,
) -> Result<Json<TalentSearch>, ApiError> {
    let id: VacancyId = parse_id("vacancy", &id)?;
    Ok(Json(
        talent::search(&app, &actor, &id, q.limit.unwrap_or(50), "api").await?,
    ))
}

/// The competition's protocol as a PDF (the declared commission, declared HR of
/// the organisation, declared admins): members with their declarations, the
/// ranking with its explanation, every stage result, the decision and the audit
/// chain's hash at issue. Its SHA-256 (also in `X-Protocol-SHA256`) is recorded
/// in the audit log as `protocol.issue`.
#[utoipa::path(get, path = "/vacancies/{id}/protocol.pdf", tag = "competition", security(("bearer" = [])),
    params(IdPath),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>, description = "The protocol"), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn protocol_pdf(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id: VacancyId = parse_id("vacancy", &id)?;
    let issued = protocol::issue(&app, &actor, &id, "api").await?;
    Ok(pdf_response(issued))
}

/// A PDF download of an issued protocol, named after its vacancy.
fn pdf_response(issued: protocol::IssuedProtocol) -> Response {
    let file = format!(
        "attachment; filename=\"protocol-{}.pdf\"",
        issued.vacancy_id.as_str()
    );
    (
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (CONTENT_DISPOSITION, file),
            (
                axum::http::HeaderName::from_static("x-protocol-sha256"),
                issued.sha256,
            ),
        ],
        issued.pdf,
    )
        .into_response()
}

/// Check a protocol PDF against the audit log (admins): whether this exact file
/// was issued, by whom and when, and whether the log is intact.
#[utoipa::path(post, path = "/protocols/verify", tag = "competition", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "The PDF as downloaded"),
    responses((status = 200, body = ProtocolCheck), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn verify_protocol(
    State(app): State<App>,
    Caller(actor): Caller,
    body: Bytes,
) -> Result<Json<ProtocolCheck>, ApiError> {
    Ok(Json(protocol::verify(&app, &actor, &body).await?))
}

/// Withdraw one's own application (the candidate): recorded as `withdrawn` at the
/// stage it reached; refused once it has ended or the competition is decided.
#[utoipa::path(post, path = "/applications/{id}/withdrawal", tag = "competition", security(("bearer" = [])),
    params(IdPath),
    responses((status = 200, body = Application), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn withdraw(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Application>, ApiError> {
    let id: ApplicationId = parse_id("application", &id)?;
    Ok(Json(competition::withdraw(&app, &actor, &id).await?))
}
