//! [`AppError`]: why a use case refused or failed, in terms every front door can
//! render: the API as its JSON error with an HTTP status, the web pages as an
//! error page, the CLI as a message and a non-zero exit.
//!
//! The variants say what kind of failure it is, never how to show it. Causes from
//! the layers below (store, index, model) are kept (`#[from]`), so a log line has
//! the whole chain; their messages are internal and front doors must not show them
//! (see [`AppError::is_internal`]).

use qabilet_domain::{ParseError, ValidationErrors};
use qabilet_store::StoreError;

/// Why a use case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request cannot be read: a bad id, a bad query parameter, a query the
    /// search grammar refuses. `code` names the kind (`invalid_id`, `invalid_query`).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// No credentials, or credentials that are not valid (any more).
    #[error("{0}")]
    Unauthenticated(String),
    /// Valid credentials that do not allow this. Also where "not found" would tell
    /// the caller that a record they may not see exists.
    #[error("{0}")]
    Forbidden(String),
    /// The record does not exist (said only to callers entitled to know).
    #[error("{0}")]
    NotFound(String),
    /// The request clashes with what is stored: applying twice, a passed deadline,
    /// a revoked consent.
    #[error("{0}")]
    Conflict(String),
    /// Well-formed input that breaks a rule; `path` names the field.
    #[error("{message}")]
    Invalid { path: String, message: String },
    /// Something the use case needs is not there yet (the search index).
    #[error("{0}")]
    Unavailable(String),
    /// Too many sign-in attempts: try again after `retry_after_secs`.
    #[error("too many sign-in attempts; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    /// A session signed in with a password only, by a role that must set up a
    /// second factor before doing anything else.
    #[error("set up the second factor (TOTP) first: POST /account/second-factor")]
    SecondFactorSetupRequired,
    /// The store failed; not-found and conflicts it reports are the caller's.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The index failed; a query it refuses is the caller's.
    #[error(transparent)]
    Index(#[from] qabilet_indexer::Error),
    /// The embedding model failed.
    #[error(transparent)]
    Model(#[from] qabilet_models::ModelError),
    /// An uploaded CV could not be read: too large, not PDF or DOCX, damaged, or
    /// without a text layer. The message is the person's to act on.
    #[error(transparent)]
    Cv(#[from] qabilet_cv::CvError),
    /// Our own fault (a broken invariant, a task that panicked).
    #[error("{0}")]
    Internal(String),
}

/// What kind of failure an [`AppError`] is, for front doors that map kinds to their
/// own answers (HTTP statuses, exit codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    Invalid,
    Unavailable,
    TooManyRequests,
    /// An upload over its size limit.
    TooLarge,
    /// An upload in a format that is not read.
    UnsupportedMedia,
    Internal,
}

impl ErrorKind {
    /// The HTTP status a front door on HTTP answers this kind with: the API's
    /// JSON error and the web's error page alike, so the two cannot disagree.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::BadRequest => 400,
            ErrorKind::Unauthenticated => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::Invalid => 422,
            ErrorKind::Unavailable => 503,
            ErrorKind::TooManyRequests => 429,
            ErrorKind::TooLarge => 413,
            ErrorKind::UnsupportedMedia => 415,
            ErrorKind::Internal => 500,
        }
    }
}

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> AppError {
        AppError::Forbidden(message.into())
    }

    pub fn not_found(message: impl Into<String>) -> AppError {
        AppError::NotFound(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> AppError {
        AppError::Conflict(message.into())
    }

    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> AppError {
        AppError::Internal(message.into())
    }

    /// The kind of failure, looking through the store's and the index's own kinds.
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::BadRequest { .. } => ErrorKind::BadRequest,
            AppError::Unauthenticated(_) => ErrorKind::Unauthenticated,
            AppError::Forbidden(_) => ErrorKind::Forbidden,
            AppError::NotFound(_) => ErrorKind::NotFound,
            AppError::Conflict(_) => ErrorKind::Conflict,
            AppError::Invalid { .. } => ErrorKind::Invalid,
            AppError::Unavailable(_) => ErrorKind::Unavailable,
            AppError::Throttled { .. } => ErrorKind::TooManyRequests,
            AppError::SecondFactorSetupRequired => ErrorKind::Forbidden,
            AppError::Cv(qabilet_cv::CvError::TooLarge) => ErrorKind::TooLarge,
            AppError::Cv(qabilet_cv::CvError::UnsupportedFormat) => ErrorKind::UnsupportedMedia,
            AppError::Cv(_) => ErrorKind::Invalid,
            AppError::Store(StoreError::NotFound { .. }) => ErrorKind::NotFound,
            AppError::Store(StoreError::Conflict(_)) => ErrorKind::Conflict,
            AppError::Index(
                qabilet_indexer::Error::Query(_) | qabilet_indexer::Error::InvalidId(_),
            ) => ErrorKind::BadRequest,
            AppError::Store(_)
            | AppError::Index(_)
            | AppError::Model(_)
            | AppError::Internal(_) => ErrorKind::Internal,
        }
    }

    /// Whether the message is ours alone: SQL, file paths and model internals are
    /// logged, never shown to a caller.
    pub fn is_internal(&self) -> bool {
        self.kind() == ErrorKind::Internal
    }

    /// A short code for the failure, stable for clients (`invalid_query`, `conflict`).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest { code, .. } => code,
            AppError::Index(_) if self.kind() == ErrorKind::BadRequest => "invalid_query",
            AppError::SecondFactorSetupRequired => "second_factor_setup_required",
            _ => match self.kind() {
                ErrorKind::BadRequest => "bad_request",
                ErrorKind::Unauthenticated => "unauthenticated",
                ErrorKind::Forbidden => "forbidden",
                ErrorKind::NotFound => "not_found",
                ErrorKind::Conflict => "conflict",
                ErrorKind::Invalid => "invalid",
                ErrorKind::Unavailable => "unavailable",
                ErrorKind::TooManyRequests => "too_many_requests",
                ErrorKind::TooLarge => "too_large",
                ErrorKind::UnsupportedMedia => "unsupported_media_type",
                ErrorKind::Internal => "internal",
            },
        }
    }

    /// Seconds to wait before trying again, for a throttled request.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::Throttled { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The field to blame, when one is.
    pub fn path(&self) -> Option<&str> {
        match self {
            AppError::Invalid { path, .. } => Some(path),
            AppError::Cv(_) => Some("cv"),
            _ => None,
        }
    }
}

impl From<ValidationErrors> for AppError {
    fn from(e: ValidationErrors) -> AppError {
        let path = e.first().map(|f| f.path.clone()).unwrap_or_default();
        AppError::invalid(path, e.to_string())
    }
}

impl From<ParseError> for AppError {
    fn from(e: ParseError) -> AppError {
        AppError::invalid(e.path().to_owned(), e.to_string())
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> AppError {
        AppError::Internal(format!("a background task failed: {e}"))
    }
}

/// Parses an id with its type's rules (see `qabilet_domain::ids`); a bad one is a
/// [`AppError::BadRequest`] that says which and why.
pub fn parse_id<T: std::str::FromStr<Err = String>>(what: &str, raw: &str) -> Result<T, AppError> {
    raw.parse()
        .map_err(|e| AppError::bad_request("invalid_id", format!("{what} id {raw:?}: {e}")))
}

/// Result of a use case.
pub type AppResult<T> = Result<T, AppError>;

/// Parses a JSON document, all of it: syntax errors and trailing bytes after the
/// value are [`AppError::BadRequest`] (`malformed_json`); a wrong shape (wrong type,
/// unknown or missing field) is [`AppError::Invalid`] with the field's path
/// (`stages[0].outcome: unknown variant …`).
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let malformed = |e: &serde_json::Error| {
        AppError::bad_request("malformed_json", format!("the body is not valid JSON: {e}"))
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            malformed(&inner)
        } else {
            let path = if path == "." { String::new() } else { path };
            AppError::invalid(path, inner.to_string())
        }
    })?;
    // `[]x` or `[…]{"a":1}`: one JSON value and nothing after it.
    de.end().map_err(|e| malformed(&e))?;
    Ok(value)
}
