//! Each applicant's qualification check and structured fit, kept under the exact
//! versions of the two records they were computed from, so that ranking a
//! competition again checks only the applicants whose profile (or whose vacancy)
//! changed since.
//!
//! A pair's check depends on the vacancy, the profile, the checker (fixed for the
//! process) and the ranking weights alone: the key holds a hash of the whole
//! vacancy as read for this ranking, the profile's [`ProfileStamp`] (equal stamps
//! mean an equal body) and the weights' version. The commission's overrides are
//! applied to a copy by the ranker, so they are never kept. Every ranking is
//! still of the records as stored when it started: the keys are read with them.
//!
//! Why: on the national load test's 5,000-applicant competition the check,
//! writing out every rule's evidence for every applicant and then dropping it,
//! was the largest part of a fresh ranking (see `docs/performance.md`).

use std::sync::Arc;

use qabilet_domain::Vacancy;
use qabilet_matcher::ranking::{KeptPairs, Pair};
use qabilet_store::ProfileStamp;
use quick_cache::sync::Cache;
use sha2::{Digest, Sha256};

/// (the first 128 bits of the SHA-256 of the vacancy's JSON, the profile's stored
/// version, the weights' version). SHA-256, not a fast hash: whoever edits a
/// vacancy must not be able to make two versions of it collide and keep stale
/// checks.
type Key = (u128, ProfileStamp, u64);

/// The kept pairs of every competition ranked on this node, least recently used
/// out. One to two kilobytes each (the rules with their evidence), by the
/// sizes of their types.
pub(crate) struct PairCache(Option<Cache<Key, Arc<Pair>>>);

impl PairCache {
    /// At most `pairs` pairs; 0 keeps none, so every ranking checks every pair.
    pub(crate) fn with_pairs(pairs: u64) -> PairCache {
        let pairs = usize::try_from(pairs).unwrap_or(usize::MAX);
        PairCache((pairs > 0).then(|| Cache::new(pairs)))
    }

    /// The pairs of one ranking of `vacancy` with weights `weights`, one per
    /// applicant in `stamps` order.
    pub(crate) fn for_ranking(
        &self,
        vacancy: &Vacancy,
        weights: u64,
        stamps: Vec<ProfileStamp>,
    ) -> RankingPairs<'_> {
        let Some(cache) = &self.0 else {
            return RankingPairs {
                cache: None,
                keys: Vec::new(),
            };
        };
        // Serialising a vacancy cannot fail (plain data); an empty text would
        // only make every pair of this ranking miss.
        let json = serde_json::to_vec(vacancy).unwrap_or_default();
        let digest = Sha256::digest(&json);
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest[..16]);
        let vacancy = u128::from_be_bytes(first);
        let keys = stamps.into_iter().map(|s| (vacancy, s, weights)).collect();
        RankingPairs {
            cache: Some(cache),
            keys,
        }
    }
}

/// One ranking's view of the kept pairs: candidate `i`'s key is `keys[i]`.
pub(crate) struct RankingPairs<'a> {
    cache: Option<&'a Cache<Key, Arc<Pair>>>,
    keys: Vec<Key>,
}

impl KeptPairs for RankingPairs<'_> {
    fn kept(&self, i: usize) -> Option<Arc<Pair>> {
        self.cache?.get(self.keys.get(i)?)
    }

    fn keep(&self, i: usize, pair: &Arc<Pair>) {
        if let (Some(cache), Some(key)) = (self.cache, self.keys.get(i)) {
            cache.insert(key.clone(), pair.clone());
        }
    }
}
