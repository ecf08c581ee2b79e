//! The web pages over real HTTP on both backends: HTML answers, escaping of text
//! people typed, refusals as 403 pages, the cookie session with its CSRF token, the
//! declaration gate and the deviation rule for stage results.

mod common;

use bytes::Bytes;
use common::{client, fixture, get, post, start, web, Server};
use http_body_util::Full;
use hyper::{Method, StatusCode};
use qabilet_app::accounts::NewUser;
use qabilet_app::Role;
use qabilet_domain::ProfileId;
use qabilet_store::test_support;
use serde_json::json;

#[tokio::test]
async fn pages_are_html_in_the_chosen_language_and_need_a_session() {
    for db in test_support::all().await {
        let s = start(db).await;
        fixture(&s).await;
        // The catalogue is public, as on every job portal; nothing else is.
        let r = get(&s, "/web/vacancies", None).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
        let r = get(&s, "/web/vacancies/V-1", None).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
        assert!(r.text.contains("id=\"sign-in-to-apply\""), "{}", r.text);
        assert!(!r.text.contains("id=\"apply\""), "{}", r.text);
        let r = get(&s, "/web/applications", None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{}]", s.name());
        assert_eq!(r.location(), "/web/login?next=/web/applications");
        let login = get(&s, "/web/login", None).await;
        assert_eq!(login.status, StatusCode::OK);
        assert!(login.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(login.text.contains("<html lang=\"en\">"), "{}", login.text);
        assert!(login.text.contains("href=\"#main\""), "skip link");
        assert!(login.text.contains("<label for=\"user_id\">"));

        let r = get(&s, "/web/vacancies/V-1", Some("cand-1")).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
        assert!(r.text.contains("Does your profile meet the requirements"));
        assert!(r.text.contains("Education level"));

        // Kazakh through the preference cookie, set by the switch form.
        let set = web(
            &s,
            Method::POST,
            "/web/prefs",
            None,
            Some("lang=kk&back=%2Fweb%2Flogin"),
        )
        .await;
        assert_eq!(set.status, StatusCode::SEE_OTHER);
        assert_eq!(set.location(), "/web/login");
        let cookie = set.headers["set-cookie"].to_str().unwrap();
        assert!(cookie.starts_with("qb_lang=kk;"), "{cookie}");
        // An open redirect is refused.
        let set = web(
            &s,
            Method::POST,
            "/web/prefs",
            None,
            Some("lang=ru&back=%2F%2Fevil.example"),
        )
        .await;
        assert_eq!(set.location(), "/web");
    }
}

/// Form-encodes a value.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn login_sets_an_httponly_strict_secure_cookie_and_wrong_passwords_are_refused() {
    for db in test_support::all().await {
        let s = start(db).await;
        fixture(&s).await;
        let new = NewUser {
            id: "cand-web".into(),
            role: Role::Candidate,
            organisation_id: None,
            profile_id: Some(ProfileId::new("P-1").unwrap()),
            password: None,
        };
        let password = common::create_user(&s, &new).await;
        // The login form sets its CSRF cookie; a post without it is refused.
        let form_page = web(&s, Method::GET, "/web/login", None, None).await;
        let login_cookie = form_page.headers["set-cookie"].to_str().unwrap().to_owned();
        assert!(login_cookie.starts_with("qb_login="), "{login_cookie}");
        assert!(
            login_cookie.contains("HttpOnly") && login_cookie.contains("Secure"),
            "{login_cookie}"
        );
        let login_token = login_cookie["qb_login=".len()..]
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let post = |form: String, with_cookie: bool| {
            let mut req = hyper::Request::builder()
                .method(Method::POST)
                .uri(format!("http://{}/web/login", s.addr))
                .header("accept-language", "en")
                .header("content-type", "application/x-www-form-urlencoded");
            if with_cookie {
                req = req.header("cookie", format!("qb_login={login_token}"));
            }
            client().request(req.body(Full::new(Bytes::from(form))).unwrap())
        };
        let stale = post(
            format!("user_id=cand-web&password={password}&login_token={login_token}"),
            false,
        )
        .await
        .unwrap();
        assert_eq!(
            stale.status(),
            StatusCode::FORBIDDEN,
            "[{}] no login cookie",
            s.name()
        );
        let bad = post(
            format!("user_id=cand-web&password=wrong-password-1&login_token={login_token}"),
            true,
        )
        .await
        .unwrap();
        assert_eq!(bad.status(), StatusCode::UNAUTHORIZED, "[{}]", s.name());
        assert!(!bad
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("qb_session=")));
        let ok = post(
            format!(
                "user_id=cand-web&password={}&login_token={login_token}&next=%2Fweb%2Fapplications",
                percent(&password)
            ),
            true,
        )
        .await
        .unwrap();
        assert_eq!(ok.status(), StatusCode::SEE_OTHER, "[{}]", s.name());
        assert_eq!(ok.headers()["location"], "/web/applications");
        let cookie = ok
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|c| c.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("qb_session="))
            .unwrap();
        assert!(cookie.starts_with("qb_session=qs_"), "{cookie}");
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict")
                && cookie.contains("Secure"),
            "{cookie}"
        );
        // The JSON API does not take the cookie: a cookie alone is no way into it.
        let token = cookie.split(';').next().unwrap();
        let mut req = hyper::Request::builder()
            .uri(format!("http://{}/reserve", s.addr))
            .header("cookie", token);
        req = req.header("accept", "application/json");
        let r = client()
            .request(req.body(Full::new(Bytes::new())).unwrap())
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn refusals_are_403_pages_never_404() {
    for db in test_support::all().await {
        let s = start(db).await;
        fixture(&s).await;
        let cases = [
            ("/web/hr", "cand-1"),
            ("/web/hr/reserve", "com-1"),
            ("/web/applications", "hr-mf"),
            ("/web/commission", "cand-1"),
            // Another organisation's vacancy, and one that does not exist: alike.
            ("/web/fairness?vacancy=V-2", "hr-mf"),
            ("/web/fairness?vacancy=V-NOPE", "hr-mf"),
            ("/web/fairness", "com-1"),
            ("/web/analytics", "cand-1"),
            ("/web/analytics?organisation=MJ", "hr-mf"),
            ("/web/audit", "hr-mf"),
            ("/web/shortlist/V-1", "cand-1"),
            ("/web/shortlist/V-1", "com-2"),
            ("/web/shortlist/V-NOPE", "com-1"),
            ("/web/shortlist/V-2/protocol", "hr-mf"),
        ];
        for (path, user) in cases {
            let r = get(&s, path, Some(user)).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "[{}] {user} {path}: {}",
                s.name(),
                r.text
            );
            assert!(r.text.contains("<h1>Access refused</h1>"), "{}", r.text);
        }
        // Entitled callers get the pages.
        for (path, user) in [
            ("/web/hr", "hr-mf"),
            ("/web/hr/reserve", "hr-mf"),
            ("/web/fairness?vacancy=V-1", "hr-mf"),
            ("/web/analytics", "hr-mf"),
            ("/web/audit", "admin"),
            ("/web/hr/vacancies/V-1/matches", "admin"),
            ("/web/shortlist/V-1", "hr-mf"),
            ("/web/commission", "com-1"),
            ("/web/applications", "cand-1"),
        ] {
            let r = get(&s, path, Some(user)).await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "[{}] {user} {path}: {}",
                s.name(),
                r.text
            );
        }
    }
}

#[tokio::test]
async fn apply_declare_and_record_through_the_pages_with_csrf_and_escaping() {
    for db in test_support::all().await {
        let s = start(db).await;
        let t = fixture(&s).await;
        // Two eligible people (one whose name is markup, which must come out as
        // text), one without the higher education V-1 requires, and the fixture's
        // P-1 (no work history: a rule a person must check).
        let person = |id: &str, name: &str, level: &str| {
            json!({
                "id": id, "full_name": name, "region": "astana", "gender": "male",
                "summary": "Бухгалтер, есеп және аудит", "skills": ["1С", "бухгалтерский учет"],
                "education": [{"level": level, "specialty": "Есеп және аудит", "institution": "ЕҰУ", "year": 2012}],
                "experience": [{"organisation": "ТОО Есеп", "position": "Бухгалтер", "sector": "private", "start": "2014-01-01"}],
                "consents": [{"purpose": "processing", "granted_at": "2026-01-01T00:00:00Z"}]
            })
        };
        let people = json!([
            person("P-3", "<script>alert(1)</script> Ержан", "higher"),
            person("P-4", "Дана Ахметова", "higher"),
            person("P-5", "Асет Нұрланов", "secondary"),
        ]);
        let r = s.post("/import/profiles", Some(&t.hrm), &people).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        for (user, profile) in [("cand-3", "P-3"), ("cand-4", "P-4"), ("cand-5", "P-5")] {
            let new = NewUser {
                id: user.into(),
                role: Role::Candidate,
                organisation_id: None,
                profile_id: Some(ProfileId::new(profile).unwrap()),
                password: None,
            };
            common::create_user(&s, &new).await;
        }

        // Apply: without the CSRF token it is refused, with it it works, twice is 409.
        let page = get(&s, "/web/vacancies/V-1", Some("cand-3")).await;
        let r = post(&s, "/web/vacancies/V-1/apply", "cand-3", "csrf=0000").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{}] {}", s.name(), r.text);
        let form = format!("csrf={}", page.csrf());
        let r = post(&s, "/web/vacancies/V-1/apply", "cand-3", &form).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{}] {}", s.name(), r.text);
        let r = post(&s, "/web/vacancies/V-1/apply", "cand-3", &form).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        for user in ["cand-1", "cand-4", "cand-5"] {
            let form = format!(
                "csrf={}",
                get(&s, "/web/vacancies/V-1", Some(user)).await.csrf()
            );
            let r = post(&s, "/web/vacancies/V-1/apply", user, &form).await;
            assert_eq!(
                r.status,
                StatusCode::SEE_OTHER,
                "[{}] {user}: {}",
                s.name(),
                r.text
            );
        }
        // Another session's token is not this session's.
        let mine = get(&s, "/web/vacancies/V-2", Some("cand-2")).await.csrf();
        assert_ne!(mine, page.csrf());

        // The commission sees the declaration form first, not the shortlist.
        let r = get(&s, "/web/shortlist/V-1", Some("com-1")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.text.contains("Declaration of no conflict of interest"));
        assert!(!r.text.contains("Ranking"));
        let csrf = r.csrf();
        let r = post(
            &s,
            "/web/shortlist/V-1/declaration",
            "com-1",
            &format!("csrf={csrf}&statement="),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "an unticked declaration"
        );
        let r = post(
            &s,
            "/web/shortlist/V-1/declaration",
            "com-1",
            &format!("csrf={csrf}&no_conflict=yes&statement=ok"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{}] {}", s.name(), r.text);

        // Blind by default; names (escaped) on request.
        let r = get(&s, "/web/shortlist/V-1", Some("com-1")).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
        assert!(r.text.contains("Blind mode is on"));
        assert!(
            !r.text.contains("Ержан") && !r.text.contains("Дана"),
            "blind mode leaks a name"
        );
        let ineligible = &r.text[r.text.find("id=\"ineligible\"").unwrap()..];
        assert!(
            ineligible.contains("Education level") && ineligible.contains("secondary"),
            "{ineligible}"
        );
        assert!(r.text.contains("<svg class=\"chart\" role=\"img\""));
        let named = get(&s, "/web/shortlist/V-1?blind=0", Some("com-1")).await;
        assert!(
            named
                .text
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; Ержан"),
            "{}",
            named.text
        );
        assert!(!named.text.contains("<script>alert(1)"));

        // HR declares, records the first stages of the eligible; the commission then
        // records the interviews.
        let r = s
            .post(
                "/vacancies/V-1/declaration",
                Some(&t.hr_mf),
                &json!({"no_conflict_of_interest": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let apps =
            s.db.store
                .applications_for_vacancy(&"V-1".parse().unwrap())
                .await
                .unwrap();
        let staged: Vec<&str> = apps
            .iter()
            .filter(|a| ["P-3", "P-4"].contains(&a.profile_id.as_str()))
            .map(|a| a.id.as_str())
            .collect();
        for app in apps.iter().filter(|a| staged.contains(&a.id.as_str())) {
            for stage in ["qualification_check", "test"] {
                let body =
                    json!({"stage": stage, "outcome": "passed", "score": 70.0, "reason": "ok"});
                let r = s
                    .post(
                        &format!("/applications/{}/stages", app.id),
                        Some(&t.hr_mf),
                        &body,
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            }
        }
        let page = get(&s, "/web/shortlist/V-1", Some("com-1")).await;
        let csrf = page.csrf();
        // The ranking's order, read from the page's entry ids.
        let order: Vec<String> = page
            .text
            .match_indices("<li class=\"entry\" id=\"app-")
            .map(|(i, m)| {
                page.text[i + m.len()..]
                    .split('"')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .filter(|id| staged.contains(&id.as_str()))
            .collect();
        assert_eq!(order.len(), 2, "{}", page.text);
        let stage = |app: &str, outcome: &str, deviation: &str| {
            format!("csrf={csrf}&application_id={app}&stage=interview&outcome={outcome}&score=&reason=as+discussed&deviation_reason={deviation}&blind=1")
        };
        // Rank 2 passes: fine. Rank 1 then fails while rank 2 passed: a deviation,
        // which needs its own reason.
        let r = post(
            &s,
            "/web/shortlist/V-1/stages",
            "com-1",
            &stage(&order[1], "passed", ""),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{}] {}", s.name(), r.text);
        let r = post(
            &s,
            "/web/shortlist/V-1/stages",
            "com-1",
            &stage(&order[0], "failed", ""),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}] {}",
            s.name(),
            r.text
        );
        assert!(r.text.contains("deviates from the ranking"));
        let r = post(
            &s,
            "/web/shortlist/V-1/stages",
            "com-1",
            &stage(&order[0], "failed", "did+not+come+prepared"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{}] {}", s.name(), r.text);
        let app = s.db.store.application(&order[0]).await.unwrap().unwrap();
        let reason = app.stages.last().unwrap().reason.clone().unwrap();
        assert!(
            reason.contains("Deviation from the ranking: did not come prepared"),
            "{reason}"
        );
        // A member not on the commission cannot record, even with a valid token:
        // to them the application is as missing as one that does not exist.
        let other = get(&s, "/web/commission", Some("com-2")).await.csrf();
        let r = post(
            &s,
            "/web/shortlist/V-1/stages",
            "com-2",
            &stage(&order[1], "passed", "").replace(&csrf, &other),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // The protocol shows the reasons; the candidate follows the stages.
        let r = get(&s, "/web/shortlist/V-1/protocol", Some("com-1")).await;
        assert!(
            r.text.contains("did not come prepared")
                && r.text.contains("Deviation from the ranking")
        );
        let r = get(&s, "/web/applications", Some("cand-3")).await;
        assert!(r.text.contains("Interview: "), "{}", r.text);

        // The protocol as a PDF, for the declared member; not for the candidate.
        let r = get(&s, "/web/shortlist/V-1/protocol.pdf", Some("com-1")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.headers["content-type"], "application/pdf");
        let r = get(&s, "/web/shortlist/V-1/protocol.pdf", Some("cand-3")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // The inbox tells the person what was decided, with the reason.
        let inbox = get(&s, "/web/inbox", Some("cand-3")).await;
        assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.text);
        assert!(inbox.text.contains("Interview: Failed"), "{}", inbox.text);
        assert!(
            inbox.text.contains("did not come prepared"),
            "{}",
            inbox.text
        );
        let r = get(&s, "/web/inbox", Some("hr-mf")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // An ended application offers no withdrawal; an open one does, once.
        let ended = get(&s, "/web/applications", Some("cand-3")).await;
        assert!(ended.text.contains("Interview: Failed"), "{}", ended.text);
        assert!(!ended.text.contains("/withdraw"), "{}", ended.text);
        let page = get(&s, "/web/applications", Some("cand-1")).await;
        let action = page
            .text
            .split("action=\"")
            .skip(1)
            .map(|a| a.split('"').next().unwrap().to_owned())
            .find(|a| a.ends_with("/withdraw"))
            .unwrap_or_else(|| panic!("no withdraw form: {}", page.text));
        let r = post(&s, &action, "cand-1", &format!("csrf={}", page.csrf())).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let r = get(&s, "/web/applications?withdrawn=V-1", Some("cand-1")).await;
        assert!(r.text.contains("withdrawn"), "{}", r.text);
        assert!(
            !r.text.contains(&action),
            "no second withdrawal: {}",
            r.text
        );
    }
}

/// The `via` of every `shortlist.view` audit entry so far, with its actor.
async fn shortlist_views(s: &Server) -> Vec<(String, String)> {
    let entries = s.db.store.audit_entries(0, 10_000).await.unwrap();
    entries
        .into_iter()
        .filter(|e| e.action == "shortlist.view")
        .map(|e| {
            let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap();
            let via = detail["via"].as_str().unwrap_or("api").to_owned();
            (e.actor, via)
        })
        .collect()
}

#[tokio::test]
async fn each_page_view_is_audited_once_and_only_after_the_declaration() {
    for db in test_support::all().await {
        let s = start(db).await;
        let t = fixture(&s).await;
        let r = s
            .post("/vacancies/V-1/applications", Some(&t.cand1), &json!({}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.name(), r.text);
        let app = &s
            .db
            .store
            .applications_for_vacancy(&"V-1".parse().unwrap())
            .await
            .unwrap()[0];

        // Before the declaration: neither page shows the ranking, recording is
        // refused, and nothing counts as a view.
        for path in ["/web/shortlist/V-1", "/web/shortlist/V-1/protocol"] {
            let r = get(&s, path, Some("com-1")).await;
            assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
            assert!(r.text.contains("Declaration of no conflict of interest"));
            assert!(
                !r.text.contains(app.id.as_str()),
                "{path} leaks the ranking"
            );
        }
        let csrf = get(&s, "/web/commission", Some("com-1")).await.csrf();
        let form = format!(
            "csrf={csrf}&application_id={}&stage=interview&outcome=passed&reason=ok",
            app.id
        );
        let r = post(&s, "/web/shortlist/V-1/stages", "com-1", &form).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{}] {}", s.name(), r.text);
        assert!(shortlist_views(&s).await.is_empty(), "[{}]", s.name());

        let r = s
            .post(
                "/vacancies/V-1/declaration",
                Some(&t.com1),
                &json!({"no_conflict_of_interest": true, "statement": ""}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.name(), r.text);

        // One entry per page view, naming the page.
        let r = get(&s, "/web/shortlist/V-1", Some("com-1")).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
        assert!(r.text.contains(&format!("id=\"app-{}\"", app.id)));
        assert!(r.text.contains("id=\"provenance\""));
        let r = get(&s, "/web/shortlist/V-1/protocol?blind=0", Some("com-1")).await;
        assert!(r.text.contains("Айгерім Сапарова"), "{}", r.text);
        // Recording checks the ranking without counting as a view (the result is
        // audited as a stage record); HR declares first, as everyone who records.
        let r = s
            .post(
                "/vacancies/V-1/declaration",
                Some(&t.hr_mf),
                &json!({"no_conflict_of_interest": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.name(), r.text);
        let csrf = get(&s, "/web/hr", Some("hr-mf")).await.csrf();
        let form = format!(
            "csrf={csrf}&application_id={}&stage=qualification_check&outcome=passed&reason=ok&blind=1",
            app.id
        );
        let r = post(&s, "/web/shortlist/V-1/stages", "hr-mf", &form).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{}] {}", s.name(), r.text);
        // The fairness report counts the outcome just recorded; it reads no
        // ranking, so it is no shortlist view (it is audited as a fairness view).
        let r = get(&s, "/web/fairness?vacancy=V-1", Some("hr-mf")).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
        assert!(r.text.contains("Assessed: 1, Passed: 1"), "{}", r.text);
        let expected: Vec<(String, String)> = [("com-1", "web"), ("com-1", "web.protocol")]
            .iter()
            .map(|(a, v)| (a.to_string(), v.to_string()))
            .collect();
        assert_eq!(shortlist_views(&s).await, expected, "[{}]", s.name());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_sees_the_vacancies_ranked_for_their_profile() {
    let (s, index, _dir) = common::start_indexed(test_support::sqlite().await).await;
    let t = fixture(&s).await;
    let mut p1 = common::profile("P-1", "Айгерім Сапарова");
    p1["experience"] = json!([{"organisation": "Қаржы министрлігі",
        "position": "Главный бухгалтер", "sector": "public", "start": "2015-01-01",
        "duties": "Ведение бухгалтерского учета и отчетности"}]);
    let r = s.post("/import/profiles", Some(&t.hrm), &json!([p1])).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    qabilet_app::follower::follow_once(&s.db.store, &index, None)
        .await
        .unwrap();

    let page = get(&s, "/web/for-you", Some("cand-1")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Vacancies for you"));
    assert!(
        page.text.contains("href=\"/web/vacancies/V-1\""),
        "{}",
        page.text
    );
    assert!(page.text.contains("href=\"/web/vacancies/V-2\""));
    assert!(
        !page.text.contains("V-OLD"),
        "a closed competition is not offered"
    );
    assert!(page.text.contains("Requirements met") || page.text.contains("You meet every"));
    // The candidate's menu leads there; other roles are refused the page.
    assert!(page.text.contains("aria-current=\"page\""));
    let page = get(&s, "/web/for-you", Some("hr-mf")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // After revoking processing consent the page says why it is empty.
    let r = s
        .post("/profiles/P-1/consent/revoke", Some(&t.cand1), &json!({}))
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let page = get(&s, "/web/for-you", Some("cand-1")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("no processing consent"), "{}", page.text);
    let page = get(&s, "/web/for-you", None).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn hr_runs_the_competition_from_its_page() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        fixture(&s).await;
        let base = "/web/hr/vacancies/V-1";
        // Only HR of the organisation and admins.
        for user in ["cand-1", "com-1", "hr-mj"] {
            let r = get(&s, base, Some(user)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{name}] {user}");
        }
        let page = get(&s, base, Some("hr-mf")).await;
        assert_eq!(page.status, StatusCode::OK, "[{name}] {}", page.text);
        assert!(page.text.contains("id=\"member-com-1\""), "{}", page.text);
        assert!(
            page.text.contains("<option value=\"com-2\">"),
            "{}",
            page.text
        );
        let csrf = format!("csrf={}", page.csrf());
        // Without the token nothing happens.
        let r = post(
            &s,
            &format!("{base}/seats"),
            "hr-mf",
            "csrf=0&user_id=com-2",
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{name}]");
        let r = post(
            &s,
            &format!("{base}/seats"),
            "hr-mf",
            &format!("{csrf}&user_id=com-2"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{name}] {}", r.text);
        let r = post(&s, &format!("{base}/seats/com-1/remove"), "hr-mf", &csrf).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{name}] {}", r.text);
        let page = get(&s, base, Some("hr-mf")).await;
        assert!(page.text.contains("id=\"member-com-2\""), "{}", page.text);
        assert!(!page.text.contains("id=\"member-com-1\""), "{}", page.text);
        // A candidate may not be seated: the rule of the API, shown as a page.
        let r = post(
            &s,
            &format!("{base}/seats"),
            "hr-mf",
            &format!("{csrf}&user_id=cand-1"),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{name}] {}",
            r.text
        );
        let r = post(&s, &format!("{base}/publish"), "hr-mf", &csrf).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{name}] {}", r.text);
        let published = s.db.store.audit_entries(0, 10_000).await.unwrap();
        assert!(published
            .iter()
            .any(|e| e.action == "shortlist.publish" && e.actor == "hr-mf"));
        assert!(published
            .iter()
            .any(|e| e.action == "commission.unseat" && e.detail == "com-1"));
        // Close the vacancy to applications; it cannot be reopened.
        let r = post(
            &s,
            &format!("{base}/status"),
            "hr-mf",
            &format!("{csrf}&status=closed"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{name}] {}", r.text);
        let page = get(&s, base, Some("hr-mf")).await;
        assert!(
            page.text.contains("<strong id=\"status\">closed</strong>"),
            "{}",
            page.text
        );
        let r = post(
            &s,
            &format!("{base}/status"),
            "hr-mf",
            &format!("{csrf}&status=open"),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "[{name}] {}", r.text);
    }
}

#[tokio::test]
async fn a_candidate_gives_and_withdraws_each_consent() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        fixture(&s).await;
        let page = get(&s, "/web/consents", Some("cand-1")).await;
        assert_eq!(page.status, StatusCode::OK, "[{name}] {}", page.text);
        assert!(
            page.text.contains("id=\"revoke-processing\""),
            "{}",
            page.text
        );
        assert!(page.text.contains("id=\"grant-reserve\""), "{}", page.text);
        let csrf = format!("csrf={}", page.csrf());
        let r = post(
            &s,
            "/web/consents/grant",
            "cand-1",
            "csrf=0&purpose=reserve",
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "[{name}] without the token"
        );
        let r = post(
            &s,
            "/web/consents/grant",
            "cand-1",
            &format!("{csrf}&purpose=reserve"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{name}] {}", r.text);
        let page = get(&s, "/web/consents", Some("cand-1")).await;
        assert!(page.text.contains("id=\"revoke-reserve\""), "{}", page.text);
        let p1 =
            s.db.store
                .profile(&"P-1".parse().unwrap())
                .await
                .unwrap()
                .unwrap();
        assert!(p1.consents_to(qabilet_domain::ConsentPurpose::Reserve));
        let r = post(
            &s,
            "/web/consents/revoke",
            "cand-1",
            &format!("{csrf}&purpose=reserve"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{name}] {}", r.text);
        let p1 =
            s.db.store
                .profile(&"P-1".parse().unwrap())
                .await
                .unwrap()
                .unwrap();
        assert!(!p1.consents_to(qabilet_domain::ConsentPurpose::Reserve));
        let r = post(
            &s,
            "/web/consents/grant",
            "cand-1",
            &format!("{csrf}&purpose=marketing"),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{name}] {}",
            r.text
        );
        let audit = s.db.store.audit_entries(0, 10_000).await.unwrap();
        assert!(audit
            .iter()
            .any(|e| e.action == "consent.grant" && e.actor == "cand-1"));
        // Not a page for anyone without a profile of their own.
        let r = get(&s, "/web/consents", Some("hr-mf")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{name}]");
    }
}

#[tokio::test]
async fn hr_extends_and_removes_reserve_entries_on_the_page() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let mut p1 = common::profile("P-1", "Айгерім Сапарова");
        p1["consents"] = json!([
            {"purpose": "processing", "granted_at": "2026-01-01T00:00:00Z"},
            {"purpose": "reserve", "granted_at": "2026-01-02T00:00:00Z"}
        ]);
        let r = s.post("/import/profiles", Some(&t.hrm), &json!([p1])).await;
        assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
        let entry = qabilet_app::reserve::NewEntry {
            profile_id: "P-1".parse().unwrap(),
            reason: "второе место в конкурсе".into(),
            days: Some(30),
            vacancy_id: Some("V-1".parse().unwrap()),
        };
        let added = qabilet_app::reserve::add(&s.app, &common::operator(), &entry)
            .await
            .unwrap();
        let page = get(&s, "/web/hr/reserve", Some("hr-mf")).await;
        assert!(
            page.text.contains(&format!("id=\"extend-{}\"", added.id)),
            "{}",
            page.text
        );
        let csrf = page.csrf();
        let until = (chrono::Utc::now() + chrono::Duration::days(200)).format("%Y-%m-%d");
        let extend = format!("/web/hr/reserve/{}/extend", added.id);
        let r = post(
            &s,
            &extend,
            "hr-mf",
            &format!("csrf={csrf}&until={until}&reason="),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{name}] a reason is required"
        );
        let r = post(
            &s,
            &extend,
            "hr-mf",
            &format!("csrf={csrf}&until=soon&reason=x"),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{name}] {}",
            r.text
        );
        let form = format!(
            "csrf={csrf}&until={until}&reason=%D0%BF%D1%80%D0%BE%D0%B4%D0%BB%D0%B5%D0%BD%D0%BE"
        );
        let r = post(&s, &extend, "hr-mf", &form).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{name}] {}", r.text);
        let kept =
            s.db.store
                .reserve_entry(added.id.as_str())
                .await
                .unwrap()
                .unwrap();
        assert_eq!(
            kept.expires_at.format("%Y-%m-%d").to_string(),
            until.to_string()
        );
        // Another organisation's HR may not touch it.
        let r = post(
            &s,
            &format!("/web/hr/reserve/{}/remove", added.id),
            "hr-mj",
            &format!(
                "csrf={}",
                get(&s, "/web/hr/reserve", Some("hr-mj")).await.csrf()
            ),
        )
        .await;
        assert!(r.status.is_client_error(), "[{name}] {}", r.status);
        let r = post(
            &s,
            &format!("/web/hr/reserve/{}/remove", added.id),
            "hr-mf",
            &format!("csrf={csrf}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{name}] {}", r.text);
        assert!(s
            .db
            .store
            .reserve_entry(added.id.as_str())
            .await
            .unwrap()
            .is_none());
    }
}
