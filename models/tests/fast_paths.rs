//! The fast paths against fp32, with the real e5 weights: int8 must keep the
//! vectors (cosine on the parity sentences) and the neighbourhoods (top-10
//! overlap on a small set of profile texts); the distilled static model must
//! keep enough of the neighbourhoods to be worth indexing with, load only with
//! its recorded checksum, and never pass for the transformer.

mod common;

use qabilet_models::bench::{profile_texts, sentences, top_k_overlap};
use qabilet_models::distill::{distill, DistillOptions};
use qabilet_models::{EmbeddingModel, Precision, StaticModel};

fn worst_cosine(a: &[Vec<f32>], b: &[Vec<f32>]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| common::cosine(x, y))
        .fold(f32::INFINITY, f32::min)
}

#[test]
fn int8_keeps_vectors_and_neighbours() {
    let dir = &common::models().e5;
    let fp32 = EmbeddingModel::load_with(dir, Precision::Fp32).unwrap();
    let int8 = EmbeddingModel::load_with(dir, Precision::Int8).unwrap();
    assert_ne!(
        fp32.model_id(),
        int8.model_id(),
        "the id must name the precision"
    );
    assert!(int8.model_id().ends_with("+int8"));

    let parity = sentences();
    let (a, b) = (
        fp32.embed_passages(&parity).unwrap(),
        int8.embed_passages(&parity).unwrap(),
    );
    let worst = worst_cosine(&a, &b);
    // Measured 0.9994 on AMD EPYC (AVX-512 VNNI).
    assert!(worst >= 0.99, "worst cosine {worst}");
    let q = ["юрист с опытом в госзакупках", "accountant", "бухгалтер"];
    let worst_q = worst_cosine(
        &fp32.embed_queries(&q).unwrap(),
        &int8.embed_queries(&q).unwrap(),
    );
    assert!(worst_q >= 0.99, "worst query cosine {worst_q}");

    let texts = profile_texts(120, 600);
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let overlap = top_k_overlap(
        &fp32.embed_passages(&refs).unwrap(),
        &int8.embed_passages(&refs).unwrap(),
        10,
    );
    assert!(overlap >= 9.0, "mean top-10 overlap {overlap}");
}

#[test]
fn a_distilled_static_model_keeps_neighbourhoods_and_its_checksum() {
    let teacher_dir = &common::models().e5;
    let teacher = EmbeddingModel::load(teacher_dir).unwrap();
    let texts = profile_texts(120, 600);
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    // Only the tokens these texts use: the whole vocabulary takes minutes.
    let mut tokens: Vec<u32> = Vec::new();
    for t in &refs {
        for w in teacher.token_windows(t, false).unwrap() {
            tokens.extend(w);
        }
    }
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("e5-static");
    let options = DistillOptions {
        dims: 128,
        only_tokens: Some(tokens),
        progress: false,
    };
    let sha = distill(&teacher, teacher_dir, &folder, &options).unwrap();
    assert_eq!(sha.len(), 64);
    let model = StaticModel::load(&folder).unwrap();
    assert_eq!(model.dim(), 128);
    assert_eq!(model.teacher(), teacher.model_id());
    assert!(
        EmbeddingModel::load(&folder).is_err(),
        "a static folder is no transformer"
    );

    let want = teacher.embed_passages(&refs).unwrap();
    let got = model.embed_passages(&refs).unwrap();
    assert!(got
        .iter()
        .all(|v| (v.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-4));
    let overlap = top_k_overlap(&want, &got, 10);
    // A static model is far coarser than the transformer (measured 2.78 here,
    // AMD EPYC); a random ranking would share about 10 · 10 / 119 ≈ 0.84.
    assert!(overlap >= 2.0, "mean top-10 overlap {overlap}");
    eprintln!("static top-10 overlap: {overlap:.2}");

    // The per-word cache gives the vectors of tokenizing each text whole, from the
    // first call (cold) and the second (every word cached).
    let whole = model.embed_passages_uncached(&refs).unwrap();
    for _ in 0..2 {
        let cached = model.embed_passages(&refs).unwrap();
        for (a, b) in whole.iter().zip(&cached) {
            let cosine: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
            assert!(
                cosine > 0.9999,
                "cached word tokens differ: cosine {cosine}"
            );
        }
    }

    // Tampered weights are refused.
    let weights = folder.join("model.safetensors");
    let mut bytes = std::fs::read(&weights).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&weights, bytes).unwrap();
    let err = StaticModel::load(&folder)
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("checksum"), "{err}");
}
