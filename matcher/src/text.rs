//! Small text helpers shared by the rules and the explanations: analysed term sets
//! (the index's own analyser, so "учёта" and "учет" agree), sentence splitting and
//! lexical overlap.

use std::collections::HashSet;

use qabilet_indexer::analysis::analyze;

/// Words that name a rank or a kind of unit rather than a field of work. Two posts
/// sharing only "chief specialist of the department" are not in the same field, so
/// these are ignored wherever the field of a job is compared with a vacancy's.
/// Written as people write them; they go through the analyser like any text.
const GENERIC_WORDS: &str = "главный ведущий старший специалист эксперт руководитель начальник \
    заместитель директор отдел отдела управление управления департамент департамента служба \
    сектор сектора бас жетекші маман сарапшы басшы басшысы орынбасары бөлім бөлімінің басқарма \
    басқармасының департаменті chief leading senior specialist expert head deputy director \
    department division office unit manager of the and и және по в";

/// The analysed terms of `text`, deduplicated.
pub(crate) fn terms(text: &str) -> HashSet<String> {
    analyze(text).into_iter().collect()
}

/// The generic rank and unit terms, analysed once per call site.
pub(crate) fn generic_terms() -> HashSet<String> {
    terms(GENERIC_WORDS)
}

/// `text` with the generic words removed, as terms.
pub(crate) fn content_terms(text: &str, generic: &HashSet<String>) -> HashSet<String> {
    let mut t = terms(text);
    t.retain(|w| !generic.contains(w) && w.chars().count() > 1);
    t
}

/// Splits text into sentences and list items: at `.`, `;`, `!`, `?` and line breaks.
/// Crude on abbreviations ("т.е."), which only makes an explanation's excerpt shorter.
pub(crate) fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split(['.', ';', '!', '?', '\n'])
        .map(str::trim)
        .filter(|s| s.chars().filter(|c| c.is_alphanumeric()).count() >= 3)
}

/// Share of `part`'s terms found in `whole`; 0 for an empty `part`.
pub(crate) fn coverage(part: &HashSet<String>, whole: &HashSet<String>) -> f32 {
    if part.is_empty() {
        return 0.0;
    }
    part.iter().filter(|t| whole.contains(*t)).count() as f32 / part.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_words_are_dropped() {
        let g = generic_terms();
        let t = content_terms("Главный специалист отдела бухгалтерского учёта", &g);
        assert!(!t.is_empty());
        assert!(t.iter().all(|w| !g.contains(w)));
        assert_eq!(terms("учёта"), terms("учета"));
    }

    #[test]
    fn sentences_split_on_punctuation() {
        let s: Vec<&str> = sentences("Бухгалтер. Опыт 5 лет; 1С\nok").collect();
        assert_eq!(s, vec!["Бухгалтер", "Опыт 5 лет"]);
    }
}
