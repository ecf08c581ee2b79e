//! Storage behaviour, run against SQLite and PostgreSQL alike.

use qabilet_domain::{parse_json, Organisation, Profile, ProfileId, Vacancy, VacancyId};
use qabilet_store::test_support::{self, Expect};
use qabilet_store::{ChangeOp, Put, RecordKind, StoreError};

fn organisation() -> Organisation {
    parse_json(
        r#"{"id":"MF","name_kk":"Қаржы министрлігі","name_ru":"Министерство финансов",
            "kind":"ministry","region":"astana"}"#,
    )
    .unwrap()
}

fn vacancy(id: &str, title: &str) -> Vacancy {
    parse_json(&format!(
        r#"{{"id":"{id}","organisation_id":"MF","title":"{title}",
            "description":"Ведение бухгалтерского учета","category":"B-4","region":"astana",
            "deadline":"2026-12-20","status":"open",
            "requirements":{{"education_level":"higher","min_years_total":2}}}}"#
    ))
    .unwrap()
}

fn profile(id: &str, revoked: bool) -> Profile {
    let revoked = if revoked {
        r#","revoked_at":"2026-03-01T00:00:00Z""#
    } else {
        ""
    };
    parse_json(&format!(
        r#"{{"id":"{id}","full_name":"Айгерім Сапарова","region":"astana",
            "summary":"Бухгалтер","skills":["1С"],
            "consents":[{{"purpose":"processing","granted_at":"2026-01-01T00:00:00Z"{revoked}}}]}}"#
    ))
    .unwrap()
}

#[tokio::test]
async fn records_round_trip_and_upserts_are_idempotent() {
    for t in test_support::all().await {
        let s = &t.store;
        let mut tx = s.begin().await.on(&t, "begin");
        assert_eq!(
            tx.put_organisation(&organisation()).await.on(&t, "org"),
            Put::Inserted
        );
        let v = vacancy("V-1", "Главный специалист");
        assert_eq!(tx.put_vacancy(&v).await.on(&t, "vacancy"), Put::Inserted);
        let p = profile("P-1", false);
        assert_eq!(tx.put_profile(&p).await.on(&t, "profile"), Put::Inserted);
        tx.commit().await.on(&t, "commit");

        let id = VacancyId::new("V-1").unwrap();
        assert_eq!(
            s.vacancy(&id).await.on(&t, "get").as_ref(),
            Some(&v),
            "[{}]",
            t.name
        );
        let pid = ProfileId::new("P-1").unwrap();
        assert_eq!(
            s.profile(&pid).await.on(&t, "get").as_ref(),
            Some(&p),
            "[{}]",
            t.name
        );

        // Writing the same records again changes nothing and adds no change entries.
        let before = s.last_change_seq().await.on(&t, "seq");
        let mut tx = s.begin().await.on(&t, "begin");
        assert_eq!(
            tx.put_organisation(&organisation()).await.on(&t, "org"),
            Put::Unchanged
        );
        assert_eq!(tx.put_vacancy(&v).await.on(&t, "vacancy"), Put::Unchanged);
        assert_eq!(tx.put_profile(&p).await.on(&t, "profile"), Put::Unchanged);
        let edited = vacancy("V-1", "Ведущий специалист");
        assert_eq!(tx.put_vacancy(&edited).await.on(&t, "edit"), Put::Updated);
        tx.commit().await.on(&t, "commit");
        let changes = s.changes_after(before, 100).await.on(&t, "changes");
        assert_eq!(changes.len(), 1, "[{}] {changes:?}", t.name);
        assert_eq!(changes[0].kind, RecordKind::Vacancy);
        assert_eq!(
            s.vacancy(&id).await.on(&t, "get").unwrap().title,
            "Ведущий специалист"
        );
    }
}

#[tokio::test]
async fn profiles_load_by_id_in_batches_larger_than_one_query() {
    for t in test_support::all().await {
        let s = &t.store;
        let mut tx = s.begin().await.on(&t, "begin");
        let ids: Vec<String> = (0..1_203).map(|i| format!("P-{i:05}")).collect();
        for id in &ids {
            tx.put_profile(&profile(id, false)).await.on(&t, "profile");
        }
        tx.commit().await.on(&t, "commit");
        let mut wanted: Vec<&str> = ids.iter().map(String::as_str).step_by(2).collect();
        wanted.push("P-absent");
        let got = s.profiles_by_ids(&wanted).await.on(&t, "by ids");
        assert_eq!(got.len(), wanted.len() - 1, "[{}]", t.name);
        assert!(!got.contains_key("P-absent"), "[{}]", t.name);
        assert_eq!(got["P-01202"].id.as_str(), "P-01202", "[{}]", t.name);
        assert!(s.profiles_by_ids(&[]).await.on(&t, "none").is_empty());
    }
}

#[tokio::test]
async fn an_uncommitted_transaction_leaves_nothing() {
    for t in test_support::all().await {
        let s = &t.store;
        {
            let mut tx = s.begin().await.on(&t, "begin");
            tx.put_organisation(&organisation()).await.on(&t, "org");
            tx.put_vacancy(&vacancy("V-1", "x")).await.on(&t, "vacancy");
            // dropped without commit
        }
        let counts = s.counts().await.on(&t, "counts");
        assert_eq!(
            (counts.organisations, counts.vacancies),
            (0, 0),
            "[{}]",
            t.name
        );
        assert_eq!(s.last_change_seq().await.on(&t, "seq"), 0, "[{}]", t.name);
    }
}

#[tokio::test]
async fn a_vacancy_of_an_unknown_organisation_is_a_conflict() {
    for t in test_support::all().await {
        let mut tx = t.store.begin().await.on(&t, "begin");
        let err = tx.put_vacancy(&vacancy("V-1", "x")).await.unwrap_err();
        assert!(
            matches!(&err, StoreError::Conflict(m) if m.contains("import organisations first")),
            "[{}] {err}",
            t.name
        );
    }
}

#[tokio::test]
async fn revoking_consent_and_deleting_feed_removals() {
    for t in test_support::all().await {
        let s = &t.store;
        let mut tx = s.begin().await.on(&t, "begin");
        tx.put_profile(&profile("P-1", false)).await.on(&t, "p1");
        tx.put_profile(&profile("P-2", false)).await.on(&t, "p2");
        tx.commit().await.on(&t, "commit");
        let seq = s.last_change_seq().await.on(&t, "seq");

        let mut tx = s.begin().await.on(&t, "begin");
        tx.put_profile(&profile("P-1", true)).await.on(&t, "revoke");
        tx.delete_profile(&ProfileId::new("P-2").unwrap())
            .await
            .on(&t, "delete");
        let missing = tx.delete_profile(&ProfileId::new("P-9").unwrap()).await;
        assert!(
            matches!(missing, Err(StoreError::NotFound { .. })),
            "[{}]",
            t.name
        );
        tx.commit().await.on(&t, "commit");

        let changes = s.changes_after(seq, 10).await.on(&t, "changes");
        let ops: Vec<_> = changes
            .iter()
            .map(|c| (c.record_id.as_str(), c.op))
            .collect();
        assert_eq!(
            ops,
            [("P-1", ChangeOp::Remove), ("P-2", ChangeOp::Remove)],
            "[{}]",
            t.name
        );
        assert!(changes.windows(2).all(|w| w[0].seq < w[1].seq));
        assert_eq!(
            s.counts().await.on(&t, "counts").profiles,
            1,
            "[{}]",
            t.name
        );
    }
}

#[tokio::test]
async fn pages_walk_every_record_once_in_id_order() {
    for t in test_support::all().await {
        let s = &t.store;
        let mut tx = s.begin().await.on(&t, "begin");
        for i in 0..25 {
            tx.put_profile(&profile(&format!("P-{i:03}"), false))
                .await
                .on(&t, "put");
        }
        tx.commit().await.on(&t, "commit");
        let mut seen = Vec::new();
        let mut after = String::new();
        loop {
            let page = s.profiles_page(&after, 10).await.on(&t, "page");
            let Some(last) = page.last() else { break };
            after = last.id.to_string();
            seen.extend(page.into_iter().map(|p| p.id.to_string()));
        }
        let expected: Vec<String> = (0..25).map(|i| format!("P-{i:03}")).collect();
        assert_eq!(seen, expected, "[{}]", t.name);
    }
}

#[tokio::test]
async fn the_audit_chain_verifies_and_detects_tampering() {
    for t in test_support::all().await {
        let s = &t.store;
        for i in 0..3 {
            let mut tx = s.begin().await.on(&t, "begin");
            tx.audit("hr-1", "shortlist.view", "vacancy", &format!("V-{i}"), "{}")
                .await
                .on(&t, "audit");
            tx.commit().await.on(&t, "commit");
        }
        assert_eq!(
            s.verify_audit_chain().await.on(&t, "verify"),
            Ok(3),
            "[{}]",
            t.name
        );

        // The database refuses edits outright...
        let url = t.url.clone();
        let refused =
            test_support::raw_execute(&url, "UPDATE audit_log SET actor = 'x' WHERE seq = 2").await;
        assert!(refused.is_err(), "[{}] update was allowed", t.name);

        // ...and someone who disables that protection is still caught by the chain.
        let drop_trigger = if t.name == "sqlite" {
            "DROP TRIGGER audit_log_no_update"
        } else {
            "DROP TRIGGER audit_log_no_update_or_delete ON audit_log"
        };
        test_support::raw_execute(&url, drop_trigger).await.unwrap();
        test_support::raw_execute(&url, "UPDATE audit_log SET actor = 'x' WHERE seq = 2")
            .await
            .unwrap();
        let broken = s.verify_audit_chain().await.on(&t, "verify").unwrap_err();
        assert_eq!(broken.seq, 2, "[{}] {broken}", t.name);
    }
}

#[tokio::test]
async fn a_bad_url_is_a_clear_error() {
    let err = qabilet_store::Store::connect("mysql://x")
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .contains("expected sqlite://FILE or postgres://"),
        "{err}"
    );
}

#[tokio::test]
async fn an_application_id_cannot_be_reused_for_another_candidate() {
    use qabilet_domain::Application;
    for t in test_support::all().await {
        let s = &t.store;
        let mut tx = s.begin().await.on(&t, "begin");
        tx.put_organisation(&organisation()).await.on(&t, "org");
        tx.put_vacancy(&vacancy("V-1", "x")).await.on(&t, "vacancy");
        tx.put_profile(&profile("P-1", false)).await.on(&t, "p1");
        tx.put_profile(&profile("P-2", false)).await.on(&t, "p2");
        let app = |profile: &str| -> Application {
            parse_json(&format!(
                r#"{{"id":"A-1","vacancy_id":"V-1","profile_id":"{profile}","submitted_at":"2026-11-01T10:00:00Z"}}"#
            ))
            .unwrap()
        };
        assert_eq!(
            tx.put_application(&app("P-1")).await.on(&t, "apply"),
            Put::Inserted
        );
        assert_eq!(
            tx.put_application(&app("P-1")).await.on(&t, "again"),
            Put::Unchanged
        );
        let err = tx.put_application(&app("P-2")).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "[{}] {err}", t.name);
    }
}

/// The stamps a shortlist keeps decoded profiles by: every write that changes a
/// profile moves its stamp, an unchanged write does not, and a profile erased and
/// created again never comes back with a stamp it had before.
#[tokio::test]
async fn applicant_stamps_move_with_every_profile_write() {
    use qabilet_domain::Application;
    let application = |id: &str, profile: &str| -> Application {
        parse_json(&format!(
            r#"{{"id":"{id}","vacancy_id":"V-1","profile_id":"{profile}","submitted_at":"2026-11-01T10:00:00Z"}}"#
        ))
        .unwrap()
    };
    for t in test_support::all().await {
        let s = &t.store;
        let v = VacancyId::new("V-1").unwrap();
        let mut tx = s.begin().await.on(&t, "begin");
        tx.put_organisation(&organisation()).await.on(&t, "org");
        tx.put_vacancy(&vacancy("V-1", "x")).await.on(&t, "vacancy");
        for (a, p) in [("A-1", "P-1"), ("A-2", "P-2")] {
            tx.put_profile(&profile(p, false)).await.on(&t, "profile");
            tx.put_application(&application(a, p)).await.on(&t, "apply");
        }
        tx.commit().await.on(&t, "commit");
        let stamps = |rows: Vec<(Application, Option<qabilet_store::ProfileStamp>)>| {
            rows.into_iter()
                .map(|(a, s)| (a.id.to_string(), s.unwrap()))
                .collect::<Vec<_>>()
        };
        let first = stamps(s.applicant_stamps(&v).await.on(&t, "stamps"));
        assert_eq!(first.len(), 2, "[{}]", t.name);
        assert_eq!(
            (first[0].0.as_str(), first[0].1.id.as_str()),
            ("A-1", "P-1")
        );

        // The body read by id carries the same stamp, and decodes to the profile.
        let bodies = s
            .profile_bodies(&["P-1", "P-absent"])
            .await
            .on(&t, "bodies");
        assert_eq!(bodies.len(), 1, "[{}]", t.name);
        assert_eq!(bodies[0].stamp, first[0].1, "[{}]", t.name);
        let decoded: Profile = serde_json::from_str(&bodies[0].body).unwrap();
        assert_eq!(decoded, profile("P-1", false), "[{}]", t.name);

        // A consent withdrawn moves P-1's stamp; P-2 written unchanged keeps its own.
        let mut tx = s.begin().await.on(&t, "begin");
        tx.put_profile(&profile("P-1", true)).await.on(&t, "revoke");
        tx.put_profile(&profile("P-2", false)).await.on(&t, "same");
        tx.commit().await.on(&t, "commit");
        let second = stamps(s.applicant_stamps(&v).await.on(&t, "stamps"));
        assert_ne!(second[0].1, first[0].1, "[{}]", t.name);
        assert_eq!(second[0].1.version, first[0].1.version + 1, "[{}]", t.name);
        assert_eq!(second[1].1, first[1].1, "[{}]", t.name);

        // Erased and created again (with its application): a stamp never seen.
        let p2 = ProfileId::new("P-2").unwrap();
        let mut tx = s.begin().await.on(&t, "begin");
        tx.delete_profile(&p2).await.on(&t, "erase");
        tx.commit().await.on(&t, "commit");
        assert_eq!(s.applicant_stamps(&v).await.on(&t, "stamps").len(), 1);
        let mut tx = s.begin().await.on(&t, "begin");
        let mut again = profile("P-2", false);
        again.summary = "Экономист".into();
        tx.put_profile(&again).await.on(&t, "again");
        tx.put_application(&application("A-2", "P-2"))
            .await
            .on(&t, "apply");
        tx.commit().await.on(&t, "commit");
        let third = stamps(s.applicant_stamps(&v).await.on(&t, "stamps"));
        assert_eq!(third[1].1.version, 1, "[{}]", t.name);
        assert_ne!(third[1].1, first[1].1, "[{}]", t.name);

        // More ids than one query binds: each found once, the absent skipped.
        let absent: Vec<String> = (0..1_203).map(|i| format!("X-{i}")).collect();
        let mut ids = vec!["P-1"];
        ids.extend(absent.iter().map(String::as_str));
        ids.push("P-2");
        let mut found: Vec<String> = s
            .profile_bodies(&ids)
            .await
            .on(&t, "many")
            .into_iter()
            .map(|b| b.stamp.id)
            .collect();
        found.sort();
        assert_eq!(found, ["P-1", "P-2"], "[{}]", t.name);
    }
}

/// The shortlist's access check in one query: seat, declaration and recusal as
/// written, per user, and nothing for a vacancy that does not exist.
#[tokio::test]
async fn a_vacancy_standing_follows_seat_declaration_and_recusal() {
    use qabilet_store::{Role, User};
    for t in test_support::all().await {
        let s = &t.store;
        let mut tx = s.begin().await.on(&t, "begin");
        tx.put_organisation(&organisation()).await.on(&t, "org");
        tx.put_vacancy(&vacancy("V-1", "x")).await.on(&t, "vacancy");
        for id in ["com-1", "com-2"] {
            let user = User {
                id: id.into(),
                role: Role::Commission,
                organisation_id: None,
                profile_id: None,
                disabled: false,
            };
            tx.insert_user(&user, "hash").await.on(&t, "user");
        }
        tx.seat_commission_member("V-1", "com-1")
            .await
            .on(&t, "seat");
        tx.commit().await.on(&t, "commit");
        let backend = &t;
        let standing = |user: &'static str| async move {
            s.vacancy_standing("V-1", user)
                .await
                .on(backend, "standing")
                .map(|f| (f.vacancy.id.to_string(), f.seated, f.declared, f.recused))
        };
        let v1 = || "V-1".to_owned();
        assert_eq!(standing("com-1").await, Some((v1(), true, false, false)));
        assert_eq!(standing("com-2").await, Some((v1(), false, false, false)));

        let mut tx = s.begin().await.on(&t, "begin");
        tx.declare("V-1", "com-1", "no conflict")
            .await
            .on(&t, "declare");
        tx.commit().await.on(&t, "commit");
        assert_eq!(standing("com-1").await, Some((v1(), true, true, false)));
        assert_eq!(standing("com-2").await, Some((v1(), false, false, false)));

        let mut tx = s.begin().await.on(&t, "begin");
        tx.recuse("V-1", "com-1", "a relative applied")
            .await
            .on(&t, "recuse");
        tx.commit().await.on(&t, "commit");
        assert_eq!(standing("com-1").await, Some((v1(), true, true, true)));
        let missing = s.vacancy_standing("V-404", "com-1").await.on(&t, "missing");
        assert!(missing.is_none(), "[{}]", t.name);
    }
}
