//! `gip bench-scale` (hidden): a synthetic scale benchmark of indexing. It builds stores of 10,000 or
//! 100,000 records made by perturbing the 332 sample records, through the
//! real analyzer, BM25 weights, payloads, pipeline and embedded store.
//!
//! Embedding 100,000 passages with the CPU model takes hours, so only the
//! 332 sample passages are embedded, once, with the real model. A synthetic
//! record's dense vector is its source record's vector plus random noise of
//! a fixed L2 norm, renormalized. Its keyword vector comes from its own
//! perturbed text. The printed index time therefore leaves out the model,
//! and the full index time is estimated from the measured embedding rate.
//!
//! ```sh
//! gip --model-dir DIR bench-scale --records 10000,100000 --out /tmp/gip-scale
//! ```
//!
//! Writes one store per size under `OUT/<size>/index` (serve it with
//! `gip serve --data-dir OUT/<size>/index`) and prints one JSON line per
//! size. The sample embeddings are kept in `OUT/sample-embeddings.json`
//! with the rate they were measured at, so later runs skip the model.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Instant;

use std::process::ExitCode;

use anyhow::{Context as _, bail, ensure};
use clap::Args;
use gip_analysis::{Analyzer, AnalyzerConfig};
use gip_indexer::EmbeddedStore;
use gip_indexer::document::passage_text;
use gip_indexer::pipeline::{IndexOptions, index_items};
use gip_models::{Embedder, TextEmbedder, TextKind};
use gip_records::Record;
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use serde_json::{Value, json};

use super::Cli;

#[derive(Args)]
pub struct BenchScaleArgs {
    /// Corpus sizes to build, in records, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "10000")]
    records: Vec<usize>,
    /// Output folder; each size gets OUT/<size>/index, which must not exist yet.
    #[arg(long)]
    out: PathBuf,
    /// L2 norm of the noise added to a source vector before renormalizing
    /// (0.25 gives a cosine of about 0.97 to the source).
    #[arg(long, default_value_t = 0.25)]
    noise: f32,
    /// The sample records to perturb (JSON Lines).
    #[arg(long, default_value = "data/sample/projects.jsonl")]
    sample: PathBuf,
    /// Seed of the perturbations and the noise.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

const STATUSES: [&str; 5] = ["planned", "under_construction", "operational", "suspended", "cancelled"];

pub fn run(cli: &Cli, args: &BenchScaleArgs) -> anyhow::Result<ExitCode> {
    ensure!(args.noise.is_finite() && args.noise >= 0.0, "--noise {} must be a finite number of 0 or more", args.noise);
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;

    let text = std::fs::read_to_string(&args.sample).with_context(|| format!("cannot read {}", args.sample.display()))?;
    let sources: Vec<Value> = text.lines().filter(|l| !l.trim().is_empty()).map(serde_json::from_str).collect::<Result<_, _>>()?;
    let records = validate(text.as_bytes())?;
    let model = cli.load_embedder()?;
    let sample = sample_embeddings(&model, &records, &args.out.join("sample-embeddings.json"))?;
    eprintln!("sample: {} passages embedded at {:.2} passages/s", records.len(), sample.passages_per_second);

    for &size in &args.records {
        let report = build(args, size, &sources, &model, &sample)?;
        println!("{report}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Parses and validates JSON Lines records, failing on any rejected line.
fn validate(jsonl: &[u8]) -> anyhow::Result<Vec<Record>> {
    let mut records = Vec::new();
    for (line, result) in gip_records::read_records(jsonl, None)? {
        match result {
            Ok(record) => records.push(record),
            Err(problems) => bail!("line {line} is not a valid record: {}", problems[0].reason),
        }
    }
    Ok(records)
}

/// Dense vectors of the sample records, embedded with the real model.
struct SampleEmbeddings {
    model_id: String,
    passages_per_second: f64,
    vectors: Vec<Vec<f32>>,
}

/// Embeds the sample passages in batches of 32, as `gip index` does, or
/// reads them from `cache` when a previous run stored them for this model.
fn sample_embeddings(model: &Embedder, records: &[Record], cache: &Path) -> anyhow::Result<SampleEmbeddings> {
    if let Ok(bytes) = std::fs::read(cache) {
        let stored: Value = serde_json::from_slice(&bytes)?;
        let vectors: Vec<Vec<f32>> = serde_json::from_value(stored["vectors"].clone())?;
        if stored["model_id"] == model.model_id() && vectors.len() == records.len() {
            let passages_per_second = stored["passages_per_second"].as_f64().unwrap_or(f64::NAN);
            return Ok(SampleEmbeddings { model_id: model.model_id(), passages_per_second, vectors });
        }
    }

    let passages: Vec<String> = records.iter().map(passage_text).collect();
    let started = Instant::now();
    let mut vectors = Vec::with_capacity(passages.len());
    for batch in passages.chunks(32) {
        let refs: Vec<&str> = batch.iter().map(String::as_str).collect();
        vectors.extend(model.embed(&refs, TextKind::Passage)?);
    }
    let passages_per_second = passages.len() as f64 / started.elapsed().as_secs_f64();

    let stored = json!({"model_id": model.model_id(), "passages_per_second": passages_per_second, "vectors": vectors});
    std::fs::write(cache, serde_json::to_vec(&stored)?).with_context(|| format!("cannot write {}", cache.display()))?;
    Ok(SampleEmbeddings { model_id: model.model_id(), passages_per_second, vectors })
}

/// Generates `size` records, indexes them into `OUT/<size>/index` and
/// returns the measurements.
fn build(args: &BenchScaleArgs, size: usize, sources: &[Value], model: &Embedder, sample: &SampleEmbeddings) -> anyhow::Result<Value> {
    let dir = args.out.join(size.to_string()).join("index");
    ensure!(!dir.exists(), "{} already exists; remove it or pick another --out", dir.display());

    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(args.seed ^ size as u64);
    let mut jsonl = Vec::new();
    for index in 0..size {
        let record = perturb(sources, index, &mut rng);
        serde_json::to_writer(&mut jsonl, &record)?;
        jsonl.push(b'\n');
    }
    let records = validate(&jsonl)?;
    drop(jsonl);
    let generate_seconds = started.elapsed().as_secs_f64();

    let embedder = ReusedVectors::new(model, sample, &records, sources.len(), args.noise, args.seed);
    let store = EmbeddedStore::open(&dir, model.dim(), &sample.model_id)?;
    let analyzer = Analyzer::new(AnalyzerConfig::default());
    let present: HashSet<String> = records.iter().map(|r| r.id.clone()).collect();
    let started = Instant::now();
    let counts = index_items(&records, &present, &store, &embedder, &analyzer, &IndexOptions::default(), &())?;
    let index_seconds = started.elapsed().as_secs_f64();
    drop(store);

    let (apparent, allocated) = folder_size(&dir)?;
    let embed_estimate = size as f64 / sample.passages_per_second;
    Ok(json!({
        "records": size,
        "indexed": counts.indexed,
        "passages_embedded_by_model": embedder.fallbacks.load(std::sync::atomic::Ordering::Relaxed),
        "generate_seconds": generate_seconds,
        "store_index_seconds": index_seconds,
        "store_records_per_second": size as f64 / index_seconds,
        "estimated_embed_seconds": embed_estimate,
        "estimated_full_index_seconds": index_seconds + embed_estimate,
        "index_bytes_apparent": apparent,
        "index_bytes_allocated": allocated,
        "bench_peak_rss_kib": peak_rss_kib(),
        "dir": dir,
    }))
}

/// Makes synthetic record number `index` from sample record `index` modulo
/// the sample size. It gets a new id and the place of another record of the
/// same country. One or two words of each name and description are swapped
/// for words of another record, and years, investment and status change.
fn perturb(sources: &[Value], index: usize, rng: &mut StdRng) -> Value {
    let mut record = sources[index % sources.len()].clone();
    let country = record["country"].as_str().unwrap_or_default().to_string();
    record["id"] = json!(format!("SYN-{country}-{index:06}"));

    for field in ["name", "description"] {
        let donor = &sources[rng.random_range(0..sources.len())];
        for lang in ["ar", "en"] {
            let Some(words) = donor[field][lang].as_str().map(str::to_string) else { continue };
            if let Some(text) = record[field][lang].as_str() {
                let swaps = rng.random_range(1..=2);
                record[field][lang] = json!(swap_words(text, &words, swaps, rng));
            }
        }
    }

    let same_country: Vec<&Value> = sources.iter().filter(|s| s["country"] == country.as_str()).collect();
    let place = same_country[rng.random_range(0..same_country.len())];
    for field in ["city", "zone", "location"] {
        record[field] = place[field].clone();
    }

    let shift: i64 = rng.random_range(-3..=3);
    for field in ["start_year", "completion_year"] {
        if let Some(year) = record[field].as_i64() {
            record[field] = json!((year + shift).clamp(1900, 2100));
        }
    }
    if let Some(amount) = record["investment"]["amount"].as_f64() {
        record["investment"]["amount"] = json!((amount * rng.random_range(0.5..2.0)).round());
    }
    record["status"] = json!(STATUSES[rng.random_range(0..STATUSES.len())]);
    record
}

/// Replaces `count` random words of `text` with random words of `donor`.
fn swap_words(text: &str, donor: &str, count: usize, rng: &mut StdRng) -> String {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let donor: Vec<&str> = donor.split_whitespace().collect();
    if words.is_empty() || donor.is_empty() {
        return text.to_string();
    }
    for _ in 0..count {
        let at = rng.random_range(0..words.len());
        words[at] = donor[rng.random_range(0..donor.len())];
    }
    words.join(" ")
}

/// A [`TextEmbedder`] that returns, for a synthetic record's passage, its
/// source record's sample vector plus noise, and runs the real model for any
/// other text (queries, or a passage it was not built for).
struct ReusedVectors<'a> {
    model: &'a Embedder,
    sample: &'a SampleEmbeddings,
    /// Hash of a passage to its synthetic record's index.
    by_passage: HashMap<u64, usize>,
    source_count: usize,
    noise: f32,
    seed: u64,
    /// Passages the real model had to embed.
    fallbacks: std::sync::atomic::AtomicUsize,
}

impl<'a> ReusedVectors<'a> {
    fn new(model: &'a Embedder, sample: &'a SampleEmbeddings, records: &[Record], source_count: usize, noise: f32, seed: u64) -> Self {
        let by_passage = records.iter().enumerate().map(|(index, r)| (hash(&passage_text(r)), index)).collect();
        Self { model, sample, by_passage, source_count, noise, seed, fallbacks: Default::default() }
    }

    fn vector(&self, index: usize) -> Vec<f32> {
        let source = &self.sample.vectors[index % self.source_count];
        let mut rng = StdRng::seed_from_u64(self.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ index as u64);
        let noise: Vec<f32> = source.iter().map(|_| rng.random_range(-1.0f32..1.0)).collect();
        let noise_norm = norm(&noise).max(f32::MIN_POSITIVE);
        let mut vector: Vec<f32> = source.iter().zip(&noise).map(|(s, n)| s + n * self.noise / noise_norm).collect();
        let length = norm(&vector).max(f32::MIN_POSITIVE);
        vector.iter_mut().for_each(|v| *v /= length);
        vector
    }
}

impl TextEmbedder for ReusedVectors<'_> {
    fn embed(&self, texts: &[&str], kind: TextKind) -> gip_models::Result<Vec<Vec<f32>>> {
        let mut vectors = Vec::with_capacity(texts.len());
        for text in texts {
            match (kind, self.by_passage.get(&hash(text))) {
                (TextKind::Passage, Some(&index)) => vectors.push(self.vector(index)),
                _ => {
                    self.fallbacks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    vectors.extend(self.model.embed(&[text], kind)?);
                }
            }
        }
        Ok(vectors)
    }

    fn dim(&self) -> usize {
        self.model.dim()
    }

    fn model_id(&self) -> String {
        self.model.model_id()
    }
}

fn hash(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

fn norm(vector: &[f32]) -> f32 {
    vector.iter().map(|v| v * v).sum::<f32>().sqrt()
}

/// Apparent and allocated bytes of every file under `dir`; sparse or
/// preallocated files make the two differ.
fn folder_size(dir: &Path) -> anyhow::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    let (mut apparent, mut allocated) = (0, 0);
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.is_dir() {
            let (a, b) = folder_size(&entry.path())?;
            apparent += a;
            allocated += b;
        } else {
            apparent += meta.len();
            allocated += meta.blocks() * 512;
        }
    }
    Ok((apparent, allocated))
}

/// Peak resident memory of this process (VmHWM), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
