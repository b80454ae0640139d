//! End-to-end evaluation of a small hand-made set with a word-overlap searcher.

use std::cell::Cell;
use std::fs;
use std::path::Path;

use gip_eval::{
    CorpusSource, EvalError, EvalReport, EvalSet, Query, Run, Searcher, TESTED_METRICS, evaluate,
    report_markdown, report_svg, run_metrics,
};

type SearchResult = Result<Vec<(String, f32)>, Box<dyn std::error::Error + Send + Sync>>;

/// Four documents, five queries (one unjudged) in Arabic and English.
fn write_set(dir: &Path) {
    fs::create_dir_all(dir.join("qrels")).unwrap();
    fs::write(
        dir.join("corpus.jsonl"),
        concat!(
            r#"{"_id":"p1","title":"مصنع الأسمنت","text":"مصنع أسمنت في ينبع بطاقة مليون طن","metadata":{"lang":"ar"}}"#, "\n",
            r#"{"_id":"p2","title":"Desalination plant","text":"seawater desalination plant in Jubail","metadata":{"lang":"en"}}"#, "\n",
            r#"{"_id":"p3","title":"Solar park","text":"solar power park in Abu Dhabi","metadata":{"lang":"en"}}"#, "\n",
            r#"{"_id":"p4","title":"محطة تحلية","text":"محطة تحلية مياه البحر في الجبيل","metadata":{"lang":"ar"}}"#, "\n",
        ),
    )
    .unwrap();
    fs::write(
        dir.join("queries.jsonl"),
        concat!(
            r#"{"_id":"q1","text":"مصنع أسمنت ينبع","metadata":{"lang":"ar","kind":"keyword"}}"#, "\n",
            r#"{"_id":"q2","text":"desalination plant Jubail","metadata":{"lang":"en","kind":"keyword"}}"#, "\n",
            r#"{"_id":"q3","text":"where is the solar park","metadata":{"lang":"en","kind":"question"}}"#, "\n",
            r#"{"_id":"q4","text":"تحلية مياه الجبيل","metadata":{"lang":"ar","kind":"question"}}"#, "\n",
            r#"{"_id":"q5","text":"unjudged question","metadata":{"lang":"en"}}"#, "\n",
        ),
    )
    .unwrap();
    fs::write(
        dir.join("qrels").join("test.tsv"),
        "query-id\tcorpus-id\tscore\nq1\tp1\t2\nq2\tp2\t2\nq2\tp4\t1\nq3\tp3\t1\nq4\tp4\t2\nq4\tp2\t1\nq4\tp1\t0\n",
    )
    .unwrap();
}

/// Scores documents by words shared with the query (mode `overlap`), or
/// returns every document in id order (mode `fixed`).
struct OverlapSearcher {
    docs: Vec<(String, String)>,
    calls: Cell<usize>,
}

impl OverlapSearcher {
    fn new(set: &EvalSet) -> Self {
        let CorpusSource::Docs(docs) = &set.corpus else {
            panic!("test set has its own corpus");
        };
        let docs = docs
            .iter()
            .map(|d| (d.id.clone(), format!("{} {}", d.title, d.text)))
            .collect();
        OverlapSearcher {
            docs,
            calls: Cell::new(0),
        }
    }
}

impl Searcher for OverlapSearcher {
    fn search(&self, query: &Query, mode: &str, k: usize) -> SearchResult {
        self.calls.set(self.calls.get() + 1);
        match mode {
            "overlap" => {
                let words: Vec<&str> = query.text.split_whitespace().collect();
                let mut scored: Vec<(String, f32)> = self
                    .docs
                    .iter()
                    .map(|(id, text)| {
                        let shared = words.iter().filter(|w| text.contains(**w)).count();
                        // A small id-based offset keeps scores distinct.
                        let offset = id[1..].parse::<f32>().unwrap() / 100.0;
                        (id.clone(), shared as f32 + offset)
                    })
                    .filter(|(_, score)| *score >= 1.0)
                    .collect();
                scored.sort_by(|a, b| b.1.total_cmp(&a.1));
                scored.truncate(k);
                Ok(scored)
            }
            "fixed" => Ok(self
                .docs
                .iter()
                .enumerate()
                .map(|(i, (id, _))| (id.clone(), 10.0 - i as f32))
                .take(k)
                .collect()),
            other => Err(format!("unknown mode {other}").into()),
        }
    }
}

fn modes(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn load_fixture() -> (tempfile::TempDir, EvalSet) {
    let dir = tempfile::tempdir().unwrap();
    let set_dir = dir.path().join("mini");
    write_set(&set_dir);
    let set = EvalSet::load(&set_dir).unwrap();
    (dir, set)
}

#[test]
fn load_reads_beir_folder() {
    let (_dir, set) = load_fixture();

    assert_eq!(set.name, "mini");
    assert_eq!(set.queries.len(), 5);
    assert_eq!(set.queries[0].lang.as_deref(), Some("ar"));
    assert_eq!(set.queries[2].kind.as_deref(), Some("question"));
    assert_eq!(set.queries[4].kind, None);
    assert_eq!(set.qrels.get("q4").unwrap()["p2"], 1);
    assert_eq!(set.qrels.relevant_count("q4"), 2);
    assert_eq!(set.judged_queries().count(), 4);

    let CorpusSource::Docs(docs) = &set.corpus else {
        panic!("expected corpus.jsonl to load as documents");
    };
    assert_eq!(docs.len(), 4);
    assert_eq!(docs[3].title, "محطة تحلية");
}

#[test]
fn evaluate_groups_by_mode_lang_kind() {
    let (_dir, set) = load_fixture();
    let searcher = OverlapSearcher::new(&set);

    let report = evaluate(&set, &searcher, &modes(&["overlap", "fixed"]), 100).unwrap();

    assert_eq!(searcher.calls.get(), 8, "4 judged queries in 2 modes");
    assert_eq!(report.judged_queries, 4);
    assert_eq!(report.unjudged_queries, 1);
    assert_eq!(report.modes.len(), 2);

    let overlap = report.mode("overlap").unwrap();
    assert_eq!(overlap.overall.queries, 4);
    assert_eq!(overlap.by_lang.keys().collect::<Vec<_>>(), ["ar", "en"]);
    assert_eq!(
        overlap.by_kind.keys().collect::<Vec<_>>(),
        ["keyword", "question"]
    );
    assert_eq!(overlap.by_lang["ar"].queries, 2);
    assert_eq!(overlap.reordered_queries, 0);

    // q1 finds p1 first, so its MRR@10 is 1.
    let q1 = overlap.queries.iter().find(|q| q.id == "q1").unwrap();
    assert_eq!(q1.metrics.mrr_10, 1.0);

    // The per-language mean is the mean of that language's queries.
    let ar_mean: f64 = overlap
        .queries
        .iter()
        .filter(|q| q.lang.as_deref() == Some("ar"))
        .map(|q| q.metrics.ndcg_10)
        .sum::<f64>()
        / 2.0;
    assert!((overlap.by_lang["ar"].metrics.ndcg_10 - ar_mean).abs() < 1e-12);

    let fixed = report.mode("fixed").unwrap();
    assert!(overlap.overall.metrics.ndcg_10 > fixed.overall.metrics.ndcg_10);

    assert_eq!(report.significance.len(), TESTED_METRICS.len());
    for test in &report.significance {
        assert_eq!(
            (test.mode_a.as_str(), test.mode_b.as_str()),
            ("overlap", "fixed")
        );
        assert!(test.p_value > 0.0, "p = {}", test.p_value);
        assert!(test.p_value <= 1.0, "p = {}", test.p_value);
        assert_eq!(test.queries, 4);
    }
}

#[test]
fn report_outputs_agree_with_runs() {
    let (dir, set) = load_fixture();
    let searcher = OverlapSearcher::new(&set);
    let report = evaluate(&set, &searcher, &modes(&["overlap", "fixed"]), 100).unwrap();

    // Run files read back give the same per-query metrics.
    let run_dir = dir.path().join("runs");
    let paths = report.write_run_files(&run_dir).unwrap();
    assert_eq!(paths.len(), 2);
    for mode in &report.modes {
        let run = Run::read_trec(&run_dir.join(format!("{}.run", mode.mode))).unwrap();
        let metrics = run_metrics(&run, &set.qrels);
        for query in &mode.queries {
            assert_eq!(
                metrics[&query.id], query.metrics,
                "{} {}",
                mode.mode, query.id
            );
        }
    }

    // The TSV has one row per mode, query and metric.
    let tsv = report.per_query_tsv();
    let lines: Vec<&str> = tsv.lines().collect();
    assert_eq!(lines[0], "mode\tqid\tlang\tkind\tmetric\tvalue");
    assert_eq!(lines.len(), 1 + 2 * 4 * 6);
    assert!(lines.contains(&"overlap\tq1\tar\tkeyword\tmrr@10\t1.000000"));

    let table = report.summary_table();
    assert!(table.contains("lang=ar"));
    assert!(table.contains("overlap vs fixed on ndcg@10"));

    // JSON keeps everything but the runs.
    let json_path = dir.path().join("report.json");
    report.write_json(&json_path).unwrap();
    let back = EvalReport::from_json_file(&json_path).unwrap();
    assert!(back.runs.is_empty());
    assert_eq!(back.modes, report.modes);
    assert_eq!(back.significance, report.significance);
    assert!(back.write_run_files(&run_dir).is_err(), "no runs to write");
}

#[test]
fn markdown_and_svg_render() {
    let (_dir, set) = load_fixture();
    let searcher = OverlapSearcher::new(&set);
    let report = evaluate(&set, &searcher, &modes(&["overlap", "fixed"]), 100).unwrap();

    let markdown = report_markdown(&[("mini".to_string(), report.clone())]);
    assert!(markdown.starts_with("## mini\n"));
    assert!(markdown.contains("| mode | group | queries | nDCG@10 |"));
    let overlap_ndcg = format!("{:.4}", report.modes[0].overall.metrics.ndcg_10);
    assert!(markdown.contains(&format!("| overlap | all | 4 | {overlap_ndcg} |")));
    assert!(markdown.contains("| overlap | fixed | ndcg@10 |"));

    let svg = report_svg("mini & <co>", &report);
    let document = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );

    // One bar per mode and metric, each with a tooltip, plus the background
    // and one legend swatch per mode.
    let rects = root
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .count();
    assert_eq!(rects, 1 + 2 * 6 + 2);
    let title = root.descendants().find(|n| n.has_tag_name("text")).unwrap();
    assert!(title.text().unwrap().starts_with("mini & <co>"));
}

#[test]
fn evaluate_rejects_bad_arguments() {
    let (_dir, set) = load_fixture();
    let searcher = OverlapSearcher::new(&set);

    assert!(evaluate(&set, &searcher, &[], 10).is_err(), "no modes");
    assert!(
        evaluate(&set, &searcher, &modes(&["fixed", "fixed"]), 10).is_err(),
        "repeated mode"
    );
    assert!(
        evaluate(&set, &searcher, &modes(&["a b"]), 10).is_err(),
        "whitespace in mode"
    );
    assert!(
        evaluate(&set, &searcher, &modes(&["fixed"]), 0).is_err(),
        "k = 0"
    );

    let error = evaluate(&set, &searcher, &modes(&["dense"]), 10).unwrap_err();
    let EvalError::Search { mode, query_id, .. } = &error else {
        panic!("expected a search error, got {error}");
    };
    assert_eq!((mode.as_str(), query_id.as_str()), ("dense", "q1"));
    assert!(error.to_string().contains("unknown mode dense"));
}

/// Returns fixed results for every query, to test result validation.
struct FixedResults(Vec<(String, f32)>);

impl Searcher for FixedResults {
    fn search(&self, _query: &Query, _mode: &str, _k: usize) -> SearchResult {
        Ok(self.0.clone())
    }
}

#[test]
fn evaluate_rejects_invalid_results() {
    let (_dir, set) = load_fixture();
    let mode = modes(&["m"]);

    let cases = [
        (
            vec![("p1".to_string(), 1.0), ("p1".to_string(), 0.5)],
            "returned twice",
        ),
        (vec![("p1".to_string(), f32::NAN)], "non-finite"),
        (vec![("p 1".to_string(), 1.0)], "whitespace"),
    ];
    for (results, expected) in cases {
        let error = evaluate(&set, &FixedResults(results), &mode, 10).unwrap_err();
        assert!(matches!(error, EvalError::InvalidResults { .. }), "{error}");
        assert!(error.to_string().contains(expected), "{error}");
    }
}

#[test]
fn out_of_order_results_are_counted() {
    let (_dir, set) = load_fixture();

    // By position p2 comes first, by score p1 does. The metrics follow the scores.
    let searcher = FixedResults(vec![("p2".to_string(), 0.1), ("p1".to_string(), 0.9)]);
    let report = evaluate(&set, &searcher, &modes(&["m"]), 10).unwrap();
    let mode = &report.modes[0];

    assert_eq!(mode.reordered_queries, 4);
    let q1 = mode.queries.iter().find(|q| q.id == "q1").unwrap();
    assert_eq!(q1.metrics.mrr_10, 1.0);
    assert!(report.summary_table().contains("out of score order"));
}

#[test]
fn manifest_points_at_record_file() {
    let dir = tempfile::tempdir().unwrap();
    let set_dir = dir.path().join("sets").join("records");
    write_set(&set_dir);
    fs::remove_file(set_dir.join("corpus.jsonl")).unwrap();

    // Without corpus.jsonl or manifest.json the set is incomplete.
    let error = EvalSet::load(&set_dir).unwrap_err();
    assert!(error.to_string().contains("manifest.json"), "{error}");

    fs::write(
        set_dir.join("manifest.json"),
        r#"{"corpus": "../../projects.jsonl", "format": "gip-records-v1"}"#,
    )
    .unwrap();
    let error = EvalSet::load(&set_dir).unwrap_err();
    assert!(matches!(error, EvalError::MissingFile { .. }), "{error}");

    let records = dir.path().join("projects.jsonl");
    fs::write(&records, "{\"id\":\"r1\"}\n").unwrap();
    let set = EvalSet::load(&set_dir).unwrap();
    let CorpusSource::Records { path } = &set.corpus else {
        panic!("expected a record corpus");
    };
    assert_eq!(
        fs::canonicalize(path).unwrap(),
        fs::canonicalize(&records).unwrap()
    );

    let first = set.content_hash().unwrap();
    assert_eq!(first.len(), 64);
    fs::write(&records, "{\"id\":\"r2\"}\n").unwrap();
    assert_ne!(
        set.content_hash().unwrap(),
        first,
        "the hash follows the file content"
    );

    fs::write(
        set_dir.join("manifest.json"),
        r#"{"corpus": "../../projects.jsonl", "format": "csv"}"#,
    )
    .unwrap();
    let error = EvalSet::load(&set_dir).unwrap_err();
    assert!(
        matches!(error, EvalError::UnsupportedFormat { .. }),
        "{error}"
    );
}

#[test]
fn content_hash_tracks_documents() {
    let (_dir, set) = load_fixture();
    let hash = set.content_hash().unwrap();
    assert_eq!(hash, set.content_hash().unwrap(), "stable across calls");

    let mut changed = set.clone();
    let CorpusSource::Docs(docs) = &mut changed.corpus else {
        panic!("expected documents");
    };
    docs[0].text.push('!');
    assert_ne!(changed.content_hash().unwrap(), hash);

    // Moving a character between fields must change the hash too.
    let mut moved = set.clone();
    let CorpusSource::Docs(docs) = &mut moved.corpus else {
        panic!("expected documents");
    };
    let last = docs[0].title.pop().unwrap();
    docs[0].text.insert(0, last);
    assert_ne!(moved.content_hash().unwrap(), hash);
}

#[test]
fn load_rejects_broken_sets() {
    let (dir, _set) = load_fixture();
    let set_dir = dir.path().join("mini");

    let original = fs::read_to_string(set_dir.join("qrels/test.tsv")).unwrap();
    fs::write(
        set_dir.join("qrels/test.tsv"),
        format!("{original}q9\tp1\t1\n"),
    )
    .unwrap();
    let error = EvalSet::load(&set_dir).unwrap_err();
    assert!(error.to_string().contains("\"q9\""), "{error}");

    fs::write(
        set_dir.join("qrels/test.tsv"),
        "query-id\tcorpus-id\tscore\nq1\tp1\t-1\n",
    )
    .unwrap();
    let error = EvalSet::load(&set_dir).unwrap_err();
    assert!(error.to_string().contains("line 2"), "{error}");

    fs::write(set_dir.join("qrels/test.tsv"), "q1\tp1\t1\n").unwrap();
    let error = EvalSet::load(&set_dir).unwrap_err();
    assert!(error.to_string().contains("header"), "{error}");

    fs::write(set_dir.join("qrels/test.tsv"), &original).unwrap();
    let queries = fs::read_to_string(set_dir.join("queries.jsonl")).unwrap();
    fs::write(
        set_dir.join("queries.jsonl"),
        format!("{queries}{{\"_id\":\"q1\",\"text\":\"again\"}}\n"),
    )
    .unwrap();
    let error = EvalSet::load(&set_dir).unwrap_err();
    assert!(error.to_string().contains("repeats"), "{error}");

    fs::write(set_dir.join("queries.jsonl"), &queries).unwrap();
    fs::remove_file(set_dir.join("qrels/test.tsv")).unwrap();
    let error = EvalSet::load(&set_dir).unwrap_err();
    assert!(matches!(error, EvalError::MissingFile { .. }), "{error}");
}
