//! The shared vocabulary of Qabilet.
//!
//! Everything the other crates exchange lives here: organisations, vacancies with
//! their qualification requirements, candidate profiles, applications moving through
//! the competition stages, talent-reserve entries and audit entries. The types are
//! plain serde structs; [`Validate`] checks what serde cannot (dates in order,
//! bounded sizes, well-formed ids) and reports every problem with the path of the
//! field, so an import can say `profiles.jsonl:17: experience[2].end: ...`.
//!
//! This crate does no I/O.

mod application;
mod audit;
mod codes;
mod ids;
mod iin;
pub mod limits;
mod organisation;
mod profile;
pub mod repair;
mod reserve;
mod vacancy;
mod validate;

pub use application::{next_stage, Application, RuleCheck, Stage, StageOutcome, StageResult};
pub use audit::AuditEntry;
pub use codes::{
    Category, CategoryGroup, EducationLevel, Gender, Language, LanguageLevel, Locality, Region,
    Sector, VacancyStatus,
};
pub use ids::{ApplicationId, OrganisationId, ProfileId, ReserveEntryId, VacancyId};
pub use iin::Iin;
pub use organisation::{Organisation, OrganisationKind};
pub use profile::{
    covered_days, Consent, ConsentPurpose, Education, Experience, LanguageSkill, Profile,
};
pub use reserve::{ReserveEntry, ReserveKind};
pub use vacancy::{LanguageRequirement, Requirements, Vacancy};
pub use validate::{
    check_optional_text, check_text, parse_json, parse_json_shape, problem, FieldError, ParseError,
    Validate, ValidationErrors,
};
/// How the API documents the texts (`#[schema(value_type = …)]`).
pub use validate::{
    LongText, NameText, OptionalLongText, ReasonText, SummaryText, Term, OPTIONAL_TEXT_PATTERN,
    TEXT_PATTERN,
};
