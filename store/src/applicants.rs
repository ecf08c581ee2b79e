//! A vacancy's applicants as the ranked shortlist reads them: the applications
//! with each profile's [`ProfileStamp`], so that a reader keeping decoded
//! profiles fetches only the bodies it lacks ([`Store::profile_bodies`]).
//!
//! Why not the profiles in the same query: a view of a 5,000-applicant competition spent about
//! half its CPU in PostgreSQL turning 5,000 `jsonb` bodies into text and most of
//! the rest in the server decoding them (`perf`, national load test); the stamps
//! alone read one small row per applicant.

use chrono::{DateTime, Utc};
use qabilet_domain::{Application, VacancyId};
use sqlx::types::Json;

use crate::queries::rows_by_ids;
use crate::{on_backend, Store, StoreError};

/// Which write of a profile a read saw. Every write that changes a profile
/// raises its `version` and sets `updated_at` to the writing transaction's time;
/// a profile deleted and created again starts at version 1 with a later
/// `updated_at`. So equal stamps mean an equal body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProfileStamp {
    pub id: String,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// A profile's body as stored (JSON text) with the stamp it was read at.
#[derive(Debug, Clone)]
pub struct StampedBody {
    pub stamp: ProfileStamp,
    pub body: String,
}

impl Store {
    /// The applications to a vacancy, in application id order (of the ids' bytes,
    /// on either store), each with the stamp of its profile (`None` when the
    /// profile was deleted meanwhile). Sorted here rather than by the database:
    /// PostgreSQL's sort of 5,000 rows with their bodies under the database's
    /// collation was a fifth of this query's time on the national data.
    pub async fn applicant_stamps(
        &self,
        vacancy: &VacancyId,
    ) -> Result<Vec<(Application, Option<ProfileStamp>)>, StoreError> {
        type Row = (
            Json<Application>,
            Option<String>,
            Option<i64>,
            Option<DateTime<Utc>>,
        );
        let rows: Vec<Row> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT a.body, p.id, p.version, p.updated_at FROM applications a \
                 LEFT JOIN profiles p ON p.id = a.profile_id \
                 WHERE a.vacancy_id = $1",
            )
            .bind(vacancy.as_str())
            .fetch_all(pool)
            .await?
        });
        let mut out: Vec<(Application, Option<ProfileStamp>)> = rows
            .into_iter()
            .map(|(Json(a), id, version, updated_at)| {
                let stamp = match (id, version, updated_at) {
                    (Some(id), Some(version), Some(updated_at)) => Some(ProfileStamp {
                        id,
                        version,
                        updated_at,
                    }),
                    _ => None,
                };
                (a, stamp)
            })
            .collect();
        out.sort_unstable_by(|x, y| x.0.id.as_str().cmp(y.0.id.as_str()));
        Ok(out)
    }

    /// The bodies of the profiles `ids` that exist, each with its stamp as of
    /// this read (which may be newer than a stamp read before), in no particular
    /// order.
    pub async fn profile_bodies(&self, ids: &[&str]) -> Result<Vec<StampedBody>, StoreError> {
        type Row = (String, i64, DateTime<Utc>, String);
        // From the primary, as the stamps: a standby behind them would only make
        // the reader fetch again.
        let select = "SELECT id, version, updated_at, CAST(body AS TEXT) FROM profiles WHERE id";
        let rows: Vec<Row> = rows_by_ids(&self.backend, select, ids).await?;
        Ok(rows
            .into_iter()
            .map(|(id, version, updated_at, body)| StampedBody {
                stamp: ProfileStamp {
                    id,
                    version,
                    updated_at,
                },
                body,
            })
            .collect())
    }
}
