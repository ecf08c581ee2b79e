//! The entries of a kept ranking, shared by every view of it, each entry's JSON
//! written once.
//!
//! A shortlist is ranked once at its longest length and every view is a prefix
//! of it (see `cached`). Cloning the prefix's entries and serialising them again
//! for every request was most of what a kept view cost: fifty entries of each
//! list are about 240 KB of JSON (every entry carries its explanation and the
//! person as the viewer may see them). So a view holds the ranking's entries
//! behind an `Arc` with its own length, and each entry keeps its JSON text once
//! it has been written; the next view copies those bytes.

use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

/// The first `len` entries of a ranked list, shared with the whole ranking.
/// Reads like a slice of them (`Deref<Target = [T]>`).
#[derive(Debug)]
pub struct Entries<T> {
    shared: Arc<Shared<T>>,
    len: usize,
}

#[derive(Debug)]
struct Shared<T> {
    entries: Vec<T>,
    /// Each entry's JSON, written by the first view that serialises it.
    json: Vec<OnceLock<Box<RawValue>>>,
}

impl<T> Entries<T> {
    pub fn new(entries: Vec<T>) -> Entries<T> {
        let len = entries.len();
        let json = entries.iter().map(|_| OnceLock::new()).collect();
        Entries {
            shared: Arc::new(Shared { entries, json }),
            len,
        }
    }

    /// The first `limit` of these entries, sharing them.
    pub fn prefix(&self, limit: usize) -> Entries<T> {
        Entries {
            shared: self.shared.clone(),
            len: self.len.min(limit),
        }
    }
}

impl<T> Clone for Entries<T> {
    fn clone(&self) -> Self {
        Entries {
            shared: self.shared.clone(),
            len: self.len,
        }
    }
}

impl<T> Deref for Entries<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.shared.entries[..self.len]
    }
}

impl<'a, T> IntoIterator for &'a Entries<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T> From<Vec<T>> for Entries<T> {
    fn from(entries: Vec<T>) -> Self {
        Entries::new(entries)
    }
}

impl<T: Serialize> Serialize for Entries<T> {
    /// As a JSON array of the entries; each entry's text is written on the first
    /// serialisation and copied afterwards. (`RawValue` is copied verbatim by
    /// serde_json's serialiser, the only one the shortlist is written with.)
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len))?;
        for (entry, json) in self
            .shared
            .entries
            .iter()
            .zip(&self.shared.json)
            .take(self.len)
        {
            let text = match json.get() {
                Some(text) => text,
                None => {
                    let text = serde_json::value::to_raw_value(entry).map_err(S::Error::custom)?;
                    json.get_or_init(|| text)
                }
            };
            seq.serialize_element(text)?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Entry {
        rank: usize,
        name: &'static str,
    }

    #[test]
    fn a_prefix_serialises_as_its_entries_would_and_twice_the_same() {
        let all = Entries::new(vec![
            Entry {
                rank: 1,
                name: "a \"quoted\" name",
            },
            Entry { rank: 2, name: "b" },
            Entry { rank: 3, name: "c" },
        ]);
        let first_two = all.prefix(2);
        assert_eq!(first_two.len(), 2);
        assert_eq!(first_two[1].rank, 2);
        let expected = serde_json::to_string(&all[..2]).unwrap();
        assert_eq!(serde_json::to_string(&first_two).unwrap(), expected);
        // The second time copies the kept text.
        assert_eq!(serde_json::to_string(&first_two).unwrap(), expected);
        assert_eq!(
            serde_json::to_string(&all).unwrap(),
            serde_json::to_string(&all[..]).unwrap()
        );
        assert_eq!(serde_json::to_string(&all.prefix(0)).unwrap(), "[]");
        assert_eq!(all.prefix(10).len(), 3);
    }
}
