//! What accounts need kept: sessions, password hashes, the second factor, API key
//! revocation and sign-in throttling counters.
//!
//! Only hashes of tokens, passwords and recovery codes are stored. The rules (how
//! long a session lives, when a code is accepted, how long a lock lasts) are the
//! application's; the store answers atomically where a race would let an attacker
//! through: a TOTP step is claimed once, a recovery code is spent once, and an
//! attempt is counted before the password is checked.

use chrono::{DateTime, Utc};

use crate::auth::role_of;
use crate::write::{on_tx, WriteTx};
use crate::{on_backend, Role, Store, StoreError, User};

/// A stored session (never the token itself); read by its column names
/// (`SESSION_COLUMNS`) on both backends.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    pub id: String,
    pub user_id: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub second_factor_pending: bool,
}

/// A user as the admin's list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSummary {
    pub user: User,
    pub created_at: DateTime<Utc>,
    pub second_factor: bool,
}

/// An API key as the admin's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeySummary {
    pub id: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A user's TOTP state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpState {
    /// Base32 secret.
    pub secret: String,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// Sign-in attempts counted under one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleCount {
    pub key: String,
    pub attempts: i64,
    pub last_attempt_at: DateTime<Utc>,
    pub prev_attempt_at: Option<DateTime<Utc>>,
    pub locked_until: Option<DateTime<Utc>>,
}

/// A session with the columns of its user that signing in needs.
#[derive(sqlx::FromRow)]
struct SessionWithUser {
    #[sqlx(flatten)]
    session: SessionRecord,
    role: String,
    organisation_id: Option<String>,
    profile_id: Option<String>,
    disabled: bool,
}

const SESSION_COLUMNS: &str =
    "id, user_id, created_at, last_seen_at, expires_at, ip, user_agent, second_factor_pending";

type ThrottleRow = (
    String,
    i64,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

fn throttle_of(row: ThrottleRow) -> ThrottleCount {
    let (key, attempts, last_attempt_at, prev_attempt_at, locked_until) = row;
    ThrottleCount {
        key,
        attempts,
        last_attempt_at,
        prev_attempt_at,
        locked_until,
    }
}

impl WriteTx {
    /// Stores a new session under the hash of its token.
    pub async fn insert_session(
        &mut self,
        session: &SessionRecord,
        token_hash: &str,
    ) -> Result<(), StoreError> {
        on_tx!(&mut self.tx, tx => {
            sqlx::query(
                "INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at, \
                 ip, user_agent, second_factor_pending) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&session.id)
            .bind(token_hash)
            .bind(&session.user_id)
            .bind(session.created_at)
            .bind(session.last_seen_at)
            .bind(session.expires_at)
            .bind(&session.ip)
            .bind(&session.user_agent)
            .bind(session.second_factor_pending)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }

    /// Ends one session of `user_id` (any user's when `user_id` is `None`); whether
    /// there was such an open session.
    pub async fn end_session(
        &mut self,
        id: &str,
        user_id: Option<&str>,
        by: &str,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let now = self.now;
        let done = on_tx!(&mut self.tx, tx => {
            sqlx::query(
                "UPDATE sessions SET ended_at = $1, ended_by = $2, end_reason = $3 \
                 WHERE id = $4 AND ended_at IS NULL AND ($5 IS NULL OR user_id = $5)",
            )
            .bind(now)
            .bind(by)
            .bind(reason)
            .bind(id)
            .bind(user_id)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(done > 0)
    }

    /// Ends every open session of a user except `keep`; how many.
    pub async fn end_sessions_of(
        &mut self,
        user_id: &str,
        keep: Option<&str>,
        by: &str,
        reason: &str,
    ) -> Result<u64, StoreError> {
        let now = self.now;
        let done = on_tx!(&mut self.tx, tx => {
            sqlx::query(
                "UPDATE sessions SET ended_at = $1, ended_by = $2, end_reason = $3 \
                 WHERE user_id = $4 AND ended_at IS NULL AND ($5 IS NULL OR id <> $5)",
            )
            .bind(now)
            .bind(by)
            .bind(reason)
            .bind(user_id)
            .bind(keep)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(done)
    }

    /// Clears the "second factor pending" mark of a user's sessions once they set one up.
    pub async fn complete_sessions_of(&mut self, user_id: &str) -> Result<(), StoreError> {
        on_tx!(&mut self.tx, tx => {
            sqlx::query(
                "UPDATE sessions SET second_factor_pending = FALSE WHERE user_id = $1 AND ended_at IS NULL",
            )
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }

    /// Replaces a user's password hash; whether the user exists.
    pub async fn set_password_hash(
        &mut self,
        user_id: &str,
        hash: &str,
    ) -> Result<bool, StoreError> {
        let now = self.now;
        let done = on_tx!(&mut self.tx, tx => {
            sqlx::query("UPDATE users SET secret_hash = $1, password_changed_at = $2 WHERE id = $3")
                .bind(hash)
                .bind(now)
                .bind(user_id)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        Ok(done > 0)
    }

    /// Disables or enables a user; whether the user exists.
    pub async fn set_disabled(
        &mut self,
        user_id: &str,
        disabled: bool,
    ) -> Result<bool, StoreError> {
        let done = on_tx!(&mut self.tx, tx => {
            sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
                .bind(disabled)
                .bind(user_id)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        Ok(done > 0)
    }

    /// Starts (or restarts) TOTP enrolment with `secret`, unless one is confirmed;
    /// whether it was set.
    pub async fn start_totp(&mut self, user_id: &str, secret: &str) -> Result<bool, StoreError> {
        let done = on_tx!(&mut self.tx, tx => {
            sqlx::query(
                "UPDATE users SET totp_secret = $1, totp_last_step = NULL \
                 WHERE id = $2 AND totp_confirmed_at IS NULL",
            )
            .bind(secret)
            .bind(user_id)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(done > 0)
    }

    /// Confirms the pending TOTP secret and stores the recovery codes' hashes.
    pub async fn confirm_totp(
        &mut self,
        user_id: &str,
        recovery_hashes: &[String],
    ) -> Result<bool, StoreError> {
        let now = self.now;
        let done = on_tx!(&mut self.tx, tx => {
            let done = sqlx::query(
                "UPDATE users SET totp_confirmed_at = $1 \
                 WHERE id = $2 AND totp_secret IS NOT NULL AND totp_confirmed_at IS NULL",
            )
            .bind(now)
            .bind(user_id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if done > 0 {
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut **tx)
                    .await?;
                for hash in recovery_hashes {
                    sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                        .bind(user_id)
                        .bind(hash)
                        .execute(&mut **tx)
                        .await?;
                }
            }
            done
        });
        Ok(done > 0)
    }

    /// Removes a user's second factor and recovery codes; whether they had one.
    pub async fn clear_totp(&mut self, user_id: &str) -> Result<bool, StoreError> {
        let done = on_tx!(&mut self.tx, tx => {
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut **tx)
                .await?;
            sqlx::query(
                "UPDATE users SET totp_secret = NULL, totp_confirmed_at = NULL, totp_last_step = NULL \
                 WHERE id = $1 AND totp_secret IS NOT NULL",
            )
            .bind(user_id)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(done > 0)
    }

    /// Revokes an API key; whether an unrevoked key had that id.
    pub async fn revoke_api_key(&mut self, id: &str) -> Result<bool, StoreError> {
        let now = self.now;
        let done = on_tx!(&mut self.tx, tx => {
            sqlx::query("UPDATE api_keys SET revoked = TRUE, revoked_at = $1 WHERE id = $2 AND revoked = FALSE")
                .bind(now)
                .bind(id)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        Ok(done > 0)
    }

    /// Lifts the throttle on a key; whether there was one.
    pub async fn clear_throttle(&mut self, key: &str) -> Result<bool, StoreError> {
        let done = on_tx!(&mut self.tx, tx => {
            sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
                .bind(key)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        Ok(done > 0)
    }
}

impl Store {
    /// The open session with this token hash and its user (ended sessions are
    /// never returned): every signed-in request asks it, so in one round trip.
    pub async fn session_with_user(
        &self,
        token_hash: &str,
    ) -> Result<Option<(SessionRecord, User)>, StoreError> {
        let row: Option<SessionWithUser> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.ip, \
                   s.user_agent, s.second_factor_pending, \
                   u.role, u.organisation_id, u.profile_id, u.disabled \
                 FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = $1 AND s.ended_at IS NULL",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        let Some(row) = row else {
            return Ok(None);
        };
        let user = User {
            role: role_of("user", &row.session.user_id, &row.role)?,
            id: row.session.user_id.clone(),
            organisation_id: row.organisation_id,
            profile_id: row.profile_id,
            disabled: row.disabled,
        };
        Ok(Some((row.session, user)))
    }

    /// The open sessions of a user, newest first.
    pub async fn sessions_of(&self, user_id: &str) -> Result<Vec<SessionRecord>, StoreError> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = $1 AND ended_at IS NULL \
             ORDER BY created_at DESC, id LIMIT 1000"
        );
        let rows: Vec<SessionRecord> = on_backend!(&self.backend, pool => {
            sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await?
        });
        Ok(rows)
    }

    /// Notes that a session was used now. Outside any transaction: a read request
    /// must not take the write lock for more than this one row.
    pub async fn touch_session(&self, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        on_backend!(&self.backend, pool => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND ended_at IS NULL")
                .bind(now)
                .bind(id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Ends a session that timed out (idle or past its end), outside a transaction.
    pub async fn expire_session(
        &self,
        id: &str,
        now: DateTime<Utc>,
        reason: &str,
    ) -> Result<(), StoreError> {
        on_backend!(&self.backend, pool => {
            sqlx::query(
                "UPDATE sessions SET ended_at = $1, ended_by = 'system', end_reason = $2 \
                 WHERE id = $3 AND ended_at IS NULL",
            )
            .bind(now)
            .bind(reason)
            .bind(id)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Every user, by id (at most 10,000).
    pub async fn users(&self) -> Result<Vec<UserSummary>, StoreError> {
        type Row = (
            String,
            String,
            Option<String>,
            Option<String>,
            bool,
            DateTime<Utc>,
            bool,
        );
        let rows: Vec<Row> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT id, role, organisation_id, profile_id, disabled, created_at, \
                 totp_confirmed_at IS NOT NULL FROM users ORDER BY id LIMIT 10000",
            )
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(
                |(id, role, organisation_id, profile_id, disabled, created_at, second_factor)| {
                    Ok(UserSummary {
                        user: User {
                            role: role_of("user", &id, &role)?,
                            id,
                            organisation_id,
                            profile_id,
                            disabled,
                        },
                        created_at,
                        second_factor,
                    })
                },
            )
            .collect()
    }

    /// Every API key, revoked ones included, by id.
    pub async fn api_keys(&self) -> Result<Vec<ApiKeySummary>, StoreError> {
        type Row = (String, String, DateTime<Utc>, Option<DateTime<Utc>>, bool);
        let rows: Vec<Row> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT id, role, created_at, revoked_at, revoked FROM api_keys ORDER BY id LIMIT 10000",
            )
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, role, created_at, revoked_at, revoked)| {
                Ok(ApiKeySummary {
                    role: role_of("API key", &id, &role)?,
                    id,
                    created_at,
                    // Keys revoked before revoked_at existed still read as revoked.
                    revoked_at: revoked_at.or(revoked.then_some(created_at)),
                })
            })
            .collect()
    }

    /// A user's TOTP secret and whether it is confirmed.
    pub async fn totp_of(&self, user_id: &str) -> Result<Option<TotpState>, StoreError> {
        let row: Option<(Option<String>, Option<DateTime<Utc>>)> = on_backend!(&self.backend, pool => {
            sqlx::query_as("SELECT totp_secret, totp_confirmed_at FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.and_then(|(secret, confirmed_at)| {
            secret.map(|secret| TotpState {
                secret,
                confirmed_at,
            })
        }))
    }

    /// Claims a TOTP step for a user: true once per step and only for steps after
    /// the last one claimed, so a code cannot be replayed, not even concurrently.
    pub async fn claim_totp_step(&self, user_id: &str, step: i64) -> Result<bool, StoreError> {
        let done = on_backend!(&self.backend, pool => {
            sqlx::query(
                "UPDATE users SET totp_last_step = $1 \
                 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step)
            .bind(user_id)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(done > 0)
    }

    /// Spends a recovery code (by hash): true only the first time.
    pub async fn use_recovery_code(
        &self,
        user_id: &str,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = on_backend!(&self.backend, pool => {
            sqlx::query(
                "UPDATE recovery_codes SET used_at = $1 \
                 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
            )
            .bind(now)
            .bind(user_id)
            .bind(code_hash)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(done > 0)
    }

    /// How many unused recovery codes a user has left.
    pub async fn recovery_codes_left(&self, user_id: &str) -> Result<i64, StoreError> {
        let (n,): (i64,) = on_backend!(&self.backend, pool => {
            sqlx::query_as("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
                .bind(user_id)
                .fetch_one(pool)
                .await?
        });
        Ok(n)
    }

    /// Counts one sign-in attempt under `key`, atomically, and returns the count with
    /// the time of the attempt before. Counts older than `window_start` start over,
    /// unless a lock is still running.
    pub async fn count_sign_in_attempt(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window_start: DateTime<Utc>,
    ) -> Result<ThrottleCount, StoreError> {
        // In an UPDATE's SET, every expression sees the row as it was.
        let sql = "INSERT INTO sign_in_throttle (key, attempts, last_attempt_at) VALUES ($1, 1, $2) \
                   ON CONFLICT (key) DO UPDATE SET \
                     attempts = CASE WHEN sign_in_throttle.last_attempt_at < $3 \
                        AND (sign_in_throttle.locked_until IS NULL OR sign_in_throttle.locked_until < $2) \
                        THEN 1 ELSE sign_in_throttle.attempts + 1 END, \
                     prev_attempt_at = CASE WHEN sign_in_throttle.last_attempt_at < $3 \
                        AND (sign_in_throttle.locked_until IS NULL OR sign_in_throttle.locked_until < $2) \
                        THEN NULL ELSE sign_in_throttle.last_attempt_at END, \
                     locked_until = CASE WHEN sign_in_throttle.locked_until < $2 THEN NULL \
                        ELSE sign_in_throttle.locked_until END, \
                     last_attempt_at = $2 \
                   RETURNING key, attempts, last_attempt_at, prev_attempt_at, locked_until";
        let row: ThrottleRow = on_backend!(&self.backend, pool => {
            sqlx::query_as(sql).bind(key).bind(now).bind(window_start).fetch_one(pool).await?
        });
        Ok(throttle_of(row))
    }

    /// Locks a key until `until`.
    pub async fn lock_sign_in(&self, key: &str, until: DateTime<Utc>) -> Result<(), StoreError> {
        on_backend!(&self.backend, pool => {
            sqlx::query("UPDATE sign_in_throttle SET locked_until = $1 WHERE key = $2")
                .bind(until)
                .bind(key)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Forgets a key's count (a user who signed in), or takes back one attempt (an
    /// address whose attempt succeeded: its other failures still count).
    pub async fn forgive_sign_in(&self, key: &str, all: bool) -> Result<(), StoreError> {
        on_backend!(&self.backend, pool => {
            if all {
                sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1 AND locked_until IS NULL")
                    .bind(key)
                    .execute(pool)
                    .await?;
            } else {
                sqlx::query(
                    "UPDATE sign_in_throttle SET attempts = attempts - 1 WHERE key = $1 AND attempts > 0",
                )
                .bind(key)
                .execute(pool)
                .await?;
            }
        });
        Ok(())
    }

    /// Keys with attempts since `since` or a lock after `now`, most attempts first.
    pub async fn sign_in_throttles(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ThrottleCount>, StoreError> {
        let rows: Vec<ThrottleRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT key, attempts, last_attempt_at, prev_attempt_at, locked_until FROM sign_in_throttle \
                 WHERE last_attempt_at >= $1 OR locked_until > $2 \
                 ORDER BY attempts DESC, key LIMIT 1000",
            )
            .bind(since)
            .bind(now)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(throttle_of).collect())
    }
}
