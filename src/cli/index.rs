use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;
use gip_analysis::{Analyzer, AnalyzerConfig};
use gip_indexer::pipeline::{IndexOptions, IndexSummary, Progress, index_records};
use gip_indexer::{EmbeddedStore, Rebuild, ServerConfig, ServerStore, Store};
use gip_models::TextEmbedder;
use gip_records::{Problem, Record};

use super::Cli;

#[derive(Args)]
pub struct StoreArgs {
    /// Folder of the embedded index (default: $GIP_HOME/index); with --qdrant-url it keeps only the key file and audit log.
    #[arg(long, env = "GIP_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// gRPC URL of a Qdrant server or cluster, e.g. http://localhost:6334 (https:// uses TLS);
    /// without it the index is embedded in --data-dir.
    #[arg(long, env = "GIP_QDRANT_URL")]
    pub qdrant_url: Option<String>,
    /// API key of the Qdrant server.
    #[arg(long, env = "GIP_QDRANT_API_KEY", hide_env_values = true)]
    pub qdrant_api_key: Option<String>,
    /// Name of the index on the Qdrant server: an alias of the collection that contains it.
    #[arg(long, default_value = "gip_projects", env = "GIP_QDRANT_COLLECTION")]
    pub collection: String,
    /// Limit of each Qdrant server request and of connecting, in seconds.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub qdrant_timeout: u64,
}

/// Location of the index: a data folder or a Qdrant server collection.
#[derive(Clone, Debug)]
pub enum StoreLocation {
    Embedded(PathBuf),
    Server(ServerConfig),
}

impl StoreLocation {
    /// Returns the index name used in messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Embedded(dir) => dir.display().to_string(),
            Self::Server(config) => format!("collection {} at {}", config.collection, config.url),
        }
    }
}

impl StoreArgs {
    /// Returns the data folder: the embedded index, and the default place of
    /// the key file and the audit log (also when the index is on a server).
    pub fn dir(&self, cli: &Cli) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(|| cli.home().join("index"))
    }

    pub fn location(&self, cli: &Cli) -> StoreLocation {
        match &self.qdrant_url {
            Some(url) if !url.is_empty() => {
                let mut config = ServerConfig::new(url, &self.collection);
                config.api_key = self.qdrant_api_key.clone().filter(|key| !key.is_empty());
                config.timeout = Duration::from_secs(self.qdrant_timeout);
                StoreLocation::Server(config)
            }
            _ => StoreLocation::Embedded(self.dir(cli)),
        }
    }
}

#[derive(Args)]
pub struct IndexArgs {
    /// Records to index: a .jsonl or .csv file, or - for standard input (JSON Lines or CSV).
    #[arg(long)]
    input: PathBuf,
    #[command(flatten)]
    store: StoreArgs,
    /// Treat the input as the full set: delete stored records that it lacks.
    #[arg(long)]
    delete_missing: bool,
    /// Build a new index from the input alone and switch to it only when every record is
    /// stored; the old index stays whole until then. Rejected records cancel the switch.
    #[arg(long)]
    rebuild: bool,
    /// Records per embedding batch.
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct DeleteArgs {
    /// Record ids to delete.
    #[arg(required = true)]
    ids: Vec<String>,
    #[command(flatten)]
    store: StoreArgs,
}

/// Opens (or creates) the store at `location` for `embedder`'s model.
pub fn open_store(location: &StoreLocation, embedder: &dyn TextEmbedder) -> anyhow::Result<Box<dyn Store>> {
    let (dim, model_id) = (embedder.dim(), embedder.model_id());
    Ok(match location {
        StoreLocation::Embedded(dir) => Box::new(EmbeddedStore::open(dir, dim, &model_id)?),
        StoreLocation::Server(config) => Box::new(ServerStore::open(config, dim, &model_id)?),
    })
}

/// Starts a rebuild of the index at `location` for `embedder`'s model.
fn begin_rebuild(location: &StoreLocation, embedder: &dyn TextEmbedder) -> anyhow::Result<Box<dyn Rebuild>> {
    let (dim, model_id) = (embedder.dim(), embedder.model_id());
    Ok(match location {
        StoreLocation::Embedded(dir) => Box::new(EmbeddedStore::begin_rebuild(dir, dim, &model_id)?),
        StoreLocation::Server(config) => Box::new(ServerStore::begin_rebuild(config, dim, &model_id)?),
    })
}

struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn update(&self, done: usize, total: usize) {
        self.0.set_length(total as u64);
        self.0.set_position(done as u64);
    }
}

struct LogLines;

impl Progress for LogLines {
    fn update(&self, done: usize, total: usize) {
        eprintln!("indexed {done}/{total} changed records");
    }
}

pub fn run_index(cli: &Cli, args: &IndexArgs) -> anyhow::Result<ExitCode> {
    let rows = if args.input.as_os_str() == "-" {
        gip_records::read_records(std::io::stdin().lock(), None).context("cannot read records from standard input")?
    } else {
        gip_records::read_file(&args.input).with_context(|| format!("cannot read {}", args.input.display()))?
    };

    let embedder: Arc<dyn TextEmbedder> = Arc::new(cli.load_embedder()?);
    let location = args.store.location(cli);
    let analyzer = Analyzer::new(AnalyzerConfig::default());
    let options = IndexOptions { delete_missing: args.delete_missing, batch_size: args.batch_size, ..Default::default() };

    let summary = if args.rebuild {
        let rebuild = begin_rebuild(&location, embedder.as_ref())?;
        match run_pipeline(rows, rebuild.store(), embedder.as_ref(), &analyzer, &options) {
            Ok(summary) if summary.rejected == 0 => {
                rebuild.commit().with_context(|| format!("the rebuilt index was not switched in; {} is unchanged", location.describe()))?;
                summary
            }
            Ok(summary) => {
                rebuild.abort()?;
                eprintln!(
                    "rebuild cancelled: {} records were rejected, so {} was left unchanged; fix them and run again",
                    summary.rejected,
                    location.describe()
                );
                summary
            }
            Err(error) => {
                if let Err(abort_error) = rebuild.abort() {
                    tracing::warn!(error = %abort_error, "cannot delete the unfinished rebuild");
                }
                return Err(error.context(format!("rebuild failed; {} is unchanged", location.describe())));
            }
        }
    } else {
        let store = open_store(&location, embedder.as_ref())?;
        run_pipeline(rows, store.as_ref(), embedder.as_ref(), &analyzer, &options)?
    };

    for rejected in &summary.rejected_records {
        for p in &rejected.problems {
            eprintln!("line {}: {}: {} | {}", rejected.line, p.field, p.reason, p.reason_ar);
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "{} read, {} indexed, {} unchanged, {} rejected, {} deleted in {:.1} s into {}",
            summary.read, summary.indexed, summary.unchanged, summary.rejected, summary.deleted, summary.seconds,
            location.describe()
        );
    }
    Ok(if summary.rejected > 0 { ExitCode::from(3) } else { ExitCode::SUCCESS })
}

pub fn run_delete(cli: &Cli, args: &DeleteArgs) -> anyhow::Result<ExitCode> {
    let location = args.store.location(cli);
    let store: Box<dyn Store> = match &location {
        StoreLocation::Embedded(dir) => {
            let manifest = EmbeddedStore::read_manifest(dir)
                .with_context(|| format!("no index in {}; run `gip index` first", dir.display()))?;
            Box::new(EmbeddedStore::open(dir, manifest.dim, &manifest.model_id)?)
        }
        StoreLocation::Server(config) => Box::new(ServerStore::open_existing(config)?),
    };
    let existing = store.get(&args.ids, &Default::default())?;
    store.delete(&args.ids)?;
    store.flush()?;
    println!("deleted {} of {} ids from {}", existing.len(), args.ids.len(), location.describe());
    Ok(ExitCode::SUCCESS)
}

/// Runs the indexing pipeline with a progress bar on a terminal, or
/// progress lines otherwise.
fn run_pipeline(
    rows: Vec<(usize, Result<Record, Vec<Problem>>)>,
    store: &dyn Store,
    embedder: &dyn TextEmbedder,
    analyzer: &Analyzer,
    options: &IndexOptions,
) -> anyhow::Result<IndexSummary> {
    if !std::io::stderr().is_terminal() {
        return Ok(index_records(rows, store, embedder, analyzer, options, &LogLines)?);
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} records  {per_sec}  ETA {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let summary = index_records(rows, store, embedder, analyzer, options, &Bar(bar.clone()));
    bar.finish_and_clear();
    Ok(summary?)
}
