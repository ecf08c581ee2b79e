//! Import file formats.
//!
//! Every reader turns a file into a stream of `(line, Result<Record, FieldError>)`,
//! so the importer can report `file:line: field: problem` whatever the format was:
//! JSON Lines for every record kind, CSV for vacancies, JSON Resume for profiles.

pub mod csv_vacancies;
pub mod json_resume;
pub mod jsonl;

use qabilet_domain::FieldError;

/// One record read from a file, or why it could not be read.
pub struct Item<T> {
    /// 1-based line number of the record in the file.
    pub line: u64,
    pub record: Result<T, FieldError>,
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
