//! Candidates' profiles and their consent.
//!
//! A profile is personal data: only the roles that need it read it (see
//! `access::readable_profile`), and every read by someone other than the person is
//! audited. Revoking processing consent stops all processing at once: the profile
//! is written with the consent closed, the store's change feed then removes the
//! person from the index, and shortlists skip profiles without consent.

use chrono::NaiveDate;
use qabilet_domain::{
    Consent, ConsentPurpose, Education, Experience, Gender, Iin, Language, LanguageSkill, Locality,
    Profile, ProfileId, Region, Validate,
};
use qabilet_store::{Role, WriteTx};
use serde::{Deserialize, Serialize};
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
        Role::Commission | Role::Auditor => false,
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

/// What the candidate writes of their own profile: everything but its id, its
/// consents (given and withdrawn one by one) and its photo. The same rules as an
/// import check it (`Profile::validate`), field by field.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileEdit {
    #[schema(value_type = qabilet_domain::NameText)]
    pub full_name: String,
    #[serde(default)]
    pub gender: Option<Gender>,
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    #[serde(default)]
    pub iin: Option<Iin>,
    #[serde(default)]
    #[schema(value_type = Option<qabilet_domain::NameText>)]
    pub email: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<qabilet_domain::NameText>)]
    pub phone: Option<String>,
    pub region: Region,
    #[serde(default)]
    pub locality: Option<Locality>,
    #[serde(default)]
    pub language: Option<Language>,
    #[serde(default)]
    #[schema(value_type = qabilet_domain::SummaryText)]
    pub summary: String,
    #[serde(default)]
    pub education: Vec<Education>,
    #[serde(default)]
    pub experience: Vec<Experience>,
    #[serde(default)]
    #[schema(value_type = Vec<qabilet_domain::Term>, max_items = 100)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub languages: Vec<LanguageSkill>,
}

impl ProfileEdit {
    /// `stored` with this edit applied: its id, consents and photo kept. A diploma
    /// stays verified only while its record is unchanged; the person cannot mark
    /// one verified themself.
    pub fn applied_to(&self, stored: &Profile) -> Profile {
        let education = self
            .education
            .iter()
            .map(|e| {
                let was_verified = stored.education.iter().any(|s| {
                    s.verified
                        && s.level == e.level
                        && s.specialty == e.specialty
                        && s.institution == e.institution
                        && s.year == e.year
                });
                Education {
                    verified: was_verified,
                    ..e.clone()
                }
            })
            .collect();
        Profile {
            id: stored.id.clone(),
            full_name: self.full_name.trim().to_owned(),
            gender: self.gender,
            birth_date: self.birth_date,
            iin: self.iin.clone(),
            email: self.email.clone().filter(|e| !e.trim().is_empty()),
            phone: self.phone.clone().filter(|p| !p.trim().is_empty()),
            photo_url: stored.photo_url.clone(),
            region: self.region,
            locality: self.locality,
            language: self.language,
            summary: self.summary.clone(),
            education,
            experience: self.experience.clone(),
            skills: self
                .skills
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            languages: self.languages.clone(),
            consents: stored.consents.clone(),
        }
    }
}

/// The candidate saves their own profile (themself only; HR offices change
/// profiles through the HRM import). The change feed re-indexes it; audited as
/// `profile.edit` with the names of the fields that changed, not their values.
pub async fn save_own_profile(
    app: &App,
    actor: &Actor,
    id: &ProfileId,
    edit: &ProfileEdit,
) -> AppResult<Profile> {
    if !actor.owns_profile(id) {
        return Err(AppError::forbidden(
            "only the candidate may edit their own profile",
        ));
    }
    let (mut tx, stored) = profile_to_change(app, id).await?;
    let profile = edit.applied_to(&stored);
    profile.validate()?;
    if let Some(iin) = &profile.iin {
        let on_file = app.store().profile_id_by_iin(iin.as_str()).await?;
        if on_file.is_some_and(|other| other != id.as_str()) {
            return Err(AppError::conflict(
                "this IIN is on file with another profile: if it is yours, ask the HR office to join the two",
            ));
        }
    }
    let changed = changed_fields(&stored, &profile);
    if !changed.is_empty() {
        tx.put_profile(&profile).await?;
        tx.audit(
            actor.audit_name(),
            "profile.edit",
            "profile",
            id.as_str(),
            &json!({ "fields": changed }).to_string(),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(profile)
}

/// The top-level fields in which `after` differs from `before`.
fn changed_fields(before: &Profile, after: &Profile) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return vec!["profile".into()];
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// What reading an uploaded CV did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CvReading {
    /// `PDF` or `DOCX`.
    pub format: String,
    /// Characters of text read into the summary.
    pub chars: usize,
    /// The text was longer than the summary holds and was cut.
    pub truncated: bool,
    pub profile: Profile,
}

/// The candidate uploads their CV (PDF or DOCX, at most
/// [`qabilet_cv::MAX_FILE_BYTES`]): its text becomes the profile's summary, which
/// search and ranking read, and the rest of the profile is left as it is. The
/// file itself is not kept. Audited as `profile.cv` with the format and length.
pub async fn read_cv(
    app: &App,
    actor: &Actor,
    id: &ProfileId,
    file: Vec<u8>,
) -> AppResult<CvReading> {
    if !actor.owns_profile(id) {
        return Err(AppError::forbidden(
            "only the candidate may upload their own CV",
        ));
    }
    // Parsing is CPU work (milliseconds for a real CV, up to ~0.5 s for a hostile
    // one): off the async threads.
    let read = tokio::task::spawn_blocking(move || qabilet_cv::extract_text(&file)).await??;
    let (mut tx, mut profile) = profile_to_change(app, id).await?;
    profile.summary = read.text;
    profile.validate()?;
    let chars = profile.summary.chars().count();
    tx.put_profile(&profile).await?;
    tx.audit(
        actor.audit_name(),
        "profile.cv",
        "profile",
        id.as_str(),
        &json!({ "format": read.format.to_string(), "chars": chars, "truncated": read.truncated })
            .to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(CvReading {
        format: read.format.to_string(),
        chars,
        truncated: read.truncated,
        profile: for_viewer(app, actor, profile),
    })
}
