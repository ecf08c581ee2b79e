//! Who is calling: the `Authorization: Bearer <token>` header turned into the
//! use cases' [`Actor`] by `qabilet_app::accounts::authenticate` (API keys and
//! session tokens alike), and where the request came from ([`ClientOf`]). What
//! each role may do is decided by the use cases.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{HeaderName, AUTHORIZATION, USER_AGENT};

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
use axum::http::request::Parts;
use qabilet_app::{accounts, Actor, App, AppError};

use crate::ApiError;

/// The authenticated caller of a request. A session that must still set up its
/// second factor is refused (403 `second_factor_setup_required`).
pub struct Caller(pub Actor);

/// Like [`Caller`], but lets through a session that must still set up its second
/// factor: only the routes that set it up, list sessions and sign out take this.
pub struct SetupCaller(pub Actor);

fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let unauthenticated = |m: &str| ApiError::App(AppError::Unauthenticated(m.to_owned()));
    let header = parts
        .headers
        .get(AUTHORIZATION)
        .ok_or_else(|| unauthenticated("send Authorization: Bearer <token>"))?;
    header
        .to_str()
        .ok()
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| unauthenticated("the Authorization header must be Bearer <token>"))
}

impl FromRequestParts<App> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        Ok(Caller(accounts::authenticate(app, bearer(parts)?).await?))
    }
}

/// The caller of a public route (the vacancy catalogue): the authenticated actor
/// when a token is sent (a bad one is still 401), a visitor
/// ([`Actor::public`]) when none is.
pub struct Visitor(pub Actor);

impl FromRequestParts<App> for Visitor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        if parts.headers.get(AUTHORIZATION).is_none() {
            return Ok(Visitor(Actor::public()));
        }
        Ok(Visitor(accounts::authenticate(app, bearer(parts)?).await?))
    }
}

impl FromRequestParts<App> for SetupCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        Ok(SetupCaller(
            accounts::authenticate_for_setup(app, bearer(parts)?).await?,
        ))
    }
}

/// Where the request came from: the peer's address (as the server saw it; behind
/// a proxy, the proxy's) and the user agent.
pub struct ClientOf(pub accounts::Client);

/// The client of a request (see `qabilet_app::accounts::Client::of_request`), for
/// the web pages too.
pub fn client_of(app: &App, parts: &Parts) -> accounts::Client {
    let header = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &axum::http::HeaderValue| v.to_str().ok())
    };
    accounts::Client::of_request(
        app,
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip()),
        header(X_FORWARDED_FOR),
        header(USER_AGENT),
    )
}

impl FromRequestParts<App> for ClientOf {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        Ok(ClientOf(client_of(app, parts)))
    }
}
