//! The search service: [`engine::SearchEngine`] (shared with evaluation)
//! and the axum HTTP API and search page in [`api`].

pub mod api;
pub mod audit;
pub mod auth;
pub mod engine;
pub mod error;
pub mod highlight;
pub mod ingest;
pub mod limit;
pub mod metrics;
pub mod params;

pub use api::{ServeConfig, router, serve};
pub use engine::{EngineConfig, Mode, SearchEngine, SearchRequest};
