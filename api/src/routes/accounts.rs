//! People's accounts and API keys (admins), and sign-in throttles.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use qabilet_app::accounts::{
    self, throttle, ApiKeyView, CreatedApiKey, CreatedUser, NewApiKey, NewUser, PasswordReset,
    SessionInfo, UserView,
};
use qabilet_app::App;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::IdPath;
use crate::{ApiError, ApiJson, ApiPath, Caller, ErrorBody};

/// Every user (admin).
#[utoipa::path(get, path = "/users", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Vec<UserView>), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn users(
    State(app): State<App>,
    Caller(actor): Caller,
) -> Result<Json<Vec<UserView>>, ApiError> {
    Ok(Json(accounts::users(&app, &actor).await?))
}

/// Create a user (admin); a password made up for them is returned once.
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

/// Disable a user (admin): their sessions end at once.
#[utoipa::path(post, path = "/users/{id}/disable", tag = "auth", security(("bearer" = [])), params(IdPath),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn disable_user(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    accounts::set_disabled(&app, &actor, &id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Enable a disabled user again (admin).
#[utoipa::path(post, path = "/users/{id}/enable", tag = "auth", security(("bearer" = [])), params(IdPath),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn enable_user(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    accounts::set_disabled(&app, &actor, &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new password set by an admin; left out, one is made up.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewPassword {
    #[serde(default)]
    #[schema(min_length = 12, max_length = 256)]
    password: Option<String>,
}

/// Reset a user's password (admin); ends all their sessions.
#[utoipa::path(post, path = "/users/{id}/password-reset", tag = "auth", security(("bearer" = [])),
    params(IdPath), request_body = NewPassword,
    responses((status = 200, body = PasswordReset), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn reset_password(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(new): ApiJson<NewPassword>,
) -> Result<Json<PasswordReset>, ApiError> {
    let reset = accounts::reset_password(&app, &actor, &id, new.password.as_deref()).await?;
    Ok(Json(reset))
}

/// Remove a user's second factor (admin: a lost phone); ends their sessions.
#[utoipa::path(delete, path = "/users/{id}/second-factor", tag = "auth", security(("bearer" = [])),
    params(IdPath), responses((status = 204), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn reset_second_factor(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    accounts::reset_second_factor(&app, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A user's open sessions (admin).
#[utoipa::path(get, path = "/users/{id}/sessions", tag = "auth", security(("bearer" = [])), params(IdPath),
    responses((status = 200, body = Vec<SessionInfo>), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn user_sessions(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<SessionInfo>>, ApiError> {
    Ok(Json(
        accounts::sessions::sessions_of(&app, &actor, &id).await?,
    ))
}

/// How many sessions were ended.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ended {
    ended: u64,
}

/// End every session of a user (admin).
#[utoipa::path(delete, path = "/users/{id}/sessions", tag = "auth", security(("bearer" = [])), params(IdPath),
    responses((status = 200, body = Ended), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn end_user_sessions(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Ended>, ApiError> {
    let ended = accounts::sessions::end_sessions_of(&app, &actor, &id).await?;
    Ok(Json(Ended { ended }))
}

/// Every API key, revoked ones too, never the key itself (admin).
#[utoipa::path(get, path = "/api-keys", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Vec<ApiKeyView>), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn api_keys(
    State(app): State<App>,
    Caller(actor): Caller,
) -> Result<Json<Vec<ApiKeyView>>, ApiError> {
    Ok(Json(accounts::api_keys(&app, &actor).await?))
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

/// Revoke an API key (admin): it stops working on the next request.
#[utoipa::path(delete, path = "/api-keys/{id}", tag = "auth", security(("bearer" = [])), params(IdPath),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn revoke_api_key(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    accounts::revoke_api_key(&app, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sign-in throttles: keys with recent attempts or a running lock (admin).
#[utoipa::path(get, path = "/sign-in/throttles", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Vec<throttle::Throttle>), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn throttles(
    State(app): State<App>,
    Caller(actor): Caller,
) -> Result<Json<Vec<throttle::Throttle>>, ApiError> {
    Ok(Json(throttle::list(&app, &actor).await?))
}

/// `{key}` of a throttle: `user:ID` or `ip:ADDRESS`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub(crate) struct ThrottlePath {
    #[param(pattern = "^(user|ip):.{1,64}$")]
    key: String,
}

/// Lift a sign-in throttle or lock (admin).
#[utoipa::path(delete, path = "/sign-in/throttles/{key}", tag = "auth", security(("bearer" = [])),
    params(ThrottlePath), responses((status = 204), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn unlock(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiPath(key): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    throttle::unlock(&app, &actor, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}
