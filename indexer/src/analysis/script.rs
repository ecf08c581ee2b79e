//! Folding Kazakh written in Latin script to Cyrillic.
//!
//! Two official Latin alphabets are in use: the 2018 one with acute accents
//! (á ǵ ń ó ú ý, with i = і and ı = и) and the 2021 one with Turkic letters
//! (ä ğ ñ ö ş ç ū ü, with ı = і and i = и). They disagree on i, ı and u, so the
//! variant is chosen per text segment: any acute letter means 2018, otherwise 2021
//! (the current one). Informal ASCII digraphs sh, ch, zh are read as ш, ч, ж.
//!
//! Plain ASCII words are ambiguous between English and informal Kazakh, so they are
//! folded only when their segment carries an unambiguous Kazakh Latin marker (see
//! [`has_kazakh_latin_marker`]); otherwise they are left to the English stemmer.

/// Which official Latin alphabet a segment uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LatinVariant {
    Y2018,
    Y2021,
}

/// Letters that exist only in Kazakh Latin (not in English), by variant.
const MARKERS_2018: &str = "áǵńóúý";
const MARKERS_2021: &str = "äğñöşçūüı";

/// Composes a base letter with a following combining mark, so that decomposed input
/// (a + U+0308) folds like precomposed input (ä). Returns `None` for other pairs.
pub(crate) fn compose(base: char, mark: char) -> Option<char> {
    Some(match (base, mark) {
        ('a', '\u{301}') => 'á',
        ('g', '\u{301}') => 'ǵ',
        ('n', '\u{301}') => 'ń',
        ('o', '\u{301}') => 'ó',
        ('u', '\u{301}') => 'ú',
        ('y', '\u{301}') => 'ý',
        ('a', '\u{308}') => 'ä',
        ('o', '\u{308}') => 'ö',
        ('u', '\u{308}') => 'ü',
        ('g', '\u{306}') => 'ğ',
        ('n', '\u{303}') => 'ñ',
        ('s', '\u{327}') => 'ş',
        ('c', '\u{327}') => 'ç',
        ('u', '\u{304}') => 'ū',
        // Lowercasing İ gives i + U+0307; the dot carries no meaning once lowercase.
        (b, '\u{307}') => b,
        _ => return None,
    })
}

/// Whether lowercase `word` carries a letter or pattern only Kazakh Latin has: a
/// marker letter, or q not followed by u (Qazaqstan, qyzmet).
pub(crate) fn has_kazakh_latin_marker(word: &str) -> bool {
    let mut prev_q = false;
    for c in word.chars() {
        if prev_q && c != 'u' {
            return true;
        }
        if MARKERS_2018.contains(c) || MARKERS_2021.contains(c) {
            return true;
        }
        prev_q = c == 'q';
    }
    prev_q
}

/// The variant a segment's marker letters point to.
pub(crate) fn variant_of(segment: &str) -> LatinVariant {
    if segment.chars().any(|c| MARKERS_2018.contains(c)) {
        LatinVariant::Y2018
    } else {
        LatinVariant::Y2021
    }
}

/// Transliterates one lowercase Latin word to Cyrillic. Letters outside the Kazakh
/// alphabets (c, w, x) get their closest sound.
pub(crate) fn to_cyrillic(word: &str, variant: LatinVariant) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let digraph = match (c, next) {
            ('s', Some('h')) => Some('ш'),
            ('c', Some('h')) => Some('ч'),
            ('z', Some('h')) => Some('ж'),
            _ => None,
        };
        if let Some(d) = digraph {
            out.push(d);
            i += 2;
            continue;
        }
        let mapped = match (c, variant) {
            ('i', LatinVariant::Y2018) => 'і',
            ('ı', LatinVariant::Y2018) => 'и',
            ('u', LatinVariant::Y2018) => 'ұ',
            ('i', LatinVariant::Y2021) => 'и',
            ('ı', LatinVariant::Y2021) => 'і',
            ('u', LatinVariant::Y2021) => 'у',
            ('a', _) => 'а',
            ('á' | 'ä', _) => 'ә',
            ('b', _) => 'б',
            ('c', _) => 'ц',
            ('ç', _) => 'ч',
            ('d', _) => 'д',
            ('e', _) => 'е',
            ('f', _) => 'ф',
            ('g', _) => 'г',
            ('ǵ' | 'ğ', _) => 'ғ',
            ('h' | 'x', _) => 'х',
            ('j', _) => 'ж',
            ('k', _) => 'к',
            ('l', _) => 'л',
            ('m', _) => 'м',
            ('n', _) => 'н',
            ('ń' | 'ñ', _) => 'ң',
            ('o', _) => 'о',
            ('ó' | 'ö', _) => 'ө',
            ('p', _) => 'п',
            ('q', _) => 'қ',
            ('r', _) => 'р',
            ('s', _) => 'с',
            ('ş', _) => 'ш',
            ('t', _) => 'т',
            ('ú' | 'ü', _) => 'ү',
            ('ū', _) => 'ұ',
            ('ý' | 'w', _) => 'у',
            ('v', _) => 'в',
            ('y', _) => 'ы',
            ('z', _) => 'з',
            (other, _) => other,
        };
        out.push(mapped);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_official_alphabets_fold_to_cyrillic() {
        assert_eq!(
            to_cyrillic("buhgalterlık", LatinVariant::Y2021),
            "бухгалтерлік"
        );
        assert_eq!(to_cyrillic("qazaqstan", LatinVariant::Y2021), "қазақстан");
        assert_eq!(
            to_cyrillic("mämlekettık", LatinVariant::Y2021),
            "мәмлекеттік"
        );
        assert_eq!(to_cyrillic("ūlttyq", LatinVariant::Y2021), "ұлттық");
        assert_eq!(
            to_cyrillic("býhgalterlik", LatinVariant::Y2018),
            "бухгалтерлік"
        );
        assert_eq!(to_cyrillic("shyǵys", LatinVariant::Y2018), "шығыс");
        assert_eq!(variant_of("shyǵys"), LatinVariant::Y2018);
        assert_eq!(variant_of("şyğys"), LatinVariant::Y2021);
    }

    #[test]
    fn markers_separate_kazakh_from_english() {
        assert!(has_kazakh_latin_marker("qyzmet"));
        assert!(has_kazakh_latin_marker("esepke_ı"));
        assert!(!has_kazakh_latin_marker("quality"));
        assert!(!has_kazakh_latin_marker("accounting"));
    }
}
