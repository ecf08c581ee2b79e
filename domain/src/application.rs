//! Applications and the competition stages they pass through.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::limits::{NAME_CHARS, REASON_CHARS};
use crate::validate::{Validate, Validator};
use crate::{ApplicationId, ProfileId, VacancyId};

/// The stages of a civil-service competition, in order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Stage 1: formal requirements checked against the profile.
    QualificationCheck,
    /// Stage 2: testing (legislation, subject, logic).
    Test,
    /// Stage 3: interview by the commission.
    Interview,
    /// Final decision of the commission.
    Decision,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::QualificationCheck,
        Stage::Test,
        Stage::Interview,
        Stage::Decision,
    ];
}

/// The result of one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageOutcome {
    Pending,
    Passed,
    Failed,
    /// The candidate withdrew or did not appear.
    Withdrawn,
}

/// What happened at one stage of one application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageResult {
    pub stage: Stage,
    pub outcome: StageOutcome,
    /// Test or interview score, where the stage has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    pub decided_at: DateTime<Utc>,
    /// Who recorded the result (user id).
    pub decided_by: String,
    /// Required when the result deviates from the ranking or overrides a rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A candidate's application to one vacancy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub id: ApplicationId,
    pub vacancy_id: VacancyId,
    pub profile_id: ProfileId,
    pub submitted_at: DateTime<Utc>,
    /// Results so far, in stage order; a stage appears at most once.
    #[serde(default)]
    pub stages: Vec<StageResult>,
}

impl Application {
    /// The latest stage reached, if any.
    pub fn current_stage(&self) -> Option<&StageResult> {
        self.stages.last()
    }
}

impl Validate for Application {
    fn check(&self, v: &mut Validator) {
        v.each("stages", &self.stages, Stage::ALL.len(), |v, s| {
            v.text("decided_by", &s.decided_by, NAME_CHARS);
            if let Some(reason) = &s.reason {
                v.text("reason", reason, REASON_CHARS);
            }
            if let Some(score) = s.score {
                if !score.is_finite() || !(0.0..=1000.0).contains(&score) {
                    v.error("score", format!("{score} is outside 0–1000"));
                }
            }
        });
        for (i, pair) in self.stages.windows(2).enumerate() {
            let (before, after) = (&pair[0], &pair[1]);
            if after.stage <= before.stage {
                v.error(
                    &format!("stages[{}].stage", i + 1),
                    format!("{:?} cannot follow {:?}: stages go qualification_check → test → interview → decision, each once", after.stage, before.stage),
                );
            } else if before.outcome != StageOutcome::Passed {
                v.error(
                    &format!("stages[{}].stage", i + 1),
                    format!("{:?} requires the previous stage to be passed", after.stage),
                );
            }
            if after.decided_at < before.decided_at {
                v.error(
                    &format!("stages[{}].decided_at", i + 1),
                    "is earlier than the previous stage's",
                );
            }
        }
        if let Some(first) = self.stages.first() {
            if first.decided_at < self.submitted_at {
                v.error("stages[0].decided_at", "is earlier than the submission");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_json;

    #[test]
    fn stages_must_follow_in_order() {
        let j = serde_json::json!({
            "id": "A-1", "vacancy_id": "V-1", "profile_id": "P-1",
            "submitted_at": "2026-11-01T10:00:00Z",
            "stages": [
                {"stage": "qualification_check", "outcome": "passed", "decided_at": "2026-11-02T10:00:00Z", "decided_by": "hr1"},
                {"stage": "interview", "outcome": "passed", "decided_at": "2026-11-03T10:00:00Z", "decided_by": "hr1"},
                {"stage": "test", "outcome": "passed", "decided_at": "2026-11-04T10:00:00Z", "decided_by": "hr1"}
            ]
        });
        let err = parse_json::<Application>(&j.to_string()).unwrap_err();
        assert_eq!(err.path(), "stages[2].stage");
    }

    #[test]
    fn a_failed_stage_ends_the_competition() {
        let j = serde_json::json!({
            "id": "A-1", "vacancy_id": "V-1", "profile_id": "P-1",
            "submitted_at": "2026-11-01T10:00:00Z",
            "stages": [
                {"stage": "qualification_check", "outcome": "failed", "decided_at": "2026-11-02T10:00:00Z", "decided_by": "hr1"},
                {"stage": "test", "outcome": "passed", "decided_at": "2026-11-03T10:00:00Z", "decided_by": "hr1"}
            ]
        });
        let err = parse_json::<Application>(&j.to_string()).unwrap_err();
        assert!(
            err.to_string().contains("previous stage to be passed"),
            "{err}"
        );
    }
}
