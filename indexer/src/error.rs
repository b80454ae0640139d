use std::path::PathBuf;

/// Errors of indexing and of the vector store.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("vector store failed: {0}")]
    Store(String),

    #[error("the store at {dir} was built with {found}, but {expected} is loaded; run `gip index --rebuild` to re-embed")]
    ModelMismatch { dir: PathBuf, found: String, expected: String },

    #[error("cannot use data directory {dir}: {source}")]
    Io {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "the index at {dir} is open in another gip process (gip serve, gip index or gip delete); \
         stop that process or use another --data-dir"
    )]
    Locked { dir: PathBuf },

    #[error(transparent)]
    Model(#[from] gip_models::ModelError),
}

impl From<qdrant_edge::OperationError> for IndexError {
    fn from(e: qdrant_edge::OperationError) -> Self {
        Self::Store(e.to_string())
    }
}

pub type Result<T, E = IndexError> = std::result::Result<T, E>;
