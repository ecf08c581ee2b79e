//! Identifiers.
//!
//! Ids are short strings chosen by the system that owns the record (usually the HRM
//! system's external id), so imports are idempotent. Each kind has its own type so a
//! profile id can never be passed where a vacancy id is expected.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::limits::ID_CHARS;

fn check_id(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("id must not be empty".into());
    }
    if value.chars().count() > ID_CHARS {
        return Err(format!("id is longer than {ID_CHARS} characters"));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')))
    {
        return Err(format!(
            "id contains {c:?}; only letters A-Z, digits and - _ . : are allowed"
        ));
    }
    Ok(())
}

/// The schema every id type has: what [`check_id`] accepts.
fn id_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(format!("^[A-Za-z0-9._:-]{{1,{ID_CHARS}}}$")))
        .into()
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                id_schema()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            /// Checks the id's form; see the module docs.
            pub fn new(value: impl Into<String>) -> Result<Self, String> {
                let value = value.into();
                check_id(&value)?;
                Ok(Self(value))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, String> {
                Self::new(value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::new(s)
            }
        }
    };
}

id_type!(
    /// Identifies an [`crate::Organisation`].
    OrganisationId
);
id_type!(
    /// Identifies a [`crate::Vacancy`].
    VacancyId
);
id_type!(
    /// Identifies a candidate [`crate::Profile`].
    ProfileId
);
id_type!(
    /// Identifies an [`crate::Application`].
    ApplicationId
);
id_type!(
    /// Identifies a [`crate::ReserveEntry`].
    ReserveEntryId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_external_forms_and_reject_others() {
        assert!(VacancyId::new("MF-2026:0017").is_ok());
        assert!(VacancyId::new("").is_err());
        assert!(VacancyId::new("a b").unwrap_err().contains("' '"));
        assert!(VacancyId::new("x".repeat(65)).is_err());
        let err = serde_json::from_str::<ProfileId>("\"a/b\"").unwrap_err();
        assert!(err.to_string().contains("only letters"));
    }
}
