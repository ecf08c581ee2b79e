//! Text analysis for Kazakh, Russian and English, as one tantivy analyser.
//!
//! Vacancies and CVs mix languages inside one field (a Kazakh title over a Russian
//! description, English skill names anywhere), and queries never say their language.
//! So instead of one field per language we register a single analyser,
//! [`ANALYZER`], that decides per token:
//!
//! 1. Split into words (runs of letters and digits); lowercase; ё → е; compose
//!    decomposed accents.
//! 2. Cut the text into segments (sentences and lines). A segment is *Kazakh* if at
//!    least a quarter of its Cyrillic words contain a Kazakh-only letter
//!    (ә ғ қ ң ө ұ ү һ і), or if it has a Kazakh Latin marker (see [`script`]).
//!    The quarter keeps a Russian sentence that quotes one Kazakh word Russian.
//! 3. A Cyrillic word is stemmed by the project's Kazakh stemmer if it has a
//!    Kazakh-only letter or sits in a Kazakh segment, otherwise by Russian Snowball.
//! 4. A Latin word is folded to Cyrillic and stemmed as Kazakh if it has a Kazakh
//!    Latin marker or sits in a Kazakh-Latin segment; otherwise English Snowball.
//!
//! Queries go through the same code, so a query and a document agree as long as the
//! words have the same context. Where a query word's language is a guess (a Cyrillic
//! word without a Kazakh-only letter, such as есептер alone; a plain ASCII word such
//! as esep), the query also searches the other reading (`analyze_query`).
//!
//! Offsets always point into the original text, so highlights work on what was
//! written, in whatever script.

mod kazakh;
mod script;

use qabilet_domain::Language;
use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager};

/// Name under which the multilingual analyser is registered.
pub const ANALYZER: &str = "qabilet";

/// Words longer than this are dropped: no real word is, and a 10,000-character
/// "word" in a query must not become a term.
const MAX_WORD_CHARS: usize = 60;

/// Letters of the Kazakh Cyrillic alphabet that Russian lacks (lowercase).
fn is_kazakh_letter(c: char) -> bool {
    matches!(c, 'ә' | 'ғ' | 'қ' | 'ң' | 'ө' | 'ұ' | 'ү' | 'һ' | 'і')
}

/// Registers [`ANALYZER`] with a tantivy index's tokenizer manager.
pub(crate) fn register(manager: &TokenizerManager) {
    manager.register(
        ANALYZER,
        TextAnalyzer::from(MultilingualTokenizer::default()),
    );
}

/// Analyses `text` as the index does and returns the terms, for tests and for
/// explaining which terms matched.
pub fn analyze(text: &str) -> Vec<String> {
    let mut tokenizer = MultilingualTokenizer::default();
    let mut stream = tokenizer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// Detects the language of a text that does not state it, from its words' letters:
/// mostly Cyrillic words with at least a quarter holding a Kazakh-only letter means
/// Kazakh (a quarter, because many Kazakh words have none: есеп, маман), other
/// Cyrillic means Russian; mostly Latin words with a fifth carrying a Kazakh Latin
/// marker means Kazakh, else English. `None` when the text has no letters.
pub fn detect_language(text: &str) -> Option<Language> {
    let (mut cyrillic, mut kazakh, mut latin_words, mut kazakh_latin_words) = (0, 0, 0, 0);
    for word in split_words(text) {
        let lower = fold_case(word.text);
        if lower.chars().any(is_cyrillic) {
            cyrillic += 1;
            kazakh += usize::from(lower.chars().any(is_kazakh_letter));
        } else if lower.chars().any(char::is_alphabetic) {
            latin_words += 1;
            kazakh_latin_words += usize::from(script::has_kazakh_latin_marker(&lower));
        }
    }
    if cyrillic == 0 && latin_words == 0 {
        None
    } else if cyrillic >= latin_words {
        Some(if kazakh > 0 && kazakh * 4 >= cyrillic {
            Language::Kk
        } else {
            Language::Ru
        })
    } else if kazakh_latin_words * 5 >= latin_words {
        Some(Language::Kk)
    } else {
        Some(Language::En)
    }
}

fn is_cyrillic(c: char) -> bool {
    ('\u{400}'..='\u{4ff}').contains(&c)
}

fn is_combining(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// Whether `c` is a letter or digit, as `char::is_alphanumeric` says. Vacancies and
/// CVs are nearly all ASCII and Cyrillic, and the general lookup walks Unicode's
/// tables (5% of a search node's CPU in the national load test's profile, where
/// snippets analyse every hit's text), so those two blocks are answered directly.
/// `tests::word_characters_agree_with_unicode` checks every `char`.
fn is_word_char(c: char) -> bool {
    match c {
        '\0'..='\x7f' => c.is_ascii_alphanumeric(),
        '\u{400}'..='\u{481}' | '\u{48a}'..='\u{4ff}' => true,
        _ => c.is_alphanumeric(),
    }
}

/// Lowercase of each letter of the Cyrillic block (U+0400–U+04FF), all one `char`
/// long (`tests::cyrillic_lowercase_is_one_char`): a table instead of
/// `char::to_lowercase`'s search, for the same reason as [`is_word_char`].
static CYRILLIC_LOWERCASE: std::sync::LazyLock<[char; 256]> = std::sync::LazyLock::new(|| {
    std::array::from_fn(|i| {
        let c = char::from_u32(0x400 + i as u32).unwrap_or(' ');
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    })
});

/// A word of the input with its byte range.
struct Word<'a> {
    text: &'a str,
    from: usize,
    to: usize,
    /// Whether a sentence or line break precedes this word (and follows the previous).
    starts_segment: bool,
}

/// Splits into runs of letters, digits and combining marks, noting segment breaks.
fn split_words(text: &str) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut pending_break = true;
    for (i, c) in text.char_indices() {
        let in_word = is_word_char(c) || (start.is_some() && is_combining(c));
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push(Word {
                    text: &text[s..i],
                    from: s,
                    to: i,
                    starts_segment: std::mem::take(&mut pending_break),
                });
                start = None;
            }
            _ => {}
        }
        if matches!(c, '.' | '!' | '?' | ';' | '\n' | '\r' | '•') {
            pending_break = true;
        }
    }
    if let Some(s) = start {
        words.push(Word {
            text: &text[s..],
            from: s,
            to: text.len(),
            starts_segment: pending_break,
        });
    }
    words
}

/// Lowercases, folds ё → е and composes combining accents onto their letter.
fn fold_case(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            '\u{400}'..='\u{4ff}' => push_folded(&mut out, CYRILLIC_LOWERCASE[c as usize - 0x400]),
            _ => c.to_lowercase().for_each(|l| push_folded(&mut out, l)),
        }
    }
    out
}

/// Appends a lowercase `c` to a word being folded: ё as е, a combining accent
/// composed onto the letter before it (or dropped).
fn push_folded(out: &mut String, c: char) {
    let c = if c == 'ё' { 'е' } else { c };
    if is_combining(c) {
        if let Some(prev) = out.pop() {
            match script::compose(prev, c) {
                Some(composed) => out.push(composed),
                None => out.push(prev),
            }
        }
        return;
    }
    out.push(c);
}

/// The analyser's tokenizer; see the module docs for the per-token decisions.
#[derive(Clone, Default)]
pub(crate) struct MultilingualTokenizer {
    /// Reused across calls to avoid an allocation per field.
    tokens: Vec<Token>,
}

/// Everything decided about a segment before its words are stemmed.
struct Segment {
    kazakh_cyrillic: bool,
    kazakh_latin: Option<script::LatinVariant>,
}

fn classify(words: &[(String, &Word<'_>)]) -> Segment {
    let (mut cyr, mut kk) = (0, 0);
    let mut latin_marked = String::new();
    for (lower, _) in words {
        if lower.chars().any(is_cyrillic) {
            cyr += 1;
            kk += usize::from(lower.chars().any(is_kazakh_letter));
        } else if script::has_kazakh_latin_marker(lower) {
            latin_marked.push_str(lower);
        }
    }
    Segment {
        kazakh_cyrillic: kk > 0 && kk * 4 >= cyr,
        kazakh_latin: (!latin_marked.is_empty()).then(|| script::variant_of(&latin_marked)),
    }
}

/// Which stemmer a word goes to, as the module docs decide it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stemming {
    Kazakh,
    Russian,
    KazakhLatin(script::LatinVariant),
    English,
    /// Digits and other words without letters are kept as they are.
    Unchanged,
}

impl Stemming {
    fn of(lower: &str, segment: &Segment) -> Stemming {
        if lower.chars().any(is_cyrillic) {
            if segment.kazakh_cyrillic || lower.chars().any(is_kazakh_letter) {
                Stemming::Kazakh
            } else {
                Stemming::Russian
            }
        } else if lower.chars().any(char::is_alphabetic) {
            let variant = if script::has_kazakh_latin_marker(lower) {
                Some(segment.kazakh_latin.unwrap_or(script::variant_of(lower)))
            } else {
                segment.kazakh_latin
            };
            variant.map_or(Stemming::English, Stemming::KazakhLatin)
        } else {
            Stemming::Unchanged
        }
    }

    /// Slot in [`StemMemo`]; `Unchanged` has none.
    fn slot(self) -> Option<usize> {
        match self {
            Stemming::Kazakh => Some(0),
            Stemming::Russian => Some(1),
            Stemming::English => Some(2),
            Stemming::KazakhLatin(script::LatinVariant::Y2018) => Some(3),
            Stemming::KazakhLatin(script::LatinVariant::Y2021) => Some(4),
            Stemming::Unchanged => None,
        }
    }

    fn stem(self, lower: &str, ru: &Stemmer, en: &Stemmer) -> String {
        match self {
            Stemming::Kazakh => kazakh::stem(lower),
            Stemming::Russian => ru.stem(lower).into_owned(),
            Stemming::KazakhLatin(v) => kazakh::stem(&script::to_cyrillic(lower, v)),
            Stemming::English => en.stem(lower).into_owned(),
            Stemming::Unchanged => lower.to_owned(),
        }
    }
}

/// Stems already computed on this thread, per stemmer. A vacancy's or CV's words
/// repeat across documents (the same few thousand make most of any text), and
/// stemming was the largest share of a search node's CPU: a search's snippets
/// analyse every hit's text, and in a profile of the search load test the Kazakh
/// stemmer's suffix scan and its comparisons took a fifth of all samples. Each
/// map is emptied when it reaches [`StemMemo::WORDS`] words, which bounds it to a
/// few MiB per thread.
#[derive(Default)]
struct StemMemo([std::collections::HashMap<Box<str>, Box<str>>; 5]);

impl StemMemo {
    const WORDS: usize = 32_768;
}

thread_local! {
    static STEMS: std::cell::RefCell<StemMemo> = std::cell::RefCell::default();
}

fn stem_word(lower: &str, segment: &Segment, ru: &Stemmer, en: &Stemmer) -> String {
    let how = Stemming::of(lower, segment);
    let Some(slot) = how.slot() else {
        return lower.to_owned();
    };
    STEMS.with(|memo| {
        let mut memo = memo.borrow_mut();
        let stems = &mut memo.0[slot];
        if let Some(stem) = stems.get(lower) {
            return stem.to_string();
        }
        let stem = how.stem(lower, ru, en);
        if stems.len() >= StemMemo::WORDS {
            stems.clear();
        }
        stems.insert(lower.into(), stem.as_str().into());
        stem
    })
}

/// Calls `f` with each kept word, its folded form and its segment, in order.
fn for_each_word(text: &str, mut f: impl FnMut(&Word<'_>, &str, &Segment)) {
    let words = split_words(text);
    let mut i = 0;
    while i < words.len() {
        let end = (i + 1..words.len())
            .find(|&j| words[j].starts_segment)
            .unwrap_or(words.len());
        let segment_words: Vec<(String, &Word<'_>)> = words[i..end]
            .iter()
            .filter(|w| w.text.chars().count() <= MAX_WORD_CHARS)
            .map(|w| (fold_case(w.text), w))
            .collect();
        let segment = classify(&segment_words);
        for (lower, word) in &segment_words {
            f(word, lower, &segment);
        }
        i = end;
    }
}

/// One analysed word of a query: the term as the index would have it, and the term
/// the other reading of the word would give.
pub(crate) struct QueryTerm {
    /// Byte offset of the word in the query.
    pub offset: usize,
    pub term: String,
    /// Set when the word's language was a guess: a Cyrillic word without a
    /// Kazakh-only letter (есептер could be Kazakh or Russian) or a plain ASCII word
    /// (esep could be informal Kazakh). A one-word query has no context to decide,
    /// so the query side searches both readings.
    pub alternative: Option<String>,
}

/// Analyses a query like a document, adding the alternative reading of ambiguous
/// words (see [`QueryTerm::alternative`]).
pub(crate) fn analyze_query(text: &str) -> Vec<QueryTerm> {
    let ru = Stemmer::create(Algorithm::Russian);
    let en = Stemmer::create(Algorithm::English);
    let mut out = Vec::new();
    for_each_word(text, |word, lower, segment| {
        let term = stem_word(lower, segment, &ru, &en);
        if term.is_empty() {
            return;
        }
        let ambiguous_cyrillic =
            lower.chars().any(is_cyrillic) && !lower.chars().any(is_kazakh_letter);
        let alternative = if ambiguous_cyrillic {
            // The other stemmer than the one `stem_word` chose.
            let other = if segment.kazakh_cyrillic {
                ru.stem(lower).into_owned()
            } else {
                kazakh::stem(lower)
            };
            Some(other)
        } else if lower.chars().all(|c| c.is_ascii_alphanumeric())
            && lower.chars().any(|c| c.is_ascii_alphabetic())
            && segment.kazakh_latin.is_none()
        {
            // Informal Kazakh Latin writes і as i, so read it as the 2018 alphabet.
            Some(kazakh::stem(&script::to_cyrillic(
                lower,
                script::LatinVariant::Y2018,
            )))
        } else {
            None
        };
        out.push(QueryTerm {
            offset: word.from,
            alternative: alternative.filter(|a| *a != term && !a.is_empty()),
            term,
        });
    });
    out
}

impl Tokenizer for MultilingualTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        self.tokens.clear();
        let ru = Stemmer::create(Algorithm::Russian);
        let en = Stemmer::create(Algorithm::English);
        let mut position = 0;
        let tokens = &mut self.tokens;
        for_each_word(text, |word, lower, segment| {
            let text = stem_word(lower, segment, &ru, &en);
            if text.is_empty() {
                return;
            }
            tokens.push(Token {
                offset_from: word.from,
                offset_to: word.to,
                position,
                text,
                position_length: 1,
            });
            position += 1;
        });
        VecTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

/// Hands out the tokens computed eagerly by [`MultilingualTokenizer`].
pub(crate) struct VecTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    /// Index of the token after the current one.
    next: usize,
}

impl TokenStream for VecTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    // tantivy asks for the token only after `advance` returned true; the fallbacks
    // below keep a misuse from panicking.
    fn token(&self) -> &Token {
        static NONE: Token = Token {
            offset_from: 0,
            offset_to: 0,
            position: 0,
            text: String::new(),
            position_length: 1,
        };
        self.tokens
            .get(self.next.saturating_sub(1))
            .unwrap_or(&NONE)
    }

    fn token_mut(&mut self) -> &mut Token {
        if self.tokens.is_empty() {
            self.tokens.push(Token::default());
        }
        let i = self.next.saturating_sub(1).min(self.tokens.len() - 1);
        &mut self.tokens[i]
    }
}

#[cfg(test)]
mod tests;
