//! Evaluation sets in BEIR layout: queries, graded qrels and a corpus.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::{EvalError, Result};
use crate::trec::{Qrels, invalid_line, write_file};

/// The only record format a manifest may name.
pub const RECORDS_FORMAT: &str = "gip-records-v1";

/// One test question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    /// Query id, unique within the set and used as the TREC `qid`.
    pub id: String,
    /// The question as a user would type it.
    pub text: String,
    /// BCP 47 language tag of the question (`ar`, `en`), when the set gives one.
    pub lang: Option<String>,
    /// Free-form query category (`keyword`, `question`, ...), when the set gives one.
    pub kind: Option<String>,
}

/// One document of a set's own corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Doc {
    /// Document id, unique within the corpus and used as the TREC `docid`.
    pub id: String,
    /// Title; empty when the corpus has none.
    pub title: String,
    /// Body text.
    pub text: String,
    /// Language tag of the document, when the corpus gives one.
    pub lang: Option<String>,
}

/// The source of a set's documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorpusSource {
    /// Documents listed in the set's own `corpus.jsonl`.
    Docs(Vec<Doc>),
    /// A project record file (format `gip-records-v1`) named by the set's
    /// `manifest.json`, so the set is scored against the real index.
    Records {
        /// Path of the record file, already resolved against the manifest's folder.
        path: PathBuf,
    },
}

/// A relevance set loaded from one folder.
#[derive(Debug, Clone)]
pub struct EvalSet {
    /// Set name: the folder's file name.
    pub name: String,
    /// Folder the set was loaded from.
    pub dir: PathBuf,
    /// Queries in file order.
    pub queries: Vec<Query>,
    /// Judgements from `qrels/test.tsv`.
    pub qrels: Qrels,
    /// The documents to index before searching.
    pub corpus: CorpusSource,
}

#[derive(Deserialize)]
struct Manifest {
    corpus: PathBuf,
    format: String,
}

impl EvalSet {
    /// Loads a set from `dir`: `queries.jsonl`, `qrels/test.tsv`, and either
    /// `corpus.jsonl` or `manifest.json`.
    ///
    /// Fails when a file is missing or malformed, when a query or document id
    /// repeats, when qrels judge a query that `queries.jsonl` lacks, or when
    /// the manifest names an unknown format or a record file that does not exist.
    pub fn load(dir: &Path) -> Result<EvalSet> {
        let queries = read_queries(&dir.join("queries.jsonl"))?;

        let qrels_path = dir.join("qrels").join("test.tsv");
        require_file(
            &qrels_path,
            "a set needs qrels/test.tsv with graded judgements",
        )?;
        let qrels = Qrels::read_beir_tsv(&qrels_path)?;

        let known: BTreeSet<&str> = queries.iter().map(|q| q.id.as_str()).collect();
        if let Some(unknown) = qrels.0.keys().find(|id| !known.contains(id.as_str())) {
            return Err(EvalError::InvalidArgument(format!(
                "{} judges query {unknown:?}, which {} does not contain; add the query or drop its judgements",
                qrels_path.display(),
                dir.join("queries.jsonl").display()
            )));
        }

        let corpus = read_corpus_source(dir)?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| dir.display().to_string());

        Ok(EvalSet {
            name,
            dir: dir.to_path_buf(),
            queries,
            qrels,
            corpus,
        })
    }

    /// Returns the hex SHA-256 of the corpus content, so an index built for
    /// one corpus can be reused while the hash stays the same.
    ///
    /// For [`CorpusSource::Docs`] the hash covers every id, title, text and
    /// language in order. For [`CorpusSource::Records`] it covers the record
    /// file's bytes, and fails when that file cannot be read.
    pub fn content_hash(&self) -> Result<String> {
        let mut hasher = Sha256::new();

        match &self.corpus {
            CorpusSource::Docs(docs) => {
                hasher.update(b"gip-eval-docs-v1\n");
                for doc in docs {
                    for field in [
                        doc.id.as_str(),
                        doc.title.as_str(),
                        doc.text.as_str(),
                        doc.lang.as_deref().unwrap_or(""),
                    ] {
                        // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
                        hasher.update((field.len() as u64).to_le_bytes());
                        hasher.update(field.as_bytes());
                    }
                }
            }
            CorpusSource::Records { path } => {
                hasher.update(RECORDS_FORMAT.as_bytes());
                hasher.update(b"\n");
                let mut file = fs::File::open(path).map_err(|e| EvalError::io(path, e))?;
                std::io::copy(&mut file, &mut hasher).map_err(|e| EvalError::io(path, e))?;
            }
        }

        Ok(hex::encode(hasher.finalize()))
    }

    /// Returns the queries that have at least one judgement; only these are scored.
    pub fn judged_queries(&self) -> impl Iterator<Item = &Query> {
        self.queries
            .iter()
            .filter(|q| self.qrels.0.contains_key(&q.id))
    }
}

/// Writes a set in BEIR layout under `dir` (created if needed):
/// `corpus.jsonl`, `queries.jsonl` and `qrels/test.tsv`.
///
/// Query metadata carries `lang` and `kind` when set, plus `extra` fields.
pub fn write_beir_set(
    dir: &Path,
    queries: &[Query],
    docs: &[Doc],
    qrels: &Qrels,
    extra_query_metadata: &Map<String, Value>,
) -> Result<()> {
    let qrels_dir = dir.join("qrels");
    fs::create_dir_all(&qrels_dir).map_err(|e| EvalError::io(&qrels_dir, e))?;

    let mut corpus = Vec::new();
    for doc in docs {
        let mut metadata = Map::new();
        if let Some(lang) = &doc.lang {
            metadata.insert("lang".into(), Value::from(lang.as_str()));
        }
        let line = serde_json::json!({
            "_id": doc.id, "title": doc.title, "text": doc.text, "metadata": metadata,
        });
        push_json_line(&mut corpus, &line);
    }
    write_file(&dir.join("corpus.jsonl"), &corpus)?;

    let mut query_lines = Vec::new();
    for query in queries {
        let mut metadata = extra_query_metadata.clone();
        if let Some(lang) = &query.lang {
            metadata.insert("lang".into(), Value::from(lang.as_str()));
        }
        if let Some(kind) = &query.kind {
            metadata.insert("kind".into(), Value::from(kind.as_str()));
        }
        let line = serde_json::json!({ "_id": query.id, "text": query.text, "metadata": metadata });
        push_json_line(&mut query_lines, &line);
    }
    write_file(&dir.join("queries.jsonl"), &query_lines)?;

    qrels.write_beir_tsv(&qrels_dir.join("test.tsv"))
}

fn push_json_line(out: &mut Vec<u8>, value: &Value) {
    // Writing into a Vec never fails, and a `json!` value has string keys
    // only, so serialization cannot fail either.
    let _ = serde_json::to_writer(&mut *out, value);
    let _ = out.write_all(b"\n");
}

fn require_file(path: &Path, hint: &str) -> Result<()> {
    if path.is_file() {
        return Ok(());
    }
    Err(EvalError::MissingFile {
        path: path.to_path_buf(),
        hint: hint.to_string(),
    })
}

fn read_corpus_source(dir: &Path) -> Result<CorpusSource> {
    let corpus_path = dir.join("corpus.jsonl");
    if corpus_path.is_file() {
        return Ok(CorpusSource::Docs(read_docs(&corpus_path)?));
    }

    let manifest_path = dir.join("manifest.json");
    require_file(
        &manifest_path,
        "a set needs corpus.jsonl or a manifest.json naming a record file",
    )?;
    let text = fs::read_to_string(&manifest_path).map_err(|e| EvalError::io(&manifest_path, e))?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|source| EvalError::InvalidJson {
            path: manifest_path.clone(),
            source,
        })?;

    if manifest.format != RECORDS_FORMAT {
        return Err(EvalError::UnsupportedFormat {
            path: manifest_path,
            format: manifest.format,
        });
    }

    let path = dir.join(&manifest.corpus);
    require_file(
        &path,
        &format!(
            "manifest.json names this record file as the corpus; the path is relative to {}",
            dir.display()
        ),
    )?;
    Ok(CorpusSource::Records { path })
}

/// Parses each non-blank line of a JSON Lines file into an object.
fn read_json_lines(path: &Path) -> Result<Vec<(usize, Map<String, Value>)>> {
    let text = fs::read_to_string(path).map_err(|e| EvalError::io(path, e))?;
    let mut objects = Vec::new();

    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line)
            .map_err(|e| invalid_line(path, index + 1, &format!("invalid JSON: {e}")))?;
        match value {
            Value::Object(object) => objects.push((index + 1, object)),
            _ => return Err(invalid_line(path, index + 1, "expected a JSON object")),
        }
    }
    Ok(objects)
}

fn read_queries(path: &Path) -> Result<Vec<Query>> {
    require_file(
        path,
        "a set needs queries.jsonl with one {\"_id\", \"text\"} object a line",
    )?;
    let mut seen = BTreeSet::new();
    let mut queries = Vec::new();

    for (line, object) in read_json_lines(path)? {
        let id = id_field(&object, path, line)?;
        if !seen.insert(id.clone()) {
            return Err(invalid_line(
                path,
                line,
                &format!("query id {id:?} repeats"),
            ));
        }
        let text = string_field(&object, "text")
            .ok_or_else(|| invalid_line(path, line, "missing string field \"text\""))?;
        let metadata = object.get("metadata").and_then(Value::as_object);

        queries.push(Query {
            id,
            text,
            lang: metadata.and_then(|m| string_field(m, "lang")),
            kind: metadata.and_then(|m| string_field(m, "kind")),
        });
    }
    Ok(queries)
}

fn read_docs(path: &Path) -> Result<Vec<Doc>> {
    let mut seen = BTreeSet::new();
    let mut docs = Vec::new();

    for (line, object) in read_json_lines(path)? {
        let id = id_field(&object, path, line)?;
        if !seen.insert(id.clone()) {
            return Err(invalid_line(
                path,
                line,
                &format!("document id {id:?} repeats"),
            ));
        }
        let text = string_field(&object, "text")
            .ok_or_else(|| invalid_line(path, line, "missing string field \"text\""))?;
        let metadata = object.get("metadata").and_then(Value::as_object);

        docs.push(Doc {
            id,
            title: string_field(&object, "title").unwrap_or_default(),
            text,
            lang: metadata.and_then(|m| string_field(m, "lang")),
        });
    }
    Ok(docs)
}

/// Reads `_id`, accepting a number as well as a string because some BEIR
/// sets write numeric ids.
fn id_field(object: &Map<String, Value>, path: &Path, line: usize) -> Result<String> {
    let id = match object.get("_id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(invalid_line(path, line, "missing string field \"_id\"")),
    };
    if id.is_empty() || id.chars().any(char::is_whitespace) {
        return Err(invalid_line(
            path,
            line,
            &format!(
                "id {id:?} must be non-empty and contain no whitespace, because TREC files split on whitespace"
            ),
        ));
    }
    Ok(id)
}

fn string_field(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_string)
}
