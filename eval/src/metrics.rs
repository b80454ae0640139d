//! Per-query retrieval metrics with trec_eval 9 definitions.
//!
//! Every function takes results already in trec_eval order (see
//! [`crate::sort_trec_order`]) and the judgements of one query. Grades of 1 or
//! more count as relevant, which is trec_eval's default relevance level.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::trec::{Qrels, Run};

/// The metrics this crate reports, in report order.
pub const METRIC_NAMES: [&str; 6] = [
    "ndcg@10",
    "mrr@10",
    "recall@10",
    "recall@100",
    "map@100",
    "p@10",
];

/// One value per metric, for a query or as a mean over queries.
///
/// All values lie in [0, 1]. The trec_eval measure each one matches is named
/// on its field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// nDCG over the top 10 with gain = grade and discount log2(rank + 1);
    /// the ideal ranking uses every judged document (`ndcg_cut_10`).
    pub ndcg_10: f64,
    /// Reciprocal rank of the first relevant document in the top 10, else 0
    /// (`recip_rank` on the run cut to 10 documents).
    pub mrr_10: f64,
    /// Relevant documents in the top 10 over all relevant documents (`recall_10`).
    pub recall_10: f64,
    /// Relevant documents in the top 100 over all relevant documents (`recall_100`).
    pub recall_100: f64,
    /// Average precision over the top 100, divided by all relevant documents
    /// (`map_cut_100`).
    pub map_100: f64,
    /// Relevant documents in the top 10 over 10, however many were returned (`P_10`).
    pub p_10: f64,
}

impl Metrics {
    /// Returns the value of a metric by its name in [`METRIC_NAMES`], or
    /// `None` for an unknown name.
    pub fn get(&self, name: &str) -> Option<f64> {
        match name {
            "ndcg@10" => Some(self.ndcg_10),
            "mrr@10" => Some(self.mrr_10),
            "recall@10" => Some(self.recall_10),
            "recall@100" => Some(self.recall_100),
            "map@100" => Some(self.map_100),
            "p@10" => Some(self.p_10),
            _ => None,
        }
    }

    /// Returns (name, value) pairs in [`METRIC_NAMES`] order.
    pub fn named(&self) -> [(&'static str, f64); 6] {
        [
            ("ndcg@10", self.ndcg_10),
            ("mrr@10", self.mrr_10),
            ("recall@10", self.recall_10),
            ("recall@100", self.recall_100),
            ("map@100", self.map_100),
            ("p@10", self.p_10),
        ]
    }

    /// Returns the arithmetic mean of each metric, or all zeros for no input.
    pub fn mean<'a>(items: impl IntoIterator<Item = &'a Metrics>) -> Metrics {
        let mut sum = Metrics::default();
        let mut count = 0usize;
        for item in items {
            sum.ndcg_10 += item.ndcg_10;
            sum.mrr_10 += item.mrr_10;
            sum.recall_10 += item.recall_10;
            sum.recall_100 += item.recall_100;
            sum.map_100 += item.map_100;
            sum.p_10 += item.p_10;
            count += 1;
        }
        if count == 0 {
            return sum;
        }

        let n = count as f64;
        Metrics {
            ndcg_10: sum.ndcg_10 / n,
            mrr_10: sum.mrr_10 / n,
            recall_10: sum.recall_10 / n,
            recall_100: sum.recall_100 / n,
            map_100: sum.map_100 / n,
            p_10: sum.p_10 / n,
        }
    }
}

/// Computes all metrics for one query.
///
/// `ranked` must be in trec_eval order. A query without relevant documents
/// scores 0 on every metric, as trec_eval reports it.
pub fn query_metrics(ranked: &[(String, f64)], judgements: &BTreeMap<String, u32>) -> Metrics {
    let grades: Vec<u32> = ranked
        .iter()
        .map(|(doc_id, _)| judgements.get(doc_id).copied().unwrap_or(0))
        .collect();
    let relevant = judgements.values().filter(|&&grade| grade > 0).count();

    Metrics {
        ndcg_10: ndcg_at(&grades, judgements, 10),
        mrr_10: reciprocal_rank_at(&grades, 10),
        recall_10: recall_at(&grades, relevant, 10),
        recall_100: recall_at(&grades, relevant, 100),
        map_100: average_precision_at(&grades, relevant, 100),
        p_10: precision_at(&grades, 10),
    }
}

/// Computes metrics for every judged query of `qrels`, in query id order.
///
/// A judged query absent from `run` retrieved nothing and scores 0, which is
/// what `trec_eval -c` averages. Queries in `run` without judgements are
/// skipped, as trec_eval skips them.
pub fn run_metrics(run: &Run, qrels: &Qrels) -> BTreeMap<String, Metrics> {
    qrels
        .0
        .iter()
        .map(|(query_id, judgements)| {
            let ranked = run.ranked(query_id);
            (query_id.clone(), query_metrics(&ranked, judgements))
        })
        .collect()
}

/// Returns nDCG at `cutoff`. The ideal DCG sorts the grades of all judged
/// documents, so relevant documents the run never returned still count.
pub fn ndcg_at(grades: &[u32], judgements: &BTreeMap<String, u32>, cutoff: usize) -> f64 {
    let mut ideal_grades: Vec<u32> = judgements.values().copied().filter(|&g| g > 0).collect();
    ideal_grades.sort_unstable_by(|a, b| b.cmp(a));

    let ideal = dcg_at(&ideal_grades, cutoff);
    if ideal == 0.0 {
        return 0.0;
    }
    dcg_at(grades, cutoff) / ideal
}

fn dcg_at(grades: &[u32], cutoff: usize) -> f64 {
    grades
        .iter()
        .take(cutoff)
        .enumerate()
        .map(|(index, &grade)| f64::from(grade) / ((index + 2) as f64).log2())
        .sum()
}

/// Returns 1 / rank of the first relevant document within `cutoff`, else 0.
pub fn reciprocal_rank_at(grades: &[u32], cutoff: usize) -> f64 {
    grades
        .iter()
        .take(cutoff)
        .position(|&grade| grade > 0)
        .map(|index| 1.0 / (index + 1) as f64)
        .unwrap_or(0.0)
}

/// Returns the share of the `relevant` documents found within `cutoff`, or 0
/// when `relevant` is 0.
pub fn recall_at(grades: &[u32], relevant: usize, cutoff: usize) -> f64 {
    if relevant == 0 {
        return 0.0;
    }
    let found = grades.iter().take(cutoff).filter(|&&g| g > 0).count();
    found as f64 / relevant as f64
}

/// Returns the relevant documents within `cutoff` divided by `cutoff`.
pub fn precision_at(grades: &[u32], cutoff: usize) -> f64 {
    if cutoff == 0 {
        return 0.0;
    }
    let found = grades.iter().take(cutoff).filter(|&&g| g > 0).count();
    found as f64 / cutoff as f64
}

/// Returns average precision over the top `cutoff`: the sum of precision at
/// each relevant rank, divided by all `relevant` documents (0 when there are none).
pub fn average_precision_at(grades: &[u32], relevant: usize, cutoff: usize) -> f64 {
    if relevant == 0 {
        return 0.0;
    }

    let mut found = 0usize;
    let mut sum = 0.0;
    for (index, &grade) in grades.iter().take(cutoff).enumerate() {
        if grade > 0 {
            found += 1;
            sum += found as f64 / (index + 1) as f64;
        }
    }
    sum / relevant as f64
}
