//! `GET /openapi.json` describes exactly what the server serves: every documented
//! (method, path) reaches a handler (never the router's "no such route" or 405),
//! and every other method on a documented path is refused with 405.

mod common;

use std::collections::BTreeSet;

use hyper::Method;
use qabilet_store::test_support;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_matches_the_routes() {
    let db = test_support::sqlite().await;
    let s = common::start(db).await;
    let r = s.get("/openapi.json", None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let doc = &r.json;
    assert_eq!(doc["openapi"], "3.0.3");
    assert_eq!(doc, &qabilet_api::openapi_document());
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            assert!(METHODS.contains(&method.as_str()), "{method}");
            assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()));
            let params = op["parameters"].as_array().unwrap();
            assert_eq!(params.len(), path.matches('{').count(), "{method} {path}");
            documented.insert((method.clone(), path.clone()));
        }
    }
    // Every resource of the issue is there.
    for (method, path) in [
        ("get", "/vacancies/{id}/shortlist"),
        ("post", "/vacancies/{id}/eligibility/overrides"),
        ("get", "/reserve"),
        ("post", "/reserve"),
        ("post", "/reserve/{id}/extend"),
        ("delete", "/reserve/{id}"),
        ("get", "/events"),
        ("get", "/openapi.json"),
    ] {
        assert!(
            documented.contains(&(method.to_owned(), path.to_owned())),
            "{method} {path}"
        );
    }

    for (path, item) in paths {
        let concrete = path.replace("{id}", "X-1").replace("{user_id}", "u-1");
        for method in METHODS {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = s
                .raw(m, &concrete, None, Some("application/json"), b"{}".to_vec())
                .await;
            let served = item.get(method).is_some();
            let unrouted = r.status.as_u16() == 405
                || (r.status.as_u16() == 404 && r.text.contains("no such route"));
            assert_eq!(
                !unrouted, served,
                "{method} {path}: documented={served}, answered {} {}",
                r.status, r.text
            );
        }
    }
}
