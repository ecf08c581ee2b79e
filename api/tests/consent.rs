//! Revoking processing consent stops decisions on the person: a stage result for
//! their application is refused (409), as an eligibility override is, on both
//! backends; the application itself stays readable to HR.

mod common;

use common::{fixture, start};
use qabilet_store::test_support;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_stage_result_is_recorded_for_someone_who_revoked_consent() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let r = s
            .post("/vacancies/V-1/applications", Some(&t.cand1), &json!({}))
            .await;
        assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
        let application = r.json["id"].as_str().unwrap().to_owned();
        let stage = json!({"stage": "qualification_check", "outcome": "pending", "reason": "documents received"});
        let r = s
            .post("/profiles/P-1/consent/revoke", Some(&t.cand1), &json!({}))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let path = format!("/applications/{application}/stages");
        common::declare(&s, &t.hr_mf, "V-1").await;
        let r = s.post(&path, Some(&t.hr_mf), &stage).await;
        assert_eq!(r.status.as_u16(), 409, "[{name}] {}", r.text);
        assert_eq!(r.code(), "conflict");
        let r = s
            .get(&format!("/applications/{application}"), Some(&t.hr_mf))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json["stages"], json!([]), "[{name}] nothing was recorded");
    }
}
