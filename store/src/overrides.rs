//! The commission's eligibility overrides of a vacancy's applicants, and the
//! version a cached shortlist of it is checked against.

use chrono::{DateTime, Utc};
use qabilet_domain::VacancyId;

use crate::write::{on_tx, WriteTx};
use crate::{on_backend, Store, StoreError};

/// A commission's override of one rule for one applicant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EligibilityOverride {
    pub vacancy_id: String,
    pub profile_id: String,
    /// The matcher's rule code (`education`, `language:kk`, …).
    pub rule: String,
    pub reason: String,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
}

type OverrideRow = (String, String, String, String, String, DateTime<Utc>);

/// Changes whenever anything a vacancy's shortlist is computed from changes: the
/// vacancy, its applications, its applicants' profiles (when asked for), the
/// overrides. Cheap to read, so a cached shortlist can be checked on every view.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CompetitionVersion(i64, i64, Option<String>, Option<i64>, i64, Option<String>);

impl Store {
    /// The vacancy's [`CompetitionVersion`]; `None` if it does not exist. Versions only
    /// grow and an application's `updated_at` moves with every stage written, so the
    /// sums and maxima below change with every relevant write (deleting a profile
    /// deletes its applications, which changes the count).
    ///
    /// `with_profiles` adds the sum of the applicants' profile versions, which reads
    /// every applicant's profile (12 ms of PostgreSQL's time for 5,000 applicants,
    /// `EXPLAIN ANALYZE`); without it the query reads one index (migration 0015). A
    /// caller whose search index follows the store leaves it out: the index's
    /// applied change number moves with every profile change anyway.
    pub async fn competition_version(
        &self,
        vacancy: &VacancyId,
        with_profiles: bool,
    ) -> Result<Option<CompetitionVersion>, StoreError> {
        type Row = (i64, i64, Option<String>, Option<i64>, i64, Option<String>);
        let profiles = if with_profiles {
            "(SELECT CAST(SUM(p.version) AS BIGINT) FROM applications a \
               JOIN profiles p ON p.id = a.profile_id WHERE a.vacancy_id = v.id)"
        } else {
            "CAST(NULL AS BIGINT)"
        };
        let sql = format!(
            "SELECT v.version, apps.n, apps.latest, {profiles}, \
               (SELECT COUNT(*) FROM eligibility_overrides o WHERE o.vacancy_id = v.id), \
               (SELECT CAST(MAX(o.decided_at) AS TEXT) FROM eligibility_overrides o \
                 WHERE o.vacancy_id = v.id) \
             FROM vacancies v, \
               (SELECT COUNT(*) AS n, CAST(MAX(a.updated_at) AS TEXT) AS latest \
                 FROM applications a WHERE a.vacancy_id = $1) apps \
             WHERE v.id = $1"
        );
        let row: Option<Row> = on_backend!(&self.backend, pool => {
            sqlx::query_as(&sql)
            .bind(vacancy.as_str())
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(a, b, c, d, e, f)| CompetitionVersion(a, b, c, d, e, f)))
    }

    /// Every override recorded for the vacancy.
    pub async fn eligibility_overrides(
        &self,
        vacancy: &VacancyId,
    ) -> Result<Vec<EligibilityOverride>, StoreError> {
        let rows: Vec<OverrideRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT vacancy_id, profile_id, rule, reason, decided_by, decided_at \
                 FROM eligibility_overrides WHERE vacancy_id = $1 ORDER BY profile_id, rule",
            )
            .bind(vacancy.as_str())
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(vacancy_id, profile_id, rule, reason, decided_by, decided_at)| {
                    EligibilityOverride {
                        vacancy_id,
                        profile_id,
                        rule,
                        reason,
                        decided_by,
                        decided_at,
                    }
                },
            )
            .collect())
    }
}

impl WriteTx {
    /// Records (or replaces) an override; `decided_at` is the transaction's time.
    pub async fn put_eligibility_override(
        &mut self,
        o: &EligibilityOverride,
    ) -> Result<(), StoreError> {
        let now = self.now;
        on_tx!(&mut self.tx, tx => {
            sqlx::query(
                "INSERT INTO eligibility_overrides \
                   (vacancy_id, profile_id, rule, reason, decided_by, decided_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (vacancy_id, profile_id, rule) DO UPDATE SET \
                   reason = excluded.reason, decided_by = excluded.decided_by, \
                   decided_at = excluded.decided_at",
            )
            .bind(&o.vacancy_id)
            .bind(&o.profile_id)
            .bind(&o.rule)
            .bind(&o.reason)
            .bind(&o.decided_by)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(|e| StoreError::from_constraint(e, || format!(
                "override: vacancy {} and profile {} must exist", o.vacancy_id, o.profile_id
            )))?;
        });
        Ok(())
    }
}
