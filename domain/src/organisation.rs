//! Organisations: the state bodies that publish vacancies.

use serde::{Deserialize, Serialize};

use crate::limits::NAME_CHARS;
use crate::validate::{Validate, Validator};
use crate::{OrganisationId, Region};

/// What kind of state body an organisation is; HR officers are scoped to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    Ministry,
    Agency,
    Committee,
    Akimat,
    Court,
    Other,
}

/// A state body: ministry, agency, committee, akimat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub id: OrganisationId,
    /// Name in Kazakh (the state language).
    #[schema(value_type = crate::validate::NameText)]
    pub name_kk: String,
    /// Name in Russian.
    #[schema(value_type = crate::validate::NameText)]
    pub name_ru: String,
    /// Name in English, where the body has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::validate::NameText>)]
    pub name_en: Option<String>,
    pub kind: OrganisationKind,
    pub region: Region,
    /// The parent body, e.g. a committee's ministry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<OrganisationId>,
}

impl Validate for Organisation {
    fn check(&self, v: &mut Validator) {
        v.text("name_kk", &self.name_kk, NAME_CHARS);
        v.text("name_ru", &self.name_ru, NAME_CHARS);
        if !self.region.is_in_kazakhstan() {
            v.error(
                "region",
                format!(
                    "a state body is in a region of Kazakhstan, not {:?}",
                    self.region.code()
                ),
            );
        }
        if let Some(name) = &self.name_en {
            v.text("name_en", name, NAME_CHARS);
        }
        if self.parent_id.as_ref() == Some(&self.id) {
            v.error("parent_id", "an organisation cannot be its own parent");
        }
    }
}
