//! Groups of colluders: the connected components of the flagged pairs, each
//! with the evidence a reviewer needs to judge the group as a whole.
//!
//! Components rather than cliques: a source who passes answers to two copiers
//! links them although the copiers never saw each other, and a reviewer wants
//! that ring as one case. Whether the group is also a clique (every member
//! flagged with every other) is reported, as are the items on which every
//! member chose the same wrong option — the group-level counterpart of a
//! pair's identical wrong answers.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::analyze::Ctx;
use crate::flag::{Evidence, Flag, FlagId};
use crate::prepare::{Prepared, OMIT};

/// A group of sessions linked by similarity flags.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cluster {
    /// Index, as in each pair flag's `cluster` evidence.
    pub id: usize,
    /// Member sessions.
    pub sessions: Vec<String>,
    /// Their examinees, in the same order.
    pub examinees: Vec<String>,
    /// The flags that link them.
    pub flags: Vec<FlagId>,
    /// Whether every two members were flagged together.
    pub complete: bool,
    /// The smallest p-value among the links.
    pub strongest_p_value: f64,
    /// Items on which every member chose the same wrong option.
    pub same_wrong_items: Vec<String>,
    /// Identical answers given within the follow window after another
    /// member's, summed over the links.
    pub follows: usize,
}

/// Groups flagged pairs into connected components (union-find), smallest index first.
pub(crate) fn clusters(n: usize, edges: impl Iterator<Item = (u32, u32)>) -> Vec<Vec<u32>> {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    let mut touched = Vec::new();
    for (a, b) in edges {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
        touched.extend([a, b]);
    }
    touched.sort_unstable();
    touched.dedup();
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
    for x in touched {
        let r = find(&mut parent, x);
        groups.entry(r).or_default().push(x);
    }
    let mut out: Vec<Vec<u32>> = groups.into_values().collect();
    out.sort();
    out
}

/// The evidence of each group; `flags` are the pair flags, whose `cluster`
/// evidence indexes `groups`.
pub(crate) fn describe(
    ctx: &Ctx,
    prep: &Prepared,
    groups: &[Vec<u32>],
    flags: &[Flag],
) -> Vec<Cluster> {
    let ni = prep.n_items;
    groups
        .iter()
        .enumerate()
        .map(|(id, members)| {
            let links: Vec<&Flag> = flags
                .iter()
                .filter(|f| matches!(f.evidence, Evidence::AnswerSimilarity { cluster, .. } if cluster == id))
                .collect();
            let k = members.len();
            let same_wrong_items = (0..ni)
                .filter(|&i| {
                    let first = prep.responses[members[0] as usize * ni + i];
                    first != OMIT
                        && first != prep.keys[i]
                        && members
                            .iter()
                            .all(|&m| prep.responses[m as usize * ni + i] == first)
                })
                .map(|i| ctx.item_ids[i].clone())
                .collect();
            Cluster {
                id,
                sessions: members
                    .iter()
                    .map(|&m| ctx.session_ids[m as usize].clone())
                    .collect(),
                examinees: members
                    .iter()
                    .map(|&m| ctx.examinee_ids[m as usize].clone())
                    .collect(),
                flags: links.iter().map(|f| f.id.clone()).collect(),
                complete: links.len() == k * (k - 1) / 2,
                strongest_p_value: links.iter().map(|f| f.p_value).fold(1.0, f64::min),
                same_wrong_items,
                follows: links
                    .iter()
                    .map(|f| match f.evidence {
                        Evidence::AnswerSimilarity { follows, .. } => follows,
                        _ => 0,
                    })
                    .sum(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_find_groups_chains() {
        let c = clusters(6, [(0, 1), (1, 2), (4, 5)].into_iter());
        assert_eq!(c, vec![vec![0, 1, 2], vec![4, 5]]);
    }
}
