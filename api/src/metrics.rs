//! Request counters and latency histograms, with the `prometheus` crate.
//!
//! Labels are the *route template* (`/vacancies/{id}`), never the raw path, so a
//! scan of random URLs cannot grow the series without bound. Gauges the use cases
//! know (the HRM outbox's backlog, cached query embeddings) are read at scrape time
//! from `qabilet_app::system::gauges`.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry};
use std::sync::Arc;

/// The server's metrics; one per server.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
}

impl Default for Metrics {
    fn default() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "qabilet_http_requests_total",
                "HTTP requests by route and status.",
            ),
            &["method", "route", "status"],
        )
        .unwrap_or_else(|e| unreachable!("valid metric: {e}"));
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "qabilet_http_request_duration_seconds",
                "HTTP request latency by route.",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
            ]),
            &["method", "route"],
        )
        .unwrap_or_else(|e| unreachable!("valid metric: {e}"));
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
        ] {
            registry
                .register(c)
                .unwrap_or_else(|e| unreachable!("registered once: {e}"));
        }
        Metrics {
            registry,
            requests,
            latency,
        }
    }
}

impl Metrics {
    /// The Prometheus exposition text, with `gauges` (name, help, value) added.
    pub fn render(&self, gauges: &[(&str, &str, i64)]) -> String {
        let mut families = self.registry.gather();
        for (name, help, value) in gauges {
            if let Ok(g) = IntGauge::new(*name, *help) {
                g.set(*value);
                families.extend(prometheus::core::Collector::collect(&g));
            }
        }
        prometheus::TextEncoder::new()
            .encode_to_string(&families)
            .unwrap_or_default()
    }
}

/// Middleware: times the request and counts it under its route template.
pub(crate) async fn track(
    State(metrics): State<Arc<Metrics>>,
    req: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics
        .requests
        .with_label_values(&[method.as_str(), route.as_str(), status.as_str()])
        .inc();
    metrics
        .latency
        .with_label_values(&[method.as_str(), route.as_str()])
        .observe(start.elapsed().as_secs_f64());
    response
}
