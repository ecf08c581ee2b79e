//! Matching candidates and vacancies: stage 1 of a competition and everything that
//! ranks.
//!
//! A vacancy travels store → index → **matcher** → api. The matcher never touches
//! the store: callers load records and hand them in, so every function here is a
//! plain, testable computation over domain types and the [`qabilet_indexer::Index`].
//!
//! - [`eligibility`]: the qualification check, rule by rule, with evidence and
//!   audited overrides.
//! - [`ranking`]: hybrid ranking (BM25 + dense + structured fit) in both directions,
//!   with an [`ranking::Explanation`] on every item, and blind mode.
//! - [`reserve`]: the talent reserve and the second-best registry: who enters when a
//!   competition closes, who is matched and notified when a vacancy opens.
//! - [`fairness`]: selection rates and the four-fifths ratio, shown to HR and never
//!   fed back into ranking.
//! - [`eval`]: nDCG@10, recall@50 and MRR of every signal and of the fusion on graded
//!   ground truth.

pub mod eligibility;
pub mod eval;
pub mod fairness;
pub mod ranking;
pub mod reserve;
mod text;

pub use eligibility::{Eligibility, Override, Rule, RuleOutcome, RuleStatus, SpecialtyTable};
pub use ranking::{BlindProfileView, Explanation, RankingConfig};
