//! The audit log (admins and auditors, read-only), its signed checkpoints, and the
//! HRM event feed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use qabilet_app::checkpoints::{self, AnchoredVerification, Checkpoint};
use qabilet_app::records::{self, DeadEvents, EventFeed};
use qabilet_app::replay::{self, Replay};
use qabilet_app::App;
use qabilet_domain::AuditEntry;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{ApiError, ApiJson, ApiPath, ApiQuery, Caller, ErrorBody};

/// `?after=&limit=` of a sequence.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct Cursor {
    /// The last `seq` already seen; 0 to start.
    #[serde(default)]
    after: i64,
    /// At most 500; 100 unless given.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// The audit log (admins, auditors). No route changes it.
#[utoipa::path(get, path = "/audit", tag = "records", security(("bearer" = [])), params(Cursor),
    responses((status = 200, body = Vec<AuditEntry>), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn audit_log(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiQuery(c): ApiQuery<Cursor>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    Ok(Json(
        records::audit_log(&app, &actor, c.after, c.limit).await?,
    ))
}

/// Verify the audit log's hash chain, and that it still holds the entry the
/// newest checkpoint file vouches for (admins, auditors).
#[utoipa::path(get, path = "/audit/verify", tag = "records", security(("bearer" = [])),
    responses((status = 200, body = AnchoredVerification), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn verify_audit(
    State(app): State<App>,
    Caller(actor): Caller,
) -> Result<Json<AnchoredVerification>, ApiError> {
    let latest = checkpoints::latest_file(&app)?;
    Ok(Json(checkpoints::verify(&app, &actor, latest).await?))
}

/// Verify the audit log against a checkpoint kept elsewhere (the HRM system's
/// copy, a file): a log cut short or rewritten after it is not intact (admins,
/// auditors).
#[utoipa::path(post, path = "/audit/verify", tag = "records", security(("bearer" = [])),
    request_body = Checkpoint,
    responses((status = 200, body = AnchoredVerification), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn verify_audit_against(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiJson(checkpoint): ApiJson<Checkpoint>,
) -> Result<Json<AnchoredVerification>, ApiError> {
    Ok(Json(
        checkpoints::verify(&app, &actor, Some(checkpoint)).await?,
    ))
}

/// Sign the head of the audit log now and publish the checkpoint to the event
/// feed (admins); 204 when nothing happened since the last one.
#[utoipa::path(post, path = "/audit/checkpoints", tag = "records", security(("bearer" = [])),
    responses((status = 201, body = Checkpoint), (status = 204), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn take_checkpoint(
    State(app): State<App>,
    Caller(actor): Caller,
) -> Result<Response, ApiError> {
    Ok(match checkpoints::take(&app, &actor).await? {
        Some(c) => (StatusCode::CREATED, Json(c)).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// Recompute the ranking an audited shortlist view or stage result recorded,
/// from its recorded signals, and compare it with the ranking now (admins,
/// auditors); 409 for an entry that recorded no ranking.
#[utoipa::path(get, path = "/audit/{seq}/replay", tag = "records", security(("bearer" = [])),
    params(("seq" = i64, Path, description = "The audit entry's number")),
    responses((status = 200, body = Replay), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn replay_entry(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(seq): ApiPath<i64>,
) -> Result<Json<Replay>, ApiError> {
    Ok(Json(replay::replay(&app, &actor, seq).await?))
}

/// The HRM event feed after a cursor (the HRM client, admins); `next_cursor`
/// continues from this page.
#[utoipa::path(get, path = "/events", tag = "records", security(("bearer" = [])), params(Cursor),
    responses((status = 200, body = EventFeed), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn events(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiQuery(c): ApiQuery<Cursor>,
) -> Result<Json<EventFeed>, ApiError> {
    Ok(Json(records::events(&app, &actor, c.after, c.limit).await?))
}

/// Events that failed delivery too often (the HRM client, admins).
#[utoipa::path(get, path = "/events/dead", tag = "records", security(("bearer" = [])), params(Cursor),
    responses((status = 200, body = DeadEvents), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn dead_events(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiQuery(c): ApiQuery<Cursor>,
) -> Result<Json<DeadEvents>, ApiError> {
    Ok(Json(records::dead_events(&app, &actor, c.limit).await?))
}
