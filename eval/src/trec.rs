//! Relevance judgements (qrels) and ranked runs, with readers and writers for
//! the TREC and BEIR file formats.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{EvalError, Result};

/// Graded relevance judgements: query id → document id → grade.
///
/// A grade of 0 means judged non-relevant; any grade of 1 or more is relevant
/// and is also the gain nDCG uses. Documents absent from the map are unjudged
/// and count as non-relevant, as in trec_eval.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Qrels(pub BTreeMap<String, BTreeMap<String, u32>>);

/// Ranked results per query: query id → list of (document id, score).
///
/// The list keeps the order the searcher returned, but every metric and every
/// run file ranks it the way trec_eval does (see [`sort_trec_order`]), so a
/// searcher must give higher scores to better documents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Run(pub BTreeMap<String, Vec<(String, f64)>>);

/// Sorts results into trec_eval's ranking order: score descending, and among
/// equal scores, document id descending by byte order.
///
/// trec_eval 9 ignores the rank column of a run file and sorts this way. This
/// crate sorts the same way so that its metrics equal trec_eval's on the run
/// files it writes, ties included.
pub fn sort_trec_order(results: &mut [(String, f64)]) {
    results.sort_by(compare_trec_order);
}

fn compare_trec_order(a: &(String, f64), b: &(String, f64)) -> Ordering {
    b.1.total_cmp(&a.1).then_with(|| b.0.cmp(&a.0))
}

impl Qrels {
    /// Returns the judgements of one query, or `None` when it has none.
    pub fn get(&self, query_id: &str) -> Option<&BTreeMap<String, u32>> {
        self.0.get(query_id)
    }

    /// Adds or replaces one judgement.
    pub fn insert(&mut self, query_id: &str, doc_id: &str, grade: u32) {
        self.0
            .entry(query_id.to_string())
            .or_default()
            .insert(doc_id.to_string(), grade);
    }

    /// Returns the number of documents with grade 1 or more for a query.
    pub fn relevant_count(&self, query_id: &str) -> usize {
        self.get(query_id)
            .map(|docs| docs.values().filter(|&&grade| grade > 0).count())
            .unwrap_or(0)
    }

    /// Reads a BEIR qrels file: a header line `query-id\tcorpus-id\tscore`,
    /// then one tab-separated judgement per line.
    ///
    /// Fails on a missing header, a line without three fields, a grade that
    /// is not a non-negative integer, or the same (query, document) pair twice.
    pub fn read_beir_tsv(path: &Path) -> Result<Qrels> {
        let text = fs::read_to_string(path).map_err(|e| EvalError::io(path, e))?;
        let mut lines = text.lines().enumerate();

        let header_ok = lines
            .next()
            .map(|(_, header)| header.split('\t').next() == Some("query-id"))
            .unwrap_or(false);
        if !header_ok {
            return Err(invalid_line(
                path,
                1,
                "expected the header \"query-id\\tcorpus-id\\tscore\"",
            ));
        }

        let mut qrels = Qrels::default();
        for (index, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() != 3 {
                return Err(invalid_line(
                    path,
                    index + 1,
                    &format!("expected 3 tab-separated fields, found {}", fields.len()),
                ));
            }
            let grade = parse_grade(fields[2], path, index + 1)?;
            qrels.insert_unique(fields[0].trim(), fields[1].trim(), grade, path, index + 1)?;
        }
        Ok(qrels)
    }

    /// Writes a BEIR qrels file with its header, sorted by query then document.
    pub fn write_beir_tsv(&self, path: &Path) -> Result<()> {
        let mut out = String::from("query-id\tcorpus-id\tscore\n");
        for (query_id, docs) in &self.0 {
            for (doc_id, grade) in docs {
                out.push_str(&format!("{query_id}\t{doc_id}\t{grade}\n"));
            }
        }
        write_file(path, out.as_bytes())
    }

    /// Reads a TREC qrels file: lines of `qid iteration docid grade`,
    /// separated by whitespace. The iteration column is ignored.
    pub fn read_trec(path: &Path) -> Result<Qrels> {
        let text = fs::read_to_string(path).map_err(|e| EvalError::io(path, e))?;
        let mut qrels = Qrels::default();

        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() != 4 {
                return Err(invalid_line(
                    path,
                    index + 1,
                    &format!(
                        "expected 4 fields \"qid 0 docid grade\", found {}",
                        fields.len()
                    ),
                ));
            }
            let grade = parse_grade(fields[3], path, index + 1)?;
            qrels.insert_unique(fields[0], fields[2], grade, path, index + 1)?;
        }
        Ok(qrels)
    }

    /// Writes a TREC qrels file (`qid 0 docid grade`), sorted by query then document.
    pub fn write_trec(&self, path: &Path) -> Result<()> {
        let mut out = String::new();
        for (query_id, docs) in &self.0 {
            for (doc_id, grade) in docs {
                out.push_str(&format!("{query_id} 0 {doc_id} {grade}\n"));
            }
        }
        write_file(path, out.as_bytes())
    }

    fn insert_unique(
        &mut self,
        query_id: &str,
        doc_id: &str,
        grade: u32,
        path: &Path,
        line: usize,
    ) -> Result<()> {
        let docs = self.0.entry(query_id.to_string()).or_default();
        if docs.insert(doc_id.to_string(), grade).is_some() {
            return Err(invalid_line(
                path,
                line,
                &format!(
                    "document {doc_id:?} is judged twice for query {query_id:?}; keep one line"
                ),
            ));
        }
        Ok(())
    }
}

impl Run {
    /// Returns one query's results in trec_eval's ranking order.
    ///
    /// An absent query yields an empty list: it retrieved nothing.
    pub fn ranked(&self, query_id: &str) -> Vec<(String, f64)> {
        let mut results = self.0.get(query_id).cloned().unwrap_or_default();
        sort_trec_order(&mut results);
        results
    }

    /// Reads a TREC run file: lines of `qid Q0 docid rank score tag`.
    ///
    /// The rank column is read but ignored, as trec_eval ignores it: ranks
    /// come from the scores. Fails on a line without six fields, a score that
    /// is not a finite number, or a document listed twice for one query.
    pub fn read_trec(path: &Path) -> Result<Run> {
        let text = fs::read_to_string(path).map_err(|e| EvalError::io(path, e))?;
        let mut run = Run::default();

        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() != 6 {
                return Err(invalid_line(
                    path,
                    index + 1,
                    &format!(
                        "expected 6 fields \"qid Q0 docid rank score tag\", found {}",
                        fields.len()
                    ),
                ));
            }

            let score: f64 = fields[4].parse().map_err(|_| {
                invalid_line(
                    path,
                    index + 1,
                    &format!("score {:?} is not a number", fields[4]),
                )
            })?;
            if !score.is_finite() {
                return Err(invalid_line(
                    path,
                    index + 1,
                    &format!("score {:?} is not finite", fields[4]),
                ));
            }

            let results = run.0.entry(fields[0].to_string()).or_default();
            if results.iter().any(|(doc_id, _)| doc_id == fields[2]) {
                return Err(invalid_line(
                    path,
                    index + 1,
                    &format!(
                        "document {:?} appears twice for query {:?}; keep one line",
                        fields[2], fields[0]
                    ),
                ));
            }
            results.push((fields[2].to_string(), score));
        }
        Ok(run)
    }

    /// Writes a TREC run file with ranks in trec_eval's order and `tag` in the
    /// last column.
    ///
    /// Fails when `tag` is empty or contains whitespace, because a run file
    /// splits its columns on whitespace.
    pub fn write_trec(&self, path: &Path, tag: &str) -> Result<()> {
        if tag.is_empty() || tag.chars().any(char::is_whitespace) {
            return Err(EvalError::InvalidArgument(format!(
                "run tag {tag:?} must be non-empty and contain no whitespace"
            )));
        }

        let file = fs::File::create(path).map_err(|e| EvalError::io(path, e))?;
        let mut writer = BufWriter::new(file);
        for query_id in self.0.keys() {
            for (rank, (doc_id, score)) in self.ranked(query_id).iter().enumerate() {
                writeln!(writer, "{query_id} Q0 {doc_id} {} {score} {tag}", rank + 1)
                    .map_err(|e| EvalError::io(path, e))?;
            }
        }
        writer.flush().map_err(|e| EvalError::io(path, e))
    }
}

fn parse_grade(field: &str, path: &Path, line: usize) -> Result<u32> {
    field.trim().parse().map_err(|_| {
        invalid_line(
            path,
            line,
            &format!("grade {field:?} is not a non-negative integer; use 0 for non-relevant"),
        )
    })
}

pub(crate) fn invalid_line(path: &Path, line: usize, message: &str) -> EvalError {
    EvalError::InvalidLine {
        path: path.to_path_buf(),
        line,
        message: message.to_string(),
    }
}

pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).map_err(|e| EvalError::io(path, e))
}
