//! The proctoring review queue: analysis runs, the flags they raised, and each
//! flag's one review.
//!
//! The store knows flags as data (strings, numbers, evidence JSON), not the
//! detectors that made them, so it does not depend on the proctoring crate;
//! callers convert. Three rules:
//! * **Idempotent saves.** Saving a run id again with the same input is a no-op;
//!   with other input it is a conflict. A flag's id is stable across analyses of
//!   the same sessions, so a re-analysis finds an already queued (or decided)
//!   flag and leaves it as it is rather than reopening it.
//! * **One decision per flag.** A review moves an open flag to confirmed or
//!   dismissed; reviewing a decided flag again is a conflict. A mistaken decision
//!   is corrected through the audit trail (a new, explained entry), not by
//!   overwriting the old one.
//! * **Audited in the same transaction.** The review and its audit-log entry
//!   commit together, and a confirmation enqueues the
//!   [`EventKind::ProctoringFlagConfirmed`] outbox event in that transaction too.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};

use crate::write::on_tx;
use crate::{on_backend, EventKind, Store, StoreError};

/// Where a flag stands in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlagStatus {
    Open,
    Confirmed,
    Dismissed,
}

impl FlagStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagStatus::Open => "open",
            FlagStatus::Confirmed => "confirmed",
            FlagStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<FlagStatus> {
        [
            FlagStatus::Open,
            FlagStatus::Confirmed,
            FlagStatus::Dismissed,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// An analysis run to save.
#[derive(Debug, Clone)]
pub struct NewRun {
    pub id: String,
    pub form_id: String,
    pub vacancy_id: Option<String>,
    pub created_by: String,
    /// Hash of the analysed input and settings; decides what "the same run" is.
    pub input_sha256: String,
    pub sessions: i64,
    pub summary: Value,
}

/// A flag to queue. `severity` is `low`, `medium` or `high`.
#[derive(Debug, Clone)]
pub struct NewFlag {
    pub id: String,
    pub detector: String,
    pub severity: String,
    pub session_ids: Vec<String>,
    pub examinee_ids: Vec<String>,
    pub statistic: f64,
    pub p_value: f64,
    pub threshold: f64,
    pub nominal_false_alarm_rate: f64,
    pub false_alarm_scope: String,
    pub summary: String,
    pub evidence: Value,
}

/// What saving a run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SavedRun {
    pub run_id: String,
    /// False when the same run had been saved before (nothing was written).
    pub created: bool,
    /// Flags of this run.
    pub flags: i64,
    /// Flags queued by this save.
    pub flags_queued: i64,
    /// Flags already in the queue from an earlier run (left as they were).
    pub flags_already_queued: i64,
}

/// A saved run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StoredRun {
    pub id: String,
    pub form_id: String,
    pub vacancy_id: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub input_sha256: String,
    pub sessions: i64,
    pub flags: i64,
    pub summary: Value,
}

/// JSON is kept as text on both backends (like the outbox payload), so the row
/// reads it as a string.
#[derive(sqlx::FromRow)]
struct RunRow {
    id: String,
    form_id: String,
    vacancy_id: Option<String>,
    created_by: String,
    created_at: DateTime<Utc>,
    input_sha256: String,
    sessions: i64,
    flags: i64,
    summary: String,
}

/// A reviewer's decision.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FlagReview {
    pub decision: FlagStatus,
    pub comment: String,
    pub reviewer: String,
    pub at: DateTime<Utc>,
}

/// A queued flag as the queue lists it: everything but its (large) evidence.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FlagSummary {
    pub id: String,
    pub run_id: String,
    pub vacancy_id: Option<String>,
    pub form_id: String,
    pub detector: String,
    pub severity: String,
    pub session_ids: Vec<String>,
    pub examinee_ids: Vec<String>,
    pub statistic: f64,
    pub p_value: f64,
    pub threshold: f64,
    pub nominal_false_alarm_rate: f64,
    pub false_alarm_scope: String,
    pub summary: String,
    pub status: FlagStatus,
    pub created_at: DateTime<Utc>,
    pub review: Option<FlagReview>,
    /// Position in the queue; pass as `after` to continue a listing.
    pub cursor: String,
}

/// A queued flag with its evidence and its review, if any. Its summary's fields
/// read through it (`flag.status`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StoredFlag {
    #[serde(flatten)]
    pub flag: FlagSummary,
    /// The detector's figures and what a review page plots.
    pub evidence: Value,
}

impl std::ops::Deref for StoredFlag {
    type Target = FlagSummary;

    fn deref(&self) -> &FlagSummary {
        &self.flag
    }
}

#[derive(sqlx::FromRow)]
struct FlagRow {
    id: String,
    run_id: String,
    vacancy_id: Option<String>,
    form_id: String,
    detector: String,
    severity: String,
    queue_key: String,
    session_ids: String,
    examinee_ids: String,
    statistic: f64,
    p_value: f64,
    threshold: f64,
    nominal_false_alarm_rate: f64,
    false_alarm_scope: String,
    summary: String,
    evidence: String,
    status: String,
    created_at: DateTime<Utc>,
    reviewed_by: Option<String>,
    reviewed_at: Option<DateTime<Utc>>,
    review_comment: Option<String>,
}

const FLAG_COLUMNS: &str = "id, run_id, vacancy_id, form_id, detector, severity, queue_key, \
     session_ids, examinee_ids, statistic, p_value, threshold, nominal_false_alarm_rate, \
     false_alarm_scope, summary, evidence, status, created_at, reviewed_by, reviewed_at, \
     review_comment";

fn corrupt(id: &str, message: String) -> StoreError {
    StoreError::Corrupt {
        kind: "proctoring flag",
        id: id.to_owned(),
        message,
    }
}

impl FlagRow {
    fn into_flag(self) -> Result<StoredFlag, StoreError> {
        let id = self.id;
        let list = |text: &str| -> Result<Vec<String>, StoreError> {
            serde_json::from_str(text).map_err(|e| corrupt(&id, e.to_string()))
        };
        let status = FlagStatus::parse(&self.status)
            .ok_or_else(|| corrupt(&id, format!("unknown status {:?}", self.status)))?;
        let review = match (self.reviewed_by, self.reviewed_at, self.review_comment) {
            (Some(reviewer), Some(at), Some(comment)) if status != FlagStatus::Open => {
                Some(FlagReview {
                    decision: status,
                    comment,
                    reviewer,
                    at,
                })
            }
            _ => None,
        };
        let evidence =
            serde_json::from_str(&self.evidence).map_err(|e| corrupt(&id, e.to_string()))?;
        let flag = FlagSummary {
            session_ids: list(&self.session_ids)?,
            examinee_ids: list(&self.examinee_ids)?,
            id,
            run_id: self.run_id,
            vacancy_id: self.vacancy_id,
            form_id: self.form_id,
            detector: self.detector,
            severity: self.severity,
            statistic: self.statistic,
            p_value: self.p_value,
            threshold: self.threshold,
            nominal_false_alarm_rate: self.nominal_false_alarm_rate,
            false_alarm_scope: self.false_alarm_scope,
            summary: self.summary,
            status,
            created_at: self.created_at,
            review,
            cursor: self.queue_key,
        };
        Ok(StoredFlag { flag, evidence })
    }
}

/// Sort key of the queue: severity (high first), then how far the p-value is
/// below its threshold (in decades, further first), then the id. Fixed width, so
/// text order is queue order on both backends.
fn queue_key(severity: &str, p: f64, threshold: f64, id: &str) -> Result<String, StoreError> {
    let rank = match severity {
        "high" => 0,
        "medium" => 1,
        "low" => 2,
        other => {
            return Err(StoreError::Conflict(format!(
                "flag {id}: unknown severity {other:?} (low, medium or high)"
            )))
        }
    };
    let decades = if p > 0.0 && threshold > 0.0 {
        (-(p / threshold).log10()).clamp(0.0, 999.999)
    } else {
        999.999
    };
    Ok(format!("{rank}|{:07.3}|{id}", 999.999 - decades))
}

/// Whose flags a listing may show.
#[derive(Debug, Clone)]
pub enum FlagScope {
    /// Every flag (administrators).
    All,
    /// Flags of vacancies of this organisation (HR officers).
    Organisation(String),
    /// Flags of vacancies on whose commission this user sits, has declared no
    /// conflict of interest and has not recused.
    SeatedUser(String),
}

/// A listing request.
#[derive(Debug, Clone)]
pub struct FlagFilter {
    pub scope: FlagScope,
    pub status: Option<FlagStatus>,
    pub vacancy_id: Option<String>,
    pub run_id: Option<String>,
    /// A `cursor` of the last flag seen; empty for the start of the queue.
    pub after: String,
    pub limit: i64,
}

impl Store {
    /// Saves a run with its flags and an audit entry, all or nothing. The same run
    /// id with the same `input_sha256` is a no-op; with another, a conflict.
    pub async fn save_proctoring_run(
        &self,
        run: &NewRun,
        flags: &[NewFlag],
    ) -> Result<SavedRun, StoreError> {
        let mut keys = Vec::with_capacity(flags.len());
        for f in flags {
            keys.push(queue_key(&f.severity, f.p_value, f.threshold, &f.id)?);
        }
        let mut tx = self.begin().await?;
        let now = tx.now;
        let summary = run.summary.to_string();
        let inserted: Option<(i32,)> = on_tx!(&mut tx.tx, t => {
            sqlx::query_as(
                "INSERT INTO proctoring_runs (id, form_id, vacancy_id, created_by, created_at, \
                   input_sha256, sessions, flags, summary) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING 1",
            )
            .bind(&run.id)
            .bind(&run.form_id)
            .bind(&run.vacancy_id)
            .bind(&run.created_by)
            .bind(now)
            .bind(&run.input_sha256)
            .bind(run.sessions)
            .bind(flags.len() as i64)
            .bind(&summary)
            .fetch_optional(&mut **t)
            .await
            .map_err(|e| StoreError::from_constraint(e, || format!(
                "vacancy {:?} does not exist", run.vacancy_id.as_deref().unwrap_or("")
            )))?
        });
        if inserted.is_none() {
            drop(tx);
            let existing = self.proctoring_run(&run.id).await?.ok_or_else(|| {
                StoreError::Conflict(format!("run {} was saved concurrently; retry", run.id))
            })?;
            if existing.input_sha256 != run.input_sha256 || existing.vacancy_id != run.vacancy_id {
                return Err(StoreError::Conflict(format!(
                    "run {} was saved before with other input or another vacancy; run ids cannot be reused",
                    run.id
                )));
            }
            return Ok(SavedRun {
                run_id: run.id.clone(),
                created: false,
                flags: existing.flags,
                flags_queued: 0,
                flags_already_queued: 0,
            });
        }
        let mut queued = 0;
        for (f, key) in flags.iter().zip(&keys) {
            let sessions = json!(f.session_ids).to_string();
            let examinees = json!(f.examinee_ids).to_string();
            let evidence = f.evidence.to_string();
            let row: Option<(i32,)> = on_tx!(&mut tx.tx, t => {
                sqlx::query_as(
                    "INSERT INTO proctoring_flags (id, run_id, vacancy_id, form_id, detector, severity, \
                       queue_key, session_ids, examinee_ids, statistic, p_value, threshold, \
                       nominal_false_alarm_rate, false_alarm_scope, summary, evidence, status, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'open', $17) \
                     ON CONFLICT (id) DO NOTHING RETURNING 1",
                )
                .bind(&f.id)
                .bind(&run.id)
                .bind(&run.vacancy_id)
                .bind(&run.form_id)
                .bind(&f.detector)
                .bind(&f.severity)
                .bind(key)
                .bind(&sessions)
                .bind(&examinees)
                .bind(f.statistic)
                .bind(f.p_value)
                .bind(f.threshold)
                .bind(f.nominal_false_alarm_rate)
                .bind(&f.false_alarm_scope)
                .bind(&f.summary)
                .bind(&evidence)
                .bind(now)
                .fetch_optional(&mut **t)
                .await?
            });
            queued += i64::from(row.is_some());
        }
        let detail = json!({
            "form_id": run.form_id,
            "vacancy_id": run.vacancy_id,
            "sessions": run.sessions,
            "flags": flags.len(),
            "queued": queued,
        })
        .to_string();
        tx.audit(
            &run.created_by,
            "proctoring.analysis.save",
            "proctoring_run",
            &run.id,
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(SavedRun {
            run_id: run.id.clone(),
            created: true,
            flags: flags.len() as i64,
            flags_queued: queued,
            flags_already_queued: flags.len() as i64 - queued,
        })
    }

    /// A saved run.
    pub async fn proctoring_run(&self, id: &str) -> Result<Option<StoredRun>, StoreError> {
        let row: Option<RunRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT id, form_id, vacancy_id, created_by, created_at, input_sha256, sessions, \
                   flags, summary FROM proctoring_runs WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        row.map(|r| {
            let summary = serde_json::from_str(&r.summary).map_err(|e| StoreError::Corrupt {
                kind: "proctoring run",
                id: r.id.clone(),
                message: e.to_string(),
            })?;
            Ok(StoredRun {
                id: r.id,
                form_id: r.form_id,
                vacancy_id: r.vacancy_id,
                created_by: r.created_by,
                created_at: r.created_at,
                input_sha256: r.input_sha256,
                sessions: r.sessions,
                flags: r.flags,
                summary,
            })
        })
        .transpose()
    }

    /// One flag.
    pub async fn proctoring_flag(&self, id: &str) -> Result<Option<StoredFlag>, StoreError> {
        let sql = format!("SELECT {FLAG_COLUMNS} FROM proctoring_flags WHERE id = $1");
        let row: Option<FlagRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?
        });
        row.map(FlagRow::into_flag).transpose()
    }

    /// Flags in queue order (most severe first), filtered and paged.
    pub async fn proctoring_flags(
        &self,
        filter: &FlagFilter,
    ) -> Result<Vec<StoredFlag>, StoreError> {
        let (organisation, seated) = match &filter.scope {
            FlagScope::All => (None, None),
            FlagScope::Organisation(org) => (Some(org.as_str()), None),
            FlagScope::SeatedUser(user) => (None, Some(user.as_str())),
        };
        let sql = format!(
            "SELECT {FLAG_COLUMNS} FROM proctoring_flags \
             WHERE queue_key > $1 \
               AND ($2 IS NULL OR status = $2) \
               AND ($3 IS NULL OR vacancy_id = $3) \
               AND ($4 IS NULL OR run_id = $4) \
               AND ($5 IS NULL OR vacancy_id IN (SELECT id FROM vacancies WHERE organisation_id = $5)) \
               AND ($6 IS NULL OR vacancy_id IN (SELECT vacancy_id FROM declarations WHERE user_id = $6 AND recused_at IS NULL)) \
             ORDER BY queue_key LIMIT $7"
        );
        let rows: Vec<FlagRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(&sql)
                .bind(&filter.after)
                .bind(filter.status.map(FlagStatus::as_str))
                .bind(&filter.vacancy_id)
                .bind(&filter.run_id)
                .bind(organisation)
                .bind(seated)
                .bind(filter.limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(FlagRow::into_flag).collect()
    }

    /// Decides an open flag. The decision, its audit entry and (for a
    /// confirmation) the outbox event commit together. Deciding a decided flag
    /// is a conflict; an unknown flag is not found.
    pub async fn review_proctoring_flag(
        &self,
        id: &str,
        decision: FlagStatus,
        comment: &str,
        reviewer: &str,
    ) -> Result<StoredFlag, StoreError> {
        if decision == FlagStatus::Open {
            return Err(StoreError::Conflict(
                "a review decides a flag: confirmed or dismissed".into(),
            ));
        }
        let comment = comment.trim();
        if comment.is_empty() {
            return Err(StoreError::Conflict("a review needs a comment".into()));
        }
        let mut tx = self.begin().await?;
        let now = tx.now;
        let updated = on_tx!(&mut tx.tx, t => {
            sqlx::query(
                "UPDATE proctoring_flags SET status = $2, reviewed_by = $3, reviewed_at = $4, \
                   review_comment = $5 WHERE id = $1 AND status = 'open'",
            )
            .bind(id)
            .bind(decision.as_str())
            .bind(reviewer)
            .bind(now)
            .bind(comment)
            .execute(&mut **t)
            .await?
            .rows_affected()
        });
        let sql = format!("SELECT {FLAG_COLUMNS} FROM proctoring_flags WHERE id = $1");
        let row: Option<FlagRow> = on_tx!(&mut tx.tx, t => {
            sqlx::query_as(&sql).bind(id).fetch_optional(&mut **t).await?
        });
        let flag = row
            .ok_or_else(|| StoreError::NotFound {
                kind: "proctoring flag",
                id: id.to_owned(),
            })?
            .into_flag()?;
        if updated == 0 {
            let by = flag
                .review
                .as_ref()
                .map(|r| format!(" by {} at {}", r.reviewer, r.at.to_rfc3339()))
                .unwrap_or_default();
            return Err(StoreError::Conflict(format!(
                "flag {id} was already {}{by}; a decision is final",
                flag.status.as_str()
            )));
        }
        let detail = json!({
            "decision": decision.as_str(),
            "comment": comment,
            "run_id": flag.run_id,
            "vacancy_id": flag.vacancy_id,
            "detector": flag.detector,
            "session_ids": flag.session_ids,
        })
        .to_string();
        let action = match decision {
            FlagStatus::Confirmed => "proctoring.flag.confirm",
            _ => "proctoring.flag.dismiss",
        };
        tx.audit(reviewer, action, "proctoring_flag", id, &detail)
            .await?;
        if decision == FlagStatus::Confirmed {
            let payload = json!({
                "flag_id": flag.id,
                "run_id": flag.run_id,
                "vacancy_id": flag.vacancy_id,
                "form_id": flag.form_id,
                "detector": flag.detector,
                "severity": flag.severity,
                "session_ids": flag.session_ids,
                "examinee_ids": flag.examinee_ids,
                "reviewed_by": reviewer,
                "reviewed_at": now,
            });
            tx.enqueue_event(
                EventKind::ProctoringFlagConfirmed,
                "proctoring_flag",
                id,
                &payload,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(flag)
    }
}
