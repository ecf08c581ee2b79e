//! The national IIN on a profile: validated (check digit, birth date and sex),
//! unique per person and the key a re-import finds the person by, shown whole to
//! the owner, HR and admins and masked to everyone else, the HRM client included.

mod common;

use common::{fixture, Server, Tokens};
use qabilet_store::test_support;
use serde_json::{json, Value};

/// 1990-05-01, a woman: agrees with the fixture's P-1 (female, no birth date).
const IIN: &str = "900501401234";
const MASKED: &str = "********1234";

fn with_iin(id: &str, name: &str, iin: &str) -> Value {
    let mut p = common::profile(id, name);
    p["iin"] = json!(iin);
    p
}

async fn import(s: &Server, t: &Tokens, profiles: Value) -> (u16, Value, String) {
    let r = s.post("/import/profiles", Some(&t.hrm), &profiles).await;
    (r.status.as_u16(), r.json, r.text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iin_is_checked_unique_a_reimport_key_and_masked() {
    for db in test_support::all().await {
        let s = common::start(db).await;
        let name = s.name();
        let t = fixture(&s).await;

        // Mistyped, or disagreeing with the profile: refused whole, nothing written.
        let mut born_else = with_iin("P-1", "Айгерім Сапарова", IIN);
        born_else["birth_date"] = json!("1991-05-01");
        let mut a_man = with_iin("P-1", "Айгерім Сапарова", IIN);
        a_man["gender"] = json!("male");
        for (bad, says) in [
            (
                with_iin("P-1", "Айгерім Сапарова", "900501401235"),
                "check digit",
            ),
            (
                with_iin("P-1", "Айгерім Сапарова", "90050140123"),
                "12 digits",
            ),
            (born_else, "birth date"),
            (a_man, "sex"),
        ] {
            let (status, _, text) = import(&s, &t, json!([bad])).await;
            assert_eq!(status, 422, "[{name}] {text}");
            assert!(text.contains(says), "[{name}] {says}: {text}");
        }
        let r = s.get("/profiles/P-1", Some(&t.admin)).await;
        assert!(r.json["iin"].is_null(), "[{name}] {}", r.text);

        let (status, _, text) =
            import(&s, &t, json!([with_iin("P-1", "Айгерім Сапарова", IIN)])).await;
        assert_eq!(status, 200, "[{name}] {text}");

        // Whole to the owner and admins; masked to the HRM client by default.
        for token in [&t.cand1, &t.admin] {
            let r = s.get("/profiles/P-1", Some(token)).await;
            assert_eq!(r.json["iin"], IIN, "[{name}] {}", r.text);
        }
        let r = s.get("/profiles/P-1", Some(&t.hrm)).await;
        assert_eq!(r.json["iin"], MASKED, "[{name}] {}", r.text);
        assert!(!r.text.contains(IIN), "[{name}] {}", r.text);

        // The same person re-sent under another id updates P-1, and says so.
        let (status, tally, text) = import(
            &s,
            &t,
            json!([with_iin("P-77", "Айгерім Сапарова-Ахметова", IIN)]),
        )
        .await;
        assert_eq!(status, 200, "[{name}] {text}");
        assert_eq!(tally["updated"], 1, "[{name}] {text}");
        assert_eq!(
            tally["matched_by_iin"],
            json!([{"given_id": "P-77", "profile_id": "P-1"}]),
            "[{name}] {text}"
        );
        let r = s.get("/profiles/P-1", Some(&t.admin)).await;
        assert_eq!(r.json["full_name"], "Айгерім Сапарова-Ахметова", "[{name}]");
        let r = s.get("/profiles/P-77", Some(&t.admin)).await;
        assert_eq!(
            r.status.as_u16(),
            404,
            "[{name}] no second profile: {}",
            r.text
        );

        // Two new records with one IIN in one import: refused whole.
        let twin = "880314404563";
        let (status, _, text) = import(
            &s,
            &t,
            json!([
                with_iin("P-8", "Ержан Омаров", twin),
                with_iin("P-9", "Ержан Омаров", twin)
            ]),
        )
        .await;
        assert_eq!(status, 409, "[{name}] {text}");
        assert!(!text.contains(twin), "[{name}] the error masks it: {text}");
        for id in ["P-8", "P-9"] {
            let r = s.get(&format!("/profiles/{id}"), Some(&t.admin)).await;
            assert_eq!(r.status.as_u16(), 404, "[{name}] {id}: {}", r.text);
        }

        // A commission member reads names in the shortlist, but not the IIN.
        let r = s
            .post("/vacancies/V-1/applications", Some(&t.cand1), &json!({}))
            .await;
        assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
        common::declare(&s, &t.com1, "V-1").await;
        let r = s
            .get("/vacancies/V-1/shortlist?blind=false", Some(&t.com1))
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert!(r.text.contains("Сапарова-Ахметова"), "[{name}] {}", r.text);
        assert!(r.text.contains(MASKED), "[{name}] {}", r.text);
        assert!(!r.text.contains(IIN), "[{name}] {}", r.text);
        let r = s.get("/vacancies/V-1/shortlist", Some(&t.com1)).await;
        assert!(!r.text.contains("1234"), "[{name}] blind: no IIN at all");
        // HR of the organisation applied to needs the whole number (the HRM file).
        let r = s.get("/profiles/P-1", Some(&t.hr_mf)).await;
        assert_eq!(r.json["iin"], IIN, "[{name}] {}", r.text);
    }
}
