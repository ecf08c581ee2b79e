//! `qabilet proctor analyze --save`, `flags` and `review` end to end, on SQLite
//! and PostgreSQL: a planted copy is queued once, decided once, audited, and its
//! confirmation reaches the HRM outbox.

mod common;

use common::{ok, qabilet};

use qabilet_store::test_support;
use serde_json::Value;

#[tokio::test]
async fn a_planted_copy_is_queued_reviewed_once_and_sent_to_the_hrm_system() {
    for db in test_support::all().await {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let file = dir.path().join("cohort.json");
        let file_str = file.to_str().unwrap();
        ok(qabilet(
            &data,
            &db.url,
            &[
                "proctor",
                "simulate",
                "--examinees",
                "200",
                "--items",
                "60",
                "--cheaters",
                "0",
                "--write",
                file_str,
            ],
        ));
        // Session 1 hands in session 0's answers: an unmistakable copy.
        let mut cohort: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let source = cohort["sessions"][0]["answers"].clone();
        let answers = cohort["sessions"][1]["answers"].as_array_mut().unwrap();
        for (k, a) in answers.iter_mut().enumerate() {
            a["option"] = source[k]["option"].clone();
        }
        std::fs::write(&file, cohort.to_string()).unwrap();

        let bad = qabilet(
            &data,
            &db.url,
            &[
                "proctor",
                "analyze",
                file_str,
                "--save",
                "--vacancy",
                "V-404",
            ],
        );
        assert!(!bad.status.success(), "[{}] unknown vacancy", db.name);
        assert!(String::from_utf8_lossy(&bad.stderr).contains("V-404"));

        let save = ["proctor", "analyze", file_str, "--save", "--by", "admin-1"];
        ok(qabilet(&data, &db.url, &save));
        let again = qabilet(&data, &db.url, &save);
        assert!(String::from_utf8_lossy(&again.stderr).contains("nothing changed"));

        let listed: Value = serde_json::from_str(&ok(qabilet(
            &data,
            &db.url,
            &["proctor", "flags", "--status", "open", "--json"],
        )))
        .unwrap();
        let flags = listed.as_array().unwrap();
        let pair = flags
            .iter()
            .find(|f| f["detector"] == "answer_similarity")
            .unwrap_or_else(|| panic!("[{}] the copy is flagged: {listed}", db.name));
        assert_eq!(pair["severity"], "high");
        // The list is the API's: no evidence in it; the flag itself has it.
        assert!(pair.get("evidence").is_none(), "{pair}");
        let id = pair["id"].as_str().unwrap();
        let stored = db.store.proctoring_flag(id).await.unwrap().unwrap();
        let grid = &stored.evidence["review"]["answer_grid"]["answers"];
        assert!(grid[0].is_string() && grid[0] == grid[1], "{grid}");

        let review = [
            "proctor",
            "review",
            id,
            "--confirm",
            "--comment",
            "identical answer strings",
            "--by",
            "rev-1",
        ];
        let out = ok(qabilet(&data, &db.url, &review));
        assert!(out.contains("confirmed by rev-1"), "{out}");
        let twice = qabilet(&data, &db.url, &review);
        assert!(!twice.status.success(), "[{}] a decision is final", db.name);

        let confirmed: Value = serde_json::from_str(&ok(qabilet(
            &data,
            &db.url,
            &["proctor", "flags", "--status", "confirmed", "--json"],
        )))
        .unwrap();
        assert_eq!(confirmed.as_array().unwrap().len(), 1);
        let events = db.store.events_after(0, 100).await.unwrap();
        assert_eq!(events.len(), 1, "[{}]", db.name);
        assert_eq!(events[0].aggregate_id, id);
        let audit = db.store.audit_entries(0, 100).await.unwrap();
        assert!(audit
            .iter()
            .any(|e| e.action == "proctoring.flag.confirm" && e.actor == "cli:rev-1"));
    }
}
