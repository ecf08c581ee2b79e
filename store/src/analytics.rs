//! Reads for the oversight analytics (`qabilet_app::analytics`): whole
//! competitions in bulk rather than record by record, and the proctoring flags
//! counted in SQL.
//!
//! The figures themselves are computed by the application core from these
//! records: stage results live in each application's JSON body, and one
//! computation in Rust serves SQLite and PostgreSQL alike.

use chrono::{DateTime, Utc};
use qabilet_domain::{Application, ReserveEntry, Vacancy};
use sqlx::types::Json;

use crate::{on_backend, Store, StoreError};

/// Ids bound per `IN (…)` query (SQLite's default limit is 32,766 variables).
const IDS_PER_QUERY: usize = 500;

/// Flags of one proctoring run and detector, counted by review status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagCount {
    pub run_id: String,
    pub form_id: String,
    pub vacancy_id: Option<String>,
    pub run_at: DateTime<Utc>,
    /// Sessions the run analysed.
    pub sessions: i64,
    pub detector: String,
    /// `open`, `confirmed` or `dismissed`.
    pub status: String,
    pub flags: i64,
}

impl Store {
    /// Every vacancy that is not a draft, of `organisation` when given, in id
    /// order.
    pub async fn published_vacancies(
        &self,
        organisation: Option<&str>,
    ) -> Result<Vec<Vacancy>, StoreError> {
        let rows: Vec<(Json<Vacancy>,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT body FROM vacancies WHERE status <> 'draft' \
                 AND ($1 IS NULL OR organisation_id = $1) ORDER BY id",
            )
            .bind(organisation)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(Json(v),)| v).collect())
    }

    /// The applications to any of `vacancies`, in id order within each query.
    pub async fn applications_to(
        &self,
        vacancies: &[&str],
    ) -> Result<Vec<Application>, StoreError> {
        self.bodies_where_in("applications", "vacancy_id", vacancies)
            .await
    }

    /// Every reserve entry of any of `profiles`.
    pub async fn reserve_of(&self, profiles: &[&str]) -> Result<Vec<ReserveEntry>, StoreError> {
        self.bodies_where_in("reserve_entries", "profile_id", profiles)
            .await
    }

    /// Every reserve entry that came out of one of `vacancies`' competitions.
    pub async fn reserve_from(&self, vacancies: &[&str]) -> Result<Vec<ReserveEntry>, StoreError> {
        self.bodies_where_in("reserve_entries", "origin_vacancy_id", vacancies)
            .await
    }

    /// The bodies of `table`'s rows whose `column` is one of `values`, in
    /// [`IDS_PER_QUERY`] chunks. `table` and `column` are this module's constants,
    /// never input.
    async fn bodies_where_in<T>(
        &self,
        table: &'static str,
        column: &'static str,
        values: &[&str],
    ) -> Result<Vec<T>, StoreError>
    where
        T: serde::de::DeserializeOwned + Send + Unpin + 'static,
    {
        let mut out = Vec::new();
        for chunk in values.chunks(IDS_PER_QUERY) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT body FROM {table} WHERE {column} IN ({}) ORDER BY id",
                placeholders.join(", ")
            );
            let rows: Vec<(Json<T>,)> = on_backend!(&self.backend, pool => {
                let mut q = sqlx::query_as(&sql);
                for value in chunk {
                    q = q.bind(*value);
                }
                q.fetch_all(pool).await?
            });
            out.extend(rows.into_iter().map(|(Json(body),)| body));
        }
        Ok(out)
    }

    /// The payloads of every event of `kind` (as `EventKind::as_str` names it),
    /// oldest first, with their time.
    pub async fn event_payloads(
        &self,
        kind: &str,
    ) -> Result<Vec<(DateTime<Utc>, String)>, StoreError> {
        Ok(on_backend!(&self.backend, pool => {
            sqlx::query_as("SELECT created_at, payload FROM outbox WHERE kind = $1 ORDER BY seq")
                .bind(kind)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Proctoring flags counted per run, detector and review status, with each
    /// run's session count. Runs without flags appear once with `flags` 0 and an
    /// empty detector.
    pub async fn proctoring_flag_counts(&self) -> Result<Vec<FlagCount>, StoreError> {
        type Row = (
            String,
            String,
            Option<String>,
            DateTime<Utc>,
            i64,
            Option<String>,
            Option<String>,
            i64,
        );
        let rows: Vec<Row> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT r.id, r.form_id, r.vacancy_id, r.created_at, r.sessions, f.detector, \
                        f.status, COUNT(f.id) \
                 FROM proctoring_runs r LEFT JOIN proctoring_flags f ON f.run_id = r.id \
                 GROUP BY r.id, r.form_id, r.vacancy_id, r.created_at, r.sessions, f.detector, f.status \
                 ORDER BY r.created_at, r.id, f.detector, f.status",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(run_id, form_id, vacancy_id, run_at, sessions, detector, status, flags)| {
                    FlagCount {
                        run_id,
                        form_id,
                        vacancy_id,
                        run_at,
                        sessions,
                        detector: detector.unwrap_or_default(),
                        status: status.unwrap_or_default(),
                        flags,
                    }
                },
            )
            .collect())
    }
}
