//! Throttling sign-in attempts per user id and per client address (see
//! [`crate::config::ThrottlePolicy`]). Counters live in the store, so every node
//! behind a load balancer counts the same attempts.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::ThrottlePolicy;
use crate::{Actor, App, AppError, AppResult, Role};

/// The name the audit log gives sign-in's own actions (locks).
const SIGN_IN_ACTOR: &str = "sign-in";

fn seconds(d: std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// The throttle key of a user id.
pub fn user_key(user_id: &str) -> String {
    format!("user:{user_id}")
}

/// The throttle key of a client address.
pub fn address_key(address: &str) -> String {
    format!("ip:{address}")
}

fn retry_secs(until: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    // Rounded up: a client that waits exactly this long is let in.
    let ms = (until - now).num_milliseconds().max(0);
    u64::try_from((ms + 999) / 1000).unwrap_or(u64::MAX).max(1)
}

/// Counts one attempt under each key and refuses it, with the longest wait of any
/// key, when one of them is delayed or locked. Every key is counted either way.
pub(crate) async fn admit(app: &App, keys: &[(String, ThrottlePolicy)]) -> AppResult<()> {
    let now = Utc::now();
    let mut wait: Option<u64> = None;
    for (key, policy) in keys {
        let count = app
            .store()
            .count_sign_in_attempt(key, now, now - seconds(policy.window))
            .await?;
        let refused = if let Some(until) = count.locked_until.filter(|u| *u > now) {
            Some(retry_secs(until, now))
        } else if count.attempts > policy.lock_after {
            let until = now + seconds(policy.lock_for);
            app.store().lock_sign_in(key, until).await?;
            let mut tx = app.store().begin().await?;
            let detail = format!(
                "{} attempts; locked until {}",
                count.attempts,
                until.to_rfc3339()
            );
            tx.audit(SIGN_IN_ACTOR, "sign_in.lock", "throttle", key, &detail)
                .await?;
            tx.commit().await?;
            tracing::warn!(key, attempts = count.attempts, "sign-in locked");
            Some(retry_secs(until, now))
        } else if count.attempts > policy.free_attempts {
            let doublings = u32::try_from(count.attempts - policy.free_attempts - 1).unwrap_or(31);
            let gap =
                std::time::Duration::from_secs(1u64 << doublings.min(31)).min(policy.max_delay);
            let since = count.prev_attempt_at.unwrap_or(now);
            let allowed_at = since + seconds(gap);
            (allowed_at > now).then(|| retry_secs(allowed_at, now))
        } else {
            None
        };
        if let Some(secs) = refused {
            wait = Some(wait.map_or(secs, |w| w.max(secs)));
        }
    }
    match wait {
        Some(retry_after_secs) => Err(AppError::Throttled { retry_after_secs }),
        None => Ok(()),
    }
}

/// After a successful sign-in: the user's count is forgotten (unless locked), the
/// address gets back the one attempt.
pub(crate) async fn forgive(app: &App, user_key: &str, address_key: Option<&str>) -> AppResult<()> {
    app.store().forgive_sign_in(user_key, true).await?;
    if let Some(key) = address_key {
        app.store().forgive_sign_in(key, false).await?;
    }
    Ok(())
}

/// A throttled key, as the admin sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Throttle {
    /// `user:ID` or `ip:ADDRESS`.
    pub key: String,
    /// Attempts in the current window, failed or refused.
    pub attempts: i64,
    pub last_attempt_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

/// Keys with recent attempts or a running lock (admin).
pub async fn list(app: &App, actor: &Actor) -> AppResult<Vec<Throttle>> {
    actor.require(&[Role::Admin])?;
    let now = Utc::now();
    let window = seconds(
        app.config()
            .sessions
            .per_user
            .window
            .max(app.config().sessions.per_address.window),
    );
    Ok(app
        .store()
        .sign_in_throttles(now - window, now)
        .await?
        .into_iter()
        .map(|c| Throttle {
            key: c.key,
            attempts: c.attempts,
            last_attempt_at: c.last_attempt_at,
            locked_until: c.locked_until.filter(|u| *u > now),
        })
        .collect())
}

/// Lifts the throttle on a key (admin); audited as `sign_in.unlock`.
pub async fn unlock(app: &App, actor: &Actor, key: &str) -> AppResult<()> {
    actor.require(&[Role::Admin])?;
    let mut tx = app.store().begin().await?;
    if !tx.clear_throttle(key).await? {
        return Err(AppError::not_found(format!(
            "no sign-in throttle on {key:?}"
        )));
    }
    tx.audit(actor.audit_name(), "sign_in.unlock", "throttle", key, "")
        .await?;
    tx.commit().await?;
    Ok(())
}
