//! The proctoring review queue on SQLite and PostgreSQL alike: idempotent saves,
//! queue order and filters, one audited decision per flag, the outbox event of a
//! confirmation.

use qabilet_domain::{parse_json, Organisation, Vacancy};
use qabilet_store::test_support::{self, Expect, TestStore};
use qabilet_store::{EventKind, FlagFilter, FlagScope, FlagStatus, NewFlag, NewRun, StoreError};
use serde_json::json;

async fn seed_vacancy(t: &TestStore) {
    let org: Organisation = parse_json(
        r#"{"id":"MF","name_kk":"Қаржы министрлігі","name_ru":"Министерство финансов",
            "kind":"ministry","region":"astana"}"#,
    )
    .unwrap();
    let vacancy: Vacancy = parse_json(
        r#"{"id":"V-1","organisation_id":"MF","title":"Главный специалист",
            "description":"Ведение учета","category":"B-4","region":"astana",
            "deadline":"2026-12-20","status":"open",
            "requirements":{"education_level":"higher","min_years_total":2}}"#,
    )
    .unwrap();
    let mut tx = t.store.begin().await.on(t, "begin");
    tx.put_organisation(&org).await.on(t, "org");
    tx.put_vacancy(&vacancy).await.on(t, "vacancy");
    tx.commit().await.on(t, "commit");
}

fn run(id: &str, sha: &str) -> NewRun {
    NewRun {
        id: id.into(),
        form_id: "form-A".into(),
        vacancy_id: Some("V-1".into()),
        created_by: "admin-1".into(),
        input_sha256: sha.into(),
        sessions: 300,
        summary: json!({"alpha_pairs": 0.001}),
    }
}

fn flag(id: &str, severity: &str, p: f64, sessions: &[&str]) -> NewFlag {
    NewFlag {
        id: id.into(),
        detector: if sessions.len() == 2 {
            "answer_similarity".into()
        } else {
            "fast_correct".into()
        },
        severity: severity.into(),
        session_ids: sessions.iter().map(|s| s.to_string()).collect(),
        examinee_ids: sessions.iter().map(|s| format!("e-{s}")).collect(),
        statistic: 12.5,
        p_value: p,
        threshold: 1e-6,
        nominal_false_alarm_rate: 0.001,
        false_alarm_scope: "per_session".into(),
        summary: "summary".into(),
        evidence: json!({"answer_grid": {"key": "ABCD", "answers": ["ABCA", "ABCA"]}}),
    }
}

fn all_open(limit: i64) -> FlagFilter {
    FlagFilter {
        scope: FlagScope::All,
        status: Some(FlagStatus::Open),
        vacancy_id: None,
        run_id: None,
        after: String::new(),
        limit,
    }
}

#[tokio::test]
async fn saving_is_idempotent_and_the_queue_is_sorted_by_severity() {
    for t in test_support::all().await {
        seed_vacancy(&t).await;
        let s = &t.store;
        let flags = vec![
            flag("fst-low", "low", 5e-7, &["s1"]),
            flag("sim-high-weak", "high", 1e-9, &["s2", "s3"]),
            flag("sim-high-strong", "high", 1e-15, &["s4", "s5"]),
            flag("fst-medium", "medium", 5e-8, &["s6"]),
        ];
        let saved = s
            .save_proctoring_run(&run("run-1", "abc"), &flags)
            .await
            .on(&t, "save");
        assert!(saved.created);
        assert_eq!((saved.flags, saved.flags_queued), (4, 4));
        let again = s
            .save_proctoring_run(&run("run-1", "abc"), &flags)
            .await
            .on(&t, "save again");
        assert!(!again.created, "[{}] the same run again is a no-op", t.name);
        assert_eq!(again.flags_queued, 0);
        let reused = s.save_proctoring_run(&run("run-1", "other"), &flags).await;
        assert!(
            matches!(reused, Err(StoreError::Conflict(_))),
            "[{}] {reused:?}",
            t.name
        );
        // A later run over the same sessions finds the flags already queued.
        let later = s
            .save_proctoring_run(&run("run-2", "def"), &flags[..2])
            .await
            .on(&t, "later run");
        assert_eq!((later.flags_queued, later.flags_already_queued), (0, 2));

        let listed = s.proctoring_flags(&all_open(10)).await.on(&t, "list");
        let ids: Vec<&str> = listed.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            ["sim-high-strong", "sim-high-weak", "fst-medium", "fst-low"],
            "[{}]",
            t.name
        );
        // Paging with the cursor walks the same order.
        let first = s.proctoring_flags(&all_open(2)).await.on(&t, "page 1");
        let next = s
            .proctoring_flags(&FlagFilter {
                after: first[1].cursor.clone(),
                ..all_open(2)
            })
            .await
            .on(&t, "page 2");
        assert_eq!(next[0].id, "fst-medium");
        let one = s
            .proctoring_flag("sim-high-strong")
            .await
            .on(&t, "get")
            .expect("stored");
        assert_eq!(one.session_ids, ["s4", "s5"]);
        assert_eq!(one.evidence["answer_grid"]["key"], "ABCD");
        assert_eq!(one.vacancy_id.as_deref(), Some("V-1"));
        assert!(s.proctoring_flag("nope").await.on(&t, "get").is_none());
        let run = s.proctoring_run("run-1").await.on(&t, "run").expect("run");
        assert_eq!((run.sessions, run.flags), (300, 4));
        assert_eq!(run.summary["alpha_pairs"], 0.001);

        // Scopes: HR of another organisation and an unseated member see nothing.
        for scope in [
            FlagScope::Organisation("OTHER".into()),
            FlagScope::SeatedUser("nobody".into()),
        ] {
            let seen = s
                .proctoring_flags(&FlagFilter {
                    scope,
                    ..all_open(10)
                })
                .await
                .on(&t, "scoped");
            assert!(seen.is_empty(), "[{}]", t.name);
        }
        let own = s
            .proctoring_flags(&FlagFilter {
                scope: FlagScope::Organisation("MF".into()),
                vacancy_id: Some("V-1".into()),
                ..all_open(10)
            })
            .await
            .on(&t, "own org");
        assert_eq!(own.len(), 4);
    }
}

#[tokio::test]
async fn a_review_is_audited_once_and_a_confirmation_reaches_the_outbox() {
    for t in test_support::all().await {
        seed_vacancy(&t).await;
        let s = &t.store;
        let flags = vec![
            flag("sim-1", "high", 1e-12, &["s1", "s2"]),
            flag("fst-1", "low", 5e-7, &["s3"]),
        ];
        s.save_proctoring_run(&run("run-1", "abc"), &flags)
            .await
            .on(&t, "save");
        let audit_before = s.audit_entries(0, 100).await.on(&t, "audit").len();

        let blank = s
            .review_proctoring_flag("sim-1", FlagStatus::Confirmed, "  ", "rev-1")
            .await;
        assert!(
            matches!(blank, Err(StoreError::Conflict(_))),
            "[{}]",
            t.name
        );

        let confirmed = s
            .review_proctoring_flag(
                "sim-1",
                FlagStatus::Confirmed,
                "same 14 wrong answers; seated next to each other",
                "rev-1",
            )
            .await
            .on(&t, "confirm");
        assert_eq!(confirmed.status, FlagStatus::Confirmed);
        let review = confirmed.review.clone().expect("review");
        assert_eq!(review.reviewer, "rev-1");

        let twice = s
            .review_proctoring_flag("sim-1", FlagStatus::Dismissed, "changed my mind", "rev-2")
            .await;
        match twice {
            Err(StoreError::Conflict(m)) => assert!(m.contains("rev-1"), "[{}] {m}", t.name),
            other => panic!("[{}] second review: {other:?}", t.name),
        }
        let missing = s
            .review_proctoring_flag("nope", FlagStatus::Dismissed, "x", "rev-1")
            .await;
        assert!(
            matches!(missing, Err(StoreError::NotFound { .. })),
            "[{}]",
            t.name
        );

        s.review_proctoring_flag("fst-1", FlagStatus::Dismissed, "slow network", "rev-1")
            .await
            .on(&t, "dismiss");

        let audit = s.audit_entries(0, 100).await.on(&t, "audit");
        let reviews: Vec<_> = audit[audit_before..]
            .iter()
            .map(|e| (e.action.as_str(), e.subject_id.as_str()))
            .collect();
        assert_eq!(
            reviews,
            [
                ("proctoring.flag.confirm", "sim-1"),
                ("proctoring.flag.dismiss", "fst-1")
            ],
            "[{}] failed reviews leave no audit entry",
            t.name
        );
        assert!(audit[audit_before]
            .detail
            .contains("seated next to each other"));
        assert!(s.verify_audit_chain().await.on(&t, "verify").is_ok());

        let events = s.events_after(0, 100).await.on(&t, "events");
        assert_eq!(events.len(), 1, "[{}] only the confirmation", t.name);
        assert_eq!(events[0].kind, EventKind::ProctoringFlagConfirmed);
        assert_eq!(events[0].aggregate_id, "sim-1");
        assert!(events[0].payload.contains("\"s2\""));

        let confirmed_list = s
            .proctoring_flags(&FlagFilter {
                status: Some(FlagStatus::Confirmed),
                ..all_open(10)
            })
            .await
            .on(&t, "confirmed");
        assert_eq!(confirmed_list.len(), 1);
        let open = s.proctoring_flags(&all_open(10)).await.on(&t, "open");
        assert!(open.is_empty(), "[{}]", t.name);
    }
}

#[tokio::test]
async fn a_run_for_an_unknown_vacancy_writes_nothing() {
    for t in test_support::all().await {
        let s = &t.store;
        let bad = s
            .save_proctoring_run(&run("run-x", "abc"), &[flag("f", "low", 5e-7, &["s"])])
            .await;
        assert!(
            matches!(bad, Err(StoreError::Conflict(_))),
            "[{}] {bad:?}",
            t.name
        );
        assert!(s.proctoring_run("run-x").await.on(&t, "run").is_none());
        let bad_severity = s
            .save_proctoring_run(
                &NewRun {
                    vacancy_id: None,
                    ..run("run-y", "abc")
                },
                &[flag("f", "extreme", 5e-7, &["s"])],
            )
            .await;
        assert!(matches!(bad_severity, Err(StoreError::Conflict(_))));
        assert!(s.proctoring_flag("f").await.on(&t, "flag").is_none());
    }
}
