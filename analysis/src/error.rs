//! The error type of this crate.

use thiserror::Error;

/// Errors raised by this crate for invalid caller input.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AnalysisError {
    /// A language hint other than `ar`, `en` or `auto`.
    #[error("invalid language hint {value:?}: expected \"ar\", \"en\" or \"auto\"")]
    InvalidLang {
        /// The rejected hint as the caller passed it.
        value: String,
    },

    /// A BM25 parameter outside its valid range.
    #[error("invalid BM25 parameter {name} = {value}: expected {expected}")]
    InvalidBm25Parameter {
        /// `k1` or `b`.
        name: &'static str,
        /// The rejected value.
        value: f32,
        /// The valid range, in words.
        expected: &'static str,
    },
}
