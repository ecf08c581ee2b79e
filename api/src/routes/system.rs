//! Liveness, readiness, metrics and this API's own document.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use qabilet_app::system::{self, Readiness};
use qabilet_app::App;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{ApiError, ErrorBody, Metrics};

/// The answer of a liveness check.
#[derive(Serialize, ToSchema)]
pub(crate) struct Health {
    status: &'static str,
}

/// Liveness: the process answers. Touches nothing, so it cannot hang.
#[utoipa::path(get, path = "/healthz", tag = "system", security(()),
    responses((status = 200, body = Health)))]
pub(crate) async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Readiness: the store answers and this server's search index has caught up with
/// it (503 otherwise, saying which), and whether search is available.
#[utoipa::path(get, path = "/readyz", tag = "system", security(()),
    responses((status = 200, body = Readiness), (status = 503, body = ErrorBody)))]
pub(crate) async fn readyz(State(app): State<App>) -> Result<Json<Readiness>, ApiError> {
    Ok(Json(system::readiness(&app).await?))
}

/// Prometheus metrics (text format). Unauthenticated, like every scrape target: it
/// shows counts by route, never records.
#[utoipa::path(get, path = "/metrics", tag = "system", security(()),
    responses((status = 200, content_type = "text/plain", body = String)))]
pub(crate) async fn metrics(
    State(app): State<App>,
    Extension(metrics): Extension<Arc<Metrics>>,
) -> impl IntoResponse {
    let text = metrics.render(&system::gauges(&app).await);
    ([(CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}

/// This OpenAPI 3.1 document; public, like the routes it describes.
#[utoipa::path(get, path = "/openapi.json", tag = "system", security(()),
    responses((status = 200, body = Object)))]
pub(crate) async fn document() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(super::openapi_document())
}
