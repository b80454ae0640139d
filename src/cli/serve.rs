use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use gip_analysis::{Analyzer, AnalyzerConfig};
use gip_indexer::store::FusionMethod;
use gip_service::{EngineConfig, SearchEngine, ServeConfig};

use super::Cli;
use super::index::{StoreArgs, open_store};

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "GIP_LISTEN")]
    listen: SocketAddr,
    /// Browser origins allowed to call the API (CORS), comma-separated.
    #[arg(long, value_delimiter = ',', env = "GIP_CORS_ORIGINS")]
    cors_origin: Vec<String>,
    /// Log the question text of each search, in the request log and the audit log.
    #[arg(long, env = "GIP_LOG_QUERIES")]
    log_queries: bool,
    /// Time limit of a search or read request, in seconds.
    #[arg(long, default_value_t = 30)]
    timeout_secs: u64,
    /// Time limit of a write request (embedding a batch of up to 1,000 records), in seconds.
    #[arg(long, default_value_t = 900)]
    write_timeout_secs: u64,
    /// Let callers without an API key search public records: on or off.
    #[arg(long, default_value = "on", value_parser = ["on", "off"], env = "GIP_ANONYMOUS")]
    anonymous: String,
    /// API key file written by `gip keys` (default: keys.json in the data folder).
    #[arg(long, env = "GIP_KEYS")]
    keys: Option<PathBuf>,
    /// Audit log, JSON Lines appended per request (default: audit.jsonl in the data folder).
    #[arg(long, env = "GIP_AUDIT_LOG")]
    audit_log: Option<PathBuf>,
    /// Turn the audit log off.
    #[arg(long)]
    no_audit: bool,
    /// Requests a minute per API key, and per client address for anonymous callers; 0 turns the limit off.
    #[arg(long, default_value_t = 600, env = "GIP_RATE_LIMIT")]
    rate_limit: u32,
    /// Requests a caller may send at once before the per-minute rate applies.
    #[arg(long, default_value_t = 60)]
    rate_limit_burst: u32,
    /// Fusion of dense and keyword results in hybrid mode: rrf or dbsf.
    #[arg(long, default_value = "rrf")]
    fusion: String,
    /// Question embeddings kept in memory (LRU); 0 turns the cache off.
    #[arg(long, default_value_t = 1024)]
    query_cache: usize,
    /// RRF weights of the dense and keyword lists, e.g. 1.0,1.0.
    #[arg(long, value_delimiter = ',')]
    rrf_weights: Option<Vec<f32>>,
}

pub fn engine_config(fusion: &str, weights: Option<&[f32]>) -> anyhow::Result<EngineConfig> {
    let fusion = match fusion {
        "rrf" => FusionMethod::Rrf,
        "dbsf" => FusionMethod::Dbsf,
        other => anyhow::bail!("--fusion {other:?} is not one of rrf, dbsf"),
    };
    let rrf_weights = match weights {
        None => None,
        Some([dense, keyword]) if *dense >= 0.0 && *keyword >= 0.0 => Some((*dense, *keyword)),
        Some(other) => anyhow::bail!("--rrf-weights {other:?} must be two weights of 0 or more: DENSE,KEYWORD (e.g. 1.0,0.5)"),
    };
    Ok(EngineConfig { fusion, rrf_weights, ..Default::default() })
}

pub fn run(cli: &Cli, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let engine_config = engine_config(&args.fusion, args.rrf_weights.as_deref())?;
    let dir = args.store.dir(cli);
    let config = ServeConfig {
        listen: args.listen,
        cors_origins: args.cors_origin.clone(),
        log_queries: args.log_queries,
        request_timeout: Duration::from_secs(args.timeout_secs.max(1)),
        write_timeout: Duration::from_secs(args.write_timeout_secs.max(1)),
        anonymous_access: args.anonymous == "on",
        keys_path: Some(args.keys.clone().unwrap_or_else(|| dir.join(super::keys::KEY_FILE))),
        audit_path: (!args.no_audit).then(|| args.audit_log.clone().unwrap_or_else(|| dir.join("audit.jsonl"))),
        rate_limit_per_minute: args.rate_limit,
        rate_limit_burst: args.rate_limit_burst,
    };
    let location = args.store.location(cli);
    let locator = cli.locator();
    let cache_size = args.query_cache;

    let loader: gip_service::api::EngineLoader = Box::new(move || {
        let (model_dir, _) = locator.locate().map_err(|e| e.to_string())?;
        let embedder = gip_models::Embedder::load_dir(&model_dir).map_err(|e| e.to_string())?;
        let store = open_store(&location, &embedder).map_err(|e| e.to_string())?;
        Ok(SearchEngine {
            store: Arc::from(store),
            embedder: Arc::new(embedder),
            analyzer: Analyzer::new(AnalyzerConfig::default()),
            config: engine_config,
            query_cache: gip_service::engine::QueryCache::new(cache_size),
            filter_cache: gip_service::engine::FilterCache::default(),
        })
    });

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(gip_service::serve(config, loader))?;
    Ok(ExitCode::SUCCESS)
}
