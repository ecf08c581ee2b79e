//! The commission of a competition: seating members (HR, admins), each member's
//! declaration of no conflict of interest or recusal, and the vacancies a member
//! is seated on. Only a declared, not recused member sees the shortlist (see
//! `access::shortlist_vacancy`). HR officers and admins declare the same way
//! before they see names or record a result (`access::require_declared`); their
//! declarations are kept beside the members' and listed in the protocol. Every
//! act is audited.

use chrono::{DateTime, Utc};
use qabilet_domain::{limits::REASON_CHARS, Vacancy, VacancyId};
use qabilet_store::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::{self, Standing};
use crate::competition::reason_of;
use crate::{Actor, App, AppError, AppResult};

/// A commission seat.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Seat {
    pub vacancy_id: VacancyId,
    pub user_id: String,
}

/// Refuses unless `actor` may change the vacancy's commission: HR officers of its
/// organisation and admins, before the competition is decided.
async fn may_change_commission(app: &App, actor: &Actor, vacancy_id: &VacancyId) -> AppResult<()> {
    actor.require(&[Role::Hr, Role::Admin])?;
    access::managed_vacancy(app, actor, vacancy_id).await?;
    crate::competition::refuse_if_decided(app, vacancy_id, "its commission can no longer change")
        .await
}

/// Seats a commission member: HR officers of the organisation and admins.
pub async fn seat_member(
    app: &App,
    actor: &Actor,
    vacancy_id: &VacancyId,
    user_id: &str,
) -> AppResult<Seat> {
    may_change_commission(app, actor, vacancy_id).await?;
    match app.store().user(user_id).await? {
        Some((user, _)) if user.role == Role::Commission => {}
        _ => {
            return Err(AppError::invalid(
                "user_id",
                format!("{user_id:?} is not a commission member's user id"),
            ))
        }
    }
    let mut tx = app.store().begin().await?;
    tx.seat_commission_member(vacancy_id.as_str(), user_id)
        .await?;
    tx.audit(
        actor.audit_name(),
        "commission.seat",
        "vacancy",
        vacancy_id.as_str(),
        user_id,
    )
    .await?;
    tx.commit().await?;
    Ok(Seat {
        vacancy_id: vacancy_id.clone(),
        user_id: user_id.to_owned(),
    })
}

/// HR officers of the organisation and admins remove a member's seat, before the
/// competition is decided; audited as `commission.unseat`. The member's
/// declaration or recusal stays on the record (and in the protocol).
pub async fn unseat_member(
    app: &App,
    actor: &Actor,
    vacancy_id: &VacancyId,
    user_id: &str,
) -> AppResult<Seat> {
    may_change_commission(app, actor, vacancy_id).await?;
    let mut tx = app.store().begin().await?;
    if !tx
        .unseat_commission_member(vacancy_id.as_str(), user_id)
        .await?
    {
        return Err(AppError::not_found(format!(
            "{user_id:?} is not seated on {vacancy_id}'s commission"
        )));
    }
    tx.audit(
        actor.audit_name(),
        "commission.unseat",
        "vacancy",
        vacancy_id.as_str(),
        user_id,
    )
    .await?;
    tx.commit().await?;
    Ok(Seat {
        vacancy_id: vacancy_id.clone(),
        user_id: user_id.to_owned(),
    })
}

/// A seated member as HR sees the commission.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Member {
    pub user_id: String,
    pub seated_at: DateTime<Utc>,
    pub declared_at: Option<DateTime<Utc>>,
    pub recused: bool,
}

/// The vacancy's commission (HR officers of the organisation, admins), in order of
/// seating, with the commission-role users who could still be seated.
pub async fn members(
    app: &App,
    actor: &Actor,
    vacancy_id: &VacancyId,
) -> AppResult<(Vec<Member>, Vec<String>)> {
    actor.require(&[Role::Hr, Role::Admin])?;
    access::managed_vacancy(app, actor, vacancy_id).await?;
    let declarations = app.store().declarations(vacancy_id.as_str()).await?;
    let seated: Vec<Member> = app
        .store()
        .commission_seats(vacancy_id.as_str())
        .await?
        .into_iter()
        .map(|(user_id, seated_at)| {
            let d = declarations.iter().find(|d| d.user_id == user_id);
            Member {
                declared_at: d.map(|d| d.declared_at),
                recused: d.is_some_and(|d| d.recused_at.is_some()),
                user_id,
                seated_at,
            }
        })
        .collect();
    let free = app
        .store()
        .users()
        .await?
        .into_iter()
        .filter(|u| u.user.role == Role::Commission && !u.user.disabled)
        .map(|u| u.user.id)
        .filter(|id| !seated.iter().any(|m| &m.user_id == id))
        .collect();
    Ok((seated, free))
}

/// A member's declaration of no conflict of interest.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarationInput {
    /// Must be true: the member declares no conflict of interest and no family tie
    /// with any candidate. A member with one recuses instead.
    pub no_conflict_of_interest: bool,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub statement: String,
}

/// Where a member's declaration stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeclarationState {
    pub vacancy_id: VacancyId,
    pub declared_at: Option<DateTime<Utc>>,
    pub recused: bool,
}

/// A seated commission member, an HR officer of the organisation or an admin
/// declares no conflict of interest; only then does the shortlist open to a
/// member, and names and recording results to anyone (`access::require_declared`).
pub async fn declare(
    app: &App,
    actor: &Actor,
    vacancy_id: &VacancyId,
    input: &DeclarationInput,
) -> AppResult<DeclarationState> {
    access::declarant(app, actor, vacancy_id).await?;
    if !input.no_conflict_of_interest {
        return Err(AppError::invalid(
            "no_conflict_of_interest",
            "a member with a conflict of interest must recuse (POST /vacancies/{id}/recusal)",
        ));
    }
    let statement = input.statement.trim();
    qabilet_domain::check_optional_text(statement, REASON_CHARS)
        .map_err(|m| AppError::invalid("statement", m))?;
    let mut tx = app.store().begin().await?;
    tx.declare(vacancy_id.as_str(), &actor.id, statement)
        .await?;
    tx.audit(
        actor.audit_name(),
        "commission.declare",
        "vacancy",
        vacancy_id.as_str(),
        statement,
    )
    .await?;
    tx.commit().await?;
    let d = app
        .store()
        .declaration(vacancy_id.as_str(), &actor.id)
        .await?;
    Ok(DeclarationState {
        vacancy_id: vacancy_id.clone(),
        declared_at: d.as_ref().map(|d| d.declared_at),
        recused: d.is_some_and(|d| d.recused_at.is_some()),
    })
}

/// A declarant withdraws from the vacancy for good; the shortlist closes to them.
pub async fn recuse(
    app: &App,
    actor: &Actor,
    vacancy_id: &VacancyId,
    reason: &str,
) -> AppResult<DeclarationState> {
    access::declarant(app, actor, vacancy_id).await?;
    let reason = reason_of("reason", reason)?;
    let mut tx = app.store().begin().await?;
    tx.recuse(vacancy_id.as_str(), &actor.id, reason).await?;
    tx.audit(
        actor.audit_name(),
        "commission.recuse",
        "vacancy",
        vacancy_id.as_str(),
        reason,
    )
    .await?;
    tx.commit().await?;
    let d = app
        .store()
        .declaration(vacancy_id.as_str(), &actor.id)
        .await?;
    Ok(DeclarationState {
        vacancy_id: vacancy_id.clone(),
        declared_at: d.as_ref().map(|d| d.declared_at),
        recused: true,
    })
}

/// The vacancies a commission member is seated on, with where they stand.
pub async fn seats(app: &App, actor: &Actor) -> AppResult<Vec<(Vacancy, Standing)>> {
    actor.require(&[Role::Commission])?;
    let mut out = Vec::new();
    for id in app.store().seated_vacancies(&actor.id).await? {
        let id: VacancyId = crate::parse_id("vacancy", &id)?;
        let Some(v) = app.store().vacancy(&id).await? else {
            continue;
        };
        out.push((v, access::standing(app, actor, &id).await?));
    }
    Ok(out)
}
