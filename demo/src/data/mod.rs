//! Static word lists the generator draws from.
//!
//! Each occupation family carries the same kinds of phrases in Kazakh, Russian and
//! English. The lists deliberately hold synonyms and different word forms of the same
//! idea (бухгалтерский учёт / бухгалтерского учета; бухгалтерлік есеп / есепті жүргізу),
//! so that a vacancy and a fitting profile rarely share exact keywords: a matcher has to
//! understand meaning, not count tokens. Families are split over several files only to
//! keep each file short.

mod common;
mod families_a;
mod families_b;
mod families_c;
mod families_d;
mod families_e;
mod families_f;
mod names;
mod orgs;

pub(crate) use common::*;
pub(crate) use names::*;
pub(crate) use orgs::*;

use qabilet_domain::Language;

/// Phrases of one occupation family in one language.
pub(crate) struct Texts {
    /// Job titles as written in CVs and in the private sector ("бухгалтер", "есепші").
    pub prof: &'static [&'static str],
    /// Names of the structural unit that does this work. Russian: genitive, to follow
    /// «отдел»/«управление» and «в сфере»; Kazakh: nominative, to precede «бөлімі» and
    /// «саласы»; English: lower case, title-cased where used in a title.
    pub unit: &'static [&'static str],
    /// Functional duties, in the forms vacancies and CVs use.
    pub duty: &'static [&'static str],
    /// Skills and competencies.
    pub skill: &'static [&'static str],
    /// Education specialties that prepare for the work. Index `i` names the same
    /// specialty in every language, so "accepted specialty" can be judged across
    /// languages (the English name is the key).
    pub spec: &'static [&'static str],
    /// Institutions known for this field.
    pub inst: &'static [&'static str],
}

/// One occupation family found in a ministry or an akimat.
pub(crate) struct Family {
    /// Stable code, used in ground truth and tests.
    pub code: &'static str,
    /// Families whose people could plausibly do this work (graded 2 or 1).
    pub related: &'static [&'static str],
    pub kk: Texts,
    pub ru: Texts,
    pub en: Texts,
}

impl Family {
    pub fn texts(&self, lang: Language) -> &Texts {
        match lang {
            Language::Kk => &self.kk,
            Language::Ru => &self.ru,
            Language::En => &self.en,
        }
    }

    /// Number of specialties that exist in all three languages.
    pub fn spec_count(&self) -> usize {
        self.kk
            .spec
            .len()
            .min(self.ru.spec.len())
            .min(self.en.spec.len())
    }
}

/// Every occupation family, in a fixed order (the index is the family id).
pub(crate) fn families() -> &'static [&'static Family] {
    use std::sync::OnceLock;
    static ALL: OnceLock<Vec<&'static Family>> = OnceLock::new();
    ALL.get_or_init(|| {
        families_a::FAMILIES
            .iter()
            .chain(families_b::FAMILIES)
            .chain(families_c::FAMILIES)
            .chain(families_d::FAMILIES)
            .chain(families_e::FAMILIES)
            .chain(families_f::FAMILIES)
            .copied()
            .collect()
    })
}

/// The index of the family with this code.
pub(crate) fn family_index(code: &str) -> Option<usize> {
    families().iter().position(|f| f.code == code)
}
