//! Bad input gets a clear error naming what to fix, never a panic.

mod common;

use std::path::{Path, PathBuf};

use qabilet_models::{EmbeddingModel, ModelError, MAX_TEXT_BYTES};

/// A copy of the MiniLM folder in a temp dir; the large weights file is
/// symlinked unless a test replaces it.
fn model_copy() -> (tempfile::TempDir, PathBuf) {
    let src = &common::models().minilm;
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("all-minilm-l6-v2");
    copy_tree(src, &dir);
    (tmp, dir)
}

fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("mkdir");
    for entry in std::fs::read_dir(src).expect("read dir") {
        let entry = entry.expect("entry");
        let to = dst.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &to);
        } else if entry.file_name() == "model.safetensors" {
            std::os::unix::fs::symlink(entry.path(), &to).expect("symlink");
        } else {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
}

fn load_err(dir: &Path) -> ModelError {
    match EmbeddingModel::load(dir) {
        Ok(_) => panic!("{} should not load", dir.display()),
        Err(e) => e,
    }
}

#[test]
fn empty_and_oversized_texts_are_refused_with_their_position() {
    let m = EmbeddingModel::load(&common::models().minilm).expect("loads");
    match m.embed_passages(&["a real text", ""]) {
        Err(ModelError::EmptyText { index: 1 }) => {}
        other => panic!("expected EmptyText at 1, got {other:?}"),
    }
    assert!(matches!(
        m.embed_queries(&[" \n\t "]),
        Err(ModelError::EmptyText { index: 0 })
    ));
    let huge = "a".repeat(MAX_TEXT_BYTES + 1);
    match m.embed_passages(&[huge.as_str()]) {
        Err(e @ ModelError::TextTooLong { .. }) => {
            assert!(e.to_string().contains(&MAX_TEXT_BYTES.to_string()), "{e}")
        }
        other => panic!("expected TextTooLong, got {:?}", other.map(|v| v.len())),
    }
    // Just under the limit is accepted and tokenized whole into windows.
    let big = "қабілет ".repeat(MAX_TEXT_BYTES / 16);
    let windows = m.token_windows(&big, false).expect("large text tokenizes");
    let content: usize = windows.iter().map(|w| w.len() - 2).sum();
    assert!(
        content >= MAX_TEXT_BYTES / 16,
        "{content} tokens: text was cut"
    );
}

#[test]
fn missing_files_are_named() {
    for file in ["config.json", "tokenizer.json", "model.safetensors"] {
        let (_tmp, dir) = model_copy();
        std::fs::remove_file(dir.join(file)).expect("remove");
        match load_err(&dir) {
            ModelError::MissingFile { path } => assert!(path.ends_with(file), "{path:?}"),
            other => panic!("expected MissingFile for {file}, got {other}"),
        }
    }
    match load_err(Path::new("/nonexistent/model")) {
        ModelError::MissingFile { path } => assert!(path.ends_with("config.json")),
        other => panic!("expected MissingFile, got {other}"),
    }
}

#[test]
fn corrupt_files_are_named() {
    let real = common::models().minilm.join("model.safetensors");
    let real_bytes = std::fs::read(&real).expect("read weights");
    let cases: [(&str, Vec<u8>); 4] = [
        (
            "model.safetensors",
            b"not a safetensors file at all".to_vec(),
        ),
        ("model.safetensors", real_bytes[..4096].to_vec()),
        ("tokenizer.json", b"{\"model\": 42}".to_vec()),
        ("config.json", b"{ this is not json".to_vec()),
    ];
    for (file, bytes) in cases {
        let (_tmp, dir) = model_copy();
        let path = dir.join(file);
        std::fs::remove_file(&path).expect("remove");
        std::fs::write(&path, bytes).expect("write");
        match load_err(&dir) {
            ModelError::CorruptFile { path, .. } => assert!(path.ends_with(file), "{path:?}"),
            other => panic!("expected CorruptFile for {file}, got {other}"),
        }
    }
}

#[test]
fn unsupported_architecture_names_the_model_type() {
    let (_tmp, dir) = model_copy();
    let cfg_path = dir.join("config.json");
    let mut cfg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cfg_path).expect("read")).expect("json");
    cfg["model_type"] = "gpt2".into();
    cfg["architectures"] = serde_json::json!(["GPT2LMHeadModel"]);
    std::fs::write(&cfg_path, cfg.to_string()).expect("write");
    let err = load_err(&dir);
    let msg = err.to_string();
    assert!(
        matches!(err, ModelError::UnsupportedArchitecture { .. }),
        "{msg}"
    );
    assert!(
        msg.contains("gpt2") && msg.contains("GPT2LMHeadModel"),
        "{msg}"
    );
}
