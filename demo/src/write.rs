//! Writing a data set as JSON Lines, the format `qabilet import` reads.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::Generator;

/// Why a data set could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A file or the directory could not be created or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A record could not be serialised (not expected for generated data).
    #[error("{path}: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// How many records of each kind were written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DataSetSummary {
    pub organisations: usize,
    pub vacancies: usize,
    pub profiles: usize,
    pub judgements: usize,
}

/// One JSON Lines file being written.
struct Lines {
    path: PathBuf,
    out: BufWriter<File>,
    count: usize,
}

impl Lines {
    fn create(dir: &Path, name: &str) -> Result<Self, DemoError> {
        let path = dir.join(name);
        let file = File::create(&path).map_err(|source| DemoError::Io {
            path: path.clone(),
            source,
        })?;
        Ok(Lines {
            path,
            out: BufWriter::with_capacity(1 << 20, file),
            count: 0,
        })
    }

    fn write(&mut self, record: &impl Serialize) -> Result<(), DemoError> {
        serde_json::to_writer(&mut self.out, record).map_err(|source| DemoError::Json {
            path: self.path.clone(),
            source,
        })?;
        self.out.write_all(b"\n").map_err(|source| DemoError::Io {
            path: self.path.clone(),
            source,
        })?;
        self.count += 1;
        Ok(())
    }

    fn finish(mut self) -> Result<usize, DemoError> {
        self.out.flush().map_err(|source| DemoError::Io {
            path: self.path.clone(),
            source,
        })?;
        Ok(self.count)
    }
}

impl Generator {
    /// Writes `organisations.jsonl`, `vacancies.jsonl`, `profiles.jsonl` and
    /// `judgements.jsonl` into `dir` (created if missing), in one pass over the
    /// profiles.
    pub fn write_jsonl(&self, dir: &Path) -> Result<DataSetSummary, DemoError> {
        self.write_files(dir, true)
    }

    /// [`Generator::write_jsonl`] without the ground truth: the data set of a load
    /// test, where grading a million profiles against 50,000 vacancies would write
    /// billions of judgements (about 350 GB).
    pub fn write_jsonl_without_judgements(&self, dir: &Path) -> Result<DataSetSummary, DemoError> {
        self.write_files(dir, false)
    }

    fn write_files(&self, dir: &Path, with_judgements: bool) -> Result<DataSetSummary, DemoError> {
        std::fs::create_dir_all(dir).map_err(|source| DemoError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let mut orgs = Lines::create(dir, "organisations.jsonl")?;
        for o in self.organisations() {
            orgs.write(&o)?;
        }
        let mut vacancies = Lines::create(dir, "vacancies.jsonl")?;
        for v in self.vacancies() {
            vacancies.write(&v)?;
        }
        let mut profiles = Lines::create(dir, "profiles.jsonl")?;
        let mut judged = 0;
        if with_judgements {
            let mut judgements = Lines::create(dir, "judgements.jsonl")?;
            for g in self.profiles_with_judgements() {
                profiles.write(&g.profile)?;
                for j in &g.judgements {
                    judgements.write(j)?;
                }
            }
            judged = judgements.finish()?;
        } else {
            for p in self.profiles() {
                profiles.write(&p)?;
            }
        }
        Ok(DataSetSummary {
            organisations: orgs.finish()?,
            vacancies: vacancies.finish()?,
            profiles: profiles.finish()?,
            judgements: judged,
        })
    }
}
