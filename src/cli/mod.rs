//! Command-line interface: parses arguments and calls into the crates.

mod analyze;
mod bench_scale;
mod eval;
mod index;
mod keys;
mod model;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "gip", version, about = "GIP Search: Arabic and English search over GCC industrial projects")]
pub struct Cli {
    /// Inference threads (default: all cores). Also read from GIP_THREADS.
    #[arg(long, global = true, env = "GIP_THREADS")]
    threads: Option<usize>,

    /// Home of the local model store and default data (default: the user data dir, e.g. ~/.local/share/gip).
    #[arg(long, global = true, env = "GIP_HOME")]
    home: Option<PathBuf>,

    /// Model folder to load instead of the local store or the hub.
    #[arg(long, global = true, env = "GIP_MODEL_DIR")]
    model_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import, inspect and run the embedding model.
    #[command(subcommand)]
    Model(model::ModelCommand),
    /// Validate, embed and store project records (JSON Lines or CSV).
    Index(index::IndexArgs),
    /// Delete records by id from the index.
    Delete(index::DeleteArgs),
    /// Serve the search API and the search page.
    Serve(serve::ServeArgs),
    /// Create, list and revoke API keys.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Show each keyword-analysis stage for a text.
    Analyze(analyze::AnalyzeArgs),
    /// Relevance evaluation: import sets, run them, report.
    #[command(subcommand)]
    Eval(eval::EvalCommand),
    /// Index synthetic corpora of perturbed sample records; prints time and size (see BENCHMARKS.md).
    #[command(hide = true)]
    BenchScale(bench_scale::BenchScaleArgs),
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    gip_models::threads::configure(cli.threads);

    let result = match &cli.command {
        Command::Model(cmd) => model::run(&cli, cmd),
        Command::Index(args) => index::run_index(&cli, args),
        Command::Delete(args) => index::run_delete(&cli, args),
        Command::Serve(args) => serve::run(&cli, args),
        Command::Keys(cmd) => keys::run(&cli, cmd),
        Command::Analyze(args) => analyze::run(args),
        Command::Eval(cmd) => eval::run(&cli, cmd),
        Command::BenchScale(args) => bench_scale::run(&cli, args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("GIP_LOG").unwrap_or_else(|_| EnvFilter::new("info,qdrant_edge=error"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

impl Cli {
    pub fn home(&self) -> PathBuf {
        self.home.clone().unwrap_or_else(gip_models::source::default_home)
    }

    pub fn locator(&self) -> gip_models::ModelLocator {
        gip_models::ModelLocator::new(self.model_dir.clone(), self.home.clone())
    }

    /// Loads the embedding model from the first source that has it.
    pub fn load_embedder(&self) -> anyhow::Result<gip_models::Embedder> {
        let (dir, origin) = self.locator().locate()?;
        tracing::info!(dir = %dir.display(), ?origin, "loading model");
        Ok(gip_models::Embedder::load_dir(&dir)?)
    }
}
