//! Write transactions.
//!
//! Every write — an import file, an API call — happens inside one [`WriteTx`], so it
//! lands whole or not at all. Upserts are idempotent: writing the same record twice
//! changes nothing and adds nothing to the change feed, which is what makes HRM
//! imports safe to repeat.

use chrono::{DateTime, Utc};
use qabilet_domain::{
    Application, ConsentPurpose, Organisation, Profile, ProfileId, ReserveEntry, ReserveEntryId,
    Vacancy,
};
use sqlx::types::Json;
use sqlx::{Postgres, Sqlite, Transaction};

use crate::changes::{ChangeOp, RecordKind};
use crate::{Backend, Store, StoreError};

/// An open write transaction. Dropping it without [`WriteTx::commit`] rolls back.
pub struct WriteTx {
    pub(crate) tx: TxBackend,
    /// One timestamp for the whole transaction, so an import's records share it.
    pub(crate) now: DateTime<Utc>,
    /// The standby this server reads from, told of the commit (read your writes).
    pub(crate) replica: Option<std::sync::Arc<crate::replica::Replica>>,
}

pub(crate) enum TxBackend {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs the same code on whichever transaction is open; `$conn` is a
/// `&mut Transaction`, to be used as `&mut **$conn`.
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::write::TxBackend::Sqlite($conn) => $body,
            $crate::write::TxBackend::Postgres($conn) => $body,
        }
    };
}
pub(crate) use on_tx;

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    Inserted,
    Updated,
    Unchanged,
}

/// Postgres hands out BIGSERIAL values before commit, so two concurrent writers could
/// make seq 11 visible before seq 10 and a follower would skip 10 for ever. Writers
/// take this transaction-scoped lock first; SQLite serialises writers by itself.
const CHANGE_FEED_LOCK: i64 = 0x5141_4249_4c45_5401;

fn put_from_version(version: Option<i64>) -> Put {
    match version {
        None => Put::Unchanged,
        Some(1) => Put::Inserted,
        Some(_) => Put::Updated,
    }
}

fn written(existed: bool, changed: bool) -> Put {
    match (existed, changed) {
        (_, false) => Put::Unchanged,
        (false, true) => Put::Inserted,
        (true, true) => Put::Updated,
    }
}

impl WriteTx {
    pub(crate) async fn begin(store: &Store) -> Result<WriteTx, StoreError> {
        let tx = match &store.backend {
            // IMMEDIATE takes the write lock at BEGIN, waiting up to the busy timeout.
            // A deferred transaction that reads before it writes (the audit chain reads
            // the previous hash) fails at once with SQLITE_BUSY when another writer
            // committed in between, because its read snapshot is stale: seen as 500s
            // under concurrent shortlist views.
            Backend::Sqlite(pool) => TxBackend::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(CHANGE_FEED_LOCK)
                    .execute(&mut *tx)
                    .await?;
                TxBackend::Postgres(tx)
            }
        };
        // Postgres keeps microseconds; cut here so what we hash is what we read back.
        let now = Utc::now();
        let now = DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now);
        Ok(WriteTx {
            tx,
            now,
            replica: None,
        })
    }

    /// Makes every write of this transaction durable and visible.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.tx {
            TxBackend::Sqlite(tx) => tx.commit().await?,
            TxBackend::Postgres(tx) => tx.commit().await?,
        }
        if let Some(replica) = &self.replica {
            replica.note_write().await;
        }
        Ok(())
    }

    pub(crate) async fn record_change(
        &mut self,
        kind: RecordKind,
        id: &str,
        op: ChangeOp,
    ) -> Result<(), StoreError> {
        let now = self.now;
        on_tx!(&mut self.tx, tx => {
            sqlx::query("INSERT INTO changes (kind, record_id, op, at) VALUES ($1, $2, $3, $4)")
                .bind(kind.as_str())
                .bind(id)
                .bind(op.as_str())
                .bind(now)
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }

    /// Whether `table` has a row with this id; `table` is one of ours, never input.
    async fn exists(&mut self, table: &'static str, id: &str) -> Result<bool, StoreError> {
        let sql = format!("SELECT 1 FROM {table} WHERE id = $1");
        let row: Option<(i32,)> = on_tx!(&mut self.tx, tx => {
            sqlx::query_as(&sql).bind(id).fetch_optional(&mut **tx).await?
        });
        Ok(row.is_some())
    }

    /// After an upsert changed nothing for an existing id: fails with a conflict
    /// unless `same_owner_sql` (bound with `binds`) finds the row owned as given.
    async fn refuse_reused_id(
        &mut self,
        same_owner_sql: &str,
        binds: &[&str],
        conflict: impl FnOnce() -> String,
    ) -> Result<(), StoreError> {
        let same: Option<(i32,)> = on_tx!(&mut self.tx, tx => {
            let mut query = sqlx::query_as(same_owner_sql);
            for value in binds {
                query = query.bind(*value);
            }
            query.fetch_optional(&mut **tx).await?
        });
        match same {
            Some(_) => Ok(()),
            None => Err(StoreError::Conflict(conflict())),
        }
    }

    /// Inserts or replaces an organisation.
    pub async fn put_organisation(&mut self, org: &Organisation) -> Result<Put, StoreError> {
        let now = self.now;
        let existed = self.exists("organisations", org.id.as_str()).await?;
        let changed: Option<(i32,)> = on_tx!(&mut self.tx, tx => {
            sqlx::query_as(
                "INSERT INTO organisations (id, body, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at \
                 WHERE organisations.body <> excluded.body \
                 RETURNING 1",
            )
            .bind(org.id.as_str())
            .bind(Json(org))
            .bind(now)
            .fetch_optional(&mut **tx)
            .await?
        });
        Ok(written(existed, changed.is_some()))
    }

    /// Inserts or replaces a vacancy; its organisation must exist.
    pub async fn put_vacancy(&mut self, vacancy: &Vacancy) -> Result<Put, StoreError> {
        let now = self.now;
        let version: Option<(i64,)> = on_tx!(&mut self.tx, tx => {
            sqlx::query_as(
                "INSERT INTO vacancies (id, organisation_id, status, region, deadline, body, version, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1, $7) \
                 ON CONFLICT (id) DO UPDATE SET organisation_id = excluded.organisation_id, \
                   status = excluded.status, region = excluded.region, deadline = excluded.deadline, \
                   body = excluded.body, version = vacancies.version + 1, updated_at = excluded.updated_at \
                 WHERE vacancies.body <> excluded.body \
                 RETURNING version",
            )
            .bind(vacancy.id.as_str())
            .bind(vacancy.organisation_id.as_str())
            .bind(vacancy.status.code())
            .bind(vacancy.region.code())
            .bind(vacancy.deadline)
            .bind(Json(vacancy))
            .bind(now)
            .fetch_optional(&mut **tx)
            .await
            .map_err(|e| StoreError::from_constraint(e, || format!(
                "organisation {:?} does not exist; import organisations first",
                vacancy.organisation_id.as_str()
            )))?
        });
        let put = put_from_version(version.map(|v| v.0));
        if put != Put::Unchanged {
            self.record_change(RecordKind::Vacancy, vacancy.id.as_str(), ChangeOp::Upsert)
                .await?;
        }
        Ok(put)
    }

    /// Inserts or replaces a profile. A profile without processing consent is kept
    /// (the consent history is itself a record) but leaves every derived index.
    pub async fn put_profile(&mut self, profile: &Profile) -> Result<Put, StoreError> {
        let now = self.now;
        let consent = profile.consents_to(ConsentPurpose::Processing);
        let version: Option<(i64,)> = on_tx!(&mut self.tx, tx => {
            sqlx::query_as(
                "INSERT INTO profiles (id, region, processing_consent, body, version, updated_at, iin) \
                 VALUES ($1, $2, $3, $4, 1, $5, $6) \
                 ON CONFLICT (id) DO UPDATE SET region = excluded.region, \
                   processing_consent = excluded.processing_consent, body = excluded.body, \
                   version = profiles.version + 1, updated_at = excluded.updated_at, \
                   iin = excluded.iin \
                 WHERE profiles.body <> excluded.body \
                 RETURNING version",
            )
            .bind(profile.id.as_str())
            .bind(profile.region.code())
            .bind(consent)
            .bind(Json(profile))
            .bind(now)
            .bind(profile.iin.as_ref().map(|i| i.as_str()))
            .fetch_optional(&mut **tx)
            .await
            .map_err(|e| StoreError::from_constraint(e, || format!(
                "profile {}: its IIN {} is already another profile's; one person has one profile",
                profile.id,
                profile.iin.as_ref().map(|i| i.masked()).unwrap_or_default()
            )))?
        });
        let put = put_from_version(version.map(|v| v.0));
        if put != Put::Unchanged {
            let op = if consent {
                ChangeOp::Upsert
            } else {
                ChangeOp::Remove
            };
            self.record_change(RecordKind::Profile, profile.id.as_str(), op)
                .await?;
        }
        Ok(put)
    }

    /// Deletes a profile with its applications and reserve entries.
    pub async fn delete_profile(&mut self, id: &ProfileId) -> Result<(), StoreError> {
        let deleted = on_tx!(&mut self.tx, tx => {
            sqlx::query("DELETE FROM profiles WHERE id = $1")
                .bind(id.as_str())
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        if deleted == 0 {
            return Err(StoreError::NotFound {
                kind: "profile",
                id: id.to_string(),
            });
        }
        self.record_change(RecordKind::Profile, id.as_str(), ChangeOp::Remove)
            .await
    }

    /// Inserts or replaces an application; one per candidate and vacancy.
    pub async fn put_application(&mut self, app: &Application) -> Result<Put, StoreError> {
        let now = self.now;
        let existed = self.exists("applications", app.id.as_str()).await?;
        let changed: Option<(i32,)> = on_tx!(&mut self.tx, tx => {
            sqlx::query_as(
                "INSERT INTO applications (id, vacancy_id, profile_id, body, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at \
                 WHERE applications.body <> excluded.body \
                   AND applications.vacancy_id = excluded.vacancy_id \
                   AND applications.profile_id = excluded.profile_id \
                 RETURNING 1",
            )
            .bind(app.id.as_str())
            .bind(app.vacancy_id.as_str())
            .bind(app.profile_id.as_str())
            .bind(Json(app))
            .bind(now)
            .fetch_optional(&mut **tx)
            .await
            .map_err(|e| StoreError::from_constraint(e, || format!(
                "application {}: the vacancy {} and profile {} must exist, and a candidate applies to a vacancy once",
                app.id, app.vacancy_id, app.profile_id
            )))?
        });
        if existed && changed.is_none() {
            // Either the same record again, or an attempt to reuse the id for another
            // candidate or vacancy, which the WHERE clause refused; tell them apart.
            self.refuse_reused_id(
                "SELECT 1 FROM applications WHERE id = $1 AND vacancy_id = $2 AND profile_id = $3",
                &[app.id.as_str(), app.vacancy_id.as_str(), app.profile_id.as_str()],
                || format!("application {} already belongs to another vacancy or candidate; ids cannot be reused", app.id),
            )
            .await?;
        }
        Ok(written(existed, changed.is_some()))
    }

    /// Inserts or replaces a reserve entry.
    pub async fn put_reserve_entry(&mut self, entry: &ReserveEntry) -> Result<Put, StoreError> {
        let existed = self.exists("reserve_entries", entry.id.as_str()).await?;
        let changed: Option<(i32,)> = on_tx!(&mut self.tx, tx => {
            sqlx::query_as(
                "INSERT INTO reserve_entries (id, profile_id, kind, origin_vacancy_id, expires_at, body) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, \
                   origin_vacancy_id = excluded.origin_vacancy_id, expires_at = excluded.expires_at, \
                   body = excluded.body \
                 WHERE reserve_entries.body <> excluded.body \
                   AND reserve_entries.profile_id = excluded.profile_id \
                 RETURNING 1",
            )
            .bind(entry.id.as_str())
            .bind(entry.profile_id.as_str())
            .bind(entry.kind.code())
            .bind(entry.origin_vacancy_id.as_ref().map(|v| v.as_str()))
            .bind(entry.expires_at)
            .bind(Json(entry))
            .fetch_optional(&mut **tx)
            .await
            .map_err(|e| StoreError::from_constraint(e, || format!(
                "reserve entry {}: profile {} and the origin vacancy must exist",
                entry.id, entry.profile_id
            )))?
        });
        if existed && changed.is_none() {
            self.refuse_reused_id(
                "SELECT 1 FROM reserve_entries WHERE id = $1 AND profile_id = $2",
                &[entry.id.as_str(), entry.profile_id.as_str()],
                || {
                    format!(
                        "reserve entry {} already belongs to another person; ids cannot be reused",
                        entry.id
                    )
                },
            )
            .await?;
        }
        Ok(written(existed, changed.is_some()))
    }

    /// Removes a reserve entry.
    pub async fn delete_reserve_entry(&mut self, id: &ReserveEntryId) -> Result<(), StoreError> {
        let deleted = on_tx!(&mut self.tx, tx => {
            sqlx::query("DELETE FROM reserve_entries WHERE id = $1")
                .bind(id.as_str())
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        if deleted == 0 {
            return Err(StoreError::NotFound {
                kind: "reserve entry",
                id: id.to_string(),
            });
        }
        Ok(())
    }
}
