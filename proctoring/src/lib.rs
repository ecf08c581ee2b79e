//! Proctoring flags for online entrance tests.
//!
//! Given one test form, the sessions taken on it and the client events they
//! produced, this crate points a test administrator at sessions that deserve a
//! human look, and says why. **A flag is evidence for a reviewer, never a
//! verdict**: every flag states its p-value and the nominal false-alarm rate
//! its threshold was set for, so honest sessions are expected to be flagged at
//! that rate.
//!
//! # Pipeline
//! 1. [`parse_dataset`] reads the JSON described in `FORMAT.md` (strict;
//!    errors carry the JSON path of the bad field, answer-change events
//!    included). Clock skew, gaps and duplicate answers become [`DataNote`]s;
//!    the session is still analysed.
//! 2. [`analyze`] fits, on the cohort itself, a 2PL model with ability-dependent
//!    distractor shares and van der Linden's lognormal response-time model, and
//!    runs the detectors:
//!    * `behaviour` — client events against the cohort (empirical tails);
//!    * `fast_correct`, `speed_shift` — response times within the session;
//!    * `person_speed`, `rapid_guessing`, `timing_fit` — speed against the
//!      cohort: extreme τ, answers below a normative threshold (NT10) with the
//!      response-time effort and the accuracy of rapid answers, and
//!      response-time person fit (lognormal residuals);
//!    * `answer_similarity` — every pair of sessions through a SIMD screen
//!      (`screen`), then one exact test per directed pair that weighs
//!      identical answers and how soon after the source's they came, conditional
//!      on the copier's number right (`pair_test`); three pre-declared families
//!      share α (all pairs; a two-stage screen on answers and confirm on timing;
//!      shared IPs and devices, `pair_family`), either per honest session or
//!      familywise; flagged pairs are grouped with the group's evidence
//!      (`clusters`);
//!    * `person_fit` — Snijders' lz* with Guttman errors as evidence;
//!    * `score_jump` — against the examinee's earlier attempts.
//!
//!    Every flag of a session whose client recorded answer changes carries its
//!    wrong-to-right index ([`WrongToRight`]).
//! 3. [`simulate`] generates honest and cheating cohorts (rooms that start
//!    together, real-time answer sharing, rapid responders, …) and [`calibrate`]
//!    measures each detector's false-alarm rate against its nominal level and its
//!    power per scenario, with 95 % intervals and the issue's targets; [`bench`]
//!    times the all-pairs analysis (100,000 × 80 within ten minutes on two cores).
//!
//! [`review_evidence`] adds, per flag, what a review page plots (event
//! timeline, per-item times against the cohort with rapid answers, answer
//! times for a pair's timelines, the answer grid of a pair). The review queue
//! itself lives in the store (`qabilet_store::proctoring`); the stable
//! [`FlagId`] is what decisions attach to.
//!
//! # Example
//! ```
//! let json = include_str!("../examples/session.json");
//! let data = qabilet_proctoring::parse_dataset(json).unwrap();
//! let report = qabilet_proctoring::analyze(&data, &Default::default());
//! assert_eq!(report.sessions, data.sessions.len());
//! ```

mod analyze;
mod behaviour;
pub mod calibrate;
mod clusters;
mod dossier;
mod flag;
mod input;
mod irt;
mod pair_family;
mod pair_test;
mod personfit;
mod prepare;
mod rt;
mod screen;
mod simd;
mod similarity;
pub mod simulate;
mod speed;
mod stats;

pub use analyze::{
    analyze, analyze_with, Config, ModelSummary, Report, RunOptions, ScreenAudit, Timings,
};
pub use calibrate::{bench, calibrate, BenchResult, CalibrationRow, CalibrationSpec};
pub use clusters::Cluster;
pub use dossier::{
    review_evidence, AnswerGrid, ItemTime, ReviewEvidence, SessionTrace, TimelineEvent,
};
pub use flag::{
    Decision, Detector, EventStat, Evidence, FalseAlarmScope, Flag, FlagId, Review, Severity,
    WrongToRight, DISCLAIMER,
};
pub use input::{
    parse_dataset, validate, Answer, AnswerChange, Attempt, Dataset, Event, EventKind, InputError,
    IrtParams, Item, PreviousAttempt, Session, TestForm,
};
pub use prepare::{DataNote, NoteKind};
pub use simd::{simd_path, SimdPath};
pub use similarity::{PairErrorRate, SimilarityStats};
pub use stats::binomial_interval;
