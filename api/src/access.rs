//! Who may see which record.
//!
//! The rule that shapes every function here: a caller who may not see a record gets
//! 403 whether or not it exists, so ids cannot be probed. Only callers entitled to a
//! record (admins, the HRM client, the owner) learn that it is missing (404).
//!
//! | record | candidate | commission | hr | hrm | admin |
//! |---|---|---|---|---|---|
//! | vacancy (manage) | – | – | own organisation | all | all |
//! | shortlist | – | seated + declared, not recused | own organisation | – | all |
//! | profile | own | – (via shortlist) | applied to own organisation | all | all |
//! | application | own | as shortlist | own organisation | all | all |

use qabilet_domain::{Application, Profile, ProfileId, Vacancy, VacancyId};
use qabilet_store::Role;

use crate::{ApiError, AppState, Principal};

fn not_found(kind: &str, id: &str) -> ApiError {
    ApiError::NotFound(format!("{kind} {id:?} does not exist"))
}

fn refused(kind: &str) -> ApiError {
    ApiError::forbidden(format!("you may not access this {kind}"))
}

/// A vacancy the caller manages: HR officers of its organisation, the HRM client,
/// admins.
pub(crate) async fn managed_vacancy(
    state: &AppState,
    p: &Principal,
    id: &VacancyId,
) -> Result<Vacancy, ApiError> {
    let vacancy = state.store.vacancy(id).await?;
    match p.role {
        Role::Admin | Role::Hrm => vacancy.ok_or_else(|| not_found("vacancy", id.as_str())),
        Role::Hr => vacancy
            .filter(|v| Some(&v.organisation_id) == p.organisation_id.as_ref())
            .ok_or_else(|| refused("vacancy")),
        Role::Candidate | Role::Commission => Err(refused("vacancy")),
    }
}

/// A vacancy whose shortlist the caller may see. Commission members must be seated,
/// must have declared no conflict of interest, and must not have recused.
pub(crate) async fn shortlist_vacancy(
    state: &AppState,
    p: &Principal,
    id: &VacancyId,
) -> Result<Vacancy, ApiError> {
    match p.role {
        Role::Commission => {
            commission_member(state, p, id).await?;
            let declaration = state.store.declaration(id.as_str(), &p.id).await?;
            match declaration {
                None => Err(ApiError::forbidden(
                    "record your no-conflict-of-interest declaration for this vacancy first \
                     (POST /vacancies/{id}/declaration)",
                )),
                Some(d) if d.recused_at.is_some() => Err(ApiError::forbidden(
                    "you recused yourself from this vacancy",
                )),
                Some(_) => state
                    .store
                    .vacancy(id)
                    .await?
                    // The seat's foreign key guarantees the vacancy; a miss is ours.
                    .ok_or_else(|| ApiError::Internal(format!("seat on missing vacancy {id}"))),
            }
        }
        Role::Hr | Role::Admin => managed_vacancy(state, p, id).await,
        Role::Candidate | Role::Hrm => Err(refused("shortlist")),
    }
}

/// Refuses unless the caller sits on the vacancy's commission.
pub(crate) async fn commission_member(
    state: &AppState,
    p: &Principal,
    id: &VacancyId,
) -> Result<(), ApiError> {
    p.require(&[Role::Commission])?;
    if state.store.has_commission_seat(id.as_str(), &p.id).await? {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "you are not seated on this vacancy's commission",
        ))
    }
}

/// A profile the caller may read.
pub(crate) async fn readable_profile(
    state: &AppState,
    p: &Principal,
    id: &ProfileId,
) -> Result<Profile, ApiError> {
    let allowed = match p.role {
        Role::Admin | Role::Hrm => true,
        Role::Candidate => p.profile_id.as_ref() == Some(id),
        Role::Hr => match &p.organisation_id {
            Some(org) => {
                state
                    .store
                    .profile_applied_to_organisation(id.as_str(), org.as_str())
                    .await?
            }
            None => false,
        },
        Role::Commission => false,
    };
    if !allowed {
        return Err(refused("profile"));
    }
    state
        .store
        .profile(id)
        .await?
        .ok_or_else(|| not_found("profile", id.as_str()))
}

/// An application the caller may read, with its vacancy.
pub(crate) async fn readable_application(
    state: &AppState,
    p: &Principal,
    id: &str,
) -> Result<(Application, Vacancy), ApiError> {
    let app = state.store.application(id).await?;
    let entitled_to_know = matches!(p.role, Role::Admin | Role::Hrm);
    let Some(app) = app else {
        return Err(if entitled_to_know {
            not_found("application", id)
        } else {
            refused("application")
        });
    };
    let vacancy = match p.role {
        Role::Candidate if p.profile_id.as_ref() == Some(&app.profile_id) => {
            state.store.vacancy(&app.vacancy_id).await?
        }
        Role::Candidate => return Err(refused("application")),
        Role::Admin | Role::Hrm | Role::Hr => {
            Some(managed_vacancy(state, p, &app.vacancy_id).await?)
        }
        Role::Commission => Some(shortlist_vacancy(state, p, &app.vacancy_id).await?),
    };
    let vacancy = vacancy
        .ok_or_else(|| ApiError::Internal(format!("application {id} of a missing vacancy")))?;
    Ok((app, vacancy))
}
