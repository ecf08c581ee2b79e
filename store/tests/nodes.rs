//! Several servers over one database, on SQLite and PostgreSQL: outbox claims
//! with leases (one holder per event, per-aggregate order, take-over after a
//! crash), the shared deployment secret, and the deployment-wide job lock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use qabilet_store::test_support::{self, Expect};
use qabilet_store::EventKind;
use serde_json::json;

async fn enqueue(store: &qabilet_store::Store, aggregate: &str, n: usize) {
    let mut tx = store.begin().await.unwrap();
    for i in 0..n {
        tx.enqueue_event(
            EventKind::StageResult,
            "application",
            aggregate,
            &json!({"i": i}),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_claim_holds_an_event_for_one_server_until_its_lease_runs_out() {
    for t in test_support::all().await {
        let s = &t.store;
        let name = t.name;
        // A: two events, B: one.
        let mut tx = s.begin().await.on(&t, "begin");
        for (aggregate, i) in [("A", 1), ("B", 1), ("A", 2)] {
            tx.enqueue_event(
                EventKind::StageResult,
                "application",
                aggregate,
                &json!({"i": i}),
            )
            .await
            .on(&t, "enqueue");
        }
        tx.commit().await.on(&t, "commit");
        let now = Utc::now();
        let lease = now + Duration::seconds(30);
        let a1 = s
            .claim_next_event("node-1", now, lease)
            .await
            .on(&t, "claim")
            .unwrap();
        assert_eq!(
            (a1.aggregate_id.as_str(), a1.payload.as_str()),
            ("A", r#"{"i":1}"#),
            "[{name}]"
        );
        // The second server takes B's event; A's second waits for A's first.
        let b1 = s
            .claim_next_event("node-2", now, lease)
            .await
            .on(&t, "claim")
            .unwrap();
        assert_eq!(b1.aggregate_id, "B", "[{name}]");
        assert!(
            s.claim_next_event("node-2", now, lease)
                .await
                .on(&t, "claim")
                .is_none(),
            "[{name}]"
        );
        s.mark_event_delivered(b1.seq, now).await.on(&t, "deliver");
        // node-1 dies; once its lease has run out node-2 takes A's first over.
        let later = lease + Duration::seconds(1);
        let taken = s
            .claim_next_event("node-2", later, later + Duration::seconds(30))
            .await
            .on(&t, "claim")
            .unwrap();
        assert_eq!(taken.seq, a1.seq, "[{name}] taken over");
        s.mark_event_delivered(taken.seq, later)
            .await
            .on(&t, "deliver");
        let a2 = s
            .claim_next_event("node-1", later, later + Duration::seconds(30))
            .await
            .on(&t, "claim")
            .unwrap();
        assert_eq!(a2.payload, r#"{"i":2}"#, "[{name}] A's events in order");
        // Not yet due: a failed attempt's retry time holds the event back.
        s.mark_event_failed(a2.seq, "receiver down", later + Duration::minutes(5), false)
            .await
            .on(&t, "fail");
        assert!(
            s.claim_next_event("node-1", later, later + Duration::seconds(30))
                .await
                .on(&t, "claim")
                .map(|e| e.seq != a2.seq)
                .unwrap_or(true),
            "[{name}]"
        );
    }
}

#[tokio::test]
async fn three_servers_deliver_every_event_once_and_each_aggregate_in_order() {
    for t in test_support::all().await {
        let store = t.store.clone();
        for aggregate in ["A", "B", "C", "D", "E"] {
            enqueue(&store, aggregate, 8).await;
        }
        let delivered: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
        let mut servers = Vec::new();
        for node in ["n1", "n2", "n3"] {
            let (store, delivered) = (store.clone(), delivered.clone());
            servers.push(tokio::spawn(async move {
                let mut idle = 0;
                while idle < 20 {
                    let now = Utc::now();
                    match store
                        .claim_next_event(node, now, now + Duration::seconds(30))
                        .await
                        .unwrap()
                    {
                        Some(e) => {
                            idle = 0;
                            delivered
                                .lock()
                                .unwrap()
                                .push((e.seq, e.aggregate_id.clone()));
                            tokio::task::yield_now().await;
                            store.mark_event_delivered(e.seq, Utc::now()).await.unwrap();
                        }
                        None => {
                            idle += 1;
                            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                        }
                    }
                }
            }));
        }
        for s in servers {
            s.await.unwrap();
        }
        let delivered = delivered.lock().unwrap().clone();
        assert_eq!(delivered.len(), 40, "[{}] every event once", t.name);
        let mut seen: HashMap<String, i64> = HashMap::new();
        for (seq, aggregate) in &delivered {
            let last = seen.insert(aggregate.clone(), *seq);
            assert!(
                last.is_none_or(|l| l < *seq),
                "[{}] {aggregate} out of order",
                t.name
            );
        }
    }
}

#[tokio::test]
async fn servers_share_one_secret_and_one_job_lock() {
    for t in test_support::all().await {
        let s = &t.store;
        let first = s
            .deployment_secret("webhook", || "aa".into())
            .await
            .on(&t, "secret");
        let second = s
            .deployment_secret("webhook", || "bb".into())
            .await
            .on(&t, "secret");
        assert_eq!(
            (first.as_str(), second.as_str()),
            ("aa", "aa"),
            "[{}]",
            t.name
        );

        let held = s
            .try_job_lock("checkpoint")
            .await
            .on(&t, "lock")
            .expect("free");
        let other = s.try_job_lock("checkpoint").await.on(&t, "lock");
        if t.name == "postgres" {
            assert!(other.is_none(), "held by another server");
            assert!(s.try_job_lock("other-job").await.on(&t, "lock").is_some());
        }
        drop(other);
        held.release().await;
        assert!(
            s.try_job_lock("checkpoint").await.on(&t, "lock").is_some(),
            "[{}] released",
            t.name
        );
    }
}
