//! Reading from a PostgreSQL streaming standby, writing to the primary.
//!
//! A search node started with `--replica-url` reads the change feed and the
//! records it indexes and shows in search results from the standby
//! ([`Store::for_reading`]); every write, and every read that decides a write,
//! still goes to the primary. PostgreSQL's own replication keeps the standby a few
//! milliseconds behind.
//!
//! **Read your writes.** After each commit on this server the primary's WAL
//! position is noted; a read from the standby first waits until the standby has
//! replayed at least that far (`pg_last_wal_replay_lsn()`), at most
//! [`Replica::wait`], and otherwise reads from the primary. So whoever wrote through
//! this server — a candidate revoking consent, an HR officer publishing a vacancy —
//! never reads an older state back from it. (A writer whose next request lands on
//! another server is covered by that server's follower catching up within a tick;
//! `docs/deploy.md` has the load balancer keep a person on one server.)

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use crate::{Backend, Store, StoreError};

/// The standby a store reads from.
pub(crate) struct Replica {
    pool: PgPool,
    /// The primary, to read its WAL position after a commit.
    primary: PgPool,
    /// The primary's WAL position after this server's last commit, as text
    /// (`0/16B3748`).
    written: Mutex<Option<String>>,
    /// The longest a read waits for the standby before going to the primary.
    pub(crate) wait: Duration,
}

impl Replica {
    /// Notes the primary's WAL position after a commit.
    pub(crate) async fn note_write(&self) {
        let lsn: Result<(String,), _> = sqlx::query_as("SELECT pg_current_wal_lsn()::text")
            .fetch_one(&self.primary)
            .await;
        match lsn {
            Ok((lsn,)) => *self.written.lock().unwrap_or_else(|p| p.into_inner()) = Some(lsn),
            // Reads then simply may not see this write from the standby at once.
            Err(e) => tracing::warn!(error = %e, "cannot read the primary's WAL position"),
        }
    }

    /// Whether the standby has replayed this server's last write, waiting up to
    /// [`Replica::wait`].
    async fn caught_up(&self) -> bool {
        let Some(written) = self
            .written
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        else {
            return true;
        };
        let started = Instant::now();
        loop {
            let replayed: Result<(Option<bool>,), _> =
                sqlx::query_as("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn")
                    .bind(&written)
                    .fetch_one(&self.pool)
                    .await;
            match replayed {
                Ok((Some(true),)) => return true,
                // NULL: not a standby (promoted, or misconfigured): read the primary.
                Ok((None,)) | Err(_) => return false,
                Ok((Some(false),)) if started.elapsed() >= self.wait => return false,
                Ok((Some(false),)) => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
    }
}

impl Store {
    /// This store, reading from the standby at `url` as the module docs say.
    /// Only for a PostgreSQL primary.
    pub async fn with_replica(mut self, url: &str, wait: Duration) -> Result<Store, StoreError> {
        let Backend::Postgres(primary) = &self.backend else {
            return Err(StoreError::BadUrl(
                "a replica is for a PostgreSQL primary; the embedded SQLite store has none".into(),
            ));
        };
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::BadUrl(format!("{url}: {e}")))?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        let (in_recovery,): (bool,) = sqlx::query_as("SELECT pg_is_in_recovery()")
            .fetch_one(&pool)
            .await?;
        if !in_recovery {
            tracing::warn!(%url, "the replica is not in recovery: is it a standby of the primary?");
        }
        self.replica = Some(Arc::new(Replica {
            pool,
            primary: primary.clone(),
            written: Mutex::new(None),
            wait,
        }));
        Ok(self)
    }

    /// Whether reads go to a standby.
    pub fn has_replica(&self) -> bool {
        self.replica.is_some()
    }

    /// Where a read that may come from the standby goes: the standby once it has
    /// replayed this server's writes, else the primary.
    pub(crate) async fn for_reading(&self) -> Backend {
        match &self.replica {
            Some(r) if r.caught_up().await => Backend::Postgres(r.pool.clone()),
            _ => self.backend.clone(),
        }
    }
}
