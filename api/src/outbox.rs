//! Delivery of HRM events by signed webhook.
//!
//! Every server runs one worker. A worker claims the next due event in the store
//! for a lease (`Store::claim_next_event`: per aggregate in `seq` order, events of
//! different aggregates in parallel, one node per event), POSTs it to the HRM
//! system's URL, and marks it. With several servers over one PostgreSQL each event
//! is posted once; a server that dies mid-delivery leaves its claim to run out
//! (three request timeouts) and another takes the event over, repeating its
//! `Idempotency-Key`. A failed attempt is retried with exponential backoff; after
//! `max_attempts` the event moves to the dead-letter list (`GET /events/dead`) and
//! the aggregate's later events go on. The HRM can always catch up through the
//! pull feed, so a dead letter is never a lost event.
//!
//! Each request carries:
//! - `Idempotency-Key: qabilet-event-<seq>`: a retry after a lost response repeats
//!   the key, and the receiver deduplicates by it;
//! - `X-Qabilet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`:
//!   the timestamp inside the MAC lets the receiver refuse replays of old requests;
//! - `X-Qabilet-Event: <kind>`.
//!
//! The client speaks plain HTTP/1.1: receivers sit on the agency's internal network
//! (or behind a TLS-terminating proxy), and leaving TLS out keeps the build lean.

use std::time::Duration;

use bytes::Bytes;
use chrono::Utc;
use hmac::{Hmac, Mac};
use http_body_util::Full;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use qabilet_store::{OutboxEvent, Store};
use sha2::Sha256;
use tokio::sync::watch;

/// Where and how to deliver.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// `http://host:port/path` of the HRM receiver.
    pub url: String,
    /// Shared with the receiver to sign requests.
    pub secret: Vec<u8>,
    /// Attempts before an event is dead-lettered.
    pub max_attempts: i32,
    /// Wait after the first failure; doubles with each further one.
    pub base_backoff: Duration,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
    /// A receiver slower than this counts as failed.
    pub request_timeout: Duration,
    /// How often to look for new events when the outbox is empty.
    pub poll_interval: Duration,
    /// This server's name in the claims it makes.
    pub node: String,
}

impl WebhookConfig {
    /// Production defaults: 10 attempts from 1 s doubling to at most 10 min (about
    /// 40 minutes in all before a dead letter), 10 s per request, 1 s polls.
    pub fn new(url: impl Into<String>, secret: Vec<u8>) -> WebhookConfig {
        WebhookConfig {
            url: url.into(),
            secret,
            max_attempts: 10,
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(600),
            request_timeout: Duration::from_secs(10),
            poll_interval: Duration::from_secs(1),
            node: node_name(),
        }
    }

    /// The wait after the `attempts`-th failure.
    fn backoff(&self, attempts: i32) -> Duration {
        exponential_backoff(self.base_backoff, self.max_backoff, attempts)
    }
}

/// The wait after the `attempts`-th failure: `base`, doubling with each further
/// one, at most `max` (the webhook's and the email channel's rule).
pub(crate) fn exponential_backoff(base: Duration, max: Duration, attempts: i32) -> Duration {
    let doublings = attempts.saturating_sub(1).clamp(0, 30) as u32;
    base.saturating_mul(1u32 << doublings).min(max)
}

/// The signature header value for `body` sent at unix time `t`.
pub fn sign(secret: &[u8], t: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks a signature header as a receiver would (used by the tests; HRM
/// integrators can copy it).
pub fn verify(secret: &[u8], header: &str, body: &[u8]) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => v1 = hex::decode(value).ok(),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    mac.verify_slice(&v1).is_ok()
}

/// A name for this server's claims: host, process and a random part, so two
/// servers never share one.
pub fn node_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let random = qabilet_app::accounts::random_bytes().unwrap_or_default();
    format!(
        "{}:{}:{}",
        host.trim(),
        std::process::id(),
        hex::encode(&random[..4])
    )
}

/// Starts the worker; it stops when `shutdown` becomes true (or its sender drops),
/// finishing the attempt in flight first.
pub fn spawn_delivery(
    store: Store,
    config: WebhookConfig,
    shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run(store, config, shutdown))
}

async fn run(store: Store, config: WebhookConfig, mut shutdown: watch::Receiver<bool>) {
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    loop {
        if *shutdown.borrow() {
            return;
        }
        let now = Utc::now();
        let lease = chrono::Duration::from_std(config.request_timeout * 3)
            .unwrap_or(chrono::Duration::seconds(30));
        let wait = match store.claim_next_event(&config.node, now, now + lease).await {
            Ok(Some(event)) => {
                attempt(&store, &client, &config, &event).await;
                Duration::ZERO
            }
            // Nothing due: sleep until the next event falls due, or the next poll.
            Ok(None) => match store.next_event_due().await {
                Ok(Some(at)) => {
                    // Another server's claim may hold the due event: look again soon.
                    let floor = Duration::from_millis(50).min(config.poll_interval);
                    (at - Utc::now())
                        .to_std()
                        .unwrap_or(Duration::ZERO)
                        .clamp(floor, config.poll_interval)
                }
                _ => config.poll_interval,
            },
            Err(e) => {
                tracing::warn!(error = %e, "outbox: cannot claim an event");
                config.poll_interval
            }
        };
        if !wait.is_zero() {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                changed = shutdown.changed() => if changed.is_err() { return },
            }
        }
    }
}

/// One delivery attempt and its bookkeeping.
async fn attempt(
    store: &Store,
    client: &Client<HttpConnector, Full<Bytes>>,
    config: &WebhookConfig,
    event: &OutboxEvent,
) {
    let outcome = post(client, config, event).await;
    let marked = match outcome {
        Ok(()) => store.mark_event_delivered(event.seq, Utc::now()).await,
        Err(error) => {
            let attempts = event.attempts + 1;
            let dead = attempts >= config.max_attempts;
            let backoff = chrono::Duration::from_std(config.backoff(attempts))
                .unwrap_or(chrono::Duration::seconds(600));
            if dead {
                tracing::error!(seq = event.seq, %error, attempts, "outbox: event dead-lettered");
            } else {
                tracing::warn!(seq = event.seq, %error, attempts, "outbox: delivery failed; will retry");
            }
            store
                .mark_event_failed(event.seq, &error, Utc::now() + backoff, dead)
                .await
        }
    };
    if let Err(e) = marked {
        // The event stays pending and is sent again: the receiver's dedup by
        // idempotency key absorbs the repeat.
        tracing::warn!(seq = event.seq, error = %e, "outbox: cannot record the attempt");
    }
}

async fn post(
    client: &Client<HttpConnector, Full<Bytes>>,
    config: &WebhookConfig,
    event: &OutboxEvent,
) -> Result<(), String> {
    let body = Bytes::from(event.payload.clone());
    let request = hyper::Request::post(config.url.as_str())
        .header("content-type", "application/json")
        .header("idempotency-key", event.idempotency_key())
        .header("x-qabilet-event", event.kind.as_str())
        .header(
            "x-qabilet-aggregate",
            format!("{}:{}", event.aggregate_kind, event.aggregate_id),
        )
        .header(
            "x-qabilet-signature",
            sign(&config.secret, Utc::now().timestamp(), &body),
        )
        .body(Full::new(body))
        .map_err(|e| format!("bad webhook request: {e}"))?;
    let response = tokio::time::timeout(config.request_timeout, client.request(request))
        .await
        .map_err(|_| format!("no response within {:?}", config.request_timeout))?
        .map_err(|e| format!("request failed: {e}"))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("receiver answered {}", response.status()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_detect_changes() {
        let header = sign(b"k", 1_700_000_000, b"{\"a\":1}");
        assert!(verify(b"k", &header, b"{\"a\":1}"));
        assert!(!verify(b"k", &header, b"{\"a\":2}"));
        assert!(!verify(b"other", &header, b"{\"a\":1}"));
        let replayed = header.replace("t=1700000000", "t=1700000001");
        assert!(!verify(b"k", &replayed, b"{\"a\":1}"));
        assert!(!verify(b"k", "garbage", b""));
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let mut c = WebhookConfig::new("http://x", vec![]);
        c.base_backoff = Duration::from_millis(100);
        c.max_backoff = Duration::from_secs(1);
        assert_eq!(c.backoff(1), Duration::from_millis(100));
        assert_eq!(c.backoff(3), Duration::from_millis(400));
        assert_eq!(c.backoff(20), Duration::from_secs(1));
    }
}
