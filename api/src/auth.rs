//! Authentication: bearer tokens, and who the caller is.
//!
//! Two kinds of token, told apart by their prefix:
//! - `qk_…` API keys for integration clients (the HRM system). Random 256-bit keys;
//!   the store keeps their SHA-256 (a fast hash is enough for keys this long).
//! - `qs1.…` session tokens for people, issued by `POST /sessions` in exchange for the
//!   user's login secret (`qu_…`, also kept only as SHA-256). A session token is
//!   `qs1.<hex(user_id)>.<expiry unix seconds>.<hex HMAC-SHA256>` signed with the
//!   server's key: stateless to check, yet each request still loads the user, so
//!   disabling a user ends their sessions at once.
//!
//! What each role may do is decided in `access`, next to the resources.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use qabilet_domain::{OrganisationId, ProfileId};
use qabilet_store::{Role, Store, StoreError, User};
use sha2::{Digest, Sha256};

use crate::{ApiError, AppState};

type HmacSha256 = Hmac<Sha256>;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    /// A user id or an API key id; what the audit log records as the actor.
    pub id: String,
    pub role: Role,
    /// The organisation an HR officer is scoped to.
    pub organisation_id: Option<OrganisationId>,
    /// The profile a candidate owns.
    pub profile_id: Option<ProfileId>,
}

impl Principal {
    /// Refuses unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "the {} role may not do this",
                self.role.as_str()
            )))
        }
    }
}

/// 32 random bytes from the operating system.
pub fn random_bytes() -> Result<[u8; 32], ApiError> {
    let mut buf = [0u8; 32];
    getrandom::getrandom(&mut buf)
        .map_err(|e| ApiError::Internal(format!("no randomness from the OS: {e}")))?;
    Ok(buf)
}

/// Hex SHA-256 of a secret, as the store keeps it.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares in time independent of where the inputs differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
    <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"))
}

/// Issues a session token for `user_id` valid until `expires_at`.
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

/// Checks a user's login secret; returns the user when it matches and is enabled.
pub async fn check_login(
    store: &Store,
    user_id: &str,
    secret: &str,
) -> Result<Option<User>, ApiError> {
    let Some((user, stored)) = store.user(user_id).await? else {
        return Ok(None);
    };
    let ok = constant_time_eq(hash_secret(secret).as_bytes(), stored.as_bytes()) && !user.disabled;
    Ok(ok.then_some(user))
}

fn principal_of_user(user: User) -> Result<Principal, ApiError> {
    // Scopes were validated when the user was created; a bad one now means the
    // database was edited, which is our problem, not the caller's.
    let organisation_id = user
        .organisation_id
        .map(|o| OrganisationId::new(o).map_err(ApiError::Internal))
        .transpose()?;
    let profile_id = user
        .profile_id
        .map(|p| ProfileId::new(p).map_err(ApiError::Internal))
        .transpose()?;
    Ok(Principal {
        id: user.id,
        role: user.role,
        organisation_id,
        profile_id,
    })
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let unauthenticated = |m: &str| ApiError::Unauthenticated(m.to_owned());
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(|| unauthenticated("send Authorization: Bearer <token>"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| unauthenticated("the Authorization header must be Bearer <token>"))?;
        if token.starts_with("qk_") {
            let key = state
                .store
                .api_key_by_hash(&hash_secret(token))
                .await?
                .ok_or_else(|| unauthenticated("unknown or revoked API key"))?;
            return Ok(Principal {
                id: key.id,
                role: key.role,
                organisation_id: None,
                profile_id: None,
            });
        }
        principal_of_session(state, token).await
    }
}

/// The person a session token (`qs1.…`) belongs to, checked like every request:
/// signature, expiry, and that the user still exists and is enabled. Shared by the
/// bearer extractor above and the web pages' cookie (`web`), so both refuse alike.
pub(crate) async fn principal_of_session(
    state: &AppState,
    token: &str,
) -> Result<Principal, ApiError> {
    let unauthenticated = |m: &str| ApiError::Unauthenticated(m.to_owned());
    let user_id = verify_session(&state.config.session_key, token, Utc::now())
        .ok_or_else(|| unauthenticated("invalid or expired session token"))?;
    match state.store.user(&user_id).await? {
        Some((user, _)) if !user.disabled => principal_of_user(user),
        _ => Err(unauthenticated("the user no longer exists or is disabled")),
    }
}

/// A user to create with [`create_user`].
#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: String,
    pub role: Role,
    /// Required for HR officers.
    pub organisation_id: Option<OrganisationId>,
    /// Required for candidates.
    pub profile_id: Option<ProfileId>,
}

/// Why a bootstrap call failed.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Api(String),
}

impl From<ApiError> for BootstrapError {
    fn from(e: ApiError) -> Self {
        BootstrapError::Api(e.to_string())
    }
}

/// Creates a user and returns their login secret, shown this once only. For
/// `qabilet users add` and for the admin API; audited as `user.create` by `actor`.
pub async fn create_user(
    store: &Store,
    actor: &str,
    new: &NewUser,
) -> Result<String, BootstrapError> {
    qabilet_domain::ProfileId::new(new.id.clone())
        .map_err(|e| BootstrapError::Invalid(format!("user id {:?}: {e}", new.id)))?;
    match (new.role, &new.organisation_id, &new.profile_id) {
        (Role::Hrm, _, _) => {
            return Err(BootstrapError::Invalid(
                "the hrm role is for API keys; create one with create_api_key".into(),
            ))
        }
        (Role::Hr, None, _) => {
            return Err(BootstrapError::Invalid(
                "an HR officer needs an organisation".into(),
            ))
        }
        (Role::Candidate, _, None) => {
            return Err(BootstrapError::Invalid(
                "a candidate needs a profile id".into(),
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
    let mut tx = store.begin().await?;
    tx.insert_user(&user, &hash_secret(&secret)).await?;
    tx.audit(actor, "user.create", "user", &user.id, new.role.as_str())
        .await?;
    tx.commit().await?;
    Ok(secret)
}

/// Creates an API key (role `hrm` or `admin`) and returns it, shown this once only.
pub async fn create_api_key(
    store: &Store,
    actor: &str,
    id: &str,
    role: Role,
) -> Result<String, BootstrapError> {
    if !matches!(role, Role::Hrm | Role::Admin) {
        return Err(BootstrapError::Invalid(
            "API keys are for the hrm and admin roles; people sign in with sessions".into(),
        ));
    }
    qabilet_domain::ProfileId::new(id.to_owned())
        .map_err(|e| BootstrapError::Invalid(format!("API key id {id:?}: {e}")))?;
    let key = format!("qk_{}", hex::encode(random_bytes()?));
    let mut tx = store.begin().await?;
    tx.insert_api_key(id, role, &hash_secret(&key)).await?;
    tx.audit(actor, "api_key.create", "api_key", id, role.as_str())
        .await?;
    tx.commit().await?;
    Ok(key)
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
