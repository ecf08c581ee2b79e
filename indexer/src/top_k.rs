//! The best `k` of a stream of scored items, shared by the bag-of-words BM25 pass
//! (keys are tantivy document addresses) and the vector scan (keys are rows).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// An item with its score; the better one is greater: higher score, then lower key
/// (items usually arrive in key order, so the earlier one wins a tie).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scored<K> {
    pub(crate) score: f32,
    pub(crate) key: K,
}

impl<K: Ord> Eq for Scored<K> {}

impl<K: Ord> PartialOrd for Scored<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<K: Ord> Ord for Scored<K> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.key.cmp(&self.key))
    }
}

/// The best `limit` items pushed so far.
pub(crate) struct TopK<K> {
    limit: usize,
    /// Min-heap: the weakest kept item on top.
    heap: BinaryHeap<Reverse<Scored<K>>>,
    /// The weakest kept score once full, else `f32::MIN`: what an item must beat.
    floor: f32,
}

impl<K: Ord> TopK<K> {
    pub(crate) fn new(limit: usize) -> Self {
        TopK {
            limit,
            heap: BinaryHeap::with_capacity(limit + 1),
            floor: f32::MIN,
        }
    }

    /// The score an item must exceed to enter.
    pub(crate) fn threshold(&self) -> f32 {
        self.floor
    }

    pub(crate) fn push(&mut self, item: Scored<K>) {
        // An equal score loses the tie to the item already kept (pushed earlier).
        if self.limit == 0 || (self.heap.len() == self.limit && item.score <= self.floor) {
            return;
        }
        self.heap.push(Reverse(item));
        if self.heap.len() > self.limit {
            self.heap.pop();
        }
        if self.heap.len() == self.limit {
            self.floor = self.heap.peek().map_or(f32::MIN, |s| s.0.score);
        }
    }

    /// The kept items, in no particular order.
    pub(crate) fn into_vec(self) -> Vec<Scored<K>> {
        self.heap.into_iter().map(|s| s.0).collect()
    }

    /// The kept items, best first.
    pub(crate) fn into_sorted(self) -> Vec<Scored<K>> {
        let mut v = self.into_vec();
        v.sort_unstable_by(|a, b| b.cmp(a));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_best_and_breaks_ties_by_the_lower_key() {
        let mut top = TopK::new(3);
        for (key, score) in [
            (1u32, 0.5),
            (2, 0.9),
            (3, 0.5),
            (4, 0.7),
            (5, 0.1),
            (6, 0.5),
        ] {
            top.push(Scored { score, key });
        }
        assert_eq!(top.threshold(), 0.5);
        let kept: Vec<u32> = top.into_sorted().into_iter().map(|s| s.key).collect();
        assert_eq!(kept, [2, 4, 1]);
        let mut none = TopK::new(0);
        none.push(Scored {
            score: 1.0,
            key: 1u32,
        });
        assert!(none.into_vec().is_empty());
    }
}
