//! The index follower inside the server: a vacancy imported over HTTP becomes
//! searchable over HTTP, and a consent revoked over HTTP leaves the index, each
//! within about a second, with no `qabilet index sync` in between, and a kept
//! shortlist no longer shows the person.

mod common;

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use qabilet_app::follower::{spawn_follower, DEFAULT_TICK};
use qabilet_domain::ProfileId;
use qabilet_indexer::{Index, IndexConfig};
use qabilet_store::test_support;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_leaves_search_within_a_second() {
    for db in test_support::all().await {
        let dir = tempfile::tempdir().unwrap();
        let index = Arc::new(RwLock::new(
            Index::open(dir.path(), IndexConfig::default()).unwrap(),
        ));
        let s = common::start_with_index(db, index.clone()).await;
        let name = s.name();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let follower = spawn_follower(
            s.db.store.clone(),
            index.clone(),
            None,
            DEFAULT_TICK,
            stopped,
        );
        // As `qabilet serve` does: kept shortlists are then checked against the
        // index's change number instead of every applicant's profile.
        s.app.note_index_followed();
        let t = common::fixture(&s).await;
        common::apply_both_and_declare(&s, &t).await;

        let p1 = ProfileId::new("P-1").unwrap();
        let within = |what: &'static str, check: Box<dyn Fn() -> bool + Send>| async move {
            let start = Instant::now();
            while !check() {
                assert!(
                    start.elapsed() < Duration::from_millis(1_500),
                    "{what}: not within a second"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            start.elapsed()
        };
        let idx = index.clone();
        let id = p1.clone();
        within(
            "P-1 indexed",
            Box::new(move || idx.read().unwrap().contains_profile(&id).unwrap()),
        )
        .await;

        // A new vacancy imported over HTTP is found over HTTP.
        let mut v = common::vacancy(
            "V-NEW",
            "MF",
            chrono::Utc::now().date_naive() + chrono::Duration::days(5),
        );
        v["title"] = json!("Инспектор по охране пастбищ");
        let r = s.post("/import/vacancies", Some(&t.hrm), &json!([v])).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let start = Instant::now();
        loop {
            let r = s
                .get(
                    "/search/vacancies?q=%D0%BF%D0%B0%D1%81%D1%82%D0%B1%D0%B8%D1%89",
                    Some(&t.cand1),
                )
                .await;
            assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
            if r.json["hits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["id"] == "V-NEW")
            {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_millis(1_500),
                "[{name}] V-NEW not searchable"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }

        // The commission's shortlist, ranked and kept, has P-1.
        let applicants = |r: &common::Reply| -> Vec<String> {
            ["eligible", "ineligible"]
                .iter()
                .flat_map(|list| r.json[list].as_array().cloned().unwrap_or_default())
                .map(|e| e["profile_id"].as_str().unwrap().to_owned())
                .collect()
        };
        let r = s.get("/vacancies/V-1/shortlist", Some(&t.com1)).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert!(
            applicants(&r).contains(&"P-1".to_owned()),
            "[{name}] {}",
            r.text
        );

        // Revocation over HTTP: out of the index within a second.
        let r = s
            .post("/profiles/P-1/consent/revoke", Some(&t.cand1), &json!({}))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let idx = index.clone();
        let id = p1.clone();
        let took = within(
            "P-1 removed",
            Box::new(move || !idx.read().unwrap().contains_profile(&id).unwrap()),
        )
        .await;
        eprintln!("[{name}] revocation reached the index in {took:?}");
        // The kept shortlist is dropped once the index has committed the change
        // (its change number moves a moment after the profile leaves search).
        let start = Instant::now();
        loop {
            let r = s.get("/vacancies/V-1/shortlist", Some(&t.com1)).await;
            assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
            let shown = applicants(&r);
            assert!(shown.contains(&"P-2".to_owned()), "[{name}] {}", r.text);
            if !shown.contains(&"P-1".to_owned()) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_millis(1_500),
                "[{name}] the kept shortlist still shows P-1"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(index
            .read()
            .unwrap()
            .contains_profile(&ProfileId::new("P-2").unwrap())
            .unwrap());

        stop.send(true).unwrap();
        follower.await.unwrap();
    }
}
