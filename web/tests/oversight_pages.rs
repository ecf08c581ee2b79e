//! The oversight pages on SQLite and PostgreSQL: the dashboard's charts with
//! their tables and CSV downloads, the fairness report, the audit page with a
//! checkpoint, and a candidate's explanation of their own application; who may
//! and who may not open each.

mod common;

use common::{fixture, get, post, start};
use hyper::StatusCode;
use qabilet_store::test_support;
use serde_json::json;

#[tokio::test]
async fn auditors_read_the_oversight_pages_and_others_are_refused() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let r = s
            .post("/vacancies/V-1/applications", Some(&t.cand1), &json!({}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{name}] {}", r.text);

        // The dashboard: each section has its chart, its table and its CSV link.
        let page = get(&s, "/web/analytics", Some("aud-1")).await;
        assert_eq!(page.status, StatusCode::OK, "[{name}] {}", page.text);
        for section in [
            "funnel",
            "time-to-hire",
            "applications",
            "regions",
            "reserve",
            "proctoring",
        ] {
            assert!(
                page.text.contains(&format!("id=\"{section}\"")),
                "[{name}] {section}"
            );
        }
        assert!(
            page.text.contains("<svg class=\"chart map\""),
            "[{name}] the map"
        );
        assert!(page.text.contains("data-region=\"astana\""), "[{name}]");
        assert!(
            page.text.contains("/web/analytics.csv?section=funnel"),
            "[{name}]"
        );
        // The organisation filter is the auditor's to choose.
        assert!(page.text.contains("name=\"organisation\""), "[{name}]");
        let csv = get(
            &s,
            "/web/analytics.csv?section=regions&region=astana",
            Some("aud-1"),
        )
        .await;
        assert_eq!(csv.status, StatusCode::OK, "[{name}] {}", csv.text);
        assert!(
            csv.text
                .starts_with("region,vacancies,applications,hired\n"),
            "[{name}] {}",
            csv.text
        );
        // A bad filter is a 400 page, not a crash.
        let bad = get(&s, "/web/analytics?from=yesterday", Some("aud-1")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "[{name}] {}", bad.text);

        // HR sees their own organisation only, with no organisation picker.
        let hr = get(&s, "/web/analytics", Some("hr-mf")).await;
        assert_eq!(hr.status, StatusCode::OK, "[{name}]");
        assert!(!hr.text.contains("name=\"organisation\""), "[{name}]");

        // The fairness report and the audit page.
        let f = get(&s, "/web/fairness?vacancy=V-1", Some("aud-1")).await;
        assert_eq!(f.status, StatusCode::OK, "[{name}] {}", f.text);
        assert!(
            f.text.contains("id=\"stage-qualification_check\""),
            "[{name}]"
        );
        let a = get(&s, "/web/audit", Some("aud-1")).await;
        assert_eq!(a.status, StatusCode::OK, "[{name}] {}", a.text);
        assert!(
            a.text.contains("id=\"audit-intact\""),
            "[{name}] {}",
            a.text
        );
        // A pasted checkpoint is verified (this one signed by nobody we trust).
        let csrf = a.csrf();
        let forged =
            json!({"format": "qabilet-audit-checkpoint/1", "seq": 1, "hash": "ab".repeat(32),
            "at": "2026-01-01T00:00:00Z", "key_id": "00".repeat(8), "public_key": "00".repeat(32),
            "signature": "00".repeat(64)})
            .to_string();
        let forged = forged.as_str();
        let form = format!("csrf={csrf}&checkpoint={}", urlencode(forged));
        let v = post(&s, "/web/audit/verify", "aud-1", &form).await;
        assert_eq!(v.status, StatusCode::OK, "[{name}] {}", v.text);
        assert!(
            v.text.contains("id=\"audit-broken\"") && v.text.contains("does not trust"),
            "[{name}] {}",
            v.text
        );
        // A malformed one names the field, a 422 page.
        let short = forged.replace(&"ab".repeat(32), "00");
        let v = post(
            &s,
            "/web/audit/verify",
            "aud-1",
            &format!("csrf={csrf}&checkpoint={}", urlencode(&short)),
        )
        .await;
        assert_eq!(
            v.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{name}] {}",
            v.text
        );
        assert!(
            v.text.contains("hash is 64 hex digits"),
            "[{name}] {}",
            v.text
        );
        // Without the form's token: refused.
        let v = post(
            &s,
            "/web/audit/verify",
            "aud-1",
            &format!("csrf=x&checkpoint={}", urlencode(forged)),
        )
        .await;
        assert_eq!(v.status, StatusCode::FORBIDDEN, "[{name}]");

        for (path, user) in [
            ("/web/analytics", "com-1"),
            ("/web/analytics", "cand-1"),
            ("/web/fairness", "cand-1"),
            ("/web/fairness?vacancy=V-1", "hr-mj"),
            ("/web/audit", "hr-mf"),
            ("/web/audit/replay?entry=1", "com-1"),
        ] {
            let r = get(&s, path, Some(user)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{name}] {user} {path}");
        }
    }
}

#[tokio::test]
async fn a_candidate_reads_how_their_own_application_was_decided() {
    for db in test_support::all().await {
        let s = start(db).await;
        let name = s.name();
        let t = fixture(&s).await;
        let r = s
            .post("/vacancies/V-1/applications", Some(&t.cand1), &json!({}))
            .await;
        let id = r.json["id"].as_str().unwrap().to_owned();
        let page = get(
            &s,
            &format!("/web/applications/{id}/explanation"),
            Some("cand-1"),
        )
        .await;
        assert_eq!(page.status, StatusCode::OK, "[{name}] {}", page.text);
        assert!(page.text.contains("People decided"), "[{name}]");
        assert!(page.text.contains("id=\"requirements\""), "[{name}]");
        // No other person's data: not the other applicant, not a rank.
        assert!(
            !page.text.contains("P-2") && !page.text.contains("Ержан"),
            "[{name}]"
        );
        // Linked from the applications page.
        let apps = get(&s, "/web/applications", Some("cand-1")).await;
        assert!(
            apps.text
                .contains(&format!("/web/applications/{id}/explanation")),
            "[{name}]"
        );
        // Another candidate, a commission member, HR: refused alike.
        for user in ["cand-2", "com-1", "hr-mf"] {
            let r = get(
                &s,
                &format!("/web/applications/{id}/explanation"),
                Some(user),
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{name}] {user}");
        }
        let r = get(&s, "/web/applications/A-NOPE/explanation", Some("cand-1")).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "[{name}] a missing one looks the same"
        );
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
