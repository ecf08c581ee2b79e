//! Tests of the multilingual analyser and language detection.

use super::*;

fn same_terms(a: &str, b: &str) {
    assert_eq!(analyze(a), analyze(b), "{a:?} vs {b:?}");
}

#[test]
fn russian_forms_match() {
    same_terms("бухгалтерский учёт", "бухгалтерского учета");
    same_terms("Бухгалтерский Учёт", "БУХГАЛТЕРСКОГО УЧЕТА");
}

#[test]
fn kazakh_forms_match() {
    same_terms("бухгалтерлік есеп", "бухгалтерлік есепті");
    same_terms("бухгалтерлік есеп", "бухгалтерлік есептер");
    let terms = analyze("бухгалтерліктерге есептің");
    assert_eq!(terms, analyze("бухгалтер есеп"));
}

#[test]
fn kazakh_latin_matches_cyrillic() {
    // 2021 alphabet.
    same_terms("buhgalterlık esep", "бухгалтерлік есеп");
    same_terms("Qazaqstan Respýblıkasy", "Қазақстан Республикасы");
    // 2018 alphabet with acute accents, and decomposed accents.
    same_terms("memlekettik qyzmet", "мемлекеттік қызмет");
    same_terms("shyǵys", "шығыс");
    same_terms("shyg\u{301}ys", "шығыс");
}

#[test]
fn english_is_stemmed_and_left_latin() {
    same_terms("accounting reports", "Accounting report");
    assert_eq!(analyze("managers"), vec!["manag".to_string()]);
}

#[test]
fn russian_sentence_quoting_kazakh_stays_russian() {
    let terms = analyze("Требуется знание государственного языка и программы 1С (мемлекеттік)");
    assert!(terms.contains(&"знан".to_string()), "{terms:?}");
    assert!(terms.contains(&"1с".to_string()), "{terms:?}");
}

#[test]
fn offsets_point_into_the_original_text() {
    let text = "Есеп: бухгалтерлік ЕСЕПТІ";
    let mut tokenizer = MultilingualTokenizer::default();
    let mut stream = tokenizer.token_stream(text);
    let mut spans = Vec::new();
    while let Some(t) = stream.next() {
        spans.push(&text[t.offset_from..t.offset_to]);
    }
    assert_eq!(spans, ["Есеп", "бухгалтерлік", "ЕСЕПТІ"]);
}

#[test]
fn hostile_input_does_not_panic() {
    let long = "ә".repeat(10_000);
    assert!(analyze(&long).is_empty(), "an over-long word is dropped");
    let _ = analyze("\u{301}\u{308} ́a\u{0307} İSTANBUL ǅ ß ﬃ 𝔘𝔫𝔦");
    assert!(analyze("").is_empty());
    assert!(analyze("  ... !!! ").is_empty());
}

#[test]
fn languages_are_detected_from_letters() {
    assert_eq!(
        detect_language("Бухгалтерлік есепті жүргізу және қаржылық есептілік"),
        Some(Language::Kk)
    );
    assert_eq!(
        detect_language("Ведение бухгалтерского учёта и финансовой отчётности"),
        Some(Language::Ru)
    );
    assert_eq!(
        detect_language("Maintaining accounting records and financial reports"),
        Some(Language::En)
    );
    assert_eq!(
        detect_language("Buhgalterlık esepti jürgızu jäne qarjylyq eseptılık"),
        Some(Language::Kk)
    );
    assert_eq!(detect_language("12345 — !!"), None);
    // A Russian text that mentions one Kazakh word stays Russian.
    assert_eq!(
        detect_language("Главный специалист отдела государственных закупок, знание языка (тілі)"),
        Some(Language::Ru)
    );
}

#[test]
fn ambiguous_query_words_carry_the_other_reading() {
    let terms = analyze_query("есептер");
    assert_eq!(terms.len(), 1);
    assert_eq!(
        terms[0].alternative.as_deref(),
        Some("есеп"),
        "Kazakh reading"
    );
    let terms = analyze_query("buhgalterlik esep");
    let alts: Vec<_> = terms.iter().map(|t| t.alternative.as_deref()).collect();
    assert_eq!(
        alts,
        [Some("бухгалтер"), Some("есеп")],
        "informal Kazakh Latin"
    );
    let terms = analyze_query("бухгалтерлік");
    assert!(
        terms[0].alternative.is_none(),
        "a Kazakh-only letter settles it"
    );
    assert_eq!(analyze_query("есеп отчет")[1].offset, "есеп ".len());
}

#[test]
fn word_characters_agree_with_unicode() {
    for c in (0..=0x10ffff).filter_map(char::from_u32) {
        assert_eq!(
            is_word_char(c),
            c.is_alphanumeric(),
            "{c:?} U+{:04X}",
            c as u32
        );
    }
}

#[test]
fn cyrillic_lowercase_is_one_char() {
    for c in ('\u{400}'..='\u{4ff}').filter(|c| !c.is_lowercase()) {
        assert_eq!(c.to_lowercase().count(), 1, "{c:?}");
    }
}

/// The lowercasing before the fast paths, kept here as the reference.
fn fold_case_by_unicode(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars().flat_map(char::to_lowercase) {
        push_folded(&mut out, c);
    }
    out
}

#[test]
fn fast_lowercasing_agrees_with_unicode() {
    let ranges = [
        0..0x80u32,
        0x400..0x500,
        0xc0..0x250,
        0x300..0x370,
        0x1e00..0x1f00,
    ];
    for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
        let word = format!("A{c}Ё{c}");
        assert_eq!(fold_case(&word), fold_case_by_unicode(&word), "{c:?}");
    }
    for word in [
        "Қазақстан",
        "ЁЛКА",
        "Shyg\u{301}ys",
        "ӘҒҚҢӨҰҮҺІ",
        "ЀЍЎЏҊӀӁ",
        "İstanbul",
        "ΣΊΣΥΦΟΣ",
    ] {
        assert_eq!(fold_case(word), fold_case_by_unicode(word), "{word}");
    }
}

#[test]
fn remembered_stems_equal_fresh_ones() {
    let ru = Stemmer::create(Algorithm::Russian);
    let en = Stemmer::create(Algorithm::English);
    let text = "Бухгалтерлік есептер. Бухгалтерского учета! managers reports; \
                Qazaqstan Respýblıkasy. memlekettik qyzmet 2024";
    let first = analyze(text);
    assert_eq!(analyze(text), first, "the second analysis reads the memo");
    for_each_word(text, |_, lower, segment| {
        let how = Stemming::of(lower, segment);
        assert_eq!(
            stem_word(lower, segment, &ru, &en),
            how.stem(lower, &ru, &en),
            "{lower}"
        );
    });
}
