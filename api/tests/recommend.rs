//! Vacancies ranked for a profile over HTTP (`GET /profiles/{id}/vacancies`) with a
//! real index, on SQLite and PostgreSQL: open vacancies only, the fitting one
//! first, each with the requirements met; access, consent and bad input refused.

mod common;

use chrono::{Duration, Utc};
use common::{bare_profile, fixture, profile, start, start_indexed, vacancy};
use qabilet_store::test_support;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_gets_open_vacancies_ranked_with_the_requirements_it_meets() {
    for db in test_support::all().await {
        let (s, index, _dir) = start_indexed(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let today = Utc::now().date_naive();
        let mut law = vacancy("V-LAW", "MJ", today + Duration::days(10));
        law["title"] = json!("Юрист правового отдела");
        law["description"] = json!("Правовая экспертиза приказов, представительство в суде");
        law["requirements"] = json!({"education_level": "master", "min_years_total": 8});
        let mut closed = vacancy("V-CLOSED", "MF", today + Duration::days(10));
        closed["status"] = json!("closed");
        let r = s
            .post("/import/vacancies", Some(&t.hrm), &json!([law, closed]))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        // P-1 with a work history: an accountant in a ministry.
        let mut p1 = profile("P-1", "Айгерім Сапарова");
        p1["experience"] = json!([{"organisation": "Қаржы министрлігі",
            "position": "Главный бухгалтер", "sector": "public", "start": "2015-01-01",
            "duties": "Ведение бухгалтерского учета и отчетности"}]);
        p1["skills"] = json!(["1С", "бухгалтерский учёт"]);
        let r = s.post("/import/profiles", Some(&t.hrm), &json!([p1])).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        qabilet_app::follower::follow_once(&s.db.store, &index, None)
            .await
            .unwrap();

        // The profile as the query: an accountant.
        let r = s.get("/profiles/P-1/vacancies", Some(&t.cand1)).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let found = r.json["vacancies"].as_array().unwrap();
        let ids: Vec<&str> = found
            .iter()
            .map(|v| v["vacancy_id"].as_str().unwrap())
            .collect();
        assert!(
            !ids.contains(&"V-OLD") && !ids.contains(&"V-CLOSED"),
            "[{name}] only open vacancies before their deadline: {ids:?}"
        );
        assert!(
            ids.contains(&"V-1") && ids.contains(&"V-2"),
            "[{name}] {ids:?}"
        );
        assert!(
            ids[0] == "V-1" || ids[0] == "V-2",
            "[{name}] an accountant's post first: {ids:?}"
        );
        for (i, v) in found.iter().enumerate() {
            assert_eq!(v["rank"], i + 1);
            assert!(!v["title"].as_str().unwrap().is_empty());
            assert!(v["eligibility"]["rules"].as_array().is_some(), "{v}");
        }
        let first = &found[0];
        assert_eq!(first["eligibility"]["eligible"], true, "[{name}] {first}");
        assert!(first["explanation"]["parts"].is_object());
        // The lawyer's post asks for a master's and 8 years: shown, not hidden.
        if let Some(law) = found.iter().find(|v| v["vacancy_id"] == "V-LAW") {
            assert_eq!(law["eligibility"]["eligible"], false, "{law}");
        }
        assert!(!r.json["query"].as_str().unwrap().is_empty());
        assert!(r.json["provenance"]["index_version"].as_u64().unwrap() > 0);

        // Typed words, and the limit.
        let r = s
            .get("/profiles/P-1/vacancies?q=юрист&limit=1", Some(&t.cand1))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let found = r.json["vacancies"].as_array().unwrap();
        assert_eq!(found.len(), 1, "[{name}] {}", r.text);
        assert_eq!(found[0]["vacancy_id"], "V-LAW", "[{name}] {}", r.text);
        assert_eq!(r.json["query"], "юрист");

        // HRM and admins may ask for anyone, audited; another candidate may not.
        let r = s.get("/profiles/P-1/vacancies", Some(&t.hrm)).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let audit = s.get("/audit", Some(&t.admin)).await;
        assert!(
            audit.text.contains("profile.vacancies"),
            "[{name}] {}",
            audit.text
        );
        let r = s.get("/profiles/P-1/vacancies", Some(&t.cand2)).await;
        assert_eq!(r.status.as_u16(), 403, "[{name}] {}", r.text);
        let r = s.get("/profiles/P-1/vacancies", None).await;
        assert_eq!(r.status.as_u16(), 401);

        // Bad input: 4xx with a JSON error, never a 500.
        let long = "а".repeat(1_001);
        let r = s
            .get(&format!("/profiles/P-1/vacancies?q={long}"), Some(&t.cand1))
            .await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (400, "invalid_query"),
            "{}",
            r.text
        );
        let r = s
            .get("/profiles/P-1/vacancies?limit=lots", Some(&t.cand1))
            .await;
        assert_eq!(r.status.as_u16(), 400, "{}", r.text);
        let r = s
            .get("/profiles/P-1/vacancies?sort=asc", Some(&t.cand1))
            .await;
        assert_eq!(r.status.as_u16(), 400, "{}", r.text);
        let r = s.get("/profiles/P%20%3B/vacancies", Some(&t.hrm)).await;
        assert_eq!(r.status.as_u16(), 400, "{}", r.text);

        // A profile with nothing to search with gets an empty list, not an error.
        let bare = bare_profile("P-BARE");
        let r = s
            .post("/import/profiles", Some(&t.hrm), &json!([bare]))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let r = s.get("/profiles/P-BARE/vacancies", Some(&t.admin)).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json["vacancies"], json!([]));

        // Without processing consent the person is not matched at all.
        let r = s
            .post("/profiles/P-1/consent/revoke", Some(&t.cand1), &json!({}))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let r = s.get("/profiles/P-1/vacancies", Some(&t.cand1)).await;
        assert_eq!(r.status.as_u16(), 409, "[{name}] {}", r.text);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_index_the_answer_is_503() {
    let s = start(test_support::sqlite().await).await;
    let t = fixture(&s).await;
    let r = s.get("/profiles/P-1/vacancies", Some(&t.cand1)).await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (503, "unavailable"),
        "{}",
        r.text
    );
}
