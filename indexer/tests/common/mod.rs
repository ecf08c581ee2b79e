//! Fixtures shared by the sync tests: records with a unique word each, a fake
//! embedder, store mutations of every kind, and the check that the index holds
//! exactly what the store says it should.

#![allow(dead_code)] // each test binary uses a different part

use std::sync::atomic::{AtomicU64, Ordering};

use qabilet_domain::{parse_json, ConsentPurpose, Organisation, Profile, ProfileId, Vacancy};
use qabilet_indexer::sync::{EmbedError, Embedder};
use qabilet_indexer::{profile_embedding_text, text_hash, Index, IndexConfig, SearchRequest};
use qabilet_store::Store;

/// Dimension of the fake vectors: enough that a vector's own record is always its
/// nearest neighbour by a wide margin.
pub const DIM: usize = 32;

pub fn config(commit_every: usize) -> IndexConfig {
    IndexConfig {
        dim: DIM,
        commit_every,
        writer_memory_bytes: 30 << 20,
        writer_threads: 1,
        compact_above: 0.3,
    }
}

/// A deterministic embedder: a pseudo-random unit vector per (model, text).
/// Counts the texts it embeds.
pub struct FakeEmbedder {
    pub model: String,
    pub dim: usize,
    pub embedded: AtomicU64,
}

impl FakeEmbedder {
    pub fn new(model: &str) -> Self {
        Self::with_dim(model, DIM)
    }

    /// One of another dimension (a static model beside the transformer).
    pub fn with_dim(model: &str, dim: usize) -> Self {
        FakeEmbedder {
            model: model.to_owned(),
            dim,
            embedded: AtomicU64::new(0),
        }
    }

    pub fn vector(&self, text: &str) -> Vec<f32> {
        let v: Vec<f32> = (0..self.dim)
            .map(|i| {
                let h = text_hash(&format!("{}/{i}/{text}", self.model));
                (h % 20_001) as f32 / 10_000.0 - 1.0
            })
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
        v.into_iter().map(|x| x / norm).collect()
    }

    pub fn embedded(&self) -> u64 {
        self.embedded.load(Ordering::Relaxed)
    }
}

impl Embedder for FakeEmbedder {
    fn model_id(&self) -> String {
        self.model.clone()
    }
    fn dim(&self) -> usize {
        self.dim
    }
    fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.embedded
            .fetch_add(texts.len() as u64, Ordering::Relaxed);
        Ok(texts.iter().map(|t| self.vector(t)).collect())
    }
}

/// A word no other record has, made of letters only so no analyser splits it.
pub fn unique_word(prefix: &str, n: usize) -> String {
    const LETTERS: &[u8] = b"bdfgkmnprtvz";
    let mut word = prefix.to_owned();
    let mut n = n;
    for _ in 0..5 {
        word.push(LETTERS[n % LETTERS.len()] as char);
        n /= LETTERS.len();
    }
    word
}

pub fn organisation() -> Organisation {
    parse_json(
        r#"{"id":"MF","name_kk":"Қаржы министрлігі","name_ru":"Министерство финансов",
            "kind":"ministry","region":"astana"}"#,
    )
    .expect("organisation fixture")
}

pub fn vacancy(n: usize, word: &str) -> Vacancy {
    parse_json(&format!(
        r#"{{"id":"V-{n}","organisation_id":"MF","title":"Главный специалист {word}",
            "description":"Ведение бухгалтерского учета","category":"B-4","region":"astana",
            "deadline":"2026-12-20","status":"open",
            "requirements":{{"education_level":"higher","min_years_total":2}}}}"#
    ))
    .expect("vacancy fixture")
}

pub fn profile_id(n: usize) -> ProfileId {
    ProfileId::new(format!("P-{n:05}")).expect("profile id")
}

/// Profile `n` whose summary carries `word`; consent revoked if `revoked`.
pub fn profile(n: usize, word: &str, revoked: bool) -> Profile {
    let revoked = if revoked {
        r#","revoked_at":"2026-03-01T00:00:00Z""#
    } else {
        ""
    };
    parse_json(&format!(
        r#"{{"id":"{id}","full_name":"Айгерім Сапарова","region":"astana",
            "summary":"Бухгалтер {word}","skills":["1С"],
            "consents":[{{"purpose":"processing","granted_at":"2026-01-01T00:00:00Z"{revoked}}}]}}"#,
        id = profile_id(n)
    ))
    .expect("profile fixture")
}

/// Puts the organisation, `vacancies` vacancies and profiles `0..profiles` (each
/// with its unique word) in one transaction.
pub async fn fill(store: &Store, vacancies: usize, profiles: usize) {
    let mut tx = store.begin().await.expect("begin");
    tx.put_organisation(&organisation()).await.expect("org");
    for n in 0..vacancies {
        tx.put_vacancy(&vacancy(n, &unique_word("vq", n)))
            .await
            .expect("vacancy");
    }
    for n in 0..profiles {
        tx.put_profile(&profile(n, &unique_word("zq", n), false))
            .await
            .expect("profile");
    }
    tx.commit().await.expect("commit");
}

/// Profiles that must not be found, with the embedding text they had.
pub type Gone = Vec<(ProfileId, String)>;

/// Changes every kind of thing among profiles `0..profiles`: every 10th from 1 gets
/// a new text, from 2 is deleted, from 3 has its consent revoked; from 4, consent is
/// revoked and then granted again; `added` new profiles follow. Several transactions,
/// so the feed holds repeated changes of one record. Returns the profiles that must
/// be gone, with their old embedding texts.
pub async fn mutate(store: &Store, profiles: usize, added: usize) -> Gone {
    let mut gone = Gone::new();
    let mut tx = store.begin().await.expect("begin");
    for n in 0..profiles {
        let old = profile(n, &unique_word("zq", n), false);
        match n % 10 {
            1 => {
                tx.put_profile(&profile(n, &unique_word("uq", n), false))
                    .await
                    .expect("update");
                gone.push((old.id.clone(), profile_embedding_text(&old)));
            }
            2 => {
                tx.delete_profile(&old.id).await.expect("delete");
                gone.push((old.id.clone(), profile_embedding_text(&old)));
            }
            3 | 4 => {
                tx.put_profile(&profile(n, &unique_word("zq", n), true))
                    .await
                    .expect("revoke");
                if n % 10 == 3 {
                    gone.push((old.id.clone(), profile_embedding_text(&old)));
                }
            }
            _ => {}
        }
    }
    tx.commit().await.expect("commit");
    let mut tx = store.begin().await.expect("begin");
    for n in (4..profiles).step_by(10) {
        tx.put_profile(&profile(n, &unique_word("zq", n), false))
            .await
            .expect("grant again");
    }
    for n in profiles..profiles + added {
        tx.put_profile(&profile(n, &unique_word("zq", n), false))
            .await
            .expect("add");
    }
    tx.commit().await.expect("commit");
    gone
}

/// The word searched for a profile's text: `uq…` once updated, else `zq…`.
fn word_of(profile: &Profile) -> String {
    profile
        .summary
        .split_whitespace()
        .last()
        .unwrap_or_default()
        .to_owned()
}

/// Asserts the index holds exactly the store's consenting profiles, each findable by
/// id, by its unique word and (with an embedder) by its current vector, that `gone`
/// profiles are found by none of these, and that the index is at the store's last
/// sequence number.
pub async fn assert_in_step(
    store: &Store,
    index: &Index,
    embedder: Option<&FakeEmbedder>,
    gone: &Gone,
) {
    let mut consenting = 0u64;
    let mut after = String::new();
    loop {
        let page = store.profiles_page(&after, 500).await.expect("page");
        let Some(last) = page.last() else { break };
        after = last.id.as_str().to_owned();
        for p in &page {
            let expected = p.consents_to(ConsentPurpose::Processing);
            consenting += u64::from(expected);
            let id = p.id.as_str();
            assert_eq!(
                index.contains_profile(&p.id).unwrap(),
                expected,
                "{id} by id"
            );
            let mut request = SearchRequest::new(word_of(p));
            request.snippets = false;
            let hits = index.search_profiles(&request).unwrap();
            assert_eq!(
                hits.iter().any(|h| h.id == id),
                expected,
                "{id} by its word {}",
                request.text
            );
            if let Some(embedder) = embedder {
                let vector = embedder.vector(&profile_embedding_text(p));
                let hits = index.similar_profiles(&vector, 1).unwrap();
                let found = hits.first().is_some_and(|h| h.id == id && h.score > 0.99);
                assert_eq!(found, expected, "{id} by its vector: {hits:?}");
            }
        }
    }
    for (id, old_text) in gone {
        let id = id.as_str();
        if let Some(embedder) = embedder {
            let hits = index
                .similar_profiles(&embedder.vector(old_text), 3)
                .unwrap();
            assert!(
                !hits.iter().any(|h| h.id == id && h.score > 0.99),
                "{id} by its old vector: {hits:?}"
            );
        }
    }
    assert_eq!(index.counts().1, consenting, "profile count");
    if embedder.is_some() {
        assert_eq!(index.vector_counts().1 as u64, consenting, "vector count");
    }
    let store_seq = store.last_change_seq().await.expect("seq");
    assert_eq!(
        index.last_applied_seq(),
        store_seq as u64,
        "sequence number"
    );
}
