//! [`Actor`]: who is asking, for the access rules and for the audit log.
//!
//! Four kinds of caller reach the use cases, and every audited action names one:
//! - a **person** signed in through a session (candidate, commission member, HR
//!   officer, admin), audited by their user id;
//! - an **API key** of an integration client (the HRM system, an admin script),
//!   audited by the key's id;
//! - a **visitor** who has not signed in, for the public catalogue only (open
//!   vacancies, as every public job portal shows them);
//! - the **operator** at the server's command line (`qabilet shortlist`, `qabilet
//!   reserve add`), audited as `cli:NAME`. Whoever can run the CLI can read the
//!   data directory, so the operator has the admin role; naming them keeps the log
//!   honest about where an action came from.

use qabilet_domain::{OrganisationId, ProfileId};
use qabilet_store::Role;

use crate::AppError;

/// How the actor reached the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Person,
    ApiKey,
    Operator,
    /// A visitor who has not signed in: reads the public catalogue (open
    /// vacancies) and nothing else; every use case that checks a role refuses them.
    Public,
}

/// The authenticated caller of a use case.
#[derive(Debug, Clone)]
pub struct Actor {
    /// A user id, an API key id, or the operator's name.
    pub id: String,
    pub kind: ActorKind,
    pub role: Role,
    /// The organisation an HR officer is scoped to.
    pub organisation_id: Option<OrganisationId>,
    /// The profile a candidate owns.
    pub profile_id: Option<ProfileId>,
    /// The session a person's request came with (to sign out, to mark "this one").
    pub session_id: Option<String>,
    /// Signed in with a password only, by a role that must still set up a second
    /// factor: [`crate::accounts::authenticate`] refuses such a session.
    pub second_factor_pending: bool,
}

impl Actor {
    /// A person signed in through a session.
    pub fn person(
        id: impl Into<String>,
        role: Role,
        organisation_id: Option<OrganisationId>,
        profile_id: Option<ProfileId>,
    ) -> Actor {
        Actor {
            id: id.into(),
            kind: ActorKind::Person,
            role,
            organisation_id,
            profile_id,
            session_id: None,
            second_factor_pending: false,
        }
    }

    /// An integration client's API key.
    pub fn api_key(id: impl Into<String>, role: Role) -> Actor {
        Actor {
            id: id.into(),
            kind: ActorKind::ApiKey,
            role,
            organisation_id: None,
            profile_id: None,
            session_id: None,
            second_factor_pending: false,
        }
    }

    /// The operator at the command line, by name (the login name, or `--by`).
    pub fn operator(name: &str) -> Actor {
        let name = name.trim();
        let name = if name.is_empty() { "operator" } else { name };
        Actor {
            id: format!("cli:{name}"),
            kind: ActorKind::Operator,
            role: Role::Admin,
            organisation_id: None,
            profile_id: None,
            session_id: None,
            second_factor_pending: false,
        }
    }

    /// The server itself, running a scheduled job (`system:JOB` in the log): the
    /// admin role, as the operator has, since only the deployment starts it.
    pub fn system(job: &str) -> Actor {
        Actor {
            id: format!("system:{job}"),
            ..Actor::operator(job)
        }
    }

    /// A visitor who has not signed in (see [`ActorKind::Public`]).
    pub fn public() -> Actor {
        Actor {
            id: "public".into(),
            kind: ActorKind::Public,
            // The least-privileged role; `require` refuses a visitor whatever it lists.
            role: Role::Candidate,
            organisation_id: None,
            profile_id: None,
            session_id: None,
            second_factor_pending: false,
        }
    }

    /// The operator named by `$USER`, as the CLI's read-only commands audit.
    pub fn operator_from_env() -> Actor {
        Actor::operator(&std::env::var("USER").unwrap_or_default())
    }

    /// The name the audit log records.
    pub fn audit_name(&self) -> &str {
        &self.id
    }

    /// Refuses unless the actor has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if self.kind == ActorKind::Public {
            return Err(AppError::Unauthenticated("sign in first".into()));
        }
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::forbidden(format!(
                "the {} role may not do this",
                self.role.as_str()
            )))
        }
    }

    /// Whether the actor is the candidate owning `profile`.
    pub fn owns_profile(&self, profile: &ProfileId) -> bool {
        self.role == Role::Candidate && self.profile_id.as_ref() == Some(profile)
    }

    /// Whether this is a visitor who has not signed in.
    pub fn is_public(&self) -> bool {
        self.kind == ActorKind::Public
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visitor_passes_no_role_check() {
        let visitor = Actor::public();
        for role in [
            Role::Candidate,
            Role::Commission,
            Role::Hr,
            Role::Hrm,
            Role::Admin,
        ] {
            let e = visitor.require(&[role]).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Unauthenticated, "{role:?}");
        }
        assert!(!visitor.owns_profile(&"P-1".parse().unwrap()));
    }
}
