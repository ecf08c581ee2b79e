//! The specialty synonym table: which specialty names mean the same across Kazakh,
//! Russian and English («Есеп және аудит» ≈ «Учёт и аудит» ≈ "Accounting and Audit").
//!
//! Names are keyed by their analysed terms (the index's analyser: lowercase, ё → е,
//! stemmed per language, sorted), so word forms and spelling variants need no entry.
//! The built-in table is `specialties.tsv`; a deployment may load its own with
//! [`SpecialtyTable::parse`].

use std::collections::HashMap;

use crate::text::terms;

const BUILT_IN: &str = include_str!("specialties.tsv");

/// Specialty names grouped into synonym sets. Built once and shared; lookups are
/// hash-map reads.
#[derive(Debug, Clone)]
pub struct SpecialtyTable {
    /// Normalised name → synonym set number.
    ids: HashMap<String, usize>,
    /// The first name of every set, for evidence ("≈ Accounting and Audit").
    canonical: Vec<String>,
}

/// A line of a table file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("specialty table line {line}: {reason}")]
pub struct TableError {
    pub line: usize,
    pub reason: String,
}

/// The comparison key of a specialty name: its sorted analysed terms.
pub(crate) fn key(name: &str) -> String {
    let mut t: Vec<String> = terms(name).into_iter().collect();
    t.sort();
    t.join(" ")
}

impl SpecialtyTable {
    /// The built-in table.
    pub fn built_in() -> Self {
        // The built-in file is tested below; a broken line there is a build bug.
        Self::parse(BUILT_IN).unwrap_or_else(|_| SpecialtyTable {
            ids: HashMap::new(),
            canonical: Vec::new(),
        })
    }

    /// Parses a table: one synonym set per line, names separated by tabs; `#` starts a
    /// comment line. A name listed in two sets is an error, since it would make the
    /// match depend on the order of lines.
    pub fn parse(text: &str) -> Result<Self, TableError> {
        let mut ids = HashMap::new();
        let mut canonical = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let id = canonical.len();
            let mut first = None;
            for name in line.split('\t').map(str::trim).filter(|n| !n.is_empty()) {
                let k = key(name);
                if k.is_empty() {
                    return Err(TableError {
                        line: line_no,
                        reason: format!("{name:?} has no words"),
                    });
                }
                match ids.get(&k) {
                    Some(&other) if other != id => {
                        return Err(TableError {
                            line: line_no,
                            reason: format!(
                                "{name:?} is already a synonym of {:?}",
                                canonical[other]
                            ),
                        })
                    }
                    _ => {}
                }
                ids.insert(k, id);
                first.get_or_insert_with(|| name.to_owned());
            }
            if let Some(first) = first {
                canonical.push(first);
            }
        }
        Ok(SpecialtyTable { ids, canonical })
    }

    /// The synonym set of `name`, if the table knows it.
    pub fn id(&self, name: &str) -> Option<usize> {
        self.ids.get(&key(name)).copied()
    }

    /// The first name of synonym set `id`.
    pub fn canonical(&self, id: usize) -> Option<&str> {
        self.canonical.get(id).map(String::as_str)
    }

    /// Number of synonym sets.
    pub fn len(&self) -> usize {
        self.canonical.len()
    }

    pub fn is_empty(&self) -> bool {
        self.canonical.is_empty()
    }

    /// Whether two names denote the same specialty: `Some(true/false)` when the
    /// table knows both or they normalise to the same words, `None` when it cannot
    /// tell (a name outside the table, in words that differ).
    pub fn same(&self, a: &str, b: &str) -> Option<bool> {
        self.lookup(a).same(&self.lookup(b))
    }

    /// A name analysed once, for comparing with many others.
    pub fn lookup(&self, name: &str) -> SpecialtyKey {
        let key = key(name);
        let id = self.ids.get(&key).copied();
        SpecialtyKey { key, id }
    }
}

/// A specialty name's comparison key and synonym set (see [`SpecialtyTable::lookup`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SpecialtyKey {
    key: String,
    id: Option<usize>,
}

impl SpecialtyKey {
    /// [`SpecialtyTable::same`] on looked-up names.
    pub fn same(&self, other: &SpecialtyKey) -> Option<bool> {
        if !self.key.is_empty() && self.key == other.key {
            return Some(true);
        }
        match (self.id, other.id) {
            (Some(x), Some(y)) => Some(x == y),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_match_across_languages_and_spellings() {
        let t = SpecialtyTable::built_in();
        assert!(t.len() > 50);
        assert_eq!(t.same("Учет и аудит", "Есеп және аудит"), Some(true));
        assert_eq!(t.same("Accounting and audit", "Учёт и аудит"), Some(true));
        assert_eq!(t.same("Учет и аудит", "Юриспруденция"), Some(false));
        assert_eq!(t.same("Учет и аудит", "Астрология"), None);
        assert_eq!(t.same("Астрология", "астрология"), Some(true));
    }

    #[test]
    fn conflicting_lines_are_rejected() {
        let err = SpecialtyTable::parse("Law\tПраво\nПраво\tRight").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(SpecialtyTable::parse("# c\n\nA\tB\n").is_ok());
    }
}
