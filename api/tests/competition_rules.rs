//! The competition's rules over HTTP, enforced by the application core so that
//! every door obeys them: everyone who sees names or records a result declares
//! first (HR and admins too), no stage is skipped, a qualification records its
//! rule check and passes an unmet rule only through an override, a deviation
//! needs a reason, and a decision closes the competition.

mod common;

use common::{fixture, session, Server, Tokens};
use qabilet_store::test_support;
use serde_json::{json, Value};

/// An eligible applicant: higher education in the field, years in public service.
fn eligible(id: &str, name: &str) -> Value {
    json!({
        "id": id, "full_name": name, "gender": "female",
        "region": "astana",
        "summary": "Бухгалтер: бухгалтерский учет и отчетность, 1С.",
        "education": [{"level": "master", "specialty": "Учет и аудит", "institution": "КазЭУ", "year": 2010}],
        "experience": [{"organisation": "Министерство финансов", "position": "Главный бухгалтер",
                        "sector": "public", "start": "2012-01-01",
                        "duties": "Ведение бухгалтерского учета и отчетности"}],
        "skills": ["1С", "бухгалтерский учет"],
        "consents": [{"purpose": "processing", "granted_at": "2026-01-01T00:00:00Z"}]
    })
}

/// P-1 (a year of experience where V-1 asks two: fails `experience_total`), P-3
/// and P-5 (eligible) apply to V-1; com-1 declares. Returns the application ids by
/// profile.
async fn competition(s: &Server, t: &Tokens) -> [String; 3] {
    let mut short = common::profile("P-1", "Айгерім Сапарова");
    let year_ago = (chrono::Utc::now().date_naive() - chrono::Duration::days(365)).to_string();
    short["experience"] = json!([{"organisation": "ТОО Есеп", "position": "Бухгалтер",
                                  "sector": "private", "start": year_ago,
                                  "duties": "Первичная документация"}]);
    let r = s
        .post(
            "/import/profiles",
            Some(&t.hrm),
            &json!([
                short,
                eligible("P-3", "Динара Ахметова"),
                eligible("P-5", "Сания Нурланова")
            ]),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let tokens = [
        t.cand1.clone(),
        common::candidate(s, "cand-3", "P-3").await,
        common::candidate(s, "cand-5", "P-5").await,
    ];
    let mut ids = Vec::new();
    for token in &tokens {
        let r = s
            .post("/vacancies/V-1/applications", Some(token), &json!({}))
            .await;
        assert_eq!(r.status.as_u16(), 201, "[{}] {}", s.name(), r.text);
        ids.push(r.json["id"].as_str().unwrap().to_owned());
    }
    let r = s
        .post(
            "/vacancies/V-1/declaration",
            Some(&t.com1),
            &json!({"no_conflict_of_interest": true}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text);
    [ids[0].clone(), ids[1].clone(), ids[2].clone()]
}

fn r_sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn stage(stage: &str, outcome: &str, reason: &str) -> Value {
    json!({"stage": stage, "outcome": outcome, "reason": reason})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_competition_follows_its_rules_through_the_api() {
    for db in test_support::all().await {
        let s = common::start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let [p1, p3, p5] = competition(&s, &t).await;
        let stages = |id: &str| format!("/applications/{id}/stages");

        // Undeclared HR and admins see the blind shortlist only, and record nothing.
        for token in [&t.hr_mf, &t.admin] {
            let r = s.get("/vacancies/V-1/shortlist", Some(token)).await;
            assert_eq!(r.status.as_u16(), 200, "[{name}] blind: {}", r.text);
            let r = s
                .get("/vacancies/V-1/shortlist?blind=false", Some(token))
                .await;
            assert_eq!(r.status.as_u16(), 403, "[{name}] named: {}", r.text);
            assert!(r.text.contains("declaration"), "[{name}] {}", r.text);
            assert!(!r.text.contains("Ахметова"), "[{name}] {}", r.text);
            let r = s
                .post(
                    &stages(&p3),
                    Some(token),
                    &stage("qualification_check", "passed", "meets all"),
                )
                .await;
            assert_eq!(r.status.as_u16(), 403, "[{name}] record: {}", r.text);
        }
        let r = s
            .post(
                "/vacancies/V-1/declaration",
                Some(&t.hr_mf),
                &json!({"no_conflict_of_interest": true, "statement": "Нет связей с кандидатами"}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
        let r = s
            .get("/vacancies/V-1/shortlist?blind=false", Some(&t.hr_mf))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        // Another organisation's HR cannot declare their way in.
        let r = s
            .post(
                "/vacancies/V-1/declaration",
                Some(&t.hr_mj),
                &json!({"no_conflict_of_interest": true}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 403, "[{name}] {}", r.text);

        // No stage can be skipped, nor can a competition start anywhere but the
        // qualification check.
        for skipped in ["decision", "test", "interview"] {
            let r = s
                .post(&stages(&p3), Some(&t.hr_mf), &stage(skipped, "passed", "x"))
                .await;
            assert_eq!(r.status.as_u16(), 409, "[{name}] {skipped}: {}", r.text);
            assert!(r.text.contains("qualification_check"), "{}", r.text);
        }

        // Qualification: an unmet rule passes only through an override.
        let r = s
            .post(
                &stages(&p1),
                Some(&t.hr_mf),
                &stage("qualification_check", "passed", "documents seen"),
            )
            .await;
        assert_eq!(r.status.as_u16(), 422, "[{name}] {}", r.text);
        assert!(r.text.contains("experience_total"), "[{name}] {}", r.text);
        let r = s
            .post(
                "/vacancies/V-1/eligibility/overrides",
                Some(&t.hr_mf),
                &json!({"profile_id": "P-1", "rule": "experience_total",
                        "reason": "Стаж подтверждён трудовой книжкой"}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
        let r = s
            .post(
                &stages(&p1),
                Some(&t.hr_mf),
                &stage("qualification_check", "passed", "documents seen"),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let check = &r.json["stages"][0]["rule_check"];
        assert_eq!(check["eligible"], true, "[{name}] {}", r.text);
        assert_eq!(
            check["overridden"],
            json!(["experience_total"]),
            "{}",
            r.text
        );
        let r = s
            .post(
                &stages(&p3),
                Some(&t.hr_mf),
                &stage("qualification_check", "passed", "meets all"),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json["stages"][0]["rule_check"]["eligible"], true);
        // Failing one who meets every rule departs from the check: a reason.
        let failed = stage(
            "qualification_check",
            "failed",
            "the diploma is not apostilled",
        );
        let r = s.post(&stages(&p5), Some(&t.hr_mf), &failed).await;
        assert_eq!(r.status.as_u16(), 422, "[{name}] {}", r.text);
        assert!(r.text.contains("deviation_reason"), "{}", r.text);
        let mut with_reason = failed.clone();
        with_reason["deviation_reason"] = json!("Диплом не легализован");
        let r = s.post(&stages(&p5), Some(&t.hr_mf), &with_reason).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);

        // A result against the ranking needs its reason: P-1 (ranked below P-3)
        // passed the test, so failing P-3 deviates.
        let r = s
            .post(
                &stages(&p1),
                Some(&t.hr_mf),
                &stage("test", "passed", "above the pass mark"),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let failed = stage("test", "failed", "below the pass mark");
        let r = s.post(&stages(&p3), Some(&t.hr_mf), &failed).await;
        assert_eq!(r.status.as_u16(), 422, "[{name}] {}", r.text);
        assert!(r.text.contains("ranking"), "{}", r.text);
        let mut with_reason = failed.clone();
        with_reason["deviation_reason"] = json!("Тест сдан ниже проходного балла");
        let r = s.post(&stages(&p3), Some(&t.hr_mf), &with_reason).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);

        // The commission interviews and decides; the decision closes everything.
        for (st, why) in [("interview", "strong answers"), ("decision", "the best")] {
            let r = s
                .post(&stages(&p1), Some(&t.com1), &stage(st, "passed", why))
                .await;
            assert_eq!(r.status.as_u16(), 200, "[{name}] {st}: {}", r.text);
        }
        let r = s
            .post(
                &stages(&p5),
                Some(&t.hr_mf),
                &stage("qualification_check", "passed", "again"),
            )
            .await;
        assert_eq!(r.status.as_u16(), 409, "[{name}] {}", r.text);
        assert!(r.text.contains("decided"), "{}", r.text);
        let r = s
            .send(
                hyper::Method::PUT,
                "/vacancies/V-1/commission/com-2",
                Some(&t.hr_mf),
                &Value::Null,
            )
            .await;
        assert_eq!(r.status.as_u16(), 409, "[{name}] seat: {}", r.text);
        let r = s
            .send(
                hyper::Method::DELETE,
                "/vacancies/V-1/commission/com-1",
                Some(&t.hr_mf),
                &Value::Null,
            )
            .await;
        assert_eq!(r.status.as_u16(), 409, "[{name}] unseat: {}", r.text);
        let r = s
            .post(
                "/vacancies/V-1/eligibility/overrides",
                Some(&t.com1),
                &json!({"profile_id": "P-5", "rule": "education", "reason": "too late"}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 409, "[{name}] override: {}", r.text);

        // The protocol PDF: undeclared admins may not issue it; a declared member
        // and HR may. An independent reader finds the members, their declarations,
        // the ranking, the stages and the audit hash it was issued at.
        let r = s.get("/vacancies/V-1/protocol.pdf", Some(&t.admin)).await;
        assert_eq!(r.status.as_u16(), 403, "[{name}] {}", r.text);
        let r = s.get("/vacancies/V-1/protocol.pdf", Some(&t.cand1)).await;
        assert_eq!(r.status.as_u16(), 403, "[{name}] {}", r.text);
        let r = s.get("/vacancies/V-1/protocol.pdf", Some(&t.hr_mf)).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.headers["content-type"], "application/pdf");
        let pdf = r.bytes.clone();
        assert!(pdf.starts_with(b"%PDF-"), "[{name}]");
        // Lines wrap where the page ends: compare with whitespace runs as one space.
        let text = common::pdf_text(&pdf)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for needle in [
            "com-1",
            "hr-mf",
            "Нет связей с кандидатами",
            "Динара Ахметова",
            "Айгерім Сапарова",
            "Стаж подтверждён трудовой книжкой",
            "Диплом не легализован",
            "Тест сдан ниже проходного балла",
            "Победитель: Айгерім Сапарова",
            "experience_total",
        ] {
            assert!(
                text.contains(needle),
                "[{name}] {needle} not in the PDF:\n{text}"
            );
        }
        let r = s.get("/audit?limit=500", Some(&t.admin)).await;
        let log = r.json.as_array().unwrap().clone();
        let issue = log
            .iter()
            .rev()
            .find(|e| e["action"] == "protocol.issue")
            .unwrap_or_else(|| panic!("[{name}] the issue is not audited"));
        let detail: Value = serde_json::from_str(issue["detail"].as_str().unwrap()).unwrap();
        let cited = log
            .iter()
            .find(|e| e["seq"] == detail["audit_seq"])
            .unwrap();
        let hash = cited["hash"].as_str().unwrap();
        assert!(
            text.contains(hash),
            "[{name}] the PDF cites the log's hash {hash}"
        );
        let sha = detail["sha256"].as_str().unwrap();
        assert_eq!(r_sha(&pdf), sha, "[{name}] the log holds the file's hash");
        // Verified whole; refused with a byte changed.
        let verify = |body: Vec<u8>, token: String| {
            let s = &s;
            async move {
                s.raw(
                    hyper::Method::POST,
                    "/protocols/verify",
                    Some(&token),
                    Some("application/pdf"),
                    body,
                )
                .await
            }
        };
        let r = verify(pdf.clone(), t.hr_mf.clone()).await;
        assert_eq!(r.status.as_u16(), 403, "[{name}] admins verify: {}", r.text);
        let r = verify(pdf.clone(), t.admin.clone()).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json["valid"], true, "[{name}] {}", r.text);
        assert_eq!(r.json["issued_by"], "hr-mf", "[{name}] {}", r.text);
        let mut forged = pdf.clone();
        let at = forged.len() / 2;
        forged[at] ^= 1;
        let r = verify(forged, t.admin.clone()).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json["valid"], false, "[{name}] {}", r.text);

        // The rule check is in the audit log with the result.
        let r = s.get("/audit?limit=500", Some(&t.admin)).await;
        let qualified = r
            .json
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "stage.record" && e["subject_id"] == p1.as_str())
            .find(|e| {
                e["detail"]
                    .as_str()
                    .unwrap()
                    .contains("qualification_check")
            })
            .cloned()
            .unwrap_or_else(|| panic!("[{name}] not audited: {}", r.text));
        assert!(
            qualified["detail"]
                .as_str()
                .unwrap()
                .contains("experience_total"),
            "{qualified}"
        );
        let declared = r
            .json
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "commission.declare" && e["actor"] == "hr-mf");
        assert!(declared, "[{name}] HR's declaration is audited");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_withdraws_their_own_application_once() {
    for db in test_support::all().await {
        let s = common::start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let [p1, p3, _] = competition(&s, &t).await;
        common::declare(&s, &t.hr_mf, "V-1").await;
        let r = s
            .post(
                &format!("/applications/{p3}/stages"),
                Some(&t.hr_mf),
                &stage("qualification_check", "passed", "meets all"),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let withdraw = |id: &str| format!("/applications/{id}/withdrawal");
        // Someone else's application is hidden, not refused by name.
        let r = s.post(&withdraw(&p3), Some(&t.cand1), &Value::Null).await;
        assert_eq!(r.status.as_u16(), 404, "[{name}] {}", r.text);
        let c3 = session(&s, "cand-3").await;
        let r = s.post(&withdraw(&p3), Some(&c3), &Value::Null).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json["stages"][1]["stage"], "test", "[{name}] {}", r.text);
        assert_eq!(r.json["stages"][1]["outcome"], "withdrawn");
        let r = s.post(&withdraw(&p3), Some(&c3), &Value::Null).await;
        assert_eq!(r.status.as_u16(), 409, "[{name}] once: {}", r.text);
        // Nothing more can be recorded on it.
        let r = s
            .post(
                &format!("/applications/{p3}/stages"),
                Some(&t.hr_mf),
                &stage("test", "passed", "late"),
            )
            .await;
        assert_eq!(r.status.as_u16(), 409, "[{name}] {}", r.text);
        // The HRM system learns of it.
        let r = s.get("/events?after=0", Some(&t.hrm)).await;
        let withdrawn = r.json["events"].as_array().unwrap().iter().any(|e| {
            e["aggregate_id"] == p3.as_str() && e["payload"]["result"]["outcome"] == "withdrawn"
        });
        assert!(withdrawn, "[{name}] {}", r.text);
        // A fresh application withdraws at the qualification stage.
        let r = s.post(&withdraw(&p1), Some(&t.cand1), &Value::Null).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json["stages"][0]["stage"], "qualification_check");
    }
}
