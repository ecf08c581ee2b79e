//! What several servers over one database share beyond the records: secrets all
//! of them must sign with alike, and deployment-wide locks for jobs that one
//! server at a time should run.
//!
//! - [`Store::deployment_secret`]: made once by whichever server needs it first
//!   (`INSERT … ON CONFLICT DO NOTHING`, then read back), so two servers started
//!   together still end up with the same one.
//! - [`Store::try_job_lock`]: PostgreSQL's session advisory lock on a connection
//!   kept for the job's run; another server's attempt returns `None` at once. A
//!   server that dies loses its connection, and the lock with it. SQLite is one
//!   server's database, so its lock is always granted.

use sqlx::pool::PoolConnection;
use sqlx::Postgres;

use crate::{on_backend, Backend, Store, StoreError};

/// A deployment-wide lock held for one job's run; released by [`JobLock::release`]
/// (or by closing its connection when dropped without it).
pub struct JobLock {
    held: Option<(PoolConnection<Postgres>, i64)>,
}

impl JobLock {
    /// Releases the lock and returns its connection to the pool.
    pub async fn release(mut self) {
        if let Some((mut conn, key)) = self.held.take() {
            let released = sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(key)
                .execute(&mut *conn)
                .await;
            if released.is_err() {
                // Closing the connection ends the session, and the lock with it.
                drop(conn.detach());
            }
        }
    }
}

impl Drop for JobLock {
    fn drop(&mut self) {
        // Dropped without release (a panic in the job): never hand a connection
        // that still holds the lock back to the pool.
        if let Some((conn, _)) = self.held.take() {
            drop(conn.detach());
        }
    }
}

/// The advisory lock key of a job's name: the first 8 bytes of its SHA-256.
fn lock_key(job: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("qabilet-job:{job}").as_bytes());
    i64::from_be_bytes(digest[..8].try_into().unwrap_or([0; 8]))
}

impl Store {
    /// The secret `name` of this deployment, made with `make` if no server has
    /// made it yet.
    pub async fn deployment_secret(
        &self,
        name: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String, StoreError> {
        let candidate = make();
        on_backend!(&self.backend, pool => {
            sqlx::query(
                "INSERT INTO deployment_secrets (name, value) VALUES ($1, $2) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(&candidate)
            .execute(pool)
            .await?;
        });
        let (value,): (String,) = on_backend!(&self.backend, pool => {
            sqlx::query_as("SELECT value FROM deployment_secrets WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await?
        });
        Ok(value)
    }

    /// The deployment-wide lock of `job`, unless another server holds it.
    pub async fn try_job_lock(&self, job: &str) -> Result<Option<JobLock>, StoreError> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(Some(JobLock { held: None })),
            Backend::Postgres(pool) => {
                let key = lock_key(job);
                let mut conn = pool.acquire().await?;
                let (got,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
                    .bind(key)
                    .fetch_one(&mut *conn)
                    .await?;
                Ok(got.then_some(JobLock {
                    held: Some((conn, key)),
                }))
            }
        }
    }
}
