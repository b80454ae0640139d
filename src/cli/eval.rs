use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use gip_analysis::{Analyzer, AnalyzerConfig, Lang};
use gip_eval::{CorpusSource, Doc, EvalReport, EvalSet, Query, Searcher};
use gip_indexer::document::{FieldWeights, Indexable, KeywordFields};
use gip_indexer::pipeline::{IndexOptions, index_items, index_records};
use gip_indexer::{EmbeddedStore, SearchFilter};
use gip_models::TextEmbedder;
use gip_service::{Mode, SearchEngine, SearchRequest};
use serde_json::{Value, json};

use super::Cli;
use super::serve::engine_config;

#[derive(Subcommand)]
pub enum EvalCommand {
    /// Turn SQuAD-format QA files (XQuAD, ARCD, MLQA) into retrieval sets.
    ImportSquad {
        /// Folder to write one set per language pair into.
        #[arg(long)]
        out: PathBuf,
        /// Language of each file, in order (default: from the file name, e.g. xquad.ar.json).
        #[arg(long, value_delimiter = ',')]
        lang: Vec<String>,
        /// SQuAD JSON files; parallel files (same question ids) also give cross-lingual sets.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Index a set's corpus and score every query through the search engine.
    Run(RunArgs),
    /// Write a Markdown table and one SVG chart per set from saved reports.
    Report {
        /// Report JSON files written by `gip eval run --out`.
        #[arg(required = true)]
        reports: Vec<PathBuf>,
        /// Folder for report.md and the charts.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Args)]
pub struct RunArgs {
    /// Set folder (BEIR layout).
    #[arg(long)]
    set: PathBuf,
    /// Modes to run, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "hybrid,semantic,keyword")]
    mode: Vec<String>,
    /// Ranked results per query.
    #[arg(long, default_value_t = 100)]
    k: usize,
    /// Apply question understanding to queries (filters from the question).
    #[arg(long)]
    understand: bool,
    /// Turn off the Arabic folds and stemming in keyword analysis.
    #[arg(long)]
    no_arabic: bool,
    /// Folder of the set's index, reused while the corpus is unchanged (default: $GIP_HOME/eval-index).
    #[arg(long)]
    index_dir: Option<PathBuf>,
    /// Folder for report.json, per-query.tsv and TREC run files.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Exit non-zero when a metric drops below this saved report by more than --tolerance.
    #[arg(long)]
    baseline: Option<PathBuf>,
    #[arg(long, default_value_t = gip_eval::DEFAULT_TOLERANCE)]
    tolerance: f64,
    /// Hybrid fusion: rrf or dbsf.
    #[arg(long, default_value = "rrf")]
    fusion: String,
    /// RRF weights of the dense and keyword lists, e.g. 1.0,0.5.
    #[arg(long, value_delimiter = ',')]
    rrf_weights: Option<Vec<f32>>,
    /// BM25 field weights of records: name,products,owner,place,sector,description.
    #[arg(long)]
    field_weights: Option<FieldWeights>,
}

/// Stands in for the model when only keyword mode is evaluated: every text
/// gets the same unit vector, so indexing analyses text without embedding it.
struct NoEmbedder;

impl TextEmbedder for NoEmbedder {
    fn embed(&self, texts: &[&str], _kind: gip_models::TextKind) -> gip_models::Result<Vec<Vec<f32>>> {
        Ok(texts.iter().map(|_| vec![1.0; 1]).collect())
    }

    fn dim(&self) -> usize {
        1
    }

    fn model_id(&self) -> String {
        "none (keyword-only evaluation)".into()
    }
}

/// A corpus document of a set, stored like a record.
struct EvalDoc<'a>(&'a Doc);

impl Indexable for EvalDoc<'_> {
    fn id(&self) -> &str {
        &self.0.id
    }

    fn content_hash(&self) -> String {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(format!("{}\u{0}{}", self.0.title, self.0.text).as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn passage_text(&self) -> String {
        if self.0.title.is_empty() { self.0.text.clone() } else { format!("{}. {}", self.0.title, self.0.text) }
    }

    fn keyword_fields(&self, analyzer: &Analyzer, _weights: &FieldWeights) -> KeywordFields {
        KeywordFields {
            fields: vec![
                (analyzer.analyze(&self.0.title, Lang::Auto), 2.0),
                (analyzer.analyze(&self.0.text, Lang::Auto), 1.0),
            ],
        }
    }

    fn payload(&self, keyword_length: f32) -> Value {
        json!({
            "id": self.0.id,
            "content_hash": self.content_hash(),
            "keyword_length": keyword_length,
            "record": {"name": {"en": self.0.title}, "description": {"en": self.0.text}},
        })
    }
}

struct EngineSearcher {
    engine: SearchEngine,
    understand: bool,
}

impl Searcher for EngineSearcher {
    fn search(&self, query: &Query, mode: &str, k: usize) -> Result<Vec<(String, f32)>, Box<dyn std::error::Error + Send + Sync>> {
        let mode = Mode::parse(mode).ok_or_else(|| format!("unknown mode {mode:?}; use hybrid, semantic or keyword"))?;
        let request = SearchRequest {
            q: query.text.clone(),
            mode,
            filter: SearchFilter::default(),
            limit: k,
            offset: 0,
            understand: self.understand && query.kind.as_deref() == Some("nl"),
        };
        // Evaluation reads every record, whatever its visibility.
        let response = self.engine.search(&request, &SearchFilter::default())?;
        Ok(response.hits.into_iter().map(|h| (h.id, h.score)).collect())
    }
}

pub fn run(cli: &Cli, cmd: &EvalCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        EvalCommand::ImportSquad { out, lang, files } => {
            let options = gip_eval::ImportOptions { langs: lang.clone(), cross_lingual: true };
            let summary = gip_eval::import_squad(files, out, &options)?;
            for set in &summary.sets {
                println!(
                    "{}: {} {} questions against {} {} paragraphs in {}",
                    set.name, set.queries, set.query_lang, set.docs, set.corpus_lang, set.dir.display()
                );
            }
            if summary.skipped_unanswerable > 0 {
                println!("left out {} unanswerable questions", summary.skipped_unanswerable);
            }
            Ok(ExitCode::SUCCESS)
        }
        EvalCommand::Run(args) => run_set(cli, args),
        EvalCommand::Report { reports, out } => {
            std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
            let mut loaded = Vec::new();
            for path in reports {
                let report = EvalReport::from_json_file(path)?;
                let svg = gip_eval::report_svg(&report.set_name, &report);
                std::fs::write(out.join(format!("{}.svg", report.set_name)), svg)?;
                loaded.push((report.set_name.clone(), report));
            }
            std::fs::write(out.join("report.md"), gip_eval::report_markdown(&loaded))?;
            println!("wrote {}", out.join("report.md").display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn index_dir(cli: &Cli, args: &RunArgs, set: &EvalSet, hash: &str) -> PathBuf {
    let base = args.index_dir.clone().unwrap_or_else(|| cli.home().join("eval-index"));
    let mut variant = String::new();
    if args.no_arabic {
        variant.push_str("-noarabic");
    }
    if args.mode.iter().all(|m| m == "keyword") {
        variant.push_str("-keyword");
    }
    if let Some(w) = &args.field_weights {
        let weights = [w.name, w.products, w.owner, w.place, w.sector, w.description];
        variant.push_str(&format!("-w{}", weights.map(|x| x.to_string()).join("_")));
    }
    base.join(format!("{}-{}{variant}", set.name, &hash[..16.min(hash.len())]))
}

fn run_set(cli: &Cli, args: &RunArgs) -> anyhow::Result<ExitCode> {
    let set = EvalSet::load(&args.set)?;
    let hash = set.content_hash()?;
    let keyword_only = args.mode.iter().all(|m| m == "keyword");
    let embedder: Arc<dyn TextEmbedder> = if keyword_only { Arc::new(NoEmbedder) } else { Arc::new(cli.load_embedder()?) };
    let dir = index_dir(cli, args, &set, &hash);
    let store = EmbeddedStore::open(&dir, embedder.dim(), &embedder.model_id())?;
    let analyzer = Analyzer::new(AnalyzerConfig { arabic: !args.no_arabic, ..Default::default() });
    let options = IndexOptions { field_weights: args.field_weights.unwrap_or_default(), ..Default::default() };

    match &set.corpus {
        CorpusSource::Docs(docs) => {
            let items: Vec<EvalDoc> = docs.iter().map(EvalDoc).collect();
            let present: HashSet<String> = docs.iter().map(|d| d.id.clone()).collect();
            let counts = index_items(&items, &present, &store, embedder.as_ref(), &analyzer, &options, &())?;
            eprintln!("corpus: {} indexed, {} unchanged in {}", counts.indexed, counts.unchanged, dir.display());
        }
        CorpusSource::Records { path } => {
            let rows = gip_records::read_file(path).with_context(|| format!("cannot read corpus {}", path.display()))?;
            let summary = index_records(rows, &store, embedder.as_ref(), &analyzer, &options, &())?;
            anyhow::ensure!(summary.rejected == 0, "{} corpus records were rejected; fix {}", summary.rejected, path.display());
            eprintln!("corpus: {} indexed, {} unchanged in {}", summary.indexed, summary.unchanged, dir.display());
        }
    }

    let searcher = EngineSearcher {
        engine: SearchEngine {
            store: Arc::new(store),
            embedder,
            analyzer,
            config: engine_config(&args.fusion, args.rrf_weights.as_deref())?,
            query_cache: Default::default(),
            filter_cache: gip_service::engine::FilterCache::default(),
        },
        understand: args.understand,
    };
    let report = gip_eval::evaluate(&set, &searcher, &args.mode, args.k)?;

    if let Some(out) = &args.out {
        write_outputs(&report, out)?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{}", report.summary_table());
    }

    if let Some(baseline) = &args.baseline {
        let regressions = report.compare_to_baseline_file(baseline, args.tolerance)?;
        if !regressions.is_empty() {
            for r in &regressions {
                eprintln!("regression: {r}");
            }
            eprintln!("{} metric(s) dropped by more than {} against {}", regressions.len(), args.tolerance, baseline.display());
            return Ok(ExitCode::from(4));
        }
        eprintln!("no metric dropped by more than {} against {}", args.tolerance, baseline.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn write_outputs(report: &EvalReport, out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    report.write_json(&out.join("report.json"))?;
    report.write_per_query_tsv(&out.join("per-query.tsv"))?;
    report.write_run_files(&out.join("runs"))?;
    Ok(())
}
