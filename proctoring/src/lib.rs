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
//!    errors carry the JSON path of the bad field). Clock skew, gaps and
//!    duplicate answers become [`DataNote`]s; the session is still analysed.
//! 2. [`analyze`] fits, on the cohort itself, a 2PL model with ability-dependent
//!    distractor shares and van der Linden's lognormal response-time model, and
//!    runs the detectors:
//!    * `behaviour` — client events against the cohort (empirical tails);
//!    * `fast_correct`, `speed_shift` — response times;
//!    * `answer_similarity` — all pairs, exact tail of likelihood-ratio-weighted
//!      identical answers given the copier's ability and the source's answers;
//!      α bounds either the chance that an honest session is flagged with any
//!      partner (default; Bonferroni over its 2(N−1) tests) or the chance that
//!      any honest pair is flagged (Holm over all pairs); shared IP/device pairs
//!      form a second family; flagged pairs are grouped into clusters;
//!    * `person_fit` — Snijders' lz* with Guttman errors as evidence;
//!    * `score_jump` — against the examinee's earlier attempts.
//! 3. [`simulate`] generates honest and cheating cohorts and [`calibrate`]
//!    measures each detector's false-alarm rate against its nominal level and
//!    its power per cheating scenario; [`bench`] times the 5,000 × 80 case.
//!
//! [`review_evidence`] adds, per flag, what a review page plots (event
//! timeline, per-item times against the cohort, the answer grid of a pair).
//! The review queue itself lives in the store (`qabilet_store::proctoring`);
//! the stable [`FlagId`] is what decisions attach to.
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
mod dossier;
mod flag;
mod input;
mod irt;
mod pair_family;
mod personfit;
mod prepare;
mod rt;
mod similarity;
pub mod simulate;
mod stats;

pub use analyze::{analyze, Config, ModelSummary, Report, Timings};
pub use calibrate::{bench, calibrate, BenchResult, CalibrationRow, CalibrationSpec};
pub use dossier::{
    review_evidence, AnswerGrid, ItemTime, ReviewEvidence, SessionTrace, TimelineEvent,
};
pub use flag::{
    Decision, Detector, EventStat, Evidence, FalseAlarmScope, Flag, FlagId, Review, Severity,
    DISCLAIMER,
};
pub use input::{
    parse_dataset, validate, Answer, AnswerChange, Attempt, Dataset, Event, EventKind, InputError, IrtParams,
    Item, PreviousAttempt, Session, TestForm,
};
pub use prepare::{DataNote, NoteKind};
pub use similarity::{PairErrorRate, SimilarityStats};
