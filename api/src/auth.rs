//! Who is calling: the `Authorization: Bearer <token>` header turned into the
//! use cases' [`Actor`] by `qabilet_app::accounts::authenticate` (API keys and
//! session tokens alike). What each role may do is decided by the use cases.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use qabilet_app::{accounts, Actor, App, AppError};

use crate::ApiError;

/// The authenticated caller of a request.
pub struct Caller(pub Actor);

impl FromRequestParts<App> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        let unauthenticated = |m: &str| ApiError::App(AppError::Unauthenticated(m.to_owned()));
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
        Ok(Caller(accounts::authenticate(app, token).await?))
    }
}
