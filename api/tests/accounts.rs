//! Accounts over real HTTP on SQLite and PostgreSQL: sessions that end (sign-out,
//! disabling, password reset, key revocation, idle timeout), the mandatory second
//! factor and its replay protection, throttled sign-in, and the hardening every
//! response carries.

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use common::{fixture, start, Server, PASSWORD};
use hyper::{Method, StatusCode};
use qabilet_app::accounts::second_factor::current_code;
use qabilet_app::accounts::NewUser;
use qabilet_app::Role;
use qabilet_store::test_support;
use serde_json::{json, Value};

async fn sign_in(s: &Server, user: &str, password: &str, code: Option<&str>) -> common::Reply {
    let mut body = json!({"user_id": user, "password": password});
    if let Some(code) = code {
        body["code"] = json!(code);
    }
    s.post("/sessions", None, &body).await
}

async fn new_user(s: &Server, id: &str, role: Role, org: Option<&str>) {
    let new = NewUser {
        id: id.into(),
        role,
        organisation_id: org.map(|o| o.parse().unwrap()),
        profile_id: (role == Role::Candidate).then(|| "P-1".parse().unwrap()),
        password: None,
    };
    common::create_user(s, &new).await;
}

/// Waits for the next 30-second TOTP step, so a fresh code differs from the last.
async fn next_step() {
    let now = chrono::Utc::now().timestamp();
    let wait = 30 - now.rem_euclid(30) + 1;
    tokio::time::sleep(Duration::from_secs(wait as u64)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ended_sessions_disabled_users_and_revoked_keys_get_401_on_the_next_request() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let ok = |r: &common::Reply| r.status == StatusCode::OK;

        // Sign-out ends the session for the bearer at once.
        let token = common::session(&s, "cand-1").await;
        assert!(ok(&s.get("/profiles/P-1", Some(&token)).await), "[{name}]");
        let r = s
            .send(
                Method::DELETE,
                "/sessions/current",
                Some(&token),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "[{name}] {}", r.text);
        let r = s.get("/profiles/P-1", Some(&token)).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNAUTHORIZED, "unauthenticated"),
            "[{name}]"
        );

        // A person sees their sessions and ends another one; an admin ends anyone's.
        let a = common::session(&s, "cand-2").await;
        let b = common::session(&s, "cand-2").await;
        let listed = s.get("/sessions", Some(&a)).await;
        let sessions = listed.json.as_array().unwrap();
        // The fixture's session of cand-2, a and b.
        assert_eq!(sessions.len(), 3, "[{name}] {}", listed.text);
        assert_eq!(sessions.iter().filter(|x| x["current"] == true).count(), 1);
        let other = sessions.iter().find(|x| x["current"] == false).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        // Someone else's session and a missing one: one answer.
        for caller in [&t.cand1, &t.hr_mf] {
            let r = s
                .send(
                    Method::DELETE,
                    &format!("/sessions/{other}"),
                    Some(caller),
                    &json!({}),
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "[{name}]");
            let missing = s
                .send(Method::DELETE, "/sessions/nope", Some(caller), &json!({}))
                .await;
            assert_eq!(r.json["error"]["code"], missing.json["error"]["code"]);
        }
        let r = s
            .send(
                Method::DELETE,
                &format!("/sessions/{other}"),
                Some(&a),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "[{name}] {}", r.text);
        let r = s
            .send(Method::DELETE, "/sessions", Some(&a), &json!({}))
            .await;
        assert_eq!(
            r.json["ended"], 1,
            "[{name}] the other of the two left: {}",
            r.text
        );
        assert_eq!(
            s.get("/profiles/P-2", Some(&b)).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            s.get("/profiles/P-2", Some(&t.cand2)).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            s.get("/profiles/P-2", Some(&a)).await.status,
            StatusCode::OK
        );
        let r = s
            .send(
                Method::DELETE,
                "/users/cand-2/sessions",
                Some(&t.admin),
                &json!({}),
            )
            .await;
        assert_eq!(r.json["ended"], 1, "[{name}] {}", r.text);
        assert_eq!(
            s.get("/profiles/P-2", Some(&a)).await.status,
            StatusCode::UNAUTHORIZED
        );

        // Disabling a user ends their sessions on the next request; enabling lets
        // them sign in again, not the old sessions back.
        let hr = common::session(&s, "hr-mj").await;
        assert!(ok(&s.get("/vacancies/V-2", Some(&hr)).await));
        let r = s
            .post("/users/hr-mj/disable", Some(&t.hrm), &json!({}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{name}] only admins");
        let r = s
            .post("/users/hr-mj/disable", Some(&t.admin), &json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "[{name}] {}", r.text);
        assert_eq!(
            s.get("/vacancies/V-2", Some(&hr)).await.status,
            StatusCode::UNAUTHORIZED
        );
        s.post("/users/hr-mj/enable", Some(&t.admin), &json!({}))
            .await;
        assert_eq!(
            s.get("/vacancies/V-2", Some(&hr)).await.status,
            StatusCode::UNAUTHORIZED
        );
        let r = s
            .post("/users/admin/disable", Some(&t.admin), &json!({}))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "[{name}] not oneself");

        // A password reset ends every session and the old password stops working.
        let before = common::session(&s, "cand-1").await;
        let r = s
            .post("/users/cand-1/password-reset", Some(&t.admin), &json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
        let new_password = r.json["password"].as_str().unwrap().to_owned();
        assert_eq!(
            s.get("/profiles/P-1", Some(&before)).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            sign_in(&s, "cand-1", PASSWORD, None).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            sign_in(&s, "cand-1", &new_password, None).await.status,
            StatusCode::OK
        );
        let r = s
            .post(
                "/users/cand-1/password-reset",
                Some(&t.admin),
                &json!({"password": "password1234"}),
            )
            .await;
        assert_eq!(
            (r.status, r.json["error"]["path"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("password"))
        );

        // A revoked API key stops at once; the list never shows keys.
        let key = common::create_api_key(&s.app, "hrm-2", Role::Hrm).await;
        assert!(ok(&s.get("/vacancies", Some(&key)).await));
        let r = s
            .send(
                Method::DELETE,
                "/api-keys/hrm-2",
                Some(&t.admin),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "[{name}] {}", r.text);
        assert_eq!(
            s.get("/vacancies", Some(&key)).await.status,
            StatusCode::UNAUTHORIZED
        );
        let keys = s.get("/api-keys", Some(&t.admin)).await;
        assert!(
            !keys.text.contains(&key) && keys.text.contains("revoked_at"),
            "{}",
            keys.text
        );

        // Every account action is in the audit log, with its actor.
        let audit = s.get("/audit?limit=500", Some(&t.admin)).await.text;
        for action in [
            "session.end",
            "user.disable",
            "user.enable",
            "user.password_reset",
            "api_key.revoke",
            "session.end_all",
        ] {
            assert!(audit.contains(action), "[{name}] {action} not audited");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_factor_is_mandatory_for_staff_and_a_code_works_once() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        fixture(&s).await;
        for (user, role, org) in [
            ("boss", Role::Admin, None),
            ("hr-new", Role::Hr, Some("MF")),
            ("member", Role::Commission, None),
        ] {
            new_user(&s, user, role, org).await;
            let r = sign_in(&s, user, PASSWORD, None).await;
            assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
            assert_eq!(
                r.json["second_factor_setup_required"], true,
                "[{name}] {user}"
            );
            let token = r.json["token"].as_str().unwrap().to_owned();
            let refused = s.get("/vacancies", Some(&token)).await;
            assert_eq!(
                (refused.status, refused.code()),
                (StatusCode::FORBIDDEN, "second_factor_setup_required"),
                "[{name}] {user}"
            );
        }
        // A candidate may go without.
        new_user(&s, "cand-x", Role::Candidate, None).await;
        let r = sign_in(&s, "cand-x", PASSWORD, None).await;
        assert_eq!(r.json["second_factor_setup_required"], false, "[{name}]");

        // Enrolment: the secret, a wrong code refused, the right one confirms and
        // lifts the mark from the session.
        let token = sign_in(&s, "member", PASSWORD, None).await.json["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let enrolment = s
            .post("/account/second-factor", Some(&token), &json!(null))
            .await;
        assert_eq!(
            enrolment.status,
            StatusCode::OK,
            "[{name}] {}",
            enrolment.text
        );
        let secret = enrolment.json["secret"].as_str().unwrap().to_owned();
        assert!(enrolment.json["otpauth_url"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/Qabilet:member?secret="));
        let code = current_code(&secret).unwrap();
        let wrong = if code == "123456" { "654321" } else { "123456" };
        let r = s
            .post(
                "/account/second-factor/confirm",
                Some(&token),
                &json!({"code": wrong}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{name}] {}",
            r.text
        );
        let r = s
            .post(
                "/account/second-factor/confirm",
                Some(&token),
                &json!({"code": code}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
        let recovery: Vec<String> = r.json["recovery_codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(recovery.len(), 10);
        assert_eq!(
            s.get("/vacancies", Some(&token)).await.status,
            StatusCode::OK,
            "[{name}]"
        );

        // From now on the password alone is refused, as a wrong code is, and the
        // code just used for confirming cannot sign in (replay).
        for c in [None, Some(wrong), Some(code.as_str())] {
            let r = sign_in(&s, "member", PASSWORD, c).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "[{name}] code {c:?}");
            assert_eq!(
                r.json["error"]["message"],
                "wrong user id, password or code"
            );
        }
        // A recovery code works once.
        let r = sign_in(&s, "member", PASSWORD, Some(&recovery[0].to_uppercase())).await;
        assert_eq!(r.status, StatusCode::OK, "[{name}] {}", r.text);
        assert_eq!(r.json["second_factor_setup_required"], false);
        assert_eq!(
            sign_in(&s, "member", PASSWORD, Some(&recovery[0]))
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        if name == "sqlite" {
            // A new code in the next step works once, and only once.
            next_step().await;
            let fresh = current_code(&secret).unwrap();
            assert_eq!(
                sign_in(&s, "member", PASSWORD, Some(&fresh)).await.status,
                StatusCode::OK,
                "[{name}]"
            );
            assert_eq!(
                sign_in(&s, "member", PASSWORD, Some(&fresh)).await.status,
                StatusCode::UNAUTHORIZED,
                "[{name}] replay"
            );
        }
        // Staff cannot turn it off; an admin can reset it (a lost phone).
        let r = s
            .post(
                "/account/second-factor/disable",
                Some(&token),
                &json!({"code": "000000"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{name}] {}", r.text);
        let admin = common::session(&s, "admin").await;
        let r = s
            .send(
                Method::DELETE,
                "/users/member/second-factor",
                Some(&admin),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "[{name}] {}", r.text);
        assert_eq!(
            s.get("/vacancies", Some(&token)).await.status,
            StatusCode::UNAUTHORIZED,
            "[{name}] reset ends sessions"
        );
        assert_eq!(
            sign_in(&s, "member", PASSWORD, None).await.json["second_factor_setup_required"],
            true
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_wrong_passwords_are_slowed_then_locked_with_retry_after() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let mut statuses = Vec::new();
        let mut last: Option<common::Reply> = None;
        for _ in 0..20 {
            let r = sign_in(&s, "cand-2", "wrong-password-x", None).await;
            statuses.push(r.status.as_u16());
            last = Some(r);
        }
        let last = last.unwrap();
        assert_eq!(&statuses[..5], &[401; 5], "[{name}] {statuses:?}");
        assert!(
            statuses[5..].iter().all(|s| *s == 429),
            "[{name}] {statuses:?}"
        );
        assert_eq!(last.code(), "too_many_requests");
        let retry: u64 = last.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(retry > 60, "[{name}] locked: {retry}");
        // Locked even with the right password; the admin sees it, lifts it, and
        // the lock is in the audit log.
        assert_eq!(
            sign_in(&s, "cand-2", PASSWORD, None).await.status,
            StatusCode::TOO_MANY_REQUESTS
        );
        let r = s.get("/sign-in/throttles", Some(&t.admin)).await;
        let entry = r
            .json
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == "user:cand-2")
            .cloned();
        assert!(
            entry.is_some_and(|e| !e["locked_until"].is_null()),
            "[{name}] {}",
            r.text
        );
        assert_eq!(
            s.get("/sign-in/throttles", Some(&t.hr_mf)).await.status,
            StatusCode::FORBIDDEN
        );
        let r = s
            .send(
                Method::DELETE,
                "/sign-in/throttles/user:cand-2",
                Some(&t.admin),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "[{name}] {}", r.text);
        assert_eq!(
            sign_in(&s, "cand-2", PASSWORD, None).await.status,
            StatusCode::OK,
            "[{name}]"
        );
        let audit = s.get("/audit?limit=500", Some(&t.admin)).await.text;
        assert!(
            audit.contains("sign_in.lock") && audit.contains("sign_in.unlock"),
            "[{name}]"
        );
        // An unknown user id is throttled the same way: the answer tells nothing.
        let unknown: Vec<u16> = {
            let mut v = Vec::new();
            for _ in 0..7 {
                v.push(
                    sign_in(&s, "nobody-here", "wrong-password-x", None)
                        .await
                        .status
                        .as_u16(),
                );
            }
            v
        };
        assert_eq!(unknown, [401, 401, 401, 401, 401, 429, 429], "[{name}]");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sessions_end() {
    let db = test_support::sqlite().await;
    let mut config = common::config();
    config.sessions.idle_timeout = Duration::from_secs(2);
    let app = qabilet_app::App::new(qabilet_app::AppParts {
        store: db.store.clone(),
        config,
        index: None,
        model: None,
        ranking_threads: qabilet_app::RankingThreads::Sequential,
    });
    let s = common::start_app(db, app).await;
    let t = fixture(&s).await;
    assert_eq!(
        s.get("/profiles/P-1", Some(&t.cand1)).await.status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let r = s.get("/profiles/P-1", Some(&t.cand1)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers_and_every_error_is_json() {
    let s = common::start_with(test_support::sqlite().await, |http| {
        http.header_read_timeout = Duration::from_secs(1);
    })
    .await;
    let t = fixture(&s).await;
    for (path, token) in [
        ("/profiles/P-1", Some(&t.cand1)),
        ("/healthz", None),
        ("/nope", None),
    ] {
        let r = s.get(path, token.map(String::as_str)).await;
        let h = |n: &str| {
            r.headers
                .get(n)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let csp = h("content-security-policy");
        assert!(
            csp.contains("script-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(h("x-frame-options"), "DENY");
        assert_eq!(h("x-content-type-options"), "nosniff");
        assert_eq!(h("referrer-policy"), "no-referrer");
        assert_eq!(h("cache-control"), "no-store", "{path}");
    }
    // 414 and 431 in the one error shape.
    let long = format!("/vacancies?q={}", "a".repeat(9000));
    let r = s.get(&long, Some(&t.admin)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::URI_TOO_LONG, "uri_too_long")
    );
    let mut stream = std::net::TcpStream::connect(s.addr).unwrap();
    let big = "x".repeat(40 * 1024);
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 431"),
        "{}",
        &answer[..answer.len().min(200)]
    );
    let body: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "headers_too_large");

    // Beyond what hyper itself takes (a 64 KiB URI, a 128 KiB head): still JSON.
    for head in [
        format!(
            "GET /healthz?q={} HTTP/1.1\r\nHost: x\r\n\r\n",
            "a".repeat(100 * 1024)
        ),
        format!(
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
            "b".repeat(200 * 1024)
        ),
    ] {
        let mut stream = std::net::TcpStream::connect(s.addr).unwrap();
        let _ = stream.write_all(head.as_bytes());
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        let status = answer.get(..12).unwrap_or_default().to_owned();
        assert!(
            status == "HTTP/1.1 414" || status == "HTTP/1.1 431",
            "{}",
            &answer[..answer.len().min(300)]
        );
        let body: Value =
            serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap_or("")).unwrap();
        assert!(body["error"]["code"].is_string(), "{answer}");
    }

    // Slowloris: a request head that never ends is cut off.
    let mut slow = std::net::TcpStream::connect(s.addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = [0u8; 512];
    let n = slow.read(&mut buf).unwrap_or(0);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the connection stayed open"
    );
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(n == 0 || text.starts_with("HTTP/1.1 408"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_forwarded_address_counts() {
    for trusted in [false, true] {
        let db = test_support::sqlite().await;
        let mut config = common::config();
        if trusted {
            config.sessions.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        }
        let app = qabilet_app::App::new(qabilet_app::AppParts {
            store: db.store.clone(),
            config,
            index: None,
            model: None,
            ranking_threads: qabilet_app::RankingThreads::Sequential,
        });
        let s = common::start_app(db, app).await;
        fixture(&s).await;
        // The client wrote the left hop itself: only the proxy's (rightmost) counts.
        let mut req = hyper::Request::builder()
            .method(Method::POST)
            .uri(format!("http://{}/sessions", s.addr))
            .header("content-type", "application/json")
            .header("x-forwarded-for", "198.51.100.1, 203.0.113.7");
        req = req.header("user-agent", "proxy-test");
        let body = json!({"user_id": "cand-1", "password": PASSWORD}).to_string();
        let r = common::client()
            .request(
                req.body(http_body_util::Full::new(bytes::Bytes::from(body)))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let admin = common::session(&s, "admin").await;
        let sessions = s.get("/users/cand-1/sessions", Some(&admin)).await;
        let from_proxy = sessions
            .json
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["user_agent"] == "proxy-test")
            .unwrap()["ip"]
            .clone();
        let expected = if trusted { "203.0.113.7" } else { "127.0.0.1" };
        assert_eq!(from_proxy, expected, "trusted: {trusted}");
    }
}
