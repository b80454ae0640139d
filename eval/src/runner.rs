//! Running a searcher over a set and collecting metrics per mode, language,
//! kind and query.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{EvalError, Result};
use crate::metrics::{METRIC_NAMES, Metrics, query_metrics};
use crate::set::{EvalSet, Query};
use crate::significance::{DEFAULT_PERMUTATIONS, DEFAULT_SEED, PairedTest, randomization_test};
use crate::trec::{Run, sort_trec_order, write_file};

/// Group key for queries without a language tag (BCP 47 "undetermined").
pub const UNKNOWN_LANG: &str = "und";

/// Group key for queries without a kind.
pub const UNKNOWN_KIND: &str = "unspecified";

/// Metrics the randomization test compares between every pair of modes.
pub const TESTED_METRICS: [&str; 2] = ["ndcg@10", "mrr@10"];

/// The search system under evaluation.
///
/// This is the only seam between evaluation and search, so this crate does
/// not depend on any index or model. An implementation searches whatever
/// index it has built for the set's corpus (see [`EvalSet::content_hash`]).
pub trait Searcher {
    /// Returns up to `k` (document id, score) pairs for `query` in retrieval
    /// `mode` (for example `bm25`, `dense`, `hybrid`), best first.
    ///
    /// Higher scores must mean better documents: metrics rank by score, as
    /// trec_eval does, not by list position. An error aborts the evaluation
    /// and is reported with the mode and query id.
    fn search(
        &self,
        query: &Query,
        mode: &str,
        k: usize,
    ) -> Result<Vec<(String, f32)>, Box<dyn std::error::Error + Send + Sync>>;
}

/// Mean metrics over a group of queries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupSummary {
    /// Number of queries in the group.
    pub queries: usize,
    /// Mean of each metric over those queries.
    pub metrics: Metrics,
}

/// Metrics of one query in one mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryResult {
    /// Query id.
    pub id: String,
    /// Query language, or `None` when the set gives none.
    pub lang: Option<String>,
    /// Query kind, or `None` when the set gives none.
    pub kind: Option<String>,
    /// Number of documents the searcher returned.
    pub retrieved: usize,
    /// The query's metric values.
    pub metrics: Metrics,
}

/// Everything measured for one retrieval mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModeReport {
    /// Mode name as passed to [`Searcher::search`].
    pub mode: String,
    /// Means over all judged queries.
    pub overall: GroupSummary,
    /// Means per query language; queries without one are under [`UNKNOWN_LANG`].
    pub by_lang: BTreeMap<String, GroupSummary>,
    /// Means per query kind; queries without one are under [`UNKNOWN_KIND`].
    pub by_kind: BTreeMap<String, GroupSummary>,
    /// Per-query metrics in the set's query order.
    pub queries: Vec<QueryResult>,
    /// Queries whose returned order differs from score order, which the
    /// metrics use. A non-zero count means the searcher's scores do not
    /// reflect its ranking, and its metrics here understate or overstate it.
    pub reordered_queries: usize,
}

/// The result of [`evaluate`]: metrics per mode and significance between modes.
///
/// Serializes to JSON for `--json` output and for use as a baseline. The runs
/// themselves are not serialized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    /// Name of the evaluated set.
    pub set_name: String,
    /// Results requested per query.
    pub k: usize,
    /// Queries with judgements; only these are searched and averaged.
    pub judged_queries: usize,
    /// Queries without any judgement, skipped.
    pub unjudged_queries: usize,
    /// One entry per mode, in the order requested.
    pub modes: Vec<ModeReport>,
    /// Randomization tests between every pair of modes on each metric of
    /// [`TESTED_METRICS`].
    pub significance: Vec<PairedTest>,
    /// The run of each mode, for writing TREC run files. Empty in a report
    /// read back from JSON.
    #[serde(skip)]
    pub runs: BTreeMap<String, Run>,
}

/// Runs every judged query of `set` through `searcher` in each of `modes`,
/// asking for `k` results, and measures the runs against the set's qrels.
///
/// Queries without judgements are skipped and counted in
/// [`EvalReport::unjudged_queries`]. Recall@100 and MAP@100 only see the `k`
/// results requested, so `k` should be at least 100.
///
/// Fails when `modes` is empty or repeats a mode, when `k` is 0, when the
/// searcher returns an error, or when it returns a non-finite score, a
/// document twice, or a document id containing whitespace.
pub fn evaluate(
    set: &EvalSet,
    searcher: &dyn Searcher,
    modes: &[String],
    k: usize,
) -> Result<EvalReport> {
    validate_modes(modes)?;
    if k == 0 {
        return Err(EvalError::InvalidArgument(
            "k must be at least 1; use 100 so that Recall@100 and MAP@100 are complete".into(),
        ));
    }

    let judged: Vec<&Query> = set.judged_queries().collect();
    let mut mode_reports = Vec::with_capacity(modes.len());
    let mut runs = BTreeMap::new();

    for mode in modes {
        let run = run_mode(&judged, searcher, mode, k)?;
        mode_reports.push(measure_mode(set, &judged, &run, mode));
        runs.insert(mode.clone(), run);
    }

    let significance = compare_modes(&mode_reports)?;

    Ok(EvalReport {
        set_name: set.name.clone(),
        k,
        judged_queries: judged.len(),
        unjudged_queries: set.queries.len() - judged.len(),
        modes: mode_reports,
        significance,
        runs,
    })
}

fn validate_modes(modes: &[String]) -> Result<()> {
    if modes.is_empty() {
        return Err(EvalError::InvalidArgument(
            "no retrieval mode given; pass at least one, such as \"hybrid\"".into(),
        ));
    }

    let mut seen = BTreeSet::new();
    for mode in modes {
        if mode.is_empty() || mode.chars().any(char::is_whitespace) {
            return Err(EvalError::InvalidArgument(format!(
                "mode {mode:?} must be non-empty and contain no whitespace, because it becomes the TREC run tag"
            )));
        }
        if !seen.insert(mode.as_str()) {
            return Err(EvalError::InvalidArgument(format!(
                "mode {mode:?} is given twice; pass each mode once"
            )));
        }
    }
    Ok(())
}

fn run_mode(judged: &[&Query], searcher: &dyn Searcher, mode: &str, k: usize) -> Result<Run> {
    let mut run = Run::default();

    for query in judged {
        let results = searcher
            .search(query, mode, k)
            .map_err(|source| EvalError::Search {
                mode: mode.to_string(),
                query_id: query.id.clone(),
                source,
            })?;
        let results = validate_results(results, mode, &query.id)?;
        run.0.insert(query.id.clone(), results);
    }
    Ok(run)
}

fn validate_results(
    results: Vec<(String, f32)>,
    mode: &str,
    query_id: &str,
) -> Result<Vec<(String, f64)>> {
    let invalid = |message: String| EvalError::InvalidResults {
        mode: mode.to_string(),
        query_id: query_id.to_string(),
        message,
    };

    let mut seen = BTreeSet::new();
    let mut converted = Vec::with_capacity(results.len());
    for (doc_id, score) in results {
        if !score.is_finite() {
            return Err(invalid(format!(
                "document {doc_id:?} has non-finite score {score}"
            )));
        }
        if doc_id.is_empty() || doc_id.chars().any(char::is_whitespace) {
            return Err(invalid(format!(
                "document id {doc_id:?} must be non-empty and contain no whitespace"
            )));
        }
        if !seen.insert(doc_id.clone()) {
            return Err(invalid(format!("document {doc_id:?} is returned twice")));
        }
        converted.push((doc_id, f64::from(score)));
    }
    Ok(converted)
}

fn measure_mode(set: &EvalSet, judged: &[&Query], run: &Run, mode: &str) -> ModeReport {
    let mut queries = Vec::with_capacity(judged.len());
    let mut reordered_queries = 0;

    for query in judged {
        let returned = run.0.get(&query.id).cloned().unwrap_or_default();
        let mut ranked = returned.clone();
        sort_trec_order(&mut ranked);
        if ranked != returned {
            reordered_queries += 1;
        }

        let judgements = set.qrels.get(&query.id).cloned().unwrap_or_default();
        queries.push(QueryResult {
            id: query.id.clone(),
            lang: query.lang.clone(),
            kind: query.kind.clone(),
            retrieved: ranked.len(),
            metrics: query_metrics(&ranked, &judgements),
        });
    }

    ModeReport {
        mode: mode.to_string(),
        overall: summarize(queries.iter()),
        by_lang: group_by(&queries, |q| q.lang.as_deref().unwrap_or(UNKNOWN_LANG)),
        by_kind: group_by(&queries, |q| q.kind.as_deref().unwrap_or(UNKNOWN_KIND)),
        queries,
        reordered_queries,
    }
}

fn summarize<'a>(queries: impl Iterator<Item = &'a QueryResult> + Clone) -> GroupSummary {
    GroupSummary {
        queries: queries.clone().count(),
        metrics: Metrics::mean(queries.map(|q| &q.metrics)),
    }
}

fn group_by(
    queries: &[QueryResult],
    key: impl Fn(&QueryResult) -> &str,
) -> BTreeMap<String, GroupSummary> {
    let keys: BTreeSet<&str> = queries.iter().map(&key).collect();
    keys.into_iter()
        .map(|group| {
            let members = queries.iter().filter(|q| key(q) == group);
            (group.to_string(), summarize(members))
        })
        .collect()
}

fn compare_modes(modes: &[ModeReport]) -> Result<Vec<PairedTest>> {
    let mut tests = Vec::new();

    for (i, a) in modes.iter().enumerate() {
        for b in &modes[i + 1..] {
            if a.queries.is_empty() {
                continue;
            }
            for metric in TESTED_METRICS {
                let scores_a = per_query_values(a, metric);
                let scores_b = per_query_values(b, metric);
                let p_value =
                    randomization_test(&scores_a, &scores_b, DEFAULT_PERMUTATIONS, DEFAULT_SEED)?;

                tests.push(PairedTest {
                    mode_a: a.mode.clone(),
                    mode_b: b.mode.clone(),
                    metric: metric.to_string(),
                    queries: scores_a.len(),
                    mean_a: a.overall.metrics.get(metric).unwrap_or(0.0),
                    mean_b: b.overall.metrics.get(metric).unwrap_or(0.0),
                    p_value,
                    permutations: DEFAULT_PERMUTATIONS,
                    seed: DEFAULT_SEED,
                });
            }
        }
    }
    Ok(tests)
}

fn per_query_values(mode: &ModeReport, metric: &str) -> Vec<f64> {
    mode.queries
        .iter()
        .map(|q| q.metrics.get(metric).unwrap_or(0.0))
        .collect()
}

impl EvalReport {
    /// Returns the report of one mode, or `None` when it was not evaluated.
    pub fn mode(&self, mode: &str) -> Option<&ModeReport> {
        self.modes.iter().find(|m| m.mode == mode)
    }

    /// Reads a report written as JSON (for example by `--json`).
    pub fn from_json_file(path: &Path) -> Result<EvalReport> {
        let text = fs::read_to_string(path).map_err(|e| EvalError::io(path, e))?;
        serde_json::from_str(&text).map_err(|source| EvalError::InvalidJson {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Writes the report as pretty-printed JSON.
    pub fn write_json(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(|source| EvalError::InvalidJson {
            path: path.to_path_buf(),
            source,
        })?;
        write_file(path, text.as_bytes())
    }

    /// Returns per-query metrics as TSV with the header
    /// `mode\tqid\tlang\tkind\tmetric\tvalue`, one row per mode, query and metric.
    /// Missing languages and kinds are written as [`UNKNOWN_LANG`] and [`UNKNOWN_KIND`].
    pub fn per_query_tsv(&self) -> String {
        let mut out = String::from("mode\tqid\tlang\tkind\tmetric\tvalue\n");
        for mode in &self.modes {
            for query in &mode.queries {
                let lang = query.lang.as_deref().unwrap_or(UNKNOWN_LANG);
                let kind = query.kind.as_deref().unwrap_or(UNKNOWN_KIND);
                for (metric, value) in query.metrics.named() {
                    let _ = writeln!(
                        out,
                        "{}\t{}\t{lang}\t{kind}\t{metric}\t{value:.6}",
                        mode.mode, query.id
                    );
                }
            }
        }
        out
    }

    /// Writes [`EvalReport::per_query_tsv`] to `path`.
    pub fn write_per_query_tsv(&self, path: &Path) -> Result<()> {
        write_file(path, self.per_query_tsv().as_bytes())
    }

    /// Writes one TREC run file per mode into `dir` (created if needed),
    /// named `<mode>.run` with the mode as the run tag, and returns their paths.
    ///
    /// Fails when the report has no runs, as after [`EvalReport::from_json_file`].
    pub fn write_run_files(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        if self.runs.is_empty() {
            return Err(EvalError::InvalidArgument(
                "the report contains no runs, because runs are not saved in JSON; run the evaluation again to write run files".into(),
            ));
        }
        fs::create_dir_all(dir).map_err(|e| EvalError::io(dir, e))?;

        let mut paths: Vec<PathBuf> = Vec::new();
        for mode in &self.modes {
            let Some(run) = self.runs.get(&mode.mode) else {
                continue;
            };
            let path = dir.join(format!("{}.run", file_stem(&mode.mode)));
            if paths.contains(&path) {
                return Err(EvalError::InvalidArgument(format!(
                    "mode {:?} maps to the run file {} of another mode; rename one of them",
                    mode.mode,
                    path.display()
                )));
            }
            run.write_trec(&path, &mode.mode)?;
            paths.push(path);
        }
        Ok(paths)
    }

    /// Returns a plain-text table of mean metrics per mode, overall and per
    /// language and kind, followed by the significance tests.
    pub fn summary_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "set {}: {} judged queries, {} unjudged skipped, k = {}",
            self.set_name, self.judged_queries, self.unjudged_queries, self.k
        );

        let _ = write!(out, "{:<12} {:<20} {:>6}", "mode", "group", "n");
        for name in METRIC_NAMES {
            let _ = write!(out, " {name:>10}");
        }
        out.push('\n');

        for mode in &self.modes {
            write_summary_row(&mut out, &mode.mode, "all", &mode.overall);
            for (lang, group) in &mode.by_lang {
                write_summary_row(&mut out, &mode.mode, &format!("lang={lang}"), group);
            }
            for (kind, group) in &mode.by_kind {
                write_summary_row(&mut out, &mode.mode, &format!("kind={kind}"), group);
            }
            if mode.reordered_queries > 0 {
                let _ = writeln!(
                    out,
                    "NOTE: mode {} returned {} queries out of score order; metrics rank by score",
                    mode.mode, mode.reordered_queries
                );
            }
        }

        if !self.significance.is_empty() {
            out.push_str("\npaired randomization test (two-sided):\n");
        }
        for test in &self.significance {
            let _ = writeln!(
                out,
                "{} vs {} on {}: {:.4} vs {:.4}, p = {:.4} ({} queries, {} permutations)",
                test.mode_a,
                test.mode_b,
                test.metric,
                test.mean_a,
                test.mean_b,
                test.p_value,
                test.queries,
                test.permutations
            );
        }
        out
    }
}

fn write_summary_row(out: &mut String, mode: &str, group: &str, summary: &GroupSummary) {
    let _ = write!(out, "{mode:<12} {group:<20} {:>6}", summary.queries);
    for (_, value) in summary.metrics.named() {
        let _ = write!(out, " {value:>10.4}");
    }
    out.push('\n');
}

/// Replaces every character of a mode name except ASCII letters, digits,
/// `-`, `_` and `.` with `_`, so the result is a valid file name everywhere.
fn file_stem(mode: &str) -> String {
    mode.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}
