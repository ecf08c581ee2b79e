//! The server itself: health, readiness, metrics, request ids, authentication
//! failures, and bad input of every kind answered 4xx in the one error shape.

mod common;

use chrono::{Duration, Utc};
use common::{fixture, start, start_with, Server};
use hyper::{Method, StatusCode};
use qabilet_store::test_support;
use serde_json::json;

async fn servers() -> Vec<Server> {
    let mut out = Vec::new();
    for db in test_support::all().await {
        out.push(start(db).await);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_metrics_and_request_ids() {
    for s in servers().await {
        let r = s.get("/healthz", None).await;
        assert_eq!(r.status, StatusCode::OK, "[{}]", s.name());
        assert_eq!(r.json["status"], "ok");
        assert!(
            r.headers.contains_key("x-request-id"),
            "[{}] no request id",
            s.name()
        );

        let r = s.get("/readyz", None).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.name(), r.text);
        assert_eq!(r.json["backend"], s.name());
        assert_eq!(r.json["search"], false);

        for _ in 0..2 {
            assert_eq!(
                s.get("/reserve", None).await.status,
                StatusCode::UNAUTHORIZED
            );
        }
        let r = s.get("/metrics", None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.text.contains(
                "qabilet_http_requests_total{method=\"GET\",route=\"/reserve\",status=\"401\"} 2"
            ),
            "[{}] {}",
            s.name(),
            r.text
        );
        assert!(r.text.contains(
            "qabilet_http_request_duration_seconds_count{method=\"GET\",route=\"/reserve\"} 2"
        ));
        assert!(r.text.contains("qabilet_outbox_pending 0"), "{}", r.text);

        // Once the store is gone, readiness says so (503) while liveness stays up.
        s.db.store.close().await;
        let r = s.get("/readyz", None).await;
        assert_eq!(
            r.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "[{}] {}",
            s.name(),
            r.text
        );
        assert_eq!(r.code(), "unavailable");
        assert_eq!(s.get("/healthz", None).await.status, StatusCode::OK);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_answered_4xx_in_one_shape() {
    for db in test_support::all().await {
        let s = start_with(db, |c| c.body_limit = 64 * 1024).await;
        let t = fixture(&s).await;
        let name = s.name();
        let admin = Some(t.admin.as_str());
        let com = Some(t.com1.as_str());

        // Malformed JSON.
        let r = s
            .raw(
                Method::POST,
                "/vacancies/V-1/declaration",
                com,
                Some("application/json"),
                b"{\"no_conflict".to_vec(),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "malformed_json"),
            "[{name}] {}",
            r.text
        );

        // Wrong type, with the field named.
        let r = s
            .post(
                "/vacancies/V-1/declaration",
                com,
                &json!({"no_conflict_of_interest": "yes"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            "[{name}] {}",
            r.text
        );
        assert_eq!(r.json["error"]["path"], "no_conflict_of_interest");

        // Unknown field.
        let r = s
            .post(
                "/vacancies/V-1/declaration",
                com,
                &json!({"no_conflict_of_interest": true, "x": 1}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{name}] {}",
            r.text
        );
        assert!(r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `x`"));

        // Not declared as JSON.
        let r = s
            .raw(
                Method::POST,
                "/vacancies/V-1/declaration",
                com,
                Some("text/plain"),
                b"{}".to_vec(),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
        );

        // Oversized, with and without a declared length.
        let big = format!("[\"{}\"]", "x".repeat(100 * 1024)).into_bytes();
        let r = s
            .raw(
                Method::POST,
                "/import/profiles",
                admin,
                Some("application/json"),
                big,
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            "[{name}] {}",
            r.text
        );

        // A rule broken inside a bulk import names the record and the field.
        let mut v = common::vacancy("V-9", "MF", Utc::now().date_naive());
        v["published_on"] = (Utc::now().date_naive() + Duration::days(5))
            .to_string()
            .into();
        let r = s.post("/import/vacancies", admin, &json!([v])).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{name}] {}",
            r.text
        );
        assert_eq!(r.json["error"]["path"], "[0].deadline");

        // Invalid ids in the path and bad query parameters.
        let r = s.get("/vacancies/a%20b", admin).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "invalid_id"),
            "[{name}] {}",
            r.text
        );
        let long = "x".repeat(65);
        let r = s.get(&format!("/profiles/{long}"), admin).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "invalid_id")
        );
        let r = s.get("/events?after=abc", admin).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "invalid_query"),
            "{}",
            r.text
        );
        let r = s.get("/vacancies?status=bogus", admin).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = s.get("/vacancies/V-1/shortlist?blind=maybe", admin).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);

        // Unknown routes and methods.
        let r = s.get("/nope", admin).await;
        assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
        let r = s
            .raw(Method::DELETE, "/audit", admin, None, Vec::new())
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
        );

        // Nothing above was a 5xx.
        let m = s.get("/metrics", None).await.text;
        assert!(!m.contains("status=\"5"), "[{name}] {m}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_failures_are_401() {
    for s in servers().await {
        let name = s.name();
        let t = fixture(&s).await;
        // A token of the right form that no session has, and one whose session ended.
        let unknown = format!("qs_{}", "ab".repeat(32));
        let ended = common::session(&s, "com-2").await;
        let r = s
            .send(
                Method::DELETE,
                "/sessions/current",
                Some(&ended),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "[{name}] {}", r.text);
        let (expired, forged, ghost) = (unknown.clone(), ended.clone(), unknown);
        for token in [
            None,
            Some("junk"),
            Some("qk_unknown"),
            Some(expired.as_str()),
            Some(forged.as_str()),
            Some(ghost.as_str()),
        ] {
            let r = s.get("/audit", token).await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::UNAUTHORIZED, "unauthenticated"),
                "[{name}] {token:?}"
            );
            assert_eq!(r.headers["www-authenticate"], "Bearer");
        }
        let r = s.raw(Method::GET, "/audit", None, None, Vec::new()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(s.get("/audit", Some(&t.admin)).await.status, StatusCode::OK);
    }
}
