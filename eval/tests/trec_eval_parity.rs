//! Checks that our metrics equal trec_eval's (through pytrec_eval) on seeded
//! random qrels and runs. Needs `python3` with `pytrec_eval`
//! (`pip install pytrec-eval-terrier`); without it the tests print a skip
//! message and pass, unless GIP_REQUIRE_TREC_EVAL=1 is set.

use std::path::{Path, PathBuf};
use std::process::Command;

use gip_eval::{Metrics, Qrels, Run, run_metrics};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

const TOLERANCE: f64 = 1e-4;

/// Our metric name → the key the script prints.
const MEASURE_KEYS: [(&str, &str); 6] = [
    ("ndcg@10", "ndcg_cut_10"),
    ("mrr@10", "recip_rank_10"),
    ("recall@10", "recall_10"),
    ("recall@100", "recall_100"),
    ("map@100", "map_cut_100"),
    ("p@10", "P_10"),
];

fn script_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("scripts")
        .join("trec_eval_check.py")
}

/// Runs the reference script, or returns `None` when pytrec_eval is missing
/// and the environment does not require it.
fn trec_eval_reference(qrels: &Path, run: &Path) -> Option<Value> {
    let required = std::env::var("GIP_REQUIRE_TREC_EVAL").as_deref() == Ok("1");
    let output = Command::new("python3")
        .arg(script_path())
        .arg(qrels)
        .arg(run)
        .output();

    let output = match output {
        Ok(output) => output,
        Err(error) => {
            assert!(!required, "python3 could not be started: {error}");
            println!("skipped: pytrec_eval not installed (python3 not found: {error})");
            return None;
        }
    };

    // The script exits with 3 when `import pytrec_eval` fails.
    if output.status.code() == Some(3) {
        assert!(
            !required,
            "GIP_REQUIRE_TREC_EVAL=1 but pytrec_eval is not importable: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        println!("skipped: pytrec_eval not installed");
        return None;
    }

    assert!(
        output.status.success(),
        "trec_eval_check.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).expect("script prints JSON"))
}

fn assert_close(ours: f64, reference: f64, context: &str) {
    assert!(
        (ours - reference).abs() <= TOLERANCE,
        "{context}: ours {ours}, trec_eval {reference}"
    );
}

/// Compares per-query and mean values of our metrics with the script's output.
fn assert_matches_reference(qrels: &Qrels, run: &Run, reference: &Value, label: &str) {
    let ours = run_metrics(run, qrels);
    let per_query = reference["per_query"]
        .as_object()
        .expect("per_query object");

    for (query_id, metrics) in &ours {
        match per_query.get(query_id) {
            Some(values) => {
                for (name, key) in MEASURE_KEYS {
                    let expected = values[key].as_f64().expect("numeric measure");
                    let context = format!("{label} query {query_id} {name}");
                    assert_close(metrics.get(name).unwrap(), expected, &context);
                }
            }
            None => {
                // trec_eval does not score a query the run lacks; `-c` counts it as 0.
                assert!(
                    !run.0.contains_key(query_id),
                    "{label}: trec_eval skipped query {query_id} that the run contains"
                );
                assert_eq!(*metrics, Metrics::default(), "{label} query {query_id}");
            }
        }
    }

    let mean = Metrics::mean(ours.values());
    for (name, key) in MEASURE_KEYS {
        let expected = reference["mean"][key].as_f64().expect("numeric mean");
        assert_close(
            mean.get(name).unwrap(),
            expected,
            &format!("{label} mean {name}"),
        );
    }
}

/// Builds random graded qrels and a run with distinct scores. Some queries
/// have no relevant documents, some are missing from the run, some run
/// queries are unjudged, and run depths range from 1 to 150.
fn random_case(seed: u64) -> (Qrels, Run) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let query_count = rng.random_range(1..=40);
    let pool_size = rng.random_range(5..=300);
    let pool: Vec<String> = (0..pool_size).map(|i| format!("doc{i}")).collect();

    let mut qrels = Qrels::default();
    let mut run = Run::default();

    for q in 0..query_count {
        let query_id = format!("q{q}");

        let judged = rng.random_range(1..=pool_size.min(60));
        let no_relevant = rng.random_bool(0.15);
        for doc in pool.choose_multiple(&mut rng, judged) {
            let grade = if no_relevant {
                0
            } else {
                rng.random_range(0..=2)
            };
            qrels.insert(&query_id, doc, grade);
        }

        if rng.random_bool(0.15) {
            continue;
        }
        run.0.insert(query_id, random_ranking(&mut rng, &pool));
    }

    for extra in 0..rng.random_range(0..3) {
        run.0
            .insert(format!("unjudged{extra}"), random_ranking(&mut rng, &pool));
    }
    (qrels, run)
}

fn random_ranking(rng: &mut ChaCha8Rng, pool: &[String]) -> Vec<(String, f64)> {
    let depth = rng.random_range(1..=pool.len().min(150));
    let mut docs: Vec<&String> = pool.choose_multiple(rng, depth).collect();
    docs.shuffle(rng);

    // Distinct scores: a shuffled descending ladder with random offsets.
    let mut ranking: Vec<(String, f64)> = docs
        .into_iter()
        .enumerate()
        .map(|(i, doc)| (doc.clone(), (depth - i) as f64 + rng.random_range(0.0..0.5)))
        .collect();
    ranking.shuffle(rng);
    ranking
}

fn write_case(dir: &Path, qrels: &Qrels, run: &Run) -> (PathBuf, PathBuf) {
    let qrels_path = dir.join("test.qrels");
    let run_path = dir.join("test.run");
    qrels.write_trec(&qrels_path).unwrap();
    run.write_trec(&run_path, "random").unwrap();
    (qrels_path, run_path)
}

#[test]
fn random_runs_match_trec_eval() {
    let dir = tempfile::tempdir().unwrap();

    for seed in 0..8 {
        let (qrels, run) = random_case(seed);
        let (qrels_path, run_path) = write_case(dir.path(), &qrels, &run);
        let Some(reference) = trec_eval_reference(&qrels_path, &run_path) else {
            return;
        };

        // Score what was read back, so the TREC readers are checked too.
        let qrels_back = Qrels::read_trec(&qrels_path).unwrap();
        let run_back = Run::read_trec(&run_path).unwrap();
        assert_eq!(qrels_back, qrels);
        assert_matches_reference(&qrels_back, &run_back, &reference, &format!("seed {seed}"));
    }
}

#[test]
fn random_cases_cover_edge_cases() {
    // Guards the generator: the parity test is only meaningful if these occur.
    let mut no_relevant = 0;
    let mut missing_from_run = 0;
    let mut deep_runs = 0;

    for seed in 0..8 {
        let (qrels, run) = random_case(seed);
        for query_id in qrels.0.keys() {
            if qrels.relevant_count(query_id) == 0 {
                no_relevant += 1;
            }
            match run.0.get(query_id) {
                None => missing_from_run += 1,
                Some(ranking) if ranking.len() > 100 => deep_runs += 1,
                Some(_) => {}
            }
        }
    }

    assert!(no_relevant > 0, "no query without relevant documents");
    assert!(missing_from_run > 0, "no judged query missing from a run");
    assert!(deep_runs > 0, "no run deeper than 100");
}

#[test]
fn tied_scores_match_trec_eval() {
    // Every document of q1 and q2 shares one score, so only the tie-break
    // decides the ranking: trec_eval puts the higher document id first.
    let mut qrels = Qrels::default();
    qrels.insert("q1", "a", 1);
    qrels.insert("q1", "b", 0);
    qrels.insert("q2", "d07", 2);
    qrels.insert("q2", "d10", 1);
    qrels.insert("q2", "d11", 0);

    let mut run = Run::default();
    run.0
        .insert("q1".into(), vec![("a".into(), 1.0), ("b".into(), 1.0)]);
    let q2: Vec<(String, f64)> = (0..15).map(|i| (format!("d{i:02}"), 0.5)).collect();
    run.0.insert("q2".into(), q2);

    let ours = run_metrics(&run, &qrels);
    assert_eq!(ours["q1"].mrr_10, 0.5, "b ranks above a on a tie");
    assert_eq!(
        ours["q2"].mrr_10, 0.2,
        "d10 is the first relevant at rank 5"
    );
    assert_eq!(
        ours["q2"].recall_10, 1.0,
        "d07 is at rank 8, inside the top 10"
    );
    assert_eq!(ours["q2"].p_10, 0.2);

    let dir = tempfile::tempdir().unwrap();
    let (qrels_path, run_path) = write_case(dir.path(), &qrels, &run);
    let Some(reference) = trec_eval_reference(&qrels_path, &run_path) else {
        return;
    };
    assert_matches_reference(&qrels, &run, &reference, "ties");
}
