use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use gip_analysis::{Analyzer, AnalyzerConfig};
use gip_indexer::pipeline::{IndexOptions, Progress, index_records};
use gip_indexer::{EmbeddedStore, Store};
use gip_models::TextEmbedder;

use super::Cli;

#[derive(Args)]
pub struct StoreArgs {
    /// Folder of the embedded index (default: $GIP_HOME/index).
    #[arg(long, env = "GIP_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
}

impl StoreArgs {
    pub fn dir(&self, cli: &Cli) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(|| cli.home().join("index"))
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

/// Opens (or creates) the embedded store for `embedder`'s model.
pub fn open_store(dir: &Path, embedder: &dyn TextEmbedder) -> anyhow::Result<EmbeddedStore> {
    Ok(EmbeddedStore::open(dir, embedder.dim(), &embedder.model_id())?)
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
    let dir = args.store.dir(cli);
    let store = open_store(&dir, embedder.as_ref())?;
    let analyzer = Analyzer::new(AnalyzerConfig::default());
    let options = IndexOptions { delete_missing: args.delete_missing, batch_size: args.batch_size, ..Default::default() };

    let summary = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} records  {per_sec}  ETA {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let summary = index_records(rows, &store, embedder.as_ref(), &analyzer, &options, &Bar(bar.clone()))?;
        bar.finish_and_clear();
        summary
    } else {
        index_records(rows, &store, embedder.as_ref(), &analyzer, &options, &LogLines)?
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
            dir.display()
        );
    }
    Ok(if summary.rejected > 0 { ExitCode::from(3) } else { ExitCode::SUCCESS })
}

pub fn run_delete(cli: &Cli, args: &DeleteArgs) -> anyhow::Result<ExitCode> {
    let dir = args.store.dir(cli);
    let manifest = EmbeddedStore::read_manifest(&dir)
        .with_context(|| format!("no index in {}; run `gip index` first", dir.display()))?;
    let store = EmbeddedStore::open(&dir, manifest.dim, &manifest.model_id)?;
    let existing = store.get(&args.ids, &Default::default())?;
    store.delete(&args.ids)?;
    store.flush()?;
    println!("deleted {} of {} ids from {}", existing.len(), args.ids.len(), dir.display());
    Ok(ExitCode::SUCCESS)
}
