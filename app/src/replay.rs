//! Replaying a recommendation: was a past shortlist ranked as the audit log says,
//! and what would the system say now?
//!
//! Every audited shortlist view and every recorded stage result names the record
//! of the ranking it showed or was checked against (`ranking_record` in the
//! entry's detail: the SHA-256 of the record's text, kept in the store; see
//! `qabilet_matcher::ranking::record`). A replay ([`replay`]):
//!
//! 1. checks the entry's own hash (the chain vouches for the detail that names the
//!    record) and the record's text against the hash in the entry, so an edited
//!    signal, weight or order is caught before anything is recomputed;
//! 2. recomputes the fusion from the recorded signals and weights alone and
//!    compares scores and order with what the ranking recorded;
//! 3. ranks the same vacancy's applicants now (index, model and weights as they
//!    are) and says who moved, by how much, and which signal changed.
//!
//! Only profile ids appear, never names: admins and auditors replay; reading a
//! replay is itself audited (`audit.replay`).

use std::collections::HashMap;

use qabilet_domain::{AuditEntry, VacancyId};
use qabilet_matcher::ranking::{replay as recompute, RankingRecord, RecordedCandidate};
use qabilet_store::Role;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::shortlist;
use crate::view_audit::ViewRecord;
use crate::{Actor, App, AppError, AppResult};

/// Scores closer than this count as equal (they are recomputed by the same code
/// from the same f32 values, so in practice they are identical).
const SCORE_TOLERANCE: f32 = 1e-6;

/// One applicant of the replayed ranking.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReplayedRank {
    pub profile_id: String,
    /// 1-based rank among the eligible; none for the ineligible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<usize>,
    /// The fused score the ranking recorded.
    pub recorded_score: f32,
    /// The score recomputed from the recorded signals.
    pub replayed_score: f32,
}

/// One applicant's place then and now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Moved {
    pub profile_id: String,
    /// Rank in the replayed ranking (none: ineligible or not an applicant then).
    pub rank_then: Option<usize>,
    /// Rank now (none: ineligible or not an applicant now).
    pub rank_now: Option<usize>,
    pub score_then: Option<f32>,
    pub score_now: Option<f32>,
    /// The raw signals that differ: `bm25`, `dense`, `structured`, `eligible`.
    pub changed: Vec<String>,
}

/// The ranking now, against the one replayed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RankingNow {
    /// The record of the ranking computed now.
    pub ranking_record: String,
    /// The fusion weights differ from the recorded ones.
    pub weights_changed: bool,
    /// Applicants whose rank, score or signals differ, best-then first.
    pub moved: Vec<Moved>,
    /// How many applicants kept rank and signals.
    pub unchanged: usize,
}

/// What a replay found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Replay {
    pub entry: AuditEntry,
    pub vacancy_id: String,
    pub ranking_record: String,
    /// The entry's hash matches its content, the record's text matches the hash
    /// the entry names, and the recomputed ranking matches the recorded one.
    pub matches: bool,
    /// What does not hold, in words (empty when `matches`).
    pub problems: Vec<String>,
    /// The replayed ranking, eligible applicants first in rank order.
    pub ranking: Vec<ReplayedRank>,
    /// The ranking computed now, when the vacancy still exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub now: Option<RankingNow>,
}

/// The actions whose entries record a ranking.
pub const RANKED_ACTIONS: [&str; 3] = ["shortlist.view", "stage.record", "decision.record"];

/// The newest audit entries that recorded a ranking (shortlist views, stage
/// results), newest first, at most `limit` (admins, auditors): what a replay
/// starts from.
pub async fn replayable(app: &App, actor: &Actor, limit: i64) -> AppResult<Vec<AuditEntry>> {
    actor.require(&[Role::Admin, Role::Auditor])?;
    let limit = crate::how_many("limit", Some(limit), 20, app.limits().page)?;
    let mut entries = Vec::new();
    for action in RANKED_ACTIONS {
        entries.extend(app.store().newest_audit_entries_of(action, limit).await?);
    }
    entries.retain(|e| e.detail.contains("\"ranking_record\""));
    entries.sort_by_key(|e| std::cmp::Reverse(e.seq));
    entries.truncate(limit as usize);
    Ok(entries)
}

/// The hash of `entry`'s content, as the chain computes it.
fn entry_hash(entry: &AuditEntry) -> String {
    hex::encode(Sha256::digest(entry.hash_input().as_bytes()))
}

/// Replays the ranking audit entry `seq` recorded (admins, auditors).
pub async fn replay(app: &App, actor: &Actor, seq: i64) -> AppResult<Replay> {
    actor.require(&[Role::Admin, Role::Auditor])?;
    let entry = app
        .store()
        .audit_entry(seq)
        .await?
        .ok_or_else(|| AppError::not_found(format!("audit entry {seq} does not exist")))?;
    let detail: serde_json::Value = serde_json::from_str(&entry.detail).unwrap_or_default();
    let Some(hash) = detail["ranking_record"].as_str().map(str::to_owned) else {
        return Err(AppError::Conflict(format!(
            "audit entry {seq} ({}) records no ranking: only shortlist views and stage \
             results do, since ranking records were introduced",
            entry.action
        )));
    };
    let mut problems = Vec::new();
    if entry_hash(&entry) != entry.hash {
        problems.push(format!(
            "audit entry {seq} was altered: its hash does not match its content"
        ));
    }
    let body = app.store().ranking_record(&hash).await?;
    let record: Option<RankingRecord> = match &body {
        None => {
            problems.push(format!(
                "the ranking record {hash} is missing from the store"
            ));
            None
        }
        Some(body) => {
            if hex::encode(Sha256::digest(body.as_bytes())) != hash {
                problems.push(
                    "the ranking record was altered: its text no longer matches the hash \
                     the audit log holds"
                        .to_owned(),
                );
            }
            match serde_json::from_str(body) {
                Ok(record) => Some(record),
                Err(e) => {
                    problems.push(format!("the ranking record cannot be read: {e}"));
                    None
                }
            }
        }
    };
    let mut ranking = Vec::new();
    if let Some(record) = &record {
        let replayed = recompute(record);
        if replayed.order != record.order {
            problems.push(
                "recomputed from its signals, the ranking comes out in another order than \
                 the one recorded"
                    .to_owned(),
            );
        }
        let drifted = record
            .candidates
            .iter()
            .zip(&replayed.scores)
            .filter(|(c, s)| (c.score - **s).abs() > SCORE_TOLERANCE)
            .count();
        if drifted > 0 {
            problems.push(format!(
                "{drifted} recorded scores differ from the scores recomputed from the signals"
            ));
        }
        ranking = ranked_rows(record, &replayed.scores, &replayed.order);
    }
    // A view names the vacancy as its subject; a stage result, in its detail.
    let vacancy_id = detail["vacancy_id"]
        .as_str()
        .map_or_else(|| entry.subject_id.clone(), str::to_owned);
    let now = match (&record, vacancy_id.parse::<VacancyId>()) {
        (Some(record), Ok(id)) => ranking_now(app, &id, record).await?,
        _ => None,
    };
    let view = ViewRecord {
        actor: actor.audit_name().to_owned(),
        action: "audit.replay",
        subject_kind: "audit_entry",
        subject_id: seq.to_string(),
        detail: serde_json::json!({"ranking_record": hash, "matches": problems.is_empty()})
            .to_string(),
        ranking_record: None,
    };
    app.view_audit().record(app.store(), view).await?;
    Ok(Replay {
        matches: problems.is_empty(),
        entry,
        vacancy_id,
        ranking_record: hash,
        problems,
        ranking,
        now,
    })
}

/// The eligible in `order`, then the ineligible by score.
fn ranked_rows(record: &RankingRecord, scores: &[f32], order: &[String]) -> Vec<ReplayedRank> {
    let at: HashMap<&str, usize> = record
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.profile_id.as_str(), i))
        .collect();
    let mut rows: Vec<ReplayedRank> = order
        .iter()
        .enumerate()
        .filter_map(|(rank, id)| {
            let i = *at.get(id.as_str())?;
            Some(ReplayedRank {
                profile_id: id.clone(),
                rank: Some(rank + 1),
                recorded_score: record.candidates[i].score,
                replayed_score: scores[i],
            })
        })
        .collect();
    let mut ineligible: Vec<(usize, &RecordedCandidate)> = record
        .candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.eligible)
        .collect();
    ineligible.sort_by(|a, b| scores[b.0].total_cmp(&scores[a.0]));
    rows.extend(ineligible.into_iter().map(|(i, c)| ReplayedRank {
        profile_id: c.profile_id.clone(),
        rank: None,
        recorded_score: c.score,
        replayed_score: scores[i],
    }));
    rows
}

/// The vacancy's applicants ranked now, against `then`; `None` when the vacancy
/// is gone.
async fn ranking_now(
    app: &App,
    vacancy: &VacancyId,
    then: &RankingRecord,
) -> AppResult<Option<RankingNow>> {
    let Some(view) = shortlist::for_replay(app, vacancy).await? else {
        return Ok(None);
    };
    let now: RankingRecord = serde_json::from_str(&view.record_body)
        .map_err(|e| AppError::internal(format!("ranking record: {e}")))?;
    let rank_of = |r: &RankingRecord| -> HashMap<String, usize> {
        r.order
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i + 1))
            .collect()
    };
    let (ranks_then, ranks_now) = (rank_of(then), rank_of(&now));
    let by_id = |r: &RankingRecord| -> HashMap<String, RecordedCandidate> {
        r.candidates
            .iter()
            .map(|c| (c.profile_id.clone(), c.clone()))
            .collect()
    };
    let (was, is) = (by_id(then), by_id(&now));
    let mut ids: Vec<&String> = was.keys().chain(is.keys()).collect();
    ids.sort();
    ids.dedup();
    let mut moved = Vec::new();
    let mut unchanged = 0;
    for id in ids {
        let (a, b) = (was.get(id), is.get(id));
        let mut changed = Vec::new();
        if let (Some(a), Some(b)) = (a, b) {
            if a.bm25 != b.bm25 {
                changed.push("bm25".to_owned());
            }
            if a.dense != b.dense || a.interim != b.interim {
                changed.push("dense".to_owned());
            }
            if a.structured != b.structured {
                changed.push("structured".to_owned());
            }
            if a.eligible != b.eligible {
                changed.push("eligible".to_owned());
            }
        }
        let row = Moved {
            profile_id: id.clone(),
            rank_then: ranks_then.get(id).copied(),
            rank_now: ranks_now.get(id).copied(),
            score_then: a.map(|c| c.score),
            score_now: b.map(|c| c.score),
            changed,
        };
        let same_score = match (row.score_then, row.score_now) {
            (Some(x), Some(y)) => (x - y).abs() <= SCORE_TOLERANCE,
            _ => false,
        };
        if row.changed.is_empty() && row.rank_then == row.rank_now && same_score {
            unchanged += 1;
        } else {
            moved.push(row);
        }
    }
    moved.sort_by_key(|m| (m.rank_then.is_none(), m.rank_then, m.profile_id.clone()));
    Ok(Some(RankingNow {
        ranking_record: view.ranking_record.clone(),
        weights_changed: now.config != then.config,
        moved,
        unchanged,
    }))
}
