//! `GET /openapi.json` describes exactly what the server serves: every documented
//! (method, path) reaches a handler (never the router's "no such route" or 405),
//! every other method on a documented path is refused with 405, and every
//! operation documents its path parameters, its responses (with schemas that
//! resolve) and who may call it. (Responses are validated against these schemas on
//! the demo data in `cli/tests/front_doors.rs`.)

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
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert_eq!(
        doc,
        &serde_json::to_value(qabilet_api::openapi_document()).unwrap()
    );
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("ErrorBody") && schemas.contains_key("Shortlist"));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // Every reference resolves to a schema of the document.
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "dangling $ref to {name}");
    }
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            assert!(METHODS.contains(&method.as_str()), "{method}");
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path}"
            );
            let in_path: BTreeSet<&str> = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "path")
                        .filter_map(|p| p["name"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            let named: BTreeSet<&str> = path
                .split('/')
                .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            assert_eq!(in_path, named, "{method} {path}: path parameters");
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|k| k.starts_with('2')),
                "{method} {path}: no success response"
            );
            // Who may call it: a bearer token, or explicitly nobody in particular.
            assert!(op["security"].is_array(), "{method} {path}: no security");
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

/// utoipa names a schema after its Rust type and keeps one schema per name, so
/// two types of one name (a proctoring `Session` and a sign-in session, say) would
/// silently document one with the other's fields. Every type that derives or
/// implements `ToSchema` in the workspace has a name of its own.
#[test]
fn every_schema_has_a_name_of_its_own() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut names: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if !matches!(name.as_str(), "target" | "node_modules" | ".git" | "tests") {
                    pending.push(path);
                }
                continue;
            }
            if !name.ends_with(".rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let derived =
                    line.contains("ToSchema") && line.trim_start().starts_with("#[derive");
                let typ = if derived {
                    // The type is declared within the next few lines (after attributes).
                    lines[i + 1..].iter().take(6).find_map(|l| {
                        let l = l.trim_start();
                        let l = l
                            .strip_prefix("pub(crate) ")
                            .or_else(|| l.strip_prefix("pub "))
                            .unwrap_or(l);
                        let rest = l
                            .strip_prefix("struct ")
                            .or_else(|| l.strip_prefix("enum "))?;
                        Some(
                            rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                                .next()?
                                .to_owned(),
                        )
                    })
                } else {
                    line.trim_start()
                        .strip_prefix("impl utoipa::ToSchema for ")
                        .map(|rest| {
                            rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                                .next()
                                .unwrap()
                                .to_owned()
                        })
                };
                if let Some(typ) = typ.filter(|t| !t.is_empty() && t != "$name") {
                    names
                        .entry(typ)
                        .or_default()
                        .push(path.display().to_string());
                }
            }
        }
    }
    assert!(
        names.contains_key("Shortlist") && names.contains_key("Vacancy"),
        "{names:?}"
    );
    let clashes: Vec<_> = names
        .iter()
        .filter(|(_, places)| places.len() > 1)
        .collect();
    // The matcher's own `Shortlist` is never in the document (no route returns it).
    let clashes: Vec<_> = clashes
        .into_iter()
        .filter(|(n, _)| n.as_str() != "Shortlist")
        .collect();
    assert!(clashes.is_empty(), "schemas sharing a name: {clashes:?}");
}
