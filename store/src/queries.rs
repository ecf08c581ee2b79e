//! Reads. Records come back whole, parsed from their stored JSON; pages are keyed by
//! id so an export of a million profiles streams in constant memory.

use qabilet_domain::{
    Application, Organisation, Profile, ProfileId, Region, ReserveEntry, Vacancy, VacancyId,
    VacancyStatus,
};
use std::collections::HashMap;

use serde::de::DeserializeOwned;
use sqlx::types::Json;

use crate::{on_backend, Backend, Store, StoreError};

/// Ids bound in one `IN (…)` list: well under SQLite's 32,766 variables and
/// PostgreSQL's 65,535 parameters.
const IDS_PER_QUERY: usize = 500;

/// How many records of each kind the store holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub organisations: i64,
    pub vacancies: i64,
    pub profiles: i64,
    pub applications: i64,
    pub reserve_entries: i64,
    pub audit_entries: i64,
}

/// Which vacancies to list.
#[derive(Debug, Clone, Default)]
pub struct VacancyFilter {
    pub status: Option<VacancyStatus>,
    pub region: Option<Region>,
}

/// The tables records are read from by id. Never built from input.
#[derive(Clone, Copy)]
enum Table {
    Organisations,
    Vacancies,
    Profiles,
    Applications,
    ReserveEntries,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Organisations => "organisations",
            Table::Vacancies => "vacancies",
            Table::Profiles => "profiles",
            Table::Applications => "applications",
            Table::ReserveEntries => "reserve_entries",
        }
    }
}

/// The rows `select` (a query ending in `WHERE id`) finds for `ids`, in no
/// particular order. One query per [`IDS_PER_QUERY`] ids: a shortlist loads
/// thousands of profiles and a round trip per profile would dominate its latency.
pub(crate) async fn rows_by_ids<R>(
    backend: &Backend,
    select: &str,
    ids: &[&str],
) -> Result<Vec<R>, StoreError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("{select} IN ({})", placeholders.join(", "));
        let rows: Vec<R> = on_backend!(backend, pool => {
            let mut q = sqlx::query_as(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(pool).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

impl Store {
    async fn body_by_id<T>(&self, table: Table, id: &str) -> Result<Option<T>, StoreError>
    where
        T: DeserializeOwned + Send + Unpin + 'static,
    {
        let sql = format!("SELECT body FROM {} WHERE id = $1", table.name());
        let row: Option<(Json<T>,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?
        });
        Ok(row.map(|(Json(body),)| body))
    }

    /// The records with any of `ids` (missing ids are skipped), keyed by id.
    async fn bodies_by_ids<T>(
        &self,
        table: Table,
        ids: &[&str],
    ) -> Result<HashMap<String, T>, StoreError>
    where
        T: DeserializeOwned + Send + Unpin + 'static,
    {
        // The records search shows and the index is built from: from the standby
        // when there is one (read your writes kept; see `replica`).
        let backend = self.for_reading().await;
        let select = format!("SELECT id, body FROM {} WHERE id", table.name());
        let rows: Vec<(String, Json<T>)> = rows_by_ids(&backend, &select, ids).await?;
        Ok(rows
            .into_iter()
            .map(|(id, Json(body))| (id, body))
            .collect())
    }

    /// Profiles by id, keyed by id; ids not in the store are absent from the map.
    pub async fn profiles_by_ids(
        &self,
        ids: &[&str],
    ) -> Result<HashMap<String, Profile>, StoreError> {
        self.bodies_by_ids(Table::Profiles, ids).await
    }

    /// Vacancies by id, keyed by id; ids not in the store are absent from the map.
    pub async fn vacancies_by_ids(
        &self,
        ids: &[&str],
    ) -> Result<HashMap<String, Vacancy>, StoreError> {
        self.bodies_by_ids(Table::Vacancies, ids).await
    }

    /// Up to `limit` records with ids after `after`, in id order.
    async fn page<T>(&self, table: Table, after: &str, limit: i64) -> Result<Vec<T>, StoreError>
    where
        T: DeserializeOwned + Send + Unpin + 'static,
    {
        let sql = format!(
            "SELECT body FROM {} WHERE id > $1 ORDER BY id LIMIT $2",
            table.name()
        );
        let rows: Vec<(Json<T>,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as(&sql).bind(after).bind(limit).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(Json(body),)| body).collect())
    }

    pub async fn organisation(&self, id: &str) -> Result<Option<Organisation>, StoreError> {
        self.body_by_id(Table::Organisations, id).await
    }

    pub async fn vacancy(&self, id: &VacancyId) -> Result<Option<Vacancy>, StoreError> {
        self.body_by_id(Table::Vacancies, id.as_str()).await
    }

    pub async fn profile(&self, id: &ProfileId) -> Result<Option<Profile>, StoreError> {
        self.body_by_id(Table::Profiles, id.as_str()).await
    }

    /// The id of the profile filed under `iin`, if any (IINs are unique).
    pub async fn profile_id_by_iin(&self, iin: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as("SELECT id FROM profiles WHERE iin = $1")
                .bind(iin)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|r| r.0))
    }

    pub async fn application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        self.body_by_id(Table::Applications, id).await
    }

    pub async fn reserve_entry(&self, id: &str) -> Result<Option<ReserveEntry>, StoreError> {
        self.body_by_id(Table::ReserveEntries, id).await
    }

    /// Organisations with ids after `after` (use `""` to start), in id order.
    pub async fn organisations_page(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Organisation>, StoreError> {
        self.page(Table::Organisations, after, limit).await
    }

    pub async fn vacancies_page(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Vacancy>, StoreError> {
        self.page(Table::Vacancies, after, limit).await
    }

    pub async fn profiles_page(&self, after: &str, limit: i64) -> Result<Vec<Profile>, StoreError> {
        self.page(Table::Profiles, after, limit).await
    }

    pub async fn applications_page(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Application>, StoreError> {
        self.page(Table::Applications, after, limit).await
    }

    pub async fn reserve_page(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<ReserveEntry>, StoreError> {
        self.page(Table::ReserveEntries, after, limit).await
    }

    /// Vacancies matching `filter`, nearest deadline first.
    pub async fn vacancies(
        &self,
        filter: &VacancyFilter,
        limit: i64,
    ) -> Result<Vec<Vacancy>, StoreError> {
        let status = filter.status.map(|s| s.code());
        let region = filter.region.map(|r| r.code());
        let rows: Vec<(Json<Vacancy>,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT body FROM vacancies \
                 WHERE ($1 IS NULL OR status = $1) AND ($2 IS NULL OR region = $2) \
                 ORDER BY deadline, id LIMIT $3",
            )
            .bind(status)
            .bind(region)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(Json(v),)| v).collect())
    }

    /// Applications to one vacancy, in id order.
    pub async fn applications_for_vacancy(
        &self,
        vacancy: &VacancyId,
    ) -> Result<Vec<Application>, StoreError> {
        let rows: Vec<(Json<Application>,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as("SELECT body FROM applications WHERE vacancy_id = $1 ORDER BY id")
                .bind(vacancy.as_str())
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(|(Json(a),)| a).collect())
    }

    /// Reserve entries of one person.
    pub async fn reserve_for_profile(
        &self,
        profile: &ProfileId,
    ) -> Result<Vec<ReserveEntry>, StoreError> {
        let rows: Vec<(Json<ReserveEntry>,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as("SELECT body FROM reserve_entries WHERE profile_id = $1 ORDER BY id")
                .bind(profile.as_str())
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(|(Json(r),)| r).collect())
    }

    pub async fn counts(&self) -> Result<Counts, StoreError> {
        let row: (i64, i64, i64, i64, i64, i64) = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM organisations), (SELECT COUNT(*) FROM vacancies), \
                        (SELECT COUNT(*) FROM profiles), (SELECT COUNT(*) FROM applications), \
                        (SELECT COUNT(*) FROM reserve_entries), (SELECT COUNT(*) FROM audit_log)",
            )
            .fetch_one(pool)
            .await?
        });
        Ok(Counts {
            organisations: row.0,
            vacancies: row.1,
            profiles: row.2,
            applications: row.3,
            reserve_entries: row.4,
            audit_entries: row.5,
        })
    }
}
