//! Oversight over HTTP, on SQLite and PostgreSQL: the funnel and time to hire
//! from a data set built here, a replay that matches and a tampered ranking
//! record it catches, and a truncated audit log caught by a checkpoint.

mod common;

use common::{fixture, start, Server, Tokens};
use hyper::{Method, StatusCode};
use qabilet_app::import::{Import, ImportKind};
use qabilet_domain::{parse_json, Application, Profile, Vacancy};
use qabilet_store::test_support;
use serde_json::{json, Value};

fn stage(stage: &str, outcome: &str, day: &str) -> Value {
    json!({"stage": stage, "outcome": outcome, "decided_at": format!("{day}T10:00:00Z"),
           "decided_by": "com-1", "reason": "по итогам этапа"})
}

/// Two decided competitions of MF: H-1 (published 2026-01-01, hired on day 40)
/// and H-2 (published 2026-02-01, hired on day 20); five applications.
async fn history(s: &Server) {
    let operator = common::operator();
    let mut import = Import::begin(&s.app, &operator, ImportKind::Vacancies)
        .await
        .unwrap();
    for (id, published, deadline) in [
        ("H-1", "2026-01-01", "2026-01-15"),
        ("H-2", "2026-02-01", "2026-02-15"),
    ] {
        let mut v = common::vacancy(id, "MF", deadline.parse().unwrap());
        v["published_on"] = json!(published);
        v["status"] = json!("closed");
        let v: Vacancy = parse_json(&v.to_string()).unwrap();
        import.vacancy(&v).await.unwrap();
    }
    import.commit("test").await.unwrap();
    let mut import = Import::begin(&s.app, &operator, ImportKind::Profiles)
        .await
        .unwrap();
    for id in ["P-3", "P-4", "P-5"] {
        let p: Profile = parse_json(&common::profile(id, "Тест Тестов").to_string()).unwrap();
        import.profile(&p).await.unwrap();
    }
    import.commit("test").await.unwrap();
    let q = |o: &str| stage("qualification_check", o, "2026-01-20");
    let applications = [
        (
            "H-1",
            "P-1",
            vec![
                q("passed"),
                stage("test", "passed", "2026-01-25"),
                stage("interview", "passed", "2026-02-01"),
                stage("decision", "passed", "2026-02-10"),
            ],
        ),
        (
            "H-1",
            "P-2",
            vec![q("passed"), stage("test", "failed", "2026-01-25")],
        ),
        ("H-1", "P-3", vec![q("failed")]),
        (
            "H-2",
            "P-4",
            vec![
                stage("qualification_check", "passed", "2026-02-16"),
                stage("test", "passed", "2026-02-17"),
                stage("interview", "failed", "2026-02-18"),
            ],
        ),
        (
            "H-2",
            "P-5",
            vec![
                stage("qualification_check", "passed", "2026-02-16"),
                stage("test", "passed", "2026-02-17"),
                stage("interview", "passed", "2026-02-18"),
                stage("decision", "passed", "2026-02-21"),
            ],
        ),
    ];
    let mut import = Import::begin(&s.app, &operator, ImportKind::Applications)
        .await
        .unwrap();
    for (vacancy, profile, stages) in applications {
        let a = json!({"id": format!("A-{vacancy}-{profile}"), "vacancy_id": vacancy,
                       "profile_id": profile, "submitted_at": format!("{}T09:00:00Z",
                       if vacancy == "H-1" { "2026-01-05" } else { "2026-02-05" }),
                       "stages": stages});
        let a: Application = parse_json(&a.to_string()).unwrap();
        import.application(&a).await.unwrap();
    }
    import.commit("test").await.unwrap();
}

#[tokio::test]
async fn the_funnel_and_time_to_hire_come_from_the_stage_results() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        let t: Tokens = fixture(&s).await;
        history(&s).await;
        let period = "from=2026-01-01&to=2026-06-30";
        let r = s
            .get(
                &format!("/analytics?organisation=MF&{period}"),
                Some(&t.auditor),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
        let d = &r.json;
        assert_eq!(d["competitions"], 2, "[{name}]");
        let counts: Vec<u64> = d["funnel"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["count"].as_u64().unwrap())
            .collect();
        // applied, qualified, passed the test, interviewed, hired.
        assert_eq!(counts, [5, 4, 3, 3, 2], "[{name}] {d}");
        assert_eq!(
            d["funnel"]["steps"][4]["from_previous"].as_f64(),
            Some(2.0 / 3.0)
        );
        let overall = &d["time_to_hire"]["overall"];
        assert_eq!(
            (overall["count"].as_u64(), overall["median"].as_f64()),
            (Some(2), Some(30.0)),
            "[{name}] {overall}"
        );
        assert_eq!(
            (overall["min"].as_f64(), overall["max"].as_f64()),
            (Some(20.0), Some(40.0))
        );
        assert_eq!(d["regions"].as_array().unwrap().len(), 20);
        let astana = d["regions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["region"] == "astana")
            .unwrap();
        assert_eq!(
            (
                astana["vacancies"].as_u64(),
                astana["applications"].as_u64(),
                astana["hired"].as_u64()
            ),
            (Some(2), Some(5), Some(2))
        );

        // A period that holds only H-2.
        let r = s
            .get(
                "/analytics?organisation=MF&from=2026-01-20&to=2026-06-30",
                Some(&t.admin),
            )
            .await;
        let steps = &r.json["funnel"]["steps"];
        assert_eq!(
            (steps[0]["count"].as_u64(), steps[4]["count"].as_u64()),
            (Some(2), Some(1)),
            "[{name}]"
        );
        assert_eq!(
            r.json["time_to_hire"]["overall"]["median"].as_f64(),
            Some(20.0)
        );

        // The same figures as CSV.
        let r = s
            .get(
                &format!("/analytics.csv?section=funnel&organisation=MF&{period}"),
                Some(&t.hr_mf),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
        assert!(r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        assert!(
            r.text
                .starts_with("step,count,from_previous,from_applied\napplied,5,"),
            "[{name}] {}",
            r.text
        );
        assert!(
            r.text.contains("\nhired,2,0.6667,0.4000\n"),
            "[{name}] {}",
            r.text
        );

        // HR of another organisation may not read MF's; their own is forced.
        let r = s.get("/analytics?organisation=MF", Some(&t.hr_mj)).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "[{name}]"
        );
        let r = s.get(&format!("/analytics?{period}"), Some(&t.hr_mj)).await;
        assert_eq!(r.json["filter"]["organisation"], "MJ", "[{name}]");
        assert_eq!(r.json["funnel"]["steps"][0]["count"], 0, "[{name}]");
        // Bad filters are refused, naming the parameter.
        let r = s
            .get("/analytics?from=2026-05-01&to=2026-01-01", Some(&t.admin))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "invalid_query")
        );
        let r = s.get("/analytics.csv?section=maps", Some(&t.admin)).await;
        assert!(
            r.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("funnel"),
            "{}",
            r.text
        );

        // The fairness report counts outcomes per stage (the fixture's people are
        // all women in Astana, with no birth date).
        let r = s
            .get(
                &format!("/fairness?organisation=MF&{period}"),
                Some(&t.auditor),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
        let test = &r.json["stages"][1];
        assert_eq!(
            (
                test["stage"].as_str(),
                test["assessed"].as_u64(),
                test["selected"].as_u64()
            ),
            (Some("test"), Some(4), Some(3))
        );
        let gender = &test["dimensions"][0];
        assert_eq!(
            (
                gender["groups"][0]["group"].as_str(),
                gender["groups"][0]["assessed"].as_u64()
            ),
            (Some("female"), Some(4)),
            "[{name}] {gender}"
        );
        assert_eq!(
            test["dimensions"][1]["unknown_assessed"], 4,
            "[{name}] ages unknown"
        );
    }
}

/// The audit entry of the newest shortlist view.
async fn last_view(s: &Server, t: &Tokens) -> i64 {
    let r = s.get("/audit?after=0&limit=500", Some(&t.admin)).await;
    r.json
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["action"] == "shortlist.view")
        .and_then(|e| e["seq"].as_i64())
        .expect("a shortlist view in the log")
}

#[tokio::test]
async fn a_replay_matches_and_a_tampered_signal_is_detected() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        for who in [&t.cand1, &t.cand2] {
            let r = s
                .post("/vacancies/V-1/applications", Some(who), &json!({}))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "[{name}] {}", r.text);
        }
        let r = s.get("/vacancies/V-1/shortlist", Some(&t.admin)).await;
        assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
        let hash = r.json["ranking_record"].as_str().unwrap().to_owned();
        let seq = last_view(&s, &t).await;

        let r = s
            .get(&format!("/audit/{seq}/replay"), Some(&t.auditor))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
        assert_eq!(r.json["matches"], true, "[{name}] {}", r.json["problems"]);
        assert_eq!(r.json["ranking_record"], hash.as_str());
        assert_eq!(r.json["ranking"].as_array().unwrap().len(), 2, "[{name}]");
        assert_eq!(
            r.json["now"]["ranking_record"],
            hash.as_str(),
            "[{name}] nothing changed since"
        );
        // The replay is itself audited.
        let log = s.get("/audit?after=0&limit=500", Some(&t.admin)).await;
        assert!(log
            .json
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "audit.replay"));

        // Someone with the database's own rights edits a recorded signal.
        let drop = if name == "sqlite" {
            "DROP TRIGGER ranking_records_no_update"
        } else {
            "DROP TRIGGER ranking_records_no_update_or_delete ON ranking_records"
        };
        let refused =
            test_support::raw_execute(&s.db.url, "UPDATE ranking_records SET body = body").await;
        assert!(refused.is_err(), "[{name}] the record could be edited");
        test_support::raw_execute(&s.db.url, drop).await.unwrap();
        test_support::raw_execute(
            &s.db.url,
            "UPDATE ranking_records SET body = replace(body, '\"eligible\":true', '\"eligible\":false')",
        )
        .await
        .unwrap();
        let r = s.get(&format!("/audit/{seq}/replay"), Some(&t.admin)).await;
        assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
        assert_eq!(r.json["matches"], false, "[{name}]");
        let problems = r.json["problems"].to_string();
        assert!(problems.contains("altered"), "[{name}] {problems}");
        assert!(problems.contains("another order"), "[{name}] {problems}");

        // Not every entry recorded a ranking; nobody but admins and auditors replays.
        let r = s.get("/audit/1/replay", Some(&t.auditor)).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "conflict"),
            "[{name}]"
        );
        let r = s.get(&format!("/audit/{seq}/replay"), Some(&t.hr_mf)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{name}]");
        let r = s.get("/audit/999999/replay", Some(&t.admin)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{name}]");
    }
}

#[tokio::test]
async fn a_checkpoint_catches_a_truncated_audit_log() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let r = s
            .send(
                Method::POST,
                "/audit/checkpoints",
                Some(&t.admin),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{name}] {}", r.text);
        let checkpoint = r.json.clone();
        let seq = checkpoint["seq"].as_i64().unwrap();
        // Nothing new since: no second checkpoint.
        let r = s
            .send(
                Method::POST,
                "/audit/checkpoints",
                Some(&t.admin),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "[{name}] {}", r.text);
        // The log moves on, and verifies against the checkpoint.
        s.get("/vacancies/V-1/shortlist", Some(&t.admin)).await;
        let r = s.post("/audit/verify", Some(&t.auditor), &checkpoint).await;
        assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
        assert_eq!(r.json["intact"], true, "[{name}] {}", r.text);
        // The checkpoint was published to the HRM feed.
        let feed = s.get("/events?after=0&limit=500", Some(&t.hrm)).await;
        assert!(
            feed.json["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == "audit_checkpoint" && e["payload"]["seq"] == seq),
            "[{name}]"
        );

        // Deleting the newest entries leaves an intact chain...
        let drop = if name == "sqlite" {
            "DROP TRIGGER audit_log_no_delete"
        } else {
            "DROP TRIGGER audit_log_no_update_or_delete ON audit_log"
        };
        test_support::raw_execute(&s.db.url, drop).await.unwrap();
        test_support::raw_execute(
            &s.db.url,
            &format!("DELETE FROM audit_log WHERE seq >= {}", seq - 1),
        )
        .await
        .unwrap();
        let r = s.get("/audit/verify", Some(&t.admin)).await;
        assert_eq!(
            r.json["intact"], true,
            "[{name}] the chain alone cannot tell"
        );
        // ...which the checkpoint does not vouch for.
        let r = s.post("/audit/verify", Some(&t.admin), &checkpoint).await;
        assert_eq!(r.json["intact"], false, "[{name}] {}", r.text);
        assert!(
            r.json["problems"][0]
                .as_str()
                .unwrap()
                .contains("were deleted"),
            "[{name}] {}",
            r.text
        );

        // An altered checkpoint is not believed.
        let mut forged = checkpoint.clone();
        forged["seq"] = json!(seq - 5);
        let r = s.post("/audit/verify", Some(&t.admin), &forged).await;
        assert!(
            r.json["problems"][0].as_str().unwrap().contains("altered"),
            "[{name}] {}",
            r.text
        );
        // Malformed: the one error shape.
        let r = s
            .post("/audit/verify", Some(&t.admin), &json!({"seq": "x"}))
            .await;
        assert_eq!(r.status.as_u16() / 100, 4, "[{name}] {}", r.text);
    }
}
