//! Who may and who may not call each endpoint, walked through one competition on
//! both backends. Refusals are 403 whether or not the record exists; only callers
//! entitled to a record learn it is missing (404).

mod common;

use common::{fixture, start, Server, Tokens};
use hyper::{Method, StatusCode};
use qabilet_store::test_support;
use serde_json::{json, Value};

/// Asserts the status each caller gets; `anon` is always 401.
fn token_of<'a>(t: &'a Tokens, who: &str) -> &'a str {
    match who {
        "admin" => &t.admin,
        "hrm" => &t.hrm,
        "hr_mf" => &t.hr_mf,
        "hr_mj" => &t.hr_mj,
        "com1" => &t.com1,
        "com2" => &t.com2,
        "cand1" => &t.cand1,
        "cand2" => &t.cand2,
        "auditor" => &t.auditor,
        other => panic!("no caller {other}"),
    }
}

async fn expect(
    s: &Server,
    t: &Tokens,
    method: Method,
    path: &str,
    body: &Value,
    cases: &[(&str, u16)],
) {
    expect_with_anon(s, t, method, path, body, 401, cases).await
}

/// [`expect`] for a public route, where a visitor gets `anon`.
async fn expect_with_anon(
    s: &Server,
    t: &Tokens,
    method: Method,
    path: &str,
    body: &Value,
    anon: u16,
    cases: &[(&str, u16)],
) {
    let r = s.send(method.clone(), path, None, body).await;
    assert_eq!(
        r.status.as_u16(),
        anon,
        "[{}] anon {method} {path}",
        s.name()
    );
    for (who, status) in cases {
        let token = token_of(t, who);
        let r = s.send(method.clone(), path, Some(token), body).await;
        assert_eq!(
            r.status.as_u16(),
            *status,
            "[{}] {who} {method} {path}: {}",
            s.name(),
            r.text
        );
        if *status >= 400 {
            r.code();
        }
    }
}

const ALL_200: [(&str, u16); 8] = [
    ("admin", 200),
    ("hrm", 200),
    ("hr_mf", 200),
    ("hr_mj", 200),
    ("com1", 200),
    ("com2", 200),
    ("cand1", 200),
    ("cand2", 200),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_allows_and_refuses_the_right_roles() {
    for db in test_support::all().await {
        let s = start(db).await;
        let t = fixture(&s).await;
        let none = json!({});
        use Method as M;

        // Public catalogue: any signed-in caller.
        // The vacancy catalogue is public: without a token, open vacancies only.
        for path in ["/vacancies", "/vacancies/V-1"] {
            let r = s.get(path, None).await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "[{}] anon {path}: {}",
                s.name(),
                r.text
            );
            for (who, _) in ALL_200 {
                let token = token_of(&t, who);
                let r = s.get(path, Some(token)).await;
                assert_eq!(r.status, StatusCode::OK, "[{}] {who} {path}", s.name());
            }
        }
        let r = s.get("/vacancies", None).await;
        let statuses: Vec<&str> = r
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["status"].as_str().unwrap())
            .collect();
        assert!(
            statuses.iter().all(|st| *st == "open"),
            "[{}] {statuses:?}",
            s.name()
        );
        // A bad token is still refused, not taken for a visitor.
        let r = s.get("/vacancies", Some("not-a-token")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "[{}]", s.name());
        expect(&s, &t, M::GET, "/organisations", &none, &ALL_200).await;
        expect(&s, &t, M::GET, "/organisations/MF", &none, &ALL_200).await;
        for token in [None, Some(t.cand1.as_str())] {
            let r = s.get("/vacancies/V-404", token).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "[{}] {}", s.name(), r.text);
        }
        // Public, so a visitor gets the same 503 (no index here) as a signed-in caller.
        for token in [None, Some(t.cand1.as_str()), Some(t.admin.as_str())] {
            let r = s.get("/search/vacancies?q=бухгалтер", token).await;
            assert_eq!(r.status.as_u16(), 503, "[{}] {}", s.name(), r.text);
        }

        // Imports: the HRM client and admins; HR officers for their own vacancies.
        let orgs = json!([common::organisation("MF")]);
        expect(
            &s,
            &t,
            M::POST,
            "/import/organisations",
            &orgs,
            &[
                ("hrm", 200),
                ("admin", 200),
                ("hr_mf", 403),
                ("com1", 403),
                ("cand1", 403),
            ],
        )
        .await;
        let deadline = chrono::Utc::now().date_naive() + chrono::Duration::days(10);
        let v1 = json!([common::vacancy("V-1", "MF", deadline)]);
        expect(
            &s,
            &t,
            M::POST,
            "/import/vacancies",
            &v1,
            &[
                ("hrm", 200),
                ("admin", 200),
                ("hr_mf", 200),
                ("hr_mj", 403),
                ("com1", 403),
                ("cand1", 403),
            ],
        )
        .await;
        let profiles = json!([common::profile("P-3", "Дана Ахметова")]);
        expect(
            &s,
            &t,
            M::POST,
            "/import/profiles",
            &profiles,
            &[
                ("hrm", 200),
                ("admin", 200),
                ("hr_mf", 403),
                ("com1", 403),
                ("cand1", 403),
            ],
        )
        .await;

        // Applying: candidates only, once, before the deadline.
        expect(
            &s,
            &t,
            M::POST,
            "/vacancies/V-1/applications",
            &none,
            &[
                ("admin", 403),
                ("hrm", 403),
                ("hr_mf", 403),
                ("com1", 403),
                ("cand1", 201),
                ("cand1", 409),
                ("cand2", 201),
            ],
        )
        .await;
        expect(
            &s,
            &t,
            M::POST,
            "/vacancies/V-OLD/applications",
            &none,
            &[("cand1", 409)],
        )
        .await;
        let apps =
            s.db.store
                .applications_for_vacancy(&"V-1".parse().unwrap())
                .await
                .unwrap();
        let a1 = apps
            .iter()
            .find(|a| a.profile_id.as_str() == "P-1")
            .unwrap()
            .id
            .to_string();
        let app_path = format!("/applications/{a1}");

        // Profiles: own, HR of an organisation applied to, HRM, admin.
        expect(
            &s,
            &t,
            M::GET,
            "/profiles/P-1",
            &none,
            &[
                ("cand1", 200),
                ("cand2", 403),
                ("hr_mf", 200),
                ("hr_mj", 403),
                ("com1", 403),
                ("hrm", 200),
                ("admin", 200),
            ],
        )
        .await;
        expect(
            &s,
            &t,
            M::GET,
            "/profiles/P-404",
            &none,
            &[
                ("cand1", 403),
                ("hr_mf", 403),
                ("com1", 403),
                ("admin", 404),
            ],
        )
        .await;

        // Applications: before declaring, the commission member is refused; to
        // whoever may not see it, an application is as missing as one that is.
        expect(
            &s,
            &t,
            M::GET,
            &app_path,
            &none,
            &[
                ("cand1", 200),
                ("cand2", 404),
                ("hr_mf", 200),
                ("hr_mj", 404),
                // Seated on V-1: told to declare first.
                ("com1", 403),
                ("com2", 404),
                ("hrm", 200),
                ("admin", 200),
            ],
        )
        .await;
        expect(
            &s,
            &t,
            M::GET,
            "/applications/A-404",
            &none,
            &[
                ("cand1", 404),
                ("hr_mf", 404),
                ("com1", 404),
                ("admin", 404),
            ],
        )
        .await;
        for who in [&t.cand2, &t.hr_mj, &t.com2] {
            let theirs = s.get(&app_path, Some(who)).await;
            let missing = s.get("/applications/A-404", Some(who)).await;
            assert_eq!(
                theirs.json["error"]["message"]
                    .as_str()
                    .unwrap()
                    .replace(&a1, "ID"),
                missing.json["error"]["message"]
                    .as_str()
                    .unwrap()
                    .replace("A-404", "ID"),
                "[{}] one text for not yours and missing",
                s.name()
            );
        }

        // Shortlist: declaration first.
        expect(
            &s,
            &t,
            M::GET,
            "/vacancies/V-1/shortlist",
            &none,
            &[
                ("com1", 403),
                ("com2", 403),
                ("hr_mj", 403),
                ("cand1", 403),
                ("hrm", 403),
                ("hr_mf", 200),
                ("admin", 200),
            ],
        )
        .await;
        expect(
            &s,
            &t,
            M::GET,
            "/vacancies/V-404/shortlist",
            &none,
            &[("com1", 403), ("hr_mf", 403), ("admin", 404)],
        )
        .await;
        let declaration =
            json!({"no_conflict_of_interest": true, "statement": "Нет родственных связей"});
        expect(
            &s,
            &t,
            M::POST,
            "/vacancies/V-1/declaration",
            &declaration,
            &[
                ("com2", 403),
                ("hr_mj", 403),
                ("cand1", 403),
                ("hrm", 403),
                // Everyone who sees names or records results declares: HR and
                // admins too.
                ("hr_mf", 201),
                ("admin", 201),
                ("com1", 201),
            ],
        )
        .await;
        expect(
            &s,
            &t,
            M::GET,
            "/vacancies/V-1/shortlist",
            &none,
            &[("com1", 200)],
        )
        .await;
        expect(&s, &t, M::GET, &app_path, &none, &[("com1", 200)]).await;

        // Stage results: HR of the organisation and admins any stage; declared
        // members interviews and decisions only.
        let qualified = json!({"stage": "qualification_check", "outcome": "passed", "reason": "all requirements met"});
        expect(
            &s,
            &t,
            M::POST,
            &format!("{app_path}/stages"),
            &qualified,
            &[
                ("cand1", 403),
                ("hrm", 403),
                // Another organisation's application is hidden as if missing.
                ("hr_mj", 404),
                ("com2", 404),
                ("com1", 403),
                ("hr_mf", 200),
            ],
        )
        .await;
        let tested = json!({"stage": "test", "outcome": "passed", "score": 81.5, "reason": "above the pass mark"});
        expect(
            &s,
            &t,
            M::POST,
            &format!("{app_path}/stages"),
            &tested,
            &[("com1", 403), ("admin", 200)],
        )
        .await;
        let interview =
            json!({"stage": "interview", "outcome": "passed", "reason": "strong answers"});
        expect(
            &s,
            &t,
            M::POST,
            &format!("{app_path}/stages"),
            &interview,
            &[("com1", 200)],
        )
        .await;
        // Out of order is a conflict with the competition's state, not a silent pass.
        expect(
            &s,
            &t,
            M::POST,
            &format!("{app_path}/stages"),
            &qualified,
            &[("hr_mf", 409)],
        )
        .await;

        // Publishing the shortlist: HR of the organisation and admins.
        expect(
            &s,
            &t,
            M::POST,
            "/vacancies/V-1/shortlist/publish",
            &none,
            &[
                ("hr_mj", 403),
                ("com1", 403),
                ("cand1", 403),
                ("hrm", 403),
                ("hr_mf", 200),
                ("admin", 200),
            ],
        )
        .await;

        // Seating members: HR of the organisation and admins.
        expect(
            &s,
            &t,
            M::PUT,
            "/vacancies/V-1/commission/com-2",
            &none,
            &[
                ("hr_mj", 403),
                ("cand1", 403),
                ("com1", 403),
                ("hrm", 403),
                ("hr_mf", 200),
            ],
        )
        .await;
        expect(
            &s,
            &t,
            M::PUT,
            "/vacancies/V-2/commission/com-2",
            &none,
            &[("hr_mf", 403), ("hr_mj", 200)],
        )
        .await;
        expect(
            &s,
            &t,
            M::PUT,
            "/vacancies/V-1/commission/cand-1",
            &none,
            &[("hr_mf", 422)],
        )
        .await;

        // Recusal is final: declaring afterwards does not reopen the shortlist.
        let recusal = json!({"reason": "мой двоюродный брат подал заявку"});
        expect(
            &s,
            &t,
            M::POST,
            "/vacancies/V-1/recusal",
            &recusal,
            &[("cand1", 403), ("hr_mj", 403), ("com2", 200)],
        )
        .await;
        expect(
            &s,
            &t,
            M::POST,
            "/vacancies/V-1/declaration",
            &declaration,
            &[("com2", 201)],
        )
        .await;
        expect(
            &s,
            &t,
            M::GET,
            "/vacancies/V-1/shortlist",
            &none,
            &[("com2", 403)],
        )
        .await;

        // Talent search, the fairness report and reserve matches: HR of the
        // organisation and admins (the HRM client for reserve matches too). No index
        // in this server: talent search answers 503 once the caller may ask.
        expect(
            &s,
            &t,
            M::GET,
            "/vacancies/V-1/talent",
            &none,
            &[
                ("hr_mj", 403),
                ("com1", 403),
                ("cand1", 403),
                ("hrm", 403),
                ("hr_mf", 503),
                ("admin", 503),
            ],
        )
        .await;
        expect(
            &s,
            &t,
            M::GET,
            "/fairness?vacancy=V-1",
            &none,
            &[
                ("hr_mj", 403),
                ("com2", 403),
                ("cand1", 403),
                ("hrm", 403),
                ("hr_mf", 200),
                ("admin", 200),
                ("auditor", 200),
            ],
        )
        .await;
        expect(
            &s,
            &t,
            M::GET,
            "/vacancies/V-1/reserve-matches",
            &none,
            &[
                ("hr_mj", 403),
                ("com1", 403),
                ("cand1", 403),
                ("hrm", 200),
                ("hr_mf", 200),
                ("admin", 200),
            ],
        )
        .await;

        // A draft is seen by its organisation's HR, the HRM client and admins; for
        // anyone else it does not exist.
        let mut draft = common::vacancy("V-DRAFT", "MF", chrono::Utc::now().date_naive());
        draft["status"] = json!("draft");
        let r = s
            .post("/import/vacancies", Some(&t.hrm), &json!([draft]))
            .await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);
        // A visitor sees no draft either.
        expect_with_anon(
            &s,
            &t,
            M::GET,
            "/vacancies/V-DRAFT",
            &none,
            404,
            &[
                ("cand1", 404),
                ("com1", 404),
                ("hr_mj", 404),
                ("hr_mf", 200),
                ("hrm", 200),
                ("admin", 200),
            ],
        )
        .await;
        for (who, token, sees) in [
            ("cand1", &t.cand1, false),
            ("hr_mj", &t.hr_mj, false),
            ("hr_mf", &t.hr_mf, true),
        ] {
            let r = s.get("/vacancies?status=draft", Some(token)).await;
            let ids: Vec<&str> = r
                .json
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|v| v["id"].as_str())
                .collect();
            assert_eq!(
                ids.contains(&"V-DRAFT"),
                sees,
                "[{}] {who}: {ids:?}",
                s.name()
            );
            let r = s.get("/vacancies", Some(token)).await;
            let ids: Vec<&str> = r
                .json
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|v| v["id"].as_str())
                .collect();
            assert_eq!(
                ids.contains(&"V-DRAFT"),
                sees,
                "[{}] {who}: {ids:?}",
                s.name()
            );
        }

        for path in ["/vacancies?status=draft", "/vacancies"] {
            let r = s.get(path, None).await;
            assert!(
                !r.text.contains("V-DRAFT"),
                "[{}] anon {path}: {}",
                s.name(),
                r.text
            );
        }

        // Audit log: admins only, read-only, intact.
        let not_admin = [
            ("hrm", 403),
            ("hr_mf", 403),
            ("com1", 403),
            ("cand1", 403),
            ("admin", 200),
        ];
        expect(&s, &t, M::GET, "/audit", &none, &not_admin).await;
        expect(&s, &t, M::GET, "/audit/verify", &none, &not_admin).await;

        // Event feed: the HRM client and admins.
        let feed = [
            ("hr_mf", 403),
            ("com1", 403),
            ("cand1", 403),
            ("hrm", 200),
            ("admin", 200),
        ];
        expect(&s, &t, M::GET, "/events?after=0", &none, &feed).await;
        expect(&s, &t, M::GET, "/events/dead", &none, &feed).await;

        // Users and keys: admins only.
        expect(
            &s,
            &t,
            M::POST,
            "/users",
            &json!({"id": "com-3", "role": "commission"}),
            &[("hrm", 403), ("hr_mf", 403), ("cand1", 403), ("admin", 201)],
        )
        .await;
        expect(
            &s,
            &t,
            M::POST,
            "/api-keys",
            &json!({"id": "hrm-2", "role": "hrm"}),
            &[("hrm", 403), ("hr_mf", 403), ("admin", 201)],
        )
        .await;

        // Consent: the candidate themself (or an admin).
        expect(
            &s,
            &t,
            M::POST,
            "/profiles/P-1/consent/revoke",
            &none,
            &[
                ("cand2", 403),
                ("hr_mf", 403),
                ("hrm", 403),
                ("com1", 403),
                ("cand1", 200),
            ],
        )
        .await;

        // Operations endpoints need no token.
        for path in ["/healthz", "/readyz", "/metrics"] {
            assert_eq!(s.get(path, None).await.status, StatusCode::OK, "{path}");
        }
    }
}
