//! Metric values checked against hand computations.

use std::collections::BTreeMap;

use gip_eval::{Metrics, Qrels, Run, query_metrics, run_metrics, sort_trec_order};

fn judgements(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
    pairs
        .iter()
        .map(|(id, grade)| (id.to_string(), *grade))
        .collect()
}

fn ranking(ids: &[&str]) -> Vec<(String, f64)> {
    // Descending scores so the given order is the trec_eval order.
    ids.iter()
        .enumerate()
        .map(|(i, id)| (id.to_string(), 100.0 - i as f64))
        .collect()
}

fn assert_near(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() < 1e-12,
        "{what}: got {actual}, expected {expected}"
    );
}

#[test]
fn graded_query_by_hand() {
    // Three relevant documents: d1 with grade 2, d2 and d4 with grade 1.
    // The ranking finds d1 at rank 2 and d4 at rank 4, and x is unjudged.
    let judged = judgements(&[("d1", 2), ("d2", 1), ("d3", 0), ("d4", 1)]);
    let metrics = query_metrics(&ranking(&["d3", "d1", "x", "d4"]), &judged);

    // DCG = 2/log2(3) + 1/log2(5); ideal = 2/log2(2) + 1/log2(3) + 1/log2(4).
    assert_near(metrics.ndcg_10, 0.5405857679450102, "ndcg@10");
    assert_near(metrics.mrr_10, 0.5, "mrr@10");
    assert_near(metrics.recall_10, 2.0 / 3.0, "recall@10");
    assert_near(metrics.recall_100, 2.0 / 3.0, "recall@100");
    // AP = (1/2 + 2/4) / 3 relevant.
    assert_near(metrics.map_100, 1.0 / 3.0, "map@100");
    assert_near(metrics.p_10, 0.2, "p@10");
}

#[test]
fn perfect_ranking_scores_one() {
    let judged = judgements(&[("a", 2), ("b", 1), ("c", 0)]);
    let metrics = query_metrics(&ranking(&["a", "b", "c"]), &judged);

    assert_near(metrics.ndcg_10, 1.0, "ndcg@10");
    assert_near(metrics.mrr_10, 1.0, "mrr@10");
    assert_near(metrics.recall_10, 1.0, "recall@10");
    assert_near(metrics.map_100, 1.0, "map@100");
    // Two relevant documents in a top 10 that has only three entries.
    assert_near(metrics.p_10, 0.2, "p@10");
}

#[test]
fn wrong_grade_order_lowers_ndcg() {
    let judged = judgements(&[("a", 2), ("b", 1)]);
    let metrics = query_metrics(&ranking(&["b", "a"]), &judged);

    // (1 + 2/log2(3)) / (2 + 1/log2(3)).
    let expected = (1.0 + 2.0 / 3f64.log2()) / (2.0 + 1.0 / 3f64.log2());
    assert_near(metrics.ndcg_10, expected, "ndcg@10");
    assert_near(metrics.mrr_10, 1.0, "mrr@10");
}

#[test]
fn cutoffs_apply_at_10_and_100() {
    // The only relevant document sits at rank 11.
    let mut ids: Vec<String> = (0..10).map(|i| format!("n{i}")).collect();
    ids.push("rel".to_string());
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let metrics = query_metrics(&ranking(&ids), &judgements(&[("rel", 1)]));

    assert_eq!(metrics.ndcg_10, 0.0);
    assert_eq!(metrics.mrr_10, 0.0, "rank 11 is outside MRR@10");
    assert_eq!(metrics.recall_10, 0.0);
    assert_near(metrics.recall_100, 1.0, "recall@100");
    assert_near(metrics.map_100, 1.0 / 11.0, "map@100");
    assert_eq!(metrics.p_10, 0.0);
}

#[test]
fn map_ignores_ranks_past_100() {
    let mut ids: Vec<String> = (0..100).map(|i| format!("n{i}")).collect();
    ids.push("rel".to_string());
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let metrics = query_metrics(&ranking(&ids), &judgements(&[("rel", 1)]));

    assert_eq!(metrics.map_100, 0.0);
    assert_eq!(metrics.recall_100, 0.0);
}

#[test]
fn no_relevant_documents_scores_zero() {
    let judged = judgements(&[("a", 0), ("b", 0)]);
    let metrics = query_metrics(&ranking(&["a", "b"]), &judged);
    assert_eq!(metrics, Metrics::default());
}

#[test]
fn empty_ranking_scores_zero() {
    let metrics = query_metrics(&[], &judgements(&[("a", 1)]));
    assert_eq!(metrics, Metrics::default());
}

#[test]
fn ties_break_by_docid_descending() {
    // trec_eval 9 ranks equal scores by document id in descending byte order.
    let mut results = vec![
        ("aa".to_string(), 1.0),
        ("b".to_string(), 1.0),
        ("B".to_string(), 1.0),
        ("z".to_string(), 0.5),
        ("c".to_string(), 2.0),
    ];
    sort_trec_order(&mut results);
    let order: Vec<&str> = results.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(order, ["c", "b", "aa", "B", "z"]);
}

#[test]
fn run_metrics_scores_missing_queries_zero() {
    let mut qrels = Qrels::default();
    qrels.insert("q1", "a", 1);
    qrels.insert("q2", "b", 1);
    let mut run = Run::default();
    run.0.insert("q1".into(), vec![("a".into(), 1.0)]);
    run.0.insert("unjudged".into(), vec![("a".into(), 1.0)]);

    let metrics = run_metrics(&run, &qrels);

    assert_eq!(metrics.len(), 2, "only judged queries are scored");
    assert_eq!(metrics["q1"].mrr_10, 1.0);
    assert_eq!(metrics["q2"], Metrics::default());
    assert_near(Metrics::mean(metrics.values()).mrr_10, 0.5, "mean mrr@10");
}

#[test]
fn metric_lookup_by_name() {
    let metrics = Metrics {
        ndcg_10: 0.1,
        mrr_10: 0.2,
        recall_10: 0.3,
        recall_100: 0.4,
        map_100: 0.5,
        p_10: 0.6,
    };
    for (name, value) in metrics.named() {
        assert_eq!(metrics.get(name), Some(value), "{name}");
    }
    assert_eq!(metrics.get("ndcg@20"), None);
    assert_eq!(Metrics::mean([]), Metrics::default());
}
