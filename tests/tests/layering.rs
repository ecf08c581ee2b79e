//! The crates depend one way:
//! domain → store → indexer (+ models) → matcher → app → api, web → cli.
//! Each crate's `[dependencies]` name only crates before it; the application core
//! knows no HTTP crate, and the web pages and the API know each other only in the
//! binary that merges them.

use std::collections::BTreeSet;
use std::path::Path;

/// The `[dependencies]` of the crate in `dir`, by name.
fn dependencies(dir: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(dir)
        .join("Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut in_deps = false;
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && !line.is_empty() && !line.starts_with('#') {
            if let Some(name) = line.split(['=', '.', ' ']).next() {
                out.insert(name.to_owned());
            }
        }
    }
    out
}

#[test]
fn the_crates_depend_one_way() {
    // Each layer and what it may not name.
    let order = [
        "domain",
        "store",
        "models",
        "indexer",
        "matcher",
        "proctoring",
        "cv",
        "app",
        "api",
        "web",
        "cli",
    ];
    let ours = |d: &BTreeSet<String>| -> BTreeSet<String> {
        d.iter()
            .filter_map(|n| n.strip_prefix("qabilet-").map(str::to_owned))
            .collect()
    };
    let allowed: [(&str, &[&str]); 11] = [
        ("domain", &[]),
        ("store", &["domain"]),
        ("models", &[]),
        ("indexer", &["domain", "store", "models"]),
        ("matcher", &["domain", "indexer"]),
        ("proctoring", &[]),
        // Reading uploaded CVs stands alone: bytes in, text out.
        ("cv", &[]),
        (
            "app",
            &[
                "domain",
                "store",
                "indexer",
                "matcher",
                "models",
                "proctoring",
                "cv",
            ],
        ),
        ("api", &["app", "domain", "store", "matcher", "proctoring"]),
        ("web", &["app", "domain", "store", "matcher", "proctoring"]),
        (
            "cli",
            &[
                "app",
                "api",
                "web",
                "domain",
                "store",
                "demo",
                "models",
                "indexer",
                "matcher",
                "proctoring",
            ],
        ),
    ];
    assert_eq!(allowed.len(), order.len());
    for (krate, may) in allowed {
        let named = ours(&dependencies(krate));
        let extra: Vec<_> = named
            .iter()
            .filter(|n| !may.contains(&n.as_str()))
            .collect();
        assert!(extra.is_empty(), "{krate} depends on {extra:?}");
    }
    // The application core speaks no HTTP and renders no HTML.
    let app = dependencies("app");
    for http in ["axum", "hyper", "hyper-util", "tower", "tower-http", "maud"] {
        assert!(!app.contains(http), "app depends on {http}");
    }
}
