//! Small text helpers: capitalisation, Russian number agreement, spelling variants and
//! Kazakh Latin script.

use qabilet_domain::Language;
use rand::Rng;

/// Picks one element; the lists are static and never empty.
pub(crate) fn pick<'a, T, R: Rng>(rng: &mut R, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// Picks one phrase from a static word list.
pub(crate) fn pick_str<R: Rng>(rng: &mut R, items: &[&'static str]) -> &'static str {
    items[rng.gen_range(0..items.len())]
}

/// Picks between `n.start()` and `n.end()` distinct indices below `len` (never more
/// than `len`), in random order.
pub(crate) fn pick_indices<R: Rng>(
    rng: &mut R,
    len: usize,
    n: std::ops::RangeInclusive<usize>,
) -> Vec<usize> {
    let n = rng.gen_range(n).min(len);
    let mut all: Vec<usize> = (0..len).collect();
    // Partial Fisher–Yates: only the first `n` positions are shuffled.
    for i in 0..n {
        let j = rng.gen_range(i..len);
        all.swap(i, j);
    }
    all.truncate(n);
    all
}

/// Upper-cases the first letter (Cyrillic included).
pub(crate) fn cap(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// English title case that leaves short function words and acronyms alone.
pub(crate) fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, word) in s.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if i > 0 && matches!(word, "and" | "of" | "for" | "the" | "in" | "to") {
            out.push_str(word);
        } else {
            out.push_str(&cap(word));
        }
    }
    out
}

/// «1 год», «3 года», «7 лет»: Russian agreement of a count with «год».
pub(crate) fn ru_years(n: u32) -> String {
    let word = match (n % 10, n % 100) {
        (_, 11..=14) => "лет",
        (1, _) => "год",
        (2..=4, _) => "года",
        _ => "лет",
    };
    format!("{n} {word}")
}

/// "1 year", "3 years".
pub(crate) fn en_years(n: u32) -> String {
    if n == 1 {
        "1 year".to_owned()
    } else {
        format!("{n} years")
    }
}

/// "{n} years" in the given language (Kazakh nouns do not change after numerals).
pub(crate) fn years(lang: Language, n: u32) -> String {
    match lang {
        Language::Kk => format!("{n} жыл"),
        Language::Ru => ru_years(n),
        Language::En => en_years(n),
    }
}

/// Replaces ё with е, as most official Russian texts do; applying it to some documents
/// and not others gives both spellings of the same word in the data.
pub(crate) fn drop_yo(s: &mut String) {
    if s.contains(['ё', 'Ё']) {
        *s = s.replace('ё', "е").replace('Ё', "Е");
    }
}

/// Kazakh Cyrillic to the 2021 Latin alphabet. A small share of Kazakh texts are
/// written this way in the data, as some candidates already do.
pub(crate) fn kazakh_latin(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let mapped: &str = match lower {
            'а' => "a",
            'ә' => "ä",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'ғ' => "ğ",
            'д' => "d",
            'е' | 'э' => "e",
            'ё' => "io",
            'ж' => "j",
            'з' => "z",
            'и' | 'й' => "i",
            'к' => "k",
            'қ' => "q",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'ң' => "ñ",
            'о' => "o",
            'ө' => "ö",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ұ' => "ū",
            'ү' => "ü",
            'ф' => "f",
            'х' | 'һ' => "h",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "ş",
            'щ' => "şş",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'і' => "ı",
            'ю' => "iu",
            'я' => "ia",
            _ => {
                out.push(c);
                continue;
            }
        };
        if c != lower {
            out.push_str(&cap(mapped));
        } else {
            out.push_str(mapped);
        }
    }
    out
}

/// Formats tenge amounts the Kazakh way: «285 000».
pub(crate) fn tenge(amount: u32) -> String {
    let s = amount.to_string();
    let mut out = String::with_capacity(s.len() + 2);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_years_agree() {
        assert_eq!(ru_years(1), "1 год");
        assert_eq!(ru_years(3), "3 года");
        assert_eq!(ru_years(5), "5 лет");
        assert_eq!(ru_years(11), "11 лет");
        assert_eq!(ru_years(21), "21 год");
        assert_eq!(ru_years(24), "24 года");
    }

    #[test]
    fn kazakh_latin_keeps_letters_apart() {
        assert_eq!(kazakh_latin("Бухгалтерлік есеп"), "Buhgalterlık esep");
        assert_eq!(kazakh_latin("Қаржы министрлігі"), "Qarjy ministrlıgı");
        assert_eq!(kazakh_latin("Ұлттық"), "Ūlttyq");
    }

    #[test]
    fn helpers_format() {
        assert_eq!(tenge(285000), "285 000");
        assert_eq!(tenge(1250000), "1 250 000");
        assert_eq!(
            title_case("finance and accounting"),
            "Finance and Accounting"
        );
        assert_eq!(cap("әкімдік"), "Әкімдік");
    }
}
