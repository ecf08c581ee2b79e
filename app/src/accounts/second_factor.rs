//! The second factor: TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, as every
//! authenticator app reads an `otpauth://` QR code) with one-time recovery codes.
//!
//! A code is accepted for the current step or one step either side (a phone's clock
//! may be 30 s off), and only for a step after the last one accepted: the store
//! claims the step atomically, so a code seen over a shoulder or in a log, or sent
//! twice at once, works once. Recovery codes are 80 random bits each, kept as
//! SHA-256, and each is spent by its first use.
//!
//! Mandatory for the admin, HR and commission roles (they see personal data of
//! many people); optional for candidates.

use chrono::Utc;
use qabilet_store::{Role, TotpState};
use serde::Serialize;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};
use utoipa::ToSchema;

use super::{hash_secret, random_bytes};
use crate::{Actor, App, AppError, AppResult};

/// How many recovery codes enrolment gives.
pub const RECOVERY_CODES: usize = 10;
const STEP_SECONDS: u64 = 30;
const ISSUER: &str = "Qabilet";

/// Whether people with `role` must have a second factor.
pub fn required_for(role: Role) -> bool {
    matches!(
        role,
        Role::Admin | Role::Hr | Role::Commission | Role::Auditor
    )
}

fn totp_of(secret_base32: &str) -> AppResult<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_owned())
        .to_bytes()
        .map_err(|e| AppError::internal(format!("stored TOTP secret: {e:?}")))?;
    TOTP::new(Algorithm::SHA1, 6, 1, STEP_SECONDS, bytes)
        .map_err(|e| AppError::internal(format!("stored TOTP secret: {e}")))
}

fn now_seconds() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or(0)
}

/// The current code of a base32 secret (for the demo's `qabilet demo code` and tests).
pub fn current_code(secret_base32: &str) -> AppResult<String> {
    Ok(totp_of(secret_base32)?.generate(now_seconds()))
}

/// The step (within ±1 of now) whose code `code` is, if any.
fn matching_step(secret_base32: &str, code: &str) -> AppResult<Option<i64>> {
    let totp = totp_of(secret_base32)?;
    let now = now_seconds() / STEP_SECONDS;
    for step in [now.saturating_sub(1), now, now + 1] {
        let expected = totp.generate(step * STEP_SECONDS);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
            return Ok(i64::try_from(step).ok());
        }
    }
    Ok(None)
}

fn normalise_recovery(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether `code` (a TOTP code or a recovery code) proves the second factor of a
/// user with a confirmed `state`; spends what it uses.
pub(crate) async fn check_code(
    app: &App,
    user_id: &str,
    state: &TotpState,
    code: &str,
) -> AppResult<bool> {
    let code = code.trim();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        return match matching_step(&state.secret, code)? {
            Some(step) => Ok(app.store().claim_totp_step(user_id, step).await?),
            None => Ok(false),
        };
    }
    let normalised = normalise_recovery(code);
    if normalised.len() != 16 {
        return Ok(false);
    }
    Ok(app
        .store()
        .use_recovery_code(user_id, &hash_secret(&normalised), Utc::now())
        .await?)
}

/// A second factor being set up: what an authenticator app needs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Enrolment {
    /// The secret in base32, for typing into an app by hand.
    pub secret: String,
    /// `otpauth://totp/…`, what the QR code holds.
    pub otpauth_url: String,
}

/// The recovery codes, shown once when the second factor is confirmed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// Whether a person has a second factor, as their account page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SecondFactorStatus {
    pub enabled: bool,
    pub required: bool,
    /// Unused recovery codes left.
    pub recovery_codes_left: i64,
}

fn percent_encode_component(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn person(actor: &Actor) -> AppResult<&str> {
    if actor.kind != crate::ActorKind::Person {
        return Err(AppError::forbidden(
            "a second factor belongs to a person's account, not to an API key",
        ));
    }
    Ok(&actor.id)
}

/// Starts setting up TOTP for the signed-in person (again, until it is confirmed).
pub async fn start_enrolment(app: &App, actor: &Actor) -> AppResult<Enrolment> {
    let user_id = person(actor)?;
    let secret = Secret::Raw(random_bytes()?[..20].to_vec())
        .to_encoded()
        .to_string();
    let mut tx = app.store().begin().await?;
    if !tx.start_totp(user_id, &secret).await? {
        return Err(AppError::conflict(
            "a second factor is already set up; an admin can reset it if the device is lost",
        ));
    }
    tx.audit(
        actor.audit_name(),
        "second_factor.start",
        "user",
        user_id,
        "",
    )
    .await?;
    tx.commit().await?;
    let otpauth_url = format!(
        "otpauth://totp/{ISSUER}:{}?secret={secret}&issuer={ISSUER}&algorithm=SHA1&digits=6&period={STEP_SECONDS}",
        percent_encode_component(user_id)
    );
    Ok(Enrolment {
        secret,
        otpauth_url,
    })
}

/// Confirms the TOTP being set up with a code from the app; returns the recovery
/// codes (shown this once) and lifts the "second factor pending" mark of the
/// person's sessions.
pub async fn confirm_enrolment(app: &App, actor: &Actor, code: &str) -> AppResult<RecoveryCodes> {
    let user_id = person(actor)?;
    let state = match app.store().totp_of(user_id).await? {
        Some(state) if state.confirmed_at.is_none() => state,
        Some(_) => return Err(AppError::conflict("the second factor is already set up")),
        None => {
            return Err(AppError::conflict(
                "start setting up the second factor first (POST /account/second-factor)",
            ))
        }
    };
    let accepted = match matching_step(&state.secret, code.trim())? {
        Some(step) => app.store().claim_totp_step(user_id, step).await?,
        None => false,
    };
    if !accepted {
        return Err(AppError::invalid(
            "code",
            "the code does not match; check the phone's clock and enter the newest code",
        ));
    }
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    let mut hashes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let bytes = random_bytes()?;
        let raw = Secret::Raw(bytes[..10].to_vec())
            .to_encoded()
            .to_string()
            .to_lowercase();
        hashes.push(hash_secret(&raw));
        codes.push(
            raw.as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("-"),
        );
    }
    let mut tx = app.store().begin().await?;
    if !tx.confirm_totp(user_id, &hashes).await? {
        return Err(AppError::conflict("the second factor is already set up"));
    }
    tx.complete_sessions_of(user_id).await?;
    tx.audit(
        actor.audit_name(),
        "second_factor.enable",
        "user",
        user_id,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(RecoveryCodes {
        recovery_codes: codes,
    })
}

/// Whether the signed-in person has a second factor.
pub async fn status(app: &App, actor: &Actor) -> AppResult<SecondFactorStatus> {
    let user_id = person(actor)?;
    let enabled = app
        .store()
        .totp_of(user_id)
        .await?
        .is_some_and(|s| s.confirmed_at.is_some());
    Ok(SecondFactorStatus {
        enabled,
        required: required_for(actor.role),
        recovery_codes_left: if enabled {
            app.store().recovery_codes_left(user_id).await?
        } else {
            0
        },
    })
}

/// Turns off a candidate's own second factor (a code proves it is them). Roles
/// that must have one cannot.
pub async fn disable_own(app: &App, actor: &Actor, code: &str) -> AppResult<()> {
    let user_id = person(actor)?;
    if required_for(actor.role) {
        return Err(AppError::forbidden(
            "the second factor is mandatory for this role; an admin can reset it",
        ));
    }
    let Some(state) = app
        .store()
        .totp_of(user_id)
        .await?
        .filter(|s| s.confirmed_at.is_some())
    else {
        return Err(AppError::conflict("no second factor is set up"));
    };
    if !check_code(app, user_id, &state, code).await? {
        return Err(AppError::invalid("code", "the code does not match"));
    }
    let mut tx = app.store().begin().await?;
    tx.clear_totp(user_id).await?;
    tx.audit(
        actor.audit_name(),
        "second_factor.disable",
        "user",
        user_id,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_rfc_6238_and_match_their_steps_only() {
        // RFC 6238 appendix B, SHA-1 at T = 59 s: 94287082 (8 digits), so 287082.
        let rfc = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        assert_eq!(totp_of(&rfc).unwrap().generate(59), "287082");

        let secret = Secret::Raw(vec![7u8; 20]).to_encoded().to_string();
        let code = current_code(&secret).unwrap();
        assert!(matching_step(&secret, &code).unwrap().is_some());
        let totp = totp_of(&secret).unwrap();
        let now = now_seconds();
        let near: Vec<String> = [now - 30, now, now + 30]
            .iter()
            .map(|t| totp.generate(*t))
            .collect();
        let far = (0..1000)
            .map(|i| format!("{i:06}"))
            .find(|c| !near.contains(c))
            .unwrap();
        assert_eq!(matching_step(&secret, &far).unwrap(), None);
        assert_eq!(matching_step(&secret, "12345").unwrap(), None);
        assert_eq!(
            normalise_recovery("ABCD-efgh-2345-6789"),
            "abcdefgh23456789"
        );
    }
}
