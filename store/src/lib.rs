//! The system of record.
//!
//! Organisations, vacancies, profiles, applications, reserve entries and the audit
//! log live here, in SQLite (the embedded default, one file in the data directory)
//! or PostgreSQL (production, `postgres://…`). Both run the same SQL through sqlx;
//! each has its own migrations because column types differ (TEXT vs JSONB,
//! TIMESTAMPTZ). Everything else — the tantivy index, the vectors — is derived from
//! this store and follows it through the [`Change`] feed.
//!
//! Writes go through a [`WriteTx`]: one transaction, so an import is all or nothing.

mod accounts;
mod analytics;
mod applicants;
mod audit;
mod auth;
mod changes;
mod email;
mod error;
mod nodes;
mod outbox;
mod overrides;
mod portal;
mod proctoring;
mod queries;
mod replica;
#[doc(hidden)]
pub mod test_support;
mod write;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use accounts::{ApiKeySummary, SessionRecord, ThrottleCount, TotpState, UserSummary};
pub use analytics::FlagCount;
pub use applicants::{ProfileStamp, StampedBody};
pub use audit::AuditChainError;
pub use auth::{ApiKey, Declaration, Role, User, VacancyStanding};
pub use changes::{Change, ChangeOp, RecordKind};
pub use email::{EmailMessage, EmailStatus, EmailTakeUp};
pub use error::StoreError;
pub use nodes::JobLock;
pub use outbox::{EventKind, OutboxEvent};
pub use overrides::{CompetitionVersion, EligibilityOverride};
pub use proctoring::{
    FlagFilter, FlagReview, FlagScope, FlagStatus, FlagSummary, NewFlag, NewRun, SavedRun,
    StoredFlag, StoredRun,
};
pub use queries::{Counts, VacancyFilter};
pub use write::{Put, WriteTx};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The file name of the embedded database inside the data directory.
pub const SQLITE_FILE: &str = "qabilet.db";

/// A connection pool to one backend. Cloning is cheap: pools are reference-counted.
#[derive(Clone)]
pub struct Store {
    pub(crate) backend: Backend,
    /// The streaming standby reads may come from (see [`replica`]).
    pub(crate) replica: Option<std::sync::Arc<replica::Replica>>,
}

#[derive(Clone)]
pub(crate) enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same code against whichever pool (or connection) the store holds. The
/// body is compiled once per backend, so the SQL is written once and type-checked
/// against both drivers.
macro_rules! on_backend {
    ($backend:expr, $conn:ident => $body:expr) => {
        match $backend {
            $crate::Backend::Sqlite($conn) => $body,
            $crate::Backend::Postgres($conn) => $body,
        }
    };
}
pub(crate) use on_backend;

impl Store {
    /// Opens (creating if needed) the embedded SQLite database in `data_dir`.
    pub async fn open_embedded(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|e| StoreError::Io {
            path: data_dir.display().to_string(),
            source: e,
        })?;
        let url = format!("sqlite://{}", data_dir.join(SQLITE_FILE).display());
        Store::connect(&url).await
    }

    /// Connects to `sqlite://FILE` or `postgres://…` and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let backend = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::BadUrl(format!("{url}: {e}")))?
                .create_if_missing(true)
                // WAL lets readers (the API) run while an import writes.
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await?;
            Backend::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::BadUrl(format!("{url}: {e}")))?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Backend::Postgres(pool)
        } else {
            return Err(StoreError::BadUrl(format!(
                "{url}: expected sqlite://FILE or postgres://USER@HOST/DB"
            )));
        };
        let store = Store {
            backend,
            replica: None,
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Backend::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Starts a write transaction; nothing is visible to others until
    /// [`WriteTx::commit`], and dropping it rolls everything back.
    pub async fn begin(&self) -> Result<WriteTx, StoreError> {
        let mut tx = WriteTx::begin(self).await?;
        tx.replica = self.replica.clone();
        Ok(tx)
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        on_backend!(&self.backend, pool => pool.close().await)
    }
}
