//! Text from outside through the API's import, on SQLite and PostgreSQL: garbled
//! text (UTF-8 read as Windows-1252, C1 controls) is refused naming the field and
//! the option, and repaired with `repair_text=true`, as the CLI's import does;
//! a region abroad or not stated is kept as such.

mod common;

use common::{fixture, start};
use hyper::StatusCode;
use qabilet_store::test_support;
use serde_json::json;

#[tokio::test]
async fn garbled_text_is_refused_or_repaired_as_asked() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let mut profile = common::profile("P-GARBLED", "Jane Doe");
        profile["summary"] = json!("Skills \u{e2}\u{80}\u{a2} Python, NaÃ¯ve Bayes");
        profile["region"] = json!("abroad");
        let r = s
            .post("/import/profiles", Some(&t.hrm), &json!([profile]))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{name}] {}",
            r.text
        );
        let message = r.json["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("summary") && message.contains("repair_text=true"),
            "[{name}] {message}"
        );
        // Nothing was written.
        let r = s.get("/profiles/P-GARBLED", Some(&t.admin)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{name}]");

        let r = s
            .post(
                "/import/profiles?repair_text=true",
                Some(&t.hrm),
                &json!([profile]),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
        assert_eq!(r.json["repaired"], 1, "[{name}] {}", r.text);
        let r = s.get("/profiles/P-GARBLED", Some(&t.admin)).await;
        assert_eq!(
            r.json["summary"], "Skills • Python, Naïve Bayes",
            "[{name}]"
        );
        assert_eq!(r.json["region"], "abroad", "[{name}]");

        // A vacancy is always in Kazakhstan.
        let mut vacancy = common::vacancy("V-ABROAD", "MF", chrono::Utc::now().date_naive());
        vacancy["region"] = json!("abroad");
        let r = s
            .post("/import/vacancies", Some(&t.hrm), &json!([vacancy]))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{name}] {}",
            r.text
        );
        assert!(r.text.contains("region"), "[{name}] {}", r.text);
    }
}
