//! The reserve endpoints: who may list, add, extend and remove (403, never 404, for
//! callers out of scope), consent gating, filters, and the audit trail.

mod common;

use common::fixture;
use hyper::Method;
use qabilet_store::test_support;
use serde_json::json;

fn consenting(id: &str) -> serde_json::Value {
    let mut p = common::profile(id, "Гүлнар Есенова");
    p["consents"] = json!([
        {"purpose": "processing", "granted_at": "2026-01-01T00:00:00Z"},
        {"purpose": "reserve", "granted_at": "2026-01-02T00:00:00Z"}
    ]);
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reserve_endpoints_respect_roles_scope_and_consent() {
    for db in test_support::all().await {
        let s = common::start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let r = s
            .post(
                "/import/profiles",
                Some(&t.hrm),
                &json!([consenting("P-5")]),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);
        // P-5 applied to V-1 (MF); P-6 exists, consents, and applied nowhere.
        let r = s
            .post(
                "/import/profiles",
                Some(&t.hrm),
                &json!([consenting("P-6")]),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);
        let mut tx = s.db.store.begin().await.unwrap();
        tx.put_application(&qabilet_domain::Application {
            id: "A-P5-V1".parse().unwrap(),
            vacancy_id: "V-1".parse().unwrap(),
            profile_id: "P-5".parse().unwrap(),
            submitted_at: chrono::Utc::now(),
            stages: Vec::new(),
            preference: None,
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
        // HR may not keep someone who never applied to their organisation, and
        // learns nothing of whether they exist or consent.
        for who in ["P-6", "P-404"] {
            let body = json!({"profile_id": who, "reason": "x", "vacancy_id": "V-1"});
            let r = s.post("/reserve", Some(&t.hr_mf), &body).await;
            assert_eq!(r.status.as_u16(), 403, "[{name}] {who}: {}", r.text);
            assert!(
                !r.text.contains("consent") && !r.text.contains("no such"),
                "{}",
                r.text
            );
        }

        // Add: consent-gated, HR only from a competition of their organisation.
        let general = json!({"profile_id": "P-5", "reason": "сильный кандидат"});
        let from_v1 =
            json!({"profile_id": "P-5", "reason": "второе место", "vacancy_id": "V-1", "days": 30});
        for (token, body, status) in [
            (&t.cand1, &general, 403),
            (&t.com1, &general, 403),
            (&t.hr_mf, &general, 422),
            (&t.hr_mj, &from_v1, 403),
            (
                &t.admin,
                &json!({"profile_id": "P-1", "reason": "no consent"}),
                409,
            ),
            (&t.admin, &json!({"profile_id": "P-5", "reason": ""}), 422),
            // Control characters: the reason would be a record that fails its own
            // validation (found by schemathesis).
            (
                &t.admin,
                &json!({"profile_id": "P-5", "reason": "D\u{94}^\u{19}"}),
                422,
            ),
            (
                &t.admin,
                &json!({"profile_id": "P-5", "reason": "x", "days": 0}),
                422,
            ),
        ] {
            let r = s.post("/reserve", Some(token), body).await;
            assert_eq!(r.status.as_u16(), status, "[{name}] {body} → {}", r.text);
            r.code();
        }
        let r = s.post("/reserve", None, &general).await;
        assert_eq!(r.status.as_u16(), 401);
        let r = s.post("/reserve", Some(&t.admin), &general).await;
        assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
        assert_eq!(r.json["kind"], "reserve");
        let general_id = r.json["id"].as_str().unwrap().to_owned();
        let r = s.post("/reserve", Some(&t.hr_mf), &from_v1).await;
        assert_eq!(r.status.as_u16(), 201, "[{name}] {}", r.text);
        let v1_id = r.json["id"].as_str().unwrap().to_owned();
        assert_ne!(general_id, v1_id);

        // List: scoped for HR, refused to candidates and commission members.
        let count = |token: &str, query: &str| {
            let s = &s;
            let (token, query) = (token.to_owned(), query.to_owned());
            async move {
                let r = s.get(&format!("/reserve{query}"), Some(&token)).await;
                assert_eq!(r.status.as_u16(), 200, "{query}: {}", r.text);
                r.json.as_array().unwrap().len()
            }
        };
        assert_eq!(count(&t.admin, "").await, 2, "[{name}]");
        assert_eq!(count(&t.hrm, "").await, 2);
        assert_eq!(count(&t.hr_mf, "").await, 1);
        assert_eq!(count(&t.hr_mj, "").await, 0);
        assert_eq!(count(&t.admin, "?kind=second_best").await, 0);
        assert_eq!(count(&t.admin, "?kind=reserve&active=true").await, 2);
        assert_eq!(count(&t.admin, "?active=false").await, 0);
        assert_eq!(count(&t.admin, "?vacancy=V-1").await, 1);
        for token in [&t.cand1, &t.com1] {
            let r = s.get("/reserve", Some(token)).await;
            assert_eq!(r.status.as_u16(), 403, "[{name}] {}", r.text);
        }
        let r = s.get("/reserve?kind=gold", Some(&t.admin)).await;
        assert_eq!(r.status.as_u16(), 400);

        // Extend: out of scope is 403 whether or not the entry exists.
        let later = (chrono::Utc::now() + chrono::Duration::days(400)).to_rfc3339();
        let extend = json!({"until": later, "reason": "продлено по заявлению"});
        for (token, id, status) in [
            (&t.hr_mj, v1_id.as_str(), 403),
            (&t.hr_mj, "R-missing", 403),
            (&t.hr_mf, general_id.as_str(), 403),
            (&t.cand1, v1_id.as_str(), 403),
            (&t.com1, v1_id.as_str(), 403),
            (&t.admin, "R-missing", 404),
        ] {
            let r = s
                .post(&format!("/reserve/{id}/extend"), Some(token), &extend)
                .await;
            assert_eq!(r.status.as_u16(), status, "[{name}] {id} → {}", r.text);
        }
        let past = json!({"until": "2020-01-01T00:00:00Z", "reason": "x"});
        let r = s
            .post(&format!("/reserve/{v1_id}/extend"), Some(&t.hr_mf), &past)
            .await;
        assert_eq!(r.status.as_u16(), 422, "[{name}] {}", r.text);
        let r = s
            .post(&format!("/reserve/{v1_id}/extend"), Some(&t.hr_mf), &extend)
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        assert!(r.json["expires_at"].as_str().unwrap() > "2027");

        // Remove.
        for (token, status) in [(&t.hr_mj, 403), (&t.cand1, 403), (&t.com1, 403)] {
            let r = s
                .send(
                    Method::DELETE,
                    &format!("/reserve/{v1_id}"),
                    Some(token),
                    &json!({}),
                )
                .await;
            assert_eq!(r.status.as_u16(), status, "[{name}] {}", r.text);
        }
        let r = s
            .send(
                Method::DELETE,
                &format!("/reserve/{v1_id}"),
                Some(&t.hr_mf),
                &json!({}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "[{name}] {}", r.text);
        let r = s
            .send(
                Method::DELETE,
                &format!("/reserve/{v1_id}"),
                Some(&t.admin),
                &json!({}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 404, "[{name}] {}", r.text);

        let r = s.get("/audit?limit=500", Some(&t.admin)).await;
        let actions: Vec<&str> = r
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        for action in ["reserve.add", "reserve.extend", "reserve.remove"] {
            assert!(actions.contains(&action), "[{name}] {action} not audited");
        }
        let r = s.get("/audit/verify", Some(&t.admin)).await;
        assert_eq!(r.json["intact"], true);
    }
}
