//! all-MiniLM-L6-v2 as shipped in its PyPI wheel, run in candle, must agree
//! with sentence-transformers (fixture made by
//! `fixtures/make_minilm_reference.py`) to cosine ≥ 0.999 per text.

mod common;

use qabilet_models::EmbeddingModel;

#[derive(serde::Deserialize)]
struct Reference {
    texts: Vec<String>,
    vectors: Vec<Vec<f32>>,
}

#[test]
fn matches_sentence_transformers() {
    let reference: Reference =
        serde_json::from_str(include_str!("fixtures/minilm_reference.json")).expect("fixture");
    assert!(reference.texts.len() >= 30);
    let m = EmbeddingModel::load(&common::models().minilm).expect("MiniLM loads");
    assert_eq!(m.dim(), 384);
    assert!(m.model_id().starts_with("all-minilm-l6-v2@"));
    let refs: Vec<&str> = reference.texts.iter().map(String::as_str).collect();
    // MiniLM has no prefixes: queries and passages must embed the same.
    let passages = m.embed_passages(&refs).expect("embeds");
    let queries = m.embed_queries(&refs).expect("embeds");
    for ((text, want), (p, q)) in refs
        .iter()
        .zip(&reference.vectors)
        .zip(passages.iter().zip(&queries))
    {
        let cos = common::cosine(p, want);
        assert!(cos >= 0.999, "cosine {cos} < 0.999 for {text:?}");
        assert!(common::cosine(p, q) > 0.99999);
        let norm: f32 = p.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "not L2-normalised: {norm}");
    }
}
