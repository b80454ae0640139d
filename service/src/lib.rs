//! The search service: [`engine::SearchEngine`] (shared with evaluation)
//! and the axum HTTP API and search page in [`api`].

pub mod api;
pub mod engine;
pub mod error;
pub mod highlight;
pub mod metrics;
pub mod params;

pub use api::{ServeConfig, router, serve};
pub use engine::{EngineConfig, Mode, SearchEngine, SearchRequest};
