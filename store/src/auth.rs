//! Who may sign in, and the commission rules that gate the shortlist.
//!
//! The store keeps only hashes of secrets and keys: a copy of the database is not a
//! way in. Hashing and token checks are the API's business; the store answers "who
//! has this hash" and "may this member see this vacancy's shortlist yet".

use chrono::{DateTime, Utc};
use qabilet_domain::Vacancy;
use sqlx::types::Json;

use crate::write::{on_tx, WriteTx};
use crate::{on_backend, Store, StoreError};

/// What a user or API key is allowed to be. Scopes (organisation, profile, seats)
/// are kept beside the role.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Sees and changes only their own profile and applications.
    Candidate,
    /// Sits on the commissions of the vacancies they are seated on.
    Commission,
    /// An HR officer of one organisation.
    Hr,
    /// The HRM integration client (API key only).
    Hrm,
    /// Operates the service: audit log, users, every record.
    Admin,
    /// Oversight (an internal auditor, a regulator's inspector): reads the
    /// analytics, the fairness reports, the audit log with its checkpoints and the
    /// replays of past rankings, across organisations; never a person's name or
    /// contacts, and never changes anything.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Candidate,
        Role::Commission,
        Role::Hr,
        Role::Hrm,
        Role::Admin,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Candidate => "candidate",
            Role::Commission => "commission",
            Role::Hr => "hr",
            Role::Hrm => "hrm",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A person who signs in with a session token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub role: Role,
    /// Set for HR officers: the organisation they are scoped to.
    pub organisation_id: Option<String>,
    /// Set for candidates: the profile they own.
    pub profile_id: Option<String>,
    /// A disabled user's sessions stop working at once.
    pub disabled: bool,
}

/// An integration client's key, found by its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: String,
    pub role: Role,
}

/// A commission member's declaration for one vacancy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub vacancy_id: String,
    pub user_id: String,
    pub statement: String,
    pub declared_at: DateTime<Utc>,
    /// Set once the member has recused themselves; the shortlist is closed to them.
    pub recused_at: Option<DateTime<Utc>>,
    pub recusal_reason: Option<String>,
}

/// A vacancy as one user may reach it: [`Store::vacancy_standing`].
#[derive(Debug, Clone)]
pub struct VacancyStanding {
    pub vacancy: Vacancy,
    /// Sits on the vacancy's commission.
    pub seated: bool,
    /// Has declared on the vacancy (no conflict of interest), recused since or not.
    pub declared: bool,
    /// Has recused themselves from the vacancy.
    pub recused: bool,
}

pub(crate) fn role_of(kind: &'static str, id: &str, role: &str) -> Result<Role, StoreError> {
    Role::parse(role).ok_or_else(|| StoreError::Corrupt {
        kind,
        id: id.to_owned(),
        message: format!("unknown role {role:?}"),
    })
}

type UserRow = (String, String, Option<String>, Option<String>, bool, String);
type DeclarationRow = (
    String,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<String>,
);

fn declaration_of(row: DeclarationRow) -> Declaration {
    let (vacancy_id, user_id, statement, declared_at, recused_at, recusal_reason) = row;
    Declaration {
        vacancy_id,
        user_id,
        statement,
        declared_at,
        recused_at,
        recusal_reason,
    }
}

impl WriteTx {
    /// Creates a user with the hash of their login secret; an existing id is a
    /// conflict, so a bootstrap run twice cannot silently replace an admin.
    pub async fn insert_user(&mut self, user: &User, secret_hash: &str) -> Result<(), StoreError> {
        let now = self.now;
        on_tx!(&mut self.tx, tx => {
            sqlx::query(
                "INSERT INTO users (id, role, organisation_id, profile_id, secret_hash, disabled, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&user.id)
            .bind(user.role.as_str())
            .bind(&user.organisation_id)
            .bind(&user.profile_id)
            .bind(secret_hash)
            .bind(user.disabled)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(|e| StoreError::from_constraint(e, || format!(
                "user {:?} already exists, or its organisation does not", user.id
            )))?;
        });
        Ok(())
    }

    /// Stores an API key's hash under `id`.
    pub async fn insert_api_key(
        &mut self,
        id: &str,
        role: Role,
        key_hash: &str,
    ) -> Result<(), StoreError> {
        let now = self.now;
        on_tx!(&mut self.tx, tx => {
            sqlx::query(
                "INSERT INTO api_keys (id, key_hash, role, revoked, created_at) VALUES ($1, $2, $3, FALSE, $4)",
            )
            .bind(id)
            .bind(key_hash)
            .bind(role.as_str())
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(|e| StoreError::from_constraint(e, || format!("API key {id:?} already exists")))?;
        });
        Ok(())
    }

    /// Seats a user on a vacancy's commission; seating twice changes nothing.
    pub async fn seat_commission_member(
        &mut self,
        vacancy_id: &str,
        user_id: &str,
    ) -> Result<(), StoreError> {
        let now = self.now;
        on_tx!(&mut self.tx, tx => {
            sqlx::query(
                "INSERT INTO commission_seats (vacancy_id, user_id, seated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (vacancy_id, user_id) DO NOTHING",
            )
            .bind(vacancy_id)
            .bind(user_id)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(|e| StoreError::from_constraint(e, || format!(
                "vacancy {vacancy_id:?} and user {user_id:?} must both exist"
            )))?;
        });
        Ok(())
    }

    /// Removes a member's seat; whether there was one. Their declaration or
    /// recusal stays: it is part of the competition's record.
    pub async fn unseat_commission_member(
        &mut self,
        vacancy_id: &str,
        user_id: &str,
    ) -> Result<bool, StoreError> {
        let done = on_tx!(&mut self.tx, tx => {
            sqlx::query("DELETE FROM commission_seats WHERE vacancy_id = $1 AND user_id = $2")
                .bind(vacancy_id)
                .bind(user_id)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        Ok(done > 0)
    }

    /// Records a seated member's declaration. Declaring again keeps the first one:
    /// the record of when the member first declared must not move; and a recused
    /// member cannot declare their way back in.
    pub async fn declare(
        &mut self,
        vacancy_id: &str,
        user_id: &str,
        statement: &str,
    ) -> Result<(), StoreError> {
        let now = self.now;
        on_tx!(&mut self.tx, tx => {
            sqlx::query(
                "INSERT INTO declarations (vacancy_id, user_id, statement, declared_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (vacancy_id, user_id) DO NOTHING",
            )
            .bind(vacancy_id)
            .bind(user_id)
            .bind(statement)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(|e| StoreError::from_constraint(e, || format!(
                "user {user_id:?} is not seated on the commission of vacancy {vacancy_id:?}"
            )))?;
        });
        Ok(())
    }

    /// Recuses a member from a vacancy, declared or not. Final: there is no undo.
    pub async fn recuse(
        &mut self,
        vacancy_id: &str,
        user_id: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let now = self.now;
        on_tx!(&mut self.tx, tx => {
            // A member who recuses before declaring gets a declaration row that
            // says so, so the refusal is on record either way.
            sqlx::query(
                "INSERT INTO declarations (vacancy_id, user_id, statement, declared_at, recused_at, recusal_reason) \
                 VALUES ($1, $2, '', $3, $3, $4) \
                 ON CONFLICT (vacancy_id, user_id) DO UPDATE SET recused_at = excluded.recused_at, \
                   recusal_reason = excluded.recusal_reason \
                 WHERE declarations.recused_at IS NULL",
            )
            .bind(vacancy_id)
            .bind(user_id)
            .bind(now)
            .bind(reason)
            .execute(&mut **tx)
            .await
            .map_err(|e| StoreError::from_constraint(e, || format!(
                "user {user_id:?} is not seated on the commission of vacancy {vacancy_id:?}"
            )))?;
        });
        Ok(())
    }
}

impl Store {
    /// A user and the hash of their login secret.
    pub async fn user(&self, id: &str) -> Result<Option<(User, String)>, StoreError> {
        let row: Option<UserRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT id, role, organisation_id, profile_id, disabled, secret_hash FROM users WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        let Some((id, role, organisation_id, profile_id, disabled, hash)) = row else {
            return Ok(None);
        };
        let role = role_of("user", &id, &role)?;
        Ok(Some((
            User {
                id,
                role,
                organisation_id,
                profile_id,
                disabled,
            },
            hash,
        )))
    }

    /// The API key with this hash, unless revoked.
    pub async fn api_key_by_hash(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let row: Option<(String, String)> = on_backend!(&self.backend, pool => {
            sqlx::query_as("SELECT id, role FROM api_keys WHERE key_hash = $1 AND revoked = FALSE")
                .bind(key_hash)
                .fetch_optional(pool)
                .await?
        });
        row.map(|(id, role)| {
            Ok(ApiKey {
                role: role_of("API key", &id, &role)?,
                id,
            })
        })
        .transpose()
    }

    /// Whether the user sits on the vacancy's commission. Asks about the seat only,
    /// so the answer is the same whether or not the vacancy exists.
    pub async fn has_commission_seat(
        &self,
        vacancy_id: &str,
        user_id: &str,
    ) -> Result<bool, StoreError> {
        let row: Option<(i32,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as("SELECT 1 FROM commission_seats WHERE vacancy_id = $1 AND user_id = $2")
                .bind(vacancy_id)
                .bind(user_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.is_some())
    }

    /// The vacancy with where `user_id` stands on it (seat, declaration, recusal),
    /// in one query: the access check every shortlist view makes. `None` when the
    /// vacancy does not exist. Read from the primary, so a recusal closes the
    /// shortlist at once.
    pub async fn vacancy_standing(
        &self,
        vacancy_id: &str,
        user_id: &str,
    ) -> Result<Option<VacancyStanding>, StoreError> {
        type Row = (
            Json<Vacancy>,
            Option<String>,
            Option<String>,
            Option<DateTime<Utc>>,
        );
        let row: Option<Row> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT v.body, s.user_id, d.user_id, d.recused_at FROM vacancies v \
                 LEFT JOIN commission_seats s ON s.vacancy_id = v.id AND s.user_id = $2 \
                 LEFT JOIN declarations d ON d.vacancy_id = v.id AND d.user_id = $2 \
                 WHERE v.id = $1",
            )
            .bind(vacancy_id)
            .bind(user_id)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(
            |(Json(vacancy), seat, declaration, recused_at)| VacancyStanding {
                vacancy,
                seated: seat.is_some(),
                declared: declaration.is_some(),
                recused: recused_at.is_some(),
            },
        ))
    }

    /// Who sits on the vacancy's commission, with when they were seated, in order
    /// of seating.
    pub async fn commission_seats(
        &self,
        vacancy_id: &str,
    ) -> Result<Vec<(String, DateTime<Utc>)>, StoreError> {
        Ok(on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT user_id, seated_at FROM commission_seats WHERE vacancy_id = $1 \
                 ORDER BY seated_at, user_id",
            )
            .bind(vacancy_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Every declaration and recusal on the vacancy (members', HR officers' and
    /// admins'), in the order they were made.
    pub async fn declarations(&self, vacancy_id: &str) -> Result<Vec<Declaration>, StoreError> {
        let rows: Vec<DeclarationRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT vacancy_id, user_id, statement, declared_at, recused_at, recusal_reason \
                 FROM declarations WHERE vacancy_id = $1 ORDER BY declared_at, user_id",
            )
            .bind(vacancy_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(declaration_of).collect())
    }

    /// The member's declaration for the vacancy, if any.
    pub async fn declaration(
        &self,
        vacancy_id: &str,
        user_id: &str,
    ) -> Result<Option<Declaration>, StoreError> {
        let row: Option<DeclarationRow> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT vacancy_id, user_id, statement, declared_at, recused_at, recusal_reason \
                 FROM declarations WHERE vacancy_id = $1 AND user_id = $2",
            )
            .bind(vacancy_id)
            .bind(user_id)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(declaration_of))
    }

    /// Whether the profile has applied to any vacancy of the organisation: what
    /// lets an HR officer of that organisation see the profile.
    pub async fn profile_applied_to_organisation(
        &self,
        profile_id: &str,
        organisation_id: &str,
    ) -> Result<bool, StoreError> {
        let row: Option<(i32,)> = on_backend!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT 1 FROM applications a JOIN vacancies v ON v.id = a.vacancy_id \
                 WHERE a.profile_id = $1 AND v.organisation_id = $2 LIMIT 1",
            )
            .bind(profile_id)
            .bind(organisation_id)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.is_some())
    }
}
