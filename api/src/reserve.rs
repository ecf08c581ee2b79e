//! The talent reserve and the second-best registry as seen from the competition:
//! who enters when a decision is recorded, who is matched when a vacancy opens.
//!
//! Both run inside the caller's write transaction, so the reserve entries and the
//! `reserve_match` outbox events land exactly when the decision or the vacancy does
//! — never for one that rolled back. The rules themselves are the matcher's
//! ([`on_competition_closed`], [`on_vacancy_opened`]); this module only loads the
//! records they need and writes what they return.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use qabilet_domain::{Application, ReserveEntry, Stage, StageOutcome, Vacancy, VacancyStatus};
use qabilet_matcher::ranking::Provenance;
use qabilet_matcher::reserve::{on_competition_closed, on_vacancy_opened, Finalist};
use qabilet_store::{EventKind, WriteTx};

use crate::{ApiError, AppState};

/// Records read per page when walking the reserve.
const PAGE: i64 = 1_000;

/// Every reserve entry, in id order.
pub(crate) async fn all_entries(state: &AppState) -> Result<Vec<ReserveEntry>, ApiError> {
    let (mut after, mut out) = (String::new(), Vec::new());
    loop {
        let page = state.store.reserve_page(&after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id.to_string();
        out.extend(page);
    }
    Ok(out)
}

/// The final score of an application: the decision's score, else the interview's,
/// else the test's.
fn final_score(app: &Application) -> Option<f32> {
    [Stage::Decision, Stage::Interview, Stage::Test]
        .into_iter()
        .find_map(|stage| {
            app.stages
                .iter()
                .find(|s| s.stage == stage)
                .and_then(|s| s.score)
        })
}

fn won(app: &Application) -> bool {
    app.stages
        .iter()
        .any(|s| s.stage == Stage::Decision && s.outcome == StageOutcome::Passed)
}

/// After a decision on `vacancy`: once a winner is decided, the runners-up with a
/// decision (ranked by final score, the winner first) who reach the policy's
/// threshold and consent to the reserve enter it as `second_best`. `decided` is the
/// application just written, which the store does not show yet. Entries already
/// there are left alone, so recording further decisions adds no duplicates.
pub(crate) async fn enter_runners_up(
    state: &AppState,
    tx: &mut WriteTx,
    vacancy: &Vacancy,
    decided: &Application,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ReserveEntry>, ApiError> {
    let mut finalists: Vec<(Application, qabilet_domain::Profile)> = Vec::new();
    for (app, profile) in state.store.applicants(&vacancy.id).await? {
        let app = if app.id == decided.id {
            decided.clone()
        } else {
            app
        };
        let has_decision = app.stages.iter().any(|s| s.stage == Stage::Decision);
        if let (true, Some(profile)) = (has_decision, profile) {
            finalists.push((app, profile));
        }
    }
    if !finalists.iter().any(|(a, _)| won(a)) {
        return Ok(Vec::new());
    }
    // Winner(s) first, then by final score; ties broken by application id so the
    // ranks do not depend on the database's order.
    finalists.sort_by(|(a, _), (b, _)| {
        won(b)
            .cmp(&won(a))
            .then_with(|| {
                final_score(b)
                    .unwrap_or(f32::NEG_INFINITY)
                    .total_cmp(&final_score(a).unwrap_or(f32::NEG_INFINITY))
            })
            .then_with(|| a.id.cmp(&b.id))
    });
    let ranked: Vec<Finalist> = finalists
        .iter()
        .enumerate()
        .map(|(i, (app, profile))| Finalist {
            profile,
            rank: i as u32 + 1,
            score: final_score(app).unwrap_or(f32::NAN),
        })
        .collect();
    let policy = &state.matching.reserve_policy;
    let mut added = Vec::new();
    for entry in on_competition_closed(vacancy, &ranked, policy, now) {
        if state
            .store
            .reserve_entry(entry.id.as_str())
            .await?
            .is_some()
        {
            continue;
        }
        tx.put_reserve_entry(&entry).await?;
        tx.audit(
            actor,
            "reserve.enter",
            "reserve_entry",
            entry.id.as_str(),
            &entry.reason,
        )
        .await?;
        added.push(entry);
    }
    Ok(added)
}

/// Whether writing `new` over `old` opens the vacancy (new, or status changed to
/// open).
pub(crate) fn opens(old: Option<&Vacancy>, new: &Vacancy) -> bool {
    new.status == VacancyStatus::Open && old.is_none_or(|o| o.status != VacancyStatus::Open)
}

/// When `vacancy` opens: the active reserve is matched first and each match goes to
/// the outbox as a `reserve_match` event. Returns how many were notified.
pub(crate) async fn notify_reserve_matches(
    state: &AppState,
    tx: &mut WriteTx,
    vacancy: &Vacancy,
    entries: &[ReserveEntry],
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let mut profiles = HashMap::new();
    for e in entries.iter().filter(|e| e.is_active(now)) {
        if let Some(p) = state.store.profile(&e.profile_id).await? {
            profiles.insert(e.profile_id.to_string(), p);
        }
    }
    let pairs: Vec<(&ReserveEntry, &qabilet_domain::Profile)> = entries
        .iter()
        .filter_map(|e| Some((e, profiles.get(e.profile_id.as_str())?)))
        .collect();
    let events = {
        // The ranker holds a `&dyn` embedder slot that is not `Send`: keep it out of
        // the awaits below.
        let m = &state.matching;
        let ranker = crate::matching::server_ranker(&m.config, &m.checker, Provenance::default());
        on_vacancy_opened(&ranker, vacancy, &pairs, &m.reserve_policy, now)
    };
    for event in &events {
        let payload = serde_json::to_value(event)
            .map_err(|e| ApiError::Internal(format!("reserve match to JSON: {e}")))?;
        tx.enqueue_event(
            EventKind::ReserveMatch,
            "vacancy",
            vacancy.id.as_str(),
            &payload,
        )
        .await?;
    }
    Ok(events.len())
}
