//! The store's one error type.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is not one we can use.
    #[error("bad database URL {0}")]
    BadUrl(String),
    /// A record that must exist does not.
    #[error("{kind} {id:?} does not exist")]
    NotFound { kind: &'static str, id: String },
    /// A write would break a rule the store enforces (e.g. applying twice).
    #[error("{0}")]
    Conflict(String),
    /// A stored body no longer parses: the database was edited outside Qabilet.
    #[error("stored {kind} {id:?} is corrupt: {message}")]
    Corrupt {
        kind: &'static str,
        id: String,
        message: String,
    },
    #[error("cannot create {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Turns unique/foreign-key violations into [`StoreError::Conflict`] with a
    /// message a user can act on; other errors pass through.
    pub(crate) fn from_constraint(e: sqlx::Error, what: impl FnOnce() -> String) -> StoreError {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() || db.is_foreign_key_violation() {
                return StoreError::Conflict(what());
            }
        }
        StoreError::Database(e)
    }
}
