//! One competition through the API: declaration-first shortlist in blind mode,
//! every view audited in an intact hash chain, and consent revocation taking the
//! person out of the shortlist and (through the change feed) out of the index.

mod common;

use common::{fixture, start};
use qabilet_store::{test_support, ChangeOp, RecordKind};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shortlist_views_are_audited_and_revocation_removes_the_person() {
    for db in test_support::all().await {
        let s = start(db).await;
        let t = fixture(&s).await;
        let name = s.name();
        common::apply_both_and_declare(&s, &t).await;

        // Blind by default: no name, gender, contacts, nor the profile id.
        let r = s.get("/vacancies/V-1/shortlist", Some(&t.com1)).await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json["blind"], true);
        assert_eq!(r.json["ranked"], true);
        let entries = r.json["eligible"].as_array().unwrap();
        assert_eq!(entries.len(), 2, "[{name}] {}", r.text);
        assert!(
            !r.text.contains("Айгерім") && !r.text.contains("example.kz"),
            "[{name}] {}",
            r.text
        );
        assert!(entries[0]["profile"]["full_name"].is_null());
        assert!(entries[0]["profile"]["education"].is_array());
        // Names only after HR's own declaration.
        let r = s
            .get("/vacancies/V-1/shortlist?blind=false", Some(&t.hr_mf))
            .await;
        assert_eq!(r.status.as_u16(), 403, "[{name}] {}", r.text);
        common::declare(&s, &t.hr_mf, "V-1").await;
        let r = s
            .get("/vacancies/V-1/shortlist?blind=false", Some(&t.hr_mf))
            .await;
        assert!(r.text.contains("Айгерім"), "[{name}]");

        // Revoking consent: out of the shortlist, a `remove` on the change feed.
        let r = s
            .post("/profiles/P-1/consent/revoke", Some(&t.cand1), &json!({}))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert_eq!(r.json["processing_consent"], false);
        let r = s.get("/vacancies/V-1/shortlist", Some(&t.com1)).await;
        assert_eq!(
            r.json["eligible"].as_array().unwrap().len(),
            1,
            "[{name}] {}",
            r.text
        );
        let changes = s.db.store.changes_after(0, 100).await.unwrap();
        let last = changes
            .iter()
            .rev()
            .find(|c| c.kind == RecordKind::Profile && c.record_id == "P-1")
            .unwrap();
        assert_eq!(last.op, ChangeOp::Remove, "[{name}]");
        // Applying without consent is refused.
        let r = s
            .post("/vacancies/V-2/applications", Some(&t.cand1), &json!({}))
            .await;
        assert_eq!(r.status.as_u16(), 409, "[{name}] {}", r.text);

        // The audit log names who viewed which shortlist, and the chain holds.
        let r = s.get("/audit?limit=500", Some(&t.admin)).await;
        let views: Vec<_> = r
            .json
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "shortlist.view")
            .map(|e| {
                (
                    e["actor"].as_str().unwrap().to_owned(),
                    e["subject_id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            views,
            [
                ("com-1".to_owned(), "V-1".to_owned()),
                ("hr-mf".into(), "V-1".into()),
                ("com-1".into(), "V-1".into())
            ],
            "[{name}]"
        );
        assert!(r.text.contains("consent.revoke") && r.text.contains("commission.declare"));
        let r = s.get("/audit/verify", Some(&t.admin)).await;
        assert_eq!(r.json["intact"], true, "[{name}] {}", r.text);
    }
}
