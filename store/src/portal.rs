//! Reads the web pages need beyond the record-by-id and page reads of `queries`:
//! one candidate's applications, one member's seats, one organisation's vacancies.
//! Each is served by an index of the first migration.

use qabilet_domain::{Application, ProfileId, Vacancy};
use sqlx::types::Json;

use crate::{on_backend, Store, StoreError};

impl Store {
    /// Applications of one person, newest first (`applications_by_profile`).
    pub async fn applications_for_profile(
        &self,
        profile: &ProfileId,
    ) -> Result<Vec<Application>, StoreError> {
        let rows: Vec<(Json<Application>,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as("SELECT body FROM applications WHERE profile_id = $1 ORDER BY id")
                .bind(profile.as_str())
                .fetch_all(pool)
                .await?
        });
        let mut apps: Vec<Application> = rows.into_iter().map(|(Json(a),)| a).collect();
        apps.sort_by_key(|a| std::cmp::Reverse(a.submitted_at));
        Ok(apps)
    }

    /// Ids of the vacancies a user is seated on, in id order.
    pub async fn seated_vacancies(&self, user_id: &str) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT vacancy_id FROM commission_seats WHERE user_id = $1 ORDER BY vacancy_id",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Up to `limit` vacancies of one organisation, latest deadline first
    /// (`vacancies_by_organisation`).
    pub async fn organisation_vacancies(
        &self,
        organisation_id: &str,
        limit: i64,
    ) -> Result<Vec<Vacancy>, StoreError> {
        let rows: Vec<(Json<Vacancy>,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT body FROM vacancies WHERE organisation_id = $1 \
                 ORDER BY deadline DESC, id LIMIT $2",
            )
            .bind(organisation_id)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(Json(v),)| v).collect())
    }
}
