//! `qabilet proctor flags` and `qabilet proctor review`: the review queue from
//! the terminal, through the same use cases as the HTTP API
//! (`qabilet_app::proctoring`), so a decision here is audited and reaches the HRM
//! outbox exactly as one made over HTTP.

use anyhow::bail;
use comfy_table::{presets::UTF8_FULL, ContentArrangement, Table};
use qabilet_app::proctoring::{self, FlagQuery, Review, ReviewDecision};
use qabilet_app::{Actor, App};

/// Prints the queue, most severe first (pages of the use case, up to `limit`).
pub async fn list(
    app: &App,
    status: Option<String>,
    vacancy: Option<String>,
    run: Option<String>,
    limit: i64,
    json: bool,
) -> anyhow::Result<()> {
    if !(1..=10_000).contains(&limit) {
        bail!("--limit must be in 1..=10000, got {limit}");
    }
    if let Some(s) = &status {
        proctoring::flag_status(s).map_err(|e| anyhow::anyhow!("--status: {e}"))?;
    }
    let actor = Actor::operator_from_env();
    let mut flags = Vec::new();
    let mut after = String::new();
    while (flags.len() as i64) < limit {
        let query = FlagQuery {
            status: status.clone(),
            vacancy_id: vacancy.clone(),
            run_id: run.clone(),
            after: after.clone(),
            // Pages of the API's size until `limit`.
            limit: Some((limit - flags.len() as i64).min(app.limits().page)),
        };
        let page = proctoring::flags(app, &actor, &query).await?;
        flags.extend(page.flags);
        match page.next_after {
            Some(next) => after = next,
            None => break,
        }
    }
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
    app: &App,
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
        ReviewDecision::Confirmed
    } else {
        ReviewDecision::Dismissed
    };
    let input = Review {
        decision,
        comment: comment.to_owned(),
    };
    let flag = proctoring::review(app, &Actor::operator(by), flag_id, &input).await?;
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
