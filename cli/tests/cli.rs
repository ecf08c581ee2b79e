//! The `qabilet` binary end to end, on SQLite and PostgreSQL: demo data round-trips
//! through export and import, and a malformed file is rejected whole.

mod common;

use common::{ok, qabilet};
use std::process::Command;

use qabilet_store::test_support;

const FILES: [&str; 5] = [
    "organisations.jsonl",
    "vacancies.jsonl",
    "profiles.jsonl",
    "applications.jsonl",
    "reserve.jsonl",
];

#[tokio::test]
async fn demo_then_export_round_trips_through_import() {
    for first in test_support::all().await {
        let second = if first.name == "sqlite" {
            test_support::postgres()
                .await
                .unwrap_or(test_support::sqlite().await)
        } else {
            test_support::sqlite().await
        };
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let demo = [
            "demo",
            "--profiles",
            "300",
            "--vacancies",
            "20",
            "--reference-date",
            "2026-11-02",
        ];
        ok(qabilet(&data, &first.url, &demo));
        let export1 = dir.path().join("export1");
        ok(qabilet(
            &data,
            &first.url,
            &["export", export1.to_str().unwrap()],
        ));

        // Into the other backend, file by file in dependency order.
        let kinds = [
            "organisations",
            "vacancies",
            "profiles",
            "applications",
            "reserve",
        ];
        for (kind, file) in kinds.iter().zip(FILES) {
            let path = export1.join(file);
            if std::fs::metadata(&path).unwrap().len() > 0 {
                ok(qabilet(
                    &data,
                    &second.url,
                    &["import", kind, path.to_str().unwrap()],
                ));
            }
        }
        let export2 = dir.path().join("export2");
        ok(qabilet(
            &data,
            &second.url,
            &["export", export2.to_str().unwrap()],
        ));
        for file in FILES {
            let a = std::fs::read(export1.join(file)).unwrap();
            let b = std::fs::read(export2.join(file)).unwrap();
            assert!(
                a == b,
                "{file} differs after {} → {}",
                first.name,
                second.name
            );
        }
        let profiles = std::fs::read_to_string(export1.join("profiles.jsonl")).unwrap();
        assert_eq!(profiles.lines().count(), 300);
        assert!(data.join("demo/judgements.jsonl").is_file());

        // Importing the same file again changes nothing.
        let again = ok(qabilet(
            &data,
            &second.url,
            &[
                "import",
                "profiles",
                export1.join("profiles.jsonl").to_str().unwrap(),
            ],
        ));
        assert!(again.contains("0 new, 0 updated, 300 unchanged"), "{again}");
    }
}

#[tokio::test]
async fn a_malformed_file_is_rejected_with_its_line_and_nothing_is_written() {
    for t in test_support::all().await {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let out = dir.path().join("demo");
        ok(qabilet(
            &data,
            &t.url,
            &["demo", "--out", out.to_str().unwrap(), "--profiles", "50"],
        ));
        let good = std::fs::read_to_string(out.join("profiles.jsonl")).unwrap();
        let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
        // Line 30 gets an impossible region; everything else is valid.
        lines[29] = lines[29].replacen("\"region\":\"", "\"region\":\"atlantis-", 1);
        let bad = dir.path().join("bad.jsonl");
        std::fs::write(&bad, lines.join("\n")).unwrap();

        let result = qabilet(
            &data,
            &t.url,
            &["import", "profiles", bad.to_str().unwrap()],
        );
        assert!(!result.status.success(), "[{}] bad file accepted", t.name);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            stderr.contains(&format!("{}:30: region: unknown variant", bad.display())),
            "[{}] {stderr}",
            t.name
        );
        assert!(stderr.contains("nothing from"), "{stderr}");
        let counts = t.store.counts().await.unwrap();
        assert_eq!(
            counts.profiles, 0,
            "[{}] a partial import was written",
            t.name
        );

        // The valid lines alone import fine.
        lines.remove(29);
        std::fs::write(&bad, lines.join("\n")).unwrap();
        ok(qabilet(
            &data,
            &t.url,
            &["import", "profiles", bad.to_str().unwrap()],
        ));
        assert_eq!(t.store.counts().await.unwrap().profiles, 49, "[{}]", t.name);

        // A model folder that does not load stops a rebuild that would use it,
        // and not one told to load none.
        std::fs::create_dir_all(data.join("models/multilingual-e5-small")).unwrap();
        let broken = qabilet(&data, &t.url, &["index", "rebuild"]);
        let stderr = String::from_utf8_lossy(&broken.stderr);
        assert!(!broken.status.success(), "[{}] {stderr}", t.name);
        assert!(
            stderr.contains("loading the embedding model"),
            "[{}] {stderr}",
            t.name
        );
        ok(qabilet(&data, &t.url, &["index", "rebuild", "--no-model"]));
        let status = ok(qabilet(&data, &t.url, &["index", "status"]));
        assert!(status.contains("49"), "[{}] {status}", t.name);
    }
}

#[test]
fn usage_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_qabilet"))
        .args([
            "--data-dir",
            dir.path().to_str().unwrap(),
            "import",
            "profiles",
            "/no/such/file.jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.jsonl: no such file"));
    let out = Command::new(env!("CARGO_BIN_EXE_qabilet"))
        .args(["import", "spaceships", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn output_to_a_reader_that_has_gone_ends_quietly() {
    use std::os::unix::process::ExitStatusExt;

    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_qabilet"))
        .args(["--data-dir", dir.path().to_str().unwrap()])
        .args(["users", "add", "reader-gone", "--role", "auditor"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes before anything is printed, as `| head -1` does after its line.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGPIPE),
        "{:?}: {stderr}",
        out.status
    );
}

#[test]
fn the_shortlist_benchmark_builds_a_corpus_once_and_prints_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = format!("sqlite://{}", dir.path().join("store.db").display());
    let corpus = dir.path().join("corpus");
    let corpus = corpus.to_str().unwrap();
    let args = [
        "bench",
        "shortlist",
        "--profiles",
        "300",
        "--queries",
        "3",
        "--dir",
        corpus,
    ];
    let first = qabilet(&data, &db, &args);
    let stderr = String::from_utf8_lossy(&first.stderr).into_owned();
    let out = ok(first);
    assert!(
        stderr.contains("building a corpus of 300 profiles"),
        "{stderr}"
    );
    assert!(stderr.contains("read the corpus once"), "{stderr}");
    assert!(
        out.contains("Shortlist (top 50) over 300 profiles, 3 queries"),
        "{out}"
    );
    for phase in ["retrieve", "load pool", "rank", "shortlist p50"] {
        assert!(out.contains(phase), "{phase}: {out}");
    }
    // The second run reuses the corpus.
    let again = qabilet(&data, &db, &args);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("building a corpus"));
    ok(again);
    // The recall of the vector pre-filter, on the corpus's index (small, so the
    // pre-filtered search is the exact one and finds all of it).
    let index = format!("{corpus}/index");
    let recall = ok(qabilet(
        &data,
        &db,
        &[
            "bench",
            "recall",
            "--index",
            &index,
            "--queries",
            "5",
            "--k",
            "10",
        ],
    ));
    assert!(recall.contains("pre-filtered by sign sketches"), "{recall}");
    let row = recall.lines().find(|l| l.contains("| profiles")).unwrap();
    assert!(
        row.contains("| 300 ") && row.contains("| 1.0000 "),
        "{recall}"
    );
    // No index is an error, with a message and a non-zero exit.
    let none = qabilet(&data, &db, &["bench", "recall"]);
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("no index in"));
    // No queries to time is refused, with a message and a non-zero exit.
    let none = qabilet(&data, &db, &["bench", "shortlist", "--queries", "0"]);
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("--queries"));
}

#[test]
fn a_typed_search_longer_than_the_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = format!("sqlite://{}", dir.path().join("store.db").display());
    // Counted as the API counts: trimmed.
    let long = "юрист ".repeat(400);
    let out = qabilet(&data, &db, &["search", "vacancies", &long]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2399 characters long; at most 1000"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_protocol_is_issued_after_a_declaration_and_verified_against_the_log() {
    let db = test_support::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(qabilet(
        &data,
        &db.url,
        &["demo", "--profiles", "60", "--vacancies", "5"],
    ));
    let pdf = dir.path().join("protocol.pdf");
    let issue = [
        "protocol",
        "issue",
        "V-00001",
        "--out",
        pdf.to_str().unwrap(),
    ];
    let refused = qabilet(&data, &db.url, &issue);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("--declare"), "{err}");
    assert!(!pdf.exists(), "nothing written when refused");
    let mut declared = issue.to_vec();
    declared.extend(["--declare", "Нет связей с кандидатами"]);
    let out = ok(qabilet(&data, &db.url, &declared));
    assert!(out.contains("SHA-256"), "{out}");
    let verify = |file: &std::path::Path| {
        qabilet(
            &data,
            &db.url,
            &["protocol", "verify", file.to_str().unwrap()],
        )
    };
    let good = ok(verify(&pdf));
    assert!(good.contains("valid") && good.contains("V-00001"), "{good}");
    let mut bytes = std::fs::read(&pdf).unwrap();
    let at = bytes.len() / 3;
    bytes[at] ^= 0x20;
    let forged = dir.path().join("forged.pdf");
    std::fs::write(&forged, &bytes).unwrap();
    let bad = verify(&forged);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("NOT valid"));
    let missing = verify(&dir.path().join("nope.pdf"));
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.pdf"));
}
