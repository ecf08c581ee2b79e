//! Tests of querying: cross-form matching, hostile input, filters, snippets.

use super::*;
use crate::indexing::tests::{profile, small_config, vacancy};
use crate::Index;

fn ids(hits: &[Hit]) -> Vec<&str> {
    let mut v: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    v.sort();
    v
}

fn fixture() -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), small_config()).unwrap();
    let vacancies = [
        vacancy(
            "V-RU",
            "Главный специалист",
            "Ведение бухгалтерского учета и отчётности",
        ),
        vacancy("V-KK", "Бас маман", "Бухгалтерлік есепті жүргізу"),
        vacancy("V-EN", "Chief accountant", "Maintaining accounting records"),
        vacancy("V-LAW", "Юрист", "Правовая экспертиза проектов приказов"),
    ];
    for (i, v) in vacancies.iter().enumerate() {
        index.upsert_vacancy(v, None, i as u64 + 1).unwrap();
    }
    let mut p1 = profile(
        "P-1",
        "Бухгалтерский учёт в государственном органе",
        &["1С", "Excel"],
    );
    p1.region = qabilet_domain::Region::Karaganda;
    let mut p2 = profile("P-2", "Юрист, правовая экспертиза", &["Право"]);
    p2.education[0].level = EducationLevel::Vocational;
    p2.experience.truncate(1);
    p2.languages.truncate(1);
    index.upsert_profile(&p1, None, 10).unwrap();
    index.upsert_profile(&p2, None, 11).unwrap();
    index.commit().unwrap();
    (dir, index)
}

#[test]
fn word_forms_and_scripts_match() {
    let (_dir, index) = fixture();
    let search = |q: &str| index.search_vacancies(&SearchRequest::new(q)).unwrap();
    assert_eq!(ids(&search("бухгалтерский учёт")), ["V-RU"]);
    assert_eq!(ids(&search("бухгалтерлік есеп")), ["V-KK"]);
    assert_eq!(
        ids(&search("buhgalterlık esep")),
        ["V-KK"],
        "Kazakh Latin 2021"
    );
    assert_eq!(ids(&search("accounting record")), ["V-EN"]);
    // One word without a Kazakh-only letter: both readings are searched.
    assert_eq!(ids(&search("есептер")), ["V-KK"]);
    // Informal ASCII Kazakh.
    assert_eq!(ids(&search("buhgalterlik esep")), ["V-KK"]);
    assert_eq!(ids(&search("\"бухгалтерского учёта\"")), ["V-RU"], "phrase");
    assert!(
        search("\"учета бухгалтерского\"").is_empty(),
        "phrase order matters"
    );
}

#[test]
fn operators_require_and_exclude() {
    let (_dir, index) = fixture();
    let search = |q: &str| index.search_vacancies(&SearchRequest::new(q)).unwrap();
    assert_eq!(ids(&search("учет юрист")), ["V-LAW", "V-RU"]);
    assert_eq!(ids(&search("+учет юрист")), ["V-RU"]);
    assert_eq!(ids(&search("учет юрист -учет")), ["V-LAW"]);
    assert_eq!(
        ids(&search("-юрист")).len(),
        3,
        "exclusion alone lists the rest"
    );
}

#[test]
fn hostile_queries_return_results_or_a_clear_error() {
    let (_dir, index) = fixture();
    let hostile = [
        "\"бухгалтерский учёт",
        "учёт\"",
        "\"\"\"",
        "+ - + -",
        "AND OR NOT",
        "учёт AND",
        "title:учёт",
        "(учёт",
        "учёт)) ]] {{ ~2 ^3 * ? \\ / :",
        "ё\u{301}\u{308}",
        "-",
        "",
        "   ",
        "«бухгалтерский",
        "+\"",
    ];
    for q in hostile {
        let result = index.search_vacancies(&SearchRequest::new(q));
        assert!(result.is_ok(), "{q:?}: {result:?}");
    }
    let hits = index
        .search_vacancies(&SearchRequest::new("\"бухгалтерский учёт"))
        .unwrap();
    assert_eq!(ids(&hits), ["V-RU"], "an unbalanced quote runs to the end");

    for long in [
        "учёт ".repeat(2_000),
        "\"".repeat(10_000),
        "+-".repeat(5_000),
        "ә".repeat(10_000),
    ] {
        let err = index
            .search_profiles(&SearchRequest::new(long))
            .unwrap_err();
        assert!(matches!(err, Error::Query(_)));
        assert!(err.to_string().contains("at most 1000"), "{err}");
    }
    let near_limit = "учёт \"бух -+ ".repeat(70);
    assert!(index
        .search_profiles(&SearchRequest::new(near_limit))
        .is_ok());
    let mut too_deep = SearchRequest::new("учёт");
    too_deep.offset = 5_000;
    assert!(index.search_profiles(&too_deep).is_err());
}

#[test]
fn filters_narrow_profiles() {
    let (_dir, index) = fixture();
    let search = |filters: Filters| {
        let mut r = SearchRequest::new("");
        r.filters = filters;
        ids(&index.search_profiles(&r).unwrap())
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert_eq!(search(Filters::default()), ["P-1", "P-2"]);
    let f = Filters {
        regions: vec![Region::Karaganda],
        ..Default::default()
    };
    assert_eq!(search(f), ["P-1"]);
    let f = Filters {
        min_education: Some(EducationLevel::Higher),
        ..Default::default()
    };
    assert_eq!(search(f), ["P-1"]);
    // P-1 has ~10 years (2016–now, overlapping jobs merged); P-2 five (2016–2021).
    let f = Filters {
        min_years: Some(6),
        ..Default::default()
    };
    assert_eq!(search(f), ["P-1"]);
    let f = Filters {
        min_years: Some(5),
        max_years: Some(5),
        ..Default::default()
    };
    assert_eq!(search(f), ["P-2"]);
    let f = Filters {
        min_years_public: Some(5),
        ..Default::default()
    };
    assert_eq!(search(f), ["P-1", "P-2"]);
    let ru = LanguageFilter {
        language: Language::Ru,
        min_level: Some(LanguageLevel::Intermediate),
    };
    let f = Filters {
        languages: vec![ru],
        ..Default::default()
    };
    assert_eq!(search(f), ["P-1"]);
    let kk = LanguageFilter {
        language: Language::Kk,
        min_level: Some(LanguageLevel::Native),
    };
    let f = Filters {
        languages: vec![kk],
        ..Default::default()
    };
    assert_eq!(search(f), ["P-1", "P-2"]);
    let f = Filters {
        organisations: vec!["ТОО Аудит".into()],
        ..Default::default()
    };
    assert_eq!(search(f), ["P-1"]);
}

#[test]
fn filters_narrow_vacancies() {
    let (_dir, index) = fixture();
    let search = |text: &str, filters: Filters| {
        let mut r = SearchRequest::new(text);
        r.filters = filters;
        index.search_vacancies(&r).unwrap().len()
    };
    let all = Filters::default;
    assert_eq!(search("", all()), 4);
    assert_eq!(
        search(
            "",
            Filters {
                status: Some(VacancyStatus::Open),
                ..all()
            }
        ),
        4
    );
    assert_eq!(
        search(
            "",
            Filters {
                status: Some(VacancyStatus::Closed),
                ..all()
            }
        ),
        0
    );
    assert_eq!(
        search(
            "",
            Filters {
                categories: vec!["c-o-4".into()],
                ..all()
            }
        ),
        4
    );
    assert_eq!(
        search(
            "",
            Filters {
                categories: vec!["C".into()],
                ..all()
            }
        ),
        4
    );
    assert_eq!(
        search(
            "",
            Filters {
                categories: vec!["B".into()],
                ..all()
            }
        ),
        0
    );
    let date = |s: &str| Some(s.parse::<NaiveDate>().unwrap());
    assert_eq!(
        search(
            "",
            Filters {
                deadline_from: date("2026-12-20"),
                ..all()
            }
        ),
        4
    );
    assert_eq!(
        search(
            "",
            Filters {
                deadline_from: date("2026-12-21"),
                ..all()
            }
        ),
        0
    );
    assert_eq!(
        search(
            "юрист",
            Filters {
                max_years: Some(1),
                ..all()
            }
        ),
        0
    );
    assert_eq!(
        search(
            "юрист",
            Filters {
                max_years: Some(2),
                ..all()
            }
        ),
        1
    );
}

#[test]
fn snippets_highlight_the_matched_words_in_the_original_script() {
    let (_dir, index) = fixture();
    let hits = index
        .search_vacancies(&SearchRequest::new("buhgalterlık"))
        .unwrap();
    let snippet = &hits[0].snippets[0];
    assert_eq!(snippet.field, "description");
    let marked: Vec<&str> = snippet
        .highlights
        .iter()
        .map(|r| &snippet.fragment[r.clone()])
        .collect();
    assert_eq!(marked, ["Бухгалтерлік"]);
    assert!(
        snippet.html.contains("<b>Бухгалтерлік</b>"),
        "{}",
        snippet.html
    );

    let mut r = SearchRequest::new("юрист");
    r.snippets = false;
    assert!(index.search_vacancies(&r).unwrap()[0].snippets.is_empty());
}

#[test]
fn title_matches_rank_above_description_matches() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), small_config()).unwrap();
    let a = vacancy("V-A", "Аудитор", "Проверка отчётности в отделе");
    let b = vacancy("V-B", "Специалист", "Работа в отделе, помощь аудитору");
    index.upsert_vacancy(&a, None, 1).unwrap();
    index.upsert_vacancy(&b, None, 2).unwrap();
    index.commit().unwrap();
    let hits = index
        .search_vacancies(&SearchRequest::new("аудитор"))
        .unwrap();
    assert_eq!(
        hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        ["V-A", "V-B"]
    );
    assert!(hits[0].score > hits[1].score);
}

#[test]
fn clause_splitting() {
    let spans = |q: &str| -> Vec<(ClauseKind, String)> {
        clauses(q)
            .into_iter()
            .map(|c| (c.kind, q[c.span].to_owned()))
            .collect()
    };
    assert_eq!(
        spans("+a -\"b c\" d-e \"f"),
        vec![
            (ClauseKind::Must, "a".into()),
            (ClauseKind::MustNot, "b c".into()),
            (ClauseKind::Should, "d-e".into()),
            (ClauseKind::Should, "f".into()),
        ]
    );
    assert!(spans("+ - \"").iter().all(|(_, s)| s.trim().is_empty()));
}

#[test]
fn random_queries_never_panic() {
    use rand::{Rng, SeedableRng};
    let (_dir, index) = fixture();
    let pool: Vec<char> = "аәбвгғеёжзиіқңөұүһшщъьэюя ABCáǵıńóúýşçğäöüñū \u{301}\u{308}\u{307}\"«»“”+-:()[]{}*~^\\/!?.;,\n\t0123456789😀ß"
        .chars()
        .collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    for _ in 0..300 {
        let len = rng.gen_range(0..200);
        let text: String = (0..len)
            .map(|_| pool[rng.gen_range(0..pool.len())])
            .collect();
        let mut request = SearchRequest::new(text.clone());
        request.limit = rng.gen_range(0..30);
        assert!(index.search_vacancies(&request).is_ok(), "{text:?}");
        assert!(index.search_profiles(&request).is_ok(), "{text:?}");
        let _ = crate::analysis::detect_language(&text);
    }
}

#[test]
fn snippets_are_tantivys() {
    use tantivy::collector::TopDocs;
    use tantivy::snippet::SnippetGenerator;

    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(dir.path(), small_config()).unwrap();
    let long = format!(
        "{}Юрист \"право\" <b>не</b> & 'кавычки'. {}",
        "Ведение <бухгалтерского> учёта & отчётности. ".repeat(3),
        "бухгалтер учет есеп ".repeat(20)
    );
    let texts = [
        ("V-1", "Главный бухгалтер", long.as_str()),
        (
            "V-2",
            "Бас маман",
            "Бухгалтерлік есепті жүргізу. Есеп, есептер, есептің.",
        ),
        (
            "V-3",
            "Chief accountant",
            "Maintaining accounting records; accountants' reports",
        ),
        ("V-4", "Юрист", "Правовая экспертиза проектов приказов"),
        ("V-5", "Buhgalter", "buhgalterlık esep jäne salyq esebi"),
    ];
    // Windows that score the same: the earliest is the snippet.
    let ties: String = (10..50).map(|i| format!("право юрист{i} ")).collect();
    let texts: Vec<(&str, &str, &str)> = texts
        .into_iter()
        .chain([("V-6", "Юрист", ties.as_str())])
        .collect();
    for (i, (id, title, description)) in texts.iter().enumerate() {
        index
            .upsert_vacancy(&vacancy(id, title, description), None, i as u64 + 1)
            .unwrap();
    }
    index.commit().unwrap();
    let part = &index.vacancies;
    let searcher = part.reader.searcher();
    let fields = snippet_fields(&part.fields);
    let all = searcher
        .search(&AllQuery, &TopDocs::with_limit(100))
        .unwrap();
    let mut analyser = MultilingualTokenizer::default();
    for q in [
        "бухгалтер",
        "учёт",
        "бухгалтерский учёт",
        "есеп",
        "accounting",
        "право юрист",
        "buhgalterlık",
        "не",
    ] {
        let query = text_query(&part.fields, q).unwrap();
        let ours = snippets::for_query(&fields, &searcher, query.as_ref()).unwrap();
        let mut compared = 0;
        for (_, address) in &all {
            let doc: TantivyDocument = searcher.doc(*address).unwrap();
            for (_, field) in fields {
                let mut generator =
                    SnippetGenerator::create(&searcher, query.as_ref(), field).unwrap();
                generator.set_max_num_chars(snippets::SNIPPET_CHARS);
                let theirs = generator.snippet_from_doc(&doc);
                let mine = ours
                    .iter()
                    .find(|s| s.field == field)
                    .and_then(|s| s.snippet(&doc, &mut analyser));
                match mine {
                    None => assert!(
                        theirs.is_empty(),
                        "{q}: tantivy has {:?}",
                        theirs.fragment()
                    ),
                    Some(mine) => {
                        assert_eq!(mine.fragment, theirs.fragment(), "{q}");
                        assert_eq!(mine.highlights, theirs.highlighted(), "{q}");
                        assert_eq!(mine.html, theirs.to_html(), "{q}");
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 0, "{q}: no snippet to compare");
    }
}
