//! A candidate's inbox: what the competition told them, read from the same outbox
//! the HRM system is fed from, so the person and the HRM learn the same facts in
//! the same order.
//!
//! - **Stage results** and **decisions** of their own applications, with the reason.
//! - **Reserve offers**: a new vacancy matched their reserve entry, with its fit and
//!   the requirements met (the explanation the HRM receives too).
//!
//! Only the person themself reads it. [`notification_of`] is the one rule of which
//! event is whose notification; the email channel (the API crate's `email`
//! worker, switched on by `DATA_DIR/email.json`) follows the outbox with its own
//! cursor and mails each notification through it as it is written, to the
//! profile's address, when the person consents (to processing, and for a reserve
//! offer to the reserve too).

use chrono::{DateTime, Utc};
use qabilet_domain::{ProfileId, StageResult, VacancyId};
use qabilet_matcher::ranking::AbsoluteFit;
use qabilet_matcher::reserve::ReserveMatchEvent;
use qabilet_store::{EventKind, OutboxEvent, Role};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Actor, App, AppError, AppResult};

/// Most notifications one read returns.
pub const INBOX_LIMIT: i64 = 200;

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    StageResult,
    Decision,
    ReserveOffer,
}

/// One notification.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notification {
    /// The outbox event it comes from.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub kind: NotificationKind,
    pub vacancy_id: VacancyId,
    /// The vacancy's title, when it still exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vacancy_title: Option<String>,
    /// A stage result or decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<StageResult>,
    /// A reserve offer: how well the person fits the new vacancy, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fit: Option<AbsoluteFit>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules_met: Vec<String>,
}

/// The signed-in candidate's notifications, newest first.
pub async fn inbox(app: &App, actor: &Actor) -> AppResult<Vec<Notification>> {
    actor.require(&[Role::Candidate])?;
    let profile = actor
        .profile_id
        .as_ref()
        .ok_or_else(|| AppError::forbidden("your account has no profile"))?;
    let applications: Vec<String> = app
        .store()
        .applications_for_profile(profile)
        .await?
        .into_iter()
        .map(|a| a.id.to_string())
        .collect();
    let events = app
        .store()
        .events_about(profile.as_str(), &applications, INBOX_LIMIT)
        .await?;
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        if let Some((whom, notification)) = notification_of(app, &e).await? {
            if whom == *profile {
                out.push(notification);
            }
        }
    }
    Ok(out)
}

/// The notification an outbox event is, and the person it is for: a stage result
/// or decision goes to the applicant, a reserve match to the person matched; every
/// other event is no one's notification (`None`). The one rule of what a candidate
/// is told, read by the inbox and by the email channel alike.
///
/// An event whose payload does not read is [`AppError::Internal`]; a store that
/// fails is [`AppError::Store`].
pub async fn notification_of(
    app: &App,
    event: &OutboxEvent,
) -> AppResult<Option<(ProfileId, Notification)>> {
    let bad = |err: String| AppError::internal(format!("outbox event {}: {err}", event.seq));
    let payload: serde_json::Value =
        serde_json::from_str(&event.payload).map_err(|e| bad(e.to_string()))?;
    let (kind, profile, vacancy, result, fit, rules_met) = match event.kind {
        EventKind::StageResult | EventKind::Decision => {
            let result: StageResult = serde_json::from_value(payload["result"].clone())
                .map_err(|e| bad(e.to_string()))?;
            let kind = if event.kind == EventKind::Decision {
                NotificationKind::Decision
            } else {
                NotificationKind::StageResult
            };
            let text = |field: &str| payload[field].as_str().unwrap_or("").to_owned();
            (
                kind,
                text("profile_id"),
                text("vacancy_id"),
                Some(result),
                None,
                vec![],
            )
        }
        EventKind::ReserveMatch => {
            let m: ReserveMatchEvent =
                serde_json::from_value(payload).map_err(|e| bad(e.to_string()))?;
            let rules = m.rules_met.iter().map(|r| r.code()).collect();
            (
                NotificationKind::ReserveOffer,
                m.profile_id,
                m.vacancy_id,
                None,
                Some(m.fit),
                rules,
            )
        }
        EventKind::ShortlistPublished
        | EventKind::ProctoringFlagConfirmed
        | EventKind::AuditCheckpoint => return Ok(None),
    };
    let profile = ProfileId::new(&profile).map_err(|e| bad(format!("profile_id: {e}")))?;
    let vacancy_id = VacancyId::new(&vacancy).map_err(|e| bad(format!("vacancy_id: {e}")))?;
    let vacancy_title = app.store().vacancy(&vacancy_id).await?.map(|v| v.title);
    Ok(Some((
        profile,
        Notification {
            seq: event.seq,
            at: event.created_at,
            kind,
            vacancy_id,
            vacancy_title,
            result,
            fit,
            rules_met,
        },
    )))
}
