//! The audit log (admins, read-only) and the HRM event feed.

use axum::extract::State;
use axum::Json;
use qabilet_app::records::{self, AuditVerification, DeadEvents, EventFeed};
use qabilet_app::App;
use qabilet_domain::AuditEntry;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{ApiError, ApiQuery, Caller, ErrorBody};

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

/// The audit log (admins). No route changes it.
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

/// Verify the audit log's hash chain (admins).
#[utoipa::path(get, path = "/audit/verify", tag = "records", security(("bearer" = [])),
    responses((status = 200, body = AuditVerification), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn verify_audit(
    State(app): State<App>,
    Caller(actor): Caller,
) -> Result<Json<AuditVerification>, ApiError> {
    Ok(Json(records::verify_audit(&app, &actor).await?))
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
