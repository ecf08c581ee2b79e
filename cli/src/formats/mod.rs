//! Import file formats.
//!
//! Every reader turns a file into a stream of `(line, Result<Record, FieldError>)`,
//! so the importer can report `file:line: field: problem` whatever the format was:
//! JSON Lines for every record kind, CSV for vacancies and profiles, JSON Resume
//! for profiles.
//!
//! Every reader checks a record's text the same way ([`TextPolicy`]): repaired
//! (mojibake undone, control characters dropped; see `qabilet_domain::repair`)
//! when asked, and otherwise refused with the option that would repair it.

pub mod csv_profiles;
pub mod csv_vacancies;
pub mod json_resume;
pub mod jsonl;

pub use qabilet_domain::repair::TextPolicy;
use qabilet_domain::repair::{apply_policy, RepairText, Repaired};
use qabilet_domain::{parse_json_shape, FieldError, Validate};
use serde::de::DeserializeOwned;

/// One record read from a file, or why it could not be read.
#[derive(Debug)]
pub struct Item<T> {
    /// 1-based line number of the record in the file.
    pub line: u64,
    pub record: Result<T, FieldError>,
    /// What repairing its text changed first, when it was repaired.
    pub repaired: Option<Repaired>,
}

impl<T> Item<T> {
    /// A record as read, nothing repaired.
    pub fn new(line: u64, record: Result<T, FieldError>) -> Self {
        Item {
            line,
            record,
            repaired: None,
        }
    }
}

/// Line numbers of byte offsets in a file: the csv crate's own line count is off
/// by one on files with CRLF line ends (the public resume set's), so the CSV
/// readers count the file's line feeds themselves.
pub struct Lines(Vec<u64>);

impl Lines {
    /// The offsets of every line feed of the file at `path`.
    pub fn of(path: &std::path::Path) -> std::io::Result<Lines> {
        use std::io::Read;
        let mut file = std::io::BufReader::new(std::fs::File::open(path)?);
        let mut feeds = Vec::new();
        let (mut buf, mut at) = (vec![0u8; 1 << 16], 0u64);
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                return Ok(Lines(feeds));
            }
            feeds.extend(
                buf[..n]
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| at + i as u64),
            );
            at += n as u64;
        }
    }

    /// The 1-based line of a record that starts at `offset`. After a CRLF the csv
    /// crate puts the next record's start on the line feed itself, so a feed at
    /// the offset still belongs to the line before.
    pub fn line(&self, offset: u64) -> u64 {
        self.0.partition_point(|&feed| feed <= offset) as u64 + 1
    }
}

/// Checks `record`'s text under `policy` (`qabilet_domain::repair::apply_policy`,
/// the rule every import door shares), then validates it.
pub fn checked<T: Validate + RepairText + Clone>(
    mut record: T,
    policy: TextPolicy,
) -> (Result<T, FieldError>, Option<Repaired>) {
    let repaired = match apply_policy(&mut record, policy) {
        Ok(repaired) => repaired,
        Err(e) => return (Err(e), None),
    };
    (
        record
            .validate()
            .map(|()| record)
            .map_err(|e| first_error(e.into())),
        repaired,
    )
}

/// Parses one JSON record and checks it as [`checked`] does.
pub fn parse_checked<T: DeserializeOwned + Validate + RepairText + Clone>(
    text: &str,
    policy: TextPolicy,
) -> Item<T> {
    match parse_json_shape::<T>(text) {
        Err(e) => Item::new(0, Err(first_error(e))),
        Ok(record) => {
            let (record, repaired) = checked(record, policy);
            Item {
                line: 0,
                record,
                repaired,
            }
        }
    }
}

/// Turns a [`qabilet_domain::ParseError`] into one field error (the first problem).
pub fn first_error(e: qabilet_domain::ParseError) -> FieldError {
    match e {
        qabilet_domain::ParseError::Shape { path, message } => FieldError {
            path,
            code: qabilet_domain::problem::MALFORMED,
            message,
        },
        qabilet_domain::ParseError::Invalid(errors) => {
            let mut all = errors.0.into_iter();
            let first = all.next().unwrap_or(FieldError {
                code: qabilet_domain::problem::INVALID,
                path: String::new(),
                message: "invalid".into(),
            });
            let more = all.count();
            if more == 0 {
                first
            } else {
                FieldError {
                    message: format!(
                        "{} (and {more} more problems in this record)",
                        first.message
                    ),
                    ..first
                }
            }
        }
    }
}
