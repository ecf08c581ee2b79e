//! Accounts: users and API keys, signing in, sessions, passwords, the second
//! factor, and turning a token back into an [`Actor`].
//!
//! Two kinds of token, told apart by their prefix:
//! - `qk_…` API keys for integration clients (the HRM system). Random 256-bit keys;
//!   the store keeps their SHA-256 (a fast hash is enough for keys this long).
//! - `qs_…` session tokens for people, issued by [`sign_in`] for a password (and a
//!   second-factor code where one is set up); see [`sessions`].
//!
//! The API reads tokens from `Authorization: Bearer`, the web pages from a cookie;
//! both call [`authenticate`], so both refuse alike.
//!
//! | module | holds |
//! |---|---|
//! | [`sessions`] | signing in and out, session timeouts, listing and ending sessions |
//! | [`passwords`] | Argon2id hashes and the rules for new passwords |
//! | [`second_factor`] | TOTP enrolment and codes, recovery codes |
//! | [`throttle`] | slowing down and locking repeated sign-in attempts |
//! | [`registration`] | a person registering their own candidate account |
//! | this module | creating, listing, disabling users; API keys; password resets |

pub mod passwords;
pub mod registration;
pub mod second_factor;
pub mod sessions;
pub mod throttle;

pub use sessions::{
    authenticate, authenticate_for_setup, session_actor, sign_in, Client, SessionInfo, SessionToken,
};

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

/// A token bound to one session, for the web's forms (CSRF): an HMAC keyed with the
/// session token itself, which another site cannot read, so nothing is stored and
/// no node needs a key of its own.
pub fn form_token(session_token: &str) -> String {
    let mut m = <HmacSha256 as Mac>::new_from_slice(session_token.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    m.update(b"qabilet csrf");
    hex::encode(&m.finalize().into_bytes()[..16])
}

/// Whether `sent` is the form token of `session_token`, compared in constant time.
pub fn check_form_token(session_token: &str, sent: &str) -> bool {
    let expected = form_token(session_token);
    bool::from(expected.as_bytes().ct_eq(sent.as_bytes()))
}

pub(crate) fn actor_of_user(user: User) -> AppResult<Actor> {
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
    /// The first password; left out, one is made up and returned once. At least
    /// 12 characters, not a common password.
    #[serde(default)]
    #[schema(min_length = 12, max_length = 256)]
    pub password: Option<String>,
}

/// A user just created.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedUser {
    pub id: String,
    pub role: Role,
    /// The password made up for the account, shown this once only (absent when the
    /// request gave one).
    pub password: Option<String>,
    /// Whether the role must set up a second factor at first sign-in.
    pub second_factor_required: bool,
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
    let (password, generated) = match &new.password {
        Some(p) => (p.clone(), None),
        None => {
            let p = passwords::generate_password()?;
            (p.clone(), Some(p))
        }
    };
    passwords::check_new_password(&new.id, &password)?;
    let hash = passwords::hash_password(&password).await?;
    let user = User {
        id: new.id.clone(),
        role: new.role,
        organisation_id: new.organisation_id.as_ref().map(|o| o.to_string()),
        profile_id: new.profile_id.as_ref().map(|p| p.to_string()),
        disabled: false,
    };
    let mut tx = app.store().begin().await?;
    tx.insert_user(&user, &hash).await?;
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
        second_factor_required: second_factor::required_for(user.role),
        id: user.id,
        role: user.role,
        password: generated,
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

/// A user as the admin's list shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub role: Role,
    pub organisation_id: Option<String>,
    pub profile_id: Option<String>,
    pub disabled: bool,
    /// Whether a second factor is set up.
    pub second_factor: bool,
    pub created_at: DateTime<Utc>,
}

/// Every user (admin).
pub async fn users(app: &App, actor: &Actor) -> AppResult<Vec<UserView>> {
    actor.require(&[Role::Admin])?;
    Ok(app
        .store()
        .users()
        .await?
        .into_iter()
        .map(|u| UserView {
            id: u.user.id,
            role: u.user.role,
            organisation_id: u.user.organisation_id,
            profile_id: u.user.profile_id,
            disabled: u.user.disabled,
            second_factor: u.second_factor,
            created_at: u.created_at,
        })
        .collect())
}

fn no_user(user_id: &str) -> AppError {
    AppError::not_found(format!("no user {user_id:?}"))
}

/// Disables (or enables again) a user (admin). Disabling ends their sessions at
/// once; an admin cannot disable themselves (another admin must). Audited as
/// `user.disable` / `user.enable`.
pub async fn set_disabled(
    app: &App,
    actor: &Actor,
    user_id: &str,
    disabled: bool,
) -> AppResult<()> {
    actor.require(&[Role::Admin])?;
    if disabled && actor.kind == crate::ActorKind::Person && actor.id == user_id {
        return Err(AppError::conflict(
            "an admin cannot disable their own account; ask another admin",
        ));
    }
    let mut tx = app.store().begin().await?;
    if !tx.set_disabled(user_id, disabled).await? {
        return Err(no_user(user_id));
    }
    let action = if disabled {
        tx.end_sessions_of(user_id, None, actor.audit_name(), "user disabled")
            .await?;
        "user.disable"
    } else {
        "user.enable"
    };
    tx.audit(actor.audit_name(), action, "user", user_id, "")
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A password set by an admin's reset.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PasswordReset {
    pub user_id: String,
    /// The password made up, shown this once only (absent when the request gave one).
    pub password: Option<String>,
    /// How many of the user's sessions the reset ended.
    pub sessions_ended: u64,
}

/// Resets a user's password (admin) to `password` or a made-up one, and ends all
/// their sessions. Audited as `user.password_reset`.
pub async fn reset_password(
    app: &App,
    actor: &Actor,
    user_id: &str,
    password: Option<&str>,
) -> AppResult<PasswordReset> {
    actor.require(&[Role::Admin])?;
    if app.store().user(user_id).await?.is_none() {
        return Err(no_user(user_id));
    }
    let (password, generated) = match password {
        Some(p) => (p.to_owned(), None),
        None => {
            let p = passwords::generate_password()?;
            (p.clone(), Some(p))
        }
    };
    passwords::check_new_password(user_id, &password)?;
    let hash = passwords::hash_password(&password).await?;
    let mut tx = app.store().begin().await?;
    if !tx.set_password_hash(user_id, &hash).await? {
        return Err(no_user(user_id));
    }
    let ended = tx
        .end_sessions_of(user_id, None, actor.audit_name(), "password reset")
        .await?;
    tx.audit(
        actor.audit_name(),
        "user.password_reset",
        "user",
        user_id,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(PasswordReset {
        user_id: user_id.to_owned(),
        password: generated,
        sessions_ended: ended,
    })
}

/// Changes the signed-in person's own password; the current one must be given
/// (and guessing it is throttled like signing in). Ends their other sessions.
/// Audited as `user.password_change`.
pub async fn change_own_password(
    app: &App,
    actor: &Actor,
    current: &str,
    new_password: &str,
) -> AppResult<()> {
    if actor.kind != crate::ActorKind::Person {
        return Err(AppError::forbidden("API keys have no password"));
    }
    let key = throttle::user_key(&actor.id);
    throttle::admit(app, &[(key.clone(), app.config().sessions.per_user)]).await?;
    let stored = app.store().user(&actor.id).await?.map(|(_, h)| h);
    if passwords::verify_password(current, stored.as_deref()).await?
        == passwords::PasswordCheck::Wrong
    {
        return Err(AppError::invalid(
            "current_password",
            "the current password is wrong",
        ));
    }
    throttle::forgive(app, &key, None).await?;
    passwords::check_new_password(&actor.id, new_password)?;
    let hash = passwords::hash_password(new_password).await?;
    let mut tx = app.store().begin().await?;
    tx.set_password_hash(&actor.id, &hash).await?;
    tx.end_sessions_of(
        &actor.id,
        actor.session_id.as_deref(),
        actor.audit_name(),
        "password changed",
    )
    .await?;
    tx.audit(
        actor.audit_name(),
        "user.password_change",
        "user",
        &actor.id,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a user's second factor (admin: a lost phone); they set up a new one at
/// their next sign-in, and their sessions end. Audited as `second_factor.reset`.
pub async fn reset_second_factor(app: &App, actor: &Actor, user_id: &str) -> AppResult<()> {
    actor.require(&[Role::Admin])?;
    if app.store().user(user_id).await?.is_none() {
        return Err(no_user(user_id));
    }
    let mut tx = app.store().begin().await?;
    if !tx.clear_totp(user_id).await? {
        return Err(AppError::conflict(format!(
            "user {user_id:?} has no second factor"
        )));
    }
    tx.end_sessions_of(user_id, None, actor.audit_name(), "second factor reset")
        .await?;
    tx.audit(
        actor.audit_name(),
        "second_factor.reset",
        "user",
        user_id,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An API key as the admin's list shows it (never the key).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiKeyView {
    pub id: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Every API key, revoked ones too (admin).
pub async fn api_keys(app: &App, actor: &Actor) -> AppResult<Vec<ApiKeyView>> {
    actor.require(&[Role::Admin])?;
    Ok(app
        .store()
        .api_keys()
        .await?
        .into_iter()
        .map(|k| ApiKeyView {
            id: k.id,
            role: k.role,
            created_at: k.created_at,
            revoked_at: k.revoked_at,
        })
        .collect())
}

/// Revokes an API key (admin): it stops working on the next request. Audited as
/// `api_key.revoke`.
pub async fn revoke_api_key(app: &App, actor: &Actor, key_id: &str) -> AppResult<()> {
    actor.require(&[Role::Admin])?;
    let mut tx = app.store().begin().await?;
    if !tx.revoke_api_key(key_id).await? {
        return Err(AppError::not_found(format!(
            "no unrevoked API key {key_id:?}"
        )));
    }
    tx.audit(actor.audit_name(), "api_key.revoke", "api_key", key_id, "")
        .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_tokens_are_bound_to_their_session() {
        let a = form_token("qs_a");
        assert!(check_form_token("qs_a", &a));
        assert!(!check_form_token("qs_b", &a));
        assert!(!check_form_token("qs_a", ""));
    }
}
