//! HRM webhook delivery against a real receiver on loopback that fails for a while,
//! loses one acknowledgement, then recovers: every event arrives, exactly once as
//! the receiver sees it (deduplicated by idempotency key), in order per aggregate,
//! correctly signed. A poisoned event is dead-lettered without blocking the rest.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use qabilet_api::outbox::{spawn_delivery, verify, WebhookConfig};
use qabilet_store::test_support;
use qabilet_store::EventKind;
use serde_json::json;

const SECRET: &[u8] = b"shared-with-the-hrm";

#[derive(Default)]
struct Receiver {
    /// Requests seen, including failed and duplicate ones.
    requests: usize,
    /// First sighting of each idempotency key, in arrival order: (key, aggregate, seq).
    accepted: Vec<(String, String, i64)>,
    seen: BTreeSet<String>,
    duplicates: usize,
    bad_signatures: usize,
}

/// Fails the first 5 requests with 503, records the 7th but answers 500 (a lost
/// acknowledgement, so the sender repeats it), refuses anything "poison" with 400.
async fn receive(
    State(rx): State<Arc<Mutex<Receiver>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut rx = rx.lock().unwrap();
    rx.requests += 1;
    let n = rx.requests;
    if n <= 5 {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let signature = headers
        .get("x-qabilet-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !verify(SECRET, signature, &body) {
        rx.bad_signatures += 1;
        return StatusCode::UNAUTHORIZED;
    }
    let payload: serde_json::Value = serde_json::from_slice(&body).unwrap();
    if payload["poison"] == true {
        return StatusCode::BAD_REQUEST;
    }
    let key = headers["idempotency-key"].to_str().unwrap().to_owned();
    let aggregate = headers["x-qabilet-aggregate"].to_str().unwrap().to_owned();
    if rx.seen.insert(key.clone()) {
        let seq = payload["n"].as_i64().unwrap();
        rx.accepted.push((key, aggregate, seq));
    } else {
        rx.duplicates += 1;
    }
    if n == 7 {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    StatusCode::OK
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_arrives_once_in_order_per_aggregate() {
    for db in test_support::all().await {
        let name = db.name;
        let store = db.store.clone();

        // 30 events over 3 applications, interleaved, plus one poisoned event.
        let mut expected = BTreeMap::<String, Vec<i64>>::new();
        let mut tx = store.begin().await.unwrap();
        for n in 0..30i64 {
            let aggregate = format!("A-{}", n % 3);
            let kind = if n % 5 == 4 {
                EventKind::Decision
            } else {
                EventKind::StageResult
            };
            tx.enqueue_event(kind, "application", &aggregate, &json!({ "n": n }))
                .await
                .unwrap();
            expected
                .entry(format!("application:{aggregate}"))
                .or_default()
                .push(n);
            if n == 12 {
                tx.enqueue_event(
                    EventKind::ReserveMatch,
                    "profile",
                    "P-9",
                    &json!({ "n": -1, "poison": true }),
                )
                .await
                .unwrap();
            }
        }
        tx.commit().await.unwrap();

        let rx = Arc::new(Mutex::new(Receiver::default()));
        let app = Router::new()
            .route("/hooks/qabilet", post(receive))
            .with_state(rx.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });

        let mut config =
            WebhookConfig::new(format!("http://{addr}/hooks/qabilet"), SECRET.to_vec());
        config.base_backoff = Duration::from_millis(10);
        config.max_backoff = Duration::from_millis(80);
        config.poll_interval = Duration::from_millis(20);
        config.max_attempts = 8;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let worker = spawn_delivery(store.clone(), config, stopped);

        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let (pending, _) = store.outbox_backlog().await.unwrap();
            if pending == 0 {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "[{name}] {pending} events still pending"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        stop.send(true).unwrap();
        worker.await.unwrap();

        {
            let rx = rx.lock().unwrap();
            assert_eq!(rx.bad_signatures, 0, "[{name}]");
            assert!(
                rx.duplicates >= 1,
                "[{name}] the lost acknowledgement was not retried"
            );
            assert_eq!(rx.accepted.len(), 30, "[{name}] {:?}", rx.accepted);
            let mut per_aggregate = BTreeMap::<String, Vec<i64>>::new();
            for (_, aggregate, n) in &rx.accepted {
                per_aggregate.entry(aggregate.clone()).or_default().push(*n);
            }
            assert_eq!(per_aggregate, expected, "[{name}] order per aggregate");
        }

        // The poisoned event is on the dead-letter list after max_attempts; the
        // pull feed still has everything, in order.
        let dead = store.dead_events(10).await.unwrap();
        assert_eq!(dead.len(), 1, "[{name}]");
        assert_eq!(dead[0].aggregate_id, "P-9");
        assert_eq!(dead[0].attempts, 8);
        let feed = store.events_after(0, 100).await.unwrap();
        assert_eq!(feed.len(), 31);
        assert!(feed.windows(2).all(|w| w[0].seq < w[1].seq));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stage_results_reach_the_outbox_with_their_transaction() {
    for db in test_support::all().await {
        let s = common::start(db).await;
        let t = common::fixture(&s).await;
        let name = s.name();
        let r = s
            .post("/vacancies/V-1/applications", Some(&t.cand1), &json!({}))
            .await;
        assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
        let app = r.json["id"].as_str().unwrap().to_owned();
        let stage =
            json!({"stage": "qualification_check", "outcome": "passed", "reason": "meets all"});
        common::declare(&s, &t.hr_mf, "V-1").await;
        let r = s
            .post(
                &format!("/applications/{app}/stages"),
                Some(&t.hr_mf),
                &stage,
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        // A refused write (the same stage again) leaves nothing behind.
        let r = s
            .post(
                &format!("/applications/{app}/stages"),
                Some(&t.hr_mf),
                &stage,
            )
            .await;
        assert_eq!(r.status.as_u16(), 409, "[{name}] {}", r.text);

        let r = s.get("/events?after=0", Some(&t.hrm)).await;
        let events = r.json["events"].as_array().unwrap();
        assert_eq!(events.len(), 1, "[{name}] {}", r.text);
        assert_eq!(events[0]["kind"], "stage_result");
        assert_eq!(events[0]["aggregate_id"], app.as_str());
        assert_eq!(events[0]["payload"]["result"]["reason"], "meets all");
        let cursor = r.json["next_cursor"].as_i64().unwrap();
        let r = s
            .get(&format!("/events?after={cursor}"), Some(&t.hrm))
            .await;
        assert_eq!(r.json["events"].as_array().unwrap().len(), 0);
        assert_eq!(r.json["next_cursor"], cursor);
    }
}
