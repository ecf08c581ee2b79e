//! The API's one error type, the extractors that produce it, and the one place an
//! error becomes an HTTP answer.
//!
//! Every failure leaves the server as `{"error":{"code":"…","message":"…"}}`
//! ([`ErrorBody`]), with `path` added when one field is to blame. 4xx messages tell
//! the caller what to fix; 5xx messages are generic and the cause is logged,
//! because internals (SQL, file paths) are nobody's business outside the machine.
//!
//! A use case's [`AppError`] maps to a status by its kind, here and only here.
//! axum's own extractors answer with plain-text bodies, so [`ApiJson`], [`ApiPath`]
//! and [`ApiQuery`] wrap them and map each rejection to a 4xx; responses made by
//! layers (body limit, timeout, panics, unknown routes) are rewritten into the same
//! shape by [`json_error_bodies`].

use axum::body::Body;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use qabilet_app::{parse_json, AppError, ErrorKind};
use serde::de::DeserializeOwned;
use serde::Serialize;
use utoipa::ToSchema;

/// Why a request failed: a use case's refusal, or what HTTP itself refuses.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The use case's answer; its kind decides the status.
    #[error(transparent)]
    App(#[from] AppError),
    /// 413: the body is larger than the server accepts.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: the body is not declared as JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::App(AppError::bad_request(code, message))
    }
}

/// The status of each kind of failure (`ErrorKind::http_status`).
pub fn status_of(kind: ErrorKind) -> StatusCode {
    StatusCode::from_u16(kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The error of an error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable code: `invalid_query`, `forbidden`, `not_found`, `invalid`, …
    pub code: String,
    pub message: String,
    /// The field to blame, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// The body of every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

pub(crate) fn error_body(code: &str, message: &str, path: Option<&str>) -> String {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message: message.to_owned(),
            path: path.map(str::to_owned),
        },
    };
    serde_json::to_string(&body).unwrap_or_default()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            ApiError::App(e) if e.is_internal() => {
                tracing::error!(error = %e, cause = ?e, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    error_body(
                        "internal",
                        "internal error; the cause is in the server log",
                        None,
                    ),
                )
            }
            ApiError::App(e) => (
                status_of(e.kind()),
                error_body(e.code(), &e.to_string(), e.path()),
            ),
            ApiError::PayloadTooLarge(m) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                error_body("payload_too_large", m, None),
            ),
            ApiError::UnsupportedMediaType(m) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                error_body("unsupported_media_type", m, None),
            ),
        };
        let mut response = (status, [(CONTENT_TYPE, "application/json")], body).into_response();
        if let ApiError::App(e) = &self {
            if let Some(secs) = e.retry_after() {
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    response
                        .headers_mut()
                        .insert(axum::http::header::RETRY_AFTER, v);
                }
            }
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// Whether the request declares a JSON body.
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// The body's bytes, or the 4xx of why they cannot be read.
pub(crate) async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    if !is_json(req.headers()) {
        return Err(ApiError::UnsupportedMediaType(
            "the body must be JSON, sent with Content-Type: application/json".into(),
        ));
    }
    Bytes::from_request(req, state)
        .await
        .map_err(|e: BytesRejection| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge("the body is larger than the server accepts".into())
            } else {
                ApiError::bad_request("unreadable_body", e.body_text())
            }
        })
}

/// A JSON body: requires `Content-Type: application/json`, maps every failure to a
/// 4xx and names the offending field (`stages[0].outcome: unknown variant …`);
/// bytes after the JSON value are refused.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = body_bytes(req, state).await?;
        Ok(ApiJson(parse_json(&bytes)?))
    }
}

/// Query-string parameters; a bad one is a 400 naming it.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| ApiError::bad_request("invalid_query", e.body_text()))
    }
}

/// Path parameters, as strings: each handler turns them into typed ids with
/// `qabilet_app::parse_id`, so a bad one is a 400 that says which and why.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| ApiError::bad_request("invalid_id", e.body_text()))
    }
}

/// Rewrites error responses that did not come from [`ApiError`] — the body limit,
/// the timeout, a caught panic, an unknown route or method, a too-long URI — into
/// the one JSON shape, so clients never have to parse two kinds of error. The web
/// pages answer errors with HTML pages of their own, which are left alone.
pub(crate) async fn json_error_bodies(mut response: Response) -> Response {
    let status = response.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        // The body was refused unread: the connection cannot carry another request,
        // and a client must not reuse it (it would write into a closed socket).
        response.headers_mut().insert(
            axum::http::header::CONNECTION,
            HeaderValue::from_static("close"),
        );
    }
    let content_type = response.headers().get(CONTENT_TYPE);
    let is_json = content_type.is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let is_page = content_type.is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_json || is_page {
        return response;
    }
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("not_found", "no such route"),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "this route does not take that method")
        }
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "the body is larger than the server accepts",
        ),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took too long"),
        StatusCode::URI_TOO_LONG => ("uri_too_long", "the request's URI is too long"),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => {
            ("headers_too_large", "the request's headers are too large")
        }
        s if s.is_server_error() => ("internal", "internal error; the cause is in the server log"),
        _ => ("bad_request", "the request cannot be handled"),
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(parts, Body::from(error_body(code, message, None)))
}
