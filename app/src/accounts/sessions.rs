//! Signing in and out, and turning a bearer token into an [`Actor`].
//!
//! A session token is `qs_` and 256 random bits; the store keeps its SHA-256 with
//! the user, the times, the client's address and user agent. Every request looks
//! the session up, so logging out, an admin ending it, disabling the user or
//! resetting their password ends it on the next request, on every node that
//! shares the database. A session ends after [`Sessions::idle_timeout`] unused and
//! after [`Sessions::lifetime`] in any case; "last seen" is written at most once a
//! minute, so a busy page costs one write a minute, not one per request.
//!
//! [`Sessions::idle_timeout`]: crate::config::Sessions::idle_timeout
//! [`Sessions::lifetime`]: crate::config::Sessions::lifetime

use chrono::{DateTime, Utc};
use qabilet_store::{Role, SessionRecord};
use serde::Serialize;
use utoipa::ToSchema;

use super::passwords::{self, PasswordCheck};
use super::{actor_of_user, hash_secret, random_bytes, second_factor, throttle};
use crate::{Actor, ActorKind, App, AppError, AppResult};

/// How often "last seen" is written.
const TOUCH_EVERY_SECONDS: i64 = 60;
/// The longest user agent kept.
const USER_AGENT_CHARS: usize = 256;

/// Where a request came from, for the session record and the per-address throttle.
#[derive(Debug, Clone, Default)]
pub struct Client {
    /// The peer's IP address (as the server saw it).
    pub address: Option<String>,
    pub user_agent: Option<String>,
}

impl Client {
    /// The client of a request from `peer`: the peer itself, or, when the peer is
    /// a trusted proxy, the nearest address in `X-Forwarded-For` that is not one
    /// (the ones further left were written by the client and prove nothing).
    pub fn of_request(
        app: &App,
        peer: Option<std::net::IpAddr>,
        forwarded_for: Option<&str>,
        user_agent: Option<&str>,
    ) -> Client {
        let trusted = &app.config().sessions.trusted_proxies;
        let mut address = peer;
        if let (Some(p), Some(chain)) = (peer, forwarded_for) {
            if trusted.contains(&p) {
                let hops: Vec<std::net::IpAddr> = chain
                    .split(',')
                    .map_while(|hop| hop.trim().parse().ok())
                    .collect();
                if let Some(client) = hops.iter().rev().find(|hop| !trusted.contains(hop)) {
                    address = Some(*client);
                }
            }
        }
        Client {
            address: address.map(|a| a.to_string()),
            user_agent: user_agent.map(str::to_owned),
        }
    }
}

/// A session issued by [`sign_in`].
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionToken {
    /// The bearer token (also what the web's session cookie holds). Shown once.
    pub token: String,
    /// The session's public id (as `GET /sessions` lists it).
    pub session_id: String,
    pub user_id: String,
    pub role: Role,
    /// When the session ends at the latest; unused for the idle timeout it ends sooner.
    pub expires_at: DateTime<Utc>,
    /// True when the role requires a second factor that is not set up yet: the
    /// session can only set it up (`POST /account/second-factor`) or sign out.
    pub second_factor_setup_required: bool,
}

/// One message for every failure, so sign-in tells nobody which part was wrong.
fn refused() -> AppError {
    AppError::Unauthenticated("wrong user id, password or code".into())
}

fn valid_user_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b))
}

fn duration(d: std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// Exchanges a user id, password and (when set up) second-factor code for a
/// session. Unknown users, wrong passwords, wrong codes and disabled users are
/// refused alike; attempts are throttled per user id and per address first.
pub async fn sign_in(
    app: &App,
    user_id: &str,
    password: &str,
    code: Option<&str>,
    client: &Client,
) -> AppResult<SessionToken> {
    let user_id = user_id.trim();
    let sessions = &app.config().sessions;
    let user_key = valid_user_id(user_id).then(|| throttle::user_key(user_id));
    let address_key = client.address.as_deref().map(throttle::address_key);
    let mut keys = Vec::new();
    if let Some(key) = &user_key {
        keys.push((key.clone(), sessions.per_user));
    }
    if let Some(key) = &address_key {
        keys.push((key.clone(), sessions.per_address));
    }
    throttle::admit(app, &keys).await?;

    let found = if valid_user_id(user_id) {
        app.store().user(user_id).await?
    } else {
        None
    };
    let check =
        passwords::verify_password(password, found.as_ref().map(|(_, h)| h.as_str())).await?;
    let Some((user, _)) = found.filter(|(u, _)| !u.disabled && check != PasswordCheck::Wrong)
    else {
        return Err(refused());
    };
    let totp = app
        .store()
        .totp_of(&user.id)
        .await?
        .filter(|t| t.confirmed_at.is_some());
    if let Some(state) = &totp {
        let code = code.unwrap_or_default();
        if !second_factor::check_code(app, &user.id, state, code).await? {
            return Err(refused());
        }
    }
    if check == PasswordCheck::RightButOldHash {
        let hash = passwords::hash_password(password).await?;
        let mut tx = app.store().begin().await?;
        tx.set_password_hash(&user.id, &hash).await?;
        tx.commit().await?;
    }
    if let Some(key) = &user_key {
        throttle::forgive(app, key, address_key.as_deref()).await?;
    }
    let pending = totp.is_none() && second_factor::required_for(user.role);
    open_session(app, &user.id, user.role, pending, client).await
}

/// Opens a session for a user whose credentials were checked. Public for tests
/// and the demo, which sign people in without typing passwords.
#[doc(hidden)]
pub async fn open_session(
    app: &App,
    user_id: &str,
    role: Role,
    second_factor_pending: bool,
    client: &Client,
) -> AppResult<SessionToken> {
    let sessions = &app.config().sessions;
    let now = Utc::now();
    let token = format!("qs_{}", hex::encode(random_bytes()?));
    let record = SessionRecord {
        id: hex::encode(&random_bytes()?[..12]),
        user_id: user_id.to_owned(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + duration(sessions.lifetime),
        ip: client.address.clone(),
        user_agent: client.user_agent.as_ref().map(|ua| {
            ua.chars()
                .filter(|c| !c.is_control())
                .take(USER_AGENT_CHARS)
                .collect()
        }),
        second_factor_pending,
    };
    let mut tx = app.store().begin().await?;
    tx.insert_session(&record, &hash_secret(&token)).await?;
    let detail = format!(
        "from {}{}",
        record.ip.as_deref().unwrap_or("?"),
        if second_factor_pending {
            "; second factor to set up"
        } else {
            ""
        }
    );
    tx.audit(user_id, "session.create", "session", &record.id, &detail)
        .await?;
    tx.commit().await?;
    Ok(SessionToken {
        token,
        session_id: record.id,
        user_id: user_id.to_owned(),
        role,
        expires_at: record.expires_at,
        second_factor_setup_required: second_factor_pending,
    })
}

/// The person whose open session `token` is, checking its timeouts and that the
/// user still exists and is enabled. A session waiting for its second factor to be
/// set up is returned with [`Actor::second_factor_pending`] set.
pub async fn session_actor(app: &App, token: &str) -> AppResult<Actor> {
    let unauthenticated = |m: &str| AppError::Unauthenticated(m.to_owned());
    if !token.starts_with("qs_") {
        return Err(unauthenticated("not a session token"));
    }
    let (session, user) = app
        .store()
        .session_with_user(&hash_secret(token))
        .await?
        .ok_or_else(|| unauthenticated("the session has ended; sign in again"))?;
    let now = Utc::now();
    let sessions = &app.config().sessions;
    let ended = if now >= session.expires_at {
        Some("lifetime")
    } else if now - session.last_seen_at >= duration(sessions.idle_timeout) {
        Some("idle")
    } else {
        None
    };
    if let Some(reason) = ended {
        app.store().expire_session(&session.id, now, reason).await?;
        return Err(unauthenticated("the session has ended; sign in again"));
    }
    if user.disabled {
        return Err(unauthenticated("the session has ended; sign in again"));
    }
    if (now - session.last_seen_at).num_seconds() >= TOUCH_EVERY_SECONDS {
        app.store().touch_session(&session.id, now).await?;
    }
    let mut actor = actor_of_user(user)?;
    actor.session_id = Some(session.id);
    actor.second_factor_pending = session.second_factor_pending;
    Ok(actor)
}

/// The caller a bearer token names (an API key `qk_…` or a session `qs_…`), for
/// every use case: a session still waiting for its second factor is refused
/// ([`AppError::SecondFactorSetupRequired`]).
pub async fn authenticate(app: &App, token: &str) -> AppResult<Actor> {
    let actor = authenticate_for_setup(app, token).await?;
    if actor.second_factor_pending {
        return Err(AppError::SecondFactorSetupRequired);
    }
    Ok(actor)
}

/// Like [`authenticate`] but lets a session through that still has to set up its
/// second factor: for setting it up, and for signing out.
pub async fn authenticate_for_setup(app: &App, token: &str) -> AppResult<Actor> {
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

/// An open session as its owner (or an admin) sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionInfo {
    pub id: String,
    pub user_id: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The session this request was made with.
    pub current: bool,
}

fn person_id(actor: &Actor) -> AppResult<&str> {
    if actor.kind != ActorKind::Person {
        return Err(AppError::forbidden(
            "sessions belong to people, not to API keys",
        ));
    }
    Ok(&actor.id)
}

async fn open_sessions(
    app: &App,
    user_id: &str,
    current: Option<&str>,
) -> AppResult<Vec<SessionInfo>> {
    let now = Utc::now();
    let idle = duration(app.config().sessions.idle_timeout);
    Ok(app
        .store()
        .sessions_of(user_id)
        .await?
        .into_iter()
        .filter(|s| s.expires_at > now && now - s.last_seen_at < idle)
        .map(|s| SessionInfo {
            current: current == Some(s.id.as_str()),
            id: s.id,
            user_id: s.user_id,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
            ip: s.ip,
            user_agent: s.user_agent,
        })
        .collect())
}

/// The signed-in person's open sessions, newest first.
pub async fn own_sessions(app: &App, actor: &Actor) -> AppResult<Vec<SessionInfo>> {
    let user_id = person_id(actor)?;
    open_sessions(app, user_id, actor.session_id.as_deref()).await
}

/// A user's open sessions (admin).
pub async fn sessions_of(app: &App, actor: &Actor, user_id: &str) -> AppResult<Vec<SessionInfo>> {
    actor.require(&[Role::Admin])?;
    if app.store().user(user_id).await?.is_none() {
        return Err(AppError::not_found(format!("no user {user_id:?}")));
    }
    open_sessions(app, user_id, actor.session_id.as_deref()).await
}

/// Signs out: ends the session the request was made with.
pub async fn sign_out(app: &App, actor: &Actor) -> AppResult<()> {
    let id = actor.session_id.as_deref().ok_or_else(|| {
        AppError::forbidden("an API key has no session to end; an admin revokes keys")
    })?;
    let mut tx = app.store().begin().await?;
    tx.end_session(id, Some(&actor.id), actor.audit_name(), "sign-out")
        .await?;
    tx.audit(actor.audit_name(), "session.end", "session", id, "sign-out")
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends one session: the person's own, or anyone's for an admin. One answer for a
/// session that does not exist and one that is someone else's.
pub async fn end_session(app: &App, actor: &Actor, session_id: &str) -> AppResult<()> {
    let owner = if actor.role == Role::Admin {
        None
    } else {
        Some(person_id(actor)?)
    };
    let mut tx = app.store().begin().await?;
    if !tx
        .end_session(session_id, owner, actor.audit_name(), "ended by request")
        .await?
    {
        return Err(AppError::not_found(format!(
            "no open session {session_id:?}"
        )));
    }
    tx.audit(actor.audit_name(), "session.end", "session", session_id, "")
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends the person's other sessions (after a lost device, say); how many.
pub async fn end_other_sessions(app: &App, actor: &Actor) -> AppResult<u64> {
    let user_id = person_id(actor)?;
    let mut tx = app.store().begin().await?;
    let n = tx
        .end_sessions_of(
            user_id,
            actor.session_id.as_deref(),
            actor.audit_name(),
            "ended by owner",
        )
        .await?;
    tx.audit(
        actor.audit_name(),
        "session.end_others",
        "user",
        user_id,
        &n.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// Ends every session of a user (admin); how many.
pub async fn end_sessions_of(app: &App, actor: &Actor, user_id: &str) -> AppResult<u64> {
    actor.require(&[Role::Admin])?;
    if app.store().user(user_id).await?.is_none() {
        return Err(AppError::not_found(format!("no user {user_id:?}")));
    }
    let mut tx = app.store().begin().await?;
    let n = tx
        .end_sessions_of(user_id, None, actor.audit_name(), "ended by admin")
        .await?;
    tx.audit(
        actor.audit_name(),
        "session.end_all",
        "user",
        user_id,
        &n.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}
