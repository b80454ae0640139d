//! The error type of this crate.

use std::path::PathBuf;

/// Everything that can fail while loading sets, reading TREC files, running
/// searches or writing reports.
///
/// Each message names the value at fault and, where there is one, the fix.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file or folder could not be read or written.
    #[error("failed to access {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A required file of a set is absent.
    #[error("missing file {path}: {hint}")]
    MissingFile { path: PathBuf, hint: String },

    /// A line of a JSON Lines, TSV or TREC file could not be parsed.
    #[error("invalid line {line} in {path}: {message}")]
    InvalidLine {
        path: PathBuf,
        line: usize,
        message: String,
    },

    /// A whole JSON file (manifest, SQuAD file, saved report) could not be parsed.
    #[error("invalid JSON in {path}: {source}")]
    InvalidJson {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },

    /// A manifest names a corpus format this crate cannot read.
    #[error(
        "unsupported corpus format {format:?} in {path}; the supported format is \"gip-records-v1\""
    )]
    UnsupportedFormat { path: PathBuf, format: String },

    /// An argument or option is out of its valid range.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    /// The searcher under evaluation returned an error.
    #[error("search failed for query {query_id:?} in mode {mode:?}: {source}")]
    Search {
        mode: String,
        query_id: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The searcher returned a result list that cannot be scored.
    #[error("invalid results for query {query_id:?} in mode {mode:?}: {message}")]
    InvalidResults {
        mode: String,
        query_id: String,
        message: String,
    },
}

/// The result type of this crate.
pub type Result<T, E = EvalError> = std::result::Result<T, E>;

impl EvalError {
    /// Wraps an I/O error with the path it happened on.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EvalError::Io {
            path: path.into(),
            source,
        }
    }
}
