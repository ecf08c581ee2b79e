//! Signing in and out, a person's own sessions, password and second factor.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use qabilet_app::accounts::second_factor::{self, Enrolment, RecoveryCodes, SecondFactorStatus};
use qabilet_app::accounts::{self, SessionInfo, SessionToken};
use qabilet_app::App;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::params::IdPath;
use crate::{ApiError, ApiJson, ApiPath, Caller, ClientOf, ErrorBody, SetupCaller};

/// A person's sign-in.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Login {
    #[schema(max_length = 64)]
    user_id: String,
    /// The password (`secret` is accepted as its old name).
    #[serde(alias = "secret")]
    #[schema(max_length = 256)]
    password: String,
    /// The 6-digit code of the authenticator app, or a recovery code; required
    /// once a second factor is set up.
    #[serde(default)]
    #[schema(max_length = 32)]
    code: Option<String>,
}

/// Sign in; returns a session token. Wrong user, password or code are refused
/// alike (401); repeated attempts are slowed down and locked (429, `Retry-After`).
#[utoipa::path(post, path = "/sessions", tag = "auth", security(()), request_body = Login,
    responses((status = 200, body = SessionToken), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn sign_in(
    State(app): State<App>,
    ClientOf(client): ClientOf,
    ApiJson(login): ApiJson<Login>,
) -> Result<Json<SessionToken>, ApiError> {
    let token = accounts::sign_in(
        &app,
        &login.user_id,
        &login.password,
        login.code.as_deref(),
        &client,
    )
    .await?;
    Ok(Json(token))
}

/// The caller's open sessions, newest first.
#[utoipa::path(get, path = "/sessions", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Vec<SessionInfo>), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn own_sessions(
    State(app): State<App>,
    SetupCaller(actor): SetupCaller,
) -> Result<Json<Vec<SessionInfo>>, ApiError> {
    Ok(Json(accounts::sessions::own_sessions(&app, &actor).await?))
}

/// How many sessions were ended.
#[derive(Serialize, ToSchema)]
pub(crate) struct EndedSessions {
    ended: u64,
}

/// End the caller's other sessions (this one stays).
#[utoipa::path(delete, path = "/sessions", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = EndedSessions), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn end_other_sessions(
    State(app): State<App>,
    SetupCaller(actor): SetupCaller,
) -> Result<Json<EndedSessions>, ApiError> {
    let ended = accounts::sessions::end_other_sessions(&app, &actor).await?;
    Ok(Json(EndedSessions { ended }))
}

/// Sign out: the session's token stops working at once.
#[utoipa::path(delete, path = "/sessions/current", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn sign_out(
    State(app): State<App>,
    SetupCaller(actor): SetupCaller,
) -> Result<StatusCode, ApiError> {
    accounts::sessions::sign_out(&app, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End one session: one of the caller's own, or anyone's for an admin.
#[utoipa::path(delete, path = "/sessions/{id}", tag = "auth", security(("bearer" = [])), params(IdPath),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn end_session(
    State(app): State<App>,
    SetupCaller(actor): SetupCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    accounts::sessions::end_session(&app, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A person's password change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasswordChange {
    #[schema(max_length = 256)]
    current_password: String,
    #[schema(min_length = 12, max_length = 256)]
    new_password: String,
}

/// Change the caller's own password; their other sessions end.
#[utoipa::path(put, path = "/account/password", tag = "auth", security(("bearer" = [])),
    request_body = PasswordChange, responses((status = 204), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn change_password(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    accounts::change_own_password(&app, &actor, &change.current_password, &change.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether the caller has a second factor, and must.
#[utoipa::path(get, path = "/account/second-factor", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = SecondFactorStatus), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn second_factor_status(
    State(app): State<App>,
    SetupCaller(actor): SetupCaller,
) -> Result<Json<SecondFactorStatus>, ApiError> {
    Ok(Json(second_factor::status(&app, &actor).await?))
}

/// Start setting up TOTP: the secret and the `otpauth://` URL for the app.
#[utoipa::path(post, path = "/account/second-factor", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Enrolment), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn start_second_factor(
    State(app): State<App>,
    SetupCaller(actor): SetupCaller,
) -> Result<Json<Enrolment>, ApiError> {
    Ok(Json(second_factor::start_enrolment(&app, &actor).await?))
}

/// A code from the authenticator app.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Code {
    #[schema(max_length = 32)]
    code: String,
}

/// Confirm TOTP with a code from the app; returns the recovery codes once.
#[utoipa::path(post, path = "/account/second-factor/confirm", tag = "auth", security(("bearer" = [])),
    request_body = Code, responses((status = 200, body = RecoveryCodes), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn confirm_second_factor(
    State(app): State<App>,
    SetupCaller(actor): SetupCaller,
    ApiJson(code): ApiJson<Code>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    Ok(Json(
        second_factor::confirm_enrolment(&app, &actor, &code.code).await?,
    ))
}

/// Turn off the caller's own second factor with a code (candidates only; for the
/// other roles it is mandatory).
#[utoipa::path(post, path = "/account/second-factor/disable", tag = "auth", security(("bearer" = [])),
    request_body = Code, responses((status = 204), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn disable_second_factor(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiJson(code): ApiJson<Code>,
) -> Result<StatusCode, ApiError> {
    second_factor::disable_own(&app, &actor, &code.code).await?;
    Ok(StatusCode::NO_CONTENT)
}
