//! Flags, their evidence and the review record.
//!
//! A flag says "this deserves a human look, and here is why"; it is never a
//! verdict. Each carries the statistic, its p-value and the nominal false-alarm
//! rate the threshold was set for, so a reviewer can weigh it. Flag ids are a
//! hash of (form, detector, sessions): re-running the analysis on the same
//! sessions yields the same id, so a later review queue can attach decisions to
//! it even though the p-value may shift slightly as the cohort grows.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Shown with every report: flags are evidence for a person to weigh.
pub const DISCLAIMER: &str = "A flag is statistical or behavioural evidence for a human reviewer, \
never a verdict. Honest sessions are flagged at the stated false-alarm rate.";

/// Stable identifier of a flag.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FlagId(pub String);

impl FlagId {
    /// Derives the id from the form, detector and (unordered) session ids.
    pub fn new(form_id: &str, detector: Detector, sessions: &[&str]) -> Self {
        let mut s: Vec<&str> = sessions.to_vec();
        s.sort_unstable();
        // FNV-1a 64: tiny, stable across platforms and releases (unlike std's hasher).
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for part in std::iter::once(form_id)
            .chain(std::iter::once(detector.name()))
            .chain(s)
        {
            for byte in part.bytes().chain(std::iter::once(0u8)) {
                h ^= u64::from(byte);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        FlagId(format!("{}-{h:016x}", detector.code()))
    }
}

impl fmt::Display for FlagId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which detector raised a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detector {
    /// Client events far above the cohort.
    Behaviour,
    /// Many answers both unusually fast and correct (pre-knowledge).
    FastCorrect,
    /// Speed changes markedly between the halves of the session.
    SpeedShift,
    /// Two sessions agree on answers more than their abilities explain.
    AnswerSimilarity,
    /// Answer pattern unlikely under the model for this ability (lz*).
    PersonFit,
    /// Score far above the same examinee's earlier attempts.
    ScoreJump,
    /// Working speed (τ of the lognormal model) extreme, fast or slow, against the cohort.
    PersonSpeed,
    /// Many answers faster than any reading of the item allows (normative threshold).
    RapidGuessing,
    /// Response-time pattern unlikely for this speed (lognormal residuals).
    TimingFit,
}

impl Detector {
    /// Every detector, in report order.
    pub const ALL: [Detector; 9] = [
        Detector::Behaviour,
        Detector::FastCorrect,
        Detector::SpeedShift,
        Detector::PersonSpeed,
        Detector::RapidGuessing,
        Detector::TimingFit,
        Detector::AnswerSimilarity,
        Detector::PersonFit,
        Detector::ScoreJump,
    ];

    /// Snake-case name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Detector::Behaviour => "behaviour",
            Detector::FastCorrect => "fast_correct",
            Detector::SpeedShift => "speed_shift",
            Detector::AnswerSimilarity => "answer_similarity",
            Detector::PersonFit => "person_fit",
            Detector::ScoreJump => "score_jump",
            Detector::PersonSpeed => "person_speed",
            Detector::RapidGuessing => "rapid_guessing",
            Detector::TimingFit => "timing_fit",
        }
    }

    fn code(self) -> &'static str {
        match self {
            Detector::Behaviour => "beh",
            Detector::FastCorrect => "fst",
            Detector::SpeedShift => "spd",
            Detector::AnswerSimilarity => "sim",
            Detector::PersonFit => "fit",
            Detector::ScoreJump => "jmp",
            Detector::PersonSpeed => "tau",
            Detector::RapidGuessing => "rap",
            Detector::TimingFit => "tfi",
        }
    }
}

/// How strongly the evidence exceeds the threshold. Ordered low < medium < high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// p at most the nominal level.
    Low,
    /// p at most a tenth of it.
    Medium,
    /// p at most a hundredth of it.
    High,
}

impl Severity {
    /// Severity of a p-value against the threshold it was tested at.
    pub fn from_p(p: f64, threshold: f64) -> Severity {
        if p <= threshold / 100.0 {
            Severity::High
        } else if p <= threshold / 10.0 {
            Severity::Medium
        } else {
            Severity::Low
        }
    }
}

/// What the nominal false-alarm rate of a flag refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FalseAlarmScope {
    /// Probability that an honest session gets this flag.
    PerSession,
    /// Probability that an honest session gets a flag of this kind with any
    /// partner (Bonferroni over the session's 2(N−1) directed pair tests).
    PerSessionAnyPartner,
    /// Probability that any honest pair in the whole cohort gets this flag
    /// (Holm over all directed pairs).
    FamilywiseAllPairs,
}

/// A session's recorded answer changes, with the wrong-to-right index: how
/// unusual its number of changes to the key is, given how many changes it made
/// and how often a change is to the key in the whole cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WrongToRight {
    /// The session.
    pub session: String,
    /// Changes recorded (blanks count as wrong).
    pub changes: u32,
    /// Changes from a wrong option (or blank) to the key.
    pub wrong_to_right: u32,
    /// Changes from the key to something else.
    pub right_to_wrong: u32,
    /// Changes between wrong options.
    pub wrong_to_wrong: u32,
    /// Share of all the cohort's changes that are wrong-to-right.
    pub cohort_share: f64,
    /// Wrong-to-right changes expected for this many changes: changes × cohort share.
    pub expected: f64,
    /// P(at least this many wrong-to-right | changes) under the cohort share
    /// (binomial tail); small values single out erasure-driven score gains.
    pub p_value: f64,
}

/// Structured evidence: the numbers a reviewer needs, per detector.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Evidence {
    /// Behavioural events against the cohort.
    Behaviour {
        /// The event statistics that stand out most (smallest cohort tail first).
        stats: Vec<EventStat>,
        /// Sessions in the cohort the combined score was compared with.
        cohort_sessions: usize,
    },
    /// Fast-and-correct answers.
    FastCorrect {
        /// Answers with a speed residual below the threshold and correct.
        fast_correct: usize,
        /// Expected count for an honest examinee of this ability and speed.
        expected: f64,
        /// Items with a known response time.
        timed_items: usize,
        /// Item ids of the fast-and-correct answers (first 20).
        items: Vec<String>,
        /// Median response time of those answers in seconds.
        median_seconds: f64,
        /// Cohort median response time on the same items in seconds.
        cohort_median_seconds: f64,
    },
    /// Speed shift between halves.
    SpeedShift {
        /// Mean standardized log-time residual in the first half (negative = faster than usual).
        first_half_residual: f64,
        /// Mean residual in the second half.
        second_half_residual: f64,
        /// Proportion correct in the first half.
        first_half_correct: f64,
        /// Proportion correct in the second half.
        second_half_correct: f64,
        /// Welch t statistic.
        t: f64,
    },
    /// Person speed against the cohort.
    PersonSpeed {
        /// Estimated speed τ (log-time units; higher is faster).
        tau: f64,
        /// Cohort median of τ.
        cohort_median_tau: f64,
        /// Robust cohort spread of τ (1.4826 × MAD).
        cohort_sd_tau: f64,
        /// Standardized speed (positive = faster than the cohort).
        z: f64,
        /// Time this examinee takes relative to a typical one (e^(median τ − τ)).
        time_ratio: f64,
        /// Items with a known response time.
        timed_items: usize,
    },
    /// Rapid guessing under a normative threshold per item.
    RapidGuessing {
        /// Share of the item's cohort median time below which an answer is rapid.
        threshold_share: f64,
        /// Upper limit of any item's threshold in seconds.
        threshold_cap_s: f64,
        /// Rapid answers.
        rapid: usize,
        /// Items with a known response time.
        timed_items: usize,
        /// Response-time effort: share of timed answers that were not rapid.
        response_time_effort: f64,
        /// Rapid answers that were correct.
        rapid_correct: usize,
        /// Their accuracy (correct / rapid).
        rapid_accuracy: f64,
        /// Accuracy of a blind guess on those items (mean 1/options).
        chance_accuracy: f64,
        /// Rapid answers an honest examinee of this cohort makes on average.
        expected_rapid: f64,
        /// Item ids of the rapid answers (first 20).
        items: Vec<String>,
    },
    /// Response-time person fit.
    TimingFit {
        /// Σ z² of standardized log-time residuals.
        chi_square: f64,
        /// Degrees of freedom (timed items − 1).
        df: usize,
        /// Items with the largest residuals: (item id, z, seconds, cohort median seconds).
        largest: Vec<(String, f64, f64, f64)>,
    },
    /// Answer similarity for a pair.
    AnswerSimilarity {
        /// The session assumed to have copied in the stronger direction.
        copier: String,
        /// The session assumed to be the source.
        source: String,
        /// Identical answers (excluding blanks).
        identical: usize,
        /// Identical answers expected given the copier's ability and the source's answers.
        expected_identical: f64,
        /// Identical wrong answers (same distractor).
        identical_incorrect: usize,
        /// Items both answered.
        common_items: usize,
        /// Abilities of copier and source.
        theta_copier: f64,
        /// Ability of the source.
        theta_source: f64,
        /// Shared IPs or device fingerprints (empty if none).
        shared_network: Vec<String>,
        /// Cluster of sessions linked by similarity flags.
        cluster: usize,
        /// Identical answers the copier gave within the follow window after the source's.
        follows: usize,
        /// Such answers expected from an honest copier given when it worked.
        expected_follows: f64,
        /// The follow window in seconds.
        follow_window_s: f64,
        /// Median seconds from the source's identical answer to the copier's.
        median_lag_s: Option<f64>,
        /// Correlation of the two log response times on identical answers.
        log_rt_correlation: Option<f64>,
        /// The p-value of the answers alone (same conditioning), for comparison.
        p_answers_only: f64,
        /// Which family of tests flagged the pair: `all_pairs` (the combined
        /// test against every partner), `screen_and_confirm` (answers selected
        /// the pair, the timing of its identical answers confirmed it) or
        /// `shared_network`.
        family: String,
        /// The confirm stage's p-value (timing of identical answers given the
        /// answers), when the pair's answers selected it.
        p_timing_given_answers: Option<f64>,
        /// Selected tests of the busier session of the pair: the confirm
        /// stage's multiplicity.
        selected_tests: Option<u32>,
        /// The copier's number right the test was conditioned on.
        copier_score: usize,
    },
    /// Person fit.
    PersonFit {
        /// Snijders' lz* (negative = aberrant).
        lz_star: f64,
        /// Guttman errors: pairs (easier wrong, harder right).
        guttman_errors: usize,
        /// Guttman errors normalized to 0..1 by the maximum for this score.
        guttman_normed: f64,
        /// Number correct.
        score: usize,
        /// Ability estimate.
        theta: f64,
    },
    /// Score jump.
    ScoreJump {
        /// Proportion correct now.
        current: f64,
        /// Proportion correct in the most recent earlier attempt.
        previous: f64,
        /// Practice gain allowed before testing.
        allowed_gain: f64,
        /// Number of earlier attempts seen.
        earlier_attempts: usize,
    },
}

/// One event statistic of a session compared with the cohort.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventStat {
    /// e.g. `focus_lost count` or `face_absent seconds`.
    pub name: String,
    /// The session's value.
    pub value: f64,
    /// Cohort median.
    pub cohort_median: f64,
    /// Cohort 99th percentile.
    pub cohort_p99: f64,
    /// Share of cohort sessions at or above this value.
    pub cohort_tail: f64,
}

/// One flag: a detector's evidence that a session (or pair) deserves review.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flag {
    /// Stable id for reviews.
    pub id: FlagId,
    /// Detector that raised it.
    pub detector: Detector,
    /// Sessions concerned (one, or two for similarity).
    pub sessions: Vec<String>,
    /// Their examinees.
    pub examinees: Vec<String>,
    /// How far past the threshold.
    pub severity: Severity,
    /// The test statistic (detector-specific; see `evidence`).
    pub statistic: f64,
    /// p-value of the statistic under the honest-session model (before any correction).
    pub p_value: f64,
    /// The threshold the p-value was compared with (after correction).
    pub threshold: f64,
    /// Nominal false-alarm rate the threshold guarantees.
    pub nominal_false_alarm_rate: f64,
    /// What that rate refers to.
    pub false_alarm_scope: FalseAlarmScope,
    /// One-line summary for the reviewer.
    pub summary: String,
    /// Structured numbers behind the flag.
    pub evidence: Evidence,
    /// Answer changes of the flag's sessions, when the client records them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer_changes: Vec<WrongToRight>,
}

/// A reviewer's decision on a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The reviewer found the concern substantiated.
    Confirmed,
    /// The reviewer found an innocent explanation.
    Dismissed,
}

/// A review of one flag, to be stored in the (audited) review queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// The flag reviewed.
    pub flag_id: FlagId,
    /// The decision.
    pub decision: Decision,
    /// Why.
    pub comment: String,
    /// Who decided.
    pub reviewer: String,
    /// When.
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_id_is_stable_and_order_free() {
        let a = FlagId::new("f", Detector::AnswerSimilarity, &["s1", "s2"]);
        let b = FlagId::new("f", Detector::AnswerSimilarity, &["s2", "s1"]);
        assert_eq!(a, b);
        assert_ne!(a, FlagId::new("f", Detector::PersonFit, &["s1", "s2"]));
        // Pinned value: changing the hash would orphan stored reviews.
        assert_eq!(FlagId::new("f", Detector::PersonFit, &["s1"]).0.len(), 20);
        assert!(a.0.starts_with("sim-"));
    }

    #[test]
    fn review_round_trips() {
        let r = Review {
            flag_id: FlagId("sim-0".into()),
            decision: Decision::Dismissed,
            comment: "siblings at the same desk were seated apart; answers differ".into(),
            reviewer: "admin-3".into(),
            at: Utc::now(),
        };
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<Review>(&json).unwrap(), r);
    }

    #[test]
    fn severity_orders_by_p() {
        assert_eq!(Severity::from_p(1e-6, 1e-3), Severity::High);
        assert_eq!(Severity::from_p(5e-5, 1e-3), Severity::Medium);
        assert_eq!(Severity::from_p(1e-3, 1e-3), Severity::Low);
        assert!(Severity::High > Severity::Low);
    }
}
