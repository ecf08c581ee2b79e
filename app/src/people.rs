//! Candidates' profiles and their consent.
//!
//! A profile is personal data: only the roles that need it read it (see
//! `access::readable_profile`), and every read by someone other than the person is
//! audited. Revoking processing consent stops all processing at once: the profile
//! is written with the consent closed, the store's change feed then removes the
//! person from the index, and shortlists skip profiles without consent.

use qabilet_domain::{Consent, ConsentPurpose, Profile, ProfileId, Validate};
use qabilet_store::{Role, WriteTx};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::{access, now_micros, Actor, App, AppError, AppResult};

/// Whether `actor` sees whole IINs of the profiles they may read: the owner, HR
/// officers and admins; the HRM client only where the agency configures it
/// (`privacy.json`). Everyone else reads them masked.
pub fn sees_iin(app: &App, actor: &Actor, profile: &Profile) -> bool {
    match actor.role {
        Role::Candidate => actor.owns_profile(&profile.id),
        Role::Hr | Role::Admin => true,
        Role::Hrm => app.config().privacy.hrm_receives_iin,
        Role::Commission => false,
    }
}

/// `profile` as `actor` may see it: its IIN masked unless [`sees_iin`].
pub fn for_viewer(app: &App, actor: &Actor, mut profile: Profile) -> Profile {
    if !sees_iin(app, actor, &profile) {
        profile.iin = profile.iin.as_ref().map(|i| i.to_masked());
    }
    profile
}

/// A profile `actor` may read, as they may see it (`for_viewer`); audited when it
/// is not their own.
pub async fn profile(app: &App, actor: &Actor, id: &ProfileId) -> AppResult<Profile> {
    let profile = for_viewer(app, actor, access::readable_profile(app, actor, id).await?);
    if actor.profile_id.as_ref() != Some(id) {
        let mut tx = app.store().begin().await?;
        tx.audit(
            actor.audit_name(),
            "profile.view",
            "profile",
            id.as_str(),
            "",
        )
        .await?;
        tx.commit().await?;
    }
    Ok(profile)
}

/// What revoking a consent did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentRevocation {
    pub profile_id: ProfileId,
    pub purpose: ConsentPurpose,
    /// Consents closed now (0 when none was in force).
    pub revoked: usize,
    /// Whether the person may still be processed at all.
    pub processing_consent: bool,
}

/// A write transaction and the profile as it stands inside it. Begun first: on
/// PostgreSQL this takes the writers' lock, so the profile cannot change under us
/// before it is written back.
async fn profile_to_change(app: &App, id: &ProfileId) -> AppResult<(WriteTx, Profile)> {
    let tx = app.store().begin().await?;
    let profile = app
        .store()
        .profile(id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("profile {id} does not exist")))?;
    Ok((tx, profile))
}

/// What granting a consent did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentGrant {
    pub profile_id: ProfileId,
    pub purpose: ConsentPurpose,
    /// False when the consent was already in force (nothing was written).
    pub granted: bool,
    pub processing_consent: bool,
}

/// The candidate grants a consent, themself only: consent is the person's own act,
/// never given on their behalf. Granting processing again brings the profile back
/// into search (the change feed re-indexes it); audited as `consent.grant`.
pub async fn grant_consent(
    app: &App,
    actor: &Actor,
    id: &ProfileId,
    purpose: ConsentPurpose,
) -> AppResult<ConsentGrant> {
    if !actor.owns_profile(id) {
        return Err(AppError::forbidden(
            "only the candidate may give their consent",
        ));
    }
    let (mut tx, mut profile) = profile_to_change(app, id).await?;
    let granted = !profile.consents_to(purpose);
    if granted {
        profile.consents.push(Consent {
            purpose,
            granted_at: now_micros(),
            revoked_at: None,
        });
        profile.validate()?;
        tx.put_profile(&profile).await?;
        tx.audit(
            actor.audit_name(),
            "consent.grant",
            "profile",
            id.as_str(),
            &json!({ "purpose": purpose }).to_string(),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(ConsentGrant {
        profile_id: id.clone(),
        purpose,
        granted,
        processing_consent: profile.consents_to(ConsentPurpose::Processing),
    })
}

/// Revokes a consent: the candidate themself or an admin (and the operator).
pub async fn revoke_consent(
    app: &App,
    actor: &Actor,
    id: &ProfileId,
    purpose: ConsentPurpose,
) -> AppResult<ConsentRevocation> {
    if !(actor.owns_profile(id) || actor.role == Role::Admin) {
        return Err(AppError::forbidden(
            "only the candidate or an admin may revoke consent",
        ));
    }
    let (mut tx, mut profile) = profile_to_change(app, id).await?;
    let mut revoked = 0;
    let now = now_micros();
    for consent in &mut profile.consents {
        if consent.purpose == purpose && consent.revoked_at.is_none() {
            // Never before the grant, even with a skewed clock.
            consent.revoked_at = Some(now.max(consent.granted_at));
            revoked += 1;
        }
    }
    if revoked > 0 {
        tx.put_profile(&profile).await?;
        tx.audit(
            actor.audit_name(),
            "consent.revoke",
            "profile",
            id.as_str(),
            &json!({ "purpose": purpose }).to_string(),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(ConsentRevocation {
        profile_id: id.clone(),
        purpose,
        revoked,
        processing_consent: profile.consents_to(ConsentPurpose::Processing),
    })
}
