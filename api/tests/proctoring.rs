//! The proctoring review queue over HTTP on both backends: who may analyse, list,
//! read and decide flags (403, never a 404 that leaks existence), what a decision
//! writes (audit entry, outbox event), and how bad input is refused.

mod common;

use common::{fixture, start, start_with, Server, Tokens};
use hyper::{Method, StatusCode};
use qabilet_proctoring::simulate::{simulate, Cheat, SimSpec};
use qabilet_store::test_support;
use serde_json::{json, Value};

/// A small cohort with three examinees copying 80 % from a source.
fn cohort() -> Value {
    let sim = simulate(&SimSpec {
        examinees: 120,
        items: 40,
        options: 4,
        cheat: Some((Cheat::Copy(0.8), 3)),
        seed: 5,
    });
    serde_json::to_value(&sim.dataset).unwrap()
}

async fn analyse(s: &Server, token: &str, query: &str, body: &Value) -> common::Reply {
    s.post(&format!("/proctoring/analyses{query}"), Some(token), body)
        .await
}

fn token<'a>(t: &'a Tokens, who: &str) -> &'a str {
    match who {
        "admin" => &t.admin,
        "hrm" => &t.hrm,
        "hr_mf" => &t.hr_mf,
        "hr_mj" => &t.hr_mj,
        "com1" => &t.com1,
        "com2" => &t.com2,
        "cand1" => &t.cand1,
        "cand2" => &t.cand2,
        other => panic!("no caller {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_allows_and_refuses_the_right_roles() {
    for db in test_support::all().await {
        let s = start(db).await;
        let t = fixture(&s).await;
        let body = cohort();

        // Who may run an analysis.
        for (who, query) in [
            ("cand1", "?vacancy_id=V-1"),
            ("hrm", "?vacancy_id=V-1"),
            ("com1", "?vacancy_id=V-1"),
            ("hr_mj", "?vacancy_id=V-1"),
            ("hr_mf", ""),
        ] {
            let r = analyse(&s, token(&t, who), query, &body).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "[{}] {who}: {}",
                s.name(),
                r.text
            );
            r.code();
        }
        let r = s.post("/proctoring/analyses", None, &body).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(
            s.get("/proctoring/flags", Some(&t.admin)).await.json["flags"]
                .as_array()
                .unwrap()
                .is_empty(),
            "[{}] refused analyses store nothing",
            s.name()
        );

        let r = analyse(&s, &t.hr_mf, "?vacancy_id=V-1", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.name(), r.text);
        let run_id = r.json["run_id"].as_str().unwrap().to_owned();
        let flags = r.json["flags"].as_i64().unwrap();
        assert!(flags >= 3, "[{}] three copiers: {}", s.name(), r.text);
        // The same input again saves nothing new.
        let again = analyse(&s, &t.admin, "?vacancy_id=V-1", &body).await;
        assert_eq!(
            again.status,
            StatusCode::OK,
            "[{}] {}",
            s.name(),
            again.text
        );
        assert_eq!(again.json["run_id"], run_id.as_str());
        assert_eq!(again.json["created"], false);

        // A seated member sees the flags only once declared (as the shortlist).
        let r = s.get("/proctoring/flags?status=open", Some(&t.com1)).await;
        assert_eq!(
            r.json["flags"].as_array().map(Vec::len),
            Some(0),
            "[{}] undeclared",
            s.name()
        );
        let r = s
            .post(
                "/vacancies/V-1/declaration",
                Some(&t.com1),
                &json!({"no_conflict_of_interest": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.name(), r.text);

        // Listing: scoped to the caller's vacancies; candidates and HRM refused.
        for (who, expected) in [
            ("admin", Some(flags)),
            ("hr_mf", Some(flags)),
            ("com1", Some(flags)),
            ("hr_mj", Some(0)),
            ("com2", Some(0)),
            ("cand1", None),
            ("hrm", None),
        ] {
            let r = s
                .get(
                    "/proctoring/flags?status=open&limit=500",
                    Some(token(&t, who)),
                )
                .await;
            match expected {
                Some(n) => {
                    assert_eq!(r.status, StatusCode::OK, "[{}] {who}: {}", s.name(), r.text);
                    assert_eq!(r.json["flags"].as_array().unwrap().len() as i64, n, "{who}");
                }
                None => {
                    assert_eq!(r.status, StatusCode::FORBIDDEN, "[{}] {who}", s.name());
                    r.code();
                }
            }
        }
        let listed = s
            .get("/proctoring/flags?vacancy_id=V-1", Some(&t.admin))
            .await
            .json;
        let first = &listed["flags"][0];
        assert!(first.get("evidence").is_none(), "lists leave out evidence");
        let severities: Vec<&str> = listed["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["severity"].as_str().unwrap())
            .collect();
        let rank = |s: &str| ["high", "medium", "low"].iter().position(|x| *x == s);
        assert!(
            severities.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
            "most severe first: {severities:?}"
        );
        let pair = listed["flags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["detector"] == "answer_similarity")
            .expect("a similarity flag");
        let pair_id = pair["id"].as_str().unwrap().to_owned();

        // One flag: the evidence carries what the review page plots.
        let path = format!("/proctoring/flags/{pair_id}");
        let r = s.get(&path, Some(&t.com1)).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
        let review = &r.json["evidence"]["review"];
        assert_eq!(
            review["answer_grid"]["answers"].as_array().unwrap().len(),
            2
        );
        assert_eq!(review["answer_grid"]["key"].as_str().unwrap().len(), 40);
        assert_eq!(review["sessions"][0]["items"].as_array().unwrap().len(), 40);
        assert!(review["sessions"][0]["events"].is_array());
        assert!(review["sessions"][0]["items"][0]["cohort_median_seconds"].is_number());
        assert_eq!(r.json["evidence"]["detector"]["type"], "answer_similarity");
        for who in ["hr_mj", "com2", "cand1", "hrm"] {
            let r = s.get(&path, Some(token(&t, who))).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{}] {who}", s.name());
        }
        // A missing flag: 404 only for admins; everyone else cannot tell.
        let missing = "/proctoring/flags/sim-0000000000000000";
        assert_eq!(
            s.get(missing, Some(&t.admin)).await.status,
            StatusCode::NOT_FOUND
        );
        for who in ["hr_mf", "com1", "cand1", "hrm"] {
            let r = s.get(missing, Some(token(&t, who))).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{}] {who}", s.name());
        }
        let r = s.get("/proctoring/flags/BAD%20ID", Some(&t.admin)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);

        // Reviews.
        let review_path = format!("{path}/review");
        let decide = |c: &str| json!({"decision": "confirmed", "comment": c});
        for who in ["cand1", "hrm", "com2", "hr_mj"] {
            let r = s
                .post(&review_path, Some(token(&t, who)), &decide("looks copied"))
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{}] {who}", s.name());
        }
        let r = s.post(&review_path, Some(&t.com1), &decide("   ")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.json["error"]["path"], "comment");
        let r = s
            .post(
                &review_path,
                Some(&t.com1),
                &json!({"decision": "guilty", "comment": "x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.json["error"]["path"], "decision");
        let r = s
            .post(
                &review_path,
                Some(&t.com1),
                &decide("32 identical answers incl. 9 identical wrong; same room"),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
        assert_eq!(r.json["status"], "confirmed");
        assert_eq!(r.json["review"]["reviewer"], "com-1");
        let r = s
            .post(
                &review_path,
                Some(&t.hr_mf),
                &json!({"decision": "dismissed", "comment": "second opinion"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "[{}] {}", s.name(), r.text);

        let store = &s.db.store;
        let audit = store.audit_entries(0, 1000).await.unwrap();
        let confirms: Vec<_> = audit
            .iter()
            .filter(|e| e.action == "proctoring.flag.confirm")
            .collect();
        assert_eq!(confirms.len(), 1, "[{}]", s.name());
        assert_eq!(confirms[0].actor, "com-1");
        assert_eq!(confirms[0].subject_id, pair_id);
        let events = store.events_after(0, 1000).await.unwrap();
        assert!(events.iter().any(|e| {
            e.kind == qabilet_store::EventKind::ProctoringFlagConfirmed && e.aggregate_id == pair_id
        }));
        let confirmed = s
            .get("/proctoring/flags?status=confirmed", Some(&t.hr_mf))
            .await;
        assert_eq!(confirmed.json["flags"].as_array().unwrap().len(), 1);
        let bad_status = s
            .get("/proctoring/flags?status=maybe", Some(&t.admin))
            .await;
        assert_eq!(bad_status.status, StatusCode::BAD_REQUEST);

        // A member who recuses no longer sees or judges the applicants' flags.
        let r = s
            .post(
                "/vacancies/V-1/recusal",
                Some(&t.com1),
                &json!({"reason": "a relative applied"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
        let r = s.get("/proctoring/flags", Some(&t.com1)).await;
        assert_eq!(
            r.json["flags"].as_array().map(Vec::len),
            Some(0),
            "[{}] recused",
            s.name()
        );
        let r = s
            .get(&format!("/proctoring/flags/{pair_id}"), Some(&t.com1))
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "[{}] recused: {}",
            s.name(),
            r.text
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_input_is_refused_with_the_path_of_the_field() {
    for db in test_support::all().await {
        let s = start(db).await;
        let t = fixture(&s).await;
        let mut body = cohort();
        body["sessions"][3]["answers"][7]["option"] = json!(9);
        let r = analyse(&s, &t.admin, "?vacancy_id=V-1", &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.json["error"]["path"], "sessions[3].answers[7].option");

        let mut body = cohort();
        body["sessions"][0]["ipp"] = json!("10.0.0.1");
        let r = analyse(&s, &t.admin, "", &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert!(
            !r.headers.contains_key("connection"),
            "the body was read: keep alive"
        );
        assert_eq!(r.json["error"]["path"], "sessions[0].ipp");
        assert!(r.json["error"]["message"].as_str().unwrap().contains("ipp"));

        let mut body = cohort();
        body["sessions"][1]["started_at"] = json!("yesterday");
        let r = analyse(&s, &t.admin, "", &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.json["error"]["path"], "sessions[1].started_at");

        let r = s
            .raw(
                Method::POST,
                "/proctoring/analyses",
                Some(&t.admin),
                Some("application/json"),
                b"{\"form\": ".to_vec(),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        let r = s
            .raw(
                Method::POST,
                "/proctoring/analyses",
                Some(&t.admin),
                Some("text/plain"),
                cohort().to_string().into_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let r = analyse(&s, &t.admin, "?vacancy_id=V-404", &cohort()).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        let r = analyse(&s, &t.admin, "?vacancy=V-1", &cohort()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        // Refused on the query, its body unread: the connection is not reused.
        assert_eq!(r.headers["connection"], "close");
        let listed = s.get("/proctoring/flags", Some(&t.admin)).await;
        assert!(listed.json["flags"].as_array().unwrap().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_analysis_is_413_in_the_error_shape() {
    let s = start_with(test_support::sqlite().await, |c| c.body_limit = 64 << 10).await;
    let t = fixture(&s).await;
    let r = analyse(&s, &t.admin, "", &cohort()).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    assert_eq!(r.code(), "payload_too_large");
}
