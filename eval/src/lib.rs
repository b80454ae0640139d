//! Retrieval evaluation for GIP Search.
//!
//! Loads relevance sets in BEIR layout ([`EvalSet`]) and runs a [`Searcher`]
//! over them in one or more retrieval modes ([`evaluate`]). The runs are
//! measured with trec_eval 9 definitions (nDCG@10, MRR@10, Recall@10 and
//! @100, MAP@100, P@10) per mode, query language, query kind and query. Modes are compared with a paired randomization test, and a
//! report can be checked against a saved baseline so that CI catches a change
//! that made search worse ([`EvalReport::compare_to_baseline`]).
//!
//! Sets come from hand-judged queries or from SQuAD-format question answering
//! data ([`import_squad`]). Reports render as text, TSV, TREC run files, JSON,
//! Markdown ([`report_markdown`]) and SVG ([`report_svg`]).
//!
//! ```
//! use gip_eval::{Metrics, query_metrics};
//! use std::collections::BTreeMap;
//!
//! let judgements = BTreeMap::from([("d1".to_string(), 2), ("d2".to_string(), 1)]);
//! let ranked = vec![("d2".to_string(), 0.9), ("d1".to_string(), 0.5)];
//! let metrics: Metrics = query_metrics(&ranked, &judgements);
//! assert_eq!(metrics.mrr_10, 1.0);
//! assert_eq!(metrics.recall_10, 1.0);
//! assert!(metrics.ndcg_10 < 1.0);
//! ```

mod baseline;
mod error;
mod metrics;
mod report;
mod runner;
mod set;
mod significance;
mod squad;
mod trec;

pub use baseline::{DEFAULT_TOLERANCE, Regression};
pub use error::{EvalError, Result};
pub use metrics::{
    METRIC_NAMES, Metrics, average_precision_at, ndcg_at, precision_at, query_metrics, recall_at,
    reciprocal_rank_at, run_metrics,
};
pub use report::{report_markdown, report_svg};
pub use runner::{
    EvalReport, GroupSummary, ModeReport, QueryResult, Searcher, TESTED_METRICS, UNKNOWN_KIND,
    UNKNOWN_LANG, evaluate,
};
pub use set::{CorpusSource, Doc, EvalSet, Query, RECORDS_FORMAT, write_beir_set};
pub use significance::{DEFAULT_PERMUTATIONS, DEFAULT_SEED, PairedTest, randomization_test};
pub use squad::{ImportOptions, ImportSummary, ImportedSet, SQUAD_QUERY_KIND, import_squad};
pub use trec::{Qrels, Run, sort_trec_order};
