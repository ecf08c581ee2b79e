//! Self-registration: a person makes their own candidate account and profile, as
//! on every public recruitment portal, instead of waiting for the HR office to
//! import them.
//!
//! One transaction writes the profile (name, e-mail, region, language, and the
//! processing consent the person gives by registering: without it nothing could
//! be processed) and the account linked to it, audited as `user.register`. The
//! person then fills the rest of the profile themself (`people::save_own_profile`).
//!
//! Registrations are counted per client address under the sign-in throttle's
//! per-address policy (`register:ip:…` keys), so one address cannot mint accounts
//! by the thousand. A taken user id is said so (the person must pick another);
//! whether an e-mail or IIN is on file is never said, because registration asks
//! for neither as a key.

use qabilet_domain::{Consent, ConsentPurpose, Language, Profile, ProfileId, Region, Validate};
use qabilet_store::{Role, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{passwords, random_bytes, throttle, Client};
use crate::{now_micros, App, AppError, AppResult};

/// What a person gives to register.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// The user id to sign in with: letters, digits and `- _ .`, 3 to 64.
    #[schema(pattern = "^[A-Za-z0-9._-]{3,64}$")]
    pub user_id: String,
    /// At least 12 characters, not a common password, not the user id.
    #[schema(min_length = 12, max_length = 256)]
    pub password: String,
    #[schema(value_type = qabilet_domain::NameText)]
    pub full_name: String,
    #[serde(default)]
    #[schema(value_type = Option<qabilet_domain::NameText>)]
    pub email: Option<String>,
    pub region: Region,
    /// The language the person reads (and writes their profile in).
    #[serde(default)]
    pub language: Option<Language>,
    /// The person consents to the processing of their personal data for
    /// competitions; registration is refused without it.
    pub consent_to_processing: bool,
}

/// An account just registered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Registered {
    pub user_id: String,
    pub profile_id: ProfileId,
}

fn valid_user_id(id: &str) -> bool {
    (3..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// Registers a candidate; `client` is where the request came from (throttled).
pub async fn register(app: &App, reg: &Registration, client: &Client) -> AppResult<Registered> {
    if let Some(address) = &client.address {
        let key = format!("register:{}", throttle::address_key(address));
        throttle::admit(app, &[(key, app.config().sessions.per_address)]).await?;
    }
    let user_id = reg.user_id.trim();
    if !valid_user_id(user_id) {
        return Err(AppError::invalid(
            "user_id",
            "a user id is 3 to 64 letters, digits, dots, dashes or underscores",
        ));
    }
    if !reg.consent_to_processing {
        return Err(AppError::invalid(
            "consent_to_processing",
            "without consent to the processing of personal data no application can be processed",
        ));
    }
    passwords::check_new_password(user_id, &reg.password)?;
    let profile_id = ProfileId::new(format!("P-R{}", &hex::encode(random_bytes()?)[..20]))
        .map_err(AppError::Internal)?;
    let email = reg
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    let profile = Profile {
        id: profile_id.clone(),
        full_name: reg.full_name.trim().to_owned(),
        gender: None,
        birth_date: None,
        iin: None,
        email: email.map(str::to_owned),
        phone: None,
        photo_url: None,
        region: reg.region,
        locality: None,
        language: reg.language,
        summary: String::new(),
        education: Vec::new(),
        experience: Vec::new(),
        skills: Vec::new(),
        languages: Vec::new(),
        consents: vec![Consent {
            purpose: ConsentPurpose::Processing,
            granted_at: now_micros(),
            revoked_at: None,
        }],
    };
    profile.validate()?;
    let hash = passwords::hash_password(&reg.password).await?;
    let user = User {
        id: user_id.to_owned(),
        role: Role::Candidate,
        organisation_id: None,
        profile_id: Some(profile_id.to_string()),
        disabled: false,
    };
    if app.store().user(user_id).await?.is_some() {
        return Err(AppError::conflict(format!(
            "the user id {user_id:?} is taken: choose another"
        )));
    }
    let mut tx = app.store().begin().await?;
    tx.put_profile(&profile).await?;
    // A race with another registration of the same id ends here, as a conflict.
    tx.insert_user(&user, &hash).await.map_err(|e| match e {
        qabilet_store::StoreError::Conflict(_) => {
            AppError::conflict(format!("the user id {user_id:?} is taken: choose another"))
        }
        e => e.into(),
    })?;
    tx.audit(
        user_id,
        "user.register",
        "user",
        user_id,
        profile_id.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok(Registered {
        user_id: user.id,
        profile_id,
    })
}
