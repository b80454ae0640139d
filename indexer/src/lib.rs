//! The indexer: how member-state records become searchable.
//!
//! [`pipeline::index_records`] validates nothing itself (that is
//! `gip-records`); it skips records whose content hash is already stored,
//! analyses and embeds the rest, and writes dense vector, BM25 sparse vector
//! and payload to a [`store::Store`]: [`EmbeddedStore`] in a local folder
//! or [`ServerStore`] on a Qdrant server.

pub mod document;
pub mod error;
pub mod filter;
pub mod pipeline;
pub mod server;
pub mod store;

pub use error::{IndexError, Result};
pub use filter::SearchFilter;
pub use server::{ServerConfig, ServerStore};
pub use store::{EmbeddedStore, Hit, Rebuild, Store, StoreQuery};
