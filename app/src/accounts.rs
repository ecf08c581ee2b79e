//! Accounts: users and API keys, signing in, and turning a token back into an
//! [`Actor`].
//!
//! Two kinds of token, told apart by their prefix:
//! - `qk_…` API keys for integration clients (the HRM system). Random 256-bit keys;
//!   the store keeps their SHA-256 (a fast hash is enough for keys this long).
//! - `qs1.…` session tokens for people, issued in exchange for the user's login
//!   secret (`qu_…`, also kept only as SHA-256). A session token is
//!   `qs1.<hex(user_id)>.<expiry unix seconds>.<hex HMAC-SHA256>` signed with the
//!   deployment's session key: stateless to check, yet every check still loads the
//!   user, so disabling a user ends their sessions at once.
//!
//! The API reads tokens from `Authorization: Bearer`, the web pages from a cookie;
//! both call [`authenticate`] / [`session_actor`], so both refuse alike.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use qabilet_domain::{OrganisationId, ProfileId};
use qabilet_store::{Role, User};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use utoipa::ToSchema;

use crate::{Actor, App, AppError, AppResult};

type HmacSha256 = Hmac<Sha256>;

/// 32 random bytes from the operating system.
pub fn random_bytes() -> AppResult<[u8; 32]> {
    let mut buf = [0u8; 32];
    getrandom::getrandom(&mut buf)
        .map_err(|e| AppError::internal(format!("no randomness from the OS: {e}")))?;
    Ok(buf)
}

/// Hex SHA-256 of a secret, as the store keeps it.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
    <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"))
}

/// Issues a session token for `user_id` valid until `expires_at`, signed with `key`.
pub fn issue_session(key: &[u8], user_id: &str, expires_at: DateTime<Utc>) -> String {
    let payload = format!("qs1.{}.{}", hex::encode(user_id), expires_at.timestamp());
    let mut m = mac(key);
    m.update(payload.as_bytes());
    format!("{payload}.{}", hex::encode(m.finalize().into_bytes()))
}

/// Checks a session token's signature and expiry; returns the user id.
pub fn verify_session(key: &[u8], token: &str, now: DateTime<Utc>) -> Option<String> {
    let (payload, signature) = token.rsplit_once('.')?;
    let signature = hex::decode(signature).ok()?;
    let mut m = mac(key);
    m.update(payload.as_bytes());
    // The HMAC crate's own check compares in constant time.
    m.verify_slice(&signature).ok()?;
    let mut parts = payload.split('.');
    let (Some("qs1"), Some(user), Some(exp), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let exp: i64 = exp.parse().ok()?;
    if exp <= now.timestamp() {
        return None;
    }
    String::from_utf8(hex::decode(user).ok()?).ok()
}

/// A token bound to one session, for the web's forms (CSRF): an HMAC of the session
/// token under the session key, so another site cannot compute it and nothing is
/// stored.
pub fn form_token(app: &App, session_token: &str) -> String {
    let mut m = mac(&app.config().sessions.key);
    m.update(b"csrf\n");
    m.update(session_token.as_bytes());
    hex::encode(&m.finalize().into_bytes()[..16])
}

/// Whether `sent` is the form token of `session_token`, compared in constant time.
pub fn check_form_token(app: &App, session_token: &str, sent: &str) -> bool {
    let expected = form_token(app, session_token);
    bool::from(expected.as_bytes().ct_eq(sent.as_bytes()))
}

fn actor_of_user(user: User) -> AppResult<Actor> {
    // Scopes were validated when the user was created; a bad one now means the
    // database was edited, which is our problem, not the caller's.
    let organisation_id = user
        .organisation_id
        .map(|o| OrganisationId::new(o).map_err(AppError::Internal))
        .transpose()?;
    let profile_id = user
        .profile_id
        .map(|p| ProfileId::new(p).map_err(AppError::Internal))
        .transpose()?;
    Ok(Actor::person(
        user.id,
        user.role,
        organisation_id,
        profile_id,
    ))
}

/// The person a session token (`qs1.…`) belongs to: signature, expiry, and that the
/// user still exists and is enabled.
pub async fn session_actor(app: &App, token: &str) -> AppResult<Actor> {
    let unauthenticated = |m: &str| AppError::Unauthenticated(m.to_owned());
    let user_id = verify_session(&app.config().sessions.key, token, Utc::now())
        .ok_or_else(|| unauthenticated("invalid or expired session token"))?;
    match app.store().user(&user_id).await? {
        Some((user, _)) if !user.disabled => actor_of_user(user),
        _ => Err(unauthenticated("the user no longer exists or is disabled")),
    }
}

/// The caller a bearer token names: an API key (`qk_…`) or a session (`qs1.…`).
pub async fn authenticate(app: &App, token: &str) -> AppResult<Actor> {
    if token.starts_with("qk_") {
        let key = app
            .store()
            .api_key_by_hash(&hash_secret(token))
            .await?
            .ok_or_else(|| AppError::Unauthenticated("unknown or revoked API key".into()))?;
        return Ok(Actor::api_key(key.id, key.role));
    }
    session_actor(app, token).await
}

/// A session issued by [`sign_in`].
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionToken {
    /// The bearer token (also what the web's session cookie holds).
    pub token: String,
    pub user_id: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
}

/// Exchanges a user's login secret for a session; `None` for an unknown user, a
/// wrong secret or a disabled user alike, so sign-in tells nobody which it was.
pub async fn sign_in(app: &App, user_id: &str, secret: &str) -> AppResult<Option<SessionToken>> {
    let Some((user, stored)) = app.store().user(user_id.trim()).await? else {
        return Ok(None);
    };
    let matches = bool::from(hash_secret(secret).as_bytes().ct_eq(stored.as_bytes()));
    if !matches || user.disabled {
        return Ok(None);
    }
    let sessions = &app.config().sessions;
    let ttl = chrono::Duration::from_std(sessions.ttl)
        .map_err(|e| AppError::internal(format!("session ttl: {e}")))?;
    let expires_at = Utc::now() + ttl;
    Ok(Some(SessionToken {
        token: issue_session(&sessions.key, &user.id, expires_at),
        user_id: user.id,
        role: user.role,
        expires_at,
    }))
}

/// The roles a person's account may have, as the API documents `NewUser::role`.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum PersonRole {
    Candidate,
    Commission,
    Hr,
    Admin,
}

/// The roles an API key may have, as the API documents `NewApiKey::role`.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum KeyRole {
    Hrm,
    Admin,
}

/// A user to create with [`create_user`].
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Letters, digits and `- _ . :`, at most 64.
    #[schema(pattern = "^[A-Za-z0-9._:-]{1,64}$")]
    pub id: String,
    /// candidate, commission, hr or admin (the hrm role is for API keys).
    #[schema(value_type = PersonRole)]
    pub role: Role,
    /// Required for HR officers.
    #[serde(default)]
    pub organisation_id: Option<OrganisationId>,
    /// Required for candidates.
    #[serde(default)]
    pub profile_id: Option<ProfileId>,
}

/// A user just created, with the login secret shown this once only.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedUser {
    pub id: String,
    pub role: Role,
    pub secret: String,
}

/// Creates a user (admins, the operator); audited as `user.create`.
pub async fn create_user(app: &App, actor: &Actor, new: &NewUser) -> AppResult<CreatedUser> {
    actor.require(&[Role::Admin])?;
    ProfileId::new(new.id.clone())
        .map_err(|e| AppError::invalid("id", format!("user id {:?}: {e}", new.id)))?;
    if new.id.starts_with("cli:") {
        // The audit log names the command-line operator `cli:NAME`.
        return Err(AppError::invalid(
            "id",
            "ids starting with cli: name the command-line operator in the audit log",
        ));
    }
    match (new.role, &new.organisation_id, &new.profile_id) {
        (Role::Hrm, _, _) => {
            return Err(AppError::invalid(
                "role",
                "the hrm role is for API keys; create one with POST /api-keys",
            ))
        }
        (Role::Hr, None, _) => {
            return Err(AppError::invalid(
                "organisation_id",
                "an HR officer needs an organisation",
            ))
        }
        (Role::Candidate, _, None) => {
            return Err(AppError::invalid(
                "profile_id",
                "a candidate needs a profile id",
            ))
        }
        _ => {}
    }
    let secret = format!("qu_{}", hex::encode(random_bytes()?));
    let user = User {
        id: new.id.clone(),
        role: new.role,
        organisation_id: new.organisation_id.as_ref().map(|o| o.to_string()),
        profile_id: new.profile_id.as_ref().map(|p| p.to_string()),
        disabled: false,
    };
    let mut tx = app.store().begin().await?;
    tx.insert_user(&user, &hash_secret(&secret)).await?;
    tx.audit(
        actor.audit_name(),
        "user.create",
        "user",
        &user.id,
        new.role.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedUser {
        id: user.id,
        role: user.role,
        secret,
    })
}

/// An API key to create with [`create_api_key`].
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiKey {
    /// Letters, digits and `- _ . :`, at most 64.
    #[schema(pattern = "^[A-Za-z0-9._:-]{1,64}$")]
    pub id: String,
    /// hrm or admin.
    #[schema(value_type = KeyRole)]
    pub role: Role,
}

/// An API key just created, shown this once only.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedApiKey {
    pub id: String,
    pub role: Role,
    pub key: String,
}

/// Creates an API key (role `hrm` or `admin`); audited as `api_key.create`.
pub async fn create_api_key(app: &App, actor: &Actor, new: &NewApiKey) -> AppResult<CreatedApiKey> {
    actor.require(&[Role::Admin])?;
    if !matches!(new.role, Role::Hrm | Role::Admin) {
        return Err(AppError::invalid(
            "role",
            "API keys are for the hrm and admin roles; people sign in with sessions",
        ));
    }
    ProfileId::new(new.id.clone())
        .map_err(|e| AppError::invalid("id", format!("API key id {:?}: {e}", new.id)))?;
    let key = format!("qk_{}", hex::encode(random_bytes()?));
    let mut tx = app.store().begin().await?;
    tx.insert_api_key(&new.id, new.role, &hash_secret(&key))
        .await?;
    tx.audit(
        actor.audit_name(),
        "api_key.create",
        "api_key",
        &new.id,
        new.role.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedApiKey {
        id: new.id.clone(),
        role: new.role,
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_verify_expire_and_resist_tampering() {
        let key = [7u8; 32];
        let now = Utc::now();
        let token = issue_session(&key, "hr.1", now + chrono::Duration::hours(1));
        assert_eq!(verify_session(&key, &token, now).as_deref(), Some("hr.1"));
        assert_eq!(
            verify_session(&key, &token, now + chrono::Duration::hours(2)),
            None
        );
        assert_eq!(verify_session(&[8u8; 32], &token, now), None);
        let forged = token.replacen(&hex::encode("hr.1"), &hex::encode("admin"), 1);
        assert_eq!(verify_session(&key, &forged, now), None);
        assert_eq!(verify_session(&key, "qs1.zz.1.00", now), None);
        assert_eq!(verify_session(&key, "", now), None);
    }
}
