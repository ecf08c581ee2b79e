//! Indexing and BM25 query benchmark over synthetic profiles.
//!
//! `cargo bench -p qabilet-indexer --bench profile_index -- [--index 100000] [--total 1000000] [--queries 300]`
//!
//! Phase 1 indexes `--index` profiles with precomputed 384-d embeddings (text
//! analysis, tantivy, vector store, commits) and prints profiles/s. Phase 2 adds
//! text-only profiles up to `--total`, then runs `--queries` user queries (one to
//! three words in Kazakh, Russian or English, half with filters) and prints p50/p99.
//! Profiles mix three languages the way real ones do.

use std::time::Instant;

use chrono::NaiveDate;
use qabilet_domain::{
    Consent, ConsentPurpose, Education, EducationLevel, Experience, Language, LanguageLevel,
    LanguageSkill, Profile, ProfileId, Region, Sector,
};
use qabilet_indexer::{Filters, Index, IndexConfig, SearchRequest};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const DIM: usize = 384;

const RU: &[&str] = &[
    "ведение",
    "бухгалтерского",
    "учёта",
    "подготовка",
    "финансовой",
    "отчётности",
    "государственных",
    "закупок",
    "контроль",
    "исполнения",
    "бюджета",
    "правовая",
    "экспертиза",
    "проектов",
    "приказов",
    "анализ",
    "документов",
    "работа",
    "с",
    "обращениями",
    "граждан",
    "специалист",
    "отдела",
    "управления",
    "кадровой",
    "службы",
    "налогового",
    "администрирования",
    "аудит",
    "планирование",
    "мониторинг",
    "программ",
];
const KK: &[&str] = &[
    "бухгалтерлік",
    "есепті",
    "жүргізу",
    "қаржылық",
    "есептілікті",
    "дайындау",
    "мемлекеттік",
    "сатып",
    "алуды",
    "бақылау",
    "бюджеттің",
    "атқарылуын",
    "құқықтық",
    "сараптама",
    "бұйрықтардың",
    "жобаларын",
    "талдау",
    "құжаттармен",
    "жұмыс",
    "азаматтардың",
    "өтініштерімен",
    "бөлімнің",
    "бас",
    "маманы",
    "басқармасының",
    "кадр",
    "қызметінің",
    "салықтық",
    "әкімшілендіру",
    "жоспарлау",
    "мониторингі",
];
const EN: &[&str] = &[
    "accounting",
    "financial",
    "reporting",
    "procurement",
    "budget",
    "control",
    "legal",
    "review",
    "analysis",
    "documents",
    "citizens",
    "requests",
    "specialist",
    "department",
    "human",
    "resources",
    "tax",
    "administration",
    "audit",
    "planning",
    "monitoring",
];
const SKILLS: &[&str] = &[
    "1С",
    "Excel",
    "SQL",
    "Python",
    "Power BI",
    "МСФО",
    "IFRS",
    "делопроизводство",
    "іс жүргізу",
    "госзакупки",
    "Word",
    "SAP",
    "аудит",
    "салық",
    "право",
];
const POSITIONS: &[&str] = &[
    "Главный специалист",
    "Бас маман",
    "Ведущий специалист",
    "Жетекші маман",
    "Accountant",
    "Бухгалтер",
    "Юрист",
    "Заң кеңесшісі",
    "Экономист",
    "Аудитор",
    "Руководитель отдела",
];

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn sentence(rng: &mut ChaCha8Rng, words: usize) -> String {
    let vocab = match rng.gen_range(0..10) {
        0..=3 => KK,
        4..=8 => RU,
        _ => EN,
    };
    (0..words)
        .map(|_| *vocab.choose(rng).unwrap_or(&"есеп"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn date(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default()
}

fn profile(i: usize, rng: &mut ChaCha8Rng) -> Profile {
    let summary = (0..3)
        .map(|_| sentence(rng, 12))
        .collect::<Vec<_>>()
        .join(". ");
    let jobs = rng.gen_range(1..4);
    let mut year = rng.gen_range(1995..2020);
    let experience = (0..jobs)
        .map(|_| {
            let start = date(year, rng.gen_range(1..13));
            year += rng.gen_range(1..6);
            Experience {
                organisation: format!("Org-{}", rng.gen_range(0..500)),
                position: POSITIONS.choose(rng).unwrap_or(&"Маман").to_string(),
                sector: if rng.gen_bool(0.6) {
                    Sector::Public
                } else {
                    Sector::Private
                },
                start,
                end: (year < 2026).then(|| date(year, 1)),
                duties: sentence(rng, 15),
            }
        })
        .collect();
    let levels = [
        EducationLevel::Vocational,
        EducationLevel::Higher,
        EducationLevel::Master,
    ];
    Profile {
        id: ProfileId::new(format!("P-{i}")).expect("valid id"),
        full_name: "Synthetic Person".into(),
        gender: None,
        birth_date: None,
        iin: None,
        email: None,
        phone: None,
        photo_url: None,
        region: *Region::ALL.choose(rng).unwrap_or(&Region::Astana),
        locality: None,
        language: None,
        summary,
        education: vec![Education {
            level: *levels.choose(rng).unwrap_or(&EducationLevel::Higher),
            specialty: sentence(rng, 3),
            institution: "University".into(),
            year: rng.gen_range(1990..2024),
            verified: true,
        }],
        experience,
        skills: SKILLS
            .choose_multiple(rng, 4)
            .map(|s| s.to_string())
            .collect(),
        languages: vec![
            LanguageSkill {
                language: Language::Kk,
                level: LanguageLevel::Native,
            },
            LanguageSkill {
                language: Language::Ru,
                level: LanguageLevel::Fluent,
            },
        ],
        consents: vec![Consent {
            purpose: ConsentPurpose::Processing,
            granted_at: "2026-01-01T00:00:00Z".parse().expect("date"),
            revoked_at: None,
        }],
    }
}

fn main() {
    // `cargo test --all-targets` runs this without `--bench`: keep that a quick smoke test.
    let full = std::env::args().any(|a| a == "--bench");
    let index_n = arg("--index", if full { 100_000 } else { 2_000 });
    let total = arg("--total", if full { 1_000_000 } else { 4_000 }).max(index_n);
    let queries = arg("--queries", if full { 300 } else { 20 });
    let dir = tempfile::tempdir().expect("temp dir");
    let config = IndexConfig {
        dim: DIM,
        commit_every: 50_000,
        ..IndexConfig::default()
    };
    let mut index = Index::open(dir.path(), config).expect("open");
    let mut rng = ChaCha8Rng::seed_from_u64(5);

    // Embeddings are precomputed by the models crate; any fixed vectors will do.
    let embeddings: Vec<Vec<f32>> = (0..256)
        .map(|_| (0..DIM).map(|_| rng.gen_range(-0.1f32..0.1)).collect())
        .collect();
    let profiles: Vec<Profile> = (0..index_n).map(|i| profile(i, &mut rng)).collect();
    let started = Instant::now();
    for (i, p) in profiles.iter().enumerate() {
        let e = &embeddings[i % embeddings.len()];
        index
            .upsert_profile(p, Some(e), i as u64 + 1)
            .expect("upsert");
    }
    index.commit().expect("commit");
    let secs = started.elapsed().as_secs_f64();
    println!(
        "indexed {index_n} profiles with embeddings in {secs:.1} s: {:.0} profiles/s",
        index_n as f64 / secs
    );
    drop(profiles);

    let started = Instant::now();
    for i in index_n..total {
        let p = profile(i, &mut rng);
        index
            .upsert_profile(&p, None, i as u64 + 1)
            .expect("upsert");
    }
    index.commit().expect("commit");
    println!(
        "grew to {total} profiles (text only, incl. generation) in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let mut times = Vec::with_capacity(queries);
    let mut hits_total = 0;
    for q in 0..queries + 20 {
        let words = rng.gen_range(1..4);
        let text = sentence(&mut rng, words);
        let mut request = SearchRequest::new(text);
        request.limit = 20;
        if q % 2 == 1 {
            request.filters = Filters {
                regions: vec![*Region::ALL.choose(&mut rng).unwrap_or(&Region::Astana)],
                min_years: Some(rng.gen_range(0..6)),
                ..Filters::default()
            };
        }
        let t = Instant::now();
        let hits = index.search_profiles(&request).expect("search");
        if q >= 20 {
            // The first 20 warm the page cache.
            times.push(t.elapsed().as_secs_f64() * 1e3);
            hits_total += hits.len();
        }
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "BM25 top-20 with snippets over {total} profiles, {queries} queries (half filtered): \
         p50 {:.1} ms, p99 {:.1} ms, {:.1} hits/query",
        pct(0.5),
        pct(0.99),
        hits_total as f64 / queries as f64
    );
}
