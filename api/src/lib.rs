//! The HTTP API of Qabilet: JSON over the application core.
//!
//! Every route is a thin adapter: it parses the request (path, query, body),
//! authenticates the caller ([`Caller`]), calls one use case of `qabilet_app` and
//! renders its answer as JSON, or its refusal as the one error shape
//! ([`ApiError`]). No route opens a store transaction or ranks: the rules live in
//! the use cases, shared with the web pages and the CLI.
//!
//! - `routes`: one module per resource; [`routes`] is the single list of routes,
//!   from which the OpenAPI document (utoipa, schemas derived from the types) is
//!   built, so a route cannot be served undocumented.
//! - `error`: [`ApiError`], the mapping of use-case failures to HTTP statuses, and
//!   extractors that never answer 5xx for bad input.
//! - `auth`: the bearer token → [`qabilet_app::Actor`].
//! - `metrics`: Prometheus counters and histograms by route template.
//! - `hardening`: security headers on every response; bounds on request heads.
//! - [`outbox`]: signed webhook delivery of HRM events with retries and dead letters.
//! - [`email`]: candidates' notifications mailed from the same outbox, with retries.
//!
//! [`router`] merges the API with other routes on the same server (the web pages,
//! `qabilet-web`) and puts the HTTP layers (request ids, timeouts, body limits,
//! compression, metrics) around all of them.

mod auth;
pub mod email;
mod error;
mod hardening;
mod metrics;
pub mod outbox;
mod routes;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, StatusCode};
use axum::{Extension, Router};
use qabilet_app::App;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::classify::ServerErrorsFailureClass;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use auth::{client_of, Caller, ClientOf, SetupCaller, Visitor};
pub use error::{status_of, ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody};
pub use metrics::Metrics;
pub use routes::{openapi_document, routes};

/// HTTP settings of one server.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Requests running longer are answered 408 and dropped.
    pub request_timeout: Duration,
    /// A connection that has not sent a whole request head this long after it
    /// started one is closed (slowloris).
    pub header_read_timeout: Duration,
}

impl Default for HttpConfig {
    /// 6 MiB bodies (the largest is a CV upload, 5 MiB as `qabilet_cv` allows,
    /// in its multipart framing; a bulk import of a few hundred profiles is less),
    /// 30-second requests, 10 seconds for a request head.
    fn default() -> Self {
        HttpConfig {
            body_limit: 6 << 20,
            request_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(10),
        }
    }
}

/// The API's routes merged with `pages` (routes of the same [`App`] that are not
/// part of the JSON API, such as the web pages), with every HTTP layer around them.
pub fn router(app: App, pages: Router<App>, http: &HttpConfig) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let metrics = Arc::new(Metrics::default());
    routes()
        .merge(pages)
        // Inside routing, so the route template is known for the metric labels.
        .route_layer(axum::middleware::from_fn_with_state(
            metrics.clone(),
            metrics::track,
        ))
        .with_state(app)
        .layer(Extension(metrics))
        // Each `.layer` wraps the ones before it. Inside out: body limits (two on
        // purpose: tower-http refuses a declared Content-Length early, axum's bounds
        // what an extractor reads of a chunked body), the timeout, panics caught;
        // then every non-JSON error from those rewritten into the one error shape;
        // compression outside that so it compresses the final body; the request id
        // outermost so every log line and the response carry it.
        .layer(DefaultBodyLimit::max(http.body_limit))
        .layer(RequestBodyLimitLayer::new(http.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            http.request_timeout,
        ))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::map_response(error::json_error_bodies))
        .layer(axum::middleware::from_fn(hardening::close_if_body_unread))
        .layer(axum::middleware::from_fn(hardening::request_bounds))
        .layer(axum::middleware::map_response(hardening::security_headers))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().on_failure(log_failure))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// Logs a request that failed: at ERROR, except 503, which says the node cannot
/// serve now (`/readyz` while the index catches up, polled every second by a load
/// balancer) and is logged at DEBUG, so that a bulk import does not fill the log
/// with errors that are not.
fn log_failure(class: ServerErrorsFailureClass, latency: Duration, _: &tracing::Span) {
    let latency_ms = latency.as_millis();
    match class {
        ServerErrorsFailureClass::StatusCode(StatusCode::SERVICE_UNAVAILABLE) => {
            tracing::debug!(%class, latency_ms, "response failed")
        }
        _ => tracing::error!(%class, latency_ms, "response failed"),
    }
}

/// Serves `router` on `addr` until `shutdown` completes, then lets in-flight
/// requests finish.
pub async fn serve(
    router: Router,
    addr: SocketAddr,
    http: HttpConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(router, listener, http, shutdown).await
}

/// Like [`serve`] on a listener already bound (tests bind port 0 and read the port).
///
/// HTTP/1.1 connections served by hyper directly rather than `axum::serve`, for
/// what that does not expose: a header read timeout (a client that never finishes
/// its request head — slowloris — is cut off after [`HttpConfig::header_read_timeout`])
/// and the peer's address on every request (`ConnectInfo`, for the per-address
/// sign-in throttle and the session record). The first request head of each
/// connection is looked at before hyper parses it, so an over-long URI or header
/// block gets the JSON 414/431 rather than hyper's empty one; hyper's own buffer
/// bound is set above [`hardening::MAX_HEADER_BYTES`] so that on later requests of a
/// kept-alive connection the JSON answer of the bounds layer comes first.
pub async fn serve_on(
    router: Router,
    listener: tokio::net::TcpListener,
    http: HttpConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt as _;

    tracing::info!(addr = %listener.local_addr()?, "serving");
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(http.header_read_timeout)
        .max_buf_size(hardening::MAX_HEADER_BYTES * 4);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors, say: wait rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            },
        );
        let watcher = graceful.watcher();
        let builder = builder.clone();
        let timeout = http.header_read_timeout;
        tokio::spawn(async move {
            if let Some(answer) = hardening::oversized_first_head(&stream, timeout).await {
                hardening::refuse_connection(stream, &answer).await;
                return;
            }
            let connection =
                builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            if let Err(e) = watcher.watch(connection).await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
