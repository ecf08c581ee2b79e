//! The API's one error type and the extractors that produce it.
//!
//! Every failure leaves the server as `{"error":{"code":"…","message":"…"}}`, with
//! `path` added when one field is to blame. 4xx messages tell the caller what to fix;
//! 5xx messages are generic and the cause is logged, because internals (SQL, file
//! paths) are nobody's business outside the machine.
//!
//! axum's own extractors answer with plain-text bodies, so [`ApiJson`], [`ApiPath`]
//! and [`ApiQuery`] wrap them and map each rejection to a 4xx here; responses made by
//! layers (body limit, timeout, panics, unknown routes) are rewritten into the same
//! shape by [`json_error_bodies`].

use axum::body::Body;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use qabilet_domain::{ParseError, ValidationErrors};
use qabilet_store::StoreError;
use serde::de::DeserializeOwned;

/// Why a request failed. Each variant's doc names the status it becomes.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request cannot be read (malformed JSON, bad id, bad query).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// 401: no credentials, or credentials that are not valid.
    #[error("{0}")]
    Unauthenticated(String),
    /// 403: valid credentials that do not allow this. Also used where a 404 would
    /// tell a caller that a record they may not see exists.
    #[error("{0}")]
    Forbidden(String),
    /// 404: the record does not exist (only said to callers allowed to know).
    #[error("{0}")]
    NotFound(String),
    /// 409: the request clashes with what is stored (applying twice, deadline passed).
    #[error("{0}")]
    Conflict(String),
    /// 413: the body is larger than the server accepts.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: the body is not declared as JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: well-formed JSON that breaks a rule; `path` names the field.
    #[error("{message}")]
    Invalid { path: String, message: String },
    /// 503: a dependency (the search index) is not available yet.
    #[error("{0}")]
    Unavailable(String),
    /// 500: our fault. The message is logged, never sent.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::Forbidden(message.into())
    }

    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code),
            ApiError::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

/// The JSON body of an error response.
pub(crate) fn error_body(code: &str, message: &str, path: Option<&str>) -> serde_json::Value {
    let mut error = serde_json::json!({ "code": code, "message": message });
    if let Some(path) = path {
        error["path"] = path.into();
    }
    serde_json::json!({ "error": error })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let body = match &self {
            ApiError::Internal(message) => {
                tracing::error!(error = %message, "internal error");
                error_body(code, "internal error; the cause is in the server log", None)
            }
            ApiError::Invalid { path, message } => error_body(code, message, Some(path)),
            other => error_body(code, &other.to_string(), None),
        };
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound { .. } => ApiError::NotFound(e.to_string()),
            StoreError::Conflict(message) => ApiError::Conflict(message),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(e: ValidationErrors) -> ApiError {
        let path = e.first().map(|f| f.path.clone()).unwrap_or_default();
        ApiError::invalid(path, e.to_string())
    }
}

impl From<ParseError> for ApiError {
    fn from(e: ParseError) -> ApiError {
        ApiError::invalid(e.path().to_owned(), e.to_string())
    }
}

impl From<qabilet_indexer::Error> for ApiError {
    fn from(e: qabilet_indexer::Error) -> ApiError {
        use qabilet_indexer::Error as E;
        match e {
            E::Query(_) | E::InvalidId(_) => ApiError::bad_request("invalid_query", e.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// A JSON body: requires `Content-Type: application/json`, maps every failure to a
/// 4xx and names the offending field (`stages[0].outcome: unknown variant …`).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType(
                "the body must be JSON, sent with Content-Type: application/json".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e: BytesRejection| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge("the body is larger than the server accepts".into())
                } else {
                    ApiError::bad_request("unreadable_body", e.body_text())
                }
            })?;
        parse_body(&bytes).map(ApiJson)
    }
}

/// Parses a JSON body; syntax errors are 400, shape errors (wrong type, unknown or
/// missing field) are 422 with the field's path.
pub(crate) fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            ApiError::bad_request(
                "malformed_json",
                format!("the body is not valid JSON: {inner}"),
            )
        } else {
            let path = if path == "." { String::new() } else { path };
            ApiError::invalid(path, inner.to_string())
        }
    })?;
    Ok(value)
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
/// [`parse_id`] so a bad one is a 400 that says which and why.
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

/// Parses an id from the path with its type's rules (see `qabilet_domain::ids`).
pub fn parse_id<T: std::str::FromStr<Err = String>>(what: &str, raw: &str) -> Result<T, ApiError> {
    raw.parse()
        .map_err(|e| ApiError::bad_request("invalid_id", format!("{what} id {raw:?}: {e}")))
}

/// Rewrites error responses that did not come from [`ApiError`] — the body limit,
/// the timeout, a caught panic, an unknown route or method — into the one JSON
/// shape, so clients never have to parse two kinds of error.
pub(crate) async fn json_error_bodies(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    // The web pages (`web`) answer errors with HTML pages of their own.
    let is_page = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
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
        s if s.is_server_error() => ("internal", "internal error; the cause is in the server log"),
        _ => ("bad_request", "the request cannot be handled"),
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let body = error_body(code, message, None).to_string();
    Response::from_parts(parts, Body::from(body))
}
