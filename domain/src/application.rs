//! Applications and the competition stages they pass through.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::limits::{NAME_CHARS, PREFERENCES, REASON_CHARS};
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
    /// At the qualification stage: the rule check the result was decided on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_check: Option<RuleCheck>,
}

/// The eligibility rule check as it stood when a qualification result was
/// recorded, by rule code (`education`, `experience_total`, `language:kk`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleCheck {
    /// No rule was unmet, once the recorded overrides were applied.
    pub eligible: bool,
    /// Rules checked and not met (none when `eligible`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_met: Vec<String>,
    /// Rules the data could not decide: the person recording the result checked them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undecided: Vec<String>,
    /// Rules not met but let through by an audited override with a reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overridden: Vec<String>,
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
    /// The candidate's rank of this application among their applications in
    /// play, 1 (first choice) to [`PREFERENCES`]; none once it has ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 4)]
    pub preference: Option<u8>,
}

impl Stage {
    /// The stage's code, as in JSON (`qualification_check`, `test`, …).
    pub fn code(self) -> &'static str {
        match self {
            Stage::QualificationCheck => "qualification_check",
            Stage::Test => "test",
            Stage::Interview => "interview",
            Stage::Decision => "decision",
        }
    }

    /// The stage that follows this one, if any.
    pub fn next(self) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| *s > self)
    }
}

impl Application {
    /// The latest stage reached, if any.
    pub fn current_stage(&self) -> Option<&StageResult> {
        self.stages.last()
    }

    /// The stage to record next: see [`next_stage`].
    pub fn next_stage(&self) -> Option<Stage> {
        next_stage(&self.stages)
    }
}

/// The stage to record after `stages` (one application's results so far), if the
/// competition goes on for it: qualification first, then each stage after a passed
/// one; none after a failed or withdrawn stage, or after the decision.
pub fn next_stage(stages: &[StageResult]) -> Option<Stage> {
    match stages.last() {
        None => Some(Stage::QualificationCheck),
        // A pending result awaits its outcome, which replaces it.
        Some(last) if last.outcome == StageOutcome::Pending => Some(last.stage),
        Some(last) if last.outcome != StageOutcome::Passed => None,
        Some(last) => last.stage.next(),
    }
}

impl Validate for Application {
    fn check(&self, v: &mut Validator) {
        if let Some(rank) = self.preference {
            if !(1..=PREFERENCES).contains(&rank) {
                v.error(
                    "preference",
                    format!("{rank} is not a preference: 1 to {PREFERENCES}"),
                );
            }
        }
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
        if let Some(first) = self.stages.first() {
            if first.stage != Stage::QualificationCheck {
                v.error(
                    "stages[0].stage",
                    format!("{:?} cannot come first: every competition starts with the qualification check", first.stage),
                );
            }
        }
        for (i, pair) in self.stages.windows(2).enumerate() {
            let (before, after) = (&pair[0], &pair[1]);
            if Some(after.stage) != before.stage.next() {
                v.error(
                    &format!("stages[{}].stage", i + 1),
                    format!("{:?} cannot follow {:?}: stages go qualification_check → test → interview → decision, none skipped, each once", after.stage, before.stage),
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
        // Interview straight after the qualification skips the test.
        assert_eq!(err.path(), "stages[1].stage");
    }

    #[test]
    fn no_stage_can_be_skipped() {
        let j = serde_json::json!({
            "id": "A-1", "vacancy_id": "V-1", "profile_id": "P-1",
            "submitted_at": "2026-11-01T10:00:00Z",
            "stages": [
                {"stage": "qualification_check", "outcome": "passed", "decided_at": "2026-11-02T10:00:00Z", "decided_by": "hr1"},
                {"stage": "decision", "outcome": "passed", "decided_at": "2026-11-03T10:00:00Z", "decided_by": "hr1"}
            ]
        });
        let err = parse_json::<Application>(&j.to_string()).unwrap_err();
        assert_eq!(err.path(), "stages[1].stage");
        let j = serde_json::json!({
            "id": "A-1", "vacancy_id": "V-1", "profile_id": "P-1",
            "submitted_at": "2026-11-01T10:00:00Z",
            "stages": [
                {"stage": "test", "outcome": "passed", "decided_at": "2026-11-02T10:00:00Z", "decided_by": "hr1"}
            ]
        });
        let err = parse_json::<Application>(&j.to_string()).unwrap_err();
        assert_eq!(err.path(), "stages[0].stage");
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
