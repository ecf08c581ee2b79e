//! A candidate's applications ranked by preference: at most
//! [`qabilet_domain::limits::PREFERENCES`] in play at once, each with its rank, 1
//! for the first choice, as Korea's e-Saram lets a candidate apply to four
//! vacancies in order.
//!
//! An application is in play until it ends (failed, withdrawn, decided) or its
//! competition is decided or cancelled. Ranks are kept as the candidate gave them
//! and closed up (1, 2, 3 with no gaps) whenever the candidate applies again or
//! reorders, so an ended application frees its place without a write of its own.
//! The HR office and the HRM read the rank with the application; it tells them
//! which post a candidate who passes two competitions wants most.

use qabilet_domain::limits::PREFERENCES;
use qabilet_domain::{Application, ApplicationId, ProfileId, VacancyStatus};
use qabilet_store::{Role, WriteTx};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::{competition, Actor, App, AppError, AppResult};

/// A new order of the candidate's applications in play, first choice first.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferenceOrder {
    /// Every application in play, each once.
    #[schema(max_items = 4)]
    pub order: Vec<ApplicationId>,
}

/// The person's applications in play, in their order of preference (unranked
/// ones, from before ranks existed, last and oldest first).
pub(crate) async fn in_play(app: &App, profile: &ProfileId) -> AppResult<Vec<Application>> {
    let mut out = Vec::new();
    for application in app.store().applications_for_profile(profile).await? {
        if application.next_stage().is_none() {
            continue;
        }
        let cancelled = app
            .store()
            .vacancy(&application.vacancy_id)
            .await?
            .is_none_or(|v| v.status == VacancyStatus::Cancelled);
        if cancelled
            || competition::decided(app, &application.vacancy_id)
                .await?
                .is_some()
        {
            continue;
        }
        out.push(application);
    }
    out.sort_by_key(|a| (a.preference.unwrap_or(u8::MAX), a.submitted_at));
    Ok(out)
}

/// Writes ranks 1, 2, … to `ranked` in order, where they changed.
async fn write_ranks(tx: &mut WriteTx, ranked: &mut [Application]) -> AppResult<()> {
    for (i, application) in ranked.iter_mut().enumerate() {
        let rank = u8::try_from(i + 1).map_err(|e| AppError::Internal(e.to_string()))?;
        if application.preference != Some(rank) {
            application.preference = Some(rank);
            tx.put_application(application).await?;
        }
    }
    Ok(())
}

/// The rank a new application of `profile` takes (last), after closing up the
/// ranks of those in play; refused when [`PREFERENCES`] are in play already.
pub(crate) async fn rank_for_new(
    app: &App,
    tx: &mut WriteTx,
    profile: &ProfileId,
) -> AppResult<u8> {
    let mut ranked = in_play(app, profile).await?;
    if ranked.len() >= usize::from(PREFERENCES) {
        return Err(AppError::conflict(format!(
            "you have {} applications in play, the most there may be: withdraw one to apply to another",
            ranked.len()
        )));
    }
    write_ranks(tx, &mut ranked).await?;
    u8::try_from(ranked.len() + 1).map_err(|e| AppError::Internal(e.to_string()))
}

/// The candidate puts their applications in play in a new order (every one of
/// them, each once); audited as `application.preferences`.
pub async fn reorder(
    app: &App,
    actor: &Actor,
    order: &PreferenceOrder,
) -> AppResult<Vec<Application>> {
    actor.require(&[Role::Candidate])?;
    let profile = actor
        .profile_id
        .clone()
        .ok_or_else(|| AppError::forbidden("your account has no profile"))?;
    // Begin first: the writers' lock on PostgreSQL, as in `competition::apply`.
    let mut tx = app.store().begin().await?;
    let mut current = in_play(app, &profile).await?;
    let mut seen = Vec::new();
    for id in &order.order {
        if seen.contains(&id) {
            return Err(AppError::invalid(
                "order",
                format!("application {id} is named twice"),
            ));
        }
        seen.push(id);
    }
    let same_set =
        order.order.len() == current.len() && current.iter().all(|a| order.order.contains(&a.id));
    if !same_set {
        // Ids of other people's applications get the same answer as ids that do
        // not exist: the order must be exactly the caller's own in play.
        return Err(AppError::invalid(
            "order",
            format!(
                "name each of your {} applications in play once: {}",
                current.len(),
                current
                    .iter()
                    .map(|a| a.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    current.sort_by_key(|a| order.order.iter().position(|id| *id == a.id));
    write_ranks(&mut tx, &mut current).await?;
    tx.audit(
        actor.audit_name(),
        "application.preferences",
        "profile",
        profile.as_str(),
        &json!({ "order": order.order }).to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(current)
}
