use std::path::PathBuf;

/// Errors of indexing and of the vector store.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("vector store failed: {0}")]
    Store(String),

    /// `index` is a data folder or a Qdrant collection.
    #[error("the index {index} was built with {found}, but {expected} is loaded; run `gip index --rebuild` to re-embed")]
    ModelMismatch { index: String, found: String, expected: String },

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

    #[error(
        "cannot reach the Qdrant server at {url}: {reason}; check that the server is running and that \
         --qdrant-url names its gRPC port (6334 by default, not the REST port 6333)"
    )]
    Unreachable { url: String, reason: String },

    #[error("Qdrant server at {url} rejected {operation} on collection {collection:?}: {message}")]
    Server { url: String, collection: String, operation: &'static str, message: String },

    #[error(transparent)]
    Model(#[from] gip_models::ModelError),
}

impl From<qdrant_edge::OperationError> for IndexError {
    fn from(e: qdrant_edge::OperationError) -> Self {
        Self::Store(e.to_string())
    }
}

pub type Result<T, E = IndexError> = std::result::Result<T, E>;
