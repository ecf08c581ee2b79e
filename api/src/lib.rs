//! The HTTP API of Qabilet.
//!
//! One axum [`Router`] over the [`Store`] (system of record) and, when built, the
//! search [`Index`]. Handlers are thin: they authenticate ([`Principal`]), decide
//! access (`access`), call the store and write the audit log and the HRM outbox in
//! the same transaction as the change they record.
//!
//! - `error`: [`ApiError`], the one JSON error shape, and extractors that never 5xx.
//! - `auth`: bearer tokens (API keys, signed sessions) and bootstrap of users/keys.
//! - `access`: who may see which vacancy, profile, application and shortlist.
//! - `routes`: one module per resource.
//! - [`follower`]: applies the store's change feed to the index while serving.
//! - [`matching`]: the ranked shortlist use case (store + index + matcher).
//! - [`view_audit`]: group commit of the audit entries of shortlist views.
//! - `metrics`: Prometheus counters and histograms.
//! - `outbox`: signed webhook delivery of HRM events with retries and dead letters.
//! - `web`: server-rendered pages for candidates, commissions and HR (cookie sessions).

mod access;
mod auth;
mod error;
pub mod follower;
pub mod matching;
mod metrics;
pub mod outbox;
pub mod recommend;
mod reserve;
mod routes;
pub mod view_audit;
mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, StatusCode};
use axum::Router;
use qabilet_indexer::Index;
use qabilet_store::Store;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use auth::{
    create_api_key, create_user, hash_secret, issue_session, random_bytes as random_key,
    BootstrapError, NewUser, Principal,
};
pub use error::{ApiError, ApiJson};
pub use metrics::Metrics;
pub use qabilet_store::Role;
pub use routes::proctoring::{queue_entries, ANALYSIS_BODY_LIMIT};

/// Settings of one server.
#[derive(Clone)]
pub struct ApiConfig {
    /// Signs session tokens. Losing it only signs everyone out; leaking it lets
    /// anyone forge sessions, so it lives in a 0600 file in the data directory.
    pub session_key: Vec<u8>,
    /// How long a session token is valid.
    pub session_ttl: Duration,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Requests running longer are answered 408 and dropped.
    pub request_timeout: Duration,
}

impl ApiConfig {
    /// Defaults suited to a single node: 12-hour sessions, 4 MiB bodies (a bulk
    /// import of a few hundred profiles), 30-second requests.
    pub fn new(session_key: Vec<u8>) -> ApiConfig {
        ApiConfig {
            session_key,
            session_ttl: Duration::from_secs(12 * 3600),
            body_limit: 4 << 20,
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// Shared by every request. Cloning is shallow: every field is a handle.
#[derive(Clone)]
pub struct AppState {
    /// The system of record.
    pub store: Store,
    /// The search index, once one is built. A `std` RwLock because searches are
    /// synchronous CPU work run on the blocking pool, and writers (the change-feed
    /// follower) hold it only to apply a batch; no `.await` is ever held under it.
    pub index: Option<Arc<RwLock<Index>>>,
    pub config: Arc<ApiConfig>,
    pub metrics: Arc<Metrics>,
    /// Ranking settings, the embedding model and its query-vector cache.
    pub matching: Arc<matching::Matching>,
    /// Group commit of shortlist-view audit entries.
    pub view_audit: Arc<view_audit::ViewAudit>,
}

impl AppState {
    pub fn new(store: Store, config: ApiConfig) -> AppState {
        AppState {
            store,
            index: None,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            matching: Arc::new(matching::Matching::new(None)),
            view_audit: Arc::new(view_audit::ViewAudit::default()),
        }
    }

    /// Ranks with the dense signal: query embeddings come from `model`.
    pub fn with_model(mut self, model: Arc<qabilet_models::EmbeddingModel>) -> AppState {
        self.matching = Arc::new(matching::Matching::new(Some(model)));
        self
    }

    /// Serves searches from `index`.
    pub fn with_index(mut self, index: Arc<RwLock<Index>>) -> AppState {
        self.index = Some(index);
        self
    }
}

/// The OpenAPI 3 document served at `GET /openapi.json`, built from the same route
/// table as the router.
pub fn openapi_document() -> serde_json::Value {
    routes::openapi_document()
}

/// Deadlines are calendar days in Kazakhstan (UTC+5 since 2024), not in UTC: an
/// application at 23:30 in Astana on the last day is on time, and a vacancy whose
/// last day was yesterday in Astana is closed at 01:00 there.
pub(crate) fn today_in_kazakhstan() -> chrono::NaiveDate {
    let offset =
        chrono::FixedOffset::east_opt(5 * 3600).unwrap_or_else(|| unreachable!("valid offset"));
    chrono::Utc::now().with_timezone(&offset).date_naive()
}

/// The whole API with its layers.
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let config = state.config.clone();
    routes::routes()
        // Inside routing, so the route template is known for the metric labels.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .with_state(state)
        // Each `.layer` wraps the ones before it. Inside out: body limits (two on
        // purpose: tower-http refuses a declared Content-Length early, axum's bounds
        // what an extractor reads of a chunked body), the timeout, panics caught;
        // then every non-JSON error from those rewritten into the one error shape;
        // compression outside that so it compresses the final body; the request id
        // outermost so every log line and the response carry it.
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(RequestBodyLimitLayer::new(config.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::map_response(error::json_error_bodies))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// Serves on `addr` until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    state: AppState,
    addr: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(state, listener, shutdown).await
}

/// Like [`serve`] on a listener already bound (tests bind port 0 and read the port).
pub async fn serve_on(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(addr = %listener.local_addr()?, "serving the API");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
