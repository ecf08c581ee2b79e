//! Who may see which record.
//!
//! The rule that shapes every function here: a caller who may not see a record is
//! refused whether or not it exists, so ids cannot be probed. Only callers entitled
//! to a record (admins, the HRM client, the owner) learn that it is missing.
//!
//! | record | candidate | commission | hr | hrm | admin (and the CLI operator) |
//! |---|---|---|---|---|---|
//! | vacancy (read) | published | published | published + own drafts | all | all |
//! | vacancy (manage) | – | – | own organisation | all | all |
//! | shortlist, blind | – | seated + declared, not recused | own organisation | – | all |
//! | shortlist, named; recording a result | – | as above | own organisation + declared | – | all + declared |
//! | profile | own | – (via shortlist) | applied to own organisation | all | all |
//! | application | own | as shortlist | own organisation | all | all |
//!
//! A visitor who has not signed in reads open vacancies only, and nothing else.

use qabilet_domain::{
    Application, OrganisationId, Profile, ProfileId, Vacancy, VacancyId, VacancyStatus,
};
use qabilet_store::Role;

use crate::{Actor, App, AppError, AppResult, ErrorKind};

fn not_found(kind: &str, id: &str) -> AppError {
    AppError::NotFound(format!("{kind} {id:?} does not exist"))
}

fn refused(kind: &str) -> AppError {
    AppError::forbidden(format!("you may not access this {kind}"))
}

/// Whether `actor` may see `vacancy` at all. Published vacancies (open, closed,
/// cancelled) are public information, the "single window"; a draft is seen only by
/// HR officers of its organisation, the HRM client that imports it and admins.
pub fn may_see_vacancy(actor: &Actor, vacancy: &Vacancy) -> bool {
    if actor.is_public() {
        // A visitor who has not signed in sees what is open to apply, nothing else.
        return vacancy.status == VacancyStatus::Open;
    }
    vacancy.status != VacancyStatus::Draft || may_see_drafts_of(actor, &vacancy.organisation_id)
}

/// Whether `actor` sees drafts of `organisation`.
pub fn may_see_drafts_of(actor: &Actor, organisation: &OrganisationId) -> bool {
    match actor.role {
        Role::Admin | Role::Hrm => true,
        Role::Hr => actor.organisation_id.as_ref() == Some(organisation),
        Role::Candidate | Role::Commission | Role::Auditor => false,
    }
}

/// Whether `actor` may see some drafts (any organisation's).
pub fn sees_drafts(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::Hrm | Role::Hr)
}

/// A vacancy the actor manages: HR officers of its organisation, the HRM client,
/// admins.
pub async fn managed_vacancy(app: &App, actor: &Actor, id: &VacancyId) -> AppResult<Vacancy> {
    managed(actor, id, app.store().vacancy(id).await?)
}

/// [`managed_vacancy`] of a vacancy already read (`None`: it does not exist).
fn managed(actor: &Actor, id: &VacancyId, vacancy: Option<Vacancy>) -> AppResult<Vacancy> {
    match actor.role {
        Role::Admin | Role::Hrm => vacancy.ok_or_else(|| not_found("vacancy", id.as_str())),
        Role::Hr => vacancy
            .filter(|v| Some(&v.organisation_id) == actor.organisation_id.as_ref())
            .ok_or_else(|| refused("vacancy")),
        Role::Candidate | Role::Commission | Role::Auditor => Err(refused("vacancy")),
    }
}

/// Where a commission member stands on a vacancy they are seated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Seated, no declaration yet: the shortlist stays closed.
    Undeclared,
    /// Declared no conflict of interest.
    Declared,
    /// Withdrew from the vacancy for good.
    Recused,
}

/// The vacancy, if the actor may declare on it: a seated commission member, an HR
/// officer of its organisation, or an admin (the operator too); refused otherwise.
pub async fn declarant(app: &App, actor: &Actor, id: &VacancyId) -> AppResult<Vacancy> {
    Ok(standing_with_vacancy(app, actor, id).await?.1)
}

/// Where a declarant (see [`declarant`]) stands on the vacancy; refused for
/// anyone else.
pub async fn standing(app: &App, actor: &Actor, id: &VacancyId) -> AppResult<Standing> {
    Ok(standing_with_vacancy(app, actor, id).await?.0)
}

/// Whether the actor's role is one that declares on a vacancy (and so may reach
/// its shortlist): commission members, HR officers and admins.
fn declares(actor: &Actor) -> bool {
    matches!(actor.role, Role::Commission | Role::Hr | Role::Admin)
}

/// [`declarant`] and [`standing`] from one read of the store (vacancy, seat and
/// declaration together): every shortlist view asks, so it costs one query, not
/// three.
async fn standing_with_vacancy(
    app: &App,
    actor: &Actor,
    id: &VacancyId,
) -> AppResult<(Standing, Vacancy)> {
    if !declares(actor) {
        return Err(refused("vacancy"));
    }
    let found = app.store().vacancy_standing(id.as_str(), &actor.id).await?;
    let standing = match &found {
        Some(f) if f.recused => Standing::Recused,
        Some(f) if f.declared => Standing::Declared,
        _ => Standing::Undeclared,
    };
    let vacancy = match actor.role {
        // Not seated and no such vacancy read alike: ids cannot be probed.
        Role::Commission => match found {
            Some(f) if f.seated => f.vacancy,
            _ => return Err(not_seated()),
        },
        _ => managed(actor, id, found.map(|f| f.vacancy))?,
    };
    Ok((standing, vacancy))
}

/// A vacancy whose shortlist the actor may see. Commission members must be seated,
/// must have declared no conflict of interest, and must not have recused.
pub async fn shortlist_vacancy(app: &App, actor: &Actor, id: &VacancyId) -> AppResult<Vacancy> {
    Ok(shortlist_access(app, actor, id).await?.0)
}

/// [`shortlist_vacancy`] with where the actor stands on it, for the named view,
/// which needs a declaration from HR officers and admins too.
pub(crate) async fn shortlist_access(
    app: &App,
    actor: &Actor,
    id: &VacancyId,
) -> AppResult<(Vacancy, Standing)> {
    if !declares(actor) {
        return Err(refused("shortlist"));
    }
    let (standing, vacancy) = standing_with_vacancy(app, actor, id).await?;
    if actor.role == Role::Commission {
        match standing {
            Standing::Undeclared => {
                return Err(AppError::forbidden(
                    "record your no-conflict-of-interest declaration for this vacancy first \
                     (POST /vacancies/{id}/declaration)",
                ))
            }
            Standing::Recused => {
                return Err(AppError::forbidden(
                    "you recused yourself from this vacancy",
                ))
            }
            Standing::Declared => {}
        }
    }
    Ok((vacancy, standing))
}

/// Refuses unless the actor has declared no conflict of interest on the vacancy
/// and not recused: what everyone who sees names or records a result must have
/// done, HR officers and admins included. (A commission member cannot reach the
/// shortlist at all before declaring: see [`shortlist_vacancy`].)
pub async fn require_declared(app: &App, actor: &Actor, id: &VacancyId) -> AppResult<()> {
    declared(standing(app, actor, id).await?)
}

/// Refuses every standing but a declaration in force.
pub(crate) fn declared(standing: Standing) -> AppResult<()> {
    match standing {
        Standing::Declared => Ok(()),
        Standing::Undeclared => Err(AppError::forbidden(
            "record your no-conflict-of-interest declaration for this vacancy first \
             (POST /vacancies/{id}/declaration): everyone who sees the applicants' names \
             or records a result declares",
        )),
        Standing::Recused => Err(AppError::forbidden(
            "you recused yourself from this vacancy",
        )),
    }
}

fn not_seated() -> AppError {
    AppError::forbidden("you are not seated on this vacancy's commission")
}

/// A profile the actor may read.
pub async fn readable_profile(app: &App, actor: &Actor, id: &ProfileId) -> AppResult<Profile> {
    let allowed = match actor.role {
        Role::Admin | Role::Hrm => true,
        Role::Candidate => actor.profile_id.as_ref() == Some(id),
        Role::Hr => match &actor.organisation_id {
            Some(org) => {
                app.store()
                    .profile_applied_to_organisation(id.as_str(), org.as_str())
                    .await?
            }
            None => false,
        },
        Role::Commission | Role::Auditor => false,
    };
    if !allowed {
        return Err(refused("profile"));
    }
    app.store()
        .profile(id)
        .await?
        .ok_or_else(|| not_found("profile", id.as_str()))
}

/// An application the actor may read, with its vacancy.
pub async fn readable_application(
    app: &App,
    actor: &Actor,
    id: &str,
) -> AppResult<(Application, Vacancy)> {
    // One answer, 404 with one text, for an application that does not exist and
    // one the caller may not see: ids are a hash of vacancy and profile, so any
    // difference would tell an outsider who applied where.
    let hidden = || AppError::NotFound(format!("no application {id:?} that you may see"));
    let application = app.store().application(id).await?;
    let entitled_to_know = matches!(actor.role, Role::Admin | Role::Hrm);
    let Some(application) = application else {
        return Err(if entitled_to_know {
            not_found("application", id)
        } else {
            hidden()
        });
    };
    let conceal = |e: AppError| match e.kind() {
        ErrorKind::Forbidden | ErrorKind::NotFound => hidden(),
        _ => e,
    };
    let vacancy = match actor.role {
        Role::Candidate if actor.profile_id.as_ref() == Some(&application.profile_id) => {
            app.store().vacancy(&application.vacancy_id).await?
        }
        Role::Candidate | Role::Auditor => return Err(hidden()),
        Role::Admin | Role::Hrm => {
            Some(managed_vacancy(app, actor, &application.vacancy_id).await?)
        }
        Role::Hr => Some(
            managed_vacancy(app, actor, &application.vacancy_id)
                .await
                .map_err(conceal)?,
        ),
        // A member seated on the vacancy is told why (declare first, recused);
        // anyone else learns nothing.
        Role::Commission => match shortlist_vacancy(app, actor, &application.vacancy_id).await {
            Ok(vacancy) => Some(vacancy),
            Err(e)
                if app
                    .store()
                    .has_commission_seat(application.vacancy_id.as_str(), &actor.id)
                    .await? =>
            {
                return Err(e)
            }
            Err(e) => return Err(conceal(e)),
        },
    };
    let vacancy = vacancy
        .ok_or_else(|| AppError::internal(format!("application {id} of a missing vacancy")))?;
    Ok((application, vacancy))
}
