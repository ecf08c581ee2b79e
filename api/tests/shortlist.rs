//! The ranked shortlist over HTTP with a real index: applicants ranked with
//! explanations, ineligible ones apart with the rule they failed, `?limit=`, blind
//! mode leaking no hidden field anywhere, and the commission's audited override.

mod common;

use common::{fixture, start_indexed, Server, Tokens};
use qabilet_store::test_support;
use serde_json::{json, Value};

/// A strong candidate who signs her summary with her name.
fn strong() -> Value {
    json!({
        "id": "P-3", "full_name": "Динара Ахметова", "gender": "female",
        "birth_date": "1988-03-14", "email": "dinara@example.kz", "phone": "+77015550101",
        "photo_url": "https://photos.example.kz/p3.jpg",
        "region": "astana",
        "summary": "Ахметова Динара: бухгалтер, бухгалтерский учет и отчетность, 1С.",
        "education": [{"level": "master", "specialty": "Учет и аудит", "institution": "КазЭУ", "year": 2010}],
        "experience": [{"organisation": "Министерство финансов", "position": "Главный бухгалтер",
                        "sector": "public", "start": "2012-01-01",
                        "duties": "Ведение бухгалтерского учета и отчетности. Ахметова отвечала за баланс."}],
        "skills": ["1С", "бухгалтерский учет", "отчетность"],
        "consents": [{"purpose": "processing", "granted_at": "2026-01-01T00:00:00Z"}]
    })
}

/// Fails the vacancy's education rule (secondary only).
fn weak() -> Value {
    json!({
        "id": "P-4", "full_name": "Бауыржан Касымов", "gender": "male",
        "region": "astana", "summary": "Кассир",
        "education": [{"level": "secondary", "specialty": "Общее", "institution": "Школа 5", "year": 2015}],
        "experience": [{"organisation": "ТОО Сауда", "position": "Кассир", "sector": "private",
                        "start": "2016-01-01", "duties": "Работа с кассой"}],
        "consents": [{"purpose": "processing", "granted_at": "2026-01-01T00:00:00Z"}]
    })
}

/// The fixture plus P-3 and P-4 with accounts; all four apply to V-1; com-1
/// declares. Returns the tokens of P-3's and P-4's owners.
async fn competition(s: &Server, t: &Tokens) -> (String, String) {
    let r = s
        .post("/import/profiles", Some(&t.hrm), &json!([strong(), weak()]))
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let c3 = common::candidate(s, "cand-3", "P-3").await;
    let c4 = common::candidate(s, "cand-4", "P-4").await;
    for token in [&t.cand1, &t.cand2, &c3, &c4] {
        let r = s
            .post("/vacancies/V-1/applications", Some(token), &json!({}))
            .await;
        assert_eq!(r.status.as_u16(), 201, "[{}] {}", s.name(), r.text);
    }
    let r = s
        .post(
            "/vacancies/V-1/declaration",
            Some(&t.com1),
            &json!({"no_conflict_of_interest": true}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text);
    (c3, c4)
}

/// Every object key anywhere in `v`.
fn keys(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                out.push(k.clone());
                keys(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applicants_are_ranked_with_explanations_and_blind_mode_hides_identity() {
    for db in test_support::all().await {
        let (s, index, _dir) = start_indexed(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        competition(&s, &t).await;
        qabilet_app::follower::follow_once(&s.db.store, &index, None)
            .await
            .unwrap();

        let r = s
            .get("/vacancies/V-1/shortlist?blind=false", Some(&t.com1))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let v = &r.json;
        assert_eq!(v["ranked"], true);
        assert_eq!(v["applicants"], 4);
        assert_eq!(v["signals"]["bm25"], true, "[{name}] {}", r.text);
        assert_eq!(v["signals"]["dense"], false);
        assert!(v["signals"]["notes"][0]
            .as_str()
            .unwrap()
            .contains("no embedding model"));
        let eligible = v["eligible"].as_array().unwrap();
        assert_eq!(eligible.len(), 3, "[{name}] {}", r.text);
        assert_eq!(
            eligible[0]["profile_id"], "P-3",
            "[{name}] the strong one first: {}",
            r.text
        );
        let scores: Vec<f64> = eligible
            .iter()
            .map(|e| e["score"].as_f64().unwrap())
            .collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        for (i, e) in eligible.iter().enumerate() {
            assert_eq!(e["rank"], i + 1);
            assert!(e["application_id"].as_str().unwrap().starts_with("A-"));
        }
        let top = &eligible[0]["explanation"];
        assert!(
            top["parts"]["structured"]["contribution"].is_number(),
            "{top}"
        );
        assert!(top["parts"]["bm25"]["raw"].is_number(), "{top}");
        assert!(top["rules_met"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "education"));
        assert!(top["matched_skills"].is_array() && top["missing_skills"].is_array());
        assert!(
            !top["best_sentences"].as_array().unwrap().is_empty(),
            "{top}"
        );
        assert!(top["model_id"].is_null());
        assert!(top["index_version"].as_u64().unwrap() > 0);
        let ineligible = v["ineligible"].as_array().unwrap();
        assert_eq!(ineligible.len(), 1);
        assert_eq!(ineligible[0]["profile_id"], "P-4");
        assert_eq!(ineligible[0]["failed"][0]["rule"], "education");

        let r = s
            .get("/vacancies/V-1/shortlist?limit=1", Some(&t.com1))
            .await;
        assert_eq!(r.json["eligible"].as_array().unwrap().len(), 1);
        assert_eq!(r.json["eligible_total"], 3);
        // A shorter view is the head of the same ranking, explained alike.
        let r = s
            .get(
                "/vacancies/V-1/shortlist?blind=false&limit=1",
                Some(&t.com1),
            )
            .await;
        assert_eq!(r.json["eligible"].as_array().unwrap().len(), 1);
        assert_eq!(r.json["eligible"][0], eligible[0], "[{name}]");
        assert_eq!(r.json["ranking_record"], v["ranking_record"], "[{name}]");
        let r = s
            .get("/vacancies/V-1/shortlist?limit=many", Some(&t.com1))
            .await;
        assert_eq!(r.status.as_u16(), 400, "{}", r.text);

        // Blind (the default): no hidden field as a key or a value, anywhere.
        let r = s.get("/vacancies/V-1/shortlist", Some(&t.com1)).await;
        assert_eq!(r.json["blind"], true);
        let mut all_keys = Vec::new();
        keys(&r.json, &mut all_keys);
        for hidden in [
            "full_name",
            "gender",
            "birth_date",
            "age",
            "email",
            "phone",
            "photo_url",
            "consents",
        ] {
            assert!(
                !all_keys.iter().any(|k| k == hidden),
                "[{name}] key {hidden} in {}",
                r.text
            );
        }
        for secret in [
            "Динара",
            "Ахметова",
            "Айгерім",
            "Сапарова",
            "Ержан",
            "Омаров",
            "Касымов",
            "female",
            "1988-03-14",
            "dinara@example.kz",
            "example.kz",
            "+77015550101",
            "p3.jpg",
        ] {
            assert!(
                !r.text.contains(secret),
                "[{name}] {secret} leaked: {}",
                r.text
            );
        }
        assert!(r.text.contains("бухгалтер"), "[{name}] the content stays");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commission_override_needs_a_reason_and_is_audited() {
    for db in test_support::all().await {
        let s = common::start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let (c3, _) = competition(&s, &t).await;
        let path = "/vacancies/V-1/eligibility/overrides";
        let body = json!({"profile_id": "P-4", "rule": "education",
                          "reason": "Диплом колледжа признан равноценным решением комиссии"});
        // Who may not: HR, candidates, an unseated member, the HRM client.
        for token in [&t.hr_mf, &c3, &t.com2, &t.hrm, &t.admin] {
            let r = s.post(path, Some(token), &body).await;
            assert_eq!(r.status.as_u16(), 403, "[{name}] {}", r.text);
        }
        let r = s.post(path, None, &body).await;
        assert_eq!(r.status.as_u16(), 401);
        for (bad, status) in [
            (
                json!({"profile_id": "P-4", "rule": "education", "reason": "  "}),
                422,
            ),
            (
                json!({"profile_id": "P-4", "rule": "height", "reason": "x"}),
                422,
            ),
            (
                json!({"profile_id": "P-3", "rule": "education", "reason": "already met"}),
                422,
            ),
            (
                json!({"profile_id": "P-9", "rule": "education", "reason": "no such applicant"}),
                422,
            ),
            (json!({"profile_id": "P-4", "rule": "education"}), 422),
        ] {
            let r = s.post(path, Some(&t.com1), &bad).await;
            assert_eq!(r.status.as_u16(), status, "[{name}] {bad} → {}", r.text);
        }
        let r = s.post(path, Some(&t.com1), &body).await;
        assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
        assert_eq!(r.json["eligible"], true);

        let r = s
            .get("/vacancies/V-1/shortlist?blind=false", Some(&t.com1))
            .await;
        assert_eq!(
            r.json["ineligible"].as_array().unwrap().len(),
            0,
            "[{name}] {}",
            r.text
        );
        let p4 = r.json["eligible"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["profile_id"] == "P-4")
            .cloned()
            .unwrap();
        let education = p4["eligibility"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == "education")
            .cloned()
            .unwrap();
        assert_eq!(education["status"], "not_met");
        assert_eq!(education["overridden"]["by"], "com-1");

        let r = s.get("/audit?limit=500", Some(&t.admin)).await;
        let entry = r
            .json
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "eligibility.override")
            .cloned();
        let entry = entry.unwrap_or_else(|| panic!("[{name}] not audited: {}", r.text));
        assert_eq!(entry["actor"], "com-1");
        assert!(entry["detail"].as_str().unwrap().contains("равноценным"));
    }
}
