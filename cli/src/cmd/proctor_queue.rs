//! `qabilet proctor flags` and `qabilet proctor review`: the review queue from
//! the terminal, over the same store functions as the HTTP API (so a decision
//! here is audited and reaches the HRM outbox exactly as one made over HTTP).

use anyhow::bail;
use comfy_table::{presets::UTF8_FULL, ContentArrangement, Table};
use qabilet_store::{FlagFilter, FlagScope, FlagStatus, Store};

/// Prints the queue, most severe first.
pub async fn list(
    store: &Store,
    status: Option<String>,
    vacancy: Option<String>,
    run: Option<String>,
    limit: i64,
    json: bool,
) -> anyhow::Result<()> {
    let status = match status.as_deref() {
        None => None,
        Some(s) => match FlagStatus::parse(s) {
            Some(st) => Some(st),
            None => bail!("--status {s:?}: expected open, confirmed or dismissed"),
        },
    };
    if !(1..=10_000).contains(&limit) {
        bail!("--limit must be in 1..=10000, got {limit}");
    }
    let flags = store
        .proctoring_flags(&FlagFilter {
            scope: FlagScope::All,
            status,
            vacancy_id: vacancy,
            run_id: run,
            after: String::new(),
            limit,
        })
        .await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&flags)?);
        return Ok(());
    }
    if flags.is_empty() {
        println!("No flags match.");
        return Ok(());
    }
    let mut t = Table::new();
    t.load_preset(UTF8_FULL)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(vec![
            "Severity", "Detector", "Sessions", "Finding", "p-value", "Status", "Vacancy",
            "Flag id",
        ]);
    for f in &flags {
        let status = match &f.review {
            Some(r) => format!("{} by {}", f.status.as_str(), r.reviewer),
            None => f.status.as_str().to_owned(),
        };
        t.add_row(vec![
            f.severity.clone(),
            f.detector.clone(),
            f.session_ids.join(" + "),
            f.summary.clone(),
            format!("{:.2e} (≤ {:.1e})", f.p_value, f.threshold),
            status,
            f.vacancy_id.clone().unwrap_or_else(|| "–".into()),
            f.id.clone(),
        ]);
    }
    println!("{t}");
    println!("{}", qabilet_proctoring::DISCLAIMER);
    Ok(())
}

/// Decides one flag.
pub async fn review(
    store: &Store,
    flag_id: &str,
    confirm: bool,
    comment: &str,
    by: &str,
) -> anyhow::Result<()> {
    if comment.trim().is_empty() {
        bail!("--comment must say why");
    }
    if by.trim().is_empty() {
        bail!("--by must name the reviewer");
    }
    let decision = if confirm {
        FlagStatus::Confirmed
    } else {
        FlagStatus::Dismissed
    };
    let flag = store
        .review_proctoring_flag(flag_id, decision, comment, by.trim())
        .await?;
    println!(
        "flag {} ({}, sessions {}) {} by {}; written to the audit log{}",
        flag.id,
        flag.detector,
        flag.session_ids.join(" + "),
        flag.status.as_str(),
        by.trim(),
        if confirm {
            "; the HRM system is notified"
        } else {
            ""
        }
    );
    Ok(())
}
