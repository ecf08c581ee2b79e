//! Signing in, and users and API keys (admins).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use qabilet_app::accounts::{self, CreatedApiKey, CreatedUser, NewApiKey, NewUser, SessionToken};
use qabilet_app::{App, AppError};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{ApiError, ApiJson, Caller, ErrorBody};

/// A user's login.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Login {
    user_id: String,
    secret: String,
}

/// Sign in with a login secret; returns a session token.
#[utoipa::path(post, path = "/sessions", tag = "auth", security(()), request_body = Login,
    responses((status = 200, body = SessionToken), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn sign_in(
    State(app): State<App>,
    ApiJson(login): ApiJson<Login>,
) -> Result<Json<SessionToken>, ApiError> {
    accounts::sign_in(&app, &login.user_id, &login.secret)
        .await?
        .map(Json)
        // One message for an unknown user and a wrong secret: no user enumeration.
        .ok_or_else(|| AppError::Unauthenticated("unknown user or wrong secret".into()).into())
}

/// Create a user (admin); returns the login secret once.
#[utoipa::path(post, path = "/users", tag = "auth", security(("bearer" = [])), request_body = NewUser,
    responses((status = 201, body = CreatedUser), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn create_user(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiJson(new): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<CreatedUser>), ApiError> {
    let created = accounts::create_user(&app, &actor, &new).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Create an API key (admin); returns it once.
#[utoipa::path(post, path = "/api-keys", tag = "auth", security(("bearer" = [])), request_body = NewApiKey,
    responses((status = 201, body = CreatedApiKey), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn create_api_key(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiJson(new): ApiJson<NewApiKey>,
) -> Result<(StatusCode, Json<CreatedApiKey>), ApiError> {
    let created = accounts::create_api_key(&app, &actor, &new).await?;
    Ok((StatusCode::CREATED, Json(created)))
}
