//! The record of one ranking: what a shortlist was computed from, compact enough
//! to keep with every audited view and decision, and the replay that recomputes
//! the ranking from it.
//!
//! A ranking is a pure function of the fusion settings and each candidate's raw
//! signals: BM25, the dense cosine (with the model group it came from), the parts
//! of the structured fit, and eligibility. Those are recorded ([`RankingRecord`]),
//! not the texts or the index they came from, so a replay needs neither — and so an
//! auditor can show, years later, that a shortlist was ranked as the log says
//! ([`replay`]), even after the index, the model and the weights have moved on.
//! The scores and the order the ranking produced are recorded too: the replay
//! recomputes them and compares.
//!
//! Size: about 120 bytes of JSON per applicant (a 5,000-applicant shortlist is
//! about 600 KB), written once per distinct ranking and shared by every view of it
//! (the record's hash is its key).

use serde::{Deserialize, Serialize};

use super::fusion::{self, ScoreParts};
use super::structured::StructuredFit;
use super::RankingConfig;

/// One candidate's raw signals, as the ranking used them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedCandidate {
    pub profile_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bm25: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dense: Option<f32>,
    /// The dense cosine is the interim (static) model's, calibrated apart.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interim: bool,
    /// The structured fit's parts: requirements, experience, education, skills.
    pub structured: [f32; 4],
    pub eligible: bool,
    /// The fused score the ranking gave.
    pub score: f32,
}

/// What one ranking was computed from, and what it produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankingRecord {
    /// The fusion settings in force.
    pub config: RankingConfig,
    /// Every candidate ranked (eligible or not), in the ranking's input order.
    pub candidates: Vec<RecordedCandidate>,
    /// The eligible candidates' profile ids, best first, as the ranking ordered
    /// them.
    pub order: Vec<String>,
}

/// A ranking recomputed from its record.
#[derive(Debug, Clone, PartialEq)]
pub struct Replayed {
    /// Per candidate, in the record's order: the fused score recomputed.
    pub scores: Vec<f32>,
    /// The eligible candidates' profile ids, best first.
    pub order: Vec<String>,
}

impl RecordedCandidate {
    /// The structured fit these parts make under `config`.
    pub fn structured_fit(&self, config: &RankingConfig) -> StructuredFit {
        let [requirements, experience, education, skills] = self.structured;
        let mut fit = StructuredFit {
            requirements,
            experience,
            education,
            skills,
            score: 0.0,
        };
        fit.score = config.structured.combine(&fit);
        fit
    }
}

/// Fuses the signals of `candidates` under `config`: the ranking's own fusion
/// (the shortlist and the replay call this one function).
pub(crate) fn fuse_signals(
    config: &RankingConfig,
    bm25: &[Option<f32>],
    dense: &[Option<f32>],
    dense_groups: &[u8],
    structured: &[Option<f32>],
) -> Vec<ScoreParts> {
    let one_group = vec![0u8; bm25.len()];
    fusion::fuse_grouped(
        [bm25, dense, structured],
        [&one_group, dense_groups, &one_group],
        [
            config.bm25_weight,
            config.dense_weight,
            config.structured_weight,
        ],
        config.method,
        config.rrf_k,
    )
}

/// Indices of the eligible candidates, best first: by score, then by profile id
/// (the ranking's own tie-break).
pub(crate) fn order_eligible(
    scores: &[f32],
    ids: &[&str],
    eligible: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).filter(|&i| eligible(i)).collect();
    order.sort_by(|&a, &b| {
        scores[b]
            .total_cmp(&scores[a])
            .then_with(|| ids[a].cmp(ids[b]))
    });
    order
}

/// Recomputes the ranking `record` describes, from its signals alone.
pub fn replay(record: &RankingRecord) -> Replayed {
    let c = &record.candidates;
    let bm25: Vec<Option<f32>> = c.iter().map(|c| c.bm25).collect();
    let dense: Vec<Option<f32>> = c.iter().map(|c| c.dense).collect();
    let groups: Vec<u8> = c.iter().map(|c| u8::from(c.interim)).collect();
    let structured: Vec<Option<f32>> = c
        .iter()
        .map(|c| Some(c.structured_fit(&record.config).score))
        .collect();
    let parts = fuse_signals(&record.config, &bm25, &dense, &groups, &structured);
    let scores: Vec<f32> = parts.iter().map(|p| p.score).collect();
    let ids: Vec<&str> = c.iter().map(|c| c.profile_id.as_str()).collect();
    let order = order_eligible(&scores, &ids, |i| c[i].eligible)
        .into_iter()
        .map(|i| c[i].profile_id.clone())
        .collect();
    Replayed { scores, order }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: &str, bm25: f32, requirements: f32, eligible: bool) -> RecordedCandidate {
        RecordedCandidate {
            profile_id: id.into(),
            bm25: Some(bm25),
            dense: None,
            interim: false,
            structured: [requirements, 1.0, 1.0, 1.0],
            eligible,
            score: 0.0,
        }
    }

    #[test]
    fn a_replay_recomputes_scores_and_order_from_the_signals_alone() {
        let mut record = RankingRecord {
            config: RankingConfig::default(),
            candidates: vec![
                candidate("P-1", 2.0, 0.5, true),
                candidate("P-2", 9.0, 1.0, true),
                candidate("P-3", 5.0, 1.0, false),
            ],
            order: vec![],
        };
        let replayed = replay(&record);
        assert_eq!(replayed.order, ["P-2", "P-1"]);
        // Ineligible candidates are scored (they are listed apart), never ranked.
        assert!(replayed.scores[2] > replayed.scores[0]);
        // A changed signal changes the outcome: P-1 now meets every rule.
        record.candidates[0].structured[0] = 1.0;
        record.candidates[0].bm25 = Some(10.0);
        assert_eq!(replay(&record).order, ["P-1", "P-2"]);
        // The record survives its JSON form bit for bit (f32 prints round-trip).
        let json = serde_json::to_string(&record).unwrap();
        let back: RankingRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(back, record);
        assert_eq!(replay(&back), replay(&record));
    }
}
