//! The talent reserve and the second-best registry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::limits::REASON_CHARS;
use crate::validate::{Validate, Validator};
use crate::{ProfileId, ReserveEntryId, VacancyId};

/// Why a person is in the reserve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReserveKind {
    /// The talent reserve (кадровый резерв) proper.
    Reserve,
    /// A strong runner-up of a competition, kept to be matched to future posts.
    SecondBest,
}

impl ReserveKind {
    pub fn code(self) -> &'static str {
        match self {
            ReserveKind::Reserve => "reserve",
            ReserveKind::SecondBest => "second_best",
        }
    }
}

/// A person kept for future posts, with the competition they came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReserveEntry {
    pub id: ReserveEntryId,
    pub profile_id: ProfileId,
    pub kind: ReserveKind,
    /// The competition the person was runner-up in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_vacancy_id: Option<VacancyId>,
    /// Final rank in that competition (1 = winner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    #[schema(value_type = crate::validate::ReasonText)]
    pub reason: String,
    /// When the person consented to being kept; entries exist only with consent.
    pub consented_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl ReserveEntry {
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.expires_at > now
    }
}

impl Validate for ReserveEntry {
    fn check(&self, v: &mut Validator) {
        v.text("reason", &self.reason, REASON_CHARS);
        if self.expires_at <= self.created_at {
            v.error("expires_at", "must be after created_at");
        }
        if self.rank == Some(0) {
            v.error("rank", "ranks start at 1");
        }
        if self.kind == ReserveKind::SecondBest && self.origin_vacancy_id.is_none() {
            v.error(
                "origin_vacancy_id",
                "a second-best entry must name the competition it came from",
            );
        }
    }
}
